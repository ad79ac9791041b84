/*
 * org.c - rules and persistence of local organisations (see org.h).
 *
 * Contacts live in their own table, in the order given, and are replaced
 * as a whole when an organisation's contacts change: a form edits the list,
 * not one row.  Every statement filters on community_id; children also on
 * org_id, so an offer id of another organisation is not found either.
 */
#include "registry/org.h"

#include "core/timeutil.h"
#include "registry/mask.h"
#include "registry/phone.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static const char sql_org_add[] =
    "INSERT INTO orgs (community_id, name, type, address, notes, created_at)"
    " VALUES (?, ?, ?, ?, ?, ?) RETURNING id";
static const char sql_org_update[] =
    "UPDATE orgs SET name = COALESCE(?, name), type = COALESCE(?, type),"
    " address = COALESCE(?, address), notes = COALESCE(?, notes)"
    " WHERE id = ? AND community_id = ?";
static const char sql_org_in[] = "SELECT 1 FROM orgs WHERE id = ? AND community_id = ?";
static const char sql_contact_add[] =
    "INSERT INTO org_contacts (community_id, org_id, position, name, role, phone)"
    " VALUES (?, ?, ?, ?, ?, ?)";
static const char sql_contacts_delete[] =
    "DELETE FROM org_contacts WHERE org_id = ? AND community_id = ?";
static const char sql_orgs[] =
    "SELECT o.id, o.name, o.type, o.address,"
    " (SELECT COUNT(*) FROM org_offers f WHERE f.org_id = o.id AND f.community_id = "
    "o.community_id),"
    " (SELECT COUNT(*) FROM org_offers f WHERE f.org_id = o.id AND f.community_id = o.community_id"
    "  AND (f.valid_until IS NULL OR f.valid_until >= ?))"
    " FROM orgs o WHERE o.community_id = ? ORDER BY o.id";
static const char sql_contacts_all[] =
    "SELECT org_id, name, role, phone FROM org_contacts WHERE community_id = ?"
    " ORDER BY org_id, position";
static const char sql_org_one[] =
    "SELECT id, name, type, address, notes, created_at FROM orgs WHERE id = ? AND community_id = ?";
static const char sql_contacts_org[] =
    "SELECT name, role, phone FROM org_contacts WHERE org_id = ? AND community_id = ?"
    " ORDER BY position";
static const char sql_offers_org[] =
    "SELECT id, kind, description, quantity, unit, availability, valid_until FROM org_offers"
    " WHERE org_id = ? AND community_id = ? ORDER BY id";
static const char sql_offer_add[] =
    "INSERT INTO org_offers (community_id, org_id, kind, description, quantity, unit,"
    " availability, valid_until, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id";
static const char sql_offer_update[] =
    "UPDATE org_offers SET kind = COALESCE(?, kind), description = COALESCE(?, description),"
    " quantity = COALESCE(?, quantity), unit = COALESCE(?, unit),"
    " availability = COALESCE(?, availability)"
    " WHERE id = ? AND org_id = ? AND community_id = ?";
static const char sql_offer_valid[] =
    "UPDATE org_offers SET valid_until = ? WHERE id = ? AND org_id = ? AND community_id = ?";
static const char sql_offer_one[] =
    "SELECT id, kind, description, quantity, unit, availability, valid_until FROM org_offers"
    " WHERE id = ? AND org_id = ? AND community_id = ?";
static const char sql_offer_delete[] =
    "DELETE FROM org_offers WHERE id = ? AND org_id = ? AND community_id = ?";
#define SEARCH_HEAD                                                                                \
	"SELECT f.id, f.kind, f.description, f.quantity, f.unit, f.availability, f.valid_until,"   \
	" o.id, o.name, o.type,"                                                                   \
	" CASE WHEN f.valid_until IS NULL OR f.valid_until >= ? THEN 1 ELSE 0 END AS cur"          \
	" FROM org_offers f JOIN orgs o ON o.id = f.org_id AND o.community_id = f.community_id"    \
	" WHERE f.community_id = ? AND LOWER(f.description) LIKE ? ESCAPE '!'"
