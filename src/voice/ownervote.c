/*
 * ownervote.c - rules and persistence of owners' votes (see ownervote.h for
 * the design of the ballot box).
 *
 * The totals table is the tally's input: it moves by an elector's frozen
 * weight (one owner, their area) in the transaction that records the
 * ballot, so it always equals the sum over the box, and the box never needs
 * a person's area.  A test recounts the totals from the named ballots.
 */
#include "voice/ownervote.h"

#include "auth/auth.h"
#include "core/timeutil.h"
#include "core/utf8.h"
#include "registry/ownership.h"
#include "voice/tally.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char sql_add[] =
    "INSERT INTO owner_votes (community_id, title, body, scope, scope_id, rule, part_num,"
    " part_den, part_incl, appr_num, appr_den, appr_incl, by_area, abstain_participates,"
    " secret, status, created_by, created_at)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'draft', ?, ?) RETURNING id";
static const char sql_list[] =
    "SELECT v.id, v.title, v.scope, v.scope_id, v.rule, v.secret, v.status, v.created_at,"
    " (SELECT COUNT(*) FROM owner_vote_electors x WHERE x.vote_id = v.id),"
    " (SELECT COUNT(*) FROM owner_vote_turnout t WHERE t.vote_id = v.id)"
    " FROM owner_votes v WHERE v.community_id = ? ORDER BY v.id DESC";
static const char sql_get[] =
    "SELECT id, community_id, title, scope, scope_id, status, rule, secret"
    " FROM owner_votes WHERE id = ? AND community_id = ?";
static const char sql_full[] =
    "SELECT title, body, scope, scope_id, rule, part_num, part_den, part_incl, appr_num,"
    " appr_den, appr_incl, by_area, abstain_participates, secret, status, created_at,"
    " opened_at, closed_at, chain_head FROM owner_votes WHERE id = ?";
static const char sql_status[] =
    "UPDATE owner_votes SET status = ?, opened_at = COALESCE(opened_at, ?),"
    " closed_at = ? WHERE id = ? AND status = ?";
static const char sql_dwelling_add[] =
    "INSERT INTO owner_vote_dwellings (vote_id, dwelling_id, elector, area, area_source, label,"
    " voter_name) VALUES (?, ?, ?, ?, ?, ?, ?)";
static const char sql_elector_add[] =
    "INSERT INTO owner_vote_electors (vote_id, elector, area, dwellings, name)"
    " SELECT vote_id, elector, SUM(area), COUNT(*), MIN(voter_name) FROM owner_vote_dwellings"
    " WHERE vote_id = ? GROUP BY vote_id, elector";
static const char sql_elector[] =
    "SELECT area FROM owner_vote_electors WHERE vote_id = ? AND elector = ?";
static const char sql_turnout_get[] =
    "SELECT channel FROM owner_vote_turnout WHERE vote_id = ? AND elector = ?";
static const char sql_turnout_add[] =
    "INSERT INTO owner_vote_turnout (vote_id, elector, channel, evidence) VALUES (?, ?, ?, ?)";
static const char sql_turnout_set[] =
    "UPDATE owner_vote_turnout SET channel = ?, evidence = ? WHERE vote_id = ? AND elector = ?";
static const char sql_box_get[] = "SELECT choice FROM owner_vote_box WHERE vote_id = ? AND bkey = ?";
static const char sql_box_add[] = "INSERT INTO owner_vote_box (vote_id, bkey, choice) VALUES (?, ?, ?)";
static const char sql_box_set[] = "UPDATE owner_vote_box SET choice = ? WHERE vote_id = ? AND bkey = ?";
static const char sql_totals_move[] =
    "UPDATE owner_vote_totals SET owners = owners + ?, area = area + ?"
    " WHERE vote_id = ? AND choice = ?";
static const char sql_totals_init[] =
    "INSERT INTO owner_vote_totals (vote_id, choice, owners, area) VALUES (?, ?, 0, 0)";
static const char sql_totals[] = "SELECT choice, owners, area FROM owner_vote_totals WHERE vote_id = ?";
static const char sql_electorate[] =
    "SELECT COUNT(*), COALESCE(SUM(area), 0) FROM owner_vote_electors WHERE vote_id = ?";
static const char sql_named_set[] =
    "INSERT INTO owner_vote_ballots (vote_id, elector, choice, channel, evidence, entered_by,"
    " cast_at, changes) VALUES (?, ?, ?, ?, ?, ?, ?, 0)"
    " ON CONFLICT (vote_id, elector) DO UPDATE SET choice = excluded.choice,"
    " channel = excluded.channel, evidence = excluded.evidence,"
    " entered_by = excluded.entered_by, cast_at = excluded.cast_at,"
    " changes = owner_vote_ballots.changes + 1";
/* The names and labels were copied from the register when the vote opened
 * (the owners list of a vote is its legal record, and a module does not read
 * another folder's tables). */
static const char sql_electors[] =
    "SELECT x.elector, x.area, x.dwellings, t.channel, t.evidence, b.choice, b.cast_at,"
    " x.name FROM owner_vote_electors x"
    " LEFT JOIN owner_vote_turnout t ON t.vote_id = x.vote_id AND t.elector = x.elector"
    " LEFT JOIN owner_vote_ballots b ON b.vote_id = x.vote_id AND b.elector = x.elector"
    " WHERE x.vote_id = ? ORDER BY x.elector";
static const char sql_elector_dwellings[] =
    "SELECT dwelling_id, area, area_source, label FROM owner_vote_dwellings"
    " WHERE vote_id = ? AND elector = ? ORDER BY dwelling_id";
