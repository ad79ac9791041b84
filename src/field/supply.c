/*
 * supply.c - emergency supplies and their alerts (supply.h).
 */
#include "field/supply.h"

#include "auth/auth.h"
#include "core/timeutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const categories[] = {"water",   "food",  "medicine",      "tools",
                                         "shelter", "power", "communication", "other"};
#define NCAT (sizeof(categories) / sizeof(categories[0]))

bool supply_category_valid(const char *s)
{
	for (size_t i = 0; s && i < NCAT; i++)
		if (!strcmp(s, categories[i]))
			return true;
	return false;
}

static size_t category_rank(const char *s)
{
	size_t i;
	for (i = 0; i < NCAT && strcmp(s, categories[i]); i++)
		;
	return i;
}

void supply_alerts_of(struct supply_alerts *out, int64_t quantity, int64_t minimum,
                      const char *expiry, const char *today)
{
	memset(out, 0, sizeof(*out));
	out->low = quantity < minimum;
	if (expiry && *expiry && prep_date_valid(expiry) && prep_date_valid(today)) {
		out->days_left = prep_day_number(expiry) - prep_day_number(today);
		out->expired = out->days_left < 0;
		out->expiring = !out->expired && out->days_left <= SUPPLY_EXPIRING_DAYS;
	}
}

static const char sql_count[] = "SELECT COUNT(*) FROM prep_supplies WHERE community_id = ?";
static const char sql_add[] =
    "INSERT INTO prep_supplies (community_id, name, category, quantity, unit, location, expiry,"
    " minimum, note, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    " RETURNING id";
static const char sql_log[] =
    "INSERT INTO prep_supply_log (supply_id, community_id, delta, quantity, reason, actor_id,"
    " actor_name, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
static const char sql_cols[] =
    "SELECT id, name, category, quantity, unit, location, expiry, minimum, note, updated_at"
    " FROM prep_supplies WHERE community_id = ?";
static const char sql_one[] =
    "SELECT id, name, category, quantity, unit, location, expiry, minimum, note, updated_at"
    " FROM prep_supplies WHERE community_id = ? AND id = ?";
static const char sql_update[] =
    "UPDATE prep_supplies SET name = ?, category = ?, unit = ?, location = ?, expiry = ?,"
    " minimum = ?, note = ?, updated_at = ? WHERE community_id = ? AND id = ?";
static const char sql_qty_set[] =
    "UPDATE prep_supplies SET quantity = ?, updated_at = ? WHERE community_id = ? AND id = ?";
static const char sql_log_list[] =
    "SELECT delta, quantity, reason, actor_name, at FROM prep_supply_log"
    " WHERE community_id = ? AND supply_id = ? ORDER BY id DESC LIMIT ?";

/* Checks the text fields of in that are set. */
static int input_check(const struct supply_input *in, bool add, struct err *e)
{
	if ((add || in->name) && prep_text_check(in->name, SUPPLY_NAME_MAX, false, "name", e) < 0)
		return -1;
	if ((add || in->category) && !supply_category_valid(in->category))
		return err_set(e, ERR_INVALID, "category",
		               "category is water, food, medicine, tools, shelter, power, "
		               "communication or other");
	if ((add || in->unit) && prep_text_check(in->unit, SUPPLY_UNIT_MAX, false, "unit", e) < 0)
		return -1;
	if (in->location && prep_text_check(in->location, SUPPLY_LOCATION_MAX, true, "location", e) < 0)
		return -1;
	if (in->note && prep_text_check(in->note, SUPPLY_NOTE_MAX, true, "note", e) < 0)
		return -1;
	if (in->expiry && *in->expiry && !prep_date_valid(in->expiry))
		return err_set(e, ERR_INVALID, "expiry", "expiry is a date YYYY-MM-DD");
	if (in->minimum < -1 || in->minimum > SUPPLY_QUANTITY_MAX)
		return err_set(e, ERR_INVALID, "minimum", "minimum is 0-%d", SUPPLY_QUANTITY_MAX);
	if (add && (in->quantity < 0 || in->quantity > SUPPLY_QUANTITY_MAX))
		return err_set(e, ERR_INVALID, "quantity", "quantity is 0-%d", SUPPLY_QUANTITY_MAX);
	return 0;
}

static void bind_opt_text(struct stmt *st, int i, const char *s)
{
	if (s && *s)
		stmt_bind_text(st, i, s, SIZE_MAX);
	else
		stmt_bind_null(st, i);
}

