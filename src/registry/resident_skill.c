/*
 * resident_skill.c - residents in "who can provide X" (see resident_skill.h).
 *
 * The residents register and the structure are both in this folder, so the
 * query joins dwellings, units and buildings for where a person lives.
 * Skills are plain text (not sealed): they are what a resident offers to
 * share.  The name is masked here, not by the caller, so no path of this
 * search can return it whole.
 */
#include "registry/resident_skill.h"

#include "core/arena.h"
#include "registry/mask.h"

#include <string.h>

static const char sql_skill[] =
    "SELECT r.id, r.name, r.skills, r.volunteer_willing, b.name, u.name, d.room, c.name"
    " FROM residents r"
    " LEFT JOIN dwellings d ON d.id = r.dwelling_id AND d.community_id = r.community_id"
    " LEFT JOIN units u ON u.id = d.unit_id"
    " LEFT JOIN buildings b ON b.id = d.building_id"
    " LEFT JOIN compounds c ON c.id = b.compound_id"
    " WHERE r.community_id = ? AND r.skills IS NOT NULL AND LOWER(r.skills) LIKE ? ESCAPE '!'"
    " ORDER BY r.volunteer_willing DESC, r.id LIMIT 200";

/* '%' + q in ASCII lower case with ! % _ escaped by '!' + '%', in a. */
static char *pattern(struct arena *a, const char *q)
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

static json_t *text_or_null(struct stmt *st, int col)
{
	return stmt_is_null(st, col) ? json_null() : json_string(stmt_text(st, col));
}

int resident_skill_search(struct store *db, json_t **out, int64_t community_id, const char *q,
                          struct err *e)
{
	struct arena a = ARENA_INIT;
	struct stmt *st = store_prepare(db, sql_skill, e);
	json_t *arr;
	int s;
	if (!st)
		return -1;
	stmt_bind_int(st, 1, community_id);
	stmt_bind_text(st, 2, pattern(&a, q), SIZE_MAX);
	arr = json_array();
	while ((s = stmt_step(st, e)) == STORE_ROW) {
		const char *name = stmt_text(st, 1);
		json_array_append_new(
		    arr, json_pack("{s:I, s:s, s:s, s:b, s:o, s:o, s:o, s:o}", "id",
		                   (json_int_t)stmt_int(st, 0), "name",
		                   mask_name(&a, name, strlen(name)), "skills", stmt_text(st, 2),
		                   "volunteer_willing", (int)(stmt_int(st, 3) != 0), "building",
		                   text_or_null(st, 4), "unit", text_or_null(st, 5), "room",
		                   text_or_null(st, 6), "compound", text_or_null(st, 7)));
	}
	stmt_done(st);
	arena_release(&a);
	if (s < 0) {
		json_decref(arr);
		return -1;
	}
	*out = arr;
	return 0;
}