static const char sql_search[] = SEARCH_HEAD " ORDER BY cur DESC, f.id DESC LIMIT 200";
static const char sql_search_kind[] =
    SEARCH_HEAD " AND f.kind = ? ORDER BY cur DESC, f.id DESC LIMIT 200";
static const char sql_agreement_add[] =
    "INSERT INTO org_agreements (community_id, org_id, title, start_date, end_date, notes,"
    " created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id";
static const char sql_agreements[] =
    "SELECT id, title, start_date, end_date, notes FROM org_agreements"
    " WHERE org_id = ? AND community_id = ? ORDER BY start_date DESC, id DESC";
static const char sql_interaction_add[] =
    "INSERT INTO org_interactions (community_id, org_id, date, kind, notes, recorded_by,"
    " recorded_by_name, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id";
static const char sql_interactions[] =
    "SELECT id, date, kind, notes, recorded_by, recorded_by_name FROM org_interactions"
    " WHERE org_id = ? AND community_id = ? ORDER BY date DESC, id DESC";

static bool one_of(const char *s, const char *const *list)
{
	for (; s && *list; list++)
		if (!strcmp(s, *list))
			return true;
	return false;
}

bool org_type_ok(const char *s)
{
	static const char *const v[] = {"school",     "hospital",   "company", "shop",
	                                "social_org", "government", "other",   NULL};
	return one_of(s, v);
}

bool org_offer_kind_ok(const char *s)
{
	static const char *const v[] = {"venue", "goods", "skilled_people", "money", "other", NULL};
	return one_of(s, v);
}

bool org_interaction_kind_ok(const char *s)
{
	static const char *const v[] = {"visit", "call", "event", "donation", "other", NULL};
	return one_of(s, v);
}

int org_date_check(const char *s, const char *field, struct err *e)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y = 0, m = 0, d = 0;
	if (!s || strlen(s) != ORG_DATE_LEN || s[4] != '-' || s[7] != '-')
		return err_set(e, ERR_INVALID, field, "%s must be a date written YYYY-MM-DD",
		               field);
	for (int i = 0; i < ORG_DATE_LEN; i++) {
		if (i == 4 || i == 7)
			continue;
		if (s[i] < '0' || s[i] > '9')
			return err_set(e, ERR_INVALID, field,
			               "%s must be a date written YYYY-MM-DD", field);
		int v = s[i] - '0';
		if (i < 4)
			y = y * 10 + v;
		else if (i < 7)
			m = m * 10 + v;
		else
			d = d * 10 + v;
	}
	if (y < 1900 || y > 2999)
		return err_set(e, ERR_INVALID, field, "%s: the year must be between 1900 and 2999",
		               field);
	if (m < 1 || m > 12)
		return err_set(e, ERR_INVALID, field, "%s: no month %d", field, m);
	int last = mdays[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
	if (d < 1 || d > last)
		return err_set(e, ERR_INVALID, field, "%s: %04d-%02d has no day %d", field, y, m,
		               d);
	return 0;
}

void org_today(char out[ORG_DATE_LEN + 1])
{
	time_t t = (time_t)(time_now() + 8 * 3600);
	struct tm tm;
	gmtime_r(&t, &tm);
	if (strftime(out, ORG_DATE_LEN + 1, "%Y-%m-%d", &tm) != ORG_DATE_LEN)
		strcpy(out, "1970-01-01");
}

int org_contacts_take(const json_t *arr, struct arena *a, struct org_contact **out, size_t *n,
                      struct err *e)
{
	struct org_contact *v;
	size_t i, len;
	json_t *item;

