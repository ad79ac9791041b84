/*
 * emergency.c - activations, check-ins, the live view, follow-ups, help
 * requests and the report (see emergency.h).
 *
 * The snapshot taken at declaration is what makes the hot paths cheap: a
 * check-in is one indexed lookup, one UPDATE and one or two INSERTs in a
 * write transaction; the live view is one query per table of this folder
 * and joins in memory (a hash of dwelling ids), so 10,000 households cost
 * a few milliseconds of SQL and the rest is building JSON.
 */
#include "field/emergency.h"

#include "auth/auth.h"
#include "auth/members.h"
#include "core/jsonw.h"
#include "core/seal.h"
#include "core/timeutil.h"
#include "core/utf8.h"
#include "registry/care.h"
#include "registry/household.h"
#include "registry/resident.h"
#include "registry/structure.h"
#include "voice/notice.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- SQL ---- */

static const char sql_open_in[] =
    "SELECT id, scope FROM emergency_activations WHERE community_id = ? AND status = 'open'";
static const char sql_open_building[] =
    "SELECT 1 FROM emergency_buildings b JOIN emergency_activations a ON a.id = b.activation_id"
    " WHERE a.community_id = ? AND a.status = 'open' AND b.building_id = ?";
static const char sql_act_add[] =
    "INSERT INTO emergency_activations (community_id, hazard, title, scope, status,"
    " escalate_minutes, declared_by, declared_name, declared_at)"
    " VALUES (?, ?, ?, ?, 'open', ?, ?, ?, ?) RETURNING id";
static const char sql_bld_add[] =
    "INSERT INTO emergency_buildings (activation_id, building_id, name, grid_id, grid_name)"
    " VALUES (?, ?, ?, ?, ?)";
static const char sql_hh_add[] =
    "INSERT INTO emergency_households (activation_id, dwelling_id, community_id, building_id,"
    " unit, floor, room, label, occupied, status, needs) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?,"
    " 'unknown', '')";
static const char sql_vul_add[] =
    "INSERT INTO emergency_vulnerable (activation_id, resident_id, dwelling_id, name, priority,"
    " tags, caretaker) VALUES (?, ?, ?, ?, ?, ?, ?)";
#define ACT_COLS                                                                                   \
	"a.id, a.hazard, a.title, a.scope, a.status, a.escalate_minutes, a.declared_name,"         \
	" a.declared_at, a.broadcast_at, a.notices, a.closed_name, a.closed_at"
static const char sql_act_get[] =
    "SELECT " ACT_COLS " FROM emergency_activations a WHERE a.id = ? AND a.community_id = ?";
static const char sql_act_list[] =
    "SELECT " ACT_COLS ", (SELECT COUNT(*) FROM emergency_households h"
    " WHERE h.activation_id = a.id AND h.occupied = 1),"
    " (SELECT COUNT(*) FROM emergency_households h WHERE h.activation_id = a.id"
    " AND h.occupied = 1 AND h.reached_at IS NOT NULL)"
    " FROM emergency_activations a WHERE a.community_id = ? ORDER BY a.id DESC";
static const char sql_act_buildings[] =
    "SELECT building_id, name, grid_id, grid_name FROM emergency_buildings"
    " WHERE activation_id = ? ORDER BY name, building_id";
static const char sql_broadcast[] =
    "UPDATE emergency_activations SET broadcast_at = ?, notices = ? WHERE id = ?";
static const char sql_close[] =
    "UPDATE emergency_activations SET status = 'closed', closed_by = ?, closed_name = ?,"
    " closed_at = ? WHERE id = ? AND community_id = ? AND status = 'open'";
static const char sql_hh_one[] =
    "SELECT h.building_id, h.status, h.reached_at, a.status, h.label FROM emergency_households h"
    " JOIN emergency_activations a ON a.id = h.activation_id"
    " WHERE h.activation_id = ? AND h.dwelling_id = ? AND a.community_id = ?";
static const char sql_hh_set[] =
    "UPDATE emergency_households SET status = ?, needs = ?, channel = ?,"
    " changed_at = ?, occupied = 1, reached_at = COALESCE(reached_at, ?),"
    " reached_channel = COALESCE(reached_channel, ?) WHERE activation_id = ? AND dwelling_id = ?";
static const char sql_event_add[] =
    "INSERT INTO emergency_events (activation_id, dwelling_id, status, needs, channel, user_id,"
    " user_name, at, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
static const char sql_req_open_of[] =
    "SELECT id FROM emergency_requests WHERE activation_id = ? AND dwelling_id = ?"
    " AND status <> 'closed' ORDER BY id DESC LIMIT 1";
static const char sql_req_add[] =
    "INSERT INTO emergency_requests (activation_id, dwelling_id, needs, note, status,"
    " created_at) VALUES (?, ?, ?, ?, 'open', ?)";
static const char sql_req_update_needs[] =
    "UPDATE emergency_requests SET needs = ?, note = ? WHERE id = ?";
static const char sql_cover[] =
    "SELECT a.id, a.title, a.hazard, h.label, h.status, h.changed_at"
    " FROM emergency_households h JOIN emergency_activations a ON a.id = h.activation_id"
    " WHERE h.dwelling_id = ? AND a.community_id = ? AND a.status = 'open'"
    " ORDER BY a.id DESC LIMIT 1";
static const char sql_live_hh[] =
    "SELECT dwelling_id, building_id, unit, floor, room, occupied, status, needs, changed_at"
    " FROM emergency_households WHERE activation_id = ?"
    " ORDER BY building_id, floor DESC, unit, room";
static const char sql_live_vul[] =
    "SELECT resident_id, name, priority, tags, dwelling_id, caretaker FROM emergency_vulnerable"
    " WHERE activation_id = ? ORDER BY priority DESC, resident_id";
static const char sql_live_req[] =
    "SELECT id, dwelling_id, needs, note, status, matched_to, matched_user, created_at,"
    " matched_at, closed_at FROM emergency_requests WHERE activation_id = ? ORDER BY id";
static const char sql_fu_list[] =
    "SELECT f.id, f.dwelling_id, f.assignee, f.assignee_name, f.note, f.created_at, f.done_at,"
    " h.label FROM emergency_followups f JOIN emergency_households h"
    " ON h.activation_id = f.activation_id AND h.dwelling_id = f.dwelling_id"
    " WHERE f.activation_id = ? AND (? = 0 OR f.assignee = ?) ORDER BY f.id";
static const char sql_fu_add[] =
    "INSERT INTO emergency_followups (activation_id, dwelling_id, assignee, assignee_name,"
    " note, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id";
static const char sql_fu_done[] =
    "UPDATE emergency_followups SET done_at = ? WHERE id = ? AND activation_id = ?"
    " AND (? = 0 OR assignee = ?) AND done_at IS NULL"
    " AND EXISTS (SELECT 1 FROM emergency_activations a WHERE a.id = ? AND a.community_id = ?)";
static const char sql_fu_exists[] =
    "SELECT done_at FROM emergency_followups f JOIN emergency_activations a"
    " ON a.id = f.activation_id WHERE f.id = ? AND f.activation_id = ? AND a.community_id = ?"
    " AND (? = 0 OR f.assignee = ?)";
static const char sql_req_get[] =
    "SELECT r.status, h.building_id FROM emergency_requests r JOIN emergency_activations a"
    " ON a.id = r.activation_id JOIN emergency_households h ON h.activation_id = r.activation_id"
    " AND h.dwelling_id = r.dwelling_id WHERE r.id = ? AND r.activation_id = ?"
    " AND a.community_id = ?";
static const char sql_req_set[] =
    "UPDATE emergency_requests SET status = ?, matched_to = COALESCE(?, matched_to),"
    " matched_user = COALESCE(?, matched_user), matched_at = COALESCE(?, matched_at),"
    " closed_at = ?, updated_name = ? WHERE id = ?";
static const char sql_events[] =
    "SELECT at, status, needs, channel, user_name, note FROM emergency_events"
    " WHERE activation_id = ? AND dwelling_id = ? ORDER BY id";
static const char sql_report_rows[] =
    "SELECT h.dwelling_id, b.name, h.label, h.status, h.needs, h.reached_channel,"
    " h.reached_at FROM emergency_households h JOIN emergency_buildings b"
    " ON b.activation_id = h.activation_id AND b.building_id = h.building_id"
    " WHERE h.activation_id = ? AND h.occupied = 1 ORDER BY b.name, h.building_id, h.unit,"
    " h.floor, h.room";
static const char sql_report_events[] =
    "SELECT channel, COUNT(*), MIN(at), MAX(at) FROM emergency_events WHERE activation_id = ?"
    " GROUP BY channel";

/* ---- names ---- */

static const char *const status_names[EM_STATUS_COUNT] = {"unknown", "safe", "needs_help", "away",
                                                          "no_answer"};
static const char *const channel_names[EM_CHANNEL_COUNT] = {"door_card", "lead", "phone", "worker"};
static const char *const need_names[EM_NEED_COUNT] = {"medical",  "medicine", "food", "water",
                                                      "mobility", "shelter",  "other"};
static const char *const hazards[] = {"fire", "flood",    "typhoon",      "earthquake", "heat",
                                      "cold", "gas_leak", "power_outage", "epidemic",   "other"};

static int find(const char *const *names, int n, const char *s)
{
	for (int i = 0; s && i < n; i++)
		if (!strcmp(s, names[i]))
			return i;
	return -1;
}

const char *emergency_status_name(enum emergency_status s)
{
	return (unsigned)s < EM_STATUS_COUNT ? status_names[s] : "";
}
int emergency_status_parse(const char *name)
{
	return find(status_names, EM_STATUS_COUNT, name);
}
const char *emergency_channel_name(enum emergency_channel c)
{
	return (unsigned)c < EM_CHANNEL_COUNT ? channel_names[c] : "";
}
int emergency_channel_parse(const char *name)
{
	return find(channel_names, EM_CHANNEL_COUNT, name);
}
const char *emergency_need_name(int i)
{
	return i >= 0 && i < EM_NEED_COUNT ? need_names[i] : "";
}
int emergency_need_parse(const char *name)
{
	return find(need_names, EM_NEED_COUNT, name);
}
bool emergency_hazard_ok(const char *s)
{
	return find(hazards, (int)(sizeof(hazards) / sizeof(hazards[0])), s) >= 0;
}

