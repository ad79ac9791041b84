/*
 * test_auth.c - roles, access checks, accounts, sessions and the audit
 * log (src/auth/auth.c, src/auth/audit.c).
 *
 * The access functions are pure over a principal's grants, so they are
 * tested as a table: each role against its own community, another
 * community of the same street, and another street.  Accounts and
 * sessions run against a temporary SQLite file migrated with
 * auth_migrations.  Password hashing (argon2id, 64 MiB) takes about 0.3 s
 * per call under the sanitizers, so the tests share one database and a few
 * users, and each hashes only what it must; validation failures are
 * checked to return before hashing (they are cheap).  The audit log is
 * tampered with through raw SQL on a database of its own.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "auth/auth.h"
#include "core/timeutil.h"

#include "testutil.h"

#include <string.h>

static struct {
	char *dir;
	struct store *db;
	struct store *aux; /* an audit test's own database */
	int64_t alice;
} fx;

static const char alice_pw[] = "correct horse 电池";
static const char *const ip = "192.0.2.10";

static int group_setup(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	char p[4200];
	struct grant g = { ROLE_WORKER, SCOPE_COMMUNITY, 7, 7, 3 };

	if (!(fx.dir = tmpdir_make()))
		return -1;
	tmpdir_path(p, sizeof(p), fx.dir, "auth.sqlite");
	if (store_open(&fx.db, p, NULL, &e) < 0 ||
	    store_migrate(fx.db, auth_migrations, auth_migrations_n, NULL, &e) < 0 ||
	    auth_user_add(fx.db, &fx.alice, "alice", "爱丽丝", alice_pw, "test", &e) < 0 ||
	    auth_grant(fx.db, fx.alice, &g, "test", &e) < 0) {
		fprintf(stderr, "setup: %s\n", e.message);
		return -1;
	}
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	store_close(fx.db);
	tmpdir_remove(fx.dir);
	return 0;
}

/* ---- names and the role/scope table ---- */

static void test_names_round_trip(void **state)
{
	(void)state;
	static const char *const roles[ROLE_COUNT] = {
		"admin", "street", "worker", "grid", "lead", "volunteer", "resident", "expert",
	};
	static const char *const scopes[SCOPE_COUNT] = {
		"platform", "street", "community", "grid", "building",
	};
	for (int r = 0; r < ROLE_COUNT; r++) {
		assert_string_equal(role_name((enum role)r), roles[r]);
		assert_int_equal(role_parse(roles[r]), r);
	}
	for (int s = 0; s < SCOPE_COUNT; s++) {
		assert_string_equal(scope_name((enum scope)s), scopes[s]);
		assert_int_equal(scope_parse(scopes[s]), s);
	}
	assert_string_equal(role_name(ROLE_COUNT), "?");
	assert_string_equal(scope_name(SCOPE_COUNT), "?");
	assert_int_equal(role_parse("Admin"), -1);
	assert_int_equal(role_parse(""), -1);
	assert_int_equal(role_parse("admin "), -1);
	assert_int_equal(scope_parse("community_"), -1);
	assert_int_equal(scope_parse("?"), -1);
}

static void test_role_scope_table(void **state)
{
	(void)state;
	/* rows: roles; columns: platform street community grid building */
	static const bool ok[ROLE_COUNT][SCOPE_COUNT] = {
		[ROLE_ADMIN] = { 1, 0, 0, 0, 0 },
		[ROLE_STREET] = { 0, 1, 0, 0, 0 },
		[ROLE_WORKER] = { 0, 0, 1, 0, 0 },
		[ROLE_GRID] = { 0, 0, 0, 1, 0 },
		[ROLE_LEAD] = { 0, 0, 0, 0, 1 },
		[ROLE_VOLUNTEER] = { 0, 1, 1, 1, 1 },
		[ROLE_RESIDENT] = { 0, 1, 1, 1, 1 },
		[ROLE_EXPERT] = { 1, 1, 1, 1, 1 },
	};
	for (int r = 0; r < ROLE_COUNT; r++)
		for (int s = 0; s < SCOPE_COUNT; s++)
			if (role_scope_ok((enum role)r, (enum scope)s) != ok[r][s])
				fail_msg("role_scope_ok(%s, %s) != %d", role_name((enum role)r),
					 scope_name((enum scope)s), ok[r][s]);
	assert_false(role_scope_ok(ROLE_COUNT, SCOPE_PLATFORM));
}

