/*
 * test_budget.c - Pabulib .pb files (src/voice/pb.c) and the allocation
 * rules (src/voice/budget.c).
 *
 * The parser is checked on what real files hold (CRLF, a BOM, quoted fields
 * with semicolons and line breaks) and on every refusal naming its line and
 * field; the writer by round trips.  The rules are checked on instances
 * small enough to work out by hand (the arithmetic is in the comments), on
 * the 51%/49% example that motivates the Method of Equal Shares in the
 * literature (Peters & Skowron; also on Wikipedia's page on the method), on
 * ties, and on an electorate large enough that the exact amounts need
 * several hundred bits.  Every fixture here is made up: numbers only.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "voice/budget.h"
#include "voice/pb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct arena A = ARENA_INIT;

static int teardown(void **state)
{
	(void)state;
	arena_release(&A);
	return 0;
}

static struct pb_instance parse_ok(const char *text)
{
	struct pb_instance in;
	struct err e = ERR_INIT;
	int rc = pb_parse(&in, text, strlen(text), &A, &e);
	if (rc)
		fprintf(stderr, "unexpected: %s (field %s)\n", e.message, e.field);
	assert_int_equal(rc, 0);
	return in;
}

static struct budget_result run(const struct pb_instance *in, enum budget_rule rule)
{
	struct budget_result r;
	struct budget_options opt = { rule, 0, 0 };
	struct err e = ERR_INIT;
	int rc = budget_allocate(&r, in, &opt, &A, &e);
	if (rc)
		fprintf(stderr, "unexpected: %s (field %s)\n", e.message, e.field);
	assert_int_equal(rc, 0);
	return r;
}

/* The funded ids in order, space-separated, in a static buffer. */
static const char *funded(const struct budget_result *r, const struct pb_instance *in)
{
	static char buf[4096];
	size_t n = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < r->nfunded; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%s", i ? " " : "",
				      in->project[r->funded[i]].id);
	return buf;
}

static const char *explain(const struct budget_result *r, const struct pb_instance *in,
			   const char *id)
{
	static char buf[512];
	size_t i;
	assert_true(pb_project_find(&i, in, id));
	struct strbuf sb = STRBUF_INIT;
	budget_explain(&sb, r, in, i);
	snprintf(buf, sizeof(buf), "%s", sb.buf);
	strbuf_release(&sb);
	return buf;
}

/* ---- parsing ---- */

static void test_parse_real_shapes(void **state)
{
	(void)state;
	const char *text = "\xEF\xBB\xBFMETA\r\n"
			   "key;value\r\n"
			   "budget;1000.00\r\n"
			   "rule;greedy\r\n"
			   "\r\n"
			   "PROJECTS\r\n"
			   "project_id;cost;name;selected\r\n"
			   "1;600;\"a;b \"\"c\"\"\r\nd\";1\r\n"
			   " 2 ; 500 ;x;0\r\n"
			   "3;100;;\r\n"
			   "VOTES\r\n"
			   "voter_id;vote;age\r\n"
			   "v1;1,2;30\r\n"
			   "v2; 2 , 3 \r\n"
			   "v3;;41\r\n";
	struct pb_instance in = parse_ok(text);
	assert_int_equal(in.budget, 1000);
	assert_string_equal(in.rule, "greedy");
	assert_string_equal(in.vote_type, "approval");
	assert_int_equal(in.nprojects, 3);
	assert_string_equal(in.project[1].id, "2");
	assert_int_equal(in.project[1].cost, 500);
	assert_int_equal(in.project[0].selected, 1);
	assert_int_equal(in.project[1].selected, 0);
	assert_int_equal(in.project[2].selected, -1);
	/* the quoted cell keeps its semicolon, quotes and line break */
	assert_string_equal(in.table[PB_PROJECTS].cell[0][2], "a;b \"c\"\r\nd");
	/* a row's line is where it starts; the quoted break moves the next one */
	assert_int_equal(in.table[PB_PROJECTS].line[0], 8);
	assert_int_equal(in.table[PB_PROJECTS].line[1], 10);
	assert_int_equal(in.nvoters, 3);
	assert_int_equal(in.voter[1].n, 2);
	assert_int_equal(in.voter[1].item[0], 1);
	assert_int_equal(in.voter[1].item[1], 2);
	assert_int_equal(in.voter[2].n, 0);
	/* a left-out trailing field reads as "" */
	assert_string_equal(in.table[PB_VOTES].cell[1][2], "");
	assert_false(in.has_points);
	assert_string_equal(pb_meta(&in, "rule"), "greedy");
	assert_null(pb_meta(&in, "nothing"));
	size_t i;
	assert_true(pb_project_find(&i, &in, "3"));
	assert_int_equal(i, 2);
	assert_false(pb_project_find(&i, &in, "4"));
}

