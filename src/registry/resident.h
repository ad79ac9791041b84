/*
 * resident.h - the residents register (居民登记), issue 4 (core).
 *
 * A resident belongs to one community and may live in one of its dwellings
 * (dwelling_id; a foreign key to dwellings(id): the same-community check of
 * the dwelling is not done here, because modules do not read each other's
 * tables; see the report to the lead).  The ID number and the phone are
 * sensitive (DESIGN.md §3): they are stored sealed (seal.h, contexts
 * "resident.id_number" and "resident.phone"), with a keyed hash of the
 * normalised ID number (unique per community: a second registration of the
 * same person is ERR_CONFLICT naming "id_number") and the last 4 digits of
 * the phone (phone_tail, for search).  Reads show both masked unless the
 * caller asks for them in full (the handler decides who may, and audits it).
 *
 * When an ID number is given, gender and birth date come from it (an
 * explicit gender or birth date that disagrees is ERR_INVALID); without one,
 * gender is required and birth_date optional.
 *
 * Every function filters on community_id: another community's resident is
 * ERR_NOT_FOUND.  The keyring is set once at start (resident_set_keyring);
 * without one every function that needs it fails with ERR_UNAVAILABLE.
 */
#ifndef LINLI_REGISTRY_RESIDENT_H
#define LINLI_REGISTRY_RESIDENT_H

#include "core/arena.h"
#include "core/err.h"
#include "core/json.h"
#include "core/seal.h"
#include "store/store.h"

#include <stdbool.h>
#include <stdint.h>

enum {
	RESIDENT_NAME_MAX = 50, /* characters */
	RESIDENT_SKILLS_MAX = 200,
	RESIDENT_LANGUAGES_MAX = 100, /* characters, e.g. "普通话, 上海话" */
	RESIDENT_QUERY_MAX = 50,
	RESIDENT_ROOM_MAX = 20, /* the room filter, characters */
	RESIDENT_PAGE_MAX = 200,
	RESIDENT_PAGE_DEFAULT = 50,
	RESIDENT_REASON_MAX = 200, /* characters, of a deletion's reason */
};

/* A resident to add, or the changes to make (NULL / -1: unchanged).
 * On update "" clears id_number, phone, skills, languages and birth_date. */
struct resident_input {
	const char *name;
	const char *gender;     /* male | female */
	const char *birth_date; /* YYYY-MM-DD */
	const char *id_number;
	const char *phone;
	const char *relation;  /* householder spouse child parent other */
	const char *residency; /* huji resident floating tenant separated */
	const char *skills;
	const char *languages; /* languages or dialect, free text; "" clears */
	int64_t dwelling_id;   /* 0: none (add) / unchanged (update) */
	bool clear_dwelling;   /* update: no dwelling any more */
	int volunteer_willing; /* -1: false (add) / unchanged (update); 0 or 1 */
};

struct resident_filter {
	const char *q;          /* name contains (NULL: any) */
	const char *phone_tail; /* 4 digits (NULL: any) */
	int64_t dwelling;       /* 0: any */
	const char *tag;        /* a care tag's code (care.h); NULL: any */
	const char *room;       /* a dwelling's room number, e.g. "1203"; NULL: any */
	int64_t building;       /* dwellings of this building only; 0: any */
	int age_min, age_max;   /* -1: no bound */
	int64_t after;          /* ids greater than this */
	int limit;              /* 1..RESIDENT_PAGE_MAX */
	const char *today;      /* "YYYY-MM-DD" (China); NULL: the clock */
	bool walk;              /* tests: always the walk in id order (no index
	                           chosen by the filters), to compare with */
};

/* The keyring of the sealed fields; not owned (the caller frees it after
 * the last use).  NULL unsets it. */
void resident_set_keyring(struct seal_keyring *kr);
struct seal_keyring *resident_keyring(void);

/* *out: whether the register holds anyone (in any community): a missing key
 * file may be made anew only when it does not. */
int resident_any(struct store *db, bool *out, struct err *e);

bool resident_relation_ok(const char *s);
bool resident_residency_ok(const char *s);

/*
 * Checks in exactly as resident_add() would (the same rules, the same
 * defaults: relation "other", residency "huji", not a volunteer) without
 * touching the database, and writes the row as it would be stored into
 * *out: the ID number normalised (18 characters), the phone as 11 digits,
 * gender and birth date taken from the ID number, "" fields as NULL.
 * dwelling_id is copied, not checked.  Strings of *out are in a (or
 * borrowed from in).  Returns 0, or -1 with e set to ERR_INVALID naming the
 * field (for importers that report every bad row).
 */
int resident_check(struct resident_input *out, const struct resident_input *in, struct arena *a,
                   struct err *e);

/* The contexts of the sealed columns (seal.h), for code of this folder that
 * reads or writes the residents table in bulk (resident_io.c). */
#define RESIDENT_SEAL_ID    "resident.id_number"
#define RESIDENT_SEAL_PHONE "resident.phone"

int resident_add(struct store *db, int64_t *out, int64_t community_id,
                 const struct resident_input *in, struct err *e);
/* All or nothing: every field is checked before anything is written.
 * Inside a transaction the caller opened, it runs in it (the caller commits,
 * e.g. after auditing the correction); on failure the caller rolls back. */
int resident_update(struct store *db, int64_t community_id, int64_t id,
                    const struct resident_input *in, struct err *e);
/* Deletes a resident and records it in the audit log, in one transaction:
 * the row and the entry go together or not at all.  actor may be NULL. */
int resident_delete(struct store *db, int64_t community_id, int64_t id, int64_t actor_id,
                    const char *actor, const char *ip, struct err *e);
/* resident_delete with the reason given (may be NULL) as the audit entry's
 * detail. */
int resident_delete_why(struct store *db, int64_t community_id, int64_t id, int64_t actor_id,
                        const char *actor, const char *ip, const char *reason, struct err *e);
/* {"residents": [...masked...], "next": id or null}, by id. */
int resident_list(struct store *db, json_t **out, int64_t community_id,
                  const struct resident_filter *f, struct err *e);
/* One resident; id_number and phone in full when unmask, else masked. */
int resident_get(struct store *db, json_t **out, int64_t community_id, int64_t id, bool unmask,
                 struct err *e);

extern const struct migration resident_migrations[];
extern const size_t resident_migrations_n;

struct route_table;
extern const struct route_table resident_routes;

#endif
