/*
 * resident_grams.c - the residents' name index (see resident_grams.h).
 */
#include "registry/resident_grams.h"

#include <string.h>

static const char sql_clear[] = "DELETE FROM resident_name_grams WHERE resident_id = ?";
static const char sql_put[] =
    "INSERT INTO resident_name_grams (community_id, gram, resident_id) VALUES (?, ?, ?)"
    " ON CONFLICT DO NOTHING";
/* How many residents share a gram, counted up to PICK_CAP. */
static const char sql_count[] =
    "SELECT COUNT(*) FROM (SELECT 1 FROM resident_name_grams"
    " WHERE community_id = ? AND gram = ? LIMIT 2000) x";

enum {
	PICK_CAP = 2000, /* keep in step with sql_count */
	PICK_TRIES = 4,  /* bigrams of a long query counted at most */
};

/* Bytes of the UTF-8 character starting at s (1 for a stray byte). */
static size_t char_len(const unsigned char *s)
{
	if (*s < 0x80)
		return 1;
	if ((*s & 0xe0) == 0xc0 && s[1])
		return 2;
	if ((*s & 0xf0) == 0xe0 && s[1] && s[2])
		return 3;
	if ((*s & 0xf8) == 0xf0 && s[1] && s[2] && s[3])
		return 4;
	return 1;
}

bool resident_gram_at(const char *s, size_t i, char out[RESIDENT_GRAM_MAX + 1])
{
	const unsigned char *p = (const unsigned char *)s;
	size_t a, b;
	for (; i && *p; i--)
		p += char_len(p);
	if (!*p)
		return false;
	a = char_len(p);
	if (!p[a])
		return false;
	b = char_len(p + a);
	memcpy(out, p, a + b);
	out[a + b] = '\0';
	return true;
}

static bool has_ascii_letter(const char *g)
{
	for (; *g; g++)
		if ((*g >= 'a' && *g <= 'z') || (*g >= 'A' && *g <= 'Z'))
			return true;
	return false;
}

int resident_grams_set(struct store *db, int64_t community_id, int64_t resident_id,
                       const char *name, bool fresh, struct err *e)
{
	char g[RESIDENT_GRAM_MAX + 1];
	struct stmt *st;
	if (!fresh) {
		if (!(st = store_prepare(db, sql_clear, e)))
			return -1;
		stmt_bind_int(st, 1, resident_id);
		if (stmt_exec(st, e) < 0)
			return -1;
	}
	for (size_t i = 0; resident_gram_at(name, i, g); i++) {
		if (!(st = store_prepare(db, sql_put, e)))
			return -1;
		stmt_bind_int(st, 1, community_id);
		stmt_bind_text(st, 2, g, SIZE_MAX);
		stmt_bind_int(st, 3, resident_id);
		if (stmt_exec(st, e) < 0)
			return -1;
	}
	return 0;
}

int resident_grams_pick(struct store *db, int64_t community_id, const char *q,
                        char out[RESIDENT_GRAM_MAX + 1], bool *found, struct err *e)
{
	char g[RESIDENT_GRAM_MAX + 1];
	int64_t best = -1;
	int tries = 0;
	*found = false;
	out[0] = '\0';
	for (size_t i = 0; tries < PICK_TRIES && resident_gram_at(q, i, g); i++) {
		struct stmt *st;
		int64_t n;
		int s;
		if (has_ascii_letter(g))
			continue;
		tries++;
		if (!(st = store_prepare(db, sql_count, e)))
			return -1;
		stmt_bind_int(st, 1, community_id);
		stmt_bind_text(st, 2, g, SIZE_MAX);
		s = stmt_step(st, e);
		n = s == STORE_ROW ? stmt_int(st, 0) : 0;
		stmt_done(st);
		if (s < 0)
			return -1;
		if (best < 0 || n < best) {
			best = n;
			memcpy(out, g, strlen(g) + 1);
			*found = true;
		}
		if (n == 0)
			break; /* nobody has it: nobody matches */
	}
	return 0;
}
