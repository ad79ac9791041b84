/*
 * pb_cli.c - the `linli pb` command (see pb_cli.h).
 *
 * A thin handler: read the arguments, parse the file (pb.h), apply the rule
 * (budget.h), print.  Everything the command allocates lives in one arena
 * released on the way out.
 */
#include "voice/pb_cli.h"

#include "core/arena.h"
#include "core/err.h"
#include "core/strbuf.h"
#include "voice/budget.h"
#include "voice/pb.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static const char usage[] =
	"usage: linli pb FILE.pb [--rule greedy|mes] [--explain]\n"
	"\n"
	"Applies a participatory-budgeting rule to a Pabulib .pb file and prints the\n"
	"funded project ids, one per line, in the order they were funded.\n"
	"\n"
	"  --rule greedy   by votes, most first; skip what no longer fits\n"
	"  --rule mes      Method of Equal Shares with the add1 completion\n"
	"                  (also: equalshares, equalshares/add1, as Pabulib names them)\n"
	"  --explain       one line per project instead: funded or not, and why\n"
	"\n"
	"Without --rule, the rule named by the file's META `rule` is used.\n"
	"Exit status: 0 done, 1 the file cannot be read or used, 2 usage error.\n";

int pb_cli_main(int argc, char **argv)
{
	struct arena a = ARENA_INIT;
	struct err e = ERR_INIT;
	struct pb_instance in;
	struct budget_result res;
	struct budget_options opt = { BUDGET_RULE_FILE, 0, 0 };
	struct strbuf sb = STRBUF_INIT;
	const char *path = NULL;
	bool explain = false;
	int rc = 2;

	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
			fputs(usage, stdout);
			rc = 0;
			goto out;
		} else if (!strcmp(arg, "--explain")) {
			explain = true;
		} else if (!strcmp(arg, "--rule") || !strncmp(arg, "--rule=", 7)) {
			const char *name = arg[6] == '='  ? arg + 7
					   : i + 1 < argc ? argv[++i]
							  : NULL;
			if (!name || !budget_rule_parse(&opt.rule, name)) {
				fprintf(stderr, "linli pb: --rule takes greedy or mes%s%s\n\n%s",
					name ? ", not " : "", name ? name : "", usage);
				goto out;
			}
		} else if (arg[0] == '-' && arg[1]) {
			fprintf(stderr, "linli pb: unknown option %s\n\n%s", arg, usage);
			goto out;
		} else if (path) {
			fprintf(stderr, "linli pb: one file at a time (%s and %s)\n\n%s", path, arg,
				usage);
			goto out;
		} else {
			path = arg;
		}
	}
	if (!path) {
		fprintf(stderr, "linli pb: which .pb file?\n\n%s", usage);
		goto out;
	}
	rc = 1;
	if (pb_read_file(&in, path, &a, &e) || budget_allocate(&res, &in, &opt, &a, &e)) {
		fprintf(stderr, "linli pb: %s: %s%s%s%s\n", path, e.message,
			e.field[0] ? " (field " : "", e.field, e.field[0] ? ")" : "");
		goto out;
	}
	if (explain) {
		strbuf_addstr(&sb, "# ");
		budget_summary(&sb, &res, &in);
		strbuf_addch(&sb, '\n');
		for (size_t i = 0; i < in.nprojects; i++) {
			strbuf_addf(&sb, "%s\t", in.project[i].id);
			budget_explain(&sb, &res, &in, i);
			strbuf_addch(&sb, '\n');
		}
	} else {
		for (size_t i = 0; i < res.nfunded; i++)
			strbuf_addf(&sb, "%s\n", in.project[res.funded[i]].id);
	}
	if (fwrite(sb.buf, 1, sb.len, stdout) != sb.len || fflush(stdout)) {
		fprintf(stderr, "linli pb: cannot write the output\n");
		goto out;
	}
	rc = 0;
out:
	strbuf_release(&sb);
	arena_release(&a);
	return rc;
}