/* ---- access from grants ---- */

/* Community 7 and 8 lie in street 3; community 9 in street 4. */
static struct principal one(struct grant *g, enum role r, enum scope s, int64_t scope_id,
			    int64_t community, int64_t street)
{
	*g = (struct grant){ r, s, scope_id, community, street };
	return (struct principal){ .user_id = 1, .username = "u", .grants = g, .ngrants = 1 };
}

struct access_case {
	enum role role;
	enum scope scope;
	int64_t scope_id, community, street;
	/* reads 7, reads 8, reads 9, changes 7, changes 8, changes 9,
	 * changes street 3, changes street 4 */
	bool want[8];
};

static void test_access_table(void **state)
{
	(void)state;
	static const struct access_case cases[] = {
		{ ROLE_ADMIN, SCOPE_PLATFORM, 0, 0, 0, { 1, 1, 1, 1, 1, 1, 1, 1 } },
		{ ROLE_STREET, SCOPE_STREET, 3, 0, 3, { 1, 1, 0, 1, 1, 0, 1, 0 } },
		{ ROLE_WORKER, SCOPE_COMMUNITY, 7, 7, 3, { 1, 0, 0, 1, 0, 0, 0, 0 } },
		{ ROLE_GRID, SCOPE_GRID, 70, 7, 3, { 1, 0, 0, 0, 0, 0, 0, 0 } },
		{ ROLE_LEAD, SCOPE_BUILDING, 700, 7, 3, { 1, 0, 0, 0, 0, 0, 0, 0 } },
		{ ROLE_VOLUNTEER, SCOPE_COMMUNITY, 7, 7, 3, { 0, 0, 0, 0, 0, 0, 0, 0 } },
		{ ROLE_RESIDENT, SCOPE_BUILDING, 700, 7, 3, { 0, 0, 0, 0, 0, 0, 0, 0 } },
		{ ROLE_EXPERT, SCOPE_COMMUNITY, 7, 7, 3, { 0, 0, 0, 0, 0, 0, 0, 0 } },
		{ ROLE_EXPERT, SCOPE_PLATFORM, 0, 0, 0, { 0, 0, 0, 0, 0, 0, 0, 0 } },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct access_case *c = &cases[i];
		struct grant g;
		struct principal p = one(&g, c->role, c->scope, c->scope_id, c->community, c->street);
		bool got[8] = {
			auth_reads_community(&p, 7, 3),   auth_reads_community(&p, 8, 3),
			auth_reads_community(&p, 9, 4),   auth_changes_community(&p, 7, 3),
			auth_changes_community(&p, 8, 3), auth_changes_community(&p, 9, 4),
			auth_changes_street(&p, 3),       auth_changes_street(&p, 4),
		};
		for (int k = 0; k < 8; k++)
			if (got[k] != c->want[k])
				fail_msg("%s over %s: check %d gave %d", role_name(c->role),
					 scope_name(c->scope), k, got[k]);
	}
}

static void test_access_edges(void **state)
{
	(void)state;
	struct grant g;
	struct principal p;

	/* no principal, no grants */
	assert_false(auth_reads_community(NULL, 7, 3));
	assert_false(auth_changes_community(NULL, 7, 3));
	assert_false(auth_changes_street(NULL, 3));
	assert_false(auth_is_staff(NULL));
	assert_false(auth_has_role(NULL, ROLE_ADMIN));
	struct principal none = { .user_id = 1 };
	assert_false(auth_reads_community(&none, 7, 3));
	assert_false(auth_is_staff(&none));

	/* a street officer asked about a community said to be in another
	 * street: the street given decides */
	p = one(&g, ROLE_STREET, SCOPE_STREET, 3, 0, 3);
	assert_false(auth_reads_community(&p, 7, 4));
	/* community 0 / street 0 never match a grant's zero */
	assert_false(auth_reads_community(&p, 0, 0));
	p = one(&g, ROLE_WORKER, SCOPE_COMMUNITY, 7, 7, 3);
	assert_false(auth_reads_community(&p, 0, 3));

	/* several grants: the strongest applies */
	struct grant gs[2] = {
		{ ROLE_RESIDENT, SCOPE_BUILDING, 900, 9, 4 },
		{ ROLE_GRID, SCOPE_GRID, 90, 9, 4 },
	};
	struct principal two = { .user_id = 2, .grants = gs, .ngrants = 2 };
	assert_true(auth_reads_community(&two, 9, 4));
	assert_false(auth_changes_community(&two, 9, 4));
	assert_false(auth_reads_community(&two, 7, 3));
	assert_true(auth_is_staff(&two));
	assert_true(auth_has_role(&two, ROLE_RESIDENT));
	assert_true(auth_has_role(&two, ROLE_GRID));
	assert_false(auth_has_role(&two, ROLE_WORKER));

	/* staff are admin .. lead */
	for (int r = 0; r < ROLE_COUNT; r++) {
		p = one(&g, (enum role)r, SCOPE_COMMUNITY, 7, 7, 3);
		assert_int_equal(auth_is_staff(&p), r <= ROLE_LEAD);
	}
}

