/*
 * demo.c - a believable community to try linli with (see demo.h).
 *
 * The three compounds are the kinds a committee meets: an old walk-up
 * estate of six-storey buildings without lifts, a mid-rise commodity estate,
 * and a high-rise estate with four flats to a landing.  Areas vary by room
 * position as real floor plans do.
 */
#include "demo.h"

#include "auth/auth.h"
#include "registry/structure.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

struct demo_compound {
	const char *name, *address, *grid;
	int buildings, first_number;
	int64_t units, floors_low, floors_high, rooms;
	int64_t areas[4];
};

static const struct demo_compound compounds[] = {
	{ "阳光花园", "梅园路 88 弄", "第一网格", 8, 1, 3, 6, 6, 2, { 6235, 5890 } },
	{ "锦绣苑", "梅园路 120 号", "第二网格", 6, 1, 2, 11, 11, 2, { 8950, 9620 } },
	{ "滨江华庭", "滨江大道 1666 弄", "第三网格", 6, 1, 2, 18, 21, 4, { 12866, 8912, 8912, 14350 } },
};

struct demo_account {
	const char *username, *display, *role, *scope;
};

static const struct demo_account accounts[] = {
	{ "admin", "系统管理员", "admin", "platform" },
	{ "street", "王敏（梅园街道）", "street", "street" },
	{ "worker", "李娟（社区工作者）", "worker", "community" },
	{ "grid", "张伟（第一网格）", "grid", "grid" },
	{ "lead", "陈秀英（1号楼楼组长）", "lead", "building" },
	{ "volunteer", "刘洋（志愿者）", "volunteer", "community" },
	{ "resident", "赵建国（居民）", "resident", "community" },
	{ "expert", "孙律师（法律专家）", "expert", "street" },
};

static void random_password(char out[17])
{
	static const char alphabet[] = "abcdefghjkmnpqrstuvwxyzACDEFGHJKLMNPQRTUVWXY346789";
	for (int i = 0; i < 16; i++)
		out[i] = alphabet[randombytes_uniform(sizeof(alphabet) - 1)];
	out[16] = '\0';
}

int demo_build(struct store *db, const char *password, struct err *e)
{
	int64_t street, community, grids[3], first_building = 0;
	char pw[17];

	if (structure_street_add(db, &street, "梅园街道", e) < 0 ||
	    structure_community_add(db, &community, street, "阳光社区", e) < 0)
		return -1;
	for (size_t c = 0; c < 3; c++) {
		const struct demo_compound *dc = &compounds[c];
		int64_t compound;
		if (structure_grid_add(db, &grids[c], community, dc->grid, e) < 0 ||
		    structure_compound_add(db, &compound, community, dc->name, grids[c], dc->address,
					   e) < 0)
			return -1;
		for (int b = 0; b < dc->buildings; b++) {
			char name[32];
			int64_t building, nu, nd;
			snprintf(name, sizeof(name), "%d号楼", dc->first_number + b);
			if (structure_building_add(db, &building, community, compound, name, grids[c],
						   e) < 0)
				return -1;
			if (!first_building)
				first_building = building;
			struct layout l = {
				.units = dc->units,
				.floors = b < dc->buildings / 2 ? dc->floors_low : dc->floors_high,
				.rooms_per_floor = dc->rooms,
				.area = dc->areas[0],
				.first_floor = 1,
				.room_areas = dc->areas,
			};
			if (structure_layout(db, community, building, &l, &nu, &nd, e) < 0)
				return -1;
		}
	}

	printf("Demo accounts (the passwords are shown only now):\n");
	for (size_t i = 0; i < sizeof(accounts) / sizeof(accounts[0]); i++) {
		const struct demo_account *a = &accounts[i];
		struct grant g = { 0 };
		int64_t uid;
		if (!password)
			random_password(pw);
		const char *p = password ? password : pw;
		if (auth_user_add(db, &uid, a->username, a->display, p, "demo", e) < 0)
			return -1;
		g.role = (enum role)role_parse(a->role);
		g.scope = (enum scope)scope_parse(a->scope);
		g.scope_id = g.scope == SCOPE_STREET      ? street
			     : g.scope == SCOPE_COMMUNITY ? community
			     : g.scope == SCOPE_GRID      ? grids[0]
			     : g.scope == SCOPE_BUILDING  ? first_building
							  : 0;
		g.street_id = g.scope == SCOPE_PLATFORM ? 0 : street;
		g.community_id = g.scope >= SCOPE_COMMUNITY ? community : 0;
		if (auth_grant(db, uid, &g, "demo", e) < 0)
			return -1;
		printf("  %-10s %-18s %s\n", a->username, password ? "(LINLI_DEMO_PASSWORD)" : p,
		       a->display);
	}
	sodium_memzero(pw, sizeof(pw));
	return 0;
}
