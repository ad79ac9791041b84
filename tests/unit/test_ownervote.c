/*
 * test_ownervote.c - owners' votes (src/voice/ownervote.c): the ballot box.
 *
 * On one temporary database: a vote's electorate is frozen from the
 * ownership register (one owner of three dwellings counts once with their
 * area; the developer's unsold dwellings count as one), ballots are cast,
 * changed with the receipt and refused without it; the totals always equal a
 * recount; a secret vote's tables hold nothing that links a choice to an
 * owner (no area, no time, no insertion order); the check list and its chain
 * match what the voters were given; two ballots of one owner at the same
 * moment from two connections give one ballot.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "registry/ownership.h"
#include "registry/resident.h"
#include "registry/structure.h"
#include "routes.h"
#include "voice/ownervote.h"

#include "testutil.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

static struct {
	char *dir;
	char path[4200];
	struct store *db;
	int64_t street, c1, c2, building;
	int64_t dw[8];     /* dwellings of the building */
	int64_t owner[4];  /* residents: owner[0] owns three dwellings */
} fx;

static void check(int rc, const struct err *e, const char *what)
{
	if (rc < 0)
		fail_msg("%s: %s (%s)", what, e->message, e->field);
}

static int64_t scalar(const char *sql, int64_t a)
{
	struct err e = ERR_INIT;
	struct stmt *st = store_prepare(fx.db, sql, &e);
	int64_t v = -1;
	if (!st)
		fail_msg("%s: %s", sql, e.message);
	if (a != INT64_MIN)
		stmt_bind_int(st, 1, a);
	if (stmt_step(st, &e) == STORE_ROW)
		v = stmt_int(st, 0);
	stmt_done(st);
	return v;
}

static int group_setup(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	size_t n = 0;
	const struct migration *m = all_migrations(&n);
	static struct seal_keyring *kr;

	if (sodium_init() < 0 || !(fx.dir = tmpdir_make()))
		return -1;
	tmpdir_path(fx.path, sizeof(fx.path), fx.dir, "votes.sqlite");
	if (store_open(&fx.db, fx.path, NULL, &e) < 0 || store_migrate(fx.db, m, n, NULL, &e) < 0)
		goto fail;
	char kp[4300];
	tmpdir_path(kp, sizeof(kp), fx.dir, "votes.key");
	if (seal_keyring_create(&kr, kp, &e) < 0)
		goto fail;
	resident_set_keyring(kr);
	if (structure_street_add(fx.db, &fx.street, "东湖街道", &e) < 0 ||
	    structure_community_add(fx.db, &fx.c1, fx.street, "幸福社区", &e) < 0 ||
	    structure_community_add(fx.db, &fx.c2, fx.street, "和平社区", &e) < 0)
		goto fail;
	return 0;
fail:
	fprintf(stderr, "setup: %s (%s)\n", e.message, e.field);
	return -1;
}

static int group_teardown(void **state)
{
	(void)state;
	store_close(fx.db);
	tmpdir_remove(fx.dir);
	return 0;
}

/*
 * The register: one building of 8 dwellings (2 floors × 4 rooms, areas
 * 80.00 .. 87.00 m² by room), four residents; owner[0] owns dwellings 0-2,
 * owner[1..3] one each (3, 4, 5), the developer 6 and 7 (unsold).
 */
static int ownervote_fixture(struct store *db, int64_t community, int64_t *building, int64_t *dw,
			     size_t ndw, int64_t *owner, const char *const *names, size_t nowners,
			     struct err *e)
{
	int64_t compound, units, dwellings, oid;
	struct layout l = {.units = 1, .floors = 2, .rooms_per_floor = 4, .area = 8000,
			   .first_floor = 1};
	struct ownership_actor who = {0, "test", NULL};
	struct stmt *st;
	size_t k = 0;