	if (!json_is_array(arr))
		return err_set(e, ERR_INVALID, "contacts", "contacts must be an array");
	len = json_array_size(arr);
	if (len > ORG_CONTACTS_MAX)
		return err_set(e, ERR_INVALID, "contacts", "at most %d contacts", ORG_CONTACTS_MAX);
	v = arena_zalloc(a, (len ? len : 1) * sizeof(*v));
	json_array_foreach(arr, i, item)
	{
		const char *phone = NULL;
		const struct jfield f[] = {
		    {"name", JF_STRING, true, 1, ORG_CONTACT_NAME_MAX, &v[i].name, NULL},
		    {"role", JF_STRING, false, 0, ORG_CONTACT_NAME_MAX, &v[i].role, NULL},
		    {"phone", JF_STRING, false, 0, 32, &phone, NULL},
		};
		struct err inner = ERR_INIT;
		if (!json_is_object(item))
			return err_set(e, ERR_INVALID, "contacts",
			               "contacts[%zu] must be an object", i);
		if (json_take(item, f, 3, a, &inner) == 0 && phone && *phone) {
			char digits[PHONE_LEN + 1];
			if (phone_normalize(digits, phone, strlen(phone), &inner) == 0)
				v[i].phone = arena_strdup(a, digits);
		}
		if (err_is_set(&inner)) {
			char field[128];
			snprintf(field, sizeof(field), "contacts[%zu].%s", i,
			         inner.field[0] ? inner.field : "?");
			return err_set(e, inner.code, field, "%s", inner.message);
		}
	}
	*out = v;
	*n = len;
	return 0;
}

/* Runs a bound INSERT ... RETURNING id; a uniqueness conflict names field. */
static int insert_id(struct stmt *st, int64_t *out, const char *field, struct err *e)
{
	int rc = stmt_step(st, e);
	if (rc == STORE_ROW)
		*out = stmt_int(st, 0);
	stmt_done(st);
	if (rc == STORE_ROW)
		return 0;
	if (rc == STORE_DONE)
		return err_set(e, ERR_INTERNAL, NULL, "insert returned no id");
	if (e->code == ERR_CONFLICT && field) {
		err_clear(e);
		err_set(e, ERR_CONFLICT, field, "an organisation of this name already exists here");
	}
	return -1;
}

static void bind_text_or_null(struct stmt *st, int idx, const char *s)
{
	if (s)
		stmt_bind_text(st, idx, s, SIZE_MAX);
	else
		stmt_bind_null(st, idx);
}

static json_t *text_or_null(struct stmt *st, int col)
{
	return stmt_is_null(st, col) ? json_null() : json_string(stmt_text(st, col));
}

static json_t *int_or_null(struct stmt *st, int col)
{
	return stmt_is_null(st, col) ? json_null() : json_integer(stmt_int(st, col));
}

static int contacts_write(struct store *db, int64_t community_id, int64_t org_id,
                          const struct org_contact *c, size_t n, struct err *e)
{
	for (size_t i = 0; i < n; i++) {
		struct stmt *st = store_prepare(db, sql_contact_add, e);
		if (!st)
			return -1;
		stmt_bind_int(st, 1, community_id);
		stmt_bind_int(st, 2, org_id);
		stmt_bind_int(st, 3, (int64_t)i);
		stmt_bind_text(st, 4, c[i].name, SIZE_MAX);
		bind_text_or_null(st, 5, c[i].role);
		bind_text_or_null(st, 6, c[i].phone);
		if (stmt_exec(st, e) < 0)
			return -1;
	}
	return 0;
}

static int check_input(const struct org_input *in, bool adding, struct err *e)
{
	if (adding && (!in->name || !in->type))
		return err_set(e, ERR_INVALID, in->name ? "type" : "name", "%s is required",
		               in->name ? "type" : "name");
	if (in->type && !org_type_ok(in->type))
		return err_set(e, ERR_INVALID, "type",
		               "type must be school, hospital, company, shop, social_org, "
		               "government or other");
	return 0;
}

/* ---- organisations ---- */

int org_add(struct store *db, int64_t *out, int64_t community_id, const struct org_input *in,
            struct err *e)
{
	struct stmt *st;
	if (check_input(in, true, e) < 0 || store_begin(db, e) < 0)
		return -1;
	if (!(st = store_prepare(db, sql_org_add, e)))
		goto fail;
	stmt_bind_int(st, 1, community_id);
	stmt_bind_text(st, 2, in->name, SIZE_MAX);
	stmt_bind_text(st, 3, in->type, SIZE_MAX);
	bind_text_or_null(st, 4, in->address);
	bind_text_or_null(st, 5, in->notes);
	stmt_bind_int(st, 6, time_now());
	if (insert_id(st, out, "name", e) < 0 ||
	    contacts_write(db, community_id, *out, in->contacts, in->ncontacts, e) < 0 ||
	    store_commit(db, e) < 0)
		goto fail;
	return 0;
fail:
	store_rollback(db);
	return -1;
}