/* "medical,food" for a set of kinds, in a. */
static const char *needs_text(unsigned needs, struct arena *a)
{
	char buf[128];
	size_t k = 0;
	buf[0] = '\0';
	for (int i = 0; i < EM_NEED_COUNT; i++)
		if (needs & (1u << i))
			k += (size_t)snprintf(buf + k, sizeof(buf) - k, "%s%s", k ? "," : "",
			                      need_names[i]);
	return arena_strdup(a, buf);
}

/* ["medical","food"] from the stored text. */
static json_t *needs_json(const char *s)
{
	json_t *arr = json_array();
	while (s && *s) {
		const char *c = strchr(s, ',');
		size_t n = c ? (size_t)(c - s) : strlen(s);
		json_array_append_new(arr, json_stringn(s, n));
		s = c ? c + 1 : s + n;
	}
	return arr;
}

int emergency_mark_check(const struct emergency_mark *m, struct err *e)
{
	if (m->status <= EM_UNKNOWN || m->status >= EM_STATUS_COUNT)
		return err_set(e, ERR_INVALID, "status",
		               "status must be safe, needs_help, away or no_answer");
	if ((unsigned)m->channel >= EM_CHANNEL_COUNT)
		return err_set(e, ERR_INVALID, "channel",
		               "channel must be door_card, lead, phone or worker");
	if (m->status == EM_NEEDS_HELP && !m->needs)
		return err_set(e, ERR_INVALID, "needs", "say what help is needed");
	if (m->status != EM_NEEDS_HELP && m->needs)
		return err_set(e, ERR_INVALID, "needs", "needs go with status needs_help");
	if (m->needs >> EM_NEED_COUNT)
		return err_set(e, ERR_INVALID, "needs", "unknown kind of need");
	if (m->note && utf8_count(m->note, strlen(m->note)) > EMERGENCY_NOTE_MAX)
		return err_set(e, ERR_INVALID, "note", "note is at most %d characters",
		               EMERGENCY_NOTE_MAX);
	return 0;
}

static bool only_has(const struct emergency_only *only, int64_t building)
{
	if (!only || !only->buildings)
		return true;
	for (size_t i = 0; i < only->n; i++)
		if (only->buildings[i] == building)
			return true;
	return false;
}

/* ---- a set of ids: open addressing, for the in-memory joins ---- */

struct idmap {
	int64_t *keys;
	size_t *vals;
	size_t cap, n;
};

static void idmap_init(struct idmap *m, size_t expect)
{
	m->cap = 16;
	while (m->cap < expect * 2 + 2)
		m->cap *= 2;
	m->keys = calloc(m->cap, sizeof(*m->keys));
	m->vals = calloc(m->cap, sizeof(*m->vals));
	m->n = 0;
	if (!m->keys || !m->vals) {
		fprintf(stderr, "out of memory\n");
		abort();
	}
}

static void idmap_release(struct idmap *m)
{
	free(m->keys);
	free(m->vals);
}

static size_t slot_of(const struct idmap *m, int64_t k)
{
	size_t i = (size_t)((uint64_t)k * 0x9E3779B97F4A7C15ull) & (m->cap - 1);
	while (m->keys[i] && m->keys[i] != k)
		i = (i + 1) & (m->cap - 1);
	return i;
}

static void idmap_put(struct idmap *m, int64_t k, size_t v)
{
	if ((m->n + 1) * 2 > m->cap) {
		struct idmap g;
		idmap_init(&g, m->cap);
		for (size_t i = 0; i < m->cap; i++)
			if (m->keys[i])
				idmap_put(&g, m->keys[i], m->vals[i]);
		idmap_release(m);
		*m = g;
	}
	size_t i = slot_of(m, k);
	if (!m->keys[i])
		m->n++;
	m->keys[i] = k;
	m->vals[i] = v;
}

/* The value stored for k, or (size_t)-1. */
static size_t idmap_get(const struct idmap *m, int64_t k)
{
	size_t i = slot_of(m, k);
	return m->keys[i] ? m->vals[i] : (size_t)-1;
}

/* ---- declaring ---- */

static int overlap_check(struct store *db, int64_t community_id, const struct emergency_new *n,
                         const int64_t *blds, size_t nb, struct err *e)
{
	struct stmt *st = store_prepare(db, sql_open_in, e);
	bool any = false, whole = false;
	int rc;
	if (!st)
		return -1;
	stmt_bind_int(st, 1, community_id);
	while ((rc = stmt_step(st, e)) == STORE_ROW) {
		any = true;
		whole |= !strcmp(stmt_text(st, 1), "community");
	}
	stmt_done(st);
	if (rc < 0)
		return -1;
	if (whole || (any && n->community))
		return err_set(e, ERR_CONFLICT, "scope",
		               "an open activation already covers part of this scope");
	for (size_t i = 0; any && i < nb; i++) {
		if (!(st = store_prepare(db, sql_open_building, e)))
			return -1;
		stmt_bind_int(st, 1, community_id);
		stmt_bind_int(st, 2, blds[i]);
		rc = stmt_step(st, e);
		stmt_done(st);
		if (rc < 0)
			return -1;
		if (rc == STORE_ROW)
			return err_set(e, ERR_CONFLICT, "scope",
			               "an open activation already covers building %lld",
			               (long long)blds[i]);
	}
	return 0;
}

/* Inserts a building and its dwellings into the snapshot. */
static int snapshot_building(struct store *db, int64_t act, int64_t community_id, int64_t bid,
                             const struct idmap *occupied, json_t *grid_names,
                             struct idmap *in_scope, struct arena *a, struct err *e)
{
	json_t *b = NULL, *unit, *dw;
	struct stmt *st;
	size_t i, j;
	int rc = -1;

	if (structure_building_get(db, &b, community_id, bid, e) < 0) {
		if (e->code == ERR_NOT_FOUND) {
			err_clear(e);
			err_set(e, ERR_NOT_FOUND, "buildings", "no building %lld in this community",
			        (long long)bid);
		}
		return -1;
	}
	const char *bname = json_string_value(json_object_get(b, "name"));
	json_t *grid = json_object_get(b, "grid_id");
	if (!(st = store_prepare(db, sql_bld_add, e)))
		goto out;
	stmt_bind_int(st, 1, act);
	stmt_bind_int(st, 2, bid);
	stmt_bind_text(st, 3, bname, SIZE_MAX);
	if (json_is_integer(grid)) {
		char key[24];
		snprintf(key, sizeof(key), "%lld", (long long)json_integer_value(grid));
		stmt_bind_int(st, 4, json_integer_value(grid));
		stmt_bind_text(st, 5, json_string_value(json_object_get(grid_names, key)),
		               SIZE_MAX);
	} else {
		stmt_bind_null(st, 4);
		stmt_bind_null(st, 5);
	}
	if (stmt_exec(st, e) < 0)
		goto out;
	json_array_foreach(json_object_get(b, "units"), i, unit)
	{
		const char *uname = json_string_value(json_object_get(unit, "name"));
		json_array_foreach(json_object_get(unit, "dwellings"), j, dw)
		{
			int64_t id = json_integer_value(json_object_get(dw, "id"));
			const char *room = json_string_value(json_object_get(dw, "room"));
			if (!(st = store_prepare(db, sql_hh_add, e)))
				goto out;
			stmt_bind_int(st, 1, act);
			stmt_bind_int(st, 2, id);
			stmt_bind_int(st, 3, community_id);
			stmt_bind_int(st, 4, bid);
			stmt_bind_text(st, 5, uname, SIZE_MAX);
			stmt_bind_int(st, 6, json_integer_value(json_object_get(dw, "floor")));
			stmt_bind_text(st, 7, room, SIZE_MAX);
			stmt_bind_text(st, 8, arena_printf(a, "%s %s %s", bname, uname, room),
			               SIZE_MAX);
			stmt_bind_int(st, 9, idmap_get(occupied, id) != (size_t)-1);
			if (stmt_exec(st, e) < 0)
				goto out;
			idmap_put(in_scope, id, 1);
		}
	}
	rc = 0;
out:
	json_decref(b);
	return rc;
}

/* The vulnerable residents of the scope, from the care list, by page. */
static int snapshot_vulnerable(struct store *db, int64_t act, int64_t community_id,
                               const struct idmap *in_scope, struct err *e)
{
	struct care_filter f = {.limit = CARE_LIST_MAX};
	size_t stored = 0;
	for (;;) {
		json_t *list = NULL, *r;
		size_t i;
		if (care_list(db, &list, community_id, &f, true, e) < 0)
			return -1;
		json_array_foreach(json_object_get(list, "residents"), i, r)
		{
			json_t *d = json_object_get(r, "dwelling"), *tag, *prim;
			int64_t did =
			    json_is_object(d) ? json_integer_value(json_object_get(d, "id")) : 0;
			struct strbuf tags;
			size_t k;
			struct stmt *st;
			if (!did || idmap_get(in_scope, did) == (size_t)-1 ||
			    stored >= EMERGENCY_VULNERABLE_MAX)
				continue;
			strbuf_init(&tags);
			json_array_foreach(json_object_get(r, "tags"), k, tag)
			{
				if (k)
					strbuf_addstr(&tags, "、");
				strbuf_addstr(&tags,
				              json_string_value(json_object_get(tag, "name_zh")));
			}
			prim = json_object_get(r, "primary");
			if (!(st = store_prepare(db, sql_vul_add, e))) {
				strbuf_release(&tags);
				json_decref(list);
				return -1;
			}
			stmt_bind_int(st, 1, act);
			stmt_bind_int(st, 2, json_integer_value(json_object_get(r, "id")));
			stmt_bind_int(st, 3, did);
			stmt_bind_text(st, 4, json_string_value(json_object_get(r, "name")),
			               SIZE_MAX);
			stmt_bind_int(st, 5, json_integer_value(json_object_get(r, "priority")));
			stmt_bind_text(st, 6, tags.buf, SIZE_MAX);
			if (json_is_object(prim))
				stmt_bind_text(st, 7,
				               json_string_value(json_object_get(prim, "name")),
				               SIZE_MAX);
			else
				stmt_bind_null(st, 7);
			strbuf_release(&tags);
			if (stmt_exec(st, e) < 0) {
				json_decref(list);
				return -1;
			}
			stored++;
		}
		json_t *next = json_object_get(list, "next_offset");
		bool more = json_is_integer(next);
		if (more)
			f.offset = json_integer_value(next);
		json_decref(list);
		if (!more)
			return 0;
	}
}

