/*
 * roster_cli.c - the `linli roster solve` command (see roster_cli.h).
 *
 * Reads the whole file (at most ROSTER_FILE_MAX bytes), parses it with
 * duplicate keys refused, and turns it into the plain structs of roster.h,
 * the same ones an endpoint fills from the tables.  Every key is checked
 * against the keys its object may have, so a misspelt "max_weak" is an
 * error naming it rather than a silently ignored rule.  Skill names become
 * bits in the order they first appear (at most 64 names).  All structs live
 * in one arena released at the end.
 */
#include "scene/roster_cli.h"

#include "core/arena.h"
#include "core/err.h"
#include "core/json.h"
#include "core/jsonw.h"
#include "core/strbuf.h"
#include "scene/roster.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { ROSTER_FILE_MAX = 64 * 1024 * 1024 };

static const char usage[] =
    "usage: linli roster solve FILE.json [--greedy] [--explain] [--json]\n"
    "\n"
    "Fills the slots (seats of shifts) in FILE.json with its volunteers under the\n"
    "hard rules (available for the whole slot, every required skill, no overlap,\n"
    "minimum rest, weekly maximum), filling as many slots as possible, then\n"
    "spreading the hours as evenly as possible, then honouring preferences and\n"
    "teams.  Prints one line per slot, the reason for every unfilled one, and on\n"
    "the last line: filled, unfilled, max/min hours per volunteer, Gini of hours.\n"
    "Nothing is published: review and adjust the roster before publishing it.\n"
    "\n"
    "  --greedy   the baseline instead: slots by time, first volunteer by id\n"
    "  --explain  each unfilled slot's reason in words; each volunteer's hours\n"
    "  --json     one JSON object instead of text\n"
    "\n"
    "FILE.json: {\"rules\": {\"min_rest\": 60, \"max_week\": 720, \"tz_offset\": 480},\n"
    "  \"volunteers\": [{\"id\": 1, \"skills\": [\"gate\"], \"weekly\": [[420, 1140]],\n"
    "     \"available\": [[\"2026-11-30T08:00\", \"2026-11-30T12:00\"]], \"busy\": [],\n"
    "     \"max_week\": 600, \"prior_minutes\": 0, \"team\": 2,\n"
    "     \"prefs\": [{\"post\": 3, \"from\": 0, \"to\": 0, \"weight\": 10}]}],\n"
    "  \"slots\": [{\"shift\": 10, \"seat\": 1, \"start\": \"2026-11-30T08:00\",\n"
    "     \"end\": \"2026-11-30T12:00\", \"post\": 3, \"skills\": [\"gate\"], \"team\": 2}]}\n"
    "Times: UTC minutes since 1970, or \"YYYY-MM-DDTHH:MM\" local (tz_offset minutes\n"
    "east of UTC, default 480).  weekly: minutes of the local week, Monday 00:00 = 0.\n"
    "See docs/roster.md.  Exit status: 0 solved, 2 bad input.\n";

struct parse {
	struct arena *a;
	int64_t tz;
	struct roster_skills skills;
	struct err *e;
};

static int read_all(struct strbuf *out, const char *path, struct err *e)
{
	FILE *f = fopen(path, "rb");
	char chunk[65536];
	int rc = -1;

	if (!f)
		return err_set(e, ERR_NOT_FOUND, "file", "cannot open: %s", strerror(errno));
	for (;;) {
		size_t got = fread(chunk, 1, sizeof(chunk), f);
		if (got == 0)
			break;
		if (out->len + got > ROSTER_FILE_MAX) {
			err_set(e, ERR_INVALID, "file", "larger than %d bytes", ROSTER_FILE_MAX);
			goto out;
		}
		strbuf_add(out, chunk, got);
	}
	if (ferror(f)) {
		err_set(e, ERR_NOT_FOUND, "file", "cannot read: %s", strerror(errno));
		goto out;
	}
	rc = 0;
out:
	fclose(f);
	return rc;
}