int org_exists(struct store *db, int64_t community_id, int64_t org_id, struct err *e)
{
	struct stmt *st = store_prepare(db, sql_org_in, e);
	int rc;
	if (!st)
		return -1;
	stmt_bind_int(st, 1, org_id);
	stmt_bind_int(st, 2, community_id);
	rc = stmt_step(st, e);
	stmt_done(st);
	if (rc == STORE_DONE)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such organisation");
	return rc < 0 ? -1 : 0;
}

int org_update(struct store *db, int64_t community_id, int64_t org_id, const struct org_input *in,
               struct err *e)
{
	struct stmt *st;
	if (check_input(in, false, e) < 0 || store_begin(db, e) < 0)
		return -1;
	if (org_exists(db, community_id, org_id, e) < 0 ||
	    !(st = store_prepare(db, sql_org_update, e)))
		goto fail;
	bind_text_or_null(st, 1, in->name);
	bind_text_or_null(st, 2, in->type);
	bind_text_or_null(st, 3, in->address);
	bind_text_or_null(st, 4, in->notes);
	stmt_bind_int(st, 5, org_id);
	stmt_bind_int(st, 6, community_id);
	if (stmt_exec(st, e) < 0) {
		if (e->code == ERR_CONFLICT) {
			err_clear(e);
			err_set(e, ERR_CONFLICT, "name",
			        "an organisation of this name already exists here");
		}
		goto fail;
	}
	if (in->set_contacts) {
		if (!(st = store_prepare(db, sql_contacts_delete, e)))
			goto fail;
		stmt_bind_int(st, 1, org_id);
		stmt_bind_int(st, 2, community_id);
		if (stmt_exec(st, e) < 0 ||
		    contacts_write(db, community_id, org_id, in->contacts, in->ncontacts, e) < 0)
			goto fail;
	}
	if (store_commit(db, e) < 0)
		goto fail;
	return 0;
fail:
	store_rollback(db);
	return -1;
}

static json_t *contact_json(struct stmt *st, int col, bool full, struct arena *a)
{
	json_t *phone = json_null();
	if (!stmt_is_null(st, col + 2)) {
		json_decref(phone);
		phone = json_string(
		    full ? stmt_text(st, col + 2)
		         : mask_phone(a, stmt_text(st, col + 2), stmt_len(st, col + 2)));
	}
	return json_pack("{s:s, s:o, s:o}", "name", stmt_text(st, col), "role",
	                 text_or_null(st, col + 1), "phone", phone);
}

int org_list(struct store *db, json_t **out, int64_t community_id, struct err *e)
{
	json_t *arr = json_array(), *index = json_object();
	struct stmt *st;
	struct arena a;
	char today[ORG_DATE_LEN + 1];
	int rc;

	arena_init(&a);
	org_today(today);
	if (!(st = store_prepare(db, sql_orgs, e)))
		goto fail;
	stmt_bind_text(st, 1, today, SIZE_MAX);
	stmt_bind_int(st, 2, community_id);
	while ((rc = stmt_step(st, e)) == STORE_ROW) {
		char key[24];
		json_t *o = json_pack("{s:I, s:s, s:s, s:o, s:I, s:I, s:[]}", "id",
		                      (json_int_t)stmt_int(st, 0), "name", stmt_text(st, 1), "type",
		                      stmt_text(st, 2), "address", text_or_null(st, 3), "offers",
		                      (json_int_t)stmt_int(st, 4), "current_offers",
		                      (json_int_t)stmt_int(st, 5), "contacts");
		snprintf(key, sizeof(key), "%lld", (long long)stmt_int(st, 0));
		json_object_set(index, key, o);
		json_array_append_new(arr, o);
	}
	stmt_done(st);
	if (rc < 0 || !(st = store_prepare(db, sql_contacts_all, e)))
		goto fail;
	stmt_bind_int(st, 1, community_id);
	while ((rc = stmt_step(st, e)) == STORE_ROW) {
		char key[24];
		snprintf(key, sizeof(key), "%lld", (long long)stmt_int(st, 0));
		json_t *o = json_object_get(index, key);
		if (o)
			json_array_append_new(json_object_get(o, "contacts"),
			                      contact_json(st, 1, false, &a));
	}
	stmt_done(st);
	if (rc < 0)
		goto fail;
	json_decref(index);
	arena_release(&a);
	*out = json_pack("{s:o}", "orgs", arr);
	return 0;
fail:
	json_decref(index);
	json_decref(arr);
	arena_release(&a);
	return -1;
}

