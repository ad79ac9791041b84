/*
 * auth.c - accounts, grants, passwords and sessions (see auth.h).
 */
#include "auth/auth.h"

#include "core/log.h"
#include "core/timeutil.h"
#include "core/utf8.h"

#include <assert.h>
#include <pthread.h>
#include <stdatomic.h>
#include <semaphore.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

static const char sql_user_insert[] =
	"INSERT INTO users (username, display_name, password_hash, created_at) VALUES (?, ?, ?, ?)"
	" RETURNING id";
static const char sql_user_find[] = "SELECT id FROM users WHERE username = ?";
static const char sql_user_login[] =
	"SELECT id, password_hash FROM users WHERE username = ? AND disabled = 0";
static const char sql_user_passwd[] = "UPDATE users SET password_hash = ? WHERE username = ?";
static const char sql_sessions_end_user[] =
	"DELETE FROM sessions WHERE user_id = (SELECT id FROM users WHERE username = ?)";
static const char sql_grant_insert[] =
	"INSERT INTO grants (user_id, role, scope, scope_id, community_id, street_id, created_at)"
	" VALUES (?, ?, ?, ?, ?, ?, ?)";
static const char sql_session_insert[] =
	"INSERT INTO sessions (token_hash, user_id, csrf, ip, created_at, expires_at)"
	" VALUES (?, ?, ?, ?, ?, ?)";
static const char sql_session_expire[] = "DELETE FROM sessions WHERE expires_at <= ?";
static const char sql_session_load[] =
	"SELECT s.id, s.user_id, s.csrf, u.username, u.display_name,"
	" g.role, g.scope, g.scope_id, g.community_id, g.street_id, s.expires_at"
	" FROM sessions s JOIN users u ON u.id = s.user_id"
	" LEFT JOIN grants g ON g.user_id = u.id"
	" WHERE s.token_hash = ? AND s.expires_at > ? AND u.disabled = 0 ORDER BY g.id";
static const char sql_session_delete[] = "DELETE FROM sessions WHERE id = ?";

static void cache_invalidate(void);

static const char *const role_names[ROLE_COUNT] = {
	"admin", "street", "worker", "grid", "lead", "volunteer", "resident", "expert",
};
static const char *const scope_names[SCOPE_COUNT] = {
	"platform", "street", "community", "grid", "building",
};

const char *role_name(enum role r)
{
	return (unsigned)r < ROLE_COUNT ? role_names[r] : "?";
}

const char *scope_name(enum scope s)
{
	return (unsigned)s < SCOPE_COUNT ? scope_names[s] : "?";
}

int role_parse(const char *name)
{
	for (int i = 0; i < ROLE_COUNT; i++)
		if (!strcmp(name, role_names[i]))
			return i;
	return -1;
}

int scope_parse(const char *name)
{
	for (int i = 0; i < SCOPE_COUNT; i++)
		if (!strcmp(name, scope_names[i]))
			return i;
	return -1;
}

bool role_scope_ok(enum role r, enum scope s)
{
	switch (r) {
	case ROLE_ADMIN:
		return s == SCOPE_PLATFORM;
	case ROLE_STREET:
		return s == SCOPE_STREET;
	case ROLE_WORKER:
		return s == SCOPE_COMMUNITY;
	case ROLE_GRID:
		return s == SCOPE_GRID;
	case ROLE_LEAD:
		return s == SCOPE_BUILDING;
	case ROLE_EXPERT:
		return true;
	case ROLE_VOLUNTEER:
	case ROLE_RESIDENT:
		return s != SCOPE_PLATFORM;
	default:
		return false;
	}
}

/* ---- access ---- */

bool auth_has_role(const struct principal *p, enum role r)
{
	for (size_t i = 0; p && i < p->ngrants; i++)
		if (p->grants[i].role == r)
			return true;
	return false;
}

bool auth_is_staff(const struct principal *p)
{
	for (size_t i = 0; p && i < p->ngrants; i++)
		if (p->grants[i].role <= ROLE_LEAD)
			return true;
	return false;
}