/* Refuses any key of obj not in keys (NULL-terminated). */
static int only_keys(json_t *obj, const char *const *keys, const char *path, struct err *e)
{
	const char *k;
	json_t *v;
	json_object_foreach(obj, k, v)
	{
		bool known = false;
		for (size_t i = 0; keys[i] && !known; i++)
			known = !strcmp(k, keys[i]);
		if (!known) {
			char field[128];
			snprintf(field, sizeof(field), "%s%s%.40s", path, *path ? "." : "", k);
			return err_set(e, ERR_INVALID, field, "unknown key");
		}
	}
	return 0;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
 * days_from_civil). */
static int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* A time: an integer (UTC minutes) or "YYYY-MM-DDTHH:MM" local. */
static int get_time(struct parse *P, json_t *v, int64_t *out, const char *field)
{
	if (json_is_integer(v)) {
		*out = json_integer_value(v);
		return 0;
	}
	const char *s = json_is_string(v) ? json_string_value(v) : NULL;
	int y, mo, d, h, mi, n = 0;
	if (!s || strlen(s) != 16 ||
	    sscanf(s, "%4d-%2d-%2d%*1[T ]%2d:%2d%n", &y, &mo, &d, &h, &mi, &n) != 5 || n != 16 ||
	    mo < 1 || mo > 12 || d < 1 || d > 31 || h > 24 || mi > 59 || (h == 24 && mi) ||
	    y < 1970 || y > 2200 ||
	    days_from_civil(y, mo, d) != days_from_civil(y, mo, 1) + d - 1 ||
	    (d > 28 &&
	     days_from_civil(y, mo, d) >= days_from_civil(y + (mo == 12), mo % 12 + 1, 1)))
		return err_set(P->e, ERR_INVALID, field,
		               "a time is minutes since 1970 (UTC) or \"YYYY-MM-DDTHH:MM\"");
	*out = days_from_civil(y, mo, d) * 1440 + h * 60 + mi - P->tz;
	return 0;
}

static int get_int(struct parse *P, json_t *obj, const char *key, int64_t *out, int64_t min,
                   int64_t max, bool required, const char *path)
{
	json_t *v = json_object_get(obj, key);
	char field[128];
	snprintf(field, sizeof(field), "%s%s%s", path, *path ? "." : "", key);
	if (!v) {
		if (required)
			return err_set(P->e, ERR_INVALID, field, "required");
		return 0;
	}
	if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max)
		return err_set(P->e, ERR_INVALID, field, "need an integer in %" PRId64 "..%" PRId64,
		               min, max);
	*out = json_integer_value(v);
	return 0;
}

static int get_skills(struct parse *P, json_t *obj, uint64_t *out, const char *path)
{
	json_t *v = json_object_get(obj, "skills"), *it;
	char field[128];
	size_t i;
	snprintf(field, sizeof(field), "%s.skills", path);
	*out = 0;
	if (!v)
		return 0;
	if (!json_is_array(v))
		return err_set(P->e, ERR_INVALID, field, "need a list of skill names");
	json_array_foreach(v, i, it)
	{
		const char *name = json_is_string(it) ? json_string_value(it) : NULL;
		size_t len = name ? strlen(name) : 0;
		if (!name || !len || memchr(name, ',', len))
			return err_set(P->e, ERR_INVALID, field,
			               "a skill is a name without commas");
		if (roster_skills_add(&P->skills, out, name, len, field, P->e))
			return -1;
	}
	return 0;
}