int emergency_declare(struct store *db, int64_t *out, int64_t community_id,
                      const struct emergency_new *n, const struct emergency_actor *who,
                      struct err *e)
{
	struct arena a = ARENA_INIT;
	struct household *hh;
	struct idmap occupied = {0}, in_scope = {0};
	json_t *tree = NULL, *grid_names = NULL, *g;
	struct community c;
	int64_t *blds = NULL, act = 0;
	size_t nh = 0, nb = 0, i;
	struct stmt *st;
	int rc = -1;

	if (!emergency_hazard_ok(n->hazard))
		return err_set(e, ERR_INVALID, "hazard",
		               "hazard must be fire, flood, typhoon, earthquake, heat, cold, "
		               "gas_leak, power_outage, epidemic or other");
	if (!n->title || !*n->title || utf8_count(n->title, strlen(n->title)) > EMERGENCY_TITLE_MAX)
		return err_set(e, ERR_INVALID, "title", "title must be 1 to %d characters",
		               EMERGENCY_TITLE_MAX);
	if (!n->community && (n->nbuildings < 1 || n->nbuildings > EMERGENCY_BUILDINGS_MAX))
		return err_set(e, ERR_INVALID, "buildings",
		               "list 1 to %d buildings, or give scope community",
		               EMERGENCY_BUILDINGS_MAX);
	if (n->escalate_minutes < 0 || n->escalate_minutes > EMERGENCY_ESCALATE_MAX)
		return err_set(e, ERR_INVALID, "escalate_minutes",
		               "escalate_minutes must be 1 to %d", EMERGENCY_ESCALATE_MAX);

	grid_names = json_object();
	idmap_init(&occupied, 256);
	idmap_init(&in_scope, 256);
	if (store_begin(db, e) < 0)
		goto out;
	/* the occupied dwellings, and the buildings in scope */
	if (n->community) {
		if (household_list(db, &a, community_id, "community", 0, &hh, &nh, e) < 0)
			goto out;
		blds = arena_alloc(&a, (nh ? nh : 1) * sizeof(*blds));
		for (i = 0; i < nh; i++) {
			idmap_put(&occupied, hh[i].dwelling_id, 1);
			if (!nb || blds[nb - 1] != hh[i].building_id) {
				/* households come ordered by building name then id: a
				 * building's rows are contiguous */
				blds[nb++] = hh[i].building_id;
			}
		}
	} else {
		blds = arena_alloc(&a, n->nbuildings * sizeof(*blds));
		for (i = 0; i < n->nbuildings; i++) {
			bool dup = false;
			for (size_t k = 0; k < nb; k++)
				dup |= blds[k] == n->buildings[i];
			if (dup)
				continue;
			blds[nb++] = n->buildings[i];
			if (household_list(db, &a, community_id, "building", n->buildings[i], &hh,
			                   &nh, e) < 0) {
				if (e->code == ERR_NOT_FOUND) {
					err_clear(e);
					err_set(e, ERR_NOT_FOUND, "buildings",
					        "no building %lld in this community",
					        (long long)n->buildings[i]);
				}
				goto out;
			}
			for (size_t k = 0; k < nh; k++)
				idmap_put(&occupied, hh[k].dwelling_id, 1);
		}
	}
	if (overlap_check(db, community_id, n, blds, nb, e) < 0)
		goto out;
	if (structure_community_get(db, &c, community_id, &a, e) < 0 ||
	    structure_tree(db, &c, &tree, e) < 0)
		goto out;
	json_array_foreach(json_object_get(tree, "grids"), i, g)
	{
		char key[24];
		snprintf(key, sizeof(key), "%lld",
		         (long long)json_integer_value(json_object_get(g, "id")));
		json_object_set(grid_names, key, json_object_get(g, "name"));
	}
	if (!(st = store_prepare(db, sql_act_add, e)))
		goto out;
	stmt_bind_int(st, 1, community_id);
	stmt_bind_text(st, 2, n->hazard, SIZE_MAX);
	stmt_bind_text(st, 3, n->title, SIZE_MAX);
	stmt_bind_text(st, 4, n->community ? "community" : "buildings", SIZE_MAX);
	stmt_bind_int(st, 5,
	              n->escalate_minutes ? n->escalate_minutes : EMERGENCY_ESCALATE_DEFAULT);
	stmt_bind_int(st, 6, who->user_id);
	stmt_bind_text(st, 7, who->display_name ? who->display_name : "", SIZE_MAX);
	stmt_bind_int(st, 8, time_now());
	if (stmt_step(st, e) == STORE_ROW)
		act = stmt_int(st, 0);
	stmt_done(st);
	if (!act)
		goto out;
	for (i = 0; i < nb; i++)
		if (snapshot_building(db, act, community_id, blds[i], &occupied, grid_names,
		                      &in_scope, &a, e) < 0)
			goto out;
	if (snapshot_vulnerable(db, act, community_id, &in_scope, e) < 0)
		goto out;
	if (audit_append(db, who->user_id, who->username, "emergency.declare",
	                 arena_printf(&a, "activation:%lld", (long long)act), community_id, who->ip,
	                 arena_printf(&a,
	                              "{\"hazard\":\"%s\",\"buildings\":%zu,\"households\":%zu}",
	                              n->hazard, nb, occupied.n),
	                 e) < 0 ||
	    store_commit(db, e) < 0)
		goto out;
	*out = act;
	rc = 0;
out:
	if (rc < 0)
		store_rollback(db);
	idmap_release(&occupied);
	idmap_release(&in_scope);
	json_decref(tree);
	json_decref(grid_names);
	arena_release(&a);
	return rc;
}

/* ---- reading an activation ---- */

static json_t *int_or_null(struct stmt *st, int col)
{
	return stmt_is_null(st, col) ? json_null() : json_integer(stmt_int(st, col));
}
static json_t *text_or_null(struct stmt *st, int col)
{
	return stmt_is_null(st, col) ? json_null() : json_string(stmt_text(st, col));
}

static json_t *act_json(struct stmt *st)
{
	json_t *notices = stmt_is_null(st, 9) ? json_array() : needs_json(stmt_text(st, 9));
	json_t *ids = json_array(), *v;
	size_t i;
	json_array_foreach(notices, i, v)
	    json_array_append_new(ids, json_integer(atoll(json_string_value(v))));
	json_decref(notices);
	return json_pack("{s:I, s:s, s:s, s:s, s:s, s:I, s:s, s:I, s:o, s:o, s:o, s:o}", "id",
	                 (json_int_t)stmt_int(st, 0), "hazard", stmt_text(st, 1), "title",
	                 stmt_text(st, 2), "scope", stmt_text(st, 3), "status", stmt_text(st, 4),
	                 "escalate_minutes", (json_int_t)stmt_int(st, 5), "declared_by",
	                 stmt_text(st, 6), "declared_at", (json_int_t)stmt_int(st, 7),
	                 "broadcast_at", int_or_null(st, 8), "notices", ids, "closed_by",
	                 text_or_null(st, 10), "closed_at", int_or_null(st, 11));
}

/* The activation as JSON into *out; ERR_NOT_FOUND outside the community. */
static int act_load(struct store *db, json_t **out, int64_t community_id, int64_t id, struct err *e)
{
	struct stmt *st = store_prepare(db, sql_act_get, e);
	int rc;
	if (!st)
		return -1;
	stmt_bind_int(st, 1, id);
	stmt_bind_int(st, 2, community_id);
	rc = stmt_step(st, e);
	if (rc == STORE_ROW)
		*out = act_json(st);
	stmt_done(st);
	if (rc == STORE_DONE)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such activation");
	return rc < 0 ? -1 : 0;
}

int emergency_list(struct store *db, json_t **out, int64_t community_id, struct err *e)
{
	struct stmt *st = store_prepare(db, sql_act_list, e);
	json_t *arr;
	int rc;
	if (!st)
		return -1;
	stmt_bind_int(st, 1, community_id);
	arr = json_array();
	while ((rc = stmt_step(st, e)) == STORE_ROW) {
		json_t *o = act_json(st);
		json_object_set_new(o, "households", json_integer(stmt_int(st, 12)));
		json_object_set_new(o, "reached", json_integer(stmt_int(st, 13)));
		json_array_append_new(arr, o);
	}
	stmt_done(st);
	if (rc < 0) {
		json_decref(arr);
		return -1;
	}
	*out = json_pack("{s:o}", "activations", arr);
	return 0;
}

/* ---- broadcast and close ---- */