static json_t *offer_json(struct stmt *st)
{
	return json_pack("{s:I, s:s, s:s, s:o, s:o, s:o, s:o}", "id", (json_int_t)stmt_int(st, 0),
	                 "kind", stmt_text(st, 1), "description", stmt_text(st, 2), "quantity",
	                 int_or_null(st, 3), "unit", text_or_null(st, 4), "availability",
	                 text_or_null(st, 5), "valid_until", text_or_null(st, 6));
}

/* Runs a list query bound (org_id, community_id), one JSON value per row. */
static int list_rows(struct store *db, const char *sql, int64_t community_id, int64_t org_id,
                     json_t *(*row)(struct stmt *), json_t **out, struct err *e)
{
	struct stmt *st = store_prepare(db, sql, e);
	json_t *arr;
	int rc;
	if (!st)
		return -1;
	arr = json_array();
	stmt_bind_int(st, 1, org_id);
	stmt_bind_int(st, 2, community_id);
	while ((rc = stmt_step(st, e)) == STORE_ROW)
		json_array_append_new(arr, row(st));
	stmt_done(st);
	if (rc < 0) {
		json_decref(arr);
		return -1;
	}
	*out = arr;
	return 0;
}

static json_t *agreement_json(struct stmt *st)
{
	return json_pack("{s:I, s:s, s:s, s:o, s:o}", "id", (json_int_t)stmt_int(st, 0), "title",
	                 stmt_text(st, 1), "start_date", stmt_text(st, 2), "end_date",
	                 text_or_null(st, 3), "notes", text_or_null(st, 4));
}

static json_t *interaction_json(struct stmt *st)
{
	return json_pack("{s:I, s:s, s:s, s:o, s:o, s:o}", "id", (json_int_t)stmt_int(st, 0),
	                 "date", stmt_text(st, 1), "kind", stmt_text(st, 2), "notes",
	                 text_or_null(st, 3), "recorded_by", int_or_null(st, 4), "recorded_by_name",
	                 text_or_null(st, 5));
}

int org_get(struct store *db, json_t **out, int64_t community_id, int64_t org_id, bool full_phones,
            struct arena *a, struct err *e)
{
	struct stmt *st = store_prepare(db, sql_org_one, e);
	json_t *o = NULL, *contacts = NULL, *list;
	int rc;

	if (!st)
		return -1;
	stmt_bind_int(st, 1, org_id);
	stmt_bind_int(st, 2, community_id);
	rc = stmt_step(st, e);
	if (rc == STORE_ROW)
		o = json_pack("{s:I, s:s, s:s, s:o, s:o, s:I}", "id", (json_int_t)stmt_int(st, 0),
		              "name", stmt_text(st, 1), "type", stmt_text(st, 2), "address",
		              text_or_null(st, 3), "notes", text_or_null(st, 4), "created_at",
		              (json_int_t)stmt_int(st, 5));
	stmt_done(st);
	if (rc == STORE_DONE)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such organisation");
	if (rc < 0 || !(st = store_prepare(db, sql_contacts_org, e)))
		goto fail;
	contacts = json_array();
	stmt_bind_int(st, 1, org_id);
	stmt_bind_int(st, 2, community_id);
	while ((rc = stmt_step(st, e)) == STORE_ROW)
		json_array_append_new(contacts, contact_json(st, 0, full_phones, a));
	stmt_done(st);
	if (rc < 0)
		goto fail;
	json_object_set_new(o, "contacts", contacts);
	contacts = NULL;
	json_object_set_new(o, "phones", json_string(full_phones ? "full" : "masked"));
	if (list_rows(db, sql_offers_org, community_id, org_id, offer_json, &list, e) < 0)
		goto fail;
	json_object_set_new(o, "offers", list);
	if (list_rows(db, sql_agreements, community_id, org_id, agreement_json, &list, e) < 0)
		goto fail;
	json_object_set_new(o, "agreements", list);
	if (list_rows(db, sql_interactions, community_id, org_id, interaction_json, &list, e) < 0)
		goto fail;
	json_object_set_new(o, "interactions", list);
	*out = o;
	return 0;
fail:
	json_decref(contacts);
	json_decref(o);
	return -1;
}