static int get_intervals(struct parse *P, json_t *obj, const char *key, bool weekly,
                         const struct roster_interval **out, size_t *n, const char *path)
{
	json_t *v = json_object_get(obj, key), *it;
	char field[128];
	size_t i;
	*out = NULL;
	*n = 0;
	if (!v)
		return 0;
	snprintf(field, sizeof(field), "%s.%s", path, key);
	if (!json_is_array(v) || json_array_size(v) > ROSTER_INTERVALS_MAX)
		return err_set(P->e, ERR_INVALID, field, "need a list of at most %d [start, end]",
		               ROSTER_INTERVALS_MAX);
	struct roster_interval *iv = arena_alloc(P->a, (json_array_size(v) + 1) * sizeof(*iv));
	json_array_foreach(v, i, it)
	{
		snprintf(field, sizeof(field), "%s.%s[%zu]", path, key, i);
		if (!json_is_array(it) || json_array_size(it) != 2)
			return err_set(P->e, ERR_INVALID, field, "need [start, end]");
		if (weekly) {
			json_t *a = json_array_get(it, 0), *b = json_array_get(it, 1);
			if (!json_is_integer(a) || !json_is_integer(b))
				return err_set(P->e, ERR_INVALID, field,
				               "need [start, end] in minutes of the week");
			iv[i] =
			    (struct roster_interval){json_integer_value(a), json_integer_value(b)};
		} else if (get_time(P, json_array_get(it, 0), &iv[i].start, field) ||
		           get_time(P, json_array_get(it, 1), &iv[i].end, field)) {
			return -1;
		}
	}
	*out = iv;
	*n = json_array_size(v);
	return 0;
}

static int get_prefs(struct parse *P, json_t *obj, struct roster_volunteer *p, const char *path)
{
	static const char *const keys[] = {"post", "from", "to", "weight", NULL};
	json_t *v = json_object_get(obj, "prefs"), *it;
	char field[128];
	size_t i;
	if (!v)
		return 0;
	snprintf(field, sizeof(field), "%s.prefs", path);
	if (!json_is_array(v) || json_array_size(v) > ROSTER_PREFS_MAX)
		return err_set(P->e, ERR_INVALID, field, "need a list of at most %d preferences",
		               ROSTER_PREFS_MAX);
	struct roster_pref *f = arena_zalloc(P->a, (json_array_size(v) + 1) * sizeof(*f));
	json_array_foreach(v, i, it)
	{
		int64_t from = 0, to = 0, weight = 0;
		snprintf(field, sizeof(field), "%s.prefs[%zu]", path, i);
		if (!json_is_object(it))
			return err_set(P->e, ERR_INVALID, field, "need an object");
		if (only_keys(it, keys, field, P->e) ||
		    get_int(P, it, "post", &f[i].post, 0, INT64_MAX, false, field) ||
		    get_int(P, it, "from", &from, 0, ROSTER_WEEK, false, field) ||
		    get_int(P, it, "to", &to, 0, ROSTER_WEEK, false, field) ||
		    get_int(P, it, "weight", &weight, -ROSTER_WEIGHT_MAX, ROSTER_WEIGHT_MAX, true,
		            field))
			return -1;
		f[i].from = (int32_t)from;
		f[i].to = (int32_t)to;
		f[i].weight = (int32_t)weight;
	}
	p->prefs = f;
	p->n_prefs = json_array_size(v);
	return 0;
}

