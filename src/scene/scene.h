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

extern const struct migration scene_migrations[];
extern const size_t scene_migrations_n;

struct route_table;
extern const struct route_table scene_routes;

#endif
