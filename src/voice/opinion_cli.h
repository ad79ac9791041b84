/*
 * opinion_cli.h - `linli opinion DIR`: the opinion map of a Pol.is
 * open-data conversation, printed for a person and for scripts.
 *
 * A thin command: parse the arguments, read the folder (polis.h), compute
 * the map (opinion.h), print.  The first block of the output is
 * machine-readable: a "participant,group" header, then one line per
 * clustered participant in id order, then a blank line.  What follows is a
 * report for people: the groups, the consensus statements, each group's
 * representative statements, and the most divisive statements.
 */
#ifndef LINLI_VOICE_OPINION_CLI_H
#define LINLI_VOICE_OPINION_CLI_H

/*
 * Runs the command; argv[0] is "opinion" and argv is borrowed.  Prints the
 * map on standard output and problems on standard error.  Returns the exit
 * status: 0 done (also for --help), 1 bad input (unreadable folder,
 * malformed CSV, no votes), 2 usage error.
 */
int opinion_cli_main(int argc, char **argv);

#endif
