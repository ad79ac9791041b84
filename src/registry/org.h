/*
 * org.h - local organisations (驻区单位) and what they can offer.
 *
 * Schools, hospitals, companies, shops, social organisations and offices
 * that sit in a community are part of its resources: each has contacts,
 * offers (a venue, goods, skilled people, money), co-building agreements
 * (共建) with the committee, and a log of interactions.  Workers ask "who
 * can provide X?" (谁能提供…) by searching the offers.
 *
 * Every row carries community_id and every function that takes a community
 * id filters on it, so another community's organisation or offer is simply
 * ERR_NOT_FOUND.  Access is the handler's business (auth.h).
 *
 * Dates are calendar dates written "YYYY-MM-DD" and stored as that text, so
 * that they compare as strings on both backends.  A contact's phone is a
 * mainland mobile number (phone.h), stored as 11 digits; lists show it
 * masked (138****5678), the single-organisation view shows it in full only
 * when asked to (the handler decides who may see it).
 *
 * Read models are jansson values owned by the caller.
 */
#ifndef LINLI_REGISTRY_ORG_H
#define LINLI_REGISTRY_ORG_H

#include "core/arena.h"
#include "core/err.h"
#include "core/json.h"
#include "store/store.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
	ORG_NAME_MAX = 100, /* characters */
	ORG_ADDRESS_MAX = 200,
	ORG_NOTES_MAX = 2000,
	ORG_CONTACTS_MAX = 10,
	ORG_CONTACT_NAME_MAX = 50,
	ORG_DESCRIPTION_MAX = 500,
	ORG_UNIT_MAX = 20,
	ORG_AVAILABILITY_MAX = 200,
	ORG_QUANTITY_MAX = 1000000000,
	ORG_QUERY_MAX = 100,
	ORG_DATE_LEN = 10, /* "YYYY-MM-DD" */
};

struct org_contact {
	const char *name;  /* required */
	const char *role;  /* may be NULL */
	const char *phone; /* 11 digits after org_contacts_take, may be NULL */
};

/* An organisation to add, or the changes to make (NULL: unchanged). */
struct org_input {
	const char *name;
	const char *type; /* see org_type_ok */
	const char *address;
	const char *notes;
	const struct org_contact *contacts;
	size_t ncontacts;
	bool set_contacts; /* update: replace the contacts with these */
};

/* An offer to add, or the changes to make (NULL / negative: unchanged). */
struct org_offer {
	const char *kind; /* see org_offer_kind_ok */
	const char *description;
	int64_t quantity; /* -1: none (add) / unchanged (update) */
	const char *unit;
	const char *availability;
	const char *valid_until; /* "YYYY-MM-DD"; "" clears it on update */
};

/* Names allowed in each closed list. */
bool org_type_ok(const char *s); /* school hospital company shop social_org government other */
bool org_offer_kind_ok(const char *s);       /* venue goods skilled_people money other */
bool org_interaction_kind_ok(const char *s); /* visit call event donation other */

/*
 * Checks that s is a real calendar date written YYYY-MM-DD (2026-02-30 and
 * 2026-2-3 are refused), between 1900 and 2999.  Returns 0, or -1 with e
 * ERR_INVALID naming field.
 */
int org_date_check(const char *s, const char *field, struct err *e);

/* Today's date in China (UTC+8) as "YYYY-MM-DD" into out. */
void org_today(char out[ORG_DATE_LEN + 1]);

/*
 * Takes a JSON array of contacts {"name", "role"?, "phone"?} into *out
 * (allocated in a) and *n.  Phones are normalised (phone_normalize).
 * Errors are ERR_INVALID naming the item, e.g. "contacts[1].phone".
 */
int org_contacts_take(const json_t *arr, struct arena *a, struct org_contact **out, size_t *n,
                      struct err *e);

/* ---- organisations ---- */

/* Adds an organisation with its contacts (one transaction).  ERR_CONFLICT
 * (field name) for a name already used in the community. */
int org_add(struct store *db, int64_t *out, int64_t community_id, const struct org_input *in,
            struct err *e);
/* Changes the fields given; ERR_NOT_FOUND when there is no such
 * organisation in the community. */
int org_update(struct store *db, int64_t community_id, int64_t org_id, const struct org_input *in,
               struct err *e);
/* All organisations: {"orgs": [{"id","name","type","address","offers",
 * "current_offers","contacts":[{"name","role","phone" masked}]}]}. */
int org_list(struct store *db, json_t **out, int64_t community_id, struct err *e);
/* One organisation with contacts, offers, agreements and interactions;
 * phones in full when full_phones, else masked. */
int org_get(struct store *db, json_t **out, int64_t community_id, int64_t org_id, bool full_phones,
            struct arena *a, struct err *e);
/* ERR_NOT_FOUND when the organisation is not in the community. */
int org_exists(struct store *db, int64_t community_id, int64_t org_id, struct err *e);

/* ---- offers ---- */

int org_offer_add(struct store *db, int64_t *out, int64_t community_id, int64_t org_id,
                  const struct org_offer *o, struct err *e);
/* *out: the offer after the change. */
int org_offer_update(struct store *db, json_t **out, int64_t community_id, int64_t org_id,
                     int64_t offer_id, const struct org_offer *o, struct err *e);
int org_offer_delete(struct store *db, int64_t community_id, int64_t org_id, int64_t offer_id,
                     struct err *e);
/*
 * "Who can provide X": offers whose description contains q (ASCII letters
 * in any case; % and _ are matched literally; NULL or "": every offer), of
 * kind (NULL: any), each with its organisation; current ones (valid_until
 * today or later, or none) first, then newest first.  today: "YYYY-MM-DD".
 * {"offers": [{..., "current": bool, "org": {"id","name","type"}}]}.
 */
int org_offer_search(struct store *db, json_t **out, int64_t community_id, const char *q,
                     const char *kind, const char *today, struct err *e);

/* ---- co-building agreements (共建) and the interaction log ---- */

/* end_date may be NULL; it must not be before start_date. */
int org_agreement_add(struct store *db, int64_t *out, int64_t community_id, int64_t org_id,
                      const char *title, const char *start_date, const char *end_date,
                      const char *notes, struct err *e);
/* {"agreements": [...]}, by start date. */
int org_agreements(struct store *db, json_t **out, int64_t community_id, int64_t org_id,
                   struct err *e);
/* recorded_by: the user's id and display name at the time of writing. */
int org_interaction_add(struct store *db, int64_t *out, int64_t community_id, int64_t org_id,
                        const char *date, const char *kind, const char *notes, int64_t recorded_by,
                        const char *recorded_by_name, struct err *e);
/* {"interactions": [...]}, newest first. */
int org_interactions(struct store *db, json_t **out, int64_t community_id, int64_t org_id,
                     struct err *e);

extern const struct migration org_migrations[];
extern const size_t org_migrations_n;

/* The routes (org_http.c), listed in src/routes.c. */
struct route_table;
extern const struct route_table org_routes;

#endif