static int parse_input(struct parse *P, json_t *root, struct roster_input *in)
{
	static const char *const top[] = {"rules", "volunteers", "slots", NULL};
	static const char *const rk[] = {"min_rest", "max_week", "tz_offset", "prior_week_of",
	                                 NULL};
	static const char *const vk[] = {"id",       "skills",        "available", "weekly", "busy",
	                                 "max_week", "prior_minutes", "team",      "prefs",  "name",
	                                 NULL};
	static const char *const sk[] = {"shift",  "seat", "start", "end", "post",
	                                 "skills", "team", "name",  NULL};
	json_t *rules = json_object_get(root, "rules");
	json_t *vols = json_object_get(root, "volunteers");
	json_t *slots = json_object_get(root, "slots");
	json_t *it;
	size_t i;
	char path[64];

	if (only_keys(root, top, "", P->e))
		return -1;
	memset(in, 0, sizeof(*in));
	in->rules.tz_offset = 480;
	if (rules) {
		if (!json_is_object(rules))
			return err_set(P->e, ERR_INVALID, "rules", "need an object");
		if (only_keys(rules, rk, "rules", P->e) ||
		    get_int(P, rules, "min_rest", &in->rules.min_rest, 0, ROSTER_REST_MAX, false,
		            "rules") ||
		    get_int(P, rules, "max_week", &in->rules.max_week, 1, ROSTER_WEEK, true,
		            "rules") ||
		    get_int(P, rules, "tz_offset", &in->rules.tz_offset, -840, 840, false, "rules"))
			return -1;
		json_t *pw = json_object_get(rules, "prior_week_of");
		P->tz = in->rules.tz_offset;
		if (pw && get_time(P, pw, &in->rules.prior_week_of, "rules.prior_week_of"))
			return -1;
	} else {
		return err_set(P->e, ERR_INVALID, "rules", "required (max_week at least)");
	}
	if (!json_is_array(vols) || json_array_size(vols) > ROSTER_VOLUNTEERS_MAX)
		return err_set(P->e, ERR_INVALID, "volunteers", "need a list of at most %d",
		               ROSTER_VOLUNTEERS_MAX);
	if (!json_is_array(slots) || json_array_size(slots) > ROSTER_SLOTS_MAX)
		return err_set(P->e, ERR_INVALID, "slots", "need a list of at most %d",
		               ROSTER_SLOTS_MAX);

	struct roster_volunteer *vol =
	    arena_zalloc(P->a, (json_array_size(vols) + 1) * sizeof(*vol));
	json_array_foreach(vols, i, it)
	{
		struct roster_volunteer *p = &vol[i];
		snprintf(path, sizeof(path), "volunteers[%zu]", i);
		if (!json_is_object(it))
			return err_set(P->e, ERR_INVALID, path, "need an object");
		if (only_keys(it, vk, path, P->e) ||
		    get_int(P, it, "id", &p->id, INT64_MIN, INT64_MAX, true, path) ||
		    get_skills(P, it, &p->skills, path) ||
		    get_intervals(P, it, "available", false, &p->available, &p->n_available,
		                  path) ||
		    get_intervals(P, it, "weekly", true, &p->weekly, &p->n_weekly, path) ||
		    get_intervals(P, it, "busy", false, &p->busy, &p->n_busy, path) ||
		    get_int(P, it, "max_week", &p->max_week, 0, ROSTER_WEEK, false, path) ||
		    get_int(P, it, "prior_minutes", &p->prior_minutes, 0, ROSTER_WEEK, false,
		            path) ||
		    get_int(P, it, "team", &p->team, 0, INT64_MAX, false, path) ||
		    get_prefs(P, it, p, path))
			return -1;
		json_t *name = json_object_get(it, "name");
		snprintf(path, sizeof(path), "volunteers[%zu].name", i);
		if (name && !json_is_string(name))
			return err_set(P->e, ERR_INVALID, path, "need a string");
	}
	struct roster_slot *sl = arena_zalloc(P->a, (json_array_size(slots) + 1) * sizeof(*sl));
	json_array_foreach(slots, i, it)
	{
		struct roster_slot *s = &sl[i];
		char field[128];
		snprintf(path, sizeof(path), "slots[%zu]", i);
		if (!json_is_object(it))
			return err_set(P->e, ERR_INVALID, path, "need an object");
		s->seat = 1;
		if (only_keys(it, sk, path, P->e) ||
		    get_int(P, it, "shift", &s->shift, INT64_MIN, INT64_MAX, true, path) ||
		    get_int(P, it, "seat", &s->seat, 1, 1000, false, path) ||
		    get_int(P, it, "post", &s->post, 0, INT64_MAX, false, path) ||
		    get_int(P, it, "team", &s->team, 0, INT64_MAX, false, path) ||
		    get_skills(P, it, &s->skills, path))
			return -1;
		json_t *st = json_object_get(it, "start"), *en = json_object_get(it, "end");
		snprintf(field, sizeof(field), "%s.start", path);
		if (!st)
			return err_set(P->e, ERR_INVALID, field, "required");
		if (get_time(P, st, &s->start, field))
			return -1;
		snprintf(field, sizeof(field), "%s.end", path);
		if (!en)
			return err_set(P->e, ERR_INVALID, field, "required");
		if (get_time(P, en, &s->end, field))
			return -1;
	}
	in->vol = vol;
	in->n_vol = json_array_size(vols);
	in->slot = sl;
	in->n_slot = json_array_size(slots);
	if (!json_object_get(rules, "prior_week_of"))
		in->rules.prior_week_of = in->n_slot ? sl[0].start : 0;
	return roster_validate(in, P->e);
}