int emergency_broadcast(struct store *db, json_t **out, int64_t community_id, int64_t activation_id,
                        const char *body, const struct emergency_actor *who, struct err *e)
{
	struct arena a = ARENA_INIT;
	json_t *act = NULL, *ids = json_array();
	struct strbuf list;
	struct stmt *st;
	int rc = -1, step;
	int64_t now = time_now();

	strbuf_init(&list);
	if (body && (!*body || utf8_count(body, strlen(body)) > EMERGENCY_BODY_MAX)) {
		err_set(e, ERR_INVALID, "body", "body must be 1 to %d characters",
		        EMERGENCY_BODY_MAX);
		goto out;
	}
	if (act_load(db, &act, community_id, activation_id, e) < 0)
		goto out;
	if (strcmp(json_string_value(json_object_get(act, "status")), "open")) {
		err_set(e, ERR_CONFLICT, NULL, "this activation is closed");
		goto out;
	}
	const char *title = json_string_value(json_object_get(act, "title"));
	const char *text =
	    body
	        ? body
	        : "请立即报平安：扫描门上应急门卡的二维码，点“我家平安”；需要帮助请点“我需要帮助”。"
	          "无法扫码请联系楼组长或拨打社区电话。\n"
	          "Please check in: scan the QR code on your door card and tap \"We are safe\", "
	          "or \"I need help\".";
	struct notice_new nn = {
	    .title = title, .body = text, .category = "announcement", .pinned = true};
	if (!strcmp(json_string_value(json_object_get(act, "scope")), "community")) {
		nn.scope = "community";
		nn.scope_id = community_id;
		json_array_append_new(ids, json_integer(0));
	} else {
		if (!(st = store_prepare(db, sql_act_buildings, e)))
			goto out;
		stmt_bind_int(st, 1, activation_id);
		while ((step = stmt_step(st, e)) == STORE_ROW)
			json_array_append_new(ids, json_integer(stmt_int(st, 0)));
		stmt_done(st);
		if (step < 0)
			goto out;
		nn.scope = "building";
	}
	/* one notice per building (or one for the community), each published */
	for (size_t i = 0; i < json_array_size(ids); i++) {
		struct notice_info info;
		int64_t nid;
		if (strcmp(nn.scope, "community"))
			nn.scope_id = json_integer_value(json_array_get(ids, i));
		if (notice_add(db, &nid, community_id, &nn, who->user_id, e) < 0 ||
		    notice_get(db, &info, community_id, nid, true, &a, e) < 0 ||
		    notice_set_status(db, &info, "published", who->user_id, e) < 0)
			goto out;
		json_array_set_new(ids, i, json_integer(nid));
		strbuf_addf(&list, "%s%lld", i ? "," : "", (long long)nid);
	}
	if (store_begin(db, e) < 0 || !(st = store_prepare(db, sql_broadcast, e)))
		goto fail;
	stmt_bind_int(st, 1, now);
	stmt_bind_text(st, 2, list.buf, SIZE_MAX);
	stmt_bind_int(st, 3, activation_id);
	if (stmt_exec(st, e) < 0 ||
	    audit_append(db, who->user_id, who->username, "emergency.broadcast",
	                 arena_printf(&a, "activation:%lld", (long long)activation_id),
	                 community_id, who->ip, NULL, e) < 0 ||
	    store_commit(db, e) < 0)
		goto fail;
	*out = json_pack("{s:O, s:I}", "notices", ids, "broadcast_at", (json_int_t)now);
	rc = 0;
	goto out;
fail:
	store_rollback(db);
out:
	json_decref(act);
	json_decref(ids);
	strbuf_release(&list);
	arena_release(&a);
	return rc;
}

int emergency_close(struct store *db, int64_t community_id, int64_t activation_id,
                    const struct emergency_actor *who, struct err *e)
{
	json_t *act = NULL;
	char subject[48];
	struct stmt *st;

	if (store_begin(db, e) < 0)
		return -1;
	if (act_load(db, &act, community_id, activation_id, e) < 0)
		goto fail;
	json_decref(act);
	if (!(st = store_prepare(db, sql_close, e)))
		goto fail;
	stmt_bind_int(st, 1, who->user_id);
	stmt_bind_text(st, 2, who->display_name ? who->display_name : "", SIZE_MAX);
	stmt_bind_int(st, 3, time_now());
	stmt_bind_int(st, 4, activation_id);
	stmt_bind_int(st, 5, community_id);
	if (stmt_exec(st, e) < 0)
		goto fail;
	if (store_changes(db) == 0) {
		err_set(e, ERR_CONFLICT, NULL, "this activation is closed already");
		goto fail;
	}
	snprintf(subject, sizeof(subject), "activation:%lld", (long long)activation_id);
	if (audit_append(db, who->user_id, who->username, "emergency.close", subject, community_id,
	                 who->ip, NULL, e) < 0 ||
	    store_commit(db, e) < 0)
		goto fail;
	return 0;
fail:
	store_rollback(db);
	return -1;
}

/* ---- marking ---- */

/* Records m for the household inside an open transaction; the activation
 * must be open and the dwelling in it. */
static int mark_in_tx(struct store *db, int64_t community_id, int64_t act, int64_t dwelling_id,
                      const struct emergency_only *only, const struct emergency_mark *m,
                      struct arena *a, struct err *e)
{
	struct stmt *st = store_prepare(db, sql_hh_one, e);
	const char *needs = needs_text(m->needs, a), *sealed = NULL;
	int64_t now = time_now(), building = 0;
	bool closed = false, reaches = m->status != EM_NO_ANSWER;
	int rc;

	if (!st)
		return -1;
	stmt_bind_int(st, 1, act);
	stmt_bind_int(st, 2, dwelling_id);
	stmt_bind_int(st, 3, community_id);
	rc = stmt_step(st, e);
	if (rc == STORE_ROW) {
		building = stmt_int(st, 0);
		closed = strcmp(stmt_text(st, 3), "open") != 0;
	}
	stmt_done(st);
	if (rc == STORE_DONE)
		return err_set(e, ERR_NOT_FOUND, "dwelling_id",
		               "this dwelling is not in the activation");
	if (rc < 0)
		return -1;
	if (!only_has(only, building))
		return err_set(e, ERR_FORBIDDEN, "dwelling_id",
		               "this household is not in your buildings");
	if (closed)
		return err_set(e, ERR_CONFLICT, NULL, "this activation is closed");
	if (m->note && *m->note &&
	    seal_encrypt(&sealed, resident_keyring(), m->note, strlen(m->note), "emergency.note", a,
	                 e) < 0)
		return -1;
	if (!(st = store_prepare(db, sql_hh_set, e)))
		return -1;
	stmt_bind_text(st, 1, status_names[m->status], SIZE_MAX);
	stmt_bind_text(st, 2, needs, SIZE_MAX);
	stmt_bind_text(st, 3, channel_names[m->channel], SIZE_MAX);
	stmt_bind_int(st, 4, now);
	if (reaches) {
		stmt_bind_int(st, 5, now);
		stmt_bind_text(st, 6, channel_names[m->channel], SIZE_MAX);
	} else {
		stmt_bind_null(st, 5);
		stmt_bind_null(st, 6);
	}
	stmt_bind_int(st, 7, act);
	stmt_bind_int(st, 8, dwelling_id);
	if (stmt_exec(st, e) < 0 || !(st = store_prepare(db, sql_event_add, e)))
		return -1;
	stmt_bind_int(st, 1, act);
	stmt_bind_int(st, 2, dwelling_id);
	stmt_bind_text(st, 3, status_names[m->status], SIZE_MAX);
	stmt_bind_text(st, 4, needs, SIZE_MAX);
	stmt_bind_text(st, 5, channel_names[m->channel], SIZE_MAX);
	stmt_bind_int(st, 6, m->user_id);
	stmt_bind_text(st, 7, m->user_name ? m->user_name : "", SIZE_MAX);
	stmt_bind_int(st, 8, now);
	if (sealed)
		stmt_bind_text(st, 9, sealed, SIZE_MAX);
	else
		stmt_bind_null(st, 9);
	if (stmt_exec(st, e) < 0)
		return -1;
	if (m->status != EM_NEEDS_HELP)
		return 0;
	/* a help request: the household's request still open, or a new one */
	int64_t req = 0;
	if (!(st = store_prepare(db, sql_req_open_of, e)))
		return -1;
	stmt_bind_int(st, 1, act);
	stmt_bind_int(st, 2, dwelling_id);
	rc = stmt_step(st, e);
	if (rc == STORE_ROW)
		req = stmt_int(st, 0);
	stmt_done(st);
	if (rc < 0)
		return -1;
	if (!(st = store_prepare(db, req ? sql_req_update_needs : sql_req_add, e)))
		return -1;
	if (req) {
		stmt_bind_text(st, 1, needs, SIZE_MAX);
		if (sealed)
			stmt_bind_text(st, 2, sealed, SIZE_MAX);
		else
			stmt_bind_null(st, 2);
		stmt_bind_int(st, 3, req);
	} else {
		stmt_bind_int(st, 1, act);
		stmt_bind_int(st, 2, dwelling_id);
		stmt_bind_text(st, 3, needs, SIZE_MAX);
		if (sealed)
			stmt_bind_text(st, 4, sealed, SIZE_MAX);
		else
			stmt_bind_null(st, 4);
		stmt_bind_int(st, 5, now);
	}
	return stmt_exec(st, e);
}

int emergency_mark(struct store *db, int64_t community_id, int64_t activation_id,
                   int64_t dwelling_id, const struct emergency_only *only,
                   const struct emergency_mark *m, struct err *e)
{
	struct arena a = ARENA_INIT;
	int rc = -1;
	if (emergency_mark_check(m, e) < 0 || store_begin(db, e) < 0)
		goto out;
	if (mark_in_tx(db, community_id, activation_id, dwelling_id, only, m, &a, e) < 0 ||
	    store_commit(db, e) < 0) {
		store_rollback(db);
		goto out;
	}
	rc = 0;
out:
	arena_release(&a);
	return rc;
}

