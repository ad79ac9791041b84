/*
 * test_invite.c - invitations and the resident <-> user link
 * (src/registry/invite.c, account.c) and QR codes (src/core/qr.c).
 *
 * On one temporary database with two communities and a key file: the code's
 * alphabet and grouping, its spread over the alphabet, the database holding
 * no code (only a keyed hash and a nonce), expiry exactly at expires_at,
 * single use, revocation on reissue, throttling of wrong codes, the link
 * other modules ask for, the person-data export, and the QR code's SVG
 * drawing exactly libqrencode's modules.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "auth/auth.h"
#include "core/qr.h"
#include "core/timeutil.h"
#include "registry/account.h"
#include "registry/invite.h"
#include "registry/resident.h"
#include "registry/structure.h"
#include "routes.h"

#include "testutil.h"

#include <qrencode.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct {
	char *dir;
	struct store *db;
	struct seal_keyring *kr;
	int64_t s1, c1, c2, dwelling;
} fx;

static const int64_t T0 = 1800000000; /* a fixed "now" */

static int64_t add_resident(int64_t community, const char *name, int64_t dwelling)
{
	struct resident_input in = { .name = name, .gender = "female", .volunteer_willing = -1,
				     .dwelling_id = dwelling };
	struct err e = ERR_INIT;
	int64_t out = 0;
	if (resident_add(fx.db, &out, community, &in, &e) < 0)
		fail_msg("add %s: %s (%s)", name, e.message, e.field);
	return out;
}

static int group_setup(void **state)
{
	(void)state;
	static const char sql_first_dwelling[] = "SELECT id FROM dwellings WHERE building_id = ? ORDER BY id";
	struct err e = ERR_INIT;
	char p[4200], k[4200];
	size_t n = 0;
	const struct migration *m = all_migrations(&n);
	struct layout l = { .units = 1, .floors = 2, .rooms_per_floor = 2, .area = 8000, .first_floor = 1 };
	int64_t compound, building, units, dwellings;
	struct stmt *st;

	if (!(fx.dir = tmpdir_make()))
		return -1;
	tmpdir_path(p, sizeof(p), fx.dir, "inv.sqlite");
	tmpdir_path(k, sizeof(k), fx.dir, "inv.key");
	if (seal_keyring_create(&fx.kr, k, &e) < 0 || store_open(&fx.db, p, NULL, &e) < 0 ||
	    store_migrate(fx.db, m, n, NULL, &e) < 0 ||
	    structure_street_add(fx.db, &fx.s1, "东湖街道", &e) < 0 ||
	    structure_community_add(fx.db, &fx.c1, fx.s1, "幸福社区", &e) < 0 ||
	    structure_community_add(fx.db, &fx.c2, fx.s1, "和平社区", &e) < 0 ||
	    structure_compound_add(fx.db, &compound, fx.c1, "一小区", 0, NULL, &e) < 0 ||
	    structure_building_add(fx.db, &building, fx.c1, compound, "1号楼", 0, &e) < 0 ||
	    structure_layout(fx.db, fx.c1, building, &l, &units, &dwellings, &e) < 0 ||
	    !(st = store_prepare(fx.db, sql_first_dwelling, &e))) {
		fprintf(stderr, "setup: %s (%s)\n", e.message, e.field);
		return -1;
	}
	stmt_bind_int(st, 1, building);
	if (stmt_step(st, &e) != STORE_ROW)
		return -1;
	fx.dwelling = stmt_int(st, 0);
	stmt_done(st);
	resident_set_keyring(fx.kr);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	resident_set_keyring(NULL);
	seal_keyring_free(fx.kr);
	store_close(fx.db);
	tmpdir_remove(fx.dir);
	return 0;
}

static void issue(struct invite_new *out, int64_t community, int64_t resident, int days, int64_t now)
{
	struct err e = ERR_INIT;
	if (invite_issue(fx.db, out, community, resident, days, 0, "test", NULL, now, &e) < 0)
		fail_msg("issue: %s (%s)", e.message, e.field);
}