static const char sql_box_all[] = "SELECT bkey, choice FROM owner_vote_box WHERE vote_id = ? ORDER BY bkey";
static const char sql_box_del[] = "DELETE FROM owner_vote_box WHERE vote_id = ?";
static const char sql_turnout_all[] =
    "SELECT elector, channel, evidence FROM owner_vote_turnout WHERE vote_id = ? ORDER BY elector";
static const char sql_turnout_del[] = "DELETE FROM owner_vote_turnout WHERE vote_id = ?";
static const char sql_chain_set[] = "UPDATE owner_votes SET chain_head = ? WHERE id = ?";

static const char *const choices[] = {"yes", "no", "abstain"};

/* An area in 0.01 m² as an exact decimal, into buf. */
static const char *area_str(char *buf, size_t n, int64_t v)
{
	struct strbuf sb = STRBUF_INIT;
	tally_area_format(&sb, v);
	snprintf(buf, n, "%s", sb.buf);
	strbuf_release(&sb);
	return buf;
}

static bool one_of(const char *s, const char *const *v, size_t n)
{
	for (size_t i = 0; s && i < n; i++)
		if (!strcmp(s, v[i]))
			return true;
	return false;
}

static int text_ok(const char *s, size_t max, bool required)
{
	size_t n = s ? strlen(s) : 0;
	if (!n)
		return required ? -1 : 0;
	if (!utf8_valid(s, n) || utf8_count(s, n) > max)
		return -1;
	return 0;
}

/* "2/3" → num, den with 0 < num <= den <= 1000. */
static int fraction(const char *s, int64_t *num, int64_t *den)
{
	char tail;
	long long a, b;
	if (!s || sscanf(s, "%lld/%lld%c", &a, &b, &tail) != 2 || a <= 0 || b <= 0 || a > b ||
	    b > 1000)
		return -1;
	*num = a;
	*den = b;
	return 0;
}

int ownervote_add(struct store *db, int64_t *out, int64_t community_id,
		  const struct ownervote_new *n, int64_t actor, struct err *e)
{
	int64_t pn, pd, an, ad;
	bool pi, ai, area = true;
	const char *abstain = n->abstain ? n->abstain : "participates";
	struct stmt *st;
	int rc;

	if (text_ok(n->title, OWNERVOTE_TITLE_MAX, true) < 0)
		return err_set(e, ERR_INVALID, "title", "title must be 1 to %d characters",
			       OWNERVOTE_TITLE_MAX);
	if (text_ok(n->body, OWNERVOTE_TEXT_MAX, false) < 0)
		return err_set(e, ERR_INVALID, "body", "body must be at most %d characters",
			       OWNERVOTE_TEXT_MAX);
	if (!one_of(n->scope, (const char *const[]){"community", "compound", "building", "unit"}, 4))
		return err_set(e, ERR_INVALID, "scope",
			       "scope must be community, compound, building or unit");
	if (strcmp(n->scope, "community") && n->scope_id <= 0)
		return err_set(e, ERR_INVALID, "scope_id", "scope_id is required for this scope");
	if (!one_of(abstain, (const char *const[]){"participates", "absent"}, 2))
		return err_set(e, ERR_INVALID, "abstain", "abstain must be participates or absent");
	if (!n->rule || !strcmp(n->rule, "custom")) {
		if (fraction(n->participation, &pn, &pd) < 0)
			return err_set(e, ERR_INVALID, "participation",
				       "participation must be a fraction such as 2/3");
		if (fraction(n->approval, &an, &ad) < 0)
			return err_set(e, ERR_INVALID, "approval",
				       "approval must be a fraction such as 1/2");
		pi = n->participation_inclusive;
		ai = n->approval_inclusive;
		area = n->by_area;
	} else {
		struct tally_rule tr;
		if (!tally_rule_named(&tr, n->rule))
			return err_set(e, ERR_INVALID, "rule",
				       "rule must be art278-general, art278-major, majority or custom");
		pn = tr.participation.num, pd = tr.participation.den;
		pi = tr.participation.inclusive;
		an = tr.approval.num, ad = tr.approval.den, ai = tr.approval.inclusive;
		area = tr.count_area;
	}
	if (!(st = store_prepare(db, sql_add, e)))
		return -1;
	stmt_bind_int(st, 1, community_id);
	stmt_bind_text(st, 2, n->title, SIZE_MAX);
	stmt_bind_text(st, 3, n->body ? n->body : "", SIZE_MAX);
	stmt_bind_text(st, 4, n->scope, SIZE_MAX);
	stmt_bind_int(st, 5, strcmp(n->scope, "community") ? n->scope_id : community_id);
	stmt_bind_text(st, 6, n->rule ? n->rule : "custom", SIZE_MAX);
	stmt_bind_int(st, 7, pn);
	stmt_bind_int(st, 8, pd);
	stmt_bind_int(st, 9, pi);
	stmt_bind_int(st, 10, an);
	stmt_bind_int(st, 11, ad);
	stmt_bind_int(st, 12, ai);
	stmt_bind_int(st, 13, area);
	stmt_bind_int(st, 14, !strcmp(abstain, "participates"));
	stmt_bind_int(st, 15, n->secret);
	stmt_bind_int(st, 16, actor);
	stmt_bind_int(st, 17, time_now());
	rc = stmt_step(st, e);
	if (rc == STORE_ROW)
		*out = stmt_int(st, 0);
	stmt_done(st);
	return rc == STORE_ROW ? 0 : -1;
}

