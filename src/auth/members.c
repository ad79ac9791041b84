/*
 * members.c - members of a community by role (see members.h).  Reads the
 * users and grants tables of this module; roles are filtered in C by
 * role_parse(), so the SQL stays one fixed statement.
 */
#include "auth/members.h"

#include <string.h>

static const char sql_members[] =
    "SELECT u.id, u.username, u.display_name, g.role FROM grants g"
    " JOIN users u ON u.id = g.user_id"
    " WHERE g.community_id = ? AND u.disabled = 0"
    " ORDER BY u.display_name, u.id, g.role";
static const char sql_member[] =
    "SELECT u.display_name, g.role FROM grants g JOIN users u ON u.id = g.user_id"
    " WHERE g.community_id = ? AND g.user_id = ? AND u.disabled = 0";

static bool in_mask(const char *role, unsigned mask)
{
	int r = role_parse(role);
	return r >= 0 && (mask & AUTH_ROLE_BIT(r));
}

int auth_members(struct store *db, json_t **out, int64_t community_id, unsigned roles_mask,
                 struct err *e)
{
	struct stmt *st = store_prepare(db, sql_members, e);
	json_t *arr, *last = NULL;
	int64_t last_id = 0;
	int s;
	if (!st)
		return -1;
	stmt_bind_int(st, 1, community_id);
	arr = json_array();
	while ((s = stmt_step(st, e)) == STORE_ROW) {
		int64_t id = stmt_int(st, 0);
		const char *role = stmt_text(st, 3);
		if (!in_mask(role, roles_mask))
			continue;
		if (!last || id != last_id) {
			last = json_pack("{s:I, s:s, s:s, s:[]}", "id", (json_int_t)id, "username",
			                 stmt_text(st, 1), "display_name", stmt_text(st, 2), "roles");
			json_array_append_new(arr, last);
			last_id = id;
		}
		json_array_append_new(json_object_get(last, "roles"), json_string(role));
	}
	stmt_done(st);
	if (s < 0) {
		json_decref(arr);
		return -1;
	}
	*out = json_pack("{s:o}", "users", arr);
	return 0;
}

int auth_member_check(struct store *db, const char **display_name, int64_t user_id,
                      int64_t community_id, unsigned roles_mask, struct arena *a,
                      struct err *e)
{
	struct stmt *st = store_prepare(db, sql_member, e);
	int s;
	bool found = false;
	if (!st)
		return -1;
	stmt_bind_int(st, 1, community_id);
	stmt_bind_int(st, 2, user_id);
	while ((s = stmt_step(st, e)) == STORE_ROW) {
		if (!found && in_mask(stmt_text(st, 1), roles_mask)) {
			*display_name = arena_strdup(a, stmt_text(st, 0));
			found = true;
		}
	}
	stmt_done(st);
	if (s < 0)
		return -1;
	if (!found)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such member");
	return 0;
}
