/*
 * privacy.h - PIPL (个人信息保护法): privacy notices (隐私告知), consent per
 * purpose, a lawful basis and a retention period per data category, the
 * retention job, and a person's rights (export, correct, delete, explain).
 * Issue 4, item 3; docs/privacy.md explains the rules and the defaults.
 *
 * Consents (PIPL arts. 14-15, 28-31): one record per (resident, purpose,
 * time given), naming the notice version the person was shown, how consent
 * was given (paper, in_person, online, phone), an evidence note and who
 * recorded it.  A purpose flagged sensitive (care_services by default) needs
 * `sensitive_notice` (the person was told why the sensitive data is needed
 * and what it means for them, art. 30): its consent is always a record of
 * its own.  A resident under 14 on the day consent is given (age from the
 * register's birth date, China time) needs a guardian: another resident of
 * the community, or a name and a relation.  Withdrawal keeps the record and
 * marks it (time, method, who); the current state of a purpose is that of
 * its latest record.
 *
 * Categories (identity, contact, household, care_needs, ownership, visits,
 * consent, account) each carry a lawful basis (consent, legal_duty,
 * emergency, contract) and a retention: a number of days counted from an
 * event (moved_out, event, last_activity), or none (indefinite, with a
 * reason).  Shipped defaults apply until a community sets its own.
 *
 * Every function filters on community_id: another community's resident,
 * consent or notice is ERR_NOT_FOUND.  Writes that concern a person are
 * audited in their own transaction (audit_append).
 */
#ifndef LINLI_REGISTRY_PRIVACY_H
#define LINLI_REGISTRY_PRIVACY_H

#include "core/arena.h"
#include "core/err.h"
#include "core/json.h"
#include "registry/resident.h"
#include "store/store.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

enum {
	PRIVACY_NOTICE_MAX = 20000, /* characters */
	PRIVACY_EVIDENCE_MAX = 500,
	PRIVACY_LABEL_MAX = 50,
	PRIVACY_REASON_MAX = 200,
	PRIVACY_PURPOSES_MAX = 50, /* custom purposes per community */
	PRIVACY_GUARDIAN_AGE = 14, /* PIPL art. 31 */
	PRIVACY_RETENTION_DAYS_MAX = 36500,
	PRIVACY_BATCH = 500, /* rows per retention statement */
};

/* Who acts (audited); name and ip may be NULL (the command line). */
struct privacy_actor {
	int64_t id; /* 0: none */
	const char *name;
	const char *ip;
};

struct consent_input {
	const char *purpose;
	int64_t notice_version;
	int64_t given_at;   /* Unix seconds; 0: now */
	const char *method; /* paper in_person online phone */
	const char *evidence;
	bool sensitive_notice;
	int64_t guardian_resident_id; /* 0: none */
	const char *guardian_name, *guardian_relation;
};

struct privacy_category {
	const char *category;
	const char *lawful_basis;
	int64_t retention_days;     /* -1: indefinite */
	const char *retention_from; /* moved_out event last_activity */
	const char *reason;         /* required when indefinite */
};

/* What a retention run did (or, dry, would do), summed over communities. */
struct retention_counts {
	int64_t residents_deleted, phones_cleared, dwellings_cleared, visits_anonymised,
	    consents_deleted;
};

bool privacy_method_ok(const char *s);
bool privacy_basis_ok(const char *s);
bool privacy_category_ok(const char *s);

/* Whole years between birth ("YYYY-MM-DD") and on ("YYYY-MM-DD"); -1 when
 * either is not a date.  A birthday on `on` counts as reached. */
int privacy_age_on(const char *birth, const char *on);

/* The shipped default of a category (NULL when unknown); static storage. */
const struct privacy_category *privacy_category_default(const char *category);

/* {"notices": [...newest first], "purposes": [{"code","label","sensitive",
 * "builtin"}], "categories": [{category, lawful_basis, retention_days|null,
 * retention_from, reason, "default": bool}]}; *out is the caller's. */
int privacy_settings(struct store *db, json_t **out, int64_t community_id, struct err *e);
/* A new notice version (the next number, from 1); text 1..PRIVACY_NOTICE_MAX
 * characters (newlines allowed), effective_date YYYY-MM-DD.  *out: its version. */
