/*
 * roster_cli.h - `linli roster solve`: the roster solver on a JSON file.
 *
 *   linli roster solve FILE.json [--greedy] [--explain] [--json]
 *
 * FILE.json holds {rules, volunteers, slots} as in docs/roster.md: times as
 * UTC minutes since 1970 or "YYYY-MM-DDTHH:MM" in the community's local
 * time (rules.tz_offset, default 480), skills as lists of names.  Prints
 * one line per slot (volunteer or the reason it is unfilled), with
 * --explain the reason in words and the hours of each volunteer, and on the
 * last line the summary: filled, unfilled, max/min hours, Gini of hours.
 * --json prints one JSON object instead.  Nothing is written anywhere: the
 * coordinator reviews and adjusts before anything is published.
 */
#ifndef LINLI_SCENE_ROSTER_CLI_H
#define LINLI_SCENE_ROSTER_CLI_H

/*
 * The command; argv[0] is "roster".  Returns the exit code: 0 solved (and
 * --help), 2 a usage error or bad input ("FILE: message (field F)" on
 * stderr, naming the field such as volunteers[3].weekly[0]).
 */
int roster_cli_main(int argc, char **argv);

#endif
