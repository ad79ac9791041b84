/*
 * opinion_cli.c - `linli opinion DIR` (see opinion_cli.h).
 *
 * Statement text is shown as the data gives it, cut to a short excerpt on a
 * character boundary with line breaks and control characters turned into
 * spaces, so that every statement stays on one line of the report.
 */
#include "voice/opinion_cli.h"

#include "core/err.h"
#include "core/strbuf.h"
#include "voice/opinion.h"
#include "voice/polis.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

enum { EXCERPT_CHARS = 72, TOP_N = 5 };

static const char usage[] =
	"usage: linli opinion DIR [--out DIR] [--seed N]\n"
	"\n"
	"Reads a Pol.is open-data conversation from DIR (comments.csv, votes.csv and,\n"
	"if present, participants-votes.csv) and prints its opinion map (意见地图):\n"
	"the latest vote of each participant on each statement counts, statements\n"
	"moderated out are left out.\n"
	"\n"
	"Output: a \"participant,group\" header and one line per clustered\n"
	"participant (groups 0..k-1), a blank line, then the groups, the consensus\n"
	"statements, the representative statements of each group and the most\n"
	"divisive statements.\n"
	"\n"
	"  --out DIR   also write the conversation to DIR in the same format, with\n"
	"              participants-votes.csv rebuilt from the votes and our groups\n"
	"  --seed N    seed of the map's random choices (default 1)\n"
	"\n"
	"Exit status: 0 done, 1 bad input, 2 usage error.\n";

/* The text of statement id, from comments.csv, or NULL. */
static const char *statement_text(const struct polis_conversation *c, int64_t id)
{
	for (size_t i = 0; i < c->n_comments; i++)
		if (c->comments[i].id == id)
			return c->comments[i].body;
	return NULL;
}

/* Appends at most EXCERPT_CHARS characters of s, on one line. */
static void add_excerpt(struct strbuf *sb, const char *s)
{
	size_t chars = 0;
	const unsigned char *p = (const unsigned char *)s;

	while (*p && chars < EXCERPT_CHARS) {
		size_t len = *p < 0x80 ? 1 : *p < 0xe0 ? 2 : *p < 0xf0 ? 3 : 4;
		for (size_t k = 1; k < len; k++)
			if (!p[k])
				len = k; /* never past the end, even on bad input */
		if (*p < 0x20 || *p == 0x7f)
			strbuf_addch(sb, ' ');
		else
			strbuf_add(sb, p, len);
		p += len;
		chars++;
	}
	if (*p)
		strbuf_addstr(sb, "...");
}

static void print_statement(const struct polis_conversation *c, int64_t id, const char *stats)
{
	struct strbuf sb = STRBUF_INIT;
	const char *text = statement_text(c, id);

	strbuf_addf(&sb, "  #%-5" PRId64 " %s", id, stats);
	if (text && *text) {
		strbuf_addstr(&sb, "  ");
		add_excerpt(&sb, text);
	}
	puts(sb.buf);
	strbuf_release(&sb);
}

