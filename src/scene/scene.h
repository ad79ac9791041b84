/*
 * scene.h - New scenes (新场景), issue 5: a place the community staffs, such
 * as the compound gate, set up as a scene with posts, and the shifts that
 * staff each post.
 *
 * This is the base the scene module and the volunteer module share (one
 * folder, src/scene/, may read each other's tables):
 *   scenes       a scene of a community: name, template, location;
 *   scene_posts  a post of a scene (a point to staff, e.g. 北门岗), with the
 *                skills it requires (comma-separated codes);
 *   shifts       one staffing of a post from starts_at to ends_at (UTC
 *                seconds) needing headcount people; at most one shift of a
 *                post starts at a given time, so expanding a schedule twice
 *                adds nothing.
 * Every function filters on the community: another community's ids are
 * ERR_NOT_FOUND.
 *
 * The scene module proper (migrations 801-804) adds the design of a scene:
 *   scenes          + location node (a compound or building of the
 *                     community, optional) beside the free-text location;
 *   scene_points    the points of a scene (主出入口, 取物架 ...);
 *   scene_post_bands  headcount per time band of a post: weekday mask
 *                     (bit 0 Monday .. bit 6 Sunday), start and end minute
 *                     of the local day; scene_expand turns them into shifts;
 *   scene_checklist the ordered checklist of a post;
 *   shift_checks    which checklist items were ticked on a shift, by whom;
 *   scene_equipment item, quantity, where it is kept;
 *   scene_scripts   话术 (scripts): title, situation, what to say, what not
 *                     to say, tags, and a revision number that a revision
 *                     raises; scene_script_revisions keeps the old texts;
 *   scene_incidents (incident.h).
 * Local time is Beijing time, UTC+8 without summer time (Asia/Shanghai since
 * 1991), so a local day is a fixed 86400 seconds.
 */
#ifndef LINLI_SCENE_SCENE_H
#define LINLI_SCENE_SCENE_H

#include "core/arena.h"
#include "core/err.h"
#include "core/json.h"
#include "store/store.h"

#include <stdbool.h>
#include <stdint.h>

enum {
	SCENE_NAME_MAX = 60,      /* characters */
	SCENE_TEXT_MAX = 200,
	SCENE_SHIFT_MAX = 86400,  /* a shift lasts at most a day */
	SCENE_HEADCOUNT_MAX = 50,
	SCENE_LONG_MAX = 1000,     /* script texts, characters */
	SCENE_TAGS_MAX = 100,
	SCENE_QUANTITY_MAX = 100000,
	SCENE_EXPAND_DAYS_MAX = 62,
	SCENE_ROWS_MAX = 100,      /* points, posts, bands, items, scripts of one parent */
	SCENE_TZ_OFFSET = 8 * 3600, /* Beijing time */
};

/* A scene to create or change.  NULL strings (and node_kind NULL) leave a
 * field unchanged in scene_update. */
struct scene_new {
	const char *name, *template_code, *lang, *location, *status;
	const char *node_kind; /* "", "compound" or "building" */
	int64_t node_id;
};

/* A script (话术) to add or revise. */
struct scene_script {
	const char *title, *situation, *say, *avoid, *tags;
};

/* A time band of a post (see scene_post_bands above). */
struct scene_band {
	unsigned weekdays;
	int start_min, end_min, headcount;
};

struct shift_info {
	int64_t id, community_id, post_id, scene_id, starts_at, ends_at, headcount;
	const char *skills, *status, *post_name, *scene_name;
};

int scene_add(struct store *db, int64_t *out, int64_t community_id, const char *name,
	      const char *template_code, const char *location, struct err *e);
int scene_post_add(struct store *db, int64_t *out, int64_t community_id, int64_t scene_id,
		   const char *name, const char *point, const char *skills, struct err *e);
/* A shift of a post: ERR_CONFLICT (field "starts_at") when the post has one
 * starting then already; ERR_INVALID naming the field for times out of
 * order, longer than SCENE_SHIFT_MAX, or a headcount outside 1..max. */
int shift_add(struct store *db, int64_t *out, int64_t community_id, int64_t post_id,
	      int64_t starts_at, int64_t ends_at, int64_t headcount, struct err *e);
/* One shift with its post and scene (strings in a). */
int shift_get(struct store *db, struct shift_info *out, int64_t community_id, int64_t shift_id,
	      struct arena *a, struct err *e);
/* The scenes of a community: [{id, name, template, location, posts}]. */
int scene_list(struct store *db, json_t **out, int64_t community_id, struct err *e);
/* One scene: {id, name, template, location, status, posts: [{id, name,
 * point, skills, shifts: [{id, starts_at, ends_at, headcount, status}]}]}. */
int scene_view(struct store *db, json_t **out, int64_t community_id, int64_t scene_id,
	       struct err *e);

/* ---- the scene module proper ---- */

/* Parses YYYY-MM-DD (2000..2099, a real date) into days since 1970-01-01;
 * false when it is not one. */