/* ---- account checks (no hashing) ---- */

static void test_check_username(void **state)
{
	(void)state;
	static const char *const good[] = {
		"ab", "alice", "a1", "wang.fang", "li_lei-2", "abcdefghijklmnopqrstuvwxyz012345",
	};
	static const char *const bad[] = {
		"", "a", "Alice", "1abc", "_abc", ".ab", "ab c", "ab@c", "王芳", "abC",
		"abcdefghijklmnopqrstuvwxyz0123456", /* 33 */
	};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		struct err e = ERR_INIT;
		if (auth_check_username(good[i], &e) != 0)
			fail_msg("refused %s: %s", good[i], e.message);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct err e = ERR_INIT;
		if (auth_check_username(bad[i], &e) != -1)
			fail_msg("accepted \"%s\"", bad[i]);
		assert_int_equal(e.code, ERR_INVALID);
		assert_string_equal(e.field, "username");
	}
}

static void test_check_password(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	char long_pw[200];

	assert_int_equal(auth_check_password("1234567", &e), -1);
	assert_int_equal(e.code, ERR_INVALID);
	assert_string_equal(e.field, "password");
	err_clear(&e);
	assert_int_equal(auth_check_password("12345678", &e), 0);
	/* characters, not bytes: 7 Chinese characters are 21 bytes */
	assert_int_equal(auth_check_password("一二三四五六七", &e), -1);
	err_clear(&e);
	assert_int_equal(auth_check_password("一二三四五六七八", &e), 0);
	assert_int_equal(auth_check_password("", &e), -1);
	err_clear(&e);

	memset(long_pw, 'x', 128);
	long_pw[128] = '\0';
	assert_int_equal(auth_check_password(long_pw, &e), 0);
	long_pw[128] = 'x';
	long_pw[129] = '\0';
	assert_int_equal(auth_check_password(long_pw, &e), -1);
	err_clear(&e);

	assert_int_equal(auth_check_password("abcdefg\xff", &e), -1);
	assert_string_equal(e.field, "password");
}