/* ---- offers ---- */

static int check_offer(const struct org_offer *o, bool adding, struct err *e)
{
	if (adding && !o->kind)
		return err_set(e, ERR_INVALID, "kind", "kind is required");
	if (adding && !o->description)
		return err_set(e, ERR_INVALID, "description", "description is required");
	if (o->kind && !org_offer_kind_ok(o->kind))
		return err_set(e, ERR_INVALID, "kind",
		               "kind must be venue, goods, skilled_people, money or other");
	if (o->quantity > ORG_QUANTITY_MAX)
		return err_set(e, ERR_INVALID, "quantity", "quantity must be at most %d",
		               ORG_QUANTITY_MAX);
	if (o->valid_until && (adding || *o->valid_until) &&
	    org_date_check(o->valid_until, "valid_until", e) < 0)
		return -1;
	return 0;
}

int org_offer_add(struct store *db, int64_t *out, int64_t community_id, int64_t org_id,
                  const struct org_offer *o, struct err *e)
{
	struct stmt *st;
	if (check_offer(o, true, e) < 0 || org_exists(db, community_id, org_id, e) < 0 ||
	    !(st = store_prepare(db, sql_offer_add, e)))
		return -1;
	stmt_bind_int(st, 1, community_id);
	stmt_bind_int(st, 2, org_id);
	stmt_bind_text(st, 3, o->kind, SIZE_MAX);
	stmt_bind_text(st, 4, o->description, SIZE_MAX);
	if (o->quantity >= 0)
		stmt_bind_int(st, 5, o->quantity);
	else
		stmt_bind_null(st, 5);
	bind_text_or_null(st, 6, o->unit);
	bind_text_or_null(st, 7, o->availability);
	bind_text_or_null(st, 8, o->valid_until);
	stmt_bind_int(st, 9, time_now());
	return insert_id(st, out, NULL, e);
}

int org_offer_update(struct store *db, json_t **out, int64_t community_id, int64_t org_id,
                     int64_t offer_id, const struct org_offer *o, struct err *e)
{
	struct stmt *st;
	int rc;
	if (check_offer(o, false, e) < 0 || store_begin(db, e) < 0)
		return -1;
	if (!(st = store_prepare(db, sql_offer_update, e)))
		goto fail;
	bind_text_or_null(st, 1, o->kind);
	bind_text_or_null(st, 2, o->description);
	if (o->quantity >= 0)
		stmt_bind_int(st, 3, o->quantity);
	else
		stmt_bind_null(st, 3);
	bind_text_or_null(st, 4, o->unit);
	bind_text_or_null(st, 5, o->availability);
	stmt_bind_int(st, 6, offer_id);
	stmt_bind_int(st, 7, org_id);
	stmt_bind_int(st, 8, community_id);
	if (stmt_exec(st, e) < 0)
		goto fail;
	if (o->valid_until) {
		if (!(st = store_prepare(db, sql_offer_valid, e)))
			goto fail;
		bind_text_or_null(st, 1, *o->valid_until ? o->valid_until : NULL);
		stmt_bind_int(st, 2, offer_id);
		stmt_bind_int(st, 3, org_id);
		stmt_bind_int(st, 4, community_id);
		if (stmt_exec(st, e) < 0)
			goto fail;
	}
	if (!(st = store_prepare(db, sql_offer_one, e)))
		goto fail;
	stmt_bind_int(st, 1, offer_id);
	stmt_bind_int(st, 2, org_id);
	stmt_bind_int(st, 3, community_id);
	rc = stmt_step(st, e);
	if (rc == STORE_ROW)
		*out = offer_json(st);
	stmt_done(st);
	if (rc == STORE_DONE)
		err_set(e, ERR_NOT_FOUND, NULL, "no such offer");
	if (rc != STORE_ROW || store_commit(db, e) < 0) {
		if (rc == STORE_ROW)
			json_decref(*out);
		goto fail;
	}
	return 0;
fail:
	store_rollback(db);
	return -1;
}

