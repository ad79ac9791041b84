/*
 * volunteer_fixture.h - the database the volunteer unit tests share: a
 * temporary SQLite file with every migration, a key file, two communities,
 * a scene with posts, and helpers that make shifts and volunteers.
 *
 * The clock: T0 is 2026-03-02 00:00 UTC, a Monday, 08:00 in Asia/Shanghai.
 * Every function under test takes `now`, so tests set it.
 */
#ifndef LINLI_TESTS_VOLUNTEER_FIXTURE_H
#define LINLI_TESTS_VOLUNTEER_FIXTURE_H

#include "auth/auth.h"
#include "core/seal.h"
#include "registry/resident.h"
#include "registry/structure.h"
#include "routes.h"
#include "scene/checkin.h"
#include "scene/hours.h"
#include "scene/scene.h"
#include "scene/signup.h"
#include "scene/volunteer.h"

#include "testutil.h"

#include <stdio.h>
#include <string.h>

#define T0 ((int64_t)1772409600) /* 2026-03-02T00:00:00Z */
#define H ((int64_t)3600)

static struct {
	char *dir;
	struct store *db;
	struct seal_keyring *kr;
	int64_t s1, c1, c2, scene, post, post_skill, post_ins, post_b, post2;
	int64_t user_vol, user_vol2, user_lead;
	int seq;
} fx;

static const struct vol_actor WHO = {1, "tester", "127.0.0.1"};

static int64_t fx_user(const char *name, enum role role, int64_t community)
{
	struct err e = ERR_INIT;
	int64_t id = 0;
	struct grant g = {role, SCOPE_COMMUNITY, community, community, fx.s1};
	if (auth_user_add(fx.db, &id, name, name, "password-123", NULL, &e) < 0 ||
	    auth_grant(fx.db, id, &g, NULL, &e) < 0) {
		fprintf(stderr, "user %s: %s\n", name, e.message);
		return -1;
	}
	return id;
}

static int fx_setup(void)
{
	struct err e = ERR_INIT;
	char p[4200], k[4200];
	size_t n = 0;
	const struct migration *m = all_migrations(&n);
	int64_t scene2;
	if (!(fx.dir = tmpdir_make()))
		return -1;
	tmpdir_path(p, sizeof(p), fx.dir, "vol.sqlite");
	tmpdir_path(k, sizeof(k), fx.dir, "vol.key");
	if (seal_keyring_create(&fx.kr, k, &e) < 0 || store_open(&fx.db, p, NULL, &e) < 0 ||
	    store_migrate(fx.db, m, n, NULL, &e) < 0 ||
	    structure_street_add(fx.db, &fx.s1, "东湖街道", &e) < 0 ||
	    structure_community_add(fx.db, &fx.c1, fx.s1, "幸福社区", &e) < 0 ||
	    structure_community_add(fx.db, &fx.c2, fx.s1, "和平社区", &e) < 0 ||
	    scene_add(fx.db, &fx.scene, fx.c1, "小区门岗", "gate", "北门", &e) < 0 ||
	    scene_post_add(fx.db, &fx.post, fx.c1, fx.scene, "北门岗", "", "", &e) < 0 ||
	    scene_post_add(fx.db, &fx.post_skill, fx.c1, fx.scene, "医疗点", "", "first_aid", &e) <
		0 ||
	    scene_post_add(fx.db, &fx.post_ins, fx.c1, fx.scene, "高处", "", "", &e) < 0 ||
	    scene_post_add(fx.db, &fx.post_b, fx.c1, fx.scene, "南门岗", "", "", &e) < 0 ||
	    scene_add(fx.db, &scene2, fx.c2, "别处", "gate", "", &e) < 0 ||
	    scene_post_add(fx.db, &fx.post2, fx.c2, scene2, "别处岗", "", "", &e) < 0 ||
	    hours_post_requirements(fx.db, fx.c1, fx.post_ins, true, 0, &e) < 0) {
		fprintf(stderr, "setup: %s (%s)\n", e.message, e.field);
		return -1;
	}
	resident_set_keyring(fx.kr);
	fx.user_vol = fx_user("vol1", ROLE_VOLUNTEER, fx.c1);
	fx.user_vol2 = fx_user("vol2", ROLE_VOLUNTEER, fx.c1);
	fx.user_lead = fx_user("lead1", ROLE_VOLUNTEER, fx.c1); /* a designated post leader */
	return fx.user_vol < 0 || fx.user_vol2 < 0 || fx.user_lead < 0 ? -1 : 0;
}

static void fx_teardown(void)
{
	resident_set_keyring(NULL);
	seal_keyring_free(fx.kr);
	store_close(fx.db);
	tmpdir_remove(fx.dir);
}

/* A shift of post starting T0 + start_h hours (minutes allowed via sec). */
static int64_t fx_shift_at(int64_t post, int64_t starts, int64_t ends, int64_t headcount)
{
	struct err e = ERR_INIT;
	int64_t id = 0;
	if (shift_add(fx.db, &id, fx.c1, post, starts, ends, headcount, &e) < 0) {
		fprintf(stderr, "shift: %s (%s)\n", e.message, e.field);
		return -1;
	}
	return id;
}

static int64_t fx_shift(int64_t post, int64_t start_h, int64_t hours, int64_t headcount)
{
	return fx_shift_at(post, T0 + start_h * H, T0 + (start_h + hours) * H, headcount);
}

/* An adult volunteer from outside with skills (unique name). */
static int64_t fx_volunteer(const char *skills, int64_t user_id)
{
	struct err e = ERR_INIT;
	char name[32];
	int64_t id = 0;
	struct vol_input in = {0};
	snprintf(name, sizeof(name), "志愿者%d", ++fx.seq);
	in.name = name;
	in.birth_date = "1990-05-01";
	in.skills = skills;
	in.user_id = user_id;
	in.consent_date = "2026-01-05";
	in.consent_method = "paper";
	in.consent_version = "v1";
	in.insured_until = "2026-12-31";
	if (volunteer_add(fx.db, &id, fx.c1, &in, T0, 1, "tester", NULL, &e) < 0) {
		fprintf(stderr, "volunteer: %s (%s)\n", e.message, e.field);
		return -1;
	}
	return id;
}

/* Signs up at now; returns the id, or -1 with *rule. */
static int64_t fx_sign(int64_t shift, int64_t vol, int64_t now, const char **rule)
{
	struct err e = ERR_INIT;
	const char *r = NULL;
	int64_t id = 0;
	int rc = signup_add(fx.db, &id, &r, fx.c1, shift, vol, now, &WHO, &e);
	if (rule)
		*rule = r;
	return rc < 0 ? -1 : id;
}

#endif