static void test_code_format(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	char out[INVITE_CODE_LEN + 1], grouped[INVITE_CODE_LEN + 3];

	assert_int_equal(strlen(invite_alphabet), 32);
	assert_null(strpbrk(invite_alphabet, "01IO"));
	assert_int_equal(invite_code_normalize(out, "abcd-efgh-jk", &e), 0);
	assert_string_equal(out, "ABCDEFGHJK");
	assert_int_equal(invite_code_normalize(out, " AB CD EF GH 23 ", &e), 0);
	assert_string_equal(out, "ABCDEFGH23");
	invite_code_group(grouped, "ABCDEFGH23");
	assert_string_equal(grouped, "ABCD-EFGH-23");
	const char *bad[] = { "", "ABCD-EFGH-J", "ABCD-EFGH-JKL", "ABCD-EFGH-J1", "ABCD-EFGH-JO",
			      "ABCD-EFGH-JI", "ABCD_EFGH_JK", "ÄBCD-EFGH-JK" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err_clear(&e);
		assert_int_equal(invite_code_normalize(out, bad[i], &e), -1);
		assert_int_equal(e.code, ERR_INVALID);
		assert_string_equal(e.field, "code");
	}
}

/* Codes of random nonces use every symbol about equally often (each
 * symbol is 5 of the keyed hash's uniform bits). */
static void test_code_spread(void **state)
{
	(void)state;
	enum { N = 4000 };
	int count[32] = { 0 };
	char code[INVITE_CODE_LEN + 1];
	for (int i = 0; i < N; i++) {
		unsigned char raw[16];
		char nonce[33];
		randombytes_buf(raw, sizeof(raw));
		sodium_bin2hex(nonce, sizeof(nonce), raw, sizeof(raw));
		invite_code_derive(code, nonce);
		assert_int_equal(strlen(code), INVITE_CODE_LEN);
		for (int j = 0; j < INVITE_CODE_LEN; j++) {
			const char *at = strchr(invite_alphabet, code[j]);
			assert_non_null(at);
			count[at - invite_alphabet]++;
		}
	}
	/* expected N * 10 / 32 = 1250 each; sd about 35 */
	for (int s = 0; s < 32; s++) {
		assert_true(count[s] > 1050);
		assert_true(count[s] < 1450);
	}
	/* the same nonce gives the same code (so a slip can be printed again) */
	char again[INVITE_CODE_LEN + 1];
	invite_code_derive(code, "00ff");
	invite_code_derive(again, "00ff");
	assert_string_equal(code, again);
}

/* Reads a column of an invitation as text. */
static char *inv_column(int64_t id, int col)
{
	static const char sql[] =
		"SELECT nonce, code_hash, status, CAST(expires_at AS TEXT) FROM invitations WHERE id = ?";
	struct err e = ERR_INIT;
	struct stmt *st = store_prepare(fx.db, sql, &e);
	char *out;
	assert_non_null(st);
	stmt_bind_int(st, 1, id);
	assert_int_equal(stmt_step(st, &e), STORE_ROW);
	out = strdup(stmt_text(st, col));
	stmt_done(st);
	return out;
}

