/*
 * notice.h - notices (通知公告) with read receipts per household, issue 6.
 *
 * A notice belongs to a community and concerns a scope (the community, a
 * compound, a building or a unit): the households of that scope are the
 * ones it must reach.  It moves draft → published → withdrawn.  A receipt
 * is per household (dwelling), not per person: the first member of a
 * household who opens the notice from their resident account marks the
 * household as reached ("online"); staff mark the households they reached
 * otherwise ("door" for a paper notice delivered, "phone", "meeting").  The
 * receipts view counts reached households against all occupied dwellings
 * in scope and lists the ones not reached, for the building leads to visit.
 */
#ifndef LINLI_VOICE_NOTICE_H
#define LINLI_VOICE_NOTICE_H

#include "core/arena.h"
#include "core/err.h"
#include "core/json.h"
#include "store/store.h"

#include <stdbool.h>
#include <stdint.h>

enum {
	NOTICE_TITLE_MAX = 100,
	NOTICE_BODY_MAX = 8000,
	NOTICE_NOTE_MAX = 200,
};

struct notice_new {
	const char *title, *body;
	const char *category; /* notice | announcement | publicity | reminder */
	const char *scope;    /* community | compound | building | unit */
	int64_t scope_id;
	bool pinned;
};

struct notice_info {
	int64_t id, community_id, scope_id;
	const char *title, *scope, *status;
};

int notice_add(struct store *db, int64_t *out, int64_t community_id, const struct notice_new *n,
	       int64_t actor, struct err *e);
/* Notices of a community, pinned first then newest; drafts and withdrawn
 * ones only when staff.  Each with `read` when household_id > 0 (whether
 * that household has a receipt). */
int notice_list(struct store *db, json_t **out, int64_t community_id, bool staff,
		int64_t household_id, struct err *e);
/* ERR_NOT_FOUND when not in the community, or not published and !staff. */
int notice_get(struct store *db, struct notice_info *out, int64_t community_id, int64_t id,
	       bool staff, struct arena *a, struct err *e);
int notice_view(struct store *db, json_t **out, const struct notice_info *n, int64_t household_id,
		struct err *e);
/* draft → published → withdrawn, audited. */
int notice_set_status(struct store *db, const struct notice_info *n, const char *status,
		      int64_t actor, struct err *e);
/*
 * Records that household dwelling_id was reached by method (online | door |
 * phone | meeting), once: a later receipt of the same household changes
 * nothing (*first says whether this one counted).  The dwelling must lie in
 * the notice's scope (ERR_NOT_FOUND) and the notice be published
 * (ERR_CONFLICT).
 */
int notice_receipt(struct store *db, const struct notice_info *n, int64_t dwelling_id,
		   const char *method, const char *note, int64_t user_id, bool *first,
		   struct err *e);
/* {"households", "reached", "by_method": {...}, "unreached": [{dwelling_id,
 * label, building_id}]} over the occupied dwellings of the scope. */
int notice_receipts(struct store *db, json_t **out, const struct notice_info *n, struct arena *a,
		    struct err *e);

extern const struct migration notice_migrations[];
extern const size_t notice_migrations_n;

#endif
