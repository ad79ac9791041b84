/*
 * auth.h - accounts, roles with scopes, sessions, and the audit log.
 *
 * A user holds grants; each grant is a role over one node of the community
 * structure (platform, street, community, grid, building).  So that access
 * checks never read another module's tables, a grant records, when it is
 * made, the community and street its node lies in (the caller looks them up
 * through the registry and passes them in).
 *
 * Passwords are argon2id (libsodium, interactive limits: 2 passes, 64 MiB);
 * at most AUTH_HASH_CONCURRENCY hashes run at once, so a burst of logins
 * waits instead of exhausting memory.  Session tokens are 32 random bytes;
 * the database keeps only their BLAKE2b hash.
 */
#ifndef LINLI_AUTH_AUTH_H
#define LINLI_AUTH_AUTH_H

#include "core/arena.h"
#include "core/err.h"
#include "store/store.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
	AUTH_HASH_CONCURRENCY = 2,
	AUTH_SESSION_SECONDS = 7 * 24 * 3600, /* absolute lifetime */
	AUTH_FAIL_WINDOW = 15 * 60,           /* seconds */
	AUTH_FAIL_PER_USER = 5,
	AUTH_FAIL_PER_ADDRESS = 20,
	AUTH_PASSWORD_MIN = 8,                /* characters */
	AUTH_PASSWORD_MAX = 128,
	AUTH_CACHE_SECONDS = 2,               /* see auth_session_load_cached */
};

enum role {
	ROLE_ADMIN,     /* platform admin */
	ROLE_STREET,    /* street officer (街道) */
	ROLE_WORKER,    /* community worker (社区工作者) */
	ROLE_GRID,      /* grid worker (网格员) */
	ROLE_LEAD,      /* building lead (楼组长) */
	ROLE_VOLUNTEER,
	ROLE_RESIDENT,
	ROLE_EXPERT,
	ROLE_COUNT
};

enum scope { SCOPE_PLATFORM, SCOPE_STREET, SCOPE_COMMUNITY, SCOPE_GRID, SCOPE_BUILDING, SCOPE_COUNT };

struct grant {
	enum role role;
	enum scope scope;
	int64_t scope_id;     /* 0 for the platform */
	int64_t community_id; /* community holding the node, 0 above community */
	int64_t street_id;    /* street holding the node, 0 for the platform */
};

struct principal {
	int64_t user_id;
	int64_t session_id;
	int64_t expires_at; /* the session's end, UTC seconds */
	const char *username;
	const char *display_name;
	struct grant *grants;
	size_t ngrants;
};

/* Names: "admin", "street", ... and "platform", "street", ...  */
const char *role_name(enum role r);
const char *scope_name(enum scope s);
/* Parse a name; -1 when unknown. */
int role_parse(const char *name);
int scope_parse(const char *name);
/* True when the role may hold a grant of that scope. */
bool role_scope_ok(enum role r, enum scope s);

/* ---- access, from the grants alone ---- */

/* A member of the community: any grant in it (any role, any scope within
 * it), the street officer of its street, or a platform admin.  Members take
 * part in the community's conversations, rounds and votes. */
bool auth_member_of(const struct principal *p, int64_t community_id, int64_t street_id);

/* Staff may read the structure of a community: admin anywhere; street in
 * their street; worker, grid and lead in the community of their scope. */
bool auth_reads_community(const struct principal *p, int64_t community_id,
			  int64_t street_id);
/* May change the structure: admin; street in their street; worker in their
 * community. */
bool auth_changes_community(const struct principal *p, int64_t community_id,
			    int64_t street_id);
/* May manage a street's communities: admin; street officer of that street. */
bool auth_changes_street(const struct principal *p, int64_t street_id);
/* Holds at least one of the staff roles (admin .. lead). */
bool auth_is_staff(const struct principal *p);
bool auth_has_role(const struct principal *p, enum role r);

/* ---- accounts ---- */

/* Checks a username: 2-32 of a-z 0-9 _ . - starting with a letter. */
int auth_check_username(const char *name, struct err *e);
/* Checks a password's length in characters. */
int auth_check_password(const char *pw, struct err *e);

/* Creates a user; *out gets the id.  ERR_CONFLICT when the name is taken.
 * actor (may be NULL) is recorded in the audit log. */
int auth_user_add(struct store *db, int64_t *out, const char *username,
		  const char *display_name, const char *password,
		  const char *actor, struct err *e);