static void test_hash_only(void **state)
{
	(void)state;
	struct invite_new inv;
	char hash[64], code[INVITE_CODE_LEN + 1];
	struct err e = ERR_INIT;
	int64_t r = add_resident(fx.c1, "钱七", 0);

	issue(&inv, fx.c1, r, INVITE_DAYS_DEFAULT, T0);
	assert_int_equal(inv.expires_at, T0 + 14 * 86400);
	char *nonce = inv_column(inv.id, 0), *stored = inv_column(inv.id, 1);
	assert_null(strstr(nonce, inv.code));
	assert_null(strstr(stored, inv.code));
	invite_code_hash(hash, inv.code);
	assert_string_equal(stored, hash);
	/* the code comes back from the nonce, for printing again */
	assert_int_equal(invite_code_of(fx.db, code, fx.c1, inv.id, T0, &e), 0);
	assert_string_equal(code, inv.code);
	/* another community does not see it */
	assert_int_equal(invite_code_of(fx.db, code, fx.c2, inv.id, T0, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	free(nonce);
	free(stored);
}

static void test_expiry_boundary_and_single_use(void **state)
{
	(void)state;
	struct invite_new inv;
	struct err e = ERR_INIT;
	char code[INVITE_CODE_LEN + 1];
	int64_t r = add_resident(fx.c1, "孙八", fx.dwelling), uid = 0, cid = 0, rid = 0, did = 0;

	issue(&inv, fx.c1, r, 1, T0);
	assert_int_equal(inv.expires_at, T0 + 86400);
	/* at expires_at it is expired */
	assert_int_equal(invite_code_of(fx.db, code, fx.c1, inv.id, inv.expires_at, &e), -1);
	assert_int_equal(e.code, ERR_CONFLICT);
	assert_non_null(strstr(e.message, "expired"));
	err_clear(&e);
	assert_int_equal(invite_claim(fx.db, &uid, &cid, inv.code, "sun.ba", "password-123", "10.0.0.1",
				      inv.expires_at, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	assert_string_equal(e.field, "code");
	assert_non_null(strstr(e.message, "expired"));
	/* one second before, it claims */
	err_clear(&e);
	assert_int_equal(invite_claim(fx.db, &uid, &cid, inv.code, "sun.ba", "password-123", "10.0.0.1",
				      inv.expires_at - 1, &e), 0);
	assert_true(uid > 0);
	assert_int_equal(cid, fx.c1);
	/* the link, as other modules ask for it */
	assert_int_equal(account_resident_of(fx.db, uid, fx.c1, &rid, &did, &e), 0);
	assert_int_equal(rid, r);
	assert_int_equal(did, fx.dwelling);
	assert_int_equal(account_resident_of(fx.db, uid, fx.c2, &rid, &did, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	/* single use */
	err_clear(&e);
	assert_int_equal(invite_claim(fx.db, &uid, &cid, inv.code, "sun.ba2", "password-123", "10.0.0.1",
				      T0 + 10, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	assert_non_null(strstr(e.message, "already used"));
	/* and no second invitation for someone with an account */
	err_clear(&e);
	assert_int_equal(invite_issue(fx.db, &inv, fx.c1, r, 14, 0, "test", NULL, T0, &e), -1);
	assert_int_equal(e.code, ERR_CONFLICT);
	assert_string_equal(e.field, "resident");
}

static void test_reissue_revokes(void **state)
{
	(void)state;
	struct invite_new a, b;
	struct err e = ERR_INIT;
	char code[INVITE_CODE_LEN + 1], *status;
	int64_t r = add_resident(fx.c1, "周九", 0), uid, cid;

	issue(&a, fx.c1, r, 14, T0);
	issue(&b, fx.c1, r, 14, T0 + 5);
	assert_string_not_equal(a.code, b.code);
	status = inv_column(a.id, 2);
	assert_string_equal(status, "revoked");
	free(status);
	assert_int_equal(invite_code_of(fx.db, code, fx.c1, a.id, T0 + 6, &e), -1);
	assert_int_equal(e.code, ERR_CONFLICT);
	err_clear(&e);
	assert_int_equal(invite_claim(fx.db, &uid, &cid, a.code, "zhou.jiu", "password-123", "10.0.0.2",
				      T0 + 6, &e), -1);
	assert_non_null(strstr(e.message, "revoked"));
	/* revoking the pending one by hand; then it is no longer pending */
	err_clear(&e);
	assert_int_equal(invite_revoke(fx.db, fx.c2, b.id, 0, "test", NULL, T0 + 7, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	err_clear(&e);
	assert_int_equal(invite_revoke(fx.db, fx.c1, b.id, 0, "test", NULL, T0 + 7, &e), 0);
	assert_int_equal(invite_revoke(fx.db, fx.c1, b.id, 0, "test", NULL, T0 + 8, &e), -1);
	assert_int_equal(e.code, ERR_CONFLICT);
}

static void test_throttle(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	int64_t uid, cid;
	int64_t now = time_now(); /* the audit log stamps entries with the clock */
	for (int i = 0; i < INVITE_FAIL_PER_ADDRESS; i++) {
		err_clear(&e);
		assert_int_equal(invite_claim(fx.db, &uid, &cid, "2222-3333-44", "who", "password-123",
					      "10.9.9.9", now, &e), -1);
		assert_int_equal(e.code, ERR_NOT_FOUND);
	}
	err_clear(&e);
	assert_int_equal(invite_claim(fx.db, &uid, &cid, "2222-3333-44", "who", "password-123",
				      "10.9.9.9", now, &e), -1);
	assert_int_equal(e.code, ERR_RATE_LIMITED);
	/* another address is not held back */
	err_clear(&e);
	assert_int_equal(invite_claim(fx.db, &uid, &cid, "2222-3333-44", "who", "password-123",
				      "10.9.9.8", now, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
}

static void test_person_export(void **state)
{
	(void)state;
	struct invite_new old, inv;
	struct err e = ERR_INIT;
	int64_t r = add_resident(fx.c1, "吴十", fx.dwelling), uid, cid;
	json_t *out = json_object(), *acc;
	char *text;

	issue(&old, fx.c1, r, 14, T0);
	issue(&inv, fx.c1, r, 14, T0 + 1);
	assert_int_equal(invite_claim(fx.db, &uid, &cid, inv.code, "wu.shi", "password-123", NULL,
				      T0 + 2, &e), 0);
	assert_int_equal(account_person_export(fx.db, out, fx.c1, r, &e), 0);
	acc = json_object_get(out, "account");
	assert_non_null(acc);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(acc, "link"), "user_id")), uid);
	json_t *invs = json_object_get(acc, "invitations");
	assert_int_equal(json_array_size(invs), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(invs, 0), "status")), "revoked");
	assert_string_equal(json_string_value(json_object_get(json_array_get(invs, 1), "status")), "used");
	text = json_dumps(out, 0);
	assert_null(strstr(text, inv.code));
	assert_null(strstr(text, old.code));
	assert_null(strstr(text, "hash"));
	assert_null(strstr(text, "nonce"));
	assert_null(strstr(text, "argon2"));
	free(text);
	json_decref(out);
	/* nobody: an empty link and lists */
	out = json_object();
	assert_int_equal(account_person_export(fx.db, out, fx.c2, r, &e), 0);
	acc = json_object_get(out, "account");
	assert_true(json_is_null(json_object_get(acc, "link")));
	assert_int_equal(json_array_size(json_object_get(acc, "invitations")), 0);
	json_decref(out);
}

/* The SVG draws exactly libqrencode's dark modules, offset by the quiet
 * zone, and is one well-formed <svg> element. */
static void test_qr_svg(void **state)
{
	(void)state;
	const char *url = "https://linli.example.cn/#/claim/ABCDEFGH23";
	struct strbuf sb;
	struct err e = ERR_INIT;
	QRcode *q = QRcode_encodeString(url, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	int w, n;
	char head[128];
	bool *drawn;

	assert_non_null(q);
	w = q->width;
	n = w + 2 * QR_QUIET;
	strbuf_init(&sb);
	assert_int_equal(qr_svg(&sb, url, &e), 0);
	snprintf(head, sizeof(head), "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\"", n, n);
	assert_non_null(strstr(sb.buf, head));
	assert_int_equal(strncmp(sb.buf, "<?xml", 5), 0);
	assert_string_equal(sb.buf + sb.len - 7, "</svg>\n");
	assert_null(strstr(sb.buf, "<script"));
	/* read the path back */
	drawn = calloc((size_t)(n * n), sizeof(bool));
	const char *p = strstr(sb.buf, " d=\"") + 4;
	while (*p == 'M') {
		int x, y, run, run2, used;
		assert_int_equal(sscanf(p, "M%d %dh%dv1h-%dz%n", &x, &y, &run, &run2, &used), 4);
		assert_int_equal(run, run2);
		for (int i = 0; i < run; i++)
			drawn[y * n + x + i] = true;
		p += used;
	}
	assert_int_equal(strncmp(p, "\"/></svg>", 9), 0);
	for (int y = 0; y < n; y++)
		for (int x = 0; x < n; x++) {
			bool in = x >= QR_QUIET && y >= QR_QUIET && x < QR_QUIET + w && y < QR_QUIET + w;
			bool want = in && (q->data[(y - QR_QUIET) * w + (x - QR_QUIET)] & 1);
			assert_int_equal(drawn[y * n + x], want);
		}
	/* the top-left finder pattern: a dark 7x7 ring */
	for (int i = 0; i < 7; i++) {
		assert_true(drawn[QR_QUIET * n + QR_QUIET + i]);
		assert_true(drawn[(QR_QUIET + i) * n + QR_QUIET]);
	}
	free(drawn);
	QRcode_free(q);
	strbuf_release(&sb);
	/* limits */
	strbuf_init(&sb);
	assert_int_equal(qr_svg(&sb, "", &e), -1);
	assert_int_equal(e.code, ERR_INVALID);
	assert_int_equal(sb.len, 0);
	strbuf_release(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_code_format),
		cmocka_unit_test(test_code_spread),
		cmocka_unit_test(test_hash_only),
		cmocka_unit_test(test_expiry_boundary_and_single_use),
		cmocka_unit_test(test_reissue_revokes),
		cmocka_unit_test(test_throttle),
		cmocka_unit_test(test_person_export),
		cmocka_unit_test(test_qr_svg),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