static bool covers(const struct principal *p, int64_t community_id, int64_t street_id,
		   enum role lowest)
{
	for (size_t i = 0; p && i < p->ngrants; i++) {
		const struct grant *g = &p->grants[i];
		if (g->role > lowest)
			continue;
		if (g->scope == SCOPE_PLATFORM)
			return true;
		if (g->scope == SCOPE_STREET) {
			if (street_id && g->street_id == street_id)
				return true;
			continue;
		}
		if (community_id && g->community_id == community_id)
			return true;
	}
	return false;
}

bool auth_member_of(const struct principal *p, int64_t community_id, int64_t street_id)
{
	return covers(p, community_id, street_id, ROLE_EXPERT);
}

bool auth_reads_community(const struct principal *p, int64_t community_id, int64_t street_id)
{
	return covers(p, community_id, street_id, ROLE_LEAD);
}

bool auth_changes_community(const struct principal *p, int64_t community_id, int64_t street_id)
{
	return covers(p, community_id, street_id, ROLE_WORKER);
}

bool auth_changes_street(const struct principal *p, int64_t street_id)
{
	for (size_t i = 0; p && i < p->ngrants; i++)
		if (p->grants[i].role == ROLE_ADMIN ||
		    (p->grants[i].role == ROLE_STREET && p->grants[i].street_id == street_id))
			return true;
	return false;
}

/* ---- passwords ---- */

static sem_t hash_slots;
static pthread_once_t hash_once = PTHREAD_ONCE_INIT;
static char dummy_hash[crypto_pwhash_STRBYTES];

static void hash_setup(void)
{
	if (sodium_init() < 0) {
		log_error("libsodium failed to initialise");
		abort();
	}
	sem_init(&hash_slots, 0, AUTH_HASH_CONCURRENCY);
}

static void slot_take(void)
{
	pthread_once(&hash_once, hash_setup);
	while (sem_wait(&hash_slots) != 0)
		;
}

static int hash_password(char out[crypto_pwhash_STRBYTES], const char *pw, struct err *e)
{
	int rc;
	slot_take();
	rc = crypto_pwhash_str(out, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
			       crypto_pwhash_MEMLIMIT_INTERACTIVE);
	sem_post(&hash_slots);
	if (rc != 0)
		return err_set(e, ERR_UNAVAILABLE, NULL, "out of memory hashing the password");
	return 0;
}

static bool verify_password(const char *hash, const char *pw)
{
	bool ok;
	slot_take();
	ok = crypto_pwhash_str_verify(hash, pw, strlen(pw)) == 0;
	sem_post(&hash_slots);
	return ok;
}

/* A hash to verify against when the user is unknown, so that both answers
 * take about the same time. */
static const char *dummy(void)
{
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	struct err e = ERR_INIT;
	pthread_mutex_lock(&lock);
	if (!dummy_hash[0])
		hash_password(dummy_hash, "linli-no-such-user", &e);
	pthread_mutex_unlock(&lock);
	return dummy_hash;
}

int auth_check_username(const char *name, struct err *e)
{
	size_t n = strlen(name);
	if (n < 2 || n > 32 || !(name[0] >= 'a' && name[0] <= 'z'))
		return err_set(e, ERR_INVALID, "username",
			       "username must be 2-32 characters starting with a-z");
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
		      c == '-'))
			return err_set(e, ERR_INVALID, "username",
				       "username may hold only a-z, 0-9, _ . -");
	}
	return 0;
}

int auth_check_password(const char *pw, struct err *e)
{
	size_t n = strlen(pw);
	if (!utf8_valid(pw, n))
		return err_set(e, ERR_INVALID, "password", "password must be UTF-8");
	n = utf8_count(pw, n);
	if (n < AUTH_PASSWORD_MIN || n > AUTH_PASSWORD_MAX)
		return err_set(e, ERR_INVALID, "password", "password must have %d to %d characters",
			       AUTH_PASSWORD_MIN, AUTH_PASSWORD_MAX);
	return 0;
}