static void print_report(const struct polis_conversation *c, const struct opinion_matrix *m,
			 const struct opinion_map *map)
{
	char stats[160];

	printf("participants %zu (clustered %zu), statements %zu, votes %zu\n",
	       m->n_participants, map->n_clustered, m->n_statements, m->n_votes);
	printf("groups %d, silhouette by k:", map->k);
	for (int k = OPINION_K_MIN; k <= OPINION_K_MAX; k++)
		if (map->kmeans[k].feasible)
			printf(" %d=%.3f", k, map->kmeans[k].silhouette);
	printf("\n");
	for (int g = 0; g < map->k; g++)
		printf("  group %d: %zu participants, centre (%.3f, %.3f)\n", g,
		       map->groups[g].n_members, map->groups[g].centre[0],
		       map->groups[g].centre[1]);

	printf("\nconsensus (p: smoothed share of those who voted, z: one-proportion test)\n");
	for (int agree = 1; agree >= 0; agree--) {
		const struct opinion_consensus *list =
			agree ? map->consensus_agree : map->consensus_disagree;
		size_t n = agree ? map->n_consensus_agree : map->n_consensus_disagree;
		for (size_t i = 0; i < n; i++) {
			snprintf(stats, sizeof(stats), "%-8s p=%.2f z=%5.2f %u/%u",
				 agree ? "agree" : "disagree", list[i].p_success, list[i].p_test,
				 list[i].n_success, list[i].n_trials);
			print_statement(c, m->statement_ids[list[i].statement], stats);
		}
	}
	if (!map->n_consensus_agree && !map->n_consensus_disagree)
		printf("  (none significant)\n");

	printf("\ngroup-informed consensus (product over groups of P(agree))\n");
	for (size_t i = 0; i < TOP_N && i < m->n_statements; i++) {
		uint32_t j = map->gic_order[i];
		snprintf(stats, sizeof(stats), "gic=%.3f", map->gic[j]);
		print_statement(c, m->statement_ids[j], stats);
	}

	for (int g = 0; map->k > 1 && g < map->k; g++) {
		printf("\ngroup %d representative (repness: P in group / P outside, z: group vs "
		       "rest)\n",
		       g);
		for (size_t i = 0; i < map->groups[g].n_rep; i++) {
			const struct opinion_repness *r = &map->groups[g].rep[i];
			snprintf(stats, sizeof(stats), "%-8s p=%.2f repness=%.2f z=%5.2f %u/%u",
				 r->agree ? "agree" : "disagree", r->p_success, r->repness,
				 r->repness_test, r->n_success, r->n_trials);
			print_statement(c, m->statement_ids[r->statement], stats);
		}
	}

	if (map->k > 1) {
		printf("\nmost divisive (half the spread of net agreement across groups)\n");
		for (size_t i = 0; i < TOP_N && i < m->n_statements; i++) {
			uint32_t j = map->divisive_order[i];
			if (map->divisiveness[j] <= 0)
				break;
			snprintf(stats, sizeof(stats), "divisiveness=%.3f", map->divisiveness[j]);
			print_statement(c, m->statement_ids[j], stats);
		}
	}
}

static int write_out(struct polis_conversation *c, const struct opinion_matrix *m,
		     const struct opinion_map *map, const char *dir, struct err *e)
{
	struct stat st;

	if (stat(dir, &st) != 0 && mkdir(dir, 0777) != 0)
		return err_set(e, ERR_INTERNAL, "out", "cannot create %s", dir);
	if (polis_participants_build(c, m->participant_ids, map->group, m->n_participants, e) < 0)
		return -1;
	return polis_write_dir(c, dir, e);
}

int opinion_cli_main(int argc, char **argv)
{
	struct polis_conversation conv = POLIS_CONVERSATION_INIT;
	struct opinion_matrix m = OPINION_MATRIX_INIT;
	struct opinion_map map = OPINION_MAP_INIT;
	struct opinion_params params;
	struct err e = ERR_INIT;
	const char *dir = NULL, *out_dir = NULL;
	int rc = 2;

	opinion_params_default(&params);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			fputs(usage, stdout);
			rc = 0;
			goto out;
		} else if (!strcmp(a, "--out") && i + 1 < argc) {
			out_dir = argv[++i];
		} else if (!strcmp(a, "--seed") && i + 1 < argc) {
			char *end;
			params.seed = strtoull(argv[++i], &end, 10);
			if (!*argv[i] || *end) {
				fprintf(stderr, "linli opinion: --seed needs a number\n");
				goto out;
			}
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr, "linli opinion: unknown option or missing value: %s "
					"(see --help)\n",
				a);
			goto out;
		} else if (!dir) {
			dir = a;
		} else {
			fprintf(stderr, "linli opinion: one folder only (see --help)\n");
			goto out;
		}
	}
	if (!dir) {
		fputs(usage, stderr);
		goto out;
	}

	rc = 1;
	if (polis_read_dir(&conv, dir, &e) < 0 || polis_matrix(&m, &conv, &e) < 0)
		goto fail;
	params.zeroed_statements = polis_zeroed_statements(&conv);
	if (opinion_map_compute(&map, &m, &params, NULL, &e) < 0)
		goto fail;
	if (out_dir && write_out(&conv, &m, &map, out_dir, &e) < 0)
		goto fail;

	puts("participant,group");
	for (size_t i = 0; i < m.n_participants; i++)
		if (map.group[i] >= 0)
			printf("%" PRId64 ",%d\n", m.participant_ids[i], map.group[i]);
	puts("");
	print_report(&conv, &m, &map);
	rc = fflush(stdout) == 0 ? 0 : 1;
	goto out;
fail:
	fprintf(stderr, "linli opinion: %s\n", e.message);
out:
	opinion_map_release(&map);
	opinion_matrix_release(&m);
	polis_release(&conv);
	return rc;
}