static int log_add(struct store *db, int64_t supply_id, int64_t community_id, int64_t delta,
                   int64_t quantity, const char *reason, const struct prep_actor *who,
                   struct err *e)
{
	struct stmt *st = store_prepare(db, sql_log, e);
	if (!st)
		return -1;
	stmt_bind_int(st, 1, supply_id);
	stmt_bind_int(st, 2, community_id);
	stmt_bind_int(st, 3, delta);
	stmt_bind_int(st, 4, quantity);
	stmt_bind_text(st, 5, reason, SIZE_MAX);
	stmt_bind_int(st, 6, who->user_id);
	stmt_bind_text(st, 7, who->name ? who->name : "", SIZE_MAX);
	stmt_bind_int(st, 8, time_now());
	return stmt_exec(st, e);
}

int supply_add(struct store *db, int64_t *out, int64_t community_id, const struct supply_input *in,
               const struct prep_actor *who, struct err *e)
{
	struct stmt *st;
	int64_t now = time_now(), n = 0;
	int rc;
	if (input_check(in, true, e) < 0)
		return -1;
	if (store_begin(db, e) < 0 || !(st = store_prepare(db, sql_count, e)))
		goto fail;
	stmt_bind_int(st, 1, community_id);
	if ((rc = stmt_step(st, e)) == STORE_ROW)
		n = stmt_int(st, 0);
	stmt_done(st);
	if (rc != STORE_ROW)
		goto fail;
	if (n >= SUPPLY_ITEMS_MAX) {
		err_set(e, ERR_CONFLICT, "name", "at most %d items", SUPPLY_ITEMS_MAX);
		goto fail;
	}
	if (!(st = store_prepare(db, sql_add, e)))
		goto fail;
	stmt_bind_int(st, 1, community_id);
	stmt_bind_text(st, 2, in->name, SIZE_MAX);
	stmt_bind_text(st, 3, in->category, SIZE_MAX);
	stmt_bind_int(st, 4, in->quantity);
	stmt_bind_text(st, 5, in->unit, SIZE_MAX);
	stmt_bind_text(st, 6, in->location ? in->location : "", SIZE_MAX);
	bind_opt_text(st, 7, in->expiry);
	stmt_bind_int(st, 8, in->minimum < 0 ? 0 : in->minimum);
	stmt_bind_text(st, 9, in->note ? in->note : "", SIZE_MAX);
	stmt_bind_int(st, 10, now);
	stmt_bind_int(st, 11, now);
	rc = stmt_step(st, e);
	if (rc == STORE_ROW)
		*out = stmt_int(st, 0);
	stmt_done(st);
	if (rc != STORE_ROW ||
	    log_add(db, *out, community_id, in->quantity, in->quantity, "入库 opening stock", who,
	            e) < 0 ||
	    store_commit(db, e) < 0)
		goto fail;
	return 0;
fail:
	store_rollback(db);
	return -1;
}

static json_t *item_json(struct stmt *st, const char *today)
{
	struct supply_alerts al;
	const char *expiry = stmt_is_null(st, 6) ? NULL : stmt_text(st, 6);
	supply_alerts_of(&al, stmt_int(st, 3), stmt_int(st, 7), expiry, today);
	json_t *alerts = json_pack("{s:b, s:b, s:b}", "expired", al.expired, "expiring",
	                           al.expiring, "low", al.low);
	json_object_set_new(alerts, "days_left", expiry ? json_integer(al.days_left) : json_null());
	return json_pack("{s:I, s:s, s:s, s:I, s:s, s:s, s:o, s:I, s:s, s:I, s:o}", "id",
	                 (json_int_t)stmt_int(st, 0), "name", stmt_text(st, 1), "category",
	                 stmt_text(st, 2), "quantity", (json_int_t)stmt_int(st, 3), "unit",
	                 stmt_text(st, 4), "location", stmt_text(st, 5), "expiry",
	                 expiry ? json_string(expiry) : json_null(), "minimum",
	                 (json_int_t)stmt_int(st, 7), "note", stmt_text(st, 8), "updated_at",
	                 (json_int_t)stmt_int(st, 9), "alerts", alerts);
}

static int by_category(const void *a, const void *b)
{
	json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	size_t cx = category_rank(json_string_value(json_object_get(x, "category")));
	size_t cy = category_rank(json_string_value(json_object_get(y, "category")));
	if (cx != cy)
		return cx < cy ? -1 : 1;
	int c = strcmp(json_string_value(json_object_get(x, "name")),
	               json_string_value(json_object_get(y, "name")));
	if (c)
		return c;
	return json_integer_value(json_object_get(x, "id")) <
	               json_integer_value(json_object_get(y, "id"))
	           ? -1
	           : 1;
}