int org_offer_delete(struct store *db, int64_t community_id, int64_t org_id, int64_t offer_id,
                     struct err *e)
{
	struct stmt *st = store_prepare(db, sql_offer_delete, e);
	if (!st)
		return -1;
	stmt_bind_int(st, 1, offer_id);
	stmt_bind_int(st, 2, org_id);
	stmt_bind_int(st, 3, community_id);
	if (stmt_exec(st, e) < 0)
		return -1;
	return store_changes(db) ? 0 : err_set(e, ERR_NOT_FOUND, NULL, "no such offer");
}

/* '%' + q in ASCII lower case with ! % _ escaped by '!' + '%', in a. */
static char *like_pattern(struct arena *a, const char *q)
{
	size_t n = q ? strlen(q) : 0, k = 0;
	char *p = arena_alloc(a, 2 * n + 3);
	p[k++] = '%';
	for (size_t i = 0; i < n; i++) {
		char c = q[i];
		if (c == '!' || c == '%' || c == '_')
			p[k++] = '!';
		p[k++] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
	}
	p[k++] = '%';
	p[k] = '\0';
	return p;
}

int org_offer_search(struct store *db, json_t **out, int64_t community_id, const char *q,
                     const char *kind, const char *today, struct err *e)
{
	struct stmt *st;
	struct arena a;
	json_t *arr;
	int rc;

	if (kind && !org_offer_kind_ok(kind))
		return err_set(e, ERR_INVALID, "kind",
		               "kind must be venue, goods, skilled_people, money or other");
	if (!(st = store_prepare(db, kind ? sql_search_kind : sql_search, e)))
		return -1;
	arena_init(&a);
	stmt_bind_text(st, 1, today, SIZE_MAX);
	stmt_bind_int(st, 2, community_id);
	stmt_bind_text(st, 3, like_pattern(&a, q), SIZE_MAX);
	if (kind)
		stmt_bind_text(st, 4, kind, SIZE_MAX);
	arr = json_array();
	while ((rc = stmt_step(st, e)) == STORE_ROW) {
		json_t *o = offer_json(st);
		json_object_set_new(o, "current", json_boolean(stmt_int(st, 10)));
		json_object_set_new(o, "org",
		                    json_pack("{s:I, s:s, s:s}", "id", (json_int_t)stmt_int(st, 7),
		                              "name", stmt_text(st, 8), "type", stmt_text(st, 9)));
		json_array_append_new(arr, o);
	}
	stmt_done(st);
	arena_release(&a);
	if (rc < 0) {
		json_decref(arr);
		return -1;
	}
	*out = json_pack("{s:o}", "offers", arr);
	return 0;
}

/* ---- agreements and interactions ---- */

int org_agreement_add(struct store *db, int64_t *out, int64_t community_id, int64_t org_id,
                      const char *title, const char *start_date, const char *end_date,
                      const char *notes, struct err *e)
{
	struct stmt *st;
	if (org_date_check(start_date, "start_date", e) < 0 ||
	    (end_date && org_date_check(end_date, "end_date", e) < 0))
		return -1;
	if (end_date && strcmp(end_date, start_date) < 0)
		return err_set(e, ERR_INVALID, "end_date", "end_date is before start_date");
	if (org_exists(db, community_id, org_id, e) < 0 ||
	    !(st = store_prepare(db, sql_agreement_add, e)))
		return -1;
	stmt_bind_int(st, 1, community_id);
	stmt_bind_int(st, 2, org_id);
	stmt_bind_text(st, 3, title, SIZE_MAX);
	stmt_bind_text(st, 4, start_date, SIZE_MAX);
	bind_text_or_null(st, 5, end_date);
	bind_text_or_null(st, 6, notes);
	stmt_bind_int(st, 7, time_now());
	return insert_id(st, out, NULL, e);
}