	if (structure_compound_add(db, &compound, community, "梅园小区", 0, NULL, e) < 0 ||
	    structure_building_add(db, building, community, compound, "1栋", 0, e) < 0 ||
	    structure_layout(db, community, *building, &l, &units, &dwellings, e) < 0)
		return -1;
	if (!(st = store_prepare(db, "SELECT id FROM dwellings WHERE building_id = ? ORDER BY id", e)))
		return -1;
	stmt_bind_int(st, 1, *building);
	while (k < ndw && stmt_step(st, e) == STORE_ROW)
		dw[k++] = stmt_int(st, 0);
	stmt_done(st);
	for (size_t i = 0; i < ndw; i++)
		if (ownership_area_set(db, community, dw[i], "register", 8000 + 100 * (int64_t)i, NULL,
				       &who, e) < 0)
			return -1;
	for (size_t i = 0; i < nowners; i++) {
		struct resident_input in = {.name = names[i], .gender = i % 2 ? "female" : "male",
					    .relation = "householder", .residency = "huji",
					    .dwelling_id = dw[i < 1 ? 0 : i + 2], .volunteer_willing = -1};
		if (resident_add(db, &owner[i], community, &in, e) < 0) {
			fprintf(stderr, "resident %zu\n", i);
			return -1;
		}
	}
	for (size_t i = 0; i < ndw; i++) {
		int64_t who_owns = i < 3 ? owner[0] : i < 6 ? owner[i - 2] : 0;
		if (ownership_owner_add(db, &oid, community, dw[i], who_owns, who_owns == 0, NULL, &who,
					e) < 0) {
			fprintf(stderr, "owner of dwelling %zu\n", i);
			return -1;
		}
	}
	return 0;
}

/* The building, its dwellings and owners are made by the first test. */
static void test_setup_register(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	const char *names[4] = {"王建国", "李芳", "张伟", "赵敏"};
	check(ownervote_fixture(fx.db, fx.c1, &fx.building, fx.dw, 8, fx.owner, names, 4, &e), &e,
	      "fixture");
}

static int64_t new_vote(const char *rule, bool secret)
{
	struct err e = ERR_INIT;
	struct ownervote_new n = {.title = "加装电梯", .scope = "building", .scope_id = fx.building,
				  .rule = rule, .secret = secret};
	int64_t id = 0;
	check(ownervote_add(fx.db, &id, fx.c1, &n, 0, &e), &e, "add");
	return id;
}

static void load(struct ownervote_info *v, struct arena *a, int64_t id)
{
	struct err e = ERR_INIT;
	check(ownervote_get(fx.db, v, fx.c1, id, a, &e), &e, "get");
}

static void open_vote(struct ownervote_info *v, struct arena *a, int64_t id)
{
	struct err e = ERR_INIT;
	load(v, a, id);
	check(ownervote_set_status(fx.db, v, "open", 0, &e), &e, "open");
	load(v, a, id);
}

static int cast(const struct ownervote_info *v, int64_t elector, const char *choice,
		const char *receipt, char *receipt_out, char *check_out, bool *changed,
		struct err *e)
{
	struct ownervote_cast c = {.elector = elector, .choice = choice, .receipt = receipt,
				   .channel = "online", .entered_by = 1};
	return ownervote_cast(fx.db, v, &c, receipt_out, check_out, changed, e);
}

static void test_bad_input(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	int64_t id;
	struct ownervote_new n = {.title = "", .scope = "building", .scope_id = 1, .rule = "art278-general"};
	assert_int_equal(ownervote_add(fx.db, &id, fx.c1, &n, 0, &e), -1);
	assert_string_equal(e.field, "title");
	n.title = "x";
	n.rule = "nonsense";
	err_clear(&e);
	assert_int_equal(ownervote_add(fx.db, &id, fx.c1, &n, 0, &e), -1);
	assert_string_equal(e.field, "rule");
	n.rule = "custom";
	n.participation = "3/2";
	n.approval = "1/2";
	err_clear(&e);
	assert_int_equal(ownervote_add(fx.db, &id, fx.c1, &n, 0, &e), -1);
	assert_string_equal(e.field, "participation");
	n.scope = "street";
	err_clear(&e);
	assert_int_equal(ownervote_add(fx.db, &id, fx.c1, &n, 0, &e), -1);
	assert_string_equal(e.field, "scope");
}

/* The frozen electorate: owner[0] with three dwellings counts once, the
 * developer's two unsold dwellings count as one owner. */