/* "11-30 08:00" in local time. */
static void add_local(struct strbuf *sb, int64_t t, int64_t tz)
{
	int64_t m = t + tz, days = m >= 0 ? m / 1440 : (m - 1439) / 1440;
	int64_t min = m - days * 1440;
	/* civil_from_days */
	int64_t z = days + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153, d = doy - (153 * mp + 2) / 5 + 1;
	int64_t mo = mp < 10 ? mp + 3 : mp - 9;
	strbuf_addf(sb, "%02" PRId64 "-%02" PRId64 " %02" PRId64 ":%02" PRId64, mo, d, min / 60,
	            min % 60);
}

static void add_hours(struct strbuf *sb, int64_t minutes)
{
	strbuf_addf(sb, "%" PRId64 ".%" PRId64 " h", minutes / 60, minutes % 60 * 10 / 60);
}

static void print_text(struct strbuf *sb, const struct roster_input *in,
                       const struct roster_result *r, bool explain)
{
	int64_t tz = in->rules.tz_offset;
	strbuf_addf(sb, "# roster: %zu slots, %zu volunteers, method %s%s\n", in->n_slot, in->n_vol,
	            r->method, r->optimal ? " (proven optimal)" : "");
	for (size_t i = 0; i < in->n_slot; i++) {
		const struct roster_slot *s = &in->slot[i];
		strbuf_addf(sb, "shift %" PRId64 " seat %" PRId64 "\t", s->shift, s->seat);
		add_local(sb, s->start, tz);
		strbuf_addstr(sb, " - ");
		add_local(sb, s->end, tz);
		strbuf_addf(sb, "\tpost %" PRId64 "\t", s->post);
		if (r->assigned[i] >= 0)
			strbuf_addf(sb, "volunteer %" PRId64 "\n", in->vol[r->assigned[i]].id);
		else
			strbuf_addf(sb, "UNFILLED %s\n", roster_reason_code(r->reason[i]));
		if (explain && r->assigned[i] < 0) {
			strbuf_addstr(sb, "\t");
			roster_explain(sb, r, i);
			strbuf_addch(sb, '\n');
		}
	}
	if (explain)
		for (size_t v = 0; v < in->n_vol; v++) {
			strbuf_addf(sb, "volunteer %" PRId64 "\t", in->vol[v].id);
			add_hours(sb, r->minutes[v]);
			strbuf_addch(sb, '\n');
		}
	strbuf_addf(sb, "filled %zu of %zu, unfilled %zu, hours max ", r->filled, in->n_slot,
	            r->unfilled);
	add_hours(sb, r->max_minutes);
	strbuf_addstr(sb, " min ");
	add_hours(sb, r->min_minutes);
	strbuf_addf(sb, ", Gini %d.%03d\n", r->gini_milli / 1000, r->gini_milli % 1000);
}

