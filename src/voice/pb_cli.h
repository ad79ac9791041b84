/*
 * pb_cli.h - `linli pb`: apply a budgeting rule to a Pabulib .pb file.
 *
 *   linli pb FILE.pb [--rule greedy|mes|equalshares|equalshares/add1] [--explain]
 *
 * Prints the funded project ids, one per line in the order they were funded,
 * or with --explain a summary line (starting with '#') and one line per
 * project in file order: id, TAB, funded / not funded and why.  The rule is
 * the one the file's META names unless --rule is given ("mes" is
 * equalshares/add1).
 */
#ifndef LINLI_VOICE_PB_CLI_H
#define LINLI_VOICE_PB_CLI_H

/*
 * The command; argv[0] is "pb".  Returns the process exit code: 0 done (also
 * for --help, which prints the usage on stdout), 2 a usage error (message
 * and usage on stderr), 1 a file that cannot be read or used (the message
 * names the file, and the line and field when there are some).
 */
int pb_cli_main(int argc, char **argv);

#endif
