/*
 * tally_cli.h - `linli tally`: the exact tally of a sheet of paper ballots.
 *
 *   linli tally --rule art278-general|art278-major|majority FILE.csv
 *   linli tally --rule custom --participation 2/3 --approval-over 1/2 FILE.csv
 *
 * FILE.csv (UTF-8 or GB18030) has a header row naming the columns dwelling,
 * owner, area, vote (in any order; 房号, 业主, 面积, 表决 too) and one row
 * per dwelling: area in m^2 with up to two decimals, vote yes / no / abstain
 * (同意 / 反对 / 弃权) or empty for not voted.  Rows of one owner share the
 * owner; the developer's unsold dwellings share one owner (e.g. developer).
 * Prints the four figures, each with its threshold and a tick or a cross,
 * and on the last line exactly PASSED or FAILED.  See docs/votes.md.
 */
#ifndef LINLI_VOICE_TALLY_CLI_H
#define LINLI_VOICE_TALLY_CLI_H

/*
 * The command; argv[0] is "tally".  Returns the exit code: 0 PASSED (and
 * --help), 1 FAILED, 2 bad input: a usage error, a file that cannot be read,
 * or a row that cannot be counted ("line N: field: reason" on stderr).
 */
int tally_cli_main(int argc, char **argv);

#endif