static void test_parse_points(void **state)
{
	(void)state;
	struct pb_instance in = parse_ok("META\nkey;value\nbudget;10\nvote_type;cumulative\n"
					 "PROJECTS\nproject_id;cost\na;5\nb;5\n"
					 "VOTES\nvoter_id;vote;points\n1;a,b;3,7\n2;b;1\n");
	assert_true(in.has_points);
	assert_string_equal(in.vote_type, "cumulative");
	assert_int_equal(in.voter[0].points[1], 7);
	assert_int_equal(in.voter[1].points[0], 1);
}

struct bad_case {
	const char *text;
	const char *field;
	const char *message; /* a part of the message */
};

#define HEAD "META\nkey;value\nbudget;100\n"
#define PROJ "PROJECTS\nproject_id;cost\n1;10\n2;20\n"
#define VOTE "VOTES\nvoter_id;vote\n"

static void test_parse_refusals(void **state)
{
	(void)state;
	static const struct bad_case cases[] = {
		{ HEAD PROJ, "", "no VOTES section" },
		{ "META\nkey;value\nrule;greedy\n" PROJ VOTE "a;1\n", "budget",
		  "META has no budget" },
		{ HEAD "PROJECTS\nproject_id;cost\n1;10\n2;12a\n" VOTE, "cost",
		  "line 7: cost \"12a\"" },
		{ HEAD "PROJECTS\nproject_id;cost\n1;-5\n" VOTE, "cost", "line 6:" },
		{ HEAD "PROJECTS\nproject_id;cost\n1;1.5\n" VOTE, "cost", "whole number" },
		{ "META\nkey;value\nbudget;1000000000000001\n" PROJ VOTE, "budget", "line 3" },
		{ HEAD PROJ VOTE "a;1\nb;2,7\n", "vote", "line 11: vote names project 7" },
		{ HEAD PROJ VOTE "a;1,,2\n", "vote", "empty project id" },
		{ HEAD PROJ VOTE "a;2,1,2\n", "vote", "twice" },
		{ HEAD "PROJECTS\nproject_id;cost\n1;10\n1;20\n" VOTE, "project_id",
		  "line 7: project_id 1 repeats line 6" },
		{ HEAD PROJ VOTE "a;1\na;2\n", "voter_id", "line 11: voter_id a repeats line 10" },
		{ HEAD "PROJECTS\nproject_id;cost\n\"1;10\n" VOTE, "",
		  "line 6: a quoted field is not closed" },
		{ HEAD "PROJECTS\nproject_id;cost\n\"1\"x;10\n" VOTE, "",
		  "after the closing quote" },
		{ HEAD PROJ VOTE "a;1;extra\n", "",
		  "line 10: 3 fields, but the VOTES header has 2" },
		{ "budget;1\n" HEAD PROJ VOTE, "", "line 1: expected META" },
		{ HEAD PROJ "META\n" VOTE, "", "line 8: a second META section" },
		{ HEAD "PROJECTS\n" VOTE, "", "line 4: the PROJECTS section has no header row" },
		{ HEAD "PROJECTS\nproject_id;price\n" VOTE, "cost", "no cost column" },
		{ HEAD "PROJECTS\nproject_id;cost;selected\n1;10;yes\n" VOTE, "selected",
		  "line 6" },
		{ HEAD "PROJECTS\nproject_id;cost\n1,2;10\n" VOTE, "project_id", "comma" },
		{ HEAD "PROJECTS\nproject_id;cost;cost\n" VOTE, "", "appears twice" },
		{ HEAD PROJ "VOTES\nvoter_id;vote;points\na;1,2;3\n", "points", "1 points for 2" },
		{ "META\nkey;value\nbudget;100\nvote_type;cumulative\n" PROJ VOTE "a;1\n", "points",
		  "needs a points column" },
		{ "META\nkey;value\nbudget;100\nvote_type;ranked\n" PROJ VOTE, "vote_type",
		  "line 4" },
		{ "META\nkey;value\nbudget;1\nbudget;2\n" PROJ VOTE, "budget", "repeats line 3" },
		{ HEAD PROJ VOTE "a;1\n\xC3(;2\n", "", "line 11: not valid UTF-8" },
		{ HEAD PROJ VOTE ";1\n", "voter_id", "voter_id is empty" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pb_instance in;
		struct err e = ERR_INIT;
		int rc = pb_parse(&in, cases[i].text, strlen(cases[i].text), &A, &e);
		if (rc != -1 || strcmp(e.field, cases[i].field) ||
		    !strstr(e.message, cases[i].message))
			fprintf(stderr, "case %zu: rc %d, field \"%s\", message \"%s\"\n", i, rc,
				e.field, e.message);
		assert_int_equal(rc, -1);
		assert_int_equal(e.code, ERR_INVALID);
		assert_string_equal(e.field, cases[i].field);
		assert_non_null(strstr(e.message, cases[i].message));
	}
}

static void test_parse_never_reads_past_len(void **state)
{
	(void)state;
	/* every prefix of a valid file parses or is refused, without a crash */
	const char *text = HEAD "PROJECTS\nproject_id;cost;name\n1;10;\"x;\"\"y\"\n2;20;z\n" VOTE
				"a;1,2\nb;2\n";
	for (size_t n = 0; n <= strlen(text); n++) {
		struct pb_instance in;
		struct err e = ERR_INIT;
		char *copy = xmalloc(n); /* no NUL: a read past n is caught by ASan */
		memcpy(copy, text, n);
		if (pb_parse(&in, copy, n, &A, &e) != 0)
			assert_int_not_equal(e.code, ERR_NONE);
		free(copy);
	}
}

static void test_file_errors(void **state)
{
	(void)state;
	struct pb_instance in;
	struct err e = ERR_INIT;
	assert_int_equal(pb_read_file(&in, "/nonexistent/x.pb", &A, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	assert_string_equal(e.field, "file");
}

/* ---- writing ---- */

static void same_instance(const struct pb_instance *a, const struct pb_instance *b)
{
	assert_int_equal(a->budget, b->budget);
	assert_string_equal(a->vote_type, b->vote_type);
	if (a->rule || b->rule)
		assert_string_equal(a->rule, b->rule);
	assert_int_equal(a->nprojects, b->nprojects);
	for (size_t i = 0; i < a->nprojects; i++) {
		assert_string_equal(a->project[i].id, b->project[i].id);
		assert_int_equal(a->project[i].cost, b->project[i].cost);
		assert_int_equal(a->project[i].selected, b->project[i].selected);
	}
	assert_int_equal(a->nvoters, b->nvoters);
	assert_int_equal(a->has_points, b->has_points);
	for (size_t v = 0; v < a->nvoters; v++) {
		assert_string_equal(a->voter[v].id, b->voter[v].id);
		assert_int_equal(a->voter[v].n, b->voter[v].n);
		for (size_t i = 0; i < a->voter[v].n; i++) {
			assert_int_equal(a->voter[v].item[i], b->voter[v].item[i]);
			if (a->has_points)
				assert_int_equal(a->voter[v].points[i], b->voter[v].points[i]);
		}
	}
}

static void test_write_round_trip(void **state)
{
	(void)state;
	const char *text =
		"META\r\nkey;value\r\nbudget;1000.0\r\nrule;equalshares/add1\r\n"
		"vote_type;cumulative\r\ncomment;\"#1: a; b\"\r\n"
		"PROJECTS\r\nproject_id;cost;votes;name;selected\r\n"
		"7;600;2;\"x\"\"y\";1\r\n 8 ;400;1;\"two\r\nlines\";0\r\n9;50;0;;\r\n"
		"VOTES\r\nvoter_id;vote;points;sex\r\nv1;7,8;2,3;F\r\nv2;7;5;\r\nv3;;;M\r\n";
	struct pb_instance a = parse_ok(text), b, c;
	struct strbuf one = STRBUF_INIT, two = STRBUF_INIT;
	pb_write(&one, &a);
	b = parse_ok(one.buf);
	same_instance(&a, &b);
	/* the columns nobody types survive as they were */
	assert_string_equal(b.table[PB_PROJECTS].cell[1][3], "two\r\nlines");
	assert_string_equal(b.table[PB_PROJECTS].cell[0][3], "x\"y");
	assert_string_equal(pb_meta(&b, "comment"), "#1: a; b");
	assert_string_equal(b.table[PB_VOTES].cell[0][3], "F");
	/* writing is stable from the first round on */
	pb_write(&two, &b);
	assert_string_equal(one.buf, two.buf);
	c = parse_ok(two.buf);
	same_instance(&b, &c);
	strbuf_release(&one);
	strbuf_release(&two);
}

static void test_write_in_memory(void **state)
{
	(void)state;
	struct pb_project p[2] = { { "a1", 10, 1 }, { "b", 20, -1 } };
	uint32_t items[2] = { 1, 0 };
	struct pb_voter v[1] = { { "x", 2, items, NULL } };
	struct pb_instance in = { 0 };
	in.budget = 25;
	in.rule = "greedy";
	in.vote_type = "approval";
	in.nprojects = 2;
	in.project = p;
	in.nvoters = 1;
	in.voter = v;
	struct strbuf sb = STRBUF_INIT;
	pb_write(&sb, &in);
	assert_string_equal(sb.buf, "META\nkey;value\nbudget;25\nvote_type;approval\nrule;greedy\n"
				    "num_projects;2\nnum_votes;1\n"
				    "PROJECTS\nproject_id;cost;selected\na1;10;1\nb;20;\n"
				    "VOTES\nvoter_id;vote\nx;b,a1\n");
	struct pb_instance back = parse_ok(sb.buf);
	same_instance(&in, &back);
	strbuf_release(&sb);
}

/* ---- greedy ---- */

static void test_greedy_skip_and_continue(void **state)
{
	(void)state;
	/* A (3 votes, 60) fits in 100; B (2 votes, 50) no longer fits in 40 and
	 * is skipped; C (1 vote, 40) still fits */
	struct pb_instance in = parse_ok(HEAD "PROJECTS\nproject_id;cost\nA;60\nB;50\nC;40\n" VOTE
					      "1;A,B\n2;A,B,C\n3;A\n");
	struct budget_result r = run(&in, BUDGET_GREEDY);
	assert_string_equal(funded(&r, &in), "A C");
	assert_int_equal(r.cost, 100);
	assert_string_equal(explain(&r, &in, "B"),
			    "not funded: no longer fits: cost 50, remaining 40 (2 votes, place 2)");
	assert_string_equal(explain(&r, &in, "C"),
			    "funded: 1 votes (place 3), cost 40 fit in 40 left");
}

static void test_greedy_tie_by_id(void **state)
{
	(void)state;
	/* 9 and 10 have 2 votes each; only one fits; pabutools breaks the tie by
	 * the id as a string, and "10" < "9" */
	struct pb_instance in = parse_ok(HEAD "PROJECTS\nproject_id;cost\n9;60\n10;60\n5;30\n" VOTE
					      "1;9,10\n2;9,10,5\n");
	struct budget_result r = run(&in, BUDGET_GREEDY);
	assert_string_equal(funded(&r, &in), "10 5");
	/* a project nobody voted for is funded when it fits, as pabutools does */
	struct pb_instance z =
		parse_ok(HEAD "PROJECTS\nproject_id;cost\n1;50\n2;50\n" VOTE "a;1\n");
	r = run(&z, BUDGET_GREEDY);
	assert_string_equal(funded(&r, &z), "1 2");
}

static void test_greedy_points(void **state)
{
	(void)state;
	/* b has 2 ballots but 3 points, a has 1 ballot and 10 points */
	struct pb_instance in =
		parse_ok("META\nkey;value\nbudget;10\nvote_type;cumulative\nrule;greedy\n"
			 "PROJECTS\nproject_id;cost\na;6\nb;6\n"
			 "VOTES\nvoter_id;vote;points\n1;a;10\n2;b;1\n3;b;2\n");
	struct budget_result r = run(&in, BUDGET_RULE_FILE);
	assert_int_equal(r.rule, BUDGET_GREEDY);
	assert_string_equal(funded(&r, &in), "a");
	assert_non_null(strstr(explain(&r, &in, "b"), "3 points"));
}

/* ---- the Method of Equal Shares ---- */

static void test_mes_by_hand(void **state)
{
	(void)state;
	/*
	 * 3 voters, budget 30: 10 each.  P1 (18) by all: 6 each, rho 1/3.  P2 (8)
	 * by v1: rho 1.  P3 (9) by v2, v3: rho 1/2.  Round 1 buys P1, leaving 4
	 * each; then P2 (4 < 8) and P3 (8 < 9) are out of reach.  {P1} costs 18
	 * and P2 still fits: not exhaustive.  add1, 11 each: P1 leaves 5 each,
	 * P3 is 4.50 each; 27 spent and P2 (8) no longer fits: exhaustive.
	 */
	struct pb_instance in = parse_ok("META\nkey;value\nbudget;30\nrule;equalshares/add1\n"
					 "PROJECTS\nproject_id;cost\nP1;18\nP2;8\nP3;9\n"
					 "VOTES\nvoter_id;vote\nv1;P1,P2\nv2;P1,P3\nv3;P1,P3\n");
	struct budget_result r = run(&in, BUDGET_MES);
	assert_string_equal(funded(&r, &in), "P1");
	assert_false(r.exhaustive);
	assert_int_equal(r.voter_budget.num, 10);
	assert_string_equal(explain(&r, &in, "P2"),
			    "not funded: supporters could not afford it: its 1 supporters had 4 "
			    "left, cost 8");
	r = run(&in, BUDGET_RULE_FILE);
	assert_int_equal(r.rule, BUDGET_MES_ADD1);
	assert_string_equal(funded(&r, &in), "P1 P3");
	assert_int_equal(r.steps, 1);
	assert_true(r.exhaustive);
	assert_int_equal(r.voter_budget.num, 11);
	assert_int_equal(r.voter_budget.den, 1);
	assert_int_equal(r.cost, 27);
	assert_string_equal(explain(&r, &in, "P3"),
			    "funded: bought in round 2 for 9 at ρ = 4.50 per supporter: 2 "
			    "supporters paid it");
	/* the same in fen with a step of one yuan */
	struct pb_instance fen = parse_ok("META\nkey;value\nbudget;3000\n"
					  "PROJECTS\nproject_id;cost\nP1;1800\nP2;800\nP3;900\n"
					  "VOTES\nvoter_id;vote\nv1;P1,P2\nv2;P1,P3\nv3;P1,P3\n");
	struct budget_options opt = { BUDGET_MES_ADD1, 100, 0 };
	struct err e = ERR_INIT;
	assert_int_equal(budget_allocate(&r, &fen, &opt, &A, &e), 0);
	assert_string_equal(funded(&r, &fen), "P1 P3");
	assert_int_equal(r.steps, 1);
	assert_int_equal(r.voter_budget.num, 1100);
}

static void test_mes_poor_supporter(void **state)
{
	(void)state;
	/*
	 * 4 voters, budget 40: 10 each.  P1 (24) by v1-v3: 8 each, rho 1/3;
	 * P2 (12) by v3, v4: 6 each, rho 1/2.  P1 first, leaving v3 with 2.
	 * P2: 12 split by 2 is 6 > 2, so v3 pays its 2 and v4 pays the other
	 * 10, all it has (rho 10/12).
	 */
	struct pb_instance in = parse_ok("META\nkey;value\nbudget;40\n"
					 "PROJECTS\nproject_id;cost\nP1;24\nP2;12\n"
					 "VOTES\nvoter_id;vote\nv1;P1\nv2;P1\nv3;P1,P2\nv4;P2\n");
	struct budget_result r = run(&in, BUDGET_MES);
	assert_string_equal(funded(&r, &in), "P1 P2");
	size_t p2;
	assert_true(pb_project_find(&p2, &in, "P2"));
	assert_int_equal(r.decision[p2].rank, 2);
	assert_int_equal(r.decision[p2].paid_price, 1);
	assert_int_equal(r.decision[p2].paid_all, 1);
	assert_int_equal(r.decision[p2].price.cents, 1000);
	assert_true(r.decision[p2].price.exact);
	assert_string_equal(
		explain(&r, &in, "P2"),
		"funded: bought in round 2 for 12 at ρ = 10 per supporter: 1 supporters "
		"paid it, 1 paid all they had (2 together)");
	assert_string_equal(explain(&r, &in, "P1"),
			    "funded: bought in round 1 for 24 at ρ = 8 per supporter: 3 supporters "
			    "paid it");
}

/* 100 voters: 51 approve r0..r9, 49 approve b0..b9, every project costs cost. */
static struct pb_instance red_blue(int64_t cost, int64_t budget)
{
	struct strbuf sb = STRBUF_INIT;
	strbuf_addf(&sb, "META\nkey;value\nbudget;%lld\nPROJECTS\nproject_id;cost\n",
		    (long long)budget);
	for (int i = 0; i < 10; i++)
		strbuf_addf(&sb, "r%d;%lld\nb%d;%lld\n", i, (long long)cost, i, (long long)cost);
	strbuf_addstr(&sb, "VOTES\nvoter_id;vote\n");
	for (int v = 0; v < 100; v++) {
		char c = v < 51 ? 'r' : 'b';
		strbuf_addf(&sb, "%d;", v);
		for (int i = 0; i < 10; i++)
			strbuf_addf(&sb, "%s%c%d", i ? "," : "", c, i);
		strbuf_addch(&sb, '\n');
	}
	struct pb_instance in = parse_ok(arena_strdup(&A, sb.buf));
	strbuf_release(&sb);
	return in;
}

static void test_mes_51_49(void **state)
{
	(void)state;
	/*
	 * Costs 100, budget 1000: 10 each.  A red project costs each red voter
	 * 100/51, a blue one 100/49 per blue voter; reds go first (lower price),
	 * ties to the smaller id.  Reds afford 10 / (100/51) = 5.1 projects, blues
	 * 4.9: plain MES funds 5 + 4.  add1 at 11 each: 5.61 and 5.39, so 5 + 5 =
	 * 1000, exhaustive.  Greedy gives the majority everything.
	 */
	struct pb_instance in = red_blue(100, 1000);
	struct budget_result r = run(&in, BUDGET_MES);
	assert_string_equal(funded(&r, &in), "r0 r1 r2 r3 r4 b0 b1 b2 b3");
	assert_non_null(strstr(explain(&r, &in, "r0"), "ρ ≈ 1.96 per supporter: 51 supporters"));
	r = run(&in, BUDGET_MES_ADD1);
	assert_string_equal(funded(&r, &in), "r0 r1 r2 r3 r4 b0 b1 b2 b3 b4");
	assert_int_equal(r.steps, 1);
	assert_true(r.exhaustive);
	r = run(&in, BUDGET_GREEDY);
	assert_string_equal(funded(&r, &in), "r0 r1 r2 r3 r4 r5 r6 r7 r8 r9");
}

static void test_mes_add1_stops_before_overspending(void **state)
{
	(void)state;
	/*
	 * Costs 1, budget 10: 1/10 each.  Plain MES funds 5 red + 4 blue (9).
	 * One unit more each (11/10) lets both sides buy all ten: 20 > 10, so
	 * add1 keeps the 9.
	 */
	struct pb_instance in = red_blue(1, 10);
	struct budget_result r = run(&in, BUDGET_MES_ADD1);
	assert_string_equal(funded(&r, &in), "r0 r1 r2 r3 r4 b0 b1 b2 b3");
	assert_int_equal(r.steps, 0);
	assert_false(r.exhaustive);
	assert_int_equal(r.next_cost, 20);
	assert_int_equal(r.voter_budget.num, 1);
	assert_int_equal(r.voter_budget.den, 10);
	assert_int_equal(r.runs, 3); /* two in the loop, one to explain */
	struct strbuf sb = STRBUF_INIT;
	budget_summary(&sb, &r, &in);
	assert_non_null(strstr(sb.buf, "per-voter budget 1/10 (budget/voters + 0), stopped: one "
				       "step more would fund 20 > budget"));
	strbuf_release(&sb);
}

static void test_mes_ties_and_exclusions(void **state)
{
	(void)state;
	/* 9 and 10 are the same to MES and only one can be paid for: "10" < "9";
	 * Z costs 0 and N has no votes: neither takes part */
	struct pb_instance in = parse_ok("META\nkey;value\nbudget;100\n"
					 "PROJECTS\nproject_id;cost\n9;60\n10;60\nZ;0\nN;10\n"
					 "VOTES\nvoter_id;vote\na;9,10,Z\nb;9,10\n");
	struct budget_result r = run(&in, BUDGET_MES);
	assert_string_equal(funded(&r, &in), "10");
	assert_string_equal(explain(&r, &in, "Z"),
			    "not funded: it costs 0, so there is nothing to share (1 votes)");
	assert_string_equal(explain(&r, &in, "N"), "not funded: nobody voted for it");
	/* add1: 9 no longer fits beside 10, and N (10) would but has no
	 * supporter, so the outcome already counts as exhaustive */
	r = run(&in, BUDGET_MES_ADD1);
	assert_string_equal(funded(&r, &in), "10");
	assert_true(r.exhaustive);
	assert_int_equal(r.steps, 0);
}

static void test_refusals(void **state)
{
	(void)state;
	struct budget_result r;
	struct budget_options mes = { BUDGET_MES_ADD1, 0, 0 }, file = { BUDGET_RULE_FILE, 0, 0 };
	struct err e = ERR_INIT;
	struct pb_instance pts = parse_ok("META\nkey;value\nbudget;10\nvote_type;cumulative\n"
					  "PROJECTS\nproject_id;cost\na;6\n"
					  "VOTES\nvoter_id;vote;points\n1;a;10\n");
	assert_int_equal(budget_allocate(&r, &pts, &mes, &A, &e), -1);
	assert_string_equal(e.field, "vote_type");
	err_clear(&e);
	struct pb_instance unknown =
		parse_ok("META\nkey;value\nbudget;10\nrule;unknown\n" PROJ VOTE);
	assert_int_equal(budget_allocate(&r, &unknown, &file, &A, &e), -1);
	assert_string_equal(e.field, "rule");
	assert_non_null(strstr(e.message, "\"unknown\""));
	err_clear(&e);
	assert_int_equal(budget_allocate(&r, &unknown, &mes, &A, &e), -1);
	assert_non_null(strstr(e.message, "needs voters"));
	err_clear(&e);
	struct pb_instance ordinal =
		parse_ok("META\nkey;value\nbudget;10\nvote_type;ordinal\n" PROJ VOTE "a;1,2\n");
	struct budget_options greedy = { BUDGET_GREEDY, 0, 0 };
	assert_int_equal(budget_allocate(&r, &ordinal, &greedy, &A, &e), -1);
	assert_string_equal(e.field, "vote_type");
	err_clear(&e);
	/* a budget of 0 funds nothing and is no error */
	struct pb_instance zero = parse_ok("META\nkey;value\nbudget;0\n" PROJ VOTE "a;1,2\n");
	assert_int_equal(budget_allocate(&r, &zero, &mes, &A, &e), 0);
	assert_int_equal(r.nfunded, 0);
	/* add1 gives up after max_steps: 21 voters hold 100/21 each, and the
	 * lone supporter of 1 needs 10, six steps up */
	struct pb_instance slow = parse_ok("META\nkey;value\nbudget;100\n"
					   "PROJECTS\nproject_id;cost\n1;10\n2;90\n"
					   "VOTES\nvoter_id;vote\na;1\nb;2\nc;2\nd;2\n"
					   "e;2\nf;2\ng;2\nh;2\ni;2\nj;2\nk;2\nl;2\nm;2\nn;2\n"
					   "o;2\np;2\nq;2\nr;2\ns;2\nt;2\nu;2\n");
	struct budget_options few = { BUDGET_MES_ADD1, 0, 2 };
	assert_int_equal(budget_allocate(&r, &slow, &few, &A, &e), -1);
	assert_non_null(strstr(e.message, "within 2 steps"));
	err_clear(&e);
	assert_int_equal(budget_allocate(&r, &slow, &mes, &A, &e), 0);
	assert_string_equal(funded(&r, &slow), "2 1");
	assert_int_equal(r.steps, 6);
}

/*
 * A pseudo-random electorate of 2999 voters and 40 projects: the shared
 * denominator grows by a factor of up to 2999 with each purchase and passes
 * 192 bits in the last runs, where no 128-bit type would do.  The expected outcome was computed
 * independently with Python's fractions (an exact re-implementation of pabutools' MES).
 */
static uint64_t lcg(uint64_t *s)
{
	*s = *s * 6364136223846793005ull + 1442695040888963407ull;
	return *s >> 33;
}

static struct pb_instance big(int M, int N, int64_t budget, uint64_t seed)
{
	struct pb_instance in = { 0 };
	uint64_t s = seed;
	in.budget = budget;
	in.vote_type = "approval";
	in.nprojects = M;
	in.project = arena_zalloc(&A, M * sizeof(*in.project));
	for (int p = 0; p < M; p++) {
		in.project[p].id = arena_printf(&A, "%d", p + 1);
		in.project[p].cost = 5000 + (int64_t)(lcg(&s) % 60000);
		in.project[p].selected = -1;
	}
	in.nvoters = N;
	in.voter = arena_zalloc(&A, N * sizeof(*in.voter));
	for (int v = 0; v < N; v++) {
		uint32_t *item = arena_alloc(&A, 6 * sizeof(*item));
		size_t n = 1 + lcg(&s) % 6, k = 0;
		while (k < n) {
			/* popular projects first: the square skews towards small indices */
			uint64_t x = lcg(&s) % 1000;
			uint32_t p = (uint32_t)(x * x / 1000 * M / 1000);
			bool dup = false;
			for (size_t j = 0; j < k; j++)
				dup |= item[j] == p;
			if (!dup)
				item[k++] = p;
		}
		in.voter[v] = (struct pb_voter){ arena_printf(&A, "v%d", v), n, item, NULL };
	}
	return in;
}

static void test_mes_large_exact(void **state)
{
	(void)state;
	struct pb_instance in = big(40, 2999, 900000, 12345);
	struct budget_result r = run(&in, BUDGET_MES_ADD1);
	assert_true(r.cost <= in.budget);
	assert_true(r.exhaustive || r.next_cost > in.budget);
	assert_string_equal(funded(&r, &in),
			    "1 2 3 4 5 6 7 8 9 13 10 11 14 19 17 15 21 16 24 22 31 "
			    "40 37 38 34 30 29 27");
	assert_int_equal(r.steps, 196);
}

/*
 * Regression: a class's budget catches up with the factors D was multiplied
 * by while nobody looked at it, several 64-bit words' worth of them at
 * once.  When the running product of factors overflowed, the wrapped value
 * was used; this instance (many projects, so classes sit untouched for many
 * rounds) went wrong from its 29th purchase.  Expected outcome checked with
 * Python's fractions.
 */
static void test_mes_catch_up_after_many_rounds(void **state)
{
	(void)state;
	struct pb_instance in = big(120, 1500, 1500000, 2);
	struct budget_result r = run(&in, BUDGET_MES);
	assert_string_equal(funded(&r, &in),
			    "1 2 4 3 6 5 7 10 8 9 12 11 14 19 17 31 16 33 22 24 40 52 "
			    "57 95 109 76 41 94 119 116 67 77");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_real_shapes),
		cmocka_unit_test(test_parse_points),
		cmocka_unit_test(test_parse_refusals),
		cmocka_unit_test(test_parse_never_reads_past_len),
		cmocka_unit_test(test_file_errors),
		cmocka_unit_test(test_write_round_trip),
		cmocka_unit_test(test_write_in_memory),
		cmocka_unit_test(test_greedy_skip_and_continue),
		cmocka_unit_test(test_greedy_tie_by_id),
		cmocka_unit_test(test_greedy_points),
		cmocka_unit_test(test_mes_by_hand),
		cmocka_unit_test(test_mes_poor_supporter),
		cmocka_unit_test(test_mes_51_49),
		cmocka_unit_test(test_mes_add1_stops_before_overspending),
		cmocka_unit_test(test_mes_ties_and_exclusions),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_mes_large_exact),
		cmocka_unit_test(test_mes_catch_up_after_many_rounds),
	};
	return cmocka_run_group_tests(tests, NULL, teardown);
}