static void test_user_add_validation(void **state)
{
	(void)state;
	int64_t id = -1;
	struct err e = ERR_INIT;
	char display[300] = "";

	assert_int_equal(auth_user_add(fx.db, &id, "X", NULL, "long enough pw", NULL, &e), -1);
	assert_int_equal(e.code, ERR_INVALID);
	assert_string_equal(e.field, "username");

	err_clear(&e);
	assert_int_equal(auth_user_add(fx.db, &id, "bob", NULL, "1234567", NULL, &e), -1);
	assert_int_equal(e.code, ERR_INVALID);
	assert_string_equal(e.field, "password");

	err_clear(&e);
	for (int i = 0; i < 65; i++)
		strcat(display, "名");
	assert_int_equal(auth_user_add(fx.db, &id, "bob", display, "12345678", NULL, &e), -1);
	assert_int_equal(e.code, ERR_INVALID);
	assert_string_equal(e.field, "display_name");

	err_clear(&e);
	assert_int_equal(auth_user_add(fx.db, &id, "bob", "bad \xc0\x80", "12345678", NULL, &e), -1);
	assert_string_equal(e.field, "display_name");

	/* none of them created the user */
	err_clear(&e);
	assert_int_equal(auth_user_find(fx.db, &id, "bob", &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	assert_int_equal(id, -1);
}

static void test_user_find(void **state)
{
	(void)state;
	int64_t id = 0;
	struct err e = ERR_INIT;
	assert_int_equal(auth_user_find(fx.db, &id, "alice", &e), 0);
	assert_int_equal(id, fx.alice);
	assert_true(fx.alice > 0);
	assert_int_equal(auth_user_find(fx.db, &id, "alic", &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	assert_string_equal(e.field, "username");
}

static void test_user_add_duplicate(void **state)
{
	(void)state;
	int64_t id = -1;
	struct err e = ERR_INIT;
	assert_int_equal(auth_user_add(fx.db, &id, "alice", NULL, "another password", NULL, &e), -1);
	assert_int_equal(e.code, ERR_CONFLICT);
	assert_string_equal(e.field, "username");
	assert_non_null(strstr(e.message, "alice"));
	assert_false(store_in_tx(fx.db));
}

static void test_grant_rules(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	struct grant bad = { ROLE_WORKER, SCOPE_PLATFORM, 0, 0, 0 };
	assert_int_equal(auth_grant(fx.db, fx.alice, &bad, NULL, &e), -1);
	assert_int_equal(e.code, ERR_INVALID);
	assert_string_equal(e.field, "scope");

	err_clear(&e);
	struct grant dup = { ROLE_WORKER, SCOPE_COMMUNITY, 7, 7, 3 };
	assert_int_equal(auth_grant(fx.db, fx.alice, &dup, NULL, &e), -1);
	assert_int_equal(e.code, ERR_CONFLICT);
	assert_false(store_in_tx(fx.db));

	/* a grant for a user that does not exist violates the foreign key */
	err_clear(&e);
	struct grant g = { ROLE_RESIDENT, SCOPE_BUILDING, 1, 7, 3 };
	assert_int_equal(auth_grant(fx.db, 999999, &g, NULL, &e), -1);
	assert_int_equal(e.code, ERR_CONFLICT);
}

/* ---- login, sessions ---- */

static void test_login_success(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	struct err e = ERR_INIT;
	struct session_new s;
	const struct principal *p = NULL;
	int64_t before = time_now();

	assert_int_equal(auth_login(fx.db, &s, &p, "alice", alice_pw, ip, &a, &e), 0);
	assert_int_equal(e.code, ERR_NONE);
	assert_non_null(p);
	assert_int_equal(p->user_id, fx.alice);
	assert_true(p->session_id > 0); /* the principal of the new session */
	assert_string_equal(p->username, "alice");
	assert_string_equal(p->display_name, "爱丽丝");
	assert_int_equal(p->ngrants, 1);
	assert_int_equal(p->grants[0].role, ROLE_WORKER);
	assert_int_equal(p->grants[0].scope, SCOPE_COMMUNITY);
	assert_int_equal(p->grants[0].scope_id, 7);
	assert_int_equal(p->grants[0].community_id, 7);
	assert_int_equal(p->grants[0].street_id, 3);
	assert_true(auth_changes_community(p, 7, 3));
	/* 32 random bytes in unpadded base64url: 43 characters */
	assert_int_equal(strlen(s.token), 43);
	assert_int_equal(strlen(s.csrf), 43);
	assert_string_not_equal(s.token, s.csrf);
	assert_true(s.expires_at >= before + AUTH_SESSION_SECONDS);
	assert_true(s.expires_at <= time_now() + AUTH_SESSION_SECONDS);
	assert_false(store_in_tx(fx.db));
	arena_release(&a);
}

static void test_login_wrong_and_unknown_look_alike(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	struct err wrong = ERR_INIT, unknown = ERR_INIT;
	struct session_new s;
	const struct principal *p = (const struct principal *)&fx;

	assert_int_equal(auth_login(fx.db, &s, &p, "alice", "not the password", ip, &a, &wrong), -1);
	assert_null(p);
	assert_int_equal(wrong.code, ERR_UNAUTHORIZED);

	p = (const struct principal *)&fx;
	assert_int_equal(auth_login(fx.db, &s, &p, "nobody", "whatever pw", ip, &a, &unknown), -1);
	assert_null(p);
	assert_int_equal(unknown.code, ERR_UNAUTHORIZED);
	assert_string_equal(unknown.message, wrong.message);
	assert_string_equal(unknown.field, wrong.field);

	/* both failures are in the audit log, by name */
	int64_t n = 0;
	struct err e = ERR_INIT;
	assert_int_equal(audit_count_since(fx.db, &n, "login.failed", "alice", false, 0, &e), 0);
	assert_int_equal(n, 1);
	assert_int_equal(audit_count_since(fx.db, &n, "login.failed", "nobody", false, 0, &e), 0);
	assert_int_equal(n, 1);
	assert_int_equal(audit_count_since(fx.db, &n, "login.failed", ip, true, 0, &e), 0);
	assert_int_equal(n, 2);
	arena_release(&a);
}

static void test_login_rate_limited(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	struct err e = ERR_INIT;
	struct session_new s;
	const struct principal *p = NULL;
	int64_t carol;
	const char *other_ip = "198.51.100.7";

	assert_int_equal(auth_user_add(fx.db, &carol, "carol", NULL, "carol's password", NULL, &e), 0);
	for (int i = 0; i < AUTH_FAIL_PER_USER; i++) {
		err_clear(&e);
		assert_int_equal(auth_login(fx.db, &s, &p, "carol", "wrong guess", other_ip, &a, &e), -1);
		if (e.code != ERR_UNAUTHORIZED)
			fail_msg("attempt %d: %s (%s)", i + 1, err_code_name(e.code), e.message);
	}
	/* the sixth attempt, even with the right password */
	err_clear(&e);
	assert_int_equal(auth_login(fx.db, &s, &p, "carol", "carol's password", other_ip, &a, &e), -1);
	assert_int_equal(e.code, ERR_RATE_LIMITED);
	assert_null(p);
	/* from another address too: the limit is per account */
	err_clear(&e);
	assert_int_equal(auth_login(fx.db, &s, &p, "carol", "carol's password", "203.0.113.1", &a, &e), -1);
	assert_int_equal(e.code, ERR_RATE_LIMITED);

	/* another account from the same address is not affected */
	err_clear(&e);
	assert_int_equal(auth_login(fx.db, &s, &p, "alice", alice_pw, other_ip, &a, &e), 0);
	assert_non_null(p);
	arena_release(&a);
}

static void test_session_load_and_logout(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	struct err e = ERR_INIT;
	struct session_new s;
	const struct principal *p = NULL, *loaded = NULL;
	const char *csrf = NULL;

	assert_int_equal(auth_login(fx.db, &s, &p, "alice", alice_pw, ip, &a, &e), 0);

	assert_int_equal(auth_session_load(fx.db, &loaded, &csrf, s.token, &a, &e), 0);
	assert_non_null(loaded);
	assert_true(loaded->session_id > 0);
	assert_int_equal(loaded->user_id, fx.alice);
	assert_string_equal(loaded->username, "alice");
	assert_string_equal(loaded->display_name, "爱丽丝");
	assert_string_equal(csrf, s.csrf);
	assert_int_equal(loaded->ngrants, 1);
	assert_int_equal(loaded->grants[0].role, ROLE_WORKER);
	assert_int_equal(loaded->grants[0].community_id, 7);

	/* a wrong token: no principal, and no error */
	const struct principal *none = (const struct principal *)&fx;
	char wrong[48];
	snprintf(wrong, sizeof(wrong), "%s", s.token);
	wrong[0] = wrong[0] == 'A' ? 'B' : 'A';
	assert_int_equal(auth_session_load(fx.db, &none, &csrf, wrong, &a, &e), 0);
	assert_null(none);
	none = (const struct principal *)&fx;
	assert_int_equal(auth_session_load(fx.db, &none, &csrf, "", &a, &e), 0);
	assert_null(none);
	assert_int_equal(e.code, ERR_NONE);

	/* logout ends exactly this session */
	assert_int_equal(auth_logout(fx.db, loaded, ip, &e), 0);
	none = (const struct principal *)&fx;
	assert_int_equal(auth_session_load(fx.db, &none, &csrf, s.token, &a, &e), 0);
	assert_null(none);
	assert_false(store_in_tx(fx.db));
	arena_release(&a);
}

static void test_many_grants_and_passwd_ends_sessions(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	struct err e = ERR_INIT;
	struct session_new s;
	const struct principal *p = NULL, *loaded = NULL;
	const char *csrf = NULL;
	int64_t dave;

	assert_int_equal(auth_user_add(fx.db, &dave, "dave", "", "dave's password", NULL, &e), 0);
	/* more grants than the first allocation holds (4) */
	for (int64_t b = 1; b <= 6; b++) {
		struct grant g = { ROLE_LEAD, SCOPE_BUILDING, 100 + b, 7, 3 };
		assert_int_equal(auth_grant(fx.db, dave, &g, "test", &e), 0);
	}
	assert_int_equal(auth_login(fx.db, &s, &p, "dave", "dave's password", ip, &a, &e), 0);
	assert_string_equal(p->display_name, "dave"); /* empty display name: the username */
	assert_int_equal(p->ngrants, 6);
	for (size_t i = 0; i < 6; i++)
		assert_int_equal(p->grants[i].scope_id, 101 + (int64_t)i);
	assert_int_equal(auth_session_load(fx.db, &loaded, &csrf, s.token, &a, &e), 0);
	assert_non_null(loaded);
	assert_int_equal(loaded->ngrants, 6);
	for (size_t i = 0; i < 6; i++) {
		assert_int_equal(loaded->grants[i].role, ROLE_LEAD);
		assert_int_equal(loaded->grants[i].scope_id, 101 + (int64_t)i);
	}

	/* a new password ends every session of the user */
	assert_int_equal(auth_user_passwd(fx.db, "dave", "a new password", "test", &e), 0);
	loaded = (const struct principal *)&fx;
	assert_int_equal(auth_session_load(fx.db, &loaded, &csrf, s.token, &a, &e), 0);
	assert_null(loaded);
	/* and refuses what add refuses */
	assert_int_equal(auth_user_passwd(fx.db, "dave", "short", "test", &e), -1);
	assert_string_equal(e.field, "password");
	err_clear(&e);
	assert_int_equal(auth_user_passwd(fx.db, "nobody", "long enough", "test", &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	arena_release(&a);
}

static void test_every_change_was_audited(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	int64_t n = 0, bad = -1, count = 0;
	assert_int_equal(audit_count_since(fx.db, &n, "user.add", "alice", false, 0, &e), 0);
	assert_int_equal(n, 1);
	char subject[32];
	snprintf(subject, sizeof(subject), "user:%lld", (long long)fx.alice);
	assert_int_equal(audit_count_since(fx.db, &n, "grant.add", subject, false, 0, &e), 0);
	assert_int_equal(n, 1);
	assert_int_equal(audit_count_since(fx.db, &n, "login", "alice", false, 0, &e), 0);
	assert_true(n >= 2);
	assert_int_equal(audit_count_since(fx.db, &n, "logout", "alice", false, 0, &e), 0);
	assert_int_equal(n, 1);
	/* entries before since are not counted */
	assert_int_equal(audit_count_since(fx.db, &n, "login", "alice", false, time_now() + 86400, &e), 0);
	assert_int_equal(n, 0);
	assert_int_equal(audit_verify(fx.db, &count, &bad, &e), 0);
	assert_int_equal(bad, 0);
	assert_true(count > 10);
}

/* ---- the audit chain, on a database of its own ---- */

/* Closes the audit test's database, also after a failed assertion. */
static int aux_teardown(void **state)
{
	(void)state;
	store_close(fx.aux);
	fx.aux = NULL;
	return 0;
}

/* A new database with three entries; owned by fx.aux. */
static struct store *audit_db(const char *name)
{
	struct err e = ERR_INIT;
	struct store *db = NULL;
	char p[4200];
	aux_teardown(NULL);
	tmpdir_path(p, sizeof(p), fx.dir, name);
	assert_int_equal(store_open(&db, p, NULL, &e), 0);
	fx.aux = db;
	assert_int_equal(store_migrate(db, auth_migrations, auth_migrations_n, NULL, &e), 0);
	assert_int_equal(audit_append(db, 1, "admin", "a.one", "s1", 7, "127.0.0.1", "first", &e), 0);
	assert_int_equal(audit_append(db, 2, "王", "a.two", "s2", 0, NULL, "第二", &e), 0);
	assert_int_equal(audit_append(db, 0, NULL, "a.three", NULL, 0, NULL, NULL, &e), 0);
	return db;
}

static void test_audit_intact_then_tampered(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	int64_t count = -1, bad = -1;
	struct store *db = audit_db("audit1.sqlite");

	assert_int_equal(audit_verify(db, &count, &bad, &e), 0);
	assert_int_equal(count, 3);
	assert_int_equal(bad, 0);

	assert_int_equal(store_exec(db, "UPDATE audit_log SET detail='x' WHERE id=2", &e), 0);
	assert_int_equal(audit_verify(db, &count, &bad, &e), 0);
	assert_int_equal(bad, 2);
	assert_int_equal(count, 2);
}

static void test_audit_deleted_and_appended_entries(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	int64_t count = -1, bad = -1;
	struct store *db = audit_db("audit2.sqlite");

	/* deleting an entry breaks the link of the next one */
	assert_int_equal(store_exec(db, "DELETE FROM audit_log WHERE id=2", &e), 0);
	assert_int_equal(audit_verify(db, &count, &bad, &e), 0);
	assert_int_equal(bad, 3);

	/* a forged entry appended with a made-up hash */
	db = audit_db("audit3.sqlite");
	assert_int_equal(store_exec(db,
				    "INSERT INTO audit_log (at, action, prev_hash, hash)"
				    " SELECT at, 'forged', hash, hash FROM audit_log WHERE id=3",
				    &e),
			 0);
	assert_int_equal(audit_verify(db, &count, &bad, &e), 0);
	assert_int_equal(bad, 4);
	/* a changed time, and a changed actor id */
	assert_int_equal(store_exec(db, "DELETE FROM audit_log WHERE id=4", &e), 0);
	assert_int_equal(store_exec(db, "UPDATE audit_log SET at = at + 1 WHERE id=1", &e), 0);
	assert_int_equal(audit_verify(db, &count, &bad, &e), 0);
	assert_int_equal(bad, 1);

	db = audit_db("audit4.sqlite");
	assert_int_equal(store_exec(db, "UPDATE audit_log SET actor_id = 3 WHERE id=2", &e), 0);
	assert_int_equal(audit_verify(db, &count, &bad, &e), 0);
	assert_int_equal(bad, 2);
}

/*
 * audit.c: "each field written as its length and bytes so that no two
 * different entries serialise alike", and "changing ... an entry breaks
 * the chain".  A NULL text field and an empty one serialise alike
 * (put() writes "0:" for both), as do a NULL and a 0 integer; so a row
 * can be changed without the chain noticing.
 */
static void test_audit_null_and_empty_differ(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	int64_t count = -1, bad = -1;
	struct store *db = audit_db("audit5.sqlite");

	/* entry 3 has detail NULL */
	assert_int_equal(store_exec(db, "UPDATE audit_log SET detail='' WHERE id=3", &e), 0);
	assert_int_equal(audit_verify(db, &count, &bad, &e), 0);
	assert_int_equal(bad, 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names_round_trip),
		cmocka_unit_test(test_role_scope_table),
		cmocka_unit_test(test_access_table),
		cmocka_unit_test(test_access_edges),
		cmocka_unit_test(test_check_username),
		cmocka_unit_test(test_check_password),
		cmocka_unit_test(test_user_add_validation),
		cmocka_unit_test(test_user_find),
		cmocka_unit_test(test_user_add_duplicate),
		cmocka_unit_test(test_grant_rules),
		cmocka_unit_test(test_login_success),
		cmocka_unit_test(test_login_wrong_and_unknown_look_alike),
		cmocka_unit_test(test_login_rate_limited),
		cmocka_unit_test(test_session_load_and_logout),
		cmocka_unit_test(test_many_grants_and_passwd_ends_sessions),
		cmocka_unit_test(test_every_change_was_audited),
		cmocka_unit_test_teardown(test_audit_intact_then_tampered, aux_teardown),
		cmocka_unit_test_teardown(test_audit_deleted_and_appended_entries, aux_teardown),
		cmocka_unit_test_teardown(test_audit_null_and_empty_differ, aux_teardown),
	};
	return cmocka_run_group_tests_name("auth", tests, group_setup, group_teardown);
}