/* ---- accounts ---- */

int auth_user_add(struct store *db, int64_t *out, const char *username, const char *display_name,
		  const char *password, const char *actor, struct err *e)
{
	char hash[crypto_pwhash_STRBYTES];
	struct stmt *st;
	int rc;

	if (auth_check_username(username, e) < 0 || auth_check_password(password, e) < 0)
		return -1;
	if (!display_name || !*display_name)
		display_name = username;
	if (utf8_count(display_name, strlen(display_name)) > 64 ||
	    !utf8_valid(display_name, strlen(display_name)))
		return err_set(e, ERR_INVALID, "display_name", "display name must be UTF-8, at most 64 characters");
	if (hash_password(hash, password, e) < 0)
		return -1;
	if (store_begin(db, e) < 0)
		return -1;
	if (!(st = store_prepare(db, sql_user_insert, e)))
		goto fail;
	stmt_bind_text(st, 1, username, SIZE_MAX);
	stmt_bind_text(st, 2, display_name, SIZE_MAX);
	stmt_bind_text(st, 3, hash, SIZE_MAX);
	stmt_bind_int(st, 4, time_now());
	rc = stmt_step(st, e);
	if (rc == STORE_ROW)
		*out = stmt_int(st, 0);
	stmt_done(st);
	if (rc != STORE_ROW) {
		if (e->code == ERR_CONFLICT) {
			err_clear(e);
			err_set(e, ERR_CONFLICT, "username", "username %s is taken", username);
		}
		goto fail;
	}
	if (audit_append(db, 0, actor, "user.add", username, 0, NULL, NULL, e) < 0 ||
	    store_commit(db, e) < 0)
		goto fail;
	return 0;
fail:
	store_rollback(db);
	return -1;
}

int auth_user_find(struct store *db, int64_t *out, const char *username, struct err *e)
{
	struct stmt *st = store_prepare(db, sql_user_find, e);
	int rc;
	if (!st)
		return -1;
	stmt_bind_text(st, 1, username, SIZE_MAX);
	rc = stmt_step(st, e);
	if (rc == STORE_ROW)
		*out = stmt_int(st, 0);
	stmt_done(st);
	if (rc == STORE_DONE)
		return err_set(e, ERR_NOT_FOUND, "username", "no user named %s", username);
	return rc < 0 ? -1 : 0;
}

int auth_user_passwd(struct store *db, const char *username, const char *password,
		     const char *actor, struct err *e)
{
	char hash[crypto_pwhash_STRBYTES];
	struct stmt *st;
	int64_t id;

	cache_invalidate();
	if (auth_check_password(password, e) < 0 || auth_user_find(db, &id, username, e) < 0 ||
	    hash_password(hash, password, e) < 0 || store_begin(db, e) < 0)
		return -1;
	if (!(st = store_prepare(db, sql_user_passwd, e)))
		goto fail;
	stmt_bind_text(st, 1, hash, SIZE_MAX);
	stmt_bind_text(st, 2, username, SIZE_MAX);
	if (stmt_exec(st, e) < 0 || !(st = store_prepare(db, sql_sessions_end_user, e)))
		goto fail;
	stmt_bind_text(st, 1, username, SIZE_MAX);
	if (stmt_exec(st, e) < 0 ||
	    audit_append(db, 0, actor, "user.passwd", username, 0, NULL, NULL, e) < 0 ||
	    store_commit(db, e) < 0)
		goto fail;
	return 0;
fail:
	store_rollback(db);
	return -1;
}

int auth_grant(struct store *db, int64_t user_id, const struct grant *g, const char *actor,
	       struct err *e)
{
	struct stmt *st;
	char subject[96], detail[128];