int supply_list(struct store *db, json_t **out, int64_t community_id, const char *today,
                struct err *e)
{
	char now[11];
	struct stmt *st = store_prepare(db, sql_cols, e);
	json_t **rows = NULL, *arr;
	size_t n = 0, cap = 0;
	int64_t expired = 0, expiring = 0, low = 0, total = 0;
	int rc;
	if (!st)
		return -1;
	if (!today) {
		prep_today(now, time_now());
		today = now;
	}
	stmt_bind_int(st, 1, community_id);
	while ((rc = stmt_step(st, e)) == STORE_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			rows = xrealloc(rows, cap * sizeof(*rows));
		}
		rows[n++] = item_json(st, today);
	}
	stmt_done(st);
	if (n)
		qsort(rows, n, sizeof(*rows), by_category);
	arr = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *al = json_object_get(rows[i], "alerts");
		bool x = json_is_true(json_object_get(al, "expired")),
		     g = json_is_true(json_object_get(al, "expiring")),
		     l = json_is_true(json_object_get(al, "low"));
		expired += x;
		expiring += g;
		low += l;
		total += x || g || l;
		json_array_append_new(arr, rows[i]);
	}
	free(rows);
	if (rc < 0) {
		json_decref(arr);
		return -1;
	}
	*out = json_pack("{s:o, s:{s:I, s:I, s:I, s:I}, s:s}", "supplies", arr, "alerts",
	                 "expired", (json_int_t)expired, "expiring", (json_int_t)expiring, "low",
	                 (json_int_t)low, "total", (json_int_t)total, "today", today);
	return 0;
}

int supply_get(struct store *db, json_t **out, int64_t community_id, int64_t id,
               const char *today, struct err *e)
{
	char now[11];
	struct stmt *st = store_prepare(db, sql_one, e);
	json_t *v = NULL, *log;
	int rc;
	if (!st)
		return -1;
	if (!today) {
		prep_today(now, time_now());
		today = now;
	}
	stmt_bind_int(st, 1, community_id);
	stmt_bind_int(st, 2, id);
	rc = stmt_step(st, e);
	if (rc == STORE_ROW)
		v = item_json(st, today);
	stmt_done(st);
	if (rc == STORE_DONE)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such supply");
	if (rc < 0)
		return -1;
	if (!(st = store_prepare(db, sql_log_list, e))) {
		json_decref(v);
		return -1;
	}
	stmt_bind_int(st, 1, community_id);
	stmt_bind_int(st, 2, id);
	stmt_bind_int(st, 3, SUPPLY_LOG_SHOWN);
	log = json_array();
	while ((rc = stmt_step(st, e)) == STORE_ROW)
		json_array_append_new(log, json_pack("{s:I, s:I, s:s, s:s, s:I}", "delta",
		                                     (json_int_t)stmt_int(st, 0), "quantity",
		                                     (json_int_t)stmt_int(st, 1), "reason",
		                                     stmt_text(st, 2), "by", stmt_text(st, 3), "at",
		                                     (json_int_t)stmt_int(st, 4)));
	stmt_done(st);
	json_object_set_new(v, "log", log);
	if (rc < 0) {
		json_decref(v);
		return -1;
	}
	*out = v;
	return 0;
}

/* The stored row as input, for a partial update. */
struct stored {
	char name[512], category[32], unit[64], location[1024], expiry[16], note[2048];
	int64_t quantity, minimum;
};

static int load(struct store *db, struct stored *s, int64_t community_id, int64_t id,
                struct err *e)
{
	struct stmt *st = store_prepare(db, sql_one, e);
	int rc;
	if (!st)
		return -1;
	stmt_bind_int(st, 1, community_id);
	stmt_bind_int(st, 2, id);
	rc = stmt_step(st, e);
	if (rc == STORE_ROW) {
		snprintf(s->name, sizeof(s->name), "%s", stmt_text(st, 1));
		snprintf(s->category, sizeof(s->category), "%s", stmt_text(st, 2));
		s->quantity = stmt_int(st, 3);
		snprintf(s->unit, sizeof(s->unit), "%s", stmt_text(st, 4));
		snprintf(s->location, sizeof(s->location), "%s", stmt_text(st, 5));
		snprintf(s->expiry, sizeof(s->expiry), "%s", stmt_text(st, 6));
		s->minimum = stmt_int(st, 7);
		snprintf(s->note, sizeof(s->note), "%s", stmt_text(st, 8));
	}
	stmt_done(st);
	if (rc == STORE_DONE)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such supply");
	return rc < 0 ? -1 : 0;
}