int privacy_notice_add(struct store *db, int64_t *out, int64_t community_id, const char *text,
                       const char *effective_date, const struct privacy_actor *who, struct err *e);
/* A community's own purpose: code [a-z_]{2,30}, not a built-in one (409 on a
 * repeat, naming "code"). */
int privacy_purpose_add(struct store *db, int64_t community_id, const char *code, const char *label,
                        bool sensitive, struct err *e);
/* Sets a category's basis and retention for the community. */
int privacy_category_set(struct store *db, int64_t community_id, const struct privacy_category *c,
                         struct err *e);

/* Records a consent (audited "consent.record").  Errors name the field:
 * purpose, notice_version, given_at, method, evidence, sensitive_notice,
 * guardian (under 14 without one; a guardian who is the person), 404 for a
 * resident of another community. */
int privacy_consent_add(struct store *db, int64_t *out, int64_t community_id, int64_t resident_id,
                        const struct consent_input *in, const struct privacy_actor *who,
                        struct err *e);
/* Marks a consent withdrawn now (audited "consent.withdraw"); 409 (field
 * "consent") when it already is. */
int privacy_consent_withdraw(struct store *db, int64_t community_id, int64_t resident_id,
                             int64_t consent_id, const char *method, const char *note,
                             const struct privacy_actor *who, struct err *e);
/* {"consents": [...newest first], "state": {purpose: {"state":
 * "given"|"withdrawn"|"none", "consent_id"|null, "sensitive"}}}. */
int privacy_consents(struct store *db, json_t **out, int64_t community_id, int64_t resident_id,
                     struct err *e);
/* Marks the resident moved out at `at` (Unix seconds), or not (at 0);
 * audited "resident.moved_out". */
int privacy_moved_out(struct store *db, int64_t community_id, int64_t resident_id, int64_t at,
                      const struct privacy_actor *who, struct err *e);

/* Everything held about the person: {"resident_id", "community_id",
 * "exported_at", "parts": {...one key per all_person_exports entry}},
 * read in one transaction that also appends "resident.pipl_export". */
int privacy_export(struct store *db, json_t **out, int64_t community_id, int64_t resident_id,
                   const struct privacy_actor *who, struct err *e);
/* Which categories are held, why (purpose, lawful basis), since when, until
 * when, who read the full values; texts in zh and en.  now: Unix seconds. */
int privacy_explain(struct store *db, json_t **out, int64_t community_id, int64_t resident_id,
                    int64_t now, struct err *e);
/* Erases the person and everything that refers to them, leaving one audit
 * entry ("resident.pipl_delete", subject "resident:ID", no name or number). */
int privacy_erase(struct store *db, int64_t community_id, int64_t resident_id,
                  const struct privacy_actor *who, struct err *e);

/* The audit detail of a correction (PATCH): the names of the fields given,
 * comma-separated, in a; never the values. */
const char *privacy_corrected_fields(const struct resident_input *in, struct arena *a);

/*
 * Applies every community's retention at time now: expired data is deleted
 * or anonymised, each community in its own transaction with one audit entry
 * per action ("retention.*").  dry: counts only, changes nothing.  Writes a
 * line per action to report (may be NULL).  *out: the totals.
 */
int privacy_retention_run(struct store *db, struct retention_counts *out, int64_t now, bool dry,
                          FILE *report, struct err *e);

/* The daily run inside `linli serve`: a thread that runs the job at start
 * and every 24 hours on its own connection (store_thread()).  stop ends it
 * and waits.  Start once, after store_thread_setup(). */
int privacy_retention_start(struct err *e);
void privacy_retention_stop(void);

/* The person-export parts of this module (person.h). */
int privacy_resident_part(struct store *db, json_t *out, int64_t community_id, int64_t resident_id,
                          struct err *e);
int privacy_consent_part(struct store *db, json_t *out, int64_t community_id, int64_t resident_id,
                         struct err *e);
int privacy_audit_part(struct store *db, json_t *out, int64_t community_id, int64_t resident_id,
                       struct err *e);

extern const struct migration privacy_migrations[];
extern const size_t privacy_migrations_n;

struct route_table;
extern const struct route_table privacy_routes;

#endif
