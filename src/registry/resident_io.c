/*
 * resident_io.c - importing and exporting the residents register (see
 * resident_io.h).
 *
 * Why it is built this way: the rules of a resident are resident.c's
 * (resident_check), so an imported row and a typed one cannot disagree; this
 * file only turns a committee's spreadsheet into resident_input values, and
 * writes many of them in one transaction with the statements prepared once
 * (the store caches them by the address of the SQL text).  Lookups that
 * would otherwise be one query per row (dwellings by building, unit and
 * room; residents by ID hash or dwelling + name; duplicates inside the file)
 * are small open-addressing hash tables built once per import.
 *
 * Memory: one arena per import holds every converted cell and checked row
 * (about 300 bytes a row, 30 MB for the 100,000-row benchmark); the sealed
 * values of the write phase go to a scratch arena emptied every 1,000 rows.
 */
#include "registry/resident_io.h"

#include "auth/auth.h"
#include "core/arena.h"
#include "core/csv.h"
#include "core/seal.h"
#include "core/timeutil.h"
#include "core/utf8.h"
#include "registry/mask.h"
#include "registry/resident.h"
#include "registry/resident_grams.h"

#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <xlsxwriter.h>

/* ---- SQL (the residents and structure tables of this folder) ---- */

static const char sql_dwellings[] =
    "SELECT d.id, b.name, u.name, d.room, c.name FROM dwellings d"
    " JOIN buildings b ON b.id = d.building_id JOIN units u ON u.id = d.unit_id"
    " JOIN compounds c ON c.id = b.compound_id"
    " WHERE d.community_id = ?";
static const char sql_existing[] =
    "SELECT id, id_hash, dwelling_id, name FROM residents WHERE community_id = ?";
static const char sql_full[] =
    "SELECT dwelling_id, name, gender, birth_date, id_number, phone, relation, residency,"
    " skills, volunteer_willing, languages FROM residents WHERE id = ? AND community_id = ?";
static const char sql_insert[] =
    "INSERT INTO residents (community_id, dwelling_id, name, gender, birth_date, id_number,"
    " id_hash, phone, phone_tail, relation, residency, skills, volunteer_willing, created_at,"
    " updated_at, languages) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    " RETURNING id";
static const char sql_update[] =
    "UPDATE residents SET dwelling_id = ?, name = ?, gender = ?, birth_date = ?, id_number = ?,"
    " id_hash = ?, phone = ?, phone_tail = ?, relation = ?, residency = ?, skills = ?,"
    " volunteer_willing = ?, updated_at = ?, languages = ? WHERE id = ? AND community_id = ?";
static const char sql_export[] =
    "SELECT r.name, r.gender, r.birth_date, r.id_number, r.phone, r.relation, r.residency,"
    " r.skills, r.volunteer_willing, b.name, u.name, d.room, c.name, r.languages"
    " FROM residents r"
    " LEFT JOIN dwellings d ON d.id = r.dwelling_id"
    " LEFT JOIN buildings b ON b.id = d.building_id LEFT JOIN units u ON u.id = d.unit_id"
    " LEFT JOIN compounds c ON c.id = b.compound_id"
    " WHERE r.community_id = ? ORDER BY r.id";

/* ---- fields and headings ---- */

enum field {
	F_NAME,
	F_COMPOUND,
	F_GENDER,
	F_BIRTH,
	F_ID,
	F_PHONE,
	F_BUILDING,
	F_UNIT,
	F_ROOM,
	F_ADDRESS,
	F_RELATION,
	F_RESIDENCY,
	F_SKILLS,
	F_VOLUNTEER,
	F_LANGUAGES,
	F_COUNT,
	F_NONE = -1,
	F_IGNORE = -2,
};

static const char *const field_names[F_COUNT] = {
    "name",    "compound", "gender",  "birth_date", "id_number", "phone",     "building",         "unit",
    "room",    "address", "relation",   "residency", "skills",    "volunteer_willing",
    "languages",
};

/* Headings as committees write them, compared after trimming and lower-casing
 * ASCII; the first of each is what the export writes. */
static const struct {
	enum field f;
	const char *h;
} headings[] = {
    {F_NAME, "姓名"},
    {F_NAME, "名字"},
    {F_NAME, "居民姓名"},
    {F_NAME, "name"},
    {F_NAME, "full name"},
    {F_COMPOUND, "小区"},
    {F_COMPOUND, "小区名称"},
    {F_COMPOUND, "院落"},
    {F_COMPOUND, "compound"},
    {F_GENDER, "性别"},
    {F_GENDER, "gender"},
    {F_GENDER, "sex"},
    {F_BIRTH, "出生日期"},
    {F_BIRTH, "出生年月"},
    {F_BIRTH, "出生年月日"},
    {F_BIRTH, "生日"},
    {F_BIRTH, "birth_date"},
    {F_BIRTH, "birth date"},
    {F_BIRTH, "date of birth"},
    {F_ID, "身份证号"},
    {F_ID, "身份证号码"},
    {F_ID, "公民身份号码"},
    {F_ID, "证件号码"},
    {F_ID, "证件号"},
    {F_ID, "身份证"},
    {F_ID, "id_number"},
    {F_ID, "id number"},
    {F_PHONE, "手机"},
    {F_PHONE, "手机号"},
    {F_PHONE, "手机号码"},
    {F_PHONE, "联系电话"},
    {F_PHONE, "电话"},
    {F_PHONE, "联系方式"},
    {F_PHONE, "phone"},
    {F_PHONE, "mobile"},
    {F_BUILDING, "楼栋"},
    {F_BUILDING, "楼号"},
    {F_BUILDING, "楼"},
    {F_BUILDING, "楼栋号"},
    {F_BUILDING, "楼幢"},
    {F_BUILDING, "栋"},
    {F_BUILDING, "building"},
    {F_UNIT, "单元"},
    {F_UNIT, "单元号"},
    {F_UNIT, "unit"},
    {F_ROOM, "房号"},
    {F_ROOM, "室"},
    {F_ROOM, "门牌"},
    {F_ROOM, "门牌号"},
    {F_ROOM, "房间号"},
    {F_ROOM, "room"},
    {F_ADDRESS, "住址"},
    {F_ADDRESS, "地址"},
    {F_ADDRESS, "居住地址"},
    {F_ADDRESS, "现住址"},
    {F_ADDRESS, "房屋地址"},
    {F_ADDRESS, "address"},
    {F_RELATION, "与户主关系"},
    {F_RELATION, "户主关系"},
    {F_RELATION, "关系"},
    {F_RELATION, "relation"},
    {F_RESIDENCY, "户籍类型"},
    {F_RESIDENCY, "居住类型"},
    {F_RESIDENCY, "人口类型"},
    {F_RESIDENCY, "residency"},
    {F_SKILLS, "技能特长"},
    {F_SKILLS, "技能"},
    {F_SKILLS, "特长"},
    {F_SKILLS, "技能/特长"},
    {F_SKILLS, "skills"},
    {F_VOLUNTEER, "志愿者"},
    {F_VOLUNTEER, "是否愿意做志愿者"},
    {F_VOLUNTEER, "愿意做志愿者"},
    {F_VOLUNTEER, "是否志愿者"},
    {F_VOLUNTEER, "volunteer"},
    {F_VOLUNTEER, "volunteer_willing"},
    {F_LANGUAGES, "语言"},
    {F_LANGUAGES, "方言"},
    {F_LANGUAGES, "语言/方言"},
    {F_LANGUAGES, "语言方言"},
    {F_LANGUAGES, "会说的语言"},
    {F_LANGUAGES, "languages"},
    {F_LANGUAGES, "language"},
    {F_LANGUAGES, "dialect"},
};