static void print_json(struct strbuf *out, const struct roster_input *in,
                       const struct roster_result *r)
{
	struct jsonw w = JSONW_INIT;
	struct strbuf why = STRBUF_INIT;
	char gini[16];
	jw_obj(&w);
	jw_key(&w, "method");
	jw_cstr(&w, r->method);
	jw_key(&w, "optimal");
	jw_bool(&w, r->optimal);
	jw_key(&w, "filled");
	jw_int(&w, (int64_t)r->filled);
	jw_key(&w, "unfilled");
	jw_int(&w, (int64_t)r->unfilled);
	jw_key(&w, "max_minutes");
	jw_int(&w, r->max_minutes);
	jw_key(&w, "min_minutes");
	jw_int(&w, r->min_minutes);
	snprintf(gini, sizeof(gini), "%d.%03d", r->gini_milli / 1000, r->gini_milli % 1000);
	jw_key(&w, "gini");
	jw_cstr(&w, gini);
	jw_key(&w, "slots");
	jw_arr(&w);
	for (size_t i = 0; i < in->n_slot; i++) {
		jw_obj(&w);
		jw_key(&w, "shift");
		jw_int(&w, in->slot[i].shift);
		jw_key(&w, "seat");
		jw_int(&w, in->slot[i].seat);
		jw_key(&w, "volunteer");
		if (r->assigned[i] >= 0) {
			jw_int(&w, in->vol[r->assigned[i]].id);
		} else {
			jw_null(&w);
			jw_key(&w, "reason");
			jw_cstr(&w, roster_reason_code(r->reason[i]));
			strbuf_reset(&why);
			roster_explain(&why, r, i);
			jw_key(&w, "explain");
			jw_cstr(&w, why.buf);
		}
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	jw_key(&w, "volunteers");
	jw_arr(&w);
	for (size_t v = 0; v < in->n_vol; v++) {
		jw_obj(&w);
		jw_key(&w, "id");
		jw_int(&w, in->vol[v].id);
		jw_key(&w, "minutes");
		jw_int(&w, r->minutes[v]);
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	jw_obj_end(&w);
	strbuf_add(out, w.sb.buf, w.sb.len);
	strbuf_addch(out, '\n');
	strbuf_release(&w.sb);
	strbuf_release(&why);
}

int roster_cli_main(int argc, char **argv)
{
	struct arena a = ARENA_INIT;
	struct strbuf file = STRBUF_INIT, sb = STRBUF_INIT;
	struct err e = ERR_INIT;
	bool greedy = false, explain = false, as_json = false;
	const char *path = NULL;
	json_t *root = NULL;
	int rc = 2;

	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fputs(usage, stdout);
			return 0;
		}
	if (argc < 2 || strcmp(argv[1], "solve")) {
		fputs(usage, stderr);
		return 2;
	}
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--greedy"))
			greedy = true;
		else if (!strcmp(argv[i], "--explain"))
			explain = true;
		else if (!strcmp(argv[i], "--json"))
			as_json = true;
		else if (argv[i][0] == '-' || path) {
			fprintf(stderr, "linli roster: unexpected argument %s\n\n%s", argv[i],
			        usage);
			return 2;
		} else
			path = argv[i];
	}
	if (!path) {
		fputs(usage, stderr);
		return 2;
	}
	struct parse P;
	memset(&P, 0, sizeof(P));
	P.a = &a;
	P.tz = 480;
	P.e = &e;
	struct roster_input in;
	struct roster_result res;
	if (read_all(&file, path, &e))
		goto fail;
	root = json_parse_object(file.buf, file.len, &e);
	if (!root || parse_input(&P, root, &in))
		goto fail;
	if ((greedy ? roster_greedy : roster_solve)(&res, &in, &a, &e))
		goto fail;
	if (as_json)
		print_json(&sb, &in, &res);
	else
		print_text(&sb, &in, &res, explain);
	if (fwrite(sb.buf, 1, sb.len, stdout) != sb.len || fflush(stdout)) {
		fprintf(stderr, "linli roster: cannot write the output\n");
		goto out;
	}
	rc = 0;
	goto out;
fail:
	fprintf(stderr, "linli roster: %s: %s%s%s%s\n", path, e.message,
	        e.field[0] ? " (field " : "", e.field, e.field[0] ? ")" : "");
out:
	json_decref(root);
	strbuf_release(&file);
	strbuf_release(&sb);
	arena_release(&a);
	return rc;
}