int ownervote_list(struct store *db, json_t **out, int64_t community_id, struct err *e)
{
	struct stmt *st = store_prepare(db, sql_list, e);
	int rc;
	if (!st)
		return -1;
	*out = json_array();
	stmt_bind_int(st, 1, community_id);
	while ((rc = stmt_step(st, e)) == STORE_ROW)
		json_array_append_new(
		    *out, json_pack("{s:I, s:s, s:s, s:I, s:s, s:b, s:s, s:I, s:I, s:I}", "id",
				    (json_int_t)stmt_int(st, 0), "title", stmt_text(st, 1), "scope",
				    stmt_text(st, 2), "scope_id", (json_int_t)stmt_int(st, 3), "rule",
				    stmt_text(st, 4), "secret", (int)stmt_int(st, 5), "status",
				    stmt_text(st, 6), "created_at", (json_int_t)stmt_int(st, 7),
				    "electors", (json_int_t)stmt_int(st, 8), "voted",
				    (json_int_t)stmt_int(st, 9)));
	stmt_done(st);
	if (rc < 0) {
		json_decref(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}

int ownervote_get(struct store *db, struct ownervote_info *out, int64_t community_id,
		  int64_t id, struct arena *a, struct err *e)
{
	struct stmt *st = store_prepare(db, sql_get, e);
	int rc;
	if (!st)
		return -1;
	stmt_bind_int(st, 1, id);
	stmt_bind_int(st, 2, community_id);
	rc = stmt_step(st, e);
	if (rc == STORE_ROW) {
		out->id = stmt_int(st, 0);
		out->community_id = stmt_int(st, 1);
		out->title = arena_strdup(a, stmt_text(st, 2));
		out->scope = arena_strdup(a, stmt_text(st, 3));
		out->scope_id = stmt_int(st, 4);
		out->status = arena_strdup(a, stmt_text(st, 5));
		out->rule = arena_strdup(a, stmt_text(st, 6));
		out->secret = stmt_int(st, 7) != 0;
	}
	stmt_done(st);
	if (rc == STORE_DONE)
		return err_set(e, ERR_NOT_FOUND, "id", "no such vote");
	return rc < 0 ? -1 : 0;
}

static int exec_ints(struct store *db, const char *sql, int64_t a, int64_t b, struct err *e)
{
	struct stmt *st = store_prepare(db, sql, e);
	if (!st)
		return -1;
	stmt_bind_int(st, 1, a);
	if (b != INT64_MIN)
		stmt_bind_int(st, 2, b);
	return stmt_exec(st, e);
}

/* Freezes the electorate of v inside the caller's transaction. */
static int freeze(struct store *db, const struct ownervote_info *v, struct err *e)
{
	struct arena a;
	struct elector_unit *u = NULL;
	size_t n = 0;
	int rc = -1;

	arena_init(&a);
	if (ownership_electorate_named(db, &a, v->community_id, v->scope, v->scope_id, &u, &n, e) < 0)
		goto out;
	for (size_t i = 0; i < n; i++) {
		struct stmt *st = store_prepare(db, sql_dwelling_add, e);
		if (!st)
			goto out;
		stmt_bind_int(st, 1, v->id);
		stmt_bind_int(st, 2, u[i].dwelling_id);
		stmt_bind_int(st, 3, u[i].voter_resident_id);
		stmt_bind_int(st, 4, u[i].area);
		if (u[i].area_source)
			stmt_bind_text(st, 5, u[i].area_source, SIZE_MAX);
		else
			stmt_bind_null(st, 5);
		stmt_bind_text(st, 6, u[i].label ? u[i].label : "", SIZE_MAX);
		stmt_bind_text(st, 7, u[i].voter_resident_id ? (u[i].voter_name ? u[i].voter_name : "")
							   : "建设单位", SIZE_MAX);
		if (stmt_exec(st, e) < 0)
			goto out;
	}
	if (!n) {
		err_set(e, ERR_CONFLICT, "scope", "nobody owns a dwelling in this scope");
		goto out;
	}
	if (exec_ints(db, sql_elector_add, v->id, INT64_MIN, e) < 0)
		goto out;
	for (size_t k = 0; k < 3; k++) {
		struct stmt *st = store_prepare(db, sql_totals_init, e);
		if (!st)
			goto out;
		stmt_bind_int(st, 1, v->id);
		stmt_bind_text(st, 2, choices[k], SIZE_MAX);
		if (stmt_exec(st, e) < 0)
			goto out;
	}
	rc = 0;
out:
	arena_release(&a);
	return rc;
}

static void hex(char *out, const unsigned char *p, size_t n)
{
	sodium_bin2hex(out, 2 * n + 1, p, n);
}

/* The box key of (receipt, vote, elector) and its check code. */
static void box_key(char key[65], char check[OWNERVOTE_CHECK_LEN + 1], const unsigned char r[16],
		    int64_t vote, int64_t elector)
{
	unsigned char k[32], c[32];
	char ids[48];
	crypto_generichash_state h;
	int n = snprintf(ids, sizeof(ids), "|%lld|%lld", (long long)vote, (long long)elector);
	crypto_generichash_init(&h, NULL, 0, sizeof(k));
	crypto_generichash_update(&h, (const unsigned char *)"linli-ballot|", 13);
	crypto_generichash_update(&h, r, 16);
	crypto_generichash_update(&h, (const unsigned char *)ids, (size_t)n);
	crypto_generichash_final(&h, k, sizeof(k));
	hex(key, k, sizeof(k));
	crypto_generichash(c, sizeof(c), (const unsigned char *)key, 64, NULL, 0);
	char full[65];
	hex(full, c, sizeof(c));
	memcpy(check, full, OWNERVOTE_CHECK_LEN);
	check[OWNERVOTE_CHECK_LEN] = 0;
}

/* Rewrites the box and the turnout of v in key order, so that nothing of
 * the order in which ballots arrived survives the close; then fixes the
 * chain head over the check list. */
static int seal_box(struct store *db, const struct ownervote_info *v, struct err *e)
{
	struct strbuf keys = STRBUF_INIT, ch = STRBUF_INIT, tel = STRBUF_INIT;
	size_t nb = 0, nt = 0;
	struct stmt *st;
	int rc = -1, s;
	unsigned char head[32] = {0};
	char headhex[65];

	/* box: (key, choice) as "key choice\n" lines */
	if (!(st = store_prepare(db, sql_box_all, e)))
		goto out;
	stmt_bind_int(st, 1, v->id);
	while ((s = stmt_step(st, e)) == STORE_ROW) {
		strbuf_addf(&keys, "%s %s\n", stmt_text(st, 0), stmt_text(st, 1));
		nb++;
	}
	stmt_done(st);
	if (s < 0)
		goto out;
	if (!(st = store_prepare(db, sql_turnout_all, e)))
		goto out;
	stmt_bind_int(st, 1, v->id);
	while ((s = stmt_step(st, e)) == STORE_ROW) {
		strbuf_addf(&tel, "%lld\t%s\t%s\n", (long long)stmt_int(st, 0), stmt_text(st, 1),
			    stmt_text(st, 2));
		nt++;
	}
	stmt_done(st);
	if (s < 0 || exec_ints(db, sql_box_del, v->id, INT64_MIN, e) < 0 ||
	    exec_ints(db, sql_turnout_del, v->id, INT64_MIN, e) < 0)
		goto out;
	for (char *p = keys.buf; *p;) {
		char *sp = strchr(p, ' '), *nl = strchr(p, '\n');
		unsigned char c[32];
		char check[65];
		*sp = 0;
		*nl = 0;
		if (!(st = store_prepare(db, sql_box_add, e)))
			goto out;
		stmt_bind_int(st, 1, v->id);
		stmt_bind_text(st, 2, p, SIZE_MAX);
		stmt_bind_text(st, 3, sp + 1, SIZE_MAX);
		if (stmt_exec(st, e) < 0)
			goto out;
		crypto_generichash(c, sizeof(c), (const unsigned char *)p, strlen(p), NULL, 0);
		hex(check, c, sizeof(c));
		check[OWNERVOTE_CHECK_LEN] = 0;
		strbuf_addf(&ch, "%s %s\n", check, sp + 1);
		p = nl + 1;
	}
	for (char *p = tel.buf; *p;) {
		char *t1 = strchr(p, '\t'), *t2 = strchr(t1 + 1, '\t'), *nl = strchr(t2 + 1, '\n');
		*t1 = *t2 = *nl = 0;
		if (!(st = store_prepare(db, sql_turnout_add, e)))
			goto out;
		stmt_bind_int(st, 1, v->id);
		stmt_bind_int(st, 2, strtoll(p, NULL, 10));
		stmt_bind_text(st, 3, t1 + 1, SIZE_MAX);
		stmt_bind_text(st, 4, t2 + 1, SIZE_MAX);
		if (stmt_exec(st, e) < 0)
			goto out;
		p = nl + 1;
	}
	(void)nb;
	(void)nt;
	if (ownervote_chain(ch.buf, head) < 0)
		goto out;
	hex(headhex, head, sizeof(head));
	if (!(st = store_prepare(db, sql_chain_set, e)))
		goto out;
	stmt_bind_text(st, 1, headhex, SIZE_MAX);
	stmt_bind_int(st, 2, v->id);
	rc = stmt_exec(st, e);
out:
	strbuf_release(&keys);
	strbuf_release(&ch);
	strbuf_release(&tel);
	return rc;
}

int ownervote_chain(const char *lines, unsigned char head[32])
{
	/* head_0 = 32 zero bytes; head_i = BLAKE2b(head_{i-1} || line_i) where
	 * line_i is "check choice" of the i-th entry in check-code order. */
	memset(head, 0, 32);
	for (const char *p = lines; *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		crypto_generichash_state h;
		crypto_generichash_init(&h, NULL, 0, 32);
		crypto_generichash_update(&h, head, 32);
		crypto_generichash_update(&h, (const unsigned char *)p, n);
		crypto_generichash_final(&h, head, 32);
		p += n + (nl ? 1 : 0);
	}
	return 0;
}

int ownervote_set_status(struct store *db, const struct ownervote_info *v, const char *status,
			 int64_t actor, struct err *e)
{
	const char *from;
	int64_t now = time_now();
	struct stmt *st;
	char detail[64];

	if (!status || (strcmp(status, "open") && strcmp(status, "closed")))
		return err_set(e, ERR_INVALID, "status", "status must be open or closed");
	from = !strcmp(status, "open") ? "draft" : "open";
	if (strcmp(v->status, from))
		return err_set(e, ERR_CONFLICT, "status", "a %s vote cannot become %s", v->status,
			       status);
	if (store_begin(db, e) < 0)
		return -1;
	if (!(st = store_prepare(db, sql_status, e)))
		goto fail;
	stmt_bind_text(st, 1, status, SIZE_MAX);
	stmt_bind_int(st, 2, now);
	if (!strcmp(status, "closed"))
		stmt_bind_int(st, 3, now);
	else
		stmt_bind_null(st, 3);
	stmt_bind_int(st, 4, v->id);
	stmt_bind_text(st, 5, from, SIZE_MAX);
	if (stmt_exec(st, e) < 0)
		goto fail;
	if (store_changes(db) != 1) {
		err_set(e, ERR_CONFLICT, "status", "the vote changed meanwhile");
		goto fail;
	}
	if (!strcmp(status, "open") ? freeze(db, v, e) < 0 : seal_box(db, v, e) < 0)
		goto fail;
	snprintf(detail, sizeof(detail), "vote %lld %s", (long long)v->id, status);
	if (audit_append(db, actor, NULL, !strcmp(status, "open") ? "ownervote.open" : "ownervote.close",
			 "owner_vote", v->community_id, NULL, detail, e) < 0)
		goto fail;
	return store_commit(db, e);
fail:
	store_rollback(db);
	return -1;
}

static int step_text(struct store *db, const char *sql, int64_t a, int64_t b, const char *t,
		     char *out, size_t outn, bool *found, struct err *e)
{
	struct stmt *st = store_prepare(db, sql, e);
	int rc;
	if (!st)
		return -1;
	stmt_bind_int(st, 1, a);
	if (t)
		stmt_bind_text(st, 2, t, SIZE_MAX);
	else
		stmt_bind_int(st, 2, b);
	rc = stmt_step(st, e);
	*found = rc == STORE_ROW;
	if (*found && out)
		snprintf(out, outn, "%s", stmt_text(st, 0));
	stmt_done(st);
	return rc < 0 ? -1 : 0;
}

static int totals_move(struct store *db, int64_t vote, const char *choice, int64_t owners,
		       int64_t area, struct err *e)
{
	struct stmt *st = store_prepare(db, sql_totals_move, e);
	if (!st)
		return -1;
	stmt_bind_int(st, 1, owners);
	stmt_bind_int(st, 2, area);
	stmt_bind_int(st, 3, vote);
	stmt_bind_text(st, 4, choice, SIZE_MAX);
	return stmt_exec(st, e);
}

static int receipt_parse(unsigned char r[16], const char *s)
{
	size_t n = 0;
	char clean[OWNERVOTE_RECEIPT_LEN + 1];
	for (; s && *s && n < sizeof(clean); s++)
		if (*s != '-' && *s != ' ')
			clean[n++] = *s;
	if (!s || *s || n != OWNERVOTE_RECEIPT_LEN)
		return -1;
	clean[n] = 0;
	size_t len = 0;
	if (sodium_hex2bin(r, 16, clean, n, NULL, &len, NULL) < 0 || len != 16)
		return -1;
	return 0;
}

int ownervote_cast(struct store *db, const struct ownervote_info *v, const struct ownervote_cast *c,
		   char *receipt_out, char *check_out, bool *changed, struct err *e)
{
	unsigned char r[16];
	char key[65], old[16], area_s[32];
	bool voted, found;
	int64_t area;
	struct stmt *st;
	int rc;

	*changed = false;
	if (!one_of(c->choice, choices, 3))
		return err_set(e, ERR_INVALID, "choice", "choice must be yes, no or abstain");
	if (!one_of(c->channel, (const char *const[]){"online", "paper", "proxy"}, 3))
		return err_set(e, ERR_INVALID, "channel", "channel must be online, paper or proxy");
	if (strcmp(c->channel, "online") && text_ok(c->evidence, OWNERVOTE_EVIDENCE_MAX, true) < 0)
		return err_set(e, ERR_INVALID, "evidence",
			       "a paper or proxy ballot needs an evidence note of 1 to %d characters",
			       OWNERVOTE_EVIDENCE_MAX);
	if (c->receipt && receipt_parse(r, c->receipt) < 0)
		return err_set(e, ERR_INVALID, "receipt", "a receipt is %d hexadecimal digits",
			       OWNERVOTE_RECEIPT_LEN);
	if (strcmp(v->status, "open"))
		return err_set(e, ERR_CONFLICT, "status", "the vote is %s, not open", v->status);
	if (store_begin(db, e) < 0)
		return -1;
	/* the status again, inside the transaction: a close may have won */
	if (step_text(db, "SELECT status FROM owner_votes WHERE id = ? AND community_id = ?", v->id,
		      v->community_id, NULL, old, sizeof(old), &found, e) < 0)
		goto fail;
	if (!found || strcmp(old, "open")) {
		err_set(e, ERR_CONFLICT, "status", "the vote is not open");
		goto fail;
	}
	if (step_text(db, sql_elector, v->id, c->elector, NULL, area_s, sizeof(area_s), &found, e) < 0)
		goto fail;
	if (!found) {
		err_set(e, ERR_FORBIDDEN, "elector", "not an owner entitled to vote in this vote");
		goto fail;
	}
	area = strtoll(area_s, NULL, 10);
	if (step_text(db, sql_turnout_get, v->id, c->elector, NULL, NULL, 0, &voted, e) < 0)
		goto fail;
	if (voted && !c->receipt) {
		err_set(e, ERR_CONFLICT, "receipt",
			"this owner has voted; give the receipt to change the ballot");
		goto fail;
	}
	if (!voted && c->receipt) {
		err_set(e, ERR_FORBIDDEN, "receipt", "the receipt does not match a ballot");
		goto fail;
	}
	if (!voted)
		randombytes_buf(r, sizeof(r));
	box_key(key, check_out, r, v->id, c->elector);
	if (voted) {
		if (step_text(db, sql_box_get, v->id, 0, key, old, sizeof(old), &found, e) < 0)
			goto fail;
		if (!found) {
			err_set(e, ERR_FORBIDDEN, "receipt", "the receipt does not match a ballot");
			goto fail;
		}
		if (totals_move(db, v->id, old, -1, -area, e) < 0 ||
		    !(st = store_prepare(db, sql_box_set, e)))
			goto fail;
		stmt_bind_text(st, 1, c->choice, SIZE_MAX);
		stmt_bind_int(st, 2, v->id);
		stmt_bind_text(st, 3, key, SIZE_MAX);
		if (stmt_exec(st, e) < 0 || !(st = store_prepare(db, sql_turnout_set, e)))
			goto fail;
		stmt_bind_text(st, 1, c->channel, SIZE_MAX);
		stmt_bind_text(st, 2, c->evidence ? c->evidence : "", SIZE_MAX);
		stmt_bind_int(st, 3, v->id);
		stmt_bind_int(st, 4, c->elector);
		*changed = true;
	} else {
		if (!(st = store_prepare(db, sql_box_add, e)))
			goto fail;
		stmt_bind_int(st, 1, v->id);
		stmt_bind_text(st, 2, key, SIZE_MAX);
		stmt_bind_text(st, 3, c->choice, SIZE_MAX);
		if (stmt_exec(st, e) < 0 || !(st = store_prepare(db, sql_turnout_add, e)))
			goto fail;
		stmt_bind_int(st, 1, v->id);
		stmt_bind_int(st, 2, c->elector);
		stmt_bind_text(st, 3, c->channel, SIZE_MAX);
		stmt_bind_text(st, 4, c->evidence ? c->evidence : "", SIZE_MAX);
	}
	if (stmt_exec(st, e) < 0 || totals_move(db, v->id, c->choice, 1, area, e) < 0)
		goto fail;
	if (strcmp(c->channel, "online")) {
		char detail[96];
		snprintf(detail, sizeof(detail), "vote %lld elector %lld %s", (long long)v->id,
			 (long long)c->elector, c->channel);
		if (audit_append(db, c->entered_by, c->actor, "ownervote.paper", "owner_vote",
				 v->community_id, c->ip, detail, e) < 0)
			goto fail;
	}
	if (!v->secret) {
		if (!(st = store_prepare(db, sql_named_set, e)))
			goto fail;
		stmt_bind_int(st, 1, v->id);
		stmt_bind_int(st, 2, c->elector);
		stmt_bind_text(st, 3, c->choice, SIZE_MAX);
		stmt_bind_text(st, 4, c->channel, SIZE_MAX);
		stmt_bind_text(st, 5, c->evidence ? c->evidence : "", SIZE_MAX);
		stmt_bind_int(st, 6, c->entered_by);
		stmt_bind_int(st, 7, time_now());
		if (stmt_exec(st, e) < 0)
			goto fail;
	}
	if ((rc = store_commit(db, e)) < 0)
		return rc;
	hex(receipt_out, r, sizeof(r));
	return 0;
fail:
	store_rollback(db);
	return -1;
}

int ownervote_my_electors(struct store *db, json_t **out, const struct ownervote_info *v,
			  const int64_t *residents, size_t nresidents, struct err *e)
{
	*out = json_array();
	for (size_t i = 0; i < nresidents; i++) {
		struct stmt *st = store_prepare(
		    db,
		    "SELECT x.area, x.dwellings, (SELECT COUNT(*) FROM owner_vote_turnout t"
		    " WHERE t.vote_id = x.vote_id AND t.elector = x.elector)"
		    " FROM owner_vote_electors x WHERE x.vote_id = ? AND x.elector = ?",
		    e);
		int rc;
		if (!st)
			goto fail;
		stmt_bind_int(st, 1, v->id);
		stmt_bind_int(st, 2, residents[i]);
		rc = stmt_step(st, e);
		if (rc == STORE_ROW) {
			char a[32];
			area_str(a, sizeof(a), stmt_int(st, 0));
			json_array_append_new(*out,
					      json_pack("{s:I, s:s, s:I, s:b}", "elector",
							(json_int_t)residents[i], "area", a, "dwellings",
							(json_int_t)stmt_int(st, 1), "voted",
							stmt_int(st, 2) > 0));
		}
		stmt_done(st);
		if (rc < 0)
			goto fail;
	}
	return 0;
fail:
	json_decref(*out);
	*out = NULL;
	return -1;
}

int ownervote_view(struct store *db, json_t **out, const struct ownervote_info *v, bool staff,
		   struct arena *a, struct err *e)
{
	struct stmt *st = store_prepare(db, sql_full, e);
	struct tally_rule rule = {0};
	struct tally_result t = {0};
	int rc;
	json_t *o;

	if (!st)
		return -1;
	stmt_bind_int(st, 1, v->id);
	if ((rc = stmt_step(st, e)) != STORE_ROW) {
		stmt_done(st);
		return rc < 0 ? -1 : err_set(e, ERR_NOT_FOUND, "id", "no such vote");
	}
	rule.name = arena_strdup(a, stmt_text(st, 4));
	rule.participation.num = stmt_int(st, 5);
	rule.participation.den = stmt_int(st, 6);
	rule.participation.inclusive = stmt_int(st, 7);
	rule.approval.num = stmt_int(st, 8);
	rule.approval.den = stmt_int(st, 9);
	rule.approval.inclusive = stmt_int(st, 10);
	rule.count_area = stmt_int(st, 11);
	rule.abstain_participates = stmt_int(st, 12);
	o = json_pack("{s:I, s:s, s:s, s:s, s:I, s:s, s:{s:s, s:b, s:s, s:b, s:b}, s:s, s:b, s:s,"
		      " s:I}",
		      "id", (json_int_t)v->id, "title", stmt_text(st, 0), "body", stmt_text(st, 1),
		      "scope", stmt_text(st, 2), "scope_id", (json_int_t)stmt_int(st, 3), "rule",
		      stmt_text(st, 4), "thresholds", "participation",
		      "", "participation_inclusive", (int)rule.participation.inclusive, "approval", "",
		      "approval_inclusive", (int)rule.approval.inclusive, "by_area",
		      (int)rule.count_area,
		      "abstain", rule.abstain_participates ? "participates" : "absent", "secret",
		      (int)stmt_int(st, 13), "status", stmt_text(st, 14), "created_at",
		      (json_int_t)stmt_int(st, 15));
	{
		char f[32];
		json_t *th = json_object_get(o, "thresholds");
		snprintf(f, sizeof(f), "%lld/%lld", (long long)rule.participation.num,
			 (long long)rule.participation.den);
		json_object_set_new(th, "participation", json_string(f));
		snprintf(f, sizeof(f), "%lld/%lld", (long long)rule.approval.num,
			 (long long)rule.approval.den);
		json_object_set_new(th, "approval", json_string(f));
	}
	if (!stmt_is_null(st, 16))
		json_object_set_new(o, "opened_at", json_integer(stmt_int(st, 16)));
	if (!stmt_is_null(st, 17))
		json_object_set_new(o, "closed_at", json_integer(stmt_int(st, 17)));
	if (!stmt_is_null(st, 18))
		json_object_set_new(o, "chain_head", json_string(stmt_text(st, 18)));
	stmt_done(st);
	if (!strcmp(v->status, "draft")) {
		*out = o;
		return 0;
	}
	if (!(st = store_prepare(db, sql_electorate, e)))
		goto fail;
	stmt_bind_int(st, 1, v->id);
	if ((rc = stmt_step(st, e)) == STORE_ROW) {
		t.owners = stmt_int(st, 0);
		t.area = stmt_int(st, 1);
	}
	stmt_done(st);
	if (rc != STORE_ROW || !(st = store_prepare(db, sql_totals, e)))
		goto fail;
	stmt_bind_int(st, 1, v->id);
	while ((rc = stmt_step(st, e)) == STORE_ROW) {
		const char *c = stmt_text(st, 0);
		int64_t n = stmt_int(st, 1), ar = stmt_int(st, 2);
		if (!strcmp(c, "yes"))
			t.yes_owners = n, t.yes_area = ar;
		else if (!strcmp(c, "no"))
			t.no_owners = n, t.no_area = ar;
		else
			t.abstain_owners = n, t.abstain_area = ar;
	}
	stmt_done(st);
	if (rc < 0)
		goto fail;
	{
		char at[32];
		area_str(at, sizeof(at), t.area);
		json_object_set_new(o, "electorate",
				    json_pack("{s:I, s:s}", "owners", (json_int_t)t.owners, "area", at));
		json_object_set_new(o, "voted",
				    json_integer(t.yes_owners + t.no_owners + t.abstain_owners));
	}
	/* The tally: always once closed; while open only for staff of a named
	 * vote (a running secret count is not shown to anyone). */
	if (!strcmp(v->status, "closed") || (staff && !v->secret)) {
		struct strbuf sb = STRBUF_INIT;
		json_t *res;
		tally_judge(&t, &rule);
		tally_result_json(&sb, &t, &rule);
		res = json_loadb(sb.buf, sb.len, 0, NULL);
		strbuf_release(&sb);
		if (!res) {
			err_set(e, ERR_INTERNAL, NULL, "the tally could not be written");
			goto fail;
		}
		json_object_set_new(o, "result", res);
	}
	*out = o;
	return 0;
fail:
	json_decref(o);
	return -1;
}

int ownervote_electors(struct store *db, json_t **out, const struct ownervote_info *v,
		       struct err *e)
{
	struct stmt *st = store_prepare(db, sql_electors, e);
	int rc;
	json_t *list = json_array();
	if (!st)
		goto fail;
	stmt_bind_int(st, 1, v->id);
	while ((rc = stmt_step(st, e)) == STORE_ROW) {
		char a[32];
		int64_t el = stmt_int(st, 0);
		json_t *x;
		area_str(a, sizeof(a), stmt_int(st, 1));
		x = json_pack("{s:I, s:s, s:s, s:I, s:b}", "elector", (json_int_t)el, "name",
			      stmt_text(st, 7), "area", a, "dwellings",
			      (json_int_t)stmt_int(st, 2), "voted", !stmt_is_null(st, 3));
		if (!stmt_is_null(st, 3)) {
			json_object_set_new(x, "channel", json_string(stmt_text(st, 3)));
			if (*stmt_text(st, 4))
				json_object_set_new(x, "evidence", json_string(stmt_text(st, 4)));
		}
		if (!v->secret && !stmt_is_null(st, 5)) {
			json_object_set_new(x, "choice", json_string(stmt_text(st, 5)));
			json_object_set_new(x, "cast_at", json_integer(stmt_int(st, 6)));
		}
		json_array_append_new(list, x);
	}
	stmt_done(st);
	if (rc < 0)
		goto fail;
	/* the dwellings of each elector */
	size_t i;
	json_t *x;
	json_array_foreach(list, i, x) {
		json_t *ds = json_array();
		if (!(st = store_prepare(db, sql_elector_dwellings, e))) {
			json_decref(ds);
			goto fail;
		}
		stmt_bind_int(st, 1, v->id);
		stmt_bind_int(st, 2, json_integer_value(json_object_get(x, "elector")));
		while ((rc = stmt_step(st, e)) == STORE_ROW) {
			char a[32];
			area_str(a, sizeof(a), stmt_int(st, 1));
			json_array_append_new(
			    ds, json_pack("{s:I, s:s, s:s?, s:s}", "dwelling",
					  (json_int_t)stmt_int(st, 0), "area", a, "area_source",
					  stmt_is_null(st, 2) ? NULL : stmt_text(st, 2), "label",
					  stmt_text(st, 3)));
		}
		stmt_done(st);
		json_object_set_new(x, "homes", ds);
		if (rc < 0)
			goto fail;
	}
	*out = list;
	return 0;
fail:
	json_decref(list);
	return -1;
}

int ownervote_checklist(struct store *db, json_t **out, const struct ownervote_info *v,
			struct err *e)
{
	struct strbuf lines = STRBUF_INIT;
	struct stmt *st;
	json_t *entries;
	unsigned char head[32];
	char headhex[65];
	int rc;

	if (strcmp(v->status, "closed"))
		return err_set(e, ERR_CONFLICT, "status", "the check list is published at close");
	if (!(st = store_prepare(db, sql_box_all, e)))
		return -1;
	entries = json_array();
	stmt_bind_int(st, 1, v->id);
	while ((rc = stmt_step(st, e)) == STORE_ROW) {
		unsigned char c[32];
		char check[65];
		const char *key = stmt_text(st, 0);
		crypto_generichash(c, sizeof(c), (const unsigned char *)key, strlen(key), NULL, 0);
		hex(check, c, sizeof(c));
		check[OWNERVOTE_CHECK_LEN] = 0;
		strbuf_addf(&lines, "%s %s\n", check, stmt_text(st, 1));
		json_array_append_new(entries, json_pack("{s:s, s:s}", "check", check, "choice",
							 stmt_text(st, 1)));
	}
	stmt_done(st);
	if (rc < 0) {
		json_decref(entries);
		strbuf_release(&lines);
		return -1;
	}
	ownervote_chain(lines.buf, head);
	strbuf_release(&lines);
	hex(headhex, head, sizeof(head));
	*out = json_pack("{s:s, s:o}", "head", headhex, "entries", entries);
	return 0;
}

const struct migration ownervote_migrations[] = {
    {720, "voice: owners' votes (electorate frozen at open, unlinkable ballot box)",
     "CREATE TABLE owner_votes ("
     " id @id,"
     " community_id INTEGER NOT NULL REFERENCES communities(id),"
     " title TEXT NOT NULL, body TEXT NOT NULL,"
     " scope TEXT NOT NULL, scope_id INTEGER NOT NULL, rule TEXT NOT NULL,"
     " part_num INTEGER NOT NULL, part_den INTEGER NOT NULL, part_incl INTEGER NOT NULL,"
     " appr_num INTEGER NOT NULL, appr_den INTEGER NOT NULL, appr_incl INTEGER NOT NULL,"
     " by_area INTEGER NOT NULL, abstain_participates INTEGER NOT NULL,"
     " secret INTEGER NOT NULL, status TEXT NOT NULL,"
     " created_by INTEGER, created_at INTEGER NOT NULL,"
     " opened_at INTEGER, closed_at INTEGER, chain_head TEXT);"
     "CREATE INDEX owner_votes_community ON owner_votes (community_id);"
     "CREATE TABLE owner_vote_dwellings ("
     " vote_id INTEGER NOT NULL REFERENCES owner_votes(id) ON DELETE CASCADE,"
     " dwelling_id INTEGER NOT NULL, elector INTEGER NOT NULL,"
     " area INTEGER NOT NULL, area_source TEXT, label TEXT NOT NULL, voter_name TEXT NOT NULL,"
     " PRIMARY KEY (vote_id, dwelling_id));"
     "CREATE TABLE owner_vote_electors ("
     " vote_id INTEGER NOT NULL REFERENCES owner_votes(id) ON DELETE CASCADE,"
     " elector INTEGER NOT NULL, area INTEGER NOT NULL, dwellings INTEGER NOT NULL,"
     " name TEXT NOT NULL, PRIMARY KEY (vote_id, elector));"
     /* no time, no choice, no insertion order: see ownervote.h */
     "CREATE TABLE owner_vote_turnout ("
     " vote_id INTEGER NOT NULL REFERENCES owner_votes(id) ON DELETE CASCADE,"
     " elector INTEGER NOT NULL, channel TEXT NOT NULL, evidence TEXT NOT NULL,"
     " PRIMARY KEY (vote_id, elector)) @keyed;"
     "CREATE TABLE owner_vote_box ("
     " vote_id INTEGER NOT NULL REFERENCES owner_votes(id) ON DELETE CASCADE,"
     " bkey TEXT NOT NULL, choice TEXT NOT NULL,"
     " PRIMARY KEY (vote_id, bkey)) @keyed;"
     "CREATE TABLE owner_vote_totals ("
     " vote_id INTEGER NOT NULL REFERENCES owner_votes(id) ON DELETE CASCADE,"
     " choice TEXT NOT NULL, owners INTEGER NOT NULL, area INTEGER NOT NULL,"
     " PRIMARY KEY (vote_id, choice)) @keyed;"
     "CREATE TABLE owner_vote_ballots ("
     " vote_id INTEGER NOT NULL REFERENCES owner_votes(id) ON DELETE CASCADE,"
     " elector INTEGER NOT NULL, choice TEXT NOT NULL, channel TEXT NOT NULL,"
     " evidence TEXT NOT NULL, entered_by INTEGER, cast_at INTEGER NOT NULL,"
     " changes INTEGER NOT NULL, PRIMARY KEY (vote_id, elector));"},
};
const size_t ownervote_migrations_n = sizeof(ownervote_migrations) / sizeof(ownervote_migrations[0]);