	if (!role_scope_ok(g->role, g->scope))
		return err_set(e, ERR_INVALID, "scope", "role %s cannot be granted over a %s",
			       role_name(g->role), scope_name(g->scope));
	if (store_begin(db, e) < 0)
		return -1;
	if (!(st = store_prepare(db, sql_grant_insert, e)))
		goto fail;
	stmt_bind_int(st, 1, user_id);
	stmt_bind_text(st, 2, role_name(g->role), SIZE_MAX);
	stmt_bind_text(st, 3, scope_name(g->scope), SIZE_MAX);
	stmt_bind_int(st, 4, g->scope_id);
	if (g->community_id)
		stmt_bind_int(st, 5, g->community_id);
	if (g->street_id)
		stmt_bind_int(st, 6, g->street_id);
	stmt_bind_int(st, 7, time_now());
	if (stmt_exec(st, e) < 0)
		goto fail;
	snprintf(subject, sizeof(subject), "user:%lld", (long long)user_id);
	snprintf(detail, sizeof(detail), "%s %s:%lld", role_name(g->role), scope_name(g->scope),
		 (long long)g->scope_id);
	if (audit_append(db, 0, actor, "grant.add", subject, g->community_id, NULL, detail, e) < 0 ||
	    store_commit(db, e) < 0)
		goto fail;
	return 0;
fail:
	store_rollback(db);
	return -1;
}

/* ---- accounts inside the caller's transaction (see auth.h) ---- */

_Static_assert(AUTH_HASH_MAX == crypto_pwhash_STRBYTES, "AUTH_HASH_MAX");

int auth_password_hash(char out[AUTH_HASH_MAX], const char *password, struct err *e)
{
	if (auth_check_password(password, e) < 0)
		return -1;
	return hash_password(out, password, e);
}

int auth_user_add_hashed(struct store *db, int64_t *out, const char *username,
			 const char *display_name, const char *hash, const char *actor,
			 struct err *e)
{
	struct stmt *st;
	int rc;

	assert(store_in_tx(db));
	if (auth_check_username(username, e) < 0)
		return -1;
	if (!display_name || !*display_name)
		display_name = username;
	if (!utf8_valid(display_name, strlen(display_name)) ||
	    utf8_count(display_name, strlen(display_name)) > 64)
		return err_set(e, ERR_INVALID, "display_name", "display name must be UTF-8, at most 64 characters");
	if (!(st = store_prepare(db, sql_user_insert, e)))
		return -1;
	stmt_bind_text(st, 1, username, SIZE_MAX);
	stmt_bind_text(st, 2, display_name, SIZE_MAX);
	stmt_bind_text(st, 3, hash, SIZE_MAX);
	stmt_bind_int(st, 4, time_now());
	rc = stmt_step(st, e);
	if (rc == STORE_ROW)
		*out = stmt_int(st, 0);
	stmt_done(st);
	if (rc != STORE_ROW) {
		if (e->code == ERR_CONFLICT) {
			err_clear(e);
			err_set(e, ERR_CONFLICT, "username", "username %s is taken", username);
		} else if (rc == STORE_DONE) {
			err_set(e, ERR_INTERNAL, NULL, "insert returned no id");
		}
		return -1;
	}
	return audit_append(db, 0, actor, "user.add", username, 0, NULL, NULL, e);
}

int auth_grant_in_tx(struct store *db, int64_t user_id, const struct grant *g, const char *actor,
		     struct err *e)
{
	struct stmt *st;
	char subject[96], detail[128];

	assert(store_in_tx(db));
	if (!role_scope_ok(g->role, g->scope))
		return err_set(e, ERR_INVALID, "scope", "role %s cannot be granted over a %s",
			       role_name(g->role), scope_name(g->scope));
	if (!(st = store_prepare(db, sql_grant_insert, e)))
		return -1;
	stmt_bind_int(st, 1, user_id);
	stmt_bind_text(st, 2, role_name(g->role), SIZE_MAX);
	stmt_bind_text(st, 3, scope_name(g->scope), SIZE_MAX);
	stmt_bind_int(st, 4, g->scope_id);
	if (g->community_id)
		stmt_bind_int(st, 5, g->community_id);
	if (g->street_id)
		stmt_bind_int(st, 6, g->street_id);
	stmt_bind_int(st, 7, time_now());
	if (stmt_exec(st, e) < 0)
		return -1;
	snprintf(subject, sizeof(subject), "user:%lld", (long long)user_id);
	snprintf(detail, sizeof(detail), "%s %s:%lld", role_name(g->role), scope_name(g->scope),
		 (long long)g->scope_id);
	return audit_append(db, 0, actor, "grant.add", subject, g->community_id, NULL, detail, e);
}