int emergency_cover(struct store *db, struct emergency_cover *out, const struct doorcard *card,
                    struct arena *a, struct err *e)
{
	struct stmt *st = store_prepare(db, sql_cover, e);
	int rc;
	if (!st)
		return -1;
	stmt_bind_int(st, 1, card->dwelling_id);
	stmt_bind_int(st, 2, card->community_id);
	rc = stmt_step(st, e);
	if (rc == STORE_ROW)
		*out = (struct emergency_cover){
		    .activation_id = stmt_int(st, 0),
		    .title = arena_strdup(a, stmt_text(st, 1)),
		    .hazard = arena_strdup(a, stmt_text(st, 2)),
		    .label = arena_strdup(a, stmt_text(st, 3)),
		    .status = arena_strdup(a, stmt_text(st, 4)),
		    .changed_at = stmt_int(st, 5),
		};
	stmt_done(st);
	if (rc == STORE_DONE)
		return err_set(e, ERR_NOT_FOUND, "token", "no emergency covers this door card now");
	return rc < 0 ? -1 : 0;
}

int emergency_checkin(struct store *db, struct emergency_cover *out, const struct doorcard *card,
                      const struct emergency_mark *m, struct arena *a, struct err *e)
{
	struct emergency_mark dm = *m;
	dm.channel = EM_DOOR_CARD;
	dm.user_id = 0;
	dm.user_name = "";
	if (emergency_mark_check(&dm, e) < 0 || store_begin(db, e) < 0)
		return -1;
	if (emergency_cover(db, out, card, a, e) < 0 ||
	    mark_in_tx(db, card->community_id, out->activation_id, card->dwelling_id, NULL, &dm, a,
	               e) < 0 ||
	    store_commit(db, e) < 0) {
		store_rollback(db);
		return -1;
	}
	out->status = status_names[dm.status];
	out->changed_at = time_now();
	return 0;
}

/* ---- the live view ---- */

struct counts {
	int64_t households, by[EM_STATUS_COUNT], reached;
};

static void count_add(struct counts *c, int status, bool occupied)
{
	if (!occupied)
		return;
	c->households++;
	if (status >= 0)
		c->by[status]++;
	c->reached += status == EM_SAFE || status == EM_NEEDS_HELP || status == EM_AWAY;
}

/* Writes a small jansson value to w (objects, arrays, strings, integers,
 * booleans, null). */
static void jw_json(struct jsonw *w, const json_t *v)
{
	const char *k;
	json_t *x;
	size_t i;
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		jw_obj(w);
		json_object_foreach((json_t *)v, k, x)
		{
			jw_keyn(w, k, strlen(k));
			jw_json(w, x);
		}
		jw_obj_end(w);
		break;
	case JSON_ARRAY:
		jw_arr(w);
		json_array_foreach(v, i, x) jw_json(w, x);
		jw_arr_end(w);
		break;
	case JSON_STRING:
		jw_str(w, json_string_value(v), json_string_length(v));
		break;
	case JSON_INTEGER:
		jw_int(w, json_integer_value(v));
		break;
	case JSON_TRUE:
	case JSON_FALSE:
		jw_bool(w, json_is_true(v));
		break;
	default:
		jw_null(w);
	}
}

static void jw_counts(struct jsonw *w, const struct counts *c)
{
	jw_obj(w);
	jw_key(w, "households");
	jw_int(w, c->households);
	for (int i = 0; i < EM_STATUS_COUNT; i++) {
		jw_keyn(w, status_names[i], strlen(status_names[i]));
		jw_int(w, c->by[i]);
	}
	jw_key(w, "reached");
	jw_int(w, c->reached);
	jw_obj_end(w);
}

struct livebld {
	int64_t id, grid;
	const char *name, *grid_name; /* in the arena; grid_name may be NULL */
	struct counts c;
};

/* Writes the "needs" array of the stored text. */
static void jw_needs(struct jsonw *w, const char *s)
{
	jw_arr(w);
	while (s && *s) {
		const char *c = strchr(s, ',');
		size_t n = c ? (size_t)(c - s) : strlen(s);
		jw_str(w, s, n);
		s = c ? c + 1 : s + n;
	}
	jw_arr_end(w);
}