int org_agreements(struct store *db, json_t **out, int64_t community_id, int64_t org_id,
                   struct err *e)
{
	json_t *list;
	if (org_exists(db, community_id, org_id, e) < 0 ||
	    list_rows(db, sql_agreements, community_id, org_id, agreement_json, &list, e) < 0)
		return -1;
	*out = json_pack("{s:o}", "agreements", list);
	return 0;
}

int org_interaction_add(struct store *db, int64_t *out, int64_t community_id, int64_t org_id,
                        const char *date, const char *kind, const char *notes, int64_t recorded_by,
                        const char *recorded_by_name, struct err *e)
{
	struct stmt *st;
	if (org_date_check(date, "date", e) < 0)
		return -1;
	if (!org_interaction_kind_ok(kind))
		return err_set(e, ERR_INVALID, "kind",
		               "kind must be visit, call, event, donation or other");
	if (org_exists(db, community_id, org_id, e) < 0 ||
	    !(st = store_prepare(db, sql_interaction_add, e)))
		return -1;
	stmt_bind_int(st, 1, community_id);
	stmt_bind_int(st, 2, org_id);
	stmt_bind_text(st, 3, date, SIZE_MAX);
	stmt_bind_text(st, 4, kind, SIZE_MAX);
	bind_text_or_null(st, 5, notes);
	if (recorded_by)
		stmt_bind_int(st, 6, recorded_by);
	else
		stmt_bind_null(st, 6);
	bind_text_or_null(st, 7, recorded_by_name);
	stmt_bind_int(st, 8, time_now());
	return insert_id(st, out, NULL, e);
}

int org_interactions(struct store *db, json_t **out, int64_t community_id, int64_t org_id,
                     struct err *e)
{
	json_t *list;
	if (org_exists(db, community_id, org_id, e) < 0 ||
	    list_rows(db, sql_interactions, community_id, org_id, interaction_json, &list, e) < 0)
		return -1;
	*out = json_pack("{s:o}", "interactions", list);
	return 0;
}

const struct migration org_migrations[] = {
    {400, "registry: local organisations, contacts, offers, agreements, interactions",
     "CREATE TABLE orgs ("
     " id @id, community_id BIGINT NOT NULL REFERENCES communities(id),"
     " name TEXT NOT NULL, type TEXT NOT NULL, address TEXT, notes TEXT,"
     " created_at BIGINT NOT NULL, UNIQUE (community_id, name));"
     "CREATE TABLE org_contacts ("
     " id @id, community_id BIGINT NOT NULL REFERENCES communities(id),"
     " org_id BIGINT NOT NULL REFERENCES orgs(id), position INTEGER NOT NULL,"
     " name TEXT NOT NULL, role TEXT, phone TEXT);"
     "CREATE INDEX org_contacts_org ON org_contacts (community_id, org_id, position);"
     "CREATE TABLE org_offers ("
     " id @id, community_id BIGINT NOT NULL REFERENCES communities(id),"
     " org_id BIGINT NOT NULL REFERENCES orgs(id), kind TEXT NOT NULL,"
     " description TEXT NOT NULL, quantity BIGINT, unit TEXT, availability TEXT,"
     " valid_until TEXT, created_at BIGINT NOT NULL);"
     "CREATE INDEX org_offers_org ON org_offers (community_id, org_id);"
     "CREATE TABLE org_agreements ("
     " id @id, community_id BIGINT NOT NULL REFERENCES communities(id),"
     " org_id BIGINT NOT NULL REFERENCES orgs(id), title TEXT NOT NULL,"
     " start_date TEXT NOT NULL, end_date TEXT, notes TEXT, created_at BIGINT NOT NULL);"
     "CREATE INDEX org_agreements_org ON org_agreements (community_id, org_id);"
     "CREATE TABLE org_interactions ("
     " id @id, community_id BIGINT NOT NULL REFERENCES communities(id),"
     " org_id BIGINT NOT NULL REFERENCES orgs(id), date TEXT NOT NULL, kind TEXT NOT NULL,"
     " notes TEXT, recorded_by BIGINT, recorded_by_name TEXT, created_at BIGINT NOT NULL);"
     "CREATE INDEX org_interactions_org ON org_interactions (community_id, org_id, date);"},
};
const size_t org_migrations_n = sizeof(org_migrations) / sizeof(org_migrations[0]);