static void test_electorate_frozen(void **state)
{
	(void)state;
	struct arena a;
	struct ownervote_info v;
	int64_t id = new_vote("art278-general", false);
	arena_init(&a);
	open_vote(&v, &a, id);
	assert_string_equal(v.status, "open");
	/* 8 dwellings: owner0 ×3, owner1, owner2, owner3 ×1, developer ×2 → 5 owners */
	assert_int_equal(scalar("SELECT COUNT(*) FROM owner_vote_electors WHERE vote_id = ?", id), 5);
	assert_int_equal(scalar("SELECT dwellings FROM owner_vote_electors WHERE vote_id = ?"
				" AND elector = 0", id), 2);
	assert_int_equal(scalar("SELECT COUNT(*) FROM owner_vote_dwellings WHERE vote_id = ?", id), 8);
	/* area of owner0 = the sum of their three dwellings */
	assert_int_equal(scalar("SELECT area FROM owner_vote_electors WHERE vote_id = ?"
				" AND dwellings = 3", id), 8000 + 8100 + 8200);
	assert_int_equal(scalar("SELECT area FROM owner_vote_electors WHERE vote_id = ?"
				" AND elector = 0", id), 8600 + 8700);
	assert_int_equal(scalar("SELECT COUNT(*) FROM owner_vote_electors WHERE vote_id = ?"
				" AND name = ''", id), 0);
	arena_release(&a);
}

static void test_cast_change_and_refuse(void **state)
{
	(void)state;
	struct arena a;
	struct ownervote_info v;
	struct err e = ERR_INIT;
	char r1[OWNERVOTE_RECEIPT_LEN + 1], c1[OWNERVOTE_CHECK_LEN + 1], r2[OWNERVOTE_RECEIPT_LEN + 1],
	    c2[OWNERVOTE_CHECK_LEN + 1];
	bool changed;
	int64_t id = new_vote("art278-general", false);
	arena_init(&a);
	open_vote(&v, &a, id);

	check(cast(&v, fx.owner[0], "yes", NULL, r1, c1, &changed, &e), &e, "cast");
	assert_false(changed);
	assert_int_equal(strlen(r1), OWNERVOTE_RECEIPT_LEN);
	/* a second ballot without the receipt */
	assert_int_equal(cast(&v, fx.owner[0], "no", NULL, r2, c2, &changed, &e), -1);
	assert_int_equal(e.code, ERR_CONFLICT);
	assert_string_equal(e.field, "receipt");
	/* with a wrong receipt */
	err_clear(&e);
	assert_int_equal(cast(&v, fx.owner[0], "no", "00000000000000000000000000000000", r2, c2,
			      &changed, &e), -1);
	assert_int_equal(e.code, ERR_FORBIDDEN);
	/* another elector's receipt does not move this one's ballot */
	err_clear(&e);
	assert_int_equal(cast(&v, fx.owner[1], "no", r1, r2, c2, &changed, &e), -1);
	assert_int_equal(e.code, ERR_FORBIDDEN);
	/* with the receipt: changed, same check code */
	err_clear(&e);
	check(cast(&v, fx.owner[0], "no", r1, r2, c2, &changed, &e), &e, "change");
	assert_true(changed);
	assert_string_equal(c1, c2);
	assert_int_equal(scalar("SELECT owners FROM owner_vote_totals WHERE vote_id = ?"
				" AND choice = 'no'", id), 1);
	assert_int_equal(scalar("SELECT owners FROM owner_vote_totals WHERE vote_id = ?"
				" AND choice = 'yes'", id), 0);
	assert_int_equal(scalar("SELECT changes FROM owner_vote_ballots WHERE vote_id = ?", id), 1);
	/* not an elector; a bad choice; paper without evidence */
	err_clear(&e);
	assert_int_equal(cast(&v, 999999, "yes", NULL, r2, c2, &changed, &e), -1);
	assert_int_equal(e.code, ERR_FORBIDDEN);
	err_clear(&e);
	assert_int_equal(cast(&v, fx.owner[1], "maybe", NULL, r2, c2, &changed, &e), -1);
	assert_string_equal(e.field, "choice");
	struct ownervote_cast p = {.elector = 0, .choice = "yes", .channel = "paper"};
	err_clear(&e);
	assert_int_equal(ownervote_cast(fx.db, &v, &p, r2, c2, &changed, &e), -1);
	assert_string_equal(e.field, "evidence");
	p.evidence = "纸质选票第 3 号";
	check(ownervote_cast(fx.db, &v, &p, r2, c2, &changed, &e), &e, "developer on paper");
	/* totals equal a recount of the named ballots, by heads and by area */
	assert_int_equal(scalar("SELECT SUM(owners) FROM owner_vote_totals WHERE vote_id = ?", id),
			 scalar("SELECT COUNT(*) FROM owner_vote_ballots WHERE vote_id = ?", id));
	assert_int_equal(scalar("SELECT SUM(area) FROM owner_vote_totals WHERE vote_id = ?", id),
			 scalar("SELECT SUM(x.area) FROM owner_vote_ballots b JOIN owner_vote_electors x"
				" ON x.vote_id = b.vote_id AND x.elector = b.elector WHERE b.vote_id = ?",
				id));
	arena_release(&a);
}