int emergency_live(struct store *db, struct jsonw *w, int64_t community_id, int64_t activation_id,
                   const struct emergency_only *only, int64_t now, struct err *e)
{
	struct arena a = ARENA_INIT;
	json_t *act = NULL;
	struct livebld *lb = NULL;
	struct idmap bidx = {0}, dstat = {0};
	struct counts total = {0};
	size_t nb = 0, cap = 0;
	struct stmt *st;
	int rc = -1, step;
	int64_t escalate;

	idmap_init(&bidx, 64);
	idmap_init(&dstat, 1024);
	if (act_load(db, &act, community_id, activation_id, e) < 0)
		goto out;
	escalate = json_integer_value(json_object_get(act, "escalate_minutes")) * 60;
	/* buildings (a few hundred at most) */
	if (!(st = store_prepare(db, sql_act_buildings, e)))
		goto out;
	stmt_bind_int(st, 1, activation_id);
	while ((step = stmt_step(st, e)) == STORE_ROW) {
		int64_t bid = stmt_int(st, 0);
		if (!only_has(only, bid))
			continue;
		if (nb == cap) {
			cap = cap ? cap * 2 : 16;
			lb = realloc(lb, cap * sizeof(*lb));
			if (!lb) {
				fprintf(stderr, "out of memory\n");
				abort();
			}
		}
		lb[nb] = (struct livebld){
		    .id = bid,
		    .grid = stmt_is_null(st, 2) ? 0 : stmt_int(st, 2),
		    .name = arena_strdup(&a, stmt_text(st, 1)),
		    .grid_name = stmt_is_null(st, 3) ? NULL : arena_strdup(&a, stmt_text(st, 3)),
		};
		idmap_put(&bidx, bid, nb);
		nb++;
	}
	stmt_done(st);
	if (step < 0)
		goto out;

	jw_key(w, "activation");
	jw_json(w, act);
	jw_key(w, "now");
	jw_int(w, now);
	/* households, streamed: by building, then floor (top first), unit, room */
	jw_key(w, "buildings");
	jw_arr(w);
	if (!(st = store_prepare(db, sql_live_hh, e)))
		goto out;
	stmt_bind_int(st, 1, activation_id);
	{
		struct livebld *cur = NULL;
		int64_t floor = 0;
		for (;;) {
			step = stmt_step(st, e);
			size_t k =
			    step == STORE_ROW ? idmap_get(&bidx, stmt_int(st, 1)) : (size_t)-1;
			if (step == STORE_ROW && k == (size_t)-1)
				continue; /* not one of the caller's buildings */
			struct livebld *b = step == STORE_ROW ? &lb[k] : NULL;
			if (cur && cur != b) { /* the building before is complete */
				jw_arr_end(w); /* dwellings */
				jw_obj_end(w); /* floor */
				jw_arr_end(w); /* floors */
				jw_key(w, "counts");
				jw_counts(w, &cur->c);
				jw_obj_end(w);
			}
			if (step != STORE_ROW)
				break;
			int64_t f = stmt_int(st, 3);
			if (cur != b) {
				cur = b;
				jw_obj(w);
				jw_key(w, "id");
				jw_int(w, b->id);
				jw_key(w, "name");
				jw_cstr(w, b->name);
				jw_key(w, "grid_id");
				if (b->grid)
					jw_int(w, b->grid);
				else
					jw_null(w);
				jw_key(w, "grid");
				if (b->grid_name)
					jw_cstr(w, b->grid_name);
				else
					jw_null(w);
				jw_key(w, "floors");
				jw_arr(w);
				jw_obj(w);
				jw_key(w, "floor");
				jw_int(w, f);
				jw_key(w, "dwellings");
				jw_arr(w);
				floor = f;
			} else if (f != floor) {
				jw_arr_end(w);
				jw_obj_end(w);
				jw_obj(w);
				jw_key(w, "floor");
				jw_int(w, f);
				jw_key(w, "dwellings");
				jw_arr(w);
				floor = f;
			}
			int status = emergency_status_parse(stmt_text(st, 6));
			bool occ = stmt_int(st, 5) != 0;
			if (status < 0)
				status = EM_UNKNOWN;
			jw_obj(w);
			jw_key(w, "id");
			jw_int(w, stmt_int(st, 0));
			jw_key(w, "unit");
			jw_str(w, stmt_text(st, 2), stmt_len(st, 2));
			jw_key(w, "room");
			jw_str(w, stmt_text(st, 4), stmt_len(st, 4));
			jw_key(w, "occupied");
			jw_bool(w, occ);
			jw_key(w, "status");
			jw_cstr(w, status_names[status]);
			if (stmt_len(st, 7)) {
				jw_key(w, "needs");
				jw_needs(w, stmt_text(st, 7));
			}
			if (!stmt_is_null(st, 8)) {
				jw_key(w, "changed_at");
				jw_int(w, stmt_int(st, 8));
			}
			jw_obj_end(w);
			count_add(&b->c, status, occ);
			idmap_put(&dstat, stmt_int(st, 0), (size_t)status);
		}
	}
	stmt_done(st);
	if (step < 0)
		goto out;
	jw_arr_end(w);
	/* per grid, and in all */
	jw_key(w, "grids");
	jw_arr(w);
	for (size_t i = 0; i < nb; i++) {
		bool seen = false;
		for (size_t j = 0; j < i; j++)
			seen |= lb[j].grid == lb[i].grid;
		if (seen)
			continue;
		struct counts g = {0};
		for (size_t j = i; j < nb; j++) {
			if (lb[j].grid != lb[i].grid)
				continue;
			g.households += lb[j].c.households;
			g.reached += lb[j].c.reached;
			for (int s = 0; s < EM_STATUS_COUNT; s++)
				g.by[s] += lb[j].c.by[s];
		}
		total.households += g.households;
		total.reached += g.reached;
		for (int s = 0; s < EM_STATUS_COUNT; s++)
			total.by[s] += g.by[s];
		jw_obj(w);
		jw_key(w, "grid_id");
		if (lb[i].grid)
			jw_int(w, lb[i].grid);
		else
			jw_null(w);
		jw_key(w, "name");
		if (lb[i].grid_name)
			jw_cstr(w, lb[i].grid_name);
		else
			jw_null(w);
		jw_key(w, "counts");
		jw_counts(w, &g);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_key(w, "totals");
	jw_counts(w, &total);
	/* the vulnerable not yet reached, highest priority first */
	jw_key(w, "vulnerable");
	jw_arr(w);
	if (!(st = store_prepare(db, sql_live_vul, e)))
		goto out;
	stmt_bind_int(st, 1, activation_id);
	while ((step = stmt_step(st, e)) == STORE_ROW) {
		size_t v = idmap_get(&dstat, stmt_int(st, 4));
		if (v == (size_t)-1 || (v != EM_UNKNOWN && v != EM_NO_ANSWER))
			continue; /* another building (a lead's view), or reached */
		jw_obj(w);
		jw_key(w, "resident_id");
		jw_int(w, stmt_int(st, 0));
		jw_key(w, "name");
		jw_cstr(w, stmt_text(st, 1));
		jw_key(w, "priority");
		jw_int(w, stmt_int(st, 2));
		jw_key(w, "tags");
		jw_cstr(w, stmt_text(st, 3));
		jw_key(w, "dwelling_id");
		jw_int(w, stmt_int(st, 4));
		jw_key(w, "status");
		jw_cstr(w, status_names[v]);
		jw_key(w, "caretaker");
		if (stmt_is_null(st, 5))
			jw_null(w);
		else
			jw_cstr(w, stmt_text(st, 5));
		jw_obj_end(w);
	}
	stmt_done(st);
	if (step < 0)
		goto out;
	jw_arr_end(w);
	/* help requests not closed */
	jw_key(w, "requests");
	jw_arr(w);
	if (!(st = store_prepare(db, sql_live_req, e)))
		goto out;
	stmt_bind_int(st, 1, activation_id);
	while ((step = stmt_step(st, e)) == STORE_ROW) {
		if (!strcmp(stmt_text(st, 4), "closed") ||
		    idmap_get(&dstat, stmt_int(st, 1)) == (size_t)-1)
			continue;
		const char *note = NULL;
		if (!stmt_is_null(st, 3) &&
		    seal_decrypt(&note, NULL, resident_keyring(), stmt_text(st, 3), stmt_len(st, 3),
		                 "emergency.note", &a, e) < 0) {
			stmt_done(st);
			goto out;
		}
		jw_obj(w);
		jw_key(w, "id");
		jw_int(w, stmt_int(st, 0));
		jw_key(w, "dwelling_id");
		jw_int(w, stmt_int(st, 1));
		jw_key(w, "needs");
		jw_needs(w, stmt_text(st, 2));
		jw_key(w, "note");
		jw_cstr(w, note ? note : "");
		jw_key(w, "status");
		jw_cstr(w, stmt_text(st, 4));
		jw_key(w, "matched_to");
		if (stmt_is_null(st, 5))
			jw_null(w);
		else
			jw_cstr(w, stmt_text(st, 5));
		jw_key(w, "matched_user");
		if (stmt_is_null(st, 6))
			jw_null(w);
		else
			jw_int(w, stmt_int(st, 6));
		jw_key(w, "created_at");
		jw_int(w, stmt_int(st, 7));
		jw_key(w, "overdue");
		jw_bool(w, !strcmp(stmt_text(st, 4), "open") && now - stmt_int(st, 7) > escalate);
		jw_obj_end(w);
	}
	stmt_done(st);
	if (step < 0)
		goto out;
	jw_arr_end(w);
	/* follow-ups still open, overdue first */
	{
		json_t *over = json_array(), *fresh = json_array();
		if (!(st = store_prepare(db, sql_fu_list, e))) {
			json_decref(over);
			json_decref(fresh);
			goto out;
		}
		stmt_bind_int(st, 1, activation_id);
		stmt_bind_int(st, 2, 0);
		stmt_bind_int(st, 3, 0);
		while ((step = stmt_step(st, e)) == STORE_ROW) {
			if (!stmt_is_null(st, 6) ||
			    idmap_get(&dstat, stmt_int(st, 1)) == (size_t)-1)
				continue;
			bool overdue = now - stmt_int(st, 5) > escalate;
			json_array_append_new(
			    overdue ? over : fresh,
			    json_pack("{s:I, s:I, s:s, s:I, s:s, s:s, s:I, s:b}", "id",
			              (json_int_t)stmt_int(st, 0), "dwelling_id",
			              (json_int_t)stmt_int(st, 1), "label", stmt_text(st, 7),
			              "assignee", (json_int_t)stmt_int(st, 2), "assignee_name",
			              stmt_text(st, 3), "note", stmt_text(st, 4), "created_at",
			              (json_int_t)stmt_int(st, 5), "overdue", overdue));
		}
		stmt_done(st);
		json_array_extend(over, fresh);
		json_decref(fresh);
		if (step >= 0) {
			jw_key(w, "followups");
			jw_json(w, over);
		}
		json_decref(over);
		if (step < 0)
			goto out;
	}
	rc = 0;
out:
	free(lb);
	idmap_release(&bidx);
	idmap_release(&dstat);
	json_decref(act);
	arena_release(&a);
	return rc;
}

/* The household row's building (checks community, activation, only). */
static int household_building(struct store *db, int64_t *building, const char **label, bool *closed,
                              int64_t community_id, int64_t act, int64_t dwelling_id,
                              const struct emergency_only *only, struct arena *a, struct err *e)
{
	struct stmt *st = store_prepare(db, sql_hh_one, e);
	int rc;
	if (!st)
		return -1;
	stmt_bind_int(st, 1, act);
	stmt_bind_int(st, 2, dwelling_id);
	stmt_bind_int(st, 3, community_id);
	rc = stmt_step(st, e);
	if (rc == STORE_ROW) {
		*building = stmt_int(st, 0);
		*closed = strcmp(stmt_text(st, 3), "open") != 0;
		*label = arena_strdup(a, stmt_text(st, 4));
	}
	stmt_done(st);
	if (rc == STORE_DONE)
		return err_set(e, ERR_NOT_FOUND, "dwelling_id",
		               "this dwelling is not in the activation");
	if (rc < 0)
		return -1;
	if (!only_has(only, *building))
		return err_set(e, ERR_FORBIDDEN, "dwelling_id",
		               "this household is not in your buildings");
	return 0;
}

int emergency_household(struct store *db, json_t **out, int64_t community_id, int64_t activation_id,
                        int64_t dwelling_id, const struct emergency_only *only, struct err *e)
{
	struct arena a = ARENA_INIT;
	const char *label = NULL;
	int64_t building;
	bool closed;
	json_t *ev;
	struct stmt *st;
	int rc = -1, step;

	if (household_building(db, &building, &label, &closed, community_id, activation_id,
	                       dwelling_id, only, &a, e) < 0 ||
	    !(st = store_prepare(db, sql_events, e)))
		goto out;
	stmt_bind_int(st, 1, activation_id);
	stmt_bind_int(st, 2, dwelling_id);
	ev = json_array();
	while ((step = stmt_step(st, e)) == STORE_ROW) {
		const char *note = NULL;
		if (!stmt_is_null(st, 5) &&
		    seal_decrypt(&note, NULL, resident_keyring(), stmt_text(st, 5), stmt_len(st, 5),
		                 "emergency.note", &a, e) < 0) {
			step = -1;
			break;
		}
		json_array_append_new(
		    ev, json_pack("{s:I, s:s, s:o, s:s, s:s, s:s}", "at",
		                  (json_int_t)stmt_int(st, 0), "status", stmt_text(st, 1), "needs",
		                  needs_json(stmt_text(st, 2)), "channel", stmt_text(st, 3),
		                  "user_name", stmt_text(st, 4), "note", note ? note : ""));
	}
	stmt_done(st);
	if (step < 0) {
		json_decref(ev);
		goto out;
	}
	*out = json_pack("{s:I, s:I, s:s, s:o}", "dwelling_id", (json_int_t)dwelling_id,
	                 "building_id", (json_int_t)building, "label", label, "events", ev);
	rc = 0;
out:
	arena_release(&a);
	return rc;
}

/* ---- follow-ups and requests ---- */

int emergency_followup_add(struct store *db, int64_t *out, int64_t community_id,
                           int64_t activation_id, int64_t dwelling_id, int64_t assignee,
                           const char *note, const struct emergency_only *only,
                           const struct emergency_actor *who, struct err *e)
{
	struct arena a = ARENA_INIT;
	const char *label = NULL, *name = NULL;
	int64_t building;
	bool closed;
	struct stmt *st;
	int rc = -1;

	if (note && utf8_count(note, strlen(note)) > EMERGENCY_NOTE_MAX) {
		err_set(e, ERR_INVALID, "note", "note is at most %d characters",
		        EMERGENCY_NOTE_MAX);
		goto out;
	}
	if (store_begin(db, e) < 0)
		goto out;
	if (household_building(db, &building, &label, &closed, community_id, activation_id,
	                       dwelling_id, only, &a, e) < 0)
		goto fail;
	if (closed) {
		err_set(e, ERR_CONFLICT, NULL, "this activation is closed");
		goto fail;
	}
	if (auth_member_check(db, &name, assignee, community_id,
	                      AUTH_ROLE_BIT(ROLE_VOLUNTEER) | AUTH_ROLE_BIT(ROLE_LEAD), &a,
	                      e) < 0) {
		err_clear(e);
		err_set(e, ERR_INVALID, "assignee",
		        "the assignee must be a volunteer or building lead of the community");
		goto fail;
	}
	if (!(st = store_prepare(db, sql_fu_add, e)))
		goto fail;
	stmt_bind_int(st, 1, activation_id);
	stmt_bind_int(st, 2, dwelling_id);
	stmt_bind_int(st, 3, assignee);
	stmt_bind_text(st, 4, name, SIZE_MAX);
	stmt_bind_text(st, 5, note ? note : "", SIZE_MAX);
	stmt_bind_int(st, 6, who->user_id);
	stmt_bind_int(st, 7, time_now());
	*out = 0;
	if (stmt_step(st, e) == STORE_ROW)
		*out = stmt_int(st, 0);
	stmt_done(st);
	if (!*out || store_commit(db, e) < 0)
		goto fail;
	rc = 0;
	goto out;
fail:
	store_rollback(db);
out:
	arena_release(&a);
	return rc;
}

int emergency_followup_done(struct store *db, int64_t community_id, int64_t activation_id,
                            int64_t followup_id, int64_t by_assignee, struct err *e)
{
	struct stmt *st;
	int rc;
	if (store_begin(db, e) < 0)
		return -1;
	if (!(st = store_prepare(db, sql_fu_exists, e)))
		goto fail;
	stmt_bind_int(st, 1, followup_id);
	stmt_bind_int(st, 2, activation_id);
	stmt_bind_int(st, 3, community_id);
	stmt_bind_int(st, 4, by_assignee);
	stmt_bind_int(st, 5, by_assignee);
	rc = stmt_step(st, e);
	bool done = rc == STORE_ROW && !stmt_is_null(st, 0);
	stmt_done(st);
	if (rc == STORE_DONE)
		err_set(e, ERR_NOT_FOUND, NULL, "no such follow-up");
	if (rc != STORE_ROW)
		goto fail;
	if (done) {
		store_rollback(db);
		return 0; /* done already: the same answer */
	}
	if (!(st = store_prepare(db, sql_fu_done, e)))
		goto fail;
	stmt_bind_int(st, 1, time_now());
	stmt_bind_int(st, 2, followup_id);
	stmt_bind_int(st, 3, activation_id);
	stmt_bind_int(st, 4, by_assignee);
	stmt_bind_int(st, 5, by_assignee);
	stmt_bind_int(st, 6, activation_id);
	stmt_bind_int(st, 7, community_id);
	if (stmt_exec(st, e) < 0 || store_commit(db, e) < 0)
		goto fail;
	return 0;
fail:
	store_rollback(db);
	return -1;
}

int emergency_followups(struct store *db, json_t **out, int64_t community_id, int64_t activation_id,
                        int64_t assignee, int64_t now, struct err *e)
{
	json_t *act = NULL, *arr;
	struct stmt *st;
	int step;
	int64_t escalate;
	if (act_load(db, &act, community_id, activation_id, e) < 0)
		return -1;
	escalate = json_integer_value(json_object_get(act, "escalate_minutes")) * 60;
	json_decref(act);
	if (!(st = store_prepare(db, sql_fu_list, e)))
		return -1;
	stmt_bind_int(st, 1, activation_id);
	stmt_bind_int(st, 2, assignee);
	stmt_bind_int(st, 3, assignee);
	arr = json_array();
	while ((step = stmt_step(st, e)) == STORE_ROW)
		json_array_append_new(
		    arr,
		    json_pack("{s:I, s:I, s:s, s:I, s:s, s:s, s:I, s:o, s:b}", "id",
		              (json_int_t)stmt_int(st, 0), "dwelling_id",
		              (json_int_t)stmt_int(st, 1), "label", stmt_text(st, 7), "assignee",
		              (json_int_t)stmt_int(st, 2), "assignee_name", stmt_text(st, 3),
		              "note", stmt_text(st, 4), "created_at", (json_int_t)stmt_int(st, 5),
		              "done_at", int_or_null(st, 6), "overdue",
		              stmt_is_null(st, 6) && now - stmt_int(st, 5) > escalate));
	stmt_done(st);
	if (step < 0) {
		json_decref(arr);
		return -1;
	}
	*out = json_pack("{s:o}", "followups", arr);
	return 0;
}

int emergency_request_set(struct store *db, int64_t community_id, int64_t activation_id,
                          int64_t request_id, const char *status, const char *matched_to,
                          int64_t matched_user, const struct emergency_only *only,
                          const struct emergency_actor *who, struct err *e)
{
	struct arena a = ARENA_INIT;
	const char *name = NULL;
	char cur[16] = "";
	int64_t building = 0, now = time_now();
	bool matching;
	struct stmt *st;
	int rc;

	if (!status || (strcmp(status, "matched") && strcmp(status, "closed")))
		return err_set(e, ERR_INVALID, "status", "status must be matched or closed");
	matching = !strcmp(status, "matched");
	if (matched_to && utf8_count(matched_to, strlen(matched_to)) > EMERGENCY_MATCH_MAX)
		return err_set(e, ERR_INVALID, "matched_to", "matched_to is at most %d characters",
		               EMERGENCY_MATCH_MAX);
	if (matching && !(matched_to && *matched_to) && !matched_user)
		return err_set(e, ERR_INVALID, "matched_to",
		               "say what the request is matched to: matched_to or matched_user");
	if (store_begin(db, e) < 0)
		return -1;
	if (!(st = store_prepare(db, sql_req_get, e)))
		goto fail;
	stmt_bind_int(st, 1, request_id);
	stmt_bind_int(st, 2, activation_id);
	stmt_bind_int(st, 3, community_id);
	rc = stmt_step(st, e);
	if (rc == STORE_ROW) {
		snprintf(cur, sizeof(cur), "%s", stmt_text(st, 0));
		building = stmt_int(st, 1);
	}
	stmt_done(st);
	if (rc == STORE_DONE)
		err_set(e, ERR_NOT_FOUND, NULL, "no such request");
	if (rc != STORE_ROW)
		goto fail;
	if (!only_has(only, building)) {
		err_set(e, ERR_FORBIDDEN, NULL, "this request is not in your buildings");
		goto fail;
	}
	if (!strcmp(cur, "closed")) {
		err_set(e, ERR_CONFLICT, "status", "this request is closed");
		goto fail;
	}
	if (matched_user &&
	    auth_member_check(db, &name, matched_user, community_id,
	                      AUTH_ROLE_BIT(ROLE_VOLUNTEER) | AUTH_ROLE_BIT(ROLE_LEAD) |
	                          AUTH_ROLE_BIT(ROLE_WORKER) | AUTH_ROLE_BIT(ROLE_GRID),
	                      &a, e) < 0) {
		err_clear(e);
		err_set(e, ERR_INVALID, "matched_user",
		        "matched_user must be a member of the community");
		goto fail;
	}
	if (!(st = store_prepare(db, sql_req_set, e)))
		goto fail;
	stmt_bind_text(st, 1, status, SIZE_MAX);
	if (matched_to && *matched_to)
		stmt_bind_text(st, 2, matched_to, SIZE_MAX);
	else
		stmt_bind_null(st, 2);
	if (matched_user)
		stmt_bind_int(st, 3, matched_user);
	else
		stmt_bind_null(st, 3);
	if (matching)
		stmt_bind_int(st, 4, now);
	else
		stmt_bind_null(st, 4);
	if (matching)
		stmt_bind_null(st, 5);
	else
		stmt_bind_int(st, 5, now);
	stmt_bind_text(st, 6, who->display_name ? who->display_name : "", SIZE_MAX);
	stmt_bind_int(st, 7, request_id);
	if (stmt_exec(st, e) < 0 || store_commit(db, e) < 0)
		goto fail;
	arena_release(&a);
	return 0;
fail:
	store_rollback(db);
	arena_release(&a);
	return -1;
}

/* ---- the report ---- */

static int cmp_i64(const void *x, const void *y)
{
	int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
	return (a > b) - (a < b);
}

int emergency_report(struct store *db, json_t **out, int64_t community_id, int64_t activation_id,
                     struct err *e)
{
	json_t *act = NULL, *rows = json_array(), *by_status = json_object(),
	       *by_channel = json_object(), *ev_channel = json_object(), *open = json_array();
	int64_t *secs = NULL, declared, first = 0, last = 0, hh = 0, reached = 0;
	int64_t nreq[3] = {0, 0, 0};
	size_t nsec = 0, cap = 0;
	struct stmt *st;
	int rc = -1, step;

	for (int i = 0; i < EM_STATUS_COUNT; i++)
		json_object_set_new(by_status, status_names[i], json_integer(0));
	for (int i = 0; i < EM_CHANNEL_COUNT; i++) {
		json_object_set_new(by_channel, channel_names[i], json_integer(0));
		json_object_set_new(ev_channel, channel_names[i], json_integer(0));
	}
	if (act_load(db, &act, community_id, activation_id, e) < 0)
		goto out;
	declared = json_integer_value(json_object_get(act, "declared_at"));
	if (!(st = store_prepare(db, sql_report_rows, e)))
		goto out;
	stmt_bind_int(st, 1, activation_id);
	while ((step = stmt_step(st, e)) == STORE_ROW) {
		const char *status = stmt_text(st, 3);
		json_t *sec = json_null();
		hh++;
		json_object_set_new(
		    by_status, status,
		    json_integer(json_integer_value(json_object_get(by_status, status)) + 1));
		if (!stmt_is_null(st, 6)) {
			const char *ch = stmt_text(st, 5);
			int64_t s = stmt_int(st, 6) - declared;
			reached++;
			json_object_set_new(
			    by_channel, ch,
			    json_integer(json_integer_value(json_object_get(by_channel, ch)) + 1));
			if (nsec == cap) {
				cap = cap ? cap * 2 : 256;
				secs = realloc(secs, cap * sizeof(*secs));
				if (!secs) {
					fprintf(stderr, "out of memory\n");
					abort();
				}
			}
			secs[nsec++] = s;
			sec = json_integer(s);
		}
		json_array_append_new(
		    rows, json_pack("{s:I, s:s, s:s, s:s, s:o, s:o, s:o}", "dwelling_id",
		                    (json_int_t)stmt_int(st, 0), "building", stmt_text(st, 1),
		                    "label", stmt_text(st, 2), "status", status, "needs",
		                    needs_json(stmt_text(st, 4)), "reached_channel",
		                    text_or_null(st, 5), "seconds_to_reach", sec));
	}
	stmt_done(st);
	if (step < 0 || !(st = store_prepare(db, sql_report_events, e)))
		goto out;
	stmt_bind_int(st, 1, activation_id);
	while ((step = stmt_step(st, e)) == STORE_ROW) {
		json_object_set_new(ev_channel, stmt_text(st, 0), json_integer(stmt_int(st, 1)));
		if (!first || stmt_int(st, 2) < first)
			first = stmt_int(st, 2);
		if (stmt_int(st, 3) > last)
			last = stmt_int(st, 3);
	}
	stmt_done(st);
	if (step < 0 || !(st = store_prepare(db, sql_live_req, e)))
		goto out;
	stmt_bind_int(st, 1, activation_id);
	while ((step = stmt_step(st, e)) == STORE_ROW) {
		const char *s = stmt_text(st, 4);
		nreq[!strcmp(s, "open") ? 0 : !strcmp(s, "matched") ? 1 : 2]++;
		if (strcmp(s, "closed"))
			json_array_append_new(open,
			                      json_pack("{s:I, s:I, s:o, s:s, s:o, s:I}", "id",
			                                (json_int_t)stmt_int(st, 0), "dwelling_id",
			                                (json_int_t)stmt_int(st, 1), "needs",
			                                needs_json(stmt_text(st, 2)), "status", s,
			                                "matched_to", text_or_null(st, 5),
			                                "created_at", (json_int_t)stmt_int(st, 7)));
	}
	stmt_done(st);
	if (step < 0)
		goto out;
	qsort(secs, nsec, sizeof(*secs), cmp_i64);
	json_t *ttr = nsec
	                  ? json_pack("{s:I, s:I, s:I}", "median", (json_int_t)secs[(nsec - 1) / 2],
	                              "p90", (json_int_t)secs[(nsec * 9 + 9) / 10 - 1], "max",
	                              (json_int_t)secs[nsec - 1])
	                  : json_pack("{s:n, s:n, s:n}", "median", "p90", "max");
	*out = json_pack(
	    "{s:O, s:{s:I, s:O, s:o, s:o, s:O}, s:I, s:I, s:O, s:O, s:O, s:o, s:O, s:{s:I, s:I, "
	    "s:I}, s:O}",
	    "activation", act, "timeline", "declared_at", (json_int_t)declared, "broadcast_at",
	    json_object_get(act, "broadcast_at"), "first_checkin",
	    first ? json_integer(first) : json_null(), "last_checkin",
	    last ? json_integer(last) : json_null(), "closed_at", json_object_get(act, "closed_at"),
	    "households", (json_int_t)hh, "reached", (json_int_t)reached, "by_status", by_status,
	    "by_channel", by_channel, "events_by_channel", ev_channel, "time_to_reach", ttr,
	    "open_requests", open, "requests", "open", (json_int_t)nreq[0], "matched",
	    (json_int_t)nreq[1], "closed", (json_int_t)nreq[2], "rows", rows);
	rc = 0;
out:
	free(secs);
	json_decref(act);
	json_decref(rows);
	json_decref(by_status);
	json_decref(by_channel);
	json_decref(ev_channel);
	json_decref(open);
	return rc;
}

/* Appends one CSV field, quoted when it needs to be. */
static void csv_field(struct strbuf *sb, const char *s, bool last)
{
	if (strpbrk(s, ",\"\r\n") || s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@') {
		strbuf_addch(sb, '"');
		if (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@')
			strbuf_addch(sb, '\''); /* no formulas in a spreadsheet */
		for (const char *p = s; *p; p++) {
			if (*p == '"')
				strbuf_addch(sb, '"');
			strbuf_addch(sb, *p);
		}
		strbuf_addch(sb, '"');
	} else {
		strbuf_addstr(sb, s);
	}
	strbuf_addstr(sb, last ? "\r\n" : ",");
}

int emergency_report_csv(struct store *db, struct strbuf *out, int64_t community_id,
                         int64_t activation_id, struct err *e)
{
	json_t *r = NULL, *row;
	size_t i;
	if (emergency_report(db, &r, community_id, activation_id, e) < 0)
		return -1;
	strbuf_addstr(out, "\xEF\xBB\xBF");
	strbuf_addstr(out, "楼栋,房屋,状态,需要,首次联系渠道,用时（秒）\r\n");
	json_array_foreach(json_object_get(r, "rows"), i, row)
	{
		char sec[24] = "";
		json_t *needs = json_object_get(row, "needs"), *v;
		struct strbuf nb;
		size_t k;
		strbuf_init(&nb);
		json_array_foreach(needs, k, v)
		{
			if (k)
				strbuf_addch(&nb, ' ');
			strbuf_addstr(&nb, json_string_value(v));
		}
		if (json_is_integer(json_object_get(row, "seconds_to_reach")))
			snprintf(sec, sizeof(sec), "%lld",
			         (long long)json_integer_value(
			             json_object_get(row, "seconds_to_reach")));
		csv_field(out, json_string_value(json_object_get(row, "building")), false);
		csv_field(out, json_string_value(json_object_get(row, "label")), false);
		csv_field(out, json_string_value(json_object_get(row, "status")), false);
		csv_field(out, nb.buf, false);
		const char *ch = json_string_value(json_object_get(row, "reached_channel"));
		csv_field(out, ch ? ch : "", false);
		csv_field(out, sec, true);
		strbuf_release(&nb);
	}
	json_decref(r);
	return 0;
}

const struct migration emergency_migrations[] = {
    {901, "field: emergency activations and check-ins",
     "CREATE TABLE emergency_activations ("
     " id @id, community_id BIGINT NOT NULL REFERENCES communities(id),"
     " hazard TEXT NOT NULL, title TEXT NOT NULL, scope TEXT NOT NULL, status TEXT NOT NULL,"
     " escalate_minutes BIGINT NOT NULL, declared_by BIGINT NOT NULL,"
     " declared_name TEXT NOT NULL, declared_at BIGINT NOT NULL, broadcast_at BIGINT,"
     " notices TEXT, closed_by BIGINT, closed_name TEXT, closed_at BIGINT);"
     "CREATE INDEX emergency_activations_community ON emergency_activations"
     " (community_id, status);"
     "CREATE TABLE emergency_buildings ("
     " activation_id BIGINT NOT NULL REFERENCES emergency_activations(id),"
     " building_id BIGINT NOT NULL REFERENCES buildings(id), name TEXT NOT NULL,"
     " grid_id BIGINT, grid_name TEXT, PRIMARY KEY (activation_id, building_id));"
     "CREATE INDEX emergency_buildings_building ON emergency_buildings (building_id);"
     "CREATE TABLE emergency_households ("
     " activation_id BIGINT NOT NULL REFERENCES emergency_activations(id),"
     " dwelling_id BIGINT NOT NULL REFERENCES dwellings(id),"
     " community_id BIGINT NOT NULL, building_id BIGINT NOT NULL, unit TEXT NOT NULL,"
     " floor BIGINT NOT NULL, room TEXT NOT NULL, label TEXT NOT NULL,"
     " occupied BIGINT NOT NULL, status TEXT NOT NULL, needs TEXT NOT NULL,"
     " channel TEXT, changed_at BIGINT, reached_at BIGINT, reached_channel TEXT,"
     " PRIMARY KEY (activation_id, dwelling_id));"
     "CREATE INDEX emergency_households_dwelling ON emergency_households (dwelling_id);"
     "CREATE INDEX emergency_households_grid ON emergency_households"
     " (activation_id, building_id, floor DESC, unit, room);"
     "CREATE TABLE emergency_events ("
     " id @id, activation_id BIGINT NOT NULL REFERENCES emergency_activations(id),"
     " dwelling_id BIGINT NOT NULL, status TEXT NOT NULL, needs TEXT NOT NULL,"
     " channel TEXT NOT NULL, user_id BIGINT NOT NULL, user_name TEXT NOT NULL,"
     " at BIGINT NOT NULL, note TEXT);"
     "CREATE INDEX emergency_events_household ON emergency_events"
     " (activation_id, dwelling_id, id);"
     "CREATE TABLE emergency_vulnerable ("
     " activation_id BIGINT NOT NULL REFERENCES emergency_activations(id),"
     " resident_id BIGINT NOT NULL REFERENCES residents(id) ON DELETE CASCADE,"
     " dwelling_id BIGINT NOT NULL, name TEXT NOT NULL, priority BIGINT NOT NULL,"
     " tags TEXT NOT NULL, caretaker TEXT, PRIMARY KEY (activation_id, resident_id));"
     "CREATE INDEX emergency_vulnerable_resident ON emergency_vulnerable (resident_id);"
     "CREATE TABLE emergency_requests ("
     " id @id, activation_id BIGINT NOT NULL REFERENCES emergency_activations(id),"
     " dwelling_id BIGINT NOT NULL, needs TEXT NOT NULL, note TEXT, status TEXT NOT NULL,"
     " matched_to TEXT, matched_user BIGINT, created_at BIGINT NOT NULL, matched_at BIGINT,"
     " closed_at BIGINT, updated_name TEXT);"
     "CREATE INDEX emergency_requests_activation ON emergency_requests"
     " (activation_id, dwelling_id);"
     "CREATE TABLE emergency_followups ("
     " id @id, activation_id BIGINT NOT NULL REFERENCES emergency_activations(id),"
     " dwelling_id BIGINT NOT NULL, assignee BIGINT NOT NULL REFERENCES users(id),"
     " assignee_name TEXT NOT NULL, note TEXT NOT NULL, created_by BIGINT NOT NULL,"
     " created_at BIGINT NOT NULL, done_at BIGINT);"
     "CREATE INDEX emergency_followups_activation ON emergency_followups (activation_id);"},
};
const size_t emergency_migrations_n =
    sizeof(emergency_migrations) / sizeof(emergency_migrations[0]);