int supply_update(struct store *db, int64_t community_id, int64_t id,
                  const struct supply_input *in, const struct prep_actor *who, struct err *e)
{
	struct stored s;
	struct stmt *st;
	(void)who;
	if (input_check(in, false, e) < 0)
		return -1;
	if (store_begin(db, e) < 0 || load(db, &s, community_id, id, e) < 0 ||
	    !(st = store_prepare(db, sql_update, e)))
		goto fail;
	stmt_bind_text(st, 1, in->name ? in->name : s.name, SIZE_MAX);
	stmt_bind_text(st, 2, in->category ? in->category : s.category, SIZE_MAX);
	stmt_bind_text(st, 3, in->unit ? in->unit : s.unit, SIZE_MAX);
	stmt_bind_text(st, 4, in->location ? in->location : s.location, SIZE_MAX);
	bind_opt_text(st, 5, in->expiry ? in->expiry : s.expiry);
	stmt_bind_int(st, 6, in->minimum >= 0 ? in->minimum : s.minimum);
	stmt_bind_text(st, 7, in->note ? in->note : s.note, SIZE_MAX);
	stmt_bind_int(st, 8, time_now());
	stmt_bind_int(st, 9, community_id);
	stmt_bind_int(st, 10, id);
	if (stmt_exec(st, e) < 0 || store_commit(db, e) < 0)
		goto fail;
	return 0;
fail:
	store_rollback(db);
	return -1;
}

int supply_adjust(struct store *db, int64_t *out, int64_t community_id, int64_t id,
                  int64_t delta, const char *reason, const struct prep_actor *who,
                  struct err *e)
{
	struct stored s;
	struct stmt *st;
	char detail[96];
	if (delta == 0 || delta < -SUPPLY_QUANTITY_MAX || delta > SUPPLY_QUANTITY_MAX)
		return err_set(e, ERR_INVALID, "delta", "delta is a whole number, not 0");
	if (prep_text_check(reason, SUPPLY_REASON_MAX, false, "reason", e) < 0)
		return -1;
	if (store_begin(db, e) < 0 || load(db, &s, community_id, id, e) < 0)
		goto fail;
	if (s.quantity + delta < 0 || s.quantity + delta > SUPPLY_QUANTITY_MAX) {
		err_set(e, ERR_INVALID, "delta", "only %lld in stock", (long long)s.quantity);
		goto fail;
	}
	if (!(st = store_prepare(db, sql_qty_set, e)))
		goto fail;
	stmt_bind_int(st, 1, s.quantity + delta);
	stmt_bind_int(st, 2, time_now());
	stmt_bind_int(st, 3, community_id);
	stmt_bind_int(st, 4, id);
	snprintf(detail, sizeof(detail), "supply %lld %+lld -> %lld", (long long)id,
	         (long long)delta, (long long)(s.quantity + delta));
	if (stmt_exec(st, e) < 0 ||
	    log_add(db, id, community_id, delta, s.quantity + delta, reason, who, e) < 0 ||
	    audit_append(db, who->user_id, who->name, "prep.supply.adjust", detail, community_id,
	                 who->ip, NULL, e) < 0 ||
	    store_commit(db, e) < 0)
		goto fail;
	*out = s.quantity + delta;
	return 0;
fail:
	store_rollback(db);
	return -1;
}

const struct migration supply_migrations[] = {
    {912, "field: emergency supplies and the log of their quantities",
     "CREATE TABLE prep_supplies ("
     " id @id, community_id BIGINT NOT NULL, name TEXT NOT NULL, category TEXT NOT NULL,"
     " quantity BIGINT NOT NULL, unit TEXT NOT NULL, location TEXT NOT NULL, expiry TEXT,"
     " minimum BIGINT NOT NULL, note TEXT NOT NULL, created_at BIGINT NOT NULL,"
     " updated_at BIGINT NOT NULL);"
     "CREATE INDEX prep_supplies_community ON prep_supplies (community_id, id);"
     "CREATE TABLE prep_supply_log ("
     " id @id, supply_id BIGINT NOT NULL REFERENCES prep_supplies(id),"
     " community_id BIGINT NOT NULL, delta BIGINT NOT NULL, quantity BIGINT NOT NULL,"
     " reason TEXT NOT NULL, actor_id BIGINT NOT NULL, actor_name TEXT NOT NULL,"
     " at BIGINT NOT NULL);"
     "CREATE INDEX prep_supply_log_supply ON prep_supply_log (supply_id, id);"},
};
const size_t supply_migrations_n = sizeof(supply_migrations) / sizeof(supply_migrations[0]);