/* Every column of a table, as "a,b,c". */
static void columns(char *out, size_t n, const char *table)
{
	struct err e = ERR_INIT;
	struct stmt *st = store_prepare(fx.db, "SELECT name FROM pragma_table_info(?) ORDER BY cid", &e);
	size_t k = 0;
	out[0] = 0;
	stmt_bind_text(st, 1, table, SIZE_MAX);
	while (stmt_step(st, &e) == STORE_ROW)
		k += (size_t)snprintf(out + k, n - k, "%s%s", k ? "," : "", stmt_text(st, 0));
	stmt_done(st);
}

/* A secret vote: the database holds no link from a choice to an owner. */
static void test_secret_unlinkable(void **state)
{
	(void)state;
	struct arena a;
	struct ownervote_info v;
	struct err e = ERR_INIT;
	char r[4][OWNERVOTE_RECEIPT_LEN + 1], c[4][OWNERVOTE_CHECK_LEN + 1], cols[512];
	bool changed;
	const char *choice[4] = {"yes", "no", "yes", "abstain"};
	int64_t id = new_vote("art278-general", true);
	arena_init(&a);
	open_vote(&v, &a, id);
	for (int i = 0; i < 4; i++)
		check(cast(&v, fx.owner[i], choice[i], NULL, r[i], c[i], &changed, &e), &e, "cast");
	/* nothing named is kept */
	assert_int_equal(scalar("SELECT COUNT(*) FROM owner_vote_ballots WHERE vote_id = ?", id), 0);
	/* the box: its key and the choice, nothing else (no area, no time, no
	 * elector), and no hidden row id that would give the insertion order */
	columns(cols, sizeof(cols), "owner_vote_box");
	assert_string_equal(cols, "vote_id,bkey,choice");
	columns(cols, sizeof(cols), "owner_vote_turnout");
	assert_string_equal(cols, "vote_id,elector,channel,evidence");
	assert_null(store_prepare(fx.db, "SELECT rowid FROM owner_vote_box", &e));
	err_clear(&e);
	assert_null(store_prepare(fx.db, "SELECT rowid FROM owner_vote_turnout", &e));
	err_clear(&e);
	/* the box's natural order is its key order */
	{
		struct stmt *st = store_prepare(fx.db, "SELECT bkey FROM owner_vote_box WHERE vote_id = ?", &e);
		char prev[65] = "";
		stmt_bind_int(st, 1, id);
		while (stmt_step(st, &e) == STORE_ROW) {
			assert_true(strcmp(prev, stmt_text(st, 0)) < 0);
			snprintf(prev, sizeof(prev), "%s", stmt_text(st, 0));
		}
		stmt_done(st);
	}
	/* the key is not any function of the elector alone: hashing each
	 * elector's id (as an attacker with the database would) finds no row */
	for (int i = 0; i < 4; i++) {
		unsigned char k[32];
		char hexk[65], ids[48];
		int nn = snprintf(ids, sizeof(ids), "|%lld|%lld", (long long)id, (long long)fx.owner[i]);
		crypto_generichash(k, sizeof(k), (const unsigned char *)ids, (size_t)nn, NULL, 0);
		sodium_bin2hex(hexk, sizeof(hexk), k, sizeof(k));
		struct stmt *st = store_prepare(fx.db, "SELECT COUNT(*) FROM owner_vote_box WHERE bkey = ?", &e);
		stmt_bind_text(st, 1, hexk, SIZE_MAX);
		assert_int_equal(stmt_step(st, &e), STORE_ROW);
		assert_int_equal(stmt_int(st, 0), 0);
		stmt_done(st);
	}
	/* the audit log holds no choice */
	assert_int_equal(scalar("SELECT COUNT(*) FROM audit_log WHERE detail LIKE '%yes%'"
				" OR detail LIKE '%abstain%'", INT64_MIN), 0);
	/* a running count of a secret vote is shown to nobody */
	json_t *view;
	check(ownervote_view(fx.db, &view, &v, true, &a, &e), &e, "view");
	assert_null(json_object_get(view, "result"));
	json_decref(view);

	/* close: the check list has every ballot, each voter finds theirs */
	check(ownervote_set_status(fx.db, &v, "closed", 0, &e), &e, "close");
	load(&v, &a, id);
	json_t *cl;
	check(ownervote_checklist(fx.db, &cl, &v, &e), &e, "checklist");
	json_t *entries = json_object_get(cl, "entries");
	assert_int_equal(json_array_size(entries), 4);
	for (int i = 0; i < 4; i++) {
		size_t k;
		json_t *x;
		bool found = false;
		json_array_foreach(entries, k, x) {
			if (!strcmp(json_string_value(json_object_get(x, "check")), c[i])) {
				assert_string_equal(json_string_value(json_object_get(x, "choice")), choice[i]);
				found = true;
			}
		}
		assert_true(found);
	}
	/* the chain head: recomputed from the list equals the stored one */
	{
		struct strbuf sb = STRBUF_INIT;
		unsigned char head[32];
		char hexh[65];
		size_t k;
		json_t *x;
		json_array_foreach(entries, k, x)
			strbuf_addf(&sb, "%s %s\n", json_string_value(json_object_get(x, "check")),
				    json_string_value(json_object_get(x, "choice")));
		ownervote_chain(sb.buf, head);
		sodium_bin2hex(hexh, sizeof(hexh), head, sizeof(head));
		assert_string_equal(hexh, json_string_value(json_object_get(cl, "head")));
		strbuf_release(&sb);
	}
	json_decref(cl);
	/* closed: the result is there, and no more ballots */
	check(ownervote_view(fx.db, &view, &v, false, &a, &e), &e, "view closed");
	assert_non_null(json_object_get(view, "result"));
	json_decref(view);
	assert_int_equal(cast(&v, fx.owner[0], "no", r[0], r[1], c[1], &changed, &e), -1);
	assert_int_equal(e.code, ERR_CONFLICT);
	arena_release(&a);
}