/* The export's headings: the first heading of each field. */
static const char *export_heading(enum field f)
{
	for (size_t i = 0; i < sizeof(headings) / sizeof(headings[0]); i++)
		if (headings[i].f == f)
			return headings[i].h;
	return "";
}

/* ---- small helpers ---- */

/* Trims ASCII spaces and tabs, U+3000 (ideographic space) and U+00A0 from
 * both ends of s[0..*len); returns the new start. */
static const char *trim(const char *s, size_t *len)
{
	size_t n = *len;
	for (;;) {
		if (n && (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n'))
			s++, n--;
		else if (n >= 3 && !memcmp(s, "\xe3\x80\x80", 3))
			s += 3, n -= 3;
		else if (n >= 2 && !memcmp(s, "\xc2\xa0", 2))
			s += 2, n -= 2;
		else
			break;
	}
	for (;;) {
		if (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
			n--;
		else if (n >= 3 && !memcmp(s + n - 3, "\xe3\x80\x80", 3))
			n -= 3;
		else if (n >= 2 && !memcmp(s + n - 2, "\xc2\xa0", 2))
			n -= 2;
		else
			break;
	}
	*len = n;
	return s;
}

static bool is_ascii(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80)
			return false;
	return true;
}

static bool eq(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(s, *list))
			return true;
	return false;
}

/* ---- a string-keyed hash table (keys borrowed, usually in the arena) ---- */

struct slot {
	uint64_t h;
	const char *k;
	int64_t v;
	const void *p;
};
struct smap {
	struct slot *s;
	size_t cap, n;
};

static uint64_t fnv(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h ? h : 1;
}

static struct slot *smap_find(struct smap *m, const char *k, uint64_t h)
{
	size_t i;
	if (!m->cap)
		return NULL;
	for (i = h & (m->cap - 1); m->s[i].h; i = (i + 1) & (m->cap - 1))
		if (m->s[i].h == h && !strcmp(m->s[i].k, k))
			return &m->s[i];
	return &m->s[i];
}

static struct slot *smap_get(struct smap *m, const char *k)
{
	struct slot *s = smap_find(m, k, fnv(k));
	return s && s->h ? s : NULL;
}

/* Sets k to v (and p); returns the slot, which existed when *had. */
static struct slot *smap_put(struct smap *m, const char *k, int64_t v, const void *p, bool *had)
{
	uint64_t h = fnv(k);
	struct slot *s;
	if ((m->n + 1) * 2 > m->cap) {
		struct smap g = {xcalloc(m->cap ? m->cap * 2 : 64, sizeof(struct slot)),
		                 m->cap ? m->cap * 2 : 64, m->n};
		for (size_t i = 0; i < m->cap; i++)
			if (m->s[i].h)
				*smap_find(&g, m->s[i].k, m->s[i].h) = m->s[i];
		free(m->s);
		*m = g;
	}
	s = smap_find(m, k, h);
	if (had)
		*had = s->h != 0;
	if (!s->h) {
		s->h = h;
		s->k = k;
		m->n++;
	}
	s->v = v;
	s->p = p;
	return s;
}

static void smap_free(struct smap *m)
{
	free(m->s);
	m->s = NULL;
	m->cap = m->n = 0;
}

/* ---- the dwellings of the community ---- */

/* Writes a building, unit or room name in the form both sides are compared
 * in: "3", "3栋", "3号楼", "3幢", "3#" are "#3" (building); "2", "2单元" are
 * "#2" (unit); "1203", "1203室" are "1203" (room); anything else is itself. */
static const char *norm_part(struct arena *a, const char *s, size_t n, enum field f)
{
	static const char *const bsuf[] = {"号楼", "栋", "幢", "号", "#", "楼", "座", ""};
	static const char *const usuf[] = {"单元", "门", ""};
	static const char *const rsuf[] = {"室", "号", "房", ""};
	const char *const *suf = f == F_BUILDING ? bsuf : f == F_UNIT ? usuf : rsuf;
	size_t d = 0, z = 0;
	s = trim(s, &n);
	while (d < n && s[d] >= '0' && s[d] <= '9')
		d++;
	if (d == 0)
		return arena_strndup(a, s, n);
	for (const char *const *p = suf;; p++) {
		size_t k = strlen(*p);
		if (d + k == n && !memcmp(s + d, *p, k))
			break;
		if (!**p)
			return arena_strndup(a, s, n);
	}
	if (f == F_ROOM)
		return arena_strndup(a, s, d);
	while (z + 1 < d && s[z] == '0')
		z++;
	return arena_printf(a, "#%.*s", (int)(d - z), s + z);
}

struct imp {
	struct store *db;
	int64_t community_id;
	struct arena a;
	/* "c\x1fb\x1fu\x1fr" -> dwelling id (-1: more than one), where c may
	 * be "*" (any compound) and u "*" (any unit) */
	struct smap dw;
	struct smap bld; /* "c\x1fb" and "*\x1fb" -> 1, known buildings */
	struct smap cmp; /* compound names -> 1 */
	enum rio_encoding enc;
	bool converted; /* the whole file was converted to UTF-8 up front */
	iconv_t cd;
};

static int load_dwellings(struct imp *im, struct err *e)
{
	struct stmt *st = store_prepare(im->db, sql_dwellings, e);
	int s;
	if (!st)
		return -1;
	stmt_bind_int(st, 1, im->community_id);
	while ((s = stmt_step(st, e)) == STORE_ROW) {
		int64_t id = stmt_int(st, 0);
		const char *b = norm_part(&im->a, stmt_text(st, 1), stmt_len(st, 1), F_BUILDING);
		const char *u = norm_part(&im->a, stmt_text(st, 2), stmt_len(st, 2), F_UNIT);
		const char *r = norm_part(&im->a, stmt_text(st, 3), stmt_len(st, 3), F_ROOM);
		const char *c = arena_strdup(&im->a, stmt_text(st, 4));
		const char *cs[2] = {c, "*"}, *us[2] = {u, "*"};
		smap_put(&im->cmp, c, 1, NULL, NULL);
		smap_put(&im->bld, arena_printf(&im->a, "%s\x1f%s", c, b), 1, NULL, NULL);
		smap_put(&im->bld, arena_printf(&im->a, "*\x1f%s", b), 1, NULL, NULL);
		for (int i = 0; i < 2; i++)
			for (int k = 0; k < 2; k++) {
				bool had;
				struct slot *sl = smap_put(
				    &im->dw, arena_printf(&im->a, "%s\x1f%s\x1f%s\x1f%s", cs[i], b, us[k], r),
				    id, NULL, &had);
				if (had)
					sl->v = -1; /* the same name in two compounds or units */
			}
	}
	stmt_done(st);
	return s < 0 ? -1 : 0;
}

/* Reads "3栋2单元1203", "3号楼2单元1203室", "3-2-1203" (a leading compound
 * name is skipped) into building, unit (may stay NULL) and room. */
static bool split_address(struct arena *a, const char *s, const char **c, const char **b,
                          const char **u, const char **r)
{
	static const char *const bsep[] = {"号楼", "栋", "幢", "#", "座", "-", NULL};
	static const char *const usep[] = {"单元", "-", NULL};
	const char *p = s;
	size_t d;
	while (*p && !(*p >= '0' && *p <= '9'))
		p++;
	*c = p > s ? arena_strndup(a, s, (size_t)(p - s)) : NULL;
	d = strspn(p, "0123456789");
	if (!d)
		return false;
	for (const char *const *q = bsep;; q++) {
		if (!*q)
			return false;
		if (!strncmp(p + d, *q, strlen(*q))) {
			/* the name as written ("3号楼"), for messages */
			*b = arena_strndup(a, p, d + (strcmp(*q, "-") ? strlen(*q) : 0));
			p += d + strlen(*q);
			break;
		}
	}
	d = strspn(p, "0123456789");
	*u = NULL;
	for (const char *const *q = usep; d && *q; q++)
		if (!strncmp(p + d, *q, strlen(*q))) {
			*u = arena_strndup(a, p, d);
			p += d + strlen(*q);
			d = strspn(p, "0123456789");
			break;
		}
	if (!d || (p[d] && strcmp(p + d, "室") && strcmp(p + d, "号")))
		return false;
	*r = arena_strndup(a, p, d);
	return true;
}

/* Finds the dwelling of the row's building, unit and room (or address);
 * *out 0 when the row names none. */
static int find_dwelling(struct imp *im, int64_t *out, const char *const *v, struct err *e)
{
	const char *c = v[F_COMPOUND], *b = v[F_BUILDING], *u = v[F_UNIT], *r = v[F_ROOM];
	const char *nc, *nb, *nu, *nr;
	struct slot *s;
	*out = 0;
	if (v[F_ADDRESS] && !b && !r) {
		const char *ac;
		if (!split_address(&im->a, v[F_ADDRESS], &ac, &b, &u, &r))
			return err_set(e, ERR_INVALID, "address",
			               "cannot read building, unit and room from \"%s\" (write it as "
			               "3栋2单元1203)",
			               v[F_ADDRESS]);
		if (!c && ac) {
			size_t n = strlen(ac);
			ac = trim(ac, &n);
			ac = arena_strndup(&im->a, ac, n);
			if (smap_get(&im->cmp, ac))
				c = ac;
		}
	}
	if (!b && !u && !r)
		return 0;
	if (!b)
		return err_set(e, ERR_INVALID, "building", "the building is missing");
	if (!r)
		return err_set(e, ERR_INVALID, "room", "the room is missing");
	if (c && !smap_get(&im->cmp, c))
		return err_set(e, ERR_INVALID, "compound", "no compound %s in this community", c);
	nc = c ? c : "*";
	nb = norm_part(&im->a, b, strlen(b), F_BUILDING);
	if (!smap_get(&im->bld, arena_printf(&im->a, "%s\x1f%s", nc, nb)))
		return err_set(e, ERR_INVALID, "building", "no building %s%s%s in this community",
		               c ? c : "", c ? " " : "", b);
	nr = norm_part(&im->a, r, strlen(r), F_ROOM);
	nu = u ? norm_part(&im->a, u, strlen(u), F_UNIT) : "*";
	s = smap_get(&im->dw, arena_printf(&im->a, "%s\x1f%s\x1f%s\x1f%s", nc, nb, nu, nr));
	if (!s && u)
		return err_set(e, ERR_INVALID, "room", "no room %s in unit %s of building %s", r, u, b);
	if (!s)
		return err_set(e, ERR_INVALID, "room", "no room %s in building %s", r, b);
	if (s->v < 0 && u)
		return err_set(e, ERR_INVALID, "compound",
		               "more than one compound has a building %s: give the compound (小区)",
		               b);
	if (s->v < 0)
		return err_set(e, ERR_INVALID, "unit",
		               "room %s of building %s is in more than one unit%s: give the unit%s",
		               r, b, c ? "" : " or compound", c ? "" : " and the compound (小区)");
	*out = s->v;
	return 0;
}

/* ---- values ---- */

static int conv_gender(const char **out, const char *s, struct err *e)
{
	static const char *const m[] = {"男", "男性", "m", "M", "male", "Male", NULL};
	static const char *const f[] = {"女", "女性", "f", "F", "female", "Female", NULL};
	if (eq(s, m))
		*out = "male";
	else if (eq(s, f))
		*out = "female";
	else
		return err_set(e, ERR_INVALID, "gender", "gender must be 男 or 女, not \"%s\"", s);
	return 0;
}

static int conv_relation(const char **out, const char *s, struct err *e)
{
	static const char *const h[] = {"户主", "本人", "householder", NULL};
	static const char *const sp[] = {"配偶", "妻", "妻子", "夫", "丈夫", "spouse", NULL};
	static const char *const c[] = {"子女", "子", "女", "儿子", "女儿", "长子", "次子",
	                                "长女", "次女", "child", NULL};
	static const char *const p[] = {"父母", "父亲", "母亲", "父", "母", "parent", NULL};
	static const char *const o[] = {"其他", "其它", "other", NULL};
	if (eq(s, h))
		*out = "householder";
	else if (eq(s, sp))
		*out = "spouse";
	else if (eq(s, c))
		*out = "child";
	else if (eq(s, p))
		*out = "parent";
	else if (eq(s, o))
		*out = "other";
	else
		return err_set(e, ERR_INVALID, "relation",
		               "relation must be 户主, 配偶, 子女, 父母 or 其他, not \"%s\"", s);
	return 0;
}

static int conv_residency(const char **out, const char *s, struct err *e)
{
	static const char *const h[] = {"户籍", "户籍人口", "本地户籍", "huji", NULL};
	static const char *const r[] = {"常住", "常住人口", "居住", "resident", NULL};
	static const char *const f[] = {"流动", "流动人口", "floating", NULL};
	static const char *const t[] = {"租户", "租住", "租赁", "tenant", NULL};
	static const char *const s2[] = {"人户分离", "separated", NULL};
	if (eq(s, h))
		*out = "huji";
	else if (eq(s, r))
		*out = "resident";
	else if (eq(s, f))
		*out = "floating";
	else if (eq(s, t))
		*out = "tenant";
	else if (eq(s, s2))
		*out = "separated";
	else
		return err_set(e, ERR_INVALID, "residency",
		               "residency must be 户籍, 常住, 流动, 租户 or 人户分离, not \"%s\"", s);
	return 0;
}

static int conv_volunteer(int *out, const char *s, struct err *e)
{
	static const char *const y[] = {"是", "愿意", "y", "Y", "yes", "Yes", "1", "true", "√", NULL};
	static const char *const n[] = {"否", "不愿意", "n", "N", "no", "No", "0", "false", NULL};
	if (eq(s, y))
		*out = 1;
	else if (eq(s, n))
		*out = 0;
	else
		return err_set(e, ERR_INVALID, "volunteer_willing",
		               "volunteer_willing must be 是 or 否, not \"%s\"", s);
	return 0;
}

/* 1980-01-02, 1980/1/2, 1980.1.2, 1980年1月2日 and 19800102 become
 * 1980-01-02; anything else is left for the register's own check. */
static const char *conv_date(struct arena *a, const char *s)
{
	unsigned y = 0, m = 0, d = 0;
	int n = 0;
	size_t len = strlen(s);
	if (len == 8 && strspn(s, "0123456789") == 8)
		sscanf(s, "%4u%2u%2u%n", &y, &m, &d, &n);
	else if (sscanf(s, "%4u-%2u-%2u%n", &y, &m, &d, &n) == 3 ||
	         sscanf(s, "%4u/%2u/%2u%n", &y, &m, &d, &n) == 3 ||
	         sscanf(s, "%4u.%2u.%2u%n", &y, &m, &d, &n) == 3 ||
	         sscanf(s, "%4u年%2u月%2u%n", &y, &m, &d, &n) == 3) {
		if (!strcmp(s + n, "日"))
			n += 3;
	} else {
		return s;
	}
	if ((size_t)n != len || y < 1000 || m > 99 || d > 99)
		return s;
	return arena_printf(a, "%04u-%02u-%02u", y, m, d);
}

/* ---- encoding ---- */

/* More valid multi-byte UTF-8 sequences than invalid bytes: UTF-8 with some
 * damage, not GB18030 (whose two-byte pairs rarely form UTF-8). */
static enum rio_encoding detect(const char *buf, size_t len)
{
	const unsigned char *u = (const unsigned char *)buf;
	size_t good = 0, bad = 0, i = 0;
	if (len >= 3 && !memcmp(buf, "\xef\xbb\xbf", 3))
		return RIO_UTF8;
	while (i < len) {
		size_t k;
		if (u[i] < 0x80) {
			i++;
			continue;
		}
		k = u[i] >= 0xf0 ? 4 : u[i] >= 0xe0 ? 3 : u[i] >= 0xc2 ? 2 : 0;
		if (k && i + k <= len && utf8_valid(buf + i, k)) {
			good++;
			i += k;
		} else {
			bad++;
			i++;
		}
	}
	return bad == 0 || good > bad ? RIO_UTF8 : RIO_GB18030;
}

/* The cell s[0..n) as UTF-8 in the arena, or NULL when its bytes are not
 * valid in the file's encoding. */
static const char *decode(struct imp *im, const char *s, size_t n)
{
	char *out, *o, *in = (char *)s;
	size_t ol, il = n;
	if (is_ascii(s, n))
		return arena_strndup(&im->a, s, n);
	if (im->enc == RIO_UTF8 || im->converted)
		return utf8_valid(s, n) ? arena_strndup(&im->a, s, n) : NULL;
	out = o = arena_alloc(&im->a, 2 * n + 4);
	ol = 2 * n + 3;
	iconv(im->cd, NULL, NULL, NULL, NULL);
	if (iconv(im->cd, &in, &il, &o, &ol) == (size_t)-1 || il)
		return NULL;
	*o = '\0';
	return utf8_valid(out, (size_t)(o - out)) ? out : NULL;
}

/* Converts the whole file from GB18030 at once (one iconv call is much
 * faster than one per cell); false when some byte is not GB18030, and then
 * the cells are converted one by one, so that each bad one is reported. */
static bool convert_all(struct imp *im, struct strbuf *out, const char *buf, size_t len)
{
	char *in = (char *)buf, *o;
	size_t il = len, ol;
	strbuf_grow(out, 2 * len + 16);
	o = out->buf;
	ol = out->alloc - 1;
	iconv(im->cd, NULL, NULL, NULL, NULL);
	if (iconv(im->cd, &in, &il, &o, &ol) == (size_t)-1 || il) {
		strbuf_reset(out);
		return false;
	}
	out->len = (size_t)(o - out->buf);
	out->buf[out->len] = '\0';
	return true;
}

/* ---- the mapping of columns ---- */

static enum field field_by_name(const char *s)
{
	if (!strcmp(s, "ignore"))
		return F_IGNORE;
	for (int f = 0; f < F_COUNT; f++)
		if (!strcmp(s, field_names[f]))
			return (enum field)f;
	return F_NONE;
}

static enum field field_by_heading(const char *s)
{
	char low[128];
	size_t n = strlen(s), i;
	if (n >= sizeof(low))
		return F_NONE;
	for (i = 0; i <= n; i++)
		low[i] = s[i] >= 'A' && s[i] <= 'Z' ? (char)(s[i] + 32) : s[i];
	while (n && low[n - 1] == '*')
		low[--n] = '\0';
	for (i = 0; i < sizeof(headings) / sizeof(headings[0]); i++)
		if (!strcmp(low, headings[i].h))
			return headings[i].f;
	return field_by_name(low);
}

/* Sets cols[j] for every heading, from the map first, then the headings. */
static int map_columns(struct imp *im, enum field *cols, const char *const *head, size_t n,
                       const char *map, struct rio_report *rep, struct err *e)
{
	int given[F_COUNT];
	for (int f = 0; f < F_COUNT; f++)
		given[f] = -1;
	for (size_t j = 0; j < n; j++)
		cols[j] = F_NONE;
	for (const char *p = map; p && *p;) {
		const char *end = strchr(p, ','), *eqs;
		size_t len = end ? (size_t)(end - p) : strlen(p), hl, fl;
		const char *h, *fn;
		enum field f;
		size_t j;
		eqs = memchr(p, '=', len);
		if (!eqs)
			return err_set(e, ERR_INVALID, "map", "the map is heading=field,...");
		hl = (size_t)(eqs - p);
		fl = len - hl - 1;
		h = trim(p, &hl);
		fn = trim(eqs + 1, &fl);
		fn = arena_strndup(&im->a, fn, fl);
		if ((f = field_by_name(fn)) == F_NONE)
			return err_set(e, ERR_INVALID, "map", "no field called %s", fn);
		for (j = 0; j < n; j++)
			if (head[j] && strlen(head[j]) == hl && !memcmp(head[j], h, hl))
				break;
		if (j == n)
			return err_set(e, ERR_INVALID, "map", "the file has no column %.*s", (int)hl,
			               h);
		cols[j] = f;
		if (f >= 0)
			given[f] = (int)j;
		p = end ? end + 1 : p + len;
	}
	for (size_t j = 0; j < n; j++) {
		enum field f;
		if (cols[j] != F_NONE || !head[j])
			continue;
		f = field_by_heading(head[j]);
		if (f >= 0 && given[f] < 0) {
			cols[j] = f;
			given[f] = (int)j;
		} else if (*head[j]) {
			strbuf_addf(&rep->unknown, "%s\n", head[j]);
		}
	}
	if (given[F_NAME] < 0)
		return err_set(e, ERR_INVALID, "name",
		               "no column gives the name (a heading such as 姓名, or --map)");
	return 0;
}

/* ---- import ---- */

void rio_report_init(struct rio_report *r)
{
	memset(r, 0, sizeof(*r));
	strbuf_init(&r->lines);
	strbuf_init(&r->unknown);
}

void rio_report_release(struct rio_report *r)
{
	strbuf_release(&r->lines);
	strbuf_release(&r->unknown);
}

bool rio_encoding_parse(const char *s, enum rio_encoding *out)
{
	if (!strcmp(s, "auto"))
		*out = RIO_AUTO;
	else if (!strcasecmp(s, "utf-8") || !strcasecmp(s, "utf8"))
		*out = RIO_UTF8;
	else if (!strcasecmp(s, "gb18030") || !strcasecmp(s, "gbk"))
		*out = RIO_GB18030;
	else
		return false;
	return true;
}

struct prow {
	size_t line;
	struct resident_input in;
};

static void bad_row(struct rio_report *rep, size_t line, const char *field, const char *msg)
{
	rep->bad++;
	strbuf_addf(&rep->lines, "line %zu: %s: %s\n", line, field && *field ? field : "row",
	            msg);
}

static void progress(const struct rio_options *o, enum rio_phase ph, size_t done, size_t total,
                     bool last)
{
	if (o->progress && (last || (done && done % RIO_PROGRESS_EVERY == 0)))
		o->progress(o->progress_ctx, ph, done, total);
}

/* Converts and checks one record into *p; 0, or -1 with e naming the field
 * (or the column, for bytes that are not text). */
static int take_row(struct imp *im, struct prow *p, const struct csv_record *rec,
                    const enum field *cols, const char *const *head, bool *empty,
                    struct err *e)
{
	const char *v[F_COUNT] = {0};
	struct resident_input in = {.volunteer_willing = -1};
	*empty = true;
	for (size_t j = 0; j < rec->count; j++) {
		size_t n = rec->fields[j].len;
		const char *s;
		if (cols[j] < 0)
			continue;
		s = trim(rec->fields[j].ptr, &n);
		if (!n)
			continue;
		*empty = false;
		if (!(v[cols[j]] = decode(im, s, n)))
			return err_set(e, ERR_INVALID, head[j], "not valid %s",
			               im->enc == RIO_UTF8 ? "UTF-8" : "GB18030");
	}
	if (*empty)
		return 0;
	in.name = v[F_NAME];
	in.birth_date = v[F_BIRTH] ? conv_date(&im->a, v[F_BIRTH]) : NULL;
	in.id_number = v[F_ID];
	in.phone = v[F_PHONE];
	in.skills = v[F_SKILLS];
	in.languages = v[F_LANGUAGES];
	if ((v[F_GENDER] && conv_gender(&in.gender, v[F_GENDER], e) < 0) ||
	    (v[F_RELATION] && conv_relation(&in.relation, v[F_RELATION], e) < 0) ||
	    (v[F_RESIDENCY] && conv_residency(&in.residency, v[F_RESIDENCY], e) < 0) ||
	    (v[F_VOLUNTEER] && conv_volunteer(&in.volunteer_willing, v[F_VOLUNTEER], e) < 0) ||
	    find_dwelling(im, &in.dwelling_id, v, e) < 0)
		return -1;
	if (!in.name)
		return err_set(e, ERR_INVALID, "name", "the name is empty");
	return resident_check(&p->in, &in, &im->a, e);
}

/* Binds the 12 columns from dwelling_id to volunteer_willing at idx
 * (languages is bound by the caller, after updated_at). */
static int bind_row(struct stmt *st, int idx, const struct resident_input *r,
                    const struct seal_keyring *kr, struct arena *a, struct err *e)
{
	const char *sid = NULL, *sph = NULL;
	char hash[SEAL_HASH_CHARS + 1];
	if (r->id_number && seal_encrypt(&sid, kr, r->id_number, strlen(r->id_number),
	                                 RESIDENT_SEAL_ID, a, e) < 0)
		return -1;
	if (r->phone &&
	    seal_encrypt(&sph, kr, r->phone, strlen(r->phone), RESIDENT_SEAL_PHONE, a, e) < 0)
		return -1;
#define OPT(i, s) ((s) ? stmt_bind_text(st, i, s, SIZE_MAX) : stmt_bind_null(st, i))
	if (r->dwelling_id > 0)
		stmt_bind_int(st, idx, r->dwelling_id);
	else
		stmt_bind_null(st, idx);
	stmt_bind_text(st, idx + 1, r->name, SIZE_MAX);
	stmt_bind_text(st, idx + 2, r->gender, SIZE_MAX);
	OPT(idx + 3, r->birth_date);
	OPT(idx + 4, sid);
	const char *hp = NULL;
	if (r->id_number) {
		seal_hash(hash, kr, r->id_number, strlen(r->id_number));
		hp = hash;
	}
	OPT(idx + 5, hp);
	OPT(idx + 6, sph);
	OPT(idx + 7, r->phone ? r->phone + strlen(r->phone) - 4 : NULL);
	stmt_bind_text(st, idx + 8, r->relation, SIZE_MAX);
	stmt_bind_text(st, idx + 9, r->residency, SIZE_MAX);
	OPT(idx + 10, r->skills);
	stmt_bind_int(st, idx + 11, r->volunteer_willing == 1);
#undef OPT
	return 0;
}

#define OPTL(st, i, s) ((s) ? stmt_bind_text(st, i, s, SIZE_MAX) : stmt_bind_null(st, i))

static bool same(const char *x, const char *y)
{
	return (!x && !y) || (x && y && !strcmp(x, y));
}

/* Reads resident id (sealed fields opened) into *r. */
static int read_full(struct store *db, struct resident_input *r, int64_t community_id, int64_t id,
                     const struct seal_keyring *kr, struct arena *a, struct err *e)
{
	struct stmt *st = store_prepare(db, sql_full, e);
	int s, rc = -1;
	if (!st)
		return -1;
	stmt_bind_int(st, 1, id);
	stmt_bind_int(st, 2, community_id);
	if ((s = stmt_step(st, e)) != STORE_ROW) {
		if (s == STORE_DONE)
			err_set(e, ERR_INTERNAL, NULL, "resident %lld vanished", (long long)id);
		goto out;
	}
#define T(c) (stmt_is_null(st, c) ? NULL : arena_strdup(a, stmt_text(st, c)))
	*r = (struct resident_input){
	    .dwelling_id = stmt_is_null(st, 0) ? 0 : stmt_int(st, 0),
	    .name = T(1),
	    .gender = T(2),
	    .birth_date = T(3),
	    .relation = T(6),
	    .residency = T(7),
	    .skills = T(8),
	    .volunteer_willing = stmt_int(st, 9) ? 1 : 0,
	    .languages = T(10),
	};
#undef T
	if (!stmt_is_null(st, 4) && seal_decrypt(&r->id_number, NULL, kr, stmt_text(st, 4),
	                                         stmt_len(st, 4), RESIDENT_SEAL_ID, a, e) < 0)
		goto out;
	if (!stmt_is_null(st, 5) && seal_decrypt(&r->phone, NULL, kr, stmt_text(st, 5),
	                                         stmt_len(st, 5), RESIDENT_SEAL_PHONE, a, e) < 0)
		goto out;
	rc = 0;
out:
	stmt_done(st);
	return rc;
}

/* Lays the row's fields over the stored resident old, for the columns the
 * file has (has[f]); the result is checked again (a kept ID number must
 * still agree with a new gender). */
static int merge(struct resident_input *out, const struct resident_input *old,
                 const struct resident_input *nw, const bool *has, struct arena *a,
                 struct err *e)
{
	struct resident_input m = *old;
	bool dw = has[F_BUILDING] || has[F_ROOM] || has[F_ADDRESS];
	m.name = nw->name;
	if (has[F_ID]) {
		m.id_number = nw->id_number;
		m.gender = nw->gender;
		m.birth_date = nw->birth_date;
	}
	if (has[F_GENDER] || (!m.id_number && !has[F_ID]))
		m.gender = nw->gender ? nw->gender : m.gender;
	if (has[F_BIRTH] || has[F_ID])
		m.birth_date = nw->birth_date;
	if (has[F_PHONE])
		m.phone = nw->phone;
	if (has[F_RELATION])
		m.relation = nw->relation;
	if (has[F_RESIDENCY])
		m.residency = nw->residency;
	if (has[F_SKILLS])
		m.skills = nw->skills;
	if (has[F_VOLUNTEER])
		m.volunteer_willing = nw->volunteer_willing;
	if (has[F_LANGUAGES])
		m.languages = nw->languages;
	if (dw)
		m.dwelling_id = nw->dwelling_id;
	return resident_check(out, &m, a, e);
}

static bool differs(const struct resident_input *x, const struct resident_input *y)
{
	return x->dwelling_id != y->dwelling_id || !same(x->name, y->name) ||
	       !same(x->gender, y->gender) || !same(x->birth_date, y->birth_date) ||
	       !same(x->id_number, y->id_number) || !same(x->phone, y->phone) ||
	       !same(x->relation, y->relation) || !same(x->residency, y->residency) ||
	       !same(x->skills, y->skills) || x->volunteer_willing != y->volunteer_willing ||
	       !same(x->languages, y->languages);
}

struct existing {
	int64_t id;
	bool touched;
	bool has_id;
};

/* Phase 3: everything in one transaction. */
static int write_rows(struct imp *im, struct prow *rows, size_t n, const bool *has,
                      struct rio_report *rep, const struct rio_options *o, struct err *e)
{
	const struct seal_keyring *kr = resident_keyring();
	struct smap by_hash = {0}, by_dn = {0};
	struct arena scratch = ARENA_INIT;
	struct existing *ex = NULL;
	size_t nex = 0, cap = 0;
	struct stmt *st;
	int s, rc = -1;
	int64_t now = time_now(), nid;

	if (store_begin(im->db, e) < 0)
		return -1;
	if (!(st = store_prepare(im->db, sql_existing, e)))
		goto out;
	stmt_bind_int(st, 1, im->community_id);
	while ((s = stmt_step(st, e)) == STORE_ROW) {
		if (nex == cap)
			ex = xrealloc(ex, (cap = cap ? cap * 2 : 1024) * sizeof(*ex));
		ex[nex] = (struct existing){stmt_int(st, 0), false, !stmt_is_null(st, 1)};
		if (!stmt_is_null(st, 1))
			smap_put(&by_hash, arena_strdup(&im->a, stmt_text(st, 1)), (int64_t)nex, NULL,
			         NULL);
		if (!stmt_is_null(st, 2))
			smap_put(&by_dn,
			         arena_printf(&im->a, "%lld\x1f%s", (long long)stmt_int(st, 2),
			                      stmt_text(st, 3)),
			         (int64_t)nex, NULL, NULL);
		nex++;
	}
	stmt_done(st);
	if (s < 0)
		goto out;
	for (size_t i = 0; i < n; i++) {
		const struct resident_input *r = &rows[i].in;
		struct slot *sl = NULL;
		char hash[SEAL_HASH_CHARS + 1];
		if (i % 1000 == 0)
			arena_release(&scratch);
		if (r->id_number) {
			seal_hash(hash, kr, r->id_number, strlen(r->id_number));
			sl = smap_get(&by_hash, hash);
		}
		if (!sl && r->dwelling_id > 0) {
			sl = smap_get(&by_dn, arena_printf(&scratch, "%lld\x1f%s",
			                                   (long long)r->dwelling_id, r->name));
			/* the same name at the same door with another ID number is
			 * someone else */
			if (sl && r->id_number && ex[sl->v].has_id)
				sl = NULL;
		}
		if (sl && ex[sl->v].touched)
			sl = NULL;
		if (sl) {
			struct existing *x = &ex[sl->v];
			struct resident_input old, m;
			x->touched = true;
			if (read_full(im->db, &old, im->community_id, x->id, kr, &scratch, e) < 0)
				goto out;
			if (merge(&m, &old, r, has, &scratch, e) < 0) {
				bad_row(rep, rows[i].line, e->field, e->message);
				err_clear(e);
				continue;
			}
			if (!differs(&m, &old)) {
				rep->unchanged++;
			} else {
				if (!(st = store_prepare(im->db, sql_update, e)))
					goto out;
				if (bind_row(st, 1, &m, kr, &scratch, e) < 0) {
					stmt_done(st);
					goto out;
				}
				stmt_bind_int(st, 13, now);
				OPTL(st, 14, m.languages);
				stmt_bind_int(st, 15, x->id);
				stmt_bind_int(st, 16, im->community_id);
				if (stmt_exec(st, e) < 0)
					goto row_conflict;
				/* the name index follows a new name (resident_grams.h) */
				if (strcmp(m.name, old.name) &&
				    resident_grams_set(im->db, im->community_id, x->id, m.name,
				                       false, e) < 0)
					goto out;
				rep->updated++;
			}
		} else {
			if (!(st = store_prepare(im->db, sql_insert, e)))
				goto out;
			stmt_bind_int(st, 1, im->community_id);
			if (bind_row(st, 2, r, kr, &scratch, e) < 0) {
				stmt_done(st);
				goto out;
			}
			stmt_bind_int(st, 14, now);
			stmt_bind_int(st, 15, now);
			OPTL(st, 16, r->languages);
			if ((s = stmt_step(st, e)) != STORE_ROW) {
				stmt_done(st);
				if (s == STORE_DONE)
					err_set(e, ERR_INTERNAL, NULL, "insert returned no id");
				goto row_conflict;
			}
			nid = stmt_int(st, 0);
			stmt_done(st);
			if (resident_grams_set(im->db, im->community_id, nid, r->name, true, e) < 0)
				goto out;
			rep->added++;
		}
		progress(o, RIO_WRITING, i + 1, n, i + 1 == n);
		continue;
	row_conflict:
		if (e->code != ERR_CONFLICT)
			goto out;
		bad_row(rep, rows[i].line, "id_number",
		        "a resident with this ID number is already registered here");
		err_clear(e);
	}
	if (rep->bad) {
		rep->added = rep->updated = rep->unchanged = 0;
		rc = 0;
		goto out;
	}
	if (audit_append(im->db, o->actor_id, o->actor, "resident.import", "residents",
	                 im->community_id, o->ip,
	                 arena_printf(&scratch, "rows=%zu added=%zu updated=%zu unchanged=%zu",
	                              n, rep->added, rep->updated, rep->unchanged),
	                 e) < 0 ||
	    store_commit(im->db, e) < 0)
		goto out;
	rep->written = true;
	rc = 0;
out:
	if (!rep->written)
		store_rollback(im->db);
	free(ex);
	smap_free(&by_hash);
	smap_free(&by_dn);
	arena_release(&scratch);
	return rc;
}

int resident_io_import(struct store *db, struct rio_report *rep, int64_t community_id,
                       const char *buf, size_t len, const struct rio_options *o, struct err *e)
{
	struct imp im = {.db = db, .community_id = community_id, .cd = (iconv_t)-1};
	struct csv_reader rd;
	struct csv_record rec;
	struct smap ids = {0}, dns = {0};
	enum field cols[CSV_COLUMNS_MAX];
	const char *head[CSV_COLUMNS_MAX];
	bool has[F_COUNT] = {0};
	struct prow *rows = NULL;
	struct strbuf conv = STRBUF_INIT;
	size_t nrows = 0, total = 0, ncols;
	int s, rc = -1;

	arena_init(&im.a);
	csv_reader_init(&rd, buf, len);
	if (!resident_keyring()) {
		err_set(e, ERR_UNAVAILABLE, "key_file", "the key file of sensitive fields is not loaded");
		goto out;
	}
	if (len >= 2 && (((unsigned char)buf[0] == 0xff && (unsigned char)buf[1] == 0xfe) ||
	                 ((unsigned char)buf[0] == 0xfe && (unsigned char)buf[1] == 0xff))) {
		err_set(e, ERR_INVALID, "file",
		        "the file is UTF-16 (Unicode text); save it as CSV instead");
		goto out;
	}
	im.enc = o->encoding == RIO_AUTO ? detect(buf, len) : o->encoding;
	rep->encoding = im.enc;
	if (im.enc == RIO_GB18030 && (im.cd = iconv_open("UTF-8", "GB18030")) == (iconv_t)-1) {
		err_set(e, ERR_INTERNAL, NULL, "iconv cannot convert GB18030 on this system");
		goto out;
	}
	if (im.enc == RIO_GB18030 && (im.converted = convert_all(&im, &conv, buf, len))) {
		buf = conv.buf;
		len = conv.len;
		csv_reader_init(&rd, buf, len);
	}
	/* count the rows first, for progress and the limit */
	while ((s = csv_next(&rd, &rec, e)) == 1)
		total++;
	if (s < 0)
		goto out;
	if (!total) {
		err_set(e, ERR_INVALID, "file", "the file is empty: it needs a header line");
		goto out;
	}
	if (--total > RIO_ROWS_MAX) {
		err_set(e, ERR_INVALID, "file", "the file has %zu rows; at most %d at a time", total,
		        RIO_ROWS_MAX);
		goto out;
	}
	csv_reader_release(&rd);
	csv_reader_init(&rd, buf, len);
	if (csv_next(&rd, &rec, e) != 1)
		goto out;
	ncols = rec.count;
	for (size_t j = 0; j < ncols; j++) {
		size_t n = rec.fields[j].len;
		const char *h = trim(rec.fields[j].ptr, &n);
		if (!(head[j] = decode(&im, h, n))) {
			err_set(e, ERR_INVALID, "file", "line 1: column %zu: not valid %s", j + 1,
			        im.enc == RIO_UTF8 ? "UTF-8" : "GB18030");
			goto out;
		}
	}
	if (map_columns(&im, cols, head, ncols, o->map, rep, e) < 0)
		goto out;
	for (size_t j = 0; j < ncols; j++)
		if (cols[j] >= 0)
			has[cols[j]] = true;
	if (load_dwellings(&im, e) < 0)
		goto out;
	rows = xcalloc(total ? total : 1, sizeof(*rows));
	while ((s = csv_next(&rd, &rec, e)) == 1) {
		struct prow *p = &rows[nrows];
		struct err re = ERR_INIT;
		struct csv_record r2 = rec;
		bool empty;
		struct slot *sl;
		if (r2.count > ncols)
			r2.count = ncols;
		rep->rows++;
		if (take_row(&im, p, &r2, cols, head, &empty, &re) < 0) {
			bad_row(rep, rec.line, re.field, re.message);
		} else if (empty) {
			rep->rows--;
		} else {
			p->line = rec.line;
			if (p->in.id_number) {
				if ((sl = smap_get(&ids, p->in.id_number))) {
					bad_row(rep, rec.line, "id_number",
					        arena_printf(&im.a, "the same ID number as line %lld",
					                     (long long)sl->v));
					goto next;
				}
				smap_put(&ids, p->in.id_number, (int64_t)p->line, NULL, NULL);
			}
			if (p->in.dwelling_id > 0) {
				const char *k = arena_printf(&im.a, "%lld\x1f%s",
				                             (long long)p->in.dwelling_id, p->in.name);
				struct slot *d = smap_get(&dns, k);
				if (d) {
					bad_row(rep, rec.line, "name",
					        arena_printf(&im.a,
					                     "the same person at the same dwelling as "
					                     "line %lld",
					                     (long long)d->v));
					goto next;
				}
				smap_put(&dns, k, (int64_t)p->line, NULL, NULL);
			}
			nrows++;
		}
	next:
		progress(o, RIO_VALIDATING, rep->rows, total, false);
	}
	if (s < 0)
		goto out;
	progress(o, RIO_VALIDATING, rep->rows, total, true);
	if (rep->bad || o->dry_run || !nrows) {
		rc = 0;
		goto out;
	}
	rc = write_rows(&im, rows, nrows, has, rep, o, e);
out:
	if (im.cd != (iconv_t)-1)
		iconv_close(im.cd);
	csv_reader_release(&rd);
	strbuf_release(&conv);
	free(rows);
	smap_free(&ids);
	smap_free(&dns);
	smap_free(&im.dw);
	smap_free(&im.bld);
	smap_free(&im.cmp);
	arena_release(&im.a);
	return rc;
}

/* ---- export ---- */

static const char *zh_gender(const char *s)
{
	return !strcmp(s, "male") ? "男" : "女";
}

static const char *zh_relation(const char *s)
{
	return !strcmp(s, "householder") ? "户主"
	       : !strcmp(s, "spouse")    ? "配偶"
	       : !strcmp(s, "child")     ? "子女"
	       : !strcmp(s, "parent")    ? "父母"
	                                 : "其他";
}

static const char *zh_residency(const char *s)
{
	return !strcmp(s, "huji")       ? "户籍"
	       : !strcmp(s, "resident") ? "常住"
	       : !strcmp(s, "floating") ? "流动"
	       : !strcmp(s, "tenant")   ? "租户"
	                                : "人户分离";
}

static const enum field export_fields[] = {
    F_NAME,     F_GENDER,   F_BIRTH,     F_ID,     F_PHONE,     F_COMPOUND, F_BUILDING,
    F_UNIT,     F_ROOM,     F_RELATION,  F_RESIDENCY, F_SKILLS, F_VOLUNTEER, F_LANGUAGES,
};
#define NEXPORT (sizeof(export_fields) / sizeof(export_fields[0]))

/* Fills v[] with one resident's cells in export_fields order. */
static int export_row(const char **v, struct stmt *st, bool unmask, struct arena *a,
                      struct err *e)
{
	const struct seal_keyring *kr = resident_keyring();
	const char *id = NULL, *ph = NULL;
	if (!stmt_is_null(st, 3) && seal_decrypt(&id, NULL, kr, stmt_text(st, 3), stmt_len(st, 3),
	                                         RESIDENT_SEAL_ID, a, e) < 0)
		return -1;
	if (!stmt_is_null(st, 4) && seal_decrypt(&ph, NULL, kr, stmt_text(st, 4), stmt_len(st, 4),
	                                         RESIDENT_SEAL_PHONE, a, e) < 0)
		return -1;
	v[0] = arena_strdup(a, stmt_text(st, 0));
	v[1] = zh_gender(stmt_text(st, 1));
	v[2] = arena_strdup(a, stmt_text(st, 2));
	v[3] = !id ? "" : unmask ? id : mask_id_number(a, id, strlen(id));
	v[4] = !ph ? "" : unmask ? ph : mask_phone(a, ph, strlen(ph));
	v[5] = arena_strdup(a, stmt_text(st, 12));
	v[6] = arena_strdup(a, stmt_text(st, 9));
	v[7] = arena_strdup(a, stmt_text(st, 10));
	v[8] = arena_strdup(a, stmt_text(st, 11));
	v[9] = zh_relation(stmt_text(st, 5));
	v[10] = zh_residency(stmt_text(st, 6));
	v[11] = arena_strdup(a, stmt_text(st, 7));
	v[12] = stmt_int(st, 8) ? "是" : "否";
	v[13] = arena_strdup(a, stmt_text(st, 13));
	return 0;
}

static int to_gb18030(struct strbuf *out, const char *s, size_t n, struct err *e)
{
	iconv_t cd = iconv_open("GB18030", "UTF-8");
	char *in = (char *)s, *o;
	size_t il = n, ol;
	int rc = 0;
	if (cd == (iconv_t)-1)
		return err_set(e, ERR_INTERNAL, NULL, "iconv cannot convert GB18030 on this system");
	strbuf_grow(out, 2 * n + 16);
	o = out->buf + out->len;
	ol = out->alloc - out->len - 1;
	if (iconv(cd, &in, &il, &o, &ol) == (size_t)-1)
		rc = err_set(e, ERR_INVALID, "encoding", "a value has no GB18030 form");
	else
		out->len = (size_t)(o - out->buf);
	out->buf[out->len] = '\0';
	iconv_close(cd);
	return rc;
}

static int slurp(struct strbuf *out, const char *path, struct err *e)
{
	FILE *f = fopen(path, "rb");
	char b[65536];
	size_t n;
	if (!f)
		return err_set(e, ERR_INTERNAL, NULL, "cannot read the workbook back");
	while ((n = fread(b, 1, sizeof(b), f)) > 0)
		strbuf_add(out, b, n);
	fclose(f);
	return 0;
}

int resident_io_export(struct store *db, struct strbuf *out, size_t *count, int64_t community_id,
                       enum rio_format format, bool gb18030, bool unmask, struct err *e)
{
	struct arena a = ARENA_INIT;
	struct strbuf csv = STRBUF_INIT;
	struct csv_writer w;
	lxw_workbook *wb = NULL;
	lxw_worksheet *ws = NULL;
	char path[] = "/tmp/linli-export-XXXXXX";
	struct stmt *st = NULL;
	const char *v[NEXPORT];
	size_t n = 0;
	int s, rc = -1, fd = -1;

	if (!resident_keyring())
		return err_set(e, ERR_UNAVAILABLE, "key_file",
		               "the key file of sensitive fields is not loaded");
	if (format == RIO_XLSX) {
		lxw_workbook_options wo = {.constant_memory = LXW_TRUE, .tmpdir = NULL};
		if ((fd = mkstemp(path)) < 0) {
			err_set(e, ERR_INTERNAL, NULL, "cannot create a temporary file");
			goto out;
		}
		close(fd);
		if (!(wb = workbook_new_opt(path, &wo)) ||
		    !(ws = workbook_add_worksheet(wb, "居民"))) {
			err_set(e, ERR_INTERNAL, NULL, "cannot start the workbook");
			goto out;
		}
		for (size_t j = 0; j < NEXPORT; j++)
			worksheet_write_string(ws, 0, (lxw_col_t)j, export_heading(export_fields[j]),
			                       NULL);
	} else {
		csv_writer_init(&w, &csv, (gb18030 ? 0 : CSV_WRITE_BOM) | CSV_WRITE_GUARD);
		for (size_t j = 0; j < NEXPORT; j++)
			csv_write_str(&w, export_heading(export_fields[j]));
		csv_write_end(&w);
	}
	if (!(st = store_prepare(db, sql_export, e)))
		goto out;
	stmt_bind_int(st, 1, community_id);
	while ((s = stmt_step(st, e)) == STORE_ROW) {
		if (n % 1000 == 0)
			arena_release(&a);
		if (export_row(v, st, unmask, &a, e) < 0)
			goto out;
		n++;
		for (size_t j = 0; j < NEXPORT; j++) {
			if (ws && *v[j])
				worksheet_write_string(ws, (lxw_row_t)n, (lxw_col_t)j, v[j], NULL);
			else if (!ws)
				csv_write_str(&w, v[j]);
		}
		if (!ws)
			csv_write_end(&w);
	}
	if (s < 0)
		goto out;
	if (wb) {
		lxw_error le = workbook_close(wb);
		wb = NULL;
		if (le != LXW_NO_ERROR) {
			err_set(e, ERR_INTERNAL, NULL, "cannot write the workbook: %s",
			        lxw_strerror(le));
			goto out;
		}
		if (slurp(out, path, e) < 0)
			goto out;
	} else if (gb18030) {
		if (to_gb18030(out, csv.buf, csv.len, e) < 0)
			goto out;
	} else {
		strbuf_add(out, csv.buf, csv.len);
	}
	if (count)
		*count = n;
	rc = 0;
out:
	if (st)
		stmt_done(st);
	if (wb)
		workbook_close(wb);
	if (fd >= 0)
		unlink(path);
	strbuf_release(&csv);
	arena_release(&a);
	return rc;
}