/* ---- sessions ---- */

static void token_hash(char out[65], const char *token)
{
	unsigned char h[32];
	crypto_generichash(h, sizeof(h), (const unsigned char *)token, strlen(token), NULL, 0);
	sodium_bin2hex(out, 65, h, sizeof(h));
}

static void random_token(char *out, size_t n)
{
	unsigned char raw[32];
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(out, n, raw, sizeof(raw), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

static int throttled(struct store *db, const char *username, const char *ip, struct err *e)
{
	int64_t since = time_now() - AUTH_FAIL_WINDOW, n = 0;
	if (audit_count_since(db, &n, "login.failed", username, false, since, e) < 0)
		return -1;
	if (n >= AUTH_FAIL_PER_USER)
		return err_set(e, ERR_RATE_LIMITED, "username",
			       "too many failed logins for this account; wait 15 minutes");
	if (ip && audit_count_since(db, &n, "login.failed", ip, true, since, e) < 0)
		return -1;
	if (n >= AUTH_FAIL_PER_ADDRESS)
		return err_set(e, ERR_RATE_LIMITED, NULL,
			       "too many failed logins from this address; wait 15 minutes");
	return 0;
}

int auth_login(struct store *db, struct session_new *out, const struct principal **user,
	       const char *username, const char *password, const char *ip, struct arena *a,
	       struct err *e)
{
	const char *hash = NULL, *csrf;
	int64_t user_id = 0;
	struct stmt *st;
	char th[65];
	int rc;

	*user = NULL;
	if (throttled(db, username, ip, e) < 0)
		return -1;
	if (!(st = store_prepare(db, sql_user_login, e)))
		return -1;
	stmt_bind_text(st, 1, username, SIZE_MAX);
	rc = stmt_step(st, e);
	if (rc == STORE_ROW) {
		user_id = stmt_int(st, 0);
		hash = arena_strdup(a, stmt_text(st, 1));
	}
	stmt_done(st);
	if (rc < 0)
		return -1;
	if (!verify_password(hash ? hash : dummy(), password) || !hash) {
		struct err ae = ERR_INIT; /* a failed audit must not mask the answer */
		audit_append(db, 0, NULL, "login.failed", username, 0, ip, NULL, &ae);
		return err_set(e, ERR_UNAUTHORIZED, NULL, "wrong username or password");
	}
	random_token(out->token, sizeof(out->token));
	random_token(out->csrf, sizeof(out->csrf));
	token_hash(th, out->token);
	out->expires_at = time_now() + AUTH_SESSION_SECONDS;
	if (store_begin(db, e) < 0)
		return -1;
	if (!(st = store_prepare(db, sql_session_expire, e)))
		goto fail;
	stmt_bind_int(st, 1, time_now());
	if (stmt_exec(st, e) < 0 || !(st = store_prepare(db, sql_session_insert, e)))
		goto fail;
	stmt_bind_text(st, 1, th, SIZE_MAX);
	stmt_bind_int(st, 2, user_id);
	stmt_bind_text(st, 3, out->csrf, SIZE_MAX);
	stmt_bind_text(st, 4, ip, SIZE_MAX);
	stmt_bind_int(st, 5, time_now());
	stmt_bind_int(st, 6, out->expires_at);
	if (stmt_exec(st, e) < 0 ||
	    audit_append(db, user_id, username, "login", username, 0, ip, NULL, e) < 0 ||
	    store_commit(db, e) < 0)
		goto fail;
	/* The principal as every later request will see it. */
	return auth_session_load(db, user, &csrf, out->token, a, e);
fail:
	store_rollback(db);
	return -1;
}

int auth_session_load(struct store *db, const struct principal **out, const char **csrf,
		      const char *token, struct arena *a, struct err *e)
{
	struct stmt *st = store_prepare(db, sql_session_load, e);
	struct principal *p = NULL;
	size_t cap = 0;
	char th[65];
	int rc;

	*out = NULL;
	if (!st)
		return -1;
	token_hash(th, token);
	stmt_bind_text(st, 1, th, SIZE_MAX);
	stmt_bind_int(st, 2, time_now());
	while ((rc = stmt_step(st, e)) == STORE_ROW) {
		if (!p) {
			p = arena_zalloc(a, sizeof(*p));
			p->session_id = stmt_int(st, 0);
			p->user_id = stmt_int(st, 1);
			*csrf = arena_strdup(a, stmt_text(st, 2));
			p->username = arena_strdup(a, stmt_text(st, 3));
			p->display_name = arena_strdup(a, stmt_text(st, 4));
			p->expires_at = stmt_int(st, 10);
		}
		if (stmt_is_null(st, 5))
			continue;
		if (p->ngrants == cap) {
			size_t ncap = cap ? cap * 2 : 4;
			struct grant *g = arena_alloc(a, ncap * sizeof(*g));
			if (cap)
				memcpy(g, p->grants, cap * sizeof(*g));
			p->grants = g;
			cap = ncap;
		}
		struct grant *g = &p->grants[p->ngrants++];
		g->role = (enum role)role_parse(stmt_text(st, 5));
		g->scope = (enum scope)scope_parse(stmt_text(st, 6));
		g->scope_id = stmt_int(st, 7);
		g->community_id = stmt_int(st, 8);
		g->street_id = stmt_int(st, 9);
	}
	stmt_done(st);
	if (rc < 0)
		return -1;
	*out = p;
	return 0;
}

/* ---- the session cache ---- */

enum { CACHE_SLOTS = 64, CACHE_GRANTS = 8 };

struct cached_session {
	char token_hash[65];
	uint64_t generation;
	int64_t until_ns, expires_at;
	struct principal p;
	struct grant grants[CACHE_GRANTS];
	char username[40], display_name[200], csrf[48];
};

static _Thread_local struct cached_session *session_cache;
static _Atomic uint64_t cache_generation = 1;

/* Every thread's cached sessions stop counting (logout, new password). */
static void cache_invalidate(void)
{
	atomic_fetch_add(&cache_generation, 1);
}

static void cache_free(void *p)
{
	free(p);
}

static pthread_key_t cache_key;
static pthread_once_t cache_once = PTHREAD_ONCE_INIT;

static void cache_key_make(void)
{
	pthread_key_create(&cache_key, cache_free);
}

static struct cached_session *cache_slot(const char *th)
{
	if (!session_cache) {
		pthread_once(&cache_once, cache_key_make);
		session_cache = xcalloc(CACHE_SLOTS, sizeof(*session_cache));
		pthread_setspecific(cache_key, session_cache); /* freed when the thread ends */
	}
	unsigned h = 0;
	for (int i = 0; i < 8; i++)
		h = h * 16 + (unsigned)(th[i] <= '9' ? th[i] - '0' : th[i] - 'a' + 10);
	return &session_cache[h % CACHE_SLOTS];
}

int auth_session_load_cached(struct store *db, const struct principal **out, const char **csrf,
			     const char *token, struct arena *a, struct err *e)
{
	char th[65];
	int64_t now_ns = time_mono_ns();
	uint64_t gen = atomic_load(&cache_generation);
	struct cached_session *c;

	token_hash(th, token);
	c = cache_slot(th);
	if (c->generation == gen && c->until_ns > now_ns && c->expires_at > time_now() &&
	    !strcmp(c->token_hash, th)) {
		struct principal *p = arena_alloc(a, sizeof(*p));
		*p = c->p;
		p->grants = arena_alloc(a, (p->ngrants ? p->ngrants : 1) * sizeof(*p->grants));
		memcpy(p->grants, c->grants, p->ngrants * sizeof(*p->grants));
		p->username = arena_strdup(a, c->username);
		p->display_name = arena_strdup(a, c->display_name);
		*csrf = arena_strdup(a, c->csrf);
		*out = p;
		return 0;
	}
	if (auth_session_load(db, out, csrf, token, a, e) < 0)
		return -1;
	const struct principal *p = *out;
	/* Only what fits is cached; a user with many grants is simply looked
	 * up every time. */
	if (p && p->ngrants <= CACHE_GRANTS && strlen(p->username) < sizeof(c->username) &&
	    strlen(p->display_name) < sizeof(c->display_name) && strlen(*csrf) < sizeof(c->csrf)) {
		memcpy(c->token_hash, th, sizeof(th));
		c->generation = gen;
		c->until_ns = now_ns + (int64_t)AUTH_CACHE_SECONDS * 1000000000;
		c->expires_at = p->expires_at;
		c->p = *p;
		memcpy(c->grants, p->grants, p->ngrants * sizeof(*p->grants));
		strcpy(c->username, p->username);
		strcpy(c->display_name, p->display_name);
		strcpy(c->csrf, *csrf);
	}
	return 0;
}

int auth_logout(struct store *db, const struct principal *p, const char *ip, struct err *e)
{
	cache_invalidate();
	struct stmt *st;
	if (store_begin(db, e) < 0)
		return -1;
	if (!(st = store_prepare(db, sql_session_delete, e)))
		goto fail;
	stmt_bind_int(st, 1, p->session_id);
	if (stmt_exec(st, e) < 0 ||
	    audit_append(db, p->user_id, p->username, "logout", p->username, 0, ip, NULL, e) < 0 ||
	    store_commit(db, e) < 0)
		goto fail;
	return 0;
fail:
	store_rollback(db);
	return -1;
}

/* ---- schema ---- */

const struct migration auth_migrations[] = {
	{ 100, "auth: users, grants, sessions, audit log",
	  "CREATE TABLE users ("
	  " id @id,"
	  " username TEXT NOT NULL UNIQUE,"
	  " display_name TEXT NOT NULL,"
	  " password_hash TEXT NOT NULL,"
	  " disabled INTEGER NOT NULL DEFAULT 0,"
	  " created_at BIGINT NOT NULL);"
	  "CREATE TABLE grants ("
	  " id @id,"
	  " user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
	  " role TEXT NOT NULL,"
	  " scope TEXT NOT NULL,"
	  " scope_id BIGINT NOT NULL,"
	  " community_id BIGINT,"
	  " street_id BIGINT,"
	  " created_at BIGINT NOT NULL,"
	  " UNIQUE (user_id, role, scope, scope_id));"
	  "CREATE TABLE sessions ("
	  " id @id,"
	  " token_hash TEXT NOT NULL UNIQUE,"
	  " user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
	  " csrf TEXT NOT NULL,"
	  " ip TEXT,"
	  " created_at BIGINT NOT NULL,"
	  " expires_at BIGINT NOT NULL);"
	  "CREATE INDEX sessions_expiry ON sessions (expires_at);"
	  "CREATE TABLE audit_log ("
	  " id @id,"
	  " at BIGINT NOT NULL,"
	  " actor_id BIGINT,"
	  " actor TEXT,"
	  " action TEXT NOT NULL,"
	  " subject TEXT,"
	  " community_id BIGINT,"
	  " ip TEXT,"
	  " detail TEXT,"
	  " prev_hash TEXT NOT NULL,"
	  " hash TEXT NOT NULL);"
	  "CREATE INDEX audit_by_subject ON audit_log (action, subject, at);"
	  "CREATE INDEX audit_by_ip ON audit_log (action, ip, at);" },
};
const size_t auth_migrations_n = sizeof(auth_migrations) / sizeof(auth_migrations[0]);
