/*
 * supply.h - emergency supplies (应急物资; issue 8, item 1): item,
 * category, quantity and unit, where it is kept, expiry date and the
 * minimum level, with alerts and a log of every change of quantity.
 *
 * Quantities are whole numbers of the item's unit (箱, 瓶, 个, 件): no
 * fractions, so sums and comparisons are exact.  The quantity changes
 * only through supply_adjust, with a reason, in the same transaction as
 * its log row; so the log explains every unit on the shelf.
 *
 * Alerts, against today's date in China (prep_today):
 *   expired   the expiry date is before today;
 *   expiring  the expiry date is today or within the next 30 days
 *             (0 <= expiry - today <= 30 days);
 *   low       the quantity is below the minimum (quantity < minimum:
 *             at exactly the minimum there is no alert).
 * An item without an expiry date never expires.
 */
#ifndef LINLI_FIELD_SUPPLY_H
#define LINLI_FIELD_SUPPLY_H

#include "core/json.h"
#include "field/prep.h"
#include "store/store.h"

enum {
	SUPPLY_NAME_MAX = 100, /* characters */
	SUPPLY_UNIT_MAX = 10,
	SUPPLY_LOCATION_MAX = 200,
	SUPPLY_NOTE_MAX = 500,
	SUPPLY_REASON_MAX = 200,
	SUPPLY_QUANTITY_MAX = 100000000,
	SUPPLY_EXPIRING_DAYS = 30,
	SUPPLY_ITEMS_MAX = 2000, /* per community */
	SUPPLY_LOG_SHOWN = 100,
};

/* water, food, medicine, tools, shelter, power, communication, other. */
bool supply_category_valid(const char *s);

/* The alerts of an item (above). expiry may be NULL or "". */
struct supply_alerts {
	bool expired, expiring, low;
	int64_t days_left; /* expiry - today; only meaningful with an expiry */
};
void supply_alerts_of(struct supply_alerts *out, int64_t quantity, int64_t minimum,
                      const char *expiry, const char *today);

/* An item to add (every field) or change (NULL / -1: unchanged; "" clears
 * expiry, location and note). */
struct supply_input {
	const char *name;
	const char *category;
	const char *unit;
	const char *location;
	const char *expiry;
	const char *note;
	int64_t minimum;  /* 0..SUPPLY_QUANTITY_MAX; -1 unchanged */
	int64_t quantity; /* add only: the opening stock, logged */
};

/* Adds an item; *out its id.  ERR_INVALID naming the field. */
int supply_add(struct store *db, int64_t *out, int64_t community_id, const struct supply_input *in,
               const struct prep_actor *who, struct err *e);
/* Changes the description of an item (not its quantity). */
int supply_update(struct store *db, int64_t community_id, int64_t id,
                  const struct supply_input *in, const struct prep_actor *who, struct err *e);
/* Adds delta (negative takes out) with a reason, logged and audited
 * ("prep.supply.adjust"); *out the new quantity.  ERR_INVALID "delta"
 * when it is 0 or would make the quantity negative or too large. */
int supply_adjust(struct store *db, int64_t *out, int64_t community_id, int64_t id,
                  int64_t delta, const char *reason, const struct prep_actor *who,
                  struct err *e);

/* {"supplies": [item], "alerts": {"expired","expiring","low","total"}}
 * by category order then name; item: {"id","name","category","quantity",
 * "unit","location","expiry","minimum","note","updated_at","alerts":
 * {"expired","expiring","low","days_left"|null}}.  total counts items
 * with at least one alert.  today: NULL for the clock. */
int supply_list(struct store *db, json_t **out, int64_t community_id, const char *today,
                struct err *e);
/* One item with "log": the last SUPPLY_LOG_SHOWN changes, newest first:
 * [{"delta","quantity","reason","by","at"}]. */
int supply_get(struct store *db, json_t **out, int64_t community_id, int64_t id,
               const char *today, struct err *e);

extern const struct migration supply_migrations[];
extern const size_t supply_migrations_n;

struct route_table;
extern const struct route_table supply_routes;

#endif