bool scene_date_days(const char *s, int64_t *days);
/* Weekday of a day number: 0 Monday .. 6 Sunday. */
int scene_weekday(int64_t days);
/* The shift a band gives on local day `days`: false when the band does not
 * apply that weekday, else UTC seconds in *starts and *ends. */
bool scene_band_on(const struct scene_band *b, int64_t days, int64_t *starts, int64_t *ends);

/* Creates a scene in one transaction: "blank" makes it empty; a template
 * code (template.h) copies the template's points, posts with bands and
 * checklists, equipment and scripts in n->lang ("en" or Chinese).
 * ERR_INVALID naming "template" for an unknown code, "node_kind" /
 * "node_id" for a node outside the community. */
int scene_create(struct store *db, int64_t *out, int64_t community_id, const struct scene_new *n,
		 struct err *e);
/* Changes the fields of n that are not NULL. */
int scene_update(struct store *db, int64_t community_id, int64_t scene_id,
		 const struct scene_new *n, struct err *e);

int scene_point_add(struct store *db, int64_t *out, int64_t community_id, int64_t scene_id,
		    const char *name, struct err *e);
int scene_point_delete(struct store *db, int64_t community_id, int64_t point_id, struct err *e);
/* NULL leaves a field unchanged. */
int scene_post_update(struct store *db, int64_t community_id, int64_t post_id, const char *name,
		      const char *point, const char *skills, struct err *e);
/* Deletes a post with its bands, checklist and shifts. */
int scene_post_delete(struct store *db, int64_t community_id, int64_t post_id, struct err *e);
int scene_band_add(struct store *db, int64_t *out, int64_t community_id, int64_t post_id,
		   const struct scene_band *b, struct err *e);
int scene_band_delete(struct store *db, int64_t community_id, int64_t band_id, struct err *e);
/* Checklist items of a post: added last; ids is every item of the post in
 * the new order (ERR_INVALID "ids" otherwise). */
int scene_check_add(struct store *db, int64_t *out, int64_t community_id, int64_t post_id,
		    const char *text, struct err *e);
int scene_check_update(struct store *db, int64_t community_id, int64_t item_id, const char *text,
		       struct err *e);
int scene_check_delete(struct store *db, int64_t community_id, int64_t item_id, struct err *e);
int scene_check_order(struct store *db, int64_t community_id, int64_t post_id, const int64_t *ids,
		      size_t n, struct err *e);
int scene_equipment_add(struct store *db, int64_t *out, int64_t community_id, int64_t scene_id,
			const char *item, int64_t quantity, const char *place, struct err *e);
/* NULL item/place and quantity < 0 leave a field unchanged. */
int scene_equipment_update(struct store *db, int64_t community_id, int64_t id, const char *item,
			   int64_t quantity, const char *place, struct err *e);
int scene_equipment_delete(struct store *db, int64_t community_id, int64_t id, struct err *e);
int scene_script_add(struct store *db, int64_t *out, int64_t community_id, int64_t scene_id,
		     const struct scene_script *s, struct err *e);
/* A revision: keeps the current text in scene_script_revisions, applies the
 * fields of s that are not NULL and raises the revision; *revision gets it. */
int scene_script_revise(struct store *db, int64_t *revision, int64_t community_id,
			int64_t script_id, const struct scene_script *s, int64_t user_id,
			struct err *e);
int scene_script_delete(struct store *db, int64_t community_id, int64_t script_id, struct err *e);
/* One script with its earlier revisions: {id, scene_id, title, situation,
 * say, avoid, tags, revision, revisions: [{revision, title, situation, say,
 * avoid, tags, replaced_at}]}. */
int scene_script_view(struct store *db, json_t **out, int64_t community_id, int64_t script_id,
		      struct err *e);

/* Turns the bands of every post of a scene into shifts for `days` local
 * days from `from` (YYYY-MM-DD); shifts that exist (same post and start)
 * are skipped.  One transaction. */
int scene_expand(struct store *db, int64_t *created, int64_t *skipped, int64_t community_id,
		 int64_t scene_id, const char *from, int64_t days, struct err *e);

/* The checklist of a shift's post with the ticks of that shift:
 * {shift: {id, post_id, post_name, scene_id, scene_name, starts_at, ends_at,
 * headcount, status}, items: [{id, text, ticked, ticked_by, ticked_at}]}. */
int scene_shift_checklist(struct store *db, json_t **out, int64_t community_id, int64_t shift_id,
			  struct err *e);
/* Ticks (on) or unticks an item of the shift's post; idempotent.
 * ERR_NOT_FOUND "item_id" when the item is not of that post. */
int scene_shift_tick(struct store *db, int64_t community_id, int64_t shift_id, int64_t item_id,
		     bool on, int64_t user_id, struct err *e);

extern const struct migration scene_migrations[];
extern const size_t scene_migrations_n;

struct route_table;
extern const struct route_table scene_routes;

#endif