struct racer {
	struct ownervote_info *v;
	int64_t elector;
	int rc;
	enum err_code code;
};

static void *race(void *p)
{
	struct racer *x = p;
	struct store *db;
	struct err e = ERR_INIT;
	char r[OWNERVOTE_RECEIPT_LEN + 1], c[OWNERVOTE_CHECK_LEN + 1];
	bool changed;
	struct ownervote_cast cc = {.elector = x->elector, .choice = "yes", .channel = "online"};
	if (store_open(&db, fx.path, NULL, &e) < 0) {
		x->rc = -2;
		return NULL;
	}
	x->rc = ownervote_cast(db, x->v, &cc, r, c, &changed, &e);
	x->code = e.code;
	store_close(db);
	return NULL;
}

/* Two ballots of one owner at once: one is counted, the other refused. */
static void test_concurrent_ballots(void **state)
{
	(void)state;
	struct arena a;
	struct ownervote_info v;
	pthread_t t[2];
	struct racer x[2];
	int64_t id = new_vote("art278-general", true);
	arena_init(&a);
	open_vote(&v, &a, id);
	for (int i = 0; i < 2; i++) {
		x[i] = (struct racer){.v = &v, .elector = fx.owner[2]};
		pthread_create(&t[i], NULL, race, &x[i]);
	}
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	assert_int_equal((x[0].rc == 0) + (x[1].rc == 0), 1);
	assert_int_equal(x[0].rc == 0 ? x[1].code : x[0].code, ERR_CONFLICT);
	assert_int_equal(scalar("SELECT COUNT(*) FROM owner_vote_turnout WHERE vote_id = ?", id), 1);
	assert_int_equal(scalar("SELECT COUNT(*) FROM owner_vote_box WHERE vote_id = ?", id), 1);
	assert_int_equal(scalar("SELECT SUM(owners) FROM owner_vote_totals WHERE vote_id = ?", id), 1);
	arena_release(&a);
}

static void test_other_community(void **state)
{
	(void)state;
	struct arena a;
	struct ownervote_info v;
	struct err e = ERR_INIT;
	int64_t id = new_vote("majority", false);
	arena_init(&a);
	assert_int_equal(ownervote_get(fx.db, &v, fx.c2, id, &a, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	arena_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_setup_register),
	    cmocka_unit_test(test_bad_input),
	    cmocka_unit_test(test_electorate_frozen),
	    cmocka_unit_test(test_cast_change_and_refuse),
	    cmocka_unit_test(test_secret_unlinkable),
	    cmocka_unit_test(test_concurrent_ballots),
	    cmocka_unit_test(test_other_community),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