/* Finds a user id by name; ERR_NOT_FOUND when none. */
int auth_user_find(struct store *db, int64_t *out, const char *username,
		   struct err *e);

/* Sets a new password and ends the user's sessions (audited). */
int auth_user_passwd(struct store *db, const char *username,
		     const char *password, const char *actor, struct err *e);

/* Adds a grant (audited).  ERR_INVALID when the role cannot hold that
 * scope; ERR_CONFLICT when it exists. */
int auth_grant(struct store *db, int64_t user_id, const struct grant *g,
	       const char *actor, struct err *e);

/* ---- accounts made inside another module's transaction ----
 * (registry/invite.c: a resident claiming an invitation gets a user, a
 * grant and the link to their record in one transaction).  The password is
 * hashed first, outside any transaction, so that argon2id never runs while
 * the write lock is held. */

enum { AUTH_HASH_MAX = 128 }; /* libsodium's crypto_pwhash_STRBYTES */

/* Checks the password's length and hashes it (argon2id, in the semaphore). */
int auth_password_hash(char out[AUTH_HASH_MAX], const char *password, struct err *e);

/* auth_user_add() with a hash from auth_password_hash(), written inside the
 * caller's open transaction (asserted), which the caller commits or rolls
 * back.  ERR_CONFLICT (field "username") when the name is taken. */
int auth_user_add_hashed(struct store *db, int64_t *out, const char *username,
			 const char *display_name, const char *hash, const char *actor,
			 struct err *e);

/* auth_grant() inside the caller's open transaction (asserted). */
int auth_grant_in_tx(struct store *db, int64_t user_id, const struct grant *g,
		     const char *actor, struct err *e);

/* ---- sessions ---- */

struct session_new {
	char token[48]; /* base64url, for the cookie */
	char csrf[48];
	int64_t expires_at;
};

/*
 * Checks username and password (with throttling per username and per
 * address), and on success creates a session.  *user receives the
 * principal, allocated in a.  ERR_UNAUTHORIZED for any wrong pair (the same
 * answer, and about the same time, for an unknown user), ERR_RATE_LIMITED
 * when throttled.  Every attempt is audited.
 */
int auth_login(struct store *db, struct session_new *out,
	       const struct principal **user, const char *username,
	       const char *password, const char *ip, struct arena *a,
	       struct err *e);

/* Loads the principal for a cookie token, or sets *out NULL when the token
 * is unknown or expired.  -1 only on a database failure. */
int auth_session_load(struct store *db, const struct principal **out,
		      const char **csrf, const char *token, struct arena *a,
		      struct err *e);

/*
 * auth_session_load() through a small per-thread cache: a session found in
 * the database is served from memory for up to AUTH_CACHE_SECONDS.  A
 * logout or a password change in this process invalidates every thread's
 * cache at once; one made by another process (several linli on one
 * PostgreSQL) takes effect here within AUTH_CACHE_SECONDS.
 */
int auth_session_load_cached(struct store *db, const struct principal **out,
			     const char **csrf, const char *token, struct arena *a,
			     struct err *e);

/* Ends a session. */
int auth_logout(struct store *db, const struct principal *p, const char *ip,
		struct err *e);

/* ---- audit log (audit.c) ---- */

/*
 * Appends an entry to the hash-chained audit log: hash = BLAKE2b-256 of the
 * previous hash and this entry's fields.  Runs inside the caller's
 * transaction when one is open (so the entry commits with the change it
 * records), else in its own.  Strings may be NULL.
 */
int audit_append(struct store *db, int64_t actor_id, const char *actor,
		 const char *action, const char *subject, int64_t community_id,
		 const char *ip, const char *detail, struct err *e);

/* Walks the chain.  *count gets the entries checked; *bad_id the first
 * entry whose hash does not match (0 when all do).  Returns 0 when the
 * walk ran, whatever it found. */
int audit_verify(struct store *db, int64_t *count, int64_t *bad_id,
		 struct err *e);

/* Counts entries of action with the given subject (or ip, when by_ip) at or
 * after since. */
int audit_count_since(struct store *db, int64_t *out, const char *action,
		      const char *key, bool by_ip, int64_t since,
		      struct err *e);

/* The schema of this module. */
extern const struct migration auth_migrations[];
extern const size_t auth_migrations_n;

#endif
