/*
 * volunteer.c - volunteers, teams, availability and the community's
 * volunteer settings (see volunteer.h).
 *
 * Dates are text "YYYY-MM-DD" (local calendar) and compare as text; times
 * are UTC seconds.  Calendar arithmetic is integer (days from the civil
 * date), never the C library's time zone, so a server set to UTC and one set
 * to Asia/Shanghai compute the same ages and weekdays.
 */
#include "scene/volunteer.h"

#include "auth/auth.h"
#include "auth/members.h"
#include "core/seal.h"
#include "core/timeutil.h"
#include "core/utf8.h"
#include "registry/account.h"
#include "registry/idcard.h"
#include "registry/mask.h"
#include "registry/phone.h"
#include "registry/resident.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CTX_PHONE "volunteer.phone"
#define CTX_ID "volunteer.id_number"

static const char sql_settings_get[] =
    "SELECT ahead_days, rest_hours, cancel_hours, noshow_limit FROM volunteer_settings"
    " WHERE community_id = ?";
static const char sql_settings_del[] = "DELETE FROM volunteer_settings WHERE community_id = ?";
static const char sql_settings_put[] =
    "INSERT INTO volunteer_settings (community_id, ahead_days, rest_hours, cancel_hours,"
    " noshow_limit) VALUES (?, ?, ?, ?, ?)";
static const char sql_team_add[] =
    "INSERT INTO volunteer_teams (community_id, name, created_at) VALUES (?, ?, ?) RETURNING id";
static const char sql_team_list[] =
    "SELECT t.id, t.name, (SELECT COUNT(*) FROM volunteers v WHERE v.team_id = t.id)"
    " FROM volunteer_teams t WHERE t.community_id = ? ORDER BY t.name, t.id";
static const char sql_team_in[] = "SELECT 1 FROM volunteer_teams WHERE id = ? AND community_id = ?";
static const char sql_add[] =
    "INSERT INTO volunteers (community_id, resident_id, user_id, name, phone, id_type, id_number,"
    " birth_date, skills, team_id, status, insured_until, guardian_name, guardian_relation,"
    " guardian_date, guardian_evidence, consent_date, consent_method, consent_version,"
    " availability, exceptions, talk_at, created_at)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?) RETURNING id";
static const char sql_update[] =
    "UPDATE volunteers SET user_id = ?, name = ?, phone = ?, id_type = ?, id_number = ?,"
    " birth_date = ?, skills = ?, team_id = ?, status = ?, insured_until = ?,"
    " guardian_name = ?, guardian_relation = ?, guardian_date = ?, guardian_evidence = ?,"
    " consent_date = ?, consent_method = ?, consent_version = ?, availability = ?,"
    " exceptions = ? WHERE id = ? AND community_id = ?";
static const char sql_row[] =
    "SELECT v.id, v.resident_id, v.user_id, v.name, v.phone, v.id_type, v.id_number,"
    " v.birth_date, v.skills, v.team_id, v.status, v.insured_until, v.guardian_name,"
    " v.guardian_relation, v.guardian_date, v.guardian_evidence, v.consent_date,"
    " v.consent_method, v.consent_version, v.availability, v.exceptions, v.talk_at,"
    " COALESCE(t.name, '') FROM volunteers v LEFT JOIN volunteer_teams t ON t.id = v.team_id"
    " WHERE v.id = ? AND v.community_id = ?";
static const char sql_list[] =
    "SELECT v.id, v.name, v.birth_date, v.skills, COALESCE(t.name, ''), v.status,"
    " v.insured_until, v.user_id, v.resident_id, v.talk_at, v.team_id,"
    " (SELECT COUNT(*) FROM signups s JOIN shifts f ON f.id = s.shift_id"
    "  WHERE s.volunteer_id = v.id AND s.no_show = 1 AND f.starts_at >= v.talk_at)"
    " FROM volunteers v LEFT JOIN volunteer_teams t ON t.id = v.team_id"
    " WHERE v.community_id = ? AND (? = '' OR v.status = ?) ORDER BY v.name, v.id LIMIT 2000";
static const char sql_by_user[] =
    "SELECT id FROM volunteers WHERE community_id = ? AND user_id = ?";
static const char sql_by_resident[] =
    "SELECT id FROM volunteers WHERE community_id = ? AND resident_id = ?";
static const char sql_ranges[] =
    "SELECT availability, exceptions FROM volunteers WHERE id = ? AND community_id = ?";
static const char sql_no_shows[] =
    "SELECT COUNT(*) FROM signups s JOIN shifts f ON f.id = s.shift_id JOIN volunteers v"
    " ON v.id = s.volunteer_id WHERE s.volunteer_id = ? AND v.community_id = ?"
    " AND s.no_show = 1 AND f.starts_at >= v.talk_at";
static const char sql_talk_add[] =
    "INSERT INTO volunteer_talks (community_id, volunteer_id, at, note, by_user)"
    " VALUES (?, ?, ?, ?, ?)";
static const char sql_talk_set[] =
    "UPDATE volunteers SET talk_at = ? WHERE id = ? AND community_id = ?";

/* ---- calendar ---- */

/* Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

static int64_t floordiv(int64_t a, int64_t b)
{
	return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

#define NOT_A_DATE INT64_MIN

/* Parses YYYY-MM-DD (a real date, 1900-2199) into days since 1970-01-01
 * (negative before it); NOT_A_DATE when not a date. */
static int64_t date_days(const char *s)
{
	int y, m, d, cy, cm, cd;
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-' ||
	    strspn(s, "0123456789-") != 10 || sscanf(s, "%4d-%2d-%2d", &y, &m, &d) != 3 ||
	    y < 1900 || y > 2199 || m < 1 || m > 12 || d < 1 || d > 31)
		return NOT_A_DATE;
	int64_t z = days_from_civil(y, m, d);
	civil_from_days(z, &cy, &cm, &cd);
	return cy == y && cm == m && cd == d ? z : NOT_A_DATE;
}

void vol_local_date(char out[11], int64_t t)
{
	int y, m, d;
	char buf[40];
	civil_from_days(floordiv(t + VOL_TZ_OFFSET, 86400), &y, &m, &d);
	snprintf(buf, sizeof(buf), "%04d-%02d-%02d", y % 10000, m % 100, d % 100);
	memcpy(out, buf, 10);
	out[10] = '\0';
}

const char *vol_local(struct arena *a, int64_t t)
{
	char day[11];
	int64_t s = t + VOL_TZ_OFFSET, sod = s - floordiv(s, 86400) * 86400;
	vol_local_date(day, t);
	return arena_printf(a, "%s %02d:%02d", day, (int)(sod / 3600), (int)(sod % 3600 / 60));
}

int vol_local_weekday(int64_t t, int *minute)
{
	int64_t s = t + VOL_TZ_OFFSET, days = floordiv(s, 86400);
	if (minute)
		*minute = (int)((s - days * 86400) / 60);
	/* 1970-01-01 was a Thursday (4). */
	return (int)((days % 7 + 7 + 3) % 7) + 1;
}

int64_t vol_date_start(const char *date)
{
	int64_t z = date_days(date);
	return z == NOT_A_DATE ? -1 : z * 86400 - VOL_TZ_OFFSET;
}

int vol_age(const char *birth_date, const char *today)
{
	int by, bm, bd, ty, tm, td, age;
	if (!birth_date || !*birth_date || sscanf(birth_date, "%4d-%2d-%2d", &by, &bm, &bd) != 3 ||
	    sscanf(today, "%4d-%2d-%2d", &ty, &tm, &td) != 3)
		return -1;
	age = ty - by;
	if (tm < bm || (tm == bm && td < bd))
		age--;
	return age < 0 ? 0 : age;
}

/* ---- availability text ---- */

/* "HH:MM-HH:MM" at s (exactly 11 characters) into minutes; end may be 24:00. */
static bool range_parse(const char *s, size_t n, int *start, int *end)
{
	int h1, m1, h2, m2;
	char tail;
	char buf[16];
	if (n != 11)
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (sscanf(buf, "%2d:%2d-%2d:%2d%c", &h1, &m1, &h2, &m2, &tail) != 4 ||
	    strspn(buf, "0123456789:-") != n || h1 > 23 || m1 > 59 || h2 > 24 || m2 > 59 ||
	    (h2 == 24 && m2 != 0))
		return false;
	*start = h1 * 60 + m1;
	*end = h2 * 60 + m2;
	return *start < *end;
}

/* One item of availability or exceptions. */
struct range_item {
	int weekday;    /* availability */
	char date[11];  /* exceptions */
	bool available; /* exceptions: kind */
	int start, end; /* minutes; whole day 0-1440 */
};

/* Calls fn for each item of text; -1 (e naming field) on a bad item. */
static int ranges_each(const char *text, bool exceptions, const char *field,
		       int (*fn)(const struct range_item *, void *), void *ctx, struct err *e)
{
	const char *p = text ? text : "";
	int n = 0;
	while (*p) {
		const char *end = strchr(p, ';');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		char item[64];
		struct range_item it = {0};
		while (len && p[0] == ' ')
			p++, len--;
		while (len && p[len - 1] == ' ')
			len--;
		if (len) {
			if (len >= sizeof(item) || ++n > VOL_RANGES_MAX)
				return err_set(e, ERR_INVALID, field, "%s: at most %d items", field,
					       VOL_RANGES_MAX);
			memcpy(item, p, len);
			item[len] = '\0';
			if (!exceptions) {
				if (len != 13 || item[0] < '1' || item[0] > '7' || item[1] != ' ' ||
				    !range_parse(item + 2, 11, &it.start, &it.end))
					return err_set(e, ERR_INVALID, field,
						       "%s: \"%s\" is not like \"1 08:00-12:00\"", field,
						       item);
				it.weekday = item[0] - '0';
			} else {
				char kind[16];
				int used = 0;
				if (len < 12 || item[10] != ' ')
					goto bad_exception;
				memcpy(it.date, item, 10);
				it.date[10] = '\0';
				if (date_days(it.date) == NOT_A_DATE ||
				    sscanf(item + 11, "%15s%n", kind, &used) != 1)
					goto bad_exception;
				if (!strcmp(kind, "available"))
					it.available = true;
				else if (strcmp(kind, "unavailable"))
					goto bad_exception;
				if (item[11 + used] == '\0') {
					it.start = 0;
					it.end = 1440;
				} else if (item[11 + used] != ' ' ||
					   !range_parse(item + 12 + used, len - 12 - (size_t)used,
							&it.start, &it.end)) {
					goto bad_exception;
				}
			}
			if (fn && fn(&it, ctx))
				return 1;
		}
		if (!end)
			break;
		p = end + 1;
	}
	return 0;
bad_exception:
	return err_set(e, ERR_INVALID, field,
		       "%s: items are like \"2026-03-02 unavailable\" or \"2026-03-05 available "
		       "09:00-12:00\"",
		       field);
}

static int count_item(const struct range_item *it, void *ctx)
{
	(void)it;
	(*(int *)ctx)++;
	return 0;
}

int vol_ranges_check(const char *text, bool exceptions, const char *field, int *count,
		     struct err *e)
{
	int n = 0;
	if (text && (strlen(text) > 2000 || !utf8_valid(text, strlen(text))))
		return err_set(e, ERR_INVALID, field, "%s is too long", field);
	if (ranges_each(text, exceptions, field, count_item, &n, e) < 0)
		return -1;
	if (count)
		*count = n;
	return 0;
}

/* Free over [from, to) minutes of local day `date` with weekday wd? */
struct day_query {
	const char *date;
	int weekday, from, to;
	bool blocked, opened, weekly;
};

static int exc_hit(const struct range_item *it, void *ctx)
{
	struct day_query *q = ctx;
	if (strcmp(it->date, q->date))
		return 0;
	if (!it->available && it->start < q->to && q->from < it->end)
		q->blocked = true;
	if (it->available && it->start <= q->from && q->to <= it->end)
		q->opened = true;
	return 0;
}

static int weekly_hit(const struct range_item *it, void *ctx)
{
	struct day_query *q = ctx;
	if (it->weekday == q->weekday && it->start <= q->from && q->to <= it->end)
		q->weekly = true;
	return 0;
}

static bool day_free(const char *avail, const char *exc, int64_t t, int from, int to)
{
	struct err e = ERR_INIT;
	char date[11];
	struct day_query q = {date, vol_local_weekday(t, NULL), from, to, false, false, false};
	vol_local_date(date, t);
	ranges_each(exc, true, "exceptions", exc_hit, &q, &e);
	if (q.blocked)
		return false;
	if (q.opened)
		return true;
	ranges_each(avail, false, "availability", weekly_hit, &q, &e);
	return q.weekly;
}

int volunteer_is_available(struct store *db, bool *out, int64_t community_id, int64_t id,
			   int64_t starts_at, int64_t ends_at, struct err *e)
{
	struct stmt *st = store_prepare(db, sql_ranges, e);
	const char *avail, *exc;
	struct arena a = ARENA_INIT;
	int rc, m1, m2;
	if (!st)
		return -1;
	stmt_bind_int(st, 1, id);
	stmt_bind_int(st, 2, community_id);
	rc = stmt_step(st, e);
	if (rc != STORE_ROW) {
		stmt_done(st);
		return rc < 0 ? -1 : err_set(e, ERR_NOT_FOUND, "volunteer_id", "no such volunteer");
	}
	avail = arena_strdup(&a, stmt_text(st, 0));
	exc = arena_strdup(&a, stmt_text(st, 1));
	stmt_done(st);
	vol_local_weekday(starts_at, &m1);
	vol_local_weekday(ends_at, &m2);
	{
		char d1[11], d2[11];
		vol_local_date(d1, starts_at);
		vol_local_date(d2, ends_at);
		if (!strcmp(d1, d2) || m2 == 0)
			*out = day_free(avail, exc, starts_at, m1, m2 == 0 ? 1440 : m2);
		else
			*out = day_free(avail, exc, starts_at, m1, 1440) &&
			       day_free(avail, exc, ends_at, 0, m2);
	}
	arena_release(&a);
	return 0;
}

bool vol_skills_cover(const char *have, const char *need)
{
	const char *p = need ? need : "";
	while (*p) {
		const char *end = strchr(p, ',');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		while (n && *p == ' ')
			p++, n--;
		while (n && p[n - 1] == ' ')
			n--;
		if (n) {
			bool found = false;
			const char *q = have ? have : "";
			while (*q && !found) {
				const char *qe = strchr(q, ',');
				size_t m = qe ? (size_t)(qe - q) : strlen(q);
				const char *qs = q;
				while (m && *qs == ' ')
					qs++, m--;
				while (m && qs[m - 1] == ' ')
					m--;
				found = m == n && !memcmp(qs, p, n);
				if (!qe)
					break;
				q = qe + 1;
			}
			if (!found)
				return false;
		}
		if (!end)
			break;
		p = end + 1;
	}
	return true;
}

/* ---- settings ---- */

int vol_settings_get(struct store *db, struct vol_settings *out, int64_t community_id,
		     struct err *e)
{
	struct stmt *st = store_prepare(db, sql_settings_get, e);
	int rc;
	*out = (struct vol_settings){14, 8, 24, 2};
	if (!st)
		return -1;
	stmt_bind_int(st, 1, community_id);
	if ((rc = stmt_step(st, e)) == STORE_ROW)
		*out = (struct vol_settings){stmt_int(st, 0), stmt_int(st, 1), stmt_int(st, 2),
					     stmt_int(st, 3)};
	stmt_done(st);
	return rc < 0 ? -1 : 0;
}

int vol_settings_set(struct store *db, int64_t community_id, const struct vol_settings *s,
		     struct err *e)
{
	struct stmt *st;
	if (s->ahead_days < 1 || s->ahead_days > 365)
		return err_set(e, ERR_INVALID, "ahead_days", "ahead_days must be 1 to 365");
	if (s->rest_hours < 0 || s->rest_hours > 72)
		return err_set(e, ERR_INVALID, "rest_hours", "rest_hours must be 0 to 72");
	if (s->cancel_hours < 0 || s->cancel_hours > 168)
		return err_set(e, ERR_INVALID, "cancel_hours", "cancel_hours must be 0 to 168");
	if (s->noshow_limit < 1 || s->noshow_limit > 20)
		return err_set(e, ERR_INVALID, "noshow_limit", "noshow_limit must be 1 to 20");
	if (store_begin(db, e) < 0)
		return -1;
	if (!(st = store_prepare(db, sql_settings_del, e)))
		goto fail;
	stmt_bind_int(st, 1, community_id);
	if (stmt_exec(st, e) < 0 || !(st = store_prepare(db, sql_settings_put, e)))
		goto fail;
	stmt_bind_int(st, 1, community_id);
	stmt_bind_int(st, 2, s->ahead_days);
	stmt_bind_int(st, 3, s->rest_hours);
	stmt_bind_int(st, 4, s->cancel_hours);
	stmt_bind_int(st, 5, s->noshow_limit);
	if (stmt_exec(st, e) < 0 || store_commit(db, e) < 0)
		goto fail;
	return 0;
fail:
	store_rollback(db);
	return -1;
}

/* ---- teams ---- */

static bool text_ok(const char *s, size_t max, bool required)
{
	size_t n = s ? strlen(s) : 0;
	if (!n)
		return !required;
	return utf8_valid(s, n) && !utf8_has_control(s, n) && utf8_count(s, n) <= max;
}

int vol_team_add(struct store *db, int64_t *out, int64_t community_id, const char *name,
		 struct err *e)
{
	struct stmt *st;
	int rc;
	if (!text_ok(name, VOL_NAME_MAX, true))
		return err_set(e, ERR_INVALID, "name", "name must be 1 to %d characters",
			       VOL_NAME_MAX);
	if (!(st = store_prepare(db, sql_team_add, e)))
		return -1;
	stmt_bind_int(st, 1, community_id);
	stmt_bind_text(st, 2, name, SIZE_MAX);
	stmt_bind_int(st, 3, time_now());
	rc = stmt_step(st, e);
	if (rc == STORE_ROW)
		*out = stmt_int(st, 0);
	stmt_done(st);
	if (rc < 0 && e->code == ERR_CONFLICT) {
		err_clear(e);
		return err_set(e, ERR_CONFLICT, "name", "a team of that name exists");
	}
	return rc == STORE_ROW ? 0 : -1;
}

int vol_team_list(struct store *db, json_t **out, int64_t community_id, struct err *e)
{
	struct stmt *st = store_prepare(db, sql_team_list, e);
	json_t *list;
	int rc;
	if (!st)
		return -1;
	list = json_array();
	stmt_bind_int(st, 1, community_id);
	while ((rc = stmt_step(st, e)) == STORE_ROW)
		json_array_append_new(list, json_pack("{s:I, s:s, s:I}", "id",
						      (json_int_t)stmt_int(st, 0), "name",
						      stmt_text(st, 1), "members",
						      (json_int_t)stmt_int(st, 2)));
	stmt_done(st);
	if (rc < 0) {
		json_decref(list);
		return -1;
	}
	*out = json_pack("{s:o}", "teams", list);
	return 0;
}

/* ---- volunteers ---- */

/* The row as stored: plain values and the sealed ones. */
struct vol_row {
	int64_t resident_id, user_id, team_id;
	const char *name, *phone, *id_type, *id_number, *birth_date, *skills, *status,
	    *insured_until, *g_name, *g_relation, *g_date, *g_evidence, *c_date, *c_method,
	    *c_version, *availability, *exceptions;
};

static const char *or_keep(const char *given, const char *old)
{
	return given ? given : old;
}

static bool skills_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	return n <= VOL_SKILLS_MAX &&
	       strspn(s ? s : "", "abcdefghijklmnopqrstuvwxyz0123456789_-, ") == n;
}

static bool past_date(const char *s, const char *today)
{
	return date_days(s) != NOT_A_DATE && strcmp(s, today) <= 0;
}

/* Checks the merged row (r, with plain phone and id_number) in full. */
static int row_check(struct store *db, struct vol_row *r, int64_t community_id, int64_t now,
		     struct arena *a, struct err *e)
{
	char today[11];
	int age;
	vol_local_date(today, now);
	if (!text_ok(r->name, VOL_NAME_MAX, true))
		return err_set(e, ERR_INVALID, "name", "name must be 1 to %d characters",
			       VOL_NAME_MAX);
	if (r->phone && *r->phone) {
		char norm[PHONE_LEN + 1];
		if (phone_normalize(norm, r->phone, strlen(r->phone), e) < 0) {
			err_clear(e);
			return err_set(e, ERR_INVALID, "phone", "phone is not a phone number");
		}
		r->phone = arena_strdup(a, norm);
	}
	if (strcmp(r->id_type, "id_card") && strcmp(r->id_type, "passport") &&
	    strcmp(r->id_type, "hk_macao") && strcmp(r->id_type, "taiwan") &&
	    strcmp(r->id_type, "other"))
		return err_set(e, ERR_INVALID, "id_type",
			       "id_type must be id_card, passport, hk_macao, taiwan or other");
	if (r->id_number && *r->id_number) {
		if (!strcmp(r->id_type, "id_card")) {
			char norm[IDCARD_LEN + 1];
			if (idcard_normalize(norm, r->id_number, strlen(r->id_number),
					     idcard_utc_date(now + VOL_TZ_OFFSET), e) < 0) {
				err_clear(e);
				return err_set(e, ERR_INVALID, "id_number",
					       "id_number is not a valid ID card number");
			}
			r->id_number = arena_strdup(a, norm);
		} else if (!text_ok(r->id_number, 30, true)) {
			return err_set(e, ERR_INVALID, "id_number", "id_number is too long");
		}
	}
	if (!*r->birth_date)
		return err_set(e, ERR_INVALID, "birth_date", "birth_date is required");
	if (!past_date(r->birth_date, today))
		return err_set(e, ERR_INVALID, "birth_date", "birth_date must be a past date");
	if (!skills_ok(r->skills))
		return err_set(e, ERR_INVALID, "skills",
			       "skills are codes (a-z 0-9 _ -) separated by commas");
	if (strcmp(r->status, "active") && strcmp(r->status, "paused") && strcmp(r->status, "left"))
		return err_set(e, ERR_INVALID, "status", "status must be active, paused or left");
	if (*r->insured_until && date_days(r->insured_until) == NOT_A_DATE)
		return err_set(e, ERR_INVALID, "insured_until", "insured_until must be a date");
	if (!past_date(r->c_date, today))
		return err_set(e, ERR_INVALID, "consent_date",
			       "the volunteer's consent is required (a date, not in the future)");
	if (strcmp(r->c_method, "paper") && strcmp(r->c_method, "online") &&
	    strcmp(r->c_method, "oral_recorded"))
		return err_set(e, ERR_INVALID, "consent_method",
			       "consent_method must be paper, online or oral_recorded");
	if (!text_ok(r->c_version, 40, true))
		return err_set(e, ERR_INVALID, "consent_version",
			       "consent_version names the notice the volunteer agreed to");
	age = vol_age(r->birth_date, today);
	if (age < VOL_ADULT) {
		if (!text_ok(r->g_name, VOL_NAME_MAX, true))
			return err_set(e, ERR_INVALID, "guardian_name",
				       "a volunteer under 18 needs a guardian's consent");
		if (!text_ok(r->g_relation, 20, true))
			return err_set(e, ERR_INVALID, "guardian_relation",
				       "guardian_relation is required under 18");
		if (!past_date(r->g_date, today))
			return err_set(e, ERR_INVALID, "guardian_date",
				       "guardian_date is required under 18 (not in the future)");
		if (!text_ok(r->g_evidence, VOL_TEXT_MAX, true))
			return err_set(e, ERR_INVALID, "guardian_evidence",
				       "guardian_evidence (what the consent is, where it is kept) "
				       "is required under 18");
	}
	if (!text_ok(r->g_name, VOL_NAME_MAX, false) || !text_ok(r->g_relation, 20, false) ||
	    (*r->g_date && date_days(r->g_date) == NOT_A_DATE) || !text_ok(r->g_evidence, VOL_TEXT_MAX, false))
		return err_set(e, ERR_INVALID, "guardian_name", "guardian fields are too long");
	if (vol_ranges_check(r->availability, false, "availability", NULL, e) < 0 ||
	    vol_ranges_check(r->exceptions, true, "exceptions", NULL, e) < 0)
		return -1;
	if (r->team_id > 0) {
		struct stmt *st = store_prepare(db, sql_team_in, e);
		int rc;
		if (!st)
			return -1;
		stmt_bind_int(st, 1, r->team_id);
		stmt_bind_int(st, 2, community_id);
		rc = stmt_step(st, e);
		stmt_done(st);
		if (rc < 0)
			return -1;
		if (rc != STORE_ROW)
			return err_set(e, ERR_NOT_FOUND, "team_id", "no such team");
	}
	if (r->user_id > 0) {
		const char *dn;
		if (auth_member_check(db, &dn, r->user_id, community_id,
				      AUTH_ROLE_BIT(ROLE_VOLUNTEER) | AUTH_ROLE_BIT(ROLE_RESIDENT) |
					  AUTH_ROLE_BIT(ROLE_LEAD) | AUTH_ROLE_BIT(ROLE_GRID) |
					  AUTH_ROLE_BIT(ROLE_WORKER),
				      a, e) < 0) {
			if (e->code != ERR_NOT_FOUND)
				return -1;
			err_clear(e);
			return err_set(e, ERR_NOT_FOUND, "user_id",
				       "no such account in this community");
		}
	}
	return 0;
}

static int need_keyring(struct err *e)
{
	if (!resident_keyring())
		return err_set(e, ERR_UNAVAILABLE, "key_file",
			       "the key file of sensitive fields is not loaded");
	return 0;
}

static const char *seal_or_null(const char *plain, const char *ctx, struct arena *a,
				struct err *e, int *fail)
{
	const char *out = NULL;
	if (!plain || !*plain)
		return NULL;
	if (seal_encrypt(&out, resident_keyring(), plain, strlen(plain), ctx, a, e) < 0)
		*fail = 1;
	return out;
}

static void bind_opt(struct stmt *st, int idx, const char *s)
{
	if (s && *s)
		stmt_bind_text(st, idx, s, SIZE_MAX);
	else
		stmt_bind_null(st, idx);
}

static void bind_id(struct stmt *st, int idx, int64_t v)
{
	if (v > 0)
		stmt_bind_int(st, idx, v);
	else
		stmt_bind_null(st, idx);
}

/* Binds the columns user_id .. exceptions starting at idx (19 values). */
static void bind_row(struct stmt *st, int idx, const struct vol_row *r, const char *sp,
		     const char *si)
{
	bind_id(st, idx, r->user_id);
	stmt_bind_text(st, idx + 1, r->name, SIZE_MAX);
	bind_opt(st, idx + 2, sp);
	stmt_bind_text(st, idx + 3, r->id_type, SIZE_MAX);
	bind_opt(st, idx + 4, si);
	stmt_bind_text(st, idx + 5, r->birth_date, SIZE_MAX);
	stmt_bind_text(st, idx + 6, r->skills, SIZE_MAX);
	bind_id(st, idx + 7, r->team_id);
	stmt_bind_text(st, idx + 8, r->status, SIZE_MAX);
	stmt_bind_text(st, idx + 9, r->insured_until, SIZE_MAX);
	bind_opt(st, idx + 10, r->g_name);
	bind_opt(st, idx + 11, r->g_relation);
	bind_opt(st, idx + 12, r->g_date);
	bind_opt(st, idx + 13, r->g_evidence);
	stmt_bind_text(st, idx + 14, r->c_date, SIZE_MAX);
	stmt_bind_text(st, idx + 15, r->c_method, SIZE_MAX);
	stmt_bind_text(st, idx + 16, r->c_version, SIZE_MAX);
	stmt_bind_text(st, idx + 17, r->availability, SIZE_MAX);
	stmt_bind_text(st, idx + 18, r->exceptions, SIZE_MAX);
}

static const char *s0(const char *s)
{
	return s ? s : "";
}

static int audit(struct store *db, int64_t actor_id, const char *actor, const char *action,
		 int64_t id, int64_t community_id, const char *ip, const char *detail,
		 struct err *e)
{
	char subject[40];
	snprintf(subject, sizeof(subject), "volunteer:%lld", (long long)id);
	return audit_append(db, actor_id, actor, action, subject, community_id, ip, detail, e);
}

int volunteer_add(struct store *db, int64_t *out, int64_t community_id, const struct vol_input *in,
		  int64_t now, int64_t actor_id, const char *actor, const char *ip, struct err *e)
{
	struct arena a = ARENA_INIT;
	struct vol_row r = {0};
	struct stmt *st;
	const char *sp, *si;
	int fail = 0, rc = -1;
	r.resident_id = in->resident_id;
	r.user_id = in->user_id > 0 ? in->user_id : 0;
	r.team_id = in->team_id > 0 ? in->team_id : 0;
	r.name = in->name;
	r.phone = in->phone;
	r.birth_date = s0(in->birth_date);
	r.id_type = in->id_type ? in->id_type : "id_card";
	r.id_number = in->id_number;
	r.skills = s0(in->skills);
	r.status = in->status ? in->status : "active";
	r.insured_until = s0(in->insured_until);
	r.g_name = s0(in->guardian_name);
	r.g_relation = s0(in->guardian_relation);
	r.g_date = s0(in->guardian_date);
	r.g_evidence = s0(in->guardian_evidence);
	r.c_date = s0(in->consent_date);
	r.c_method = s0(in->consent_method);
	r.c_version = s0(in->consent_version);
	r.availability = s0(in->availability);
	r.exceptions = s0(in->exceptions);
	if (need_keyring(e) < 0)
		return -1;
	if (r.resident_id > 0) {
		/* From the register: its name and birth date win. */
		json_t *res = NULL;
		const char *bd;
		if (resident_get(db, &res, community_id, r.resident_id, false, e) < 0) {
			if (e->code == ERR_NOT_FOUND) {
				err_clear(e);
				err_set(e, ERR_NOT_FOUND, "resident_id", "no such resident");
			}
			goto out;
		}
		r.name = arena_strdup(&a, json_string_value(json_object_get(res, "name")));
		bd = json_string_value(json_object_get(res, "birth_date"));
		if (bd && *bd)
			r.birth_date = arena_strdup(&a, bd);
		json_decref(res);
	}
	if (row_check(db, &r, community_id, now, &a, e) < 0)
		goto out;
	sp = seal_or_null(r.phone, CTX_PHONE, &a, e, &fail);
	si = seal_or_null(r.id_number, CTX_ID, &a, e, &fail);
	if (fail || store_begin(db, e) < 0)
		goto out;
	if (!(st = store_prepare(db, sql_add, e)))
		goto rollback;
	stmt_bind_int(st, 1, community_id);
	bind_id(st, 2, r.resident_id);
	bind_row(st, 3, &r, sp, si);
	stmt_bind_int(st, 22, now);
	if ((rc = stmt_step(st, e)) == STORE_ROW)
		*out = stmt_int(st, 0);
	stmt_done(st);
	if (rc != STORE_ROW) {
		if (e->code == ERR_CONFLICT) {
			err_clear(e);
			err_set(e, ERR_CONFLICT, r.resident_id > 0 ? "resident_id" : "user_id",
				"already a volunteer of this community");
		}
		rc = -1;
		goto rollback;
	}
	if (audit(db, actor_id, actor, "volunteer.add", *out, community_id, ip, NULL, e) < 0 ||
	    store_commit(db, e) < 0) {
		rc = -1;
		goto rollback;
	}
	rc = 0;
	goto out;
rollback:
	store_rollback(db);
out:
	arena_release(&a);
	return rc < 0 ? -1 : 0;
}

static const char *open_col(struct stmt *st, int col, const char *ctx, struct arena *a,
			    struct err *e, int *fail)
{
	const char *out = NULL;
	if (stmt_is_null(st, col))
		return "";
	if (seal_decrypt(&out, NULL, resident_keyring(), stmt_text(st, col), stmt_len(st, col), ctx,
			 a, e) < 0) {
		*fail = 1;
		return "";
	}
	return out;
}

/* Reads the stored row (phone and ID number opened) into *r. */
static int row_read(struct store *db, struct vol_row *r, int64_t *talk_at, const char **team,
		    int64_t community_id, int64_t id, struct arena *a, struct err *e)
{
	struct stmt *st;
	int rc, fail = 0;
	if (need_keyring(e) < 0 || !(st = store_prepare(db, sql_row, e)))
		return -1;
	stmt_bind_int(st, 1, id);
	stmt_bind_int(st, 2, community_id);
	if ((rc = stmt_step(st, e)) == STORE_ROW) {
		r->resident_id = stmt_int(st, 1);
		r->user_id = stmt_int(st, 2);
		r->name = arena_strdup(a, stmt_text(st, 3));
		r->phone = open_col(st, 4, CTX_PHONE, a, e, &fail);
		r->id_type = arena_strdup(a, stmt_text(st, 5));
		r->id_number = open_col(st, 6, CTX_ID, a, e, &fail);
		r->birth_date = arena_strdup(a, stmt_text(st, 7));
		r->skills = arena_strdup(a, stmt_text(st, 8));
		r->team_id = stmt_int(st, 9);
		r->status = arena_strdup(a, stmt_text(st, 10));
		r->insured_until = arena_strdup(a, stmt_text(st, 11));
		r->g_name = arena_strdup(a, stmt_text(st, 12));
		r->g_relation = arena_strdup(a, stmt_text(st, 13));
		r->g_date = arena_strdup(a, stmt_text(st, 14));
		r->g_evidence = arena_strdup(a, stmt_text(st, 15));
		r->c_date = arena_strdup(a, stmt_text(st, 16));
		r->c_method = arena_strdup(a, stmt_text(st, 17));
		r->c_version = arena_strdup(a, stmt_text(st, 18));
		r->availability = arena_strdup(a, stmt_text(st, 19));
		r->exceptions = arena_strdup(a, stmt_text(st, 20));
		if (talk_at)
			*talk_at = stmt_int(st, 21);
		if (team)
			*team = arena_strdup(a, stmt_text(st, 22));
	}
	stmt_done(st);
	if (rc == STORE_DONE)
		return err_set(e, ERR_NOT_FOUND, "volunteer_id", "no such volunteer");
	return rc < 0 || fail ? -1 : 0;
}

int volunteer_update(struct store *db, int64_t community_id, int64_t id, const struct vol_input *in,
		     int64_t now, int64_t actor_id, const char *actor, const char *ip,
		     struct err *e)
{
	struct arena a = ARENA_INIT;
	struct vol_row r = {0};
	struct stmt *st;
	const char *sp, *si;
	int fail = 0, rc = -1;
	if (row_read(db, &r, NULL, NULL, community_id, id, &a, e) < 0)
		goto out;
	if (in->user_id)
		r.user_id = in->user_id < 0 ? 0 : in->user_id;
	if (in->team_id)
		r.team_id = in->team_id < 0 ? 0 : in->team_id;
	if (r.resident_id == 0) {
		r.name = or_keep(in->name, r.name);
		r.birth_date = or_keep(in->birth_date, r.birth_date);
	} else if (in->name || in->birth_date) {
		err_set(e, ERR_INVALID, in->name ? "name" : "birth_date",
			"a resident's name and birth date come from the register");
		goto out;
	}
	r.phone = or_keep(in->phone, r.phone);
	r.id_type = or_keep(in->id_type, r.id_type);
	r.id_number = or_keep(in->id_number, r.id_number);
	r.skills = or_keep(in->skills, r.skills);
	r.status = or_keep(in->status, r.status);
	r.insured_until = or_keep(in->insured_until, r.insured_until);
	r.g_name = or_keep(in->guardian_name, r.g_name);
	r.g_relation = or_keep(in->guardian_relation, r.g_relation);
	r.g_date = or_keep(in->guardian_date, r.g_date);
	r.g_evidence = or_keep(in->guardian_evidence, r.g_evidence);
	r.c_date = or_keep(in->consent_date, r.c_date);
	r.c_method = or_keep(in->consent_method, r.c_method);
	r.c_version = or_keep(in->consent_version, r.c_version);
	r.availability = or_keep(in->availability, r.availability);
	r.exceptions = or_keep(in->exceptions, r.exceptions);
	if (row_check(db, &r, community_id, now, &a, e) < 0)
		goto out;
	sp = seal_or_null(r.phone, CTX_PHONE, &a, e, &fail);
	si = seal_or_null(r.id_number, CTX_ID, &a, e, &fail);
	if (fail || store_begin(db, e) < 0)
		goto out;
	if (!(st = store_prepare(db, sql_update, e)))
		goto rollback;
	bind_row(st, 1, &r, sp, si);
	stmt_bind_int(st, 20, id);
	stmt_bind_int(st, 21, community_id);
	if (stmt_exec(st, e) < 0) {
		if (e->code == ERR_CONFLICT) {
			err_clear(e);
			err_set(e, ERR_CONFLICT, "user_id", "that account is another volunteer's");
		}
		goto rollback;
	}
	if (audit(db, actor_id, actor, "volunteer.update", id, community_id, ip, NULL, e) < 0 ||
	    store_commit(db, e) < 0)
		goto rollback;
	rc = 0;
	goto out;
rollback:
	store_rollback(db);
out:
	arena_release(&a);
	return rc;
}

int volunteer_list(struct store *db, json_t **out, int64_t community_id, const char *status,
		   int64_t now, struct err *e)
{
	struct stmt *st;
	struct vol_settings set;
	char today[11];
	json_t *list;
	int rc;
	if (vol_settings_get(db, &set, community_id, e) < 0 ||
	    !(st = store_prepare(db, sql_list, e)))
		return -1;
	vol_local_date(today, now);
	list = json_array();
	stmt_bind_int(st, 1, community_id);
	stmt_bind_text(st, 2, status ? status : "", SIZE_MAX);
	stmt_bind_text(st, 3, status ? status : "", SIZE_MAX);
	while ((rc = stmt_step(st, e)) == STORE_ROW) {
		int age = vol_age(stmt_text(st, 2), today);
		int64_t ns = stmt_int(st, 11);
		json_array_append_new(
		    list,
		    json_pack("{s:I, s:s, s:o, s:b, s:b, s:s, s:s, s:o, s:s, s:s, s:o, s:o, s:I, s:b}",
			      "id", (json_int_t)stmt_int(st, 0), "name", stmt_text(st, 1), "age",
			      age < 0 ? json_null() : json_integer(age), "young",
			      age >= VOL_YOUNG_MIN && age <= VOL_YOUNG_MAX, "minor",
			      age >= 0 && age < VOL_ADULT, "skills", stmt_text(st, 3), "team",
			      stmt_text(st, 4), "team_id",
			      stmt_is_null(st, 10) ? json_null() : json_integer(stmt_int(st, 10)),
			      "status", stmt_text(st, 5), "insured_until", stmt_text(st, 6),
			      "user_id",
			      stmt_is_null(st, 7) ? json_null() : json_integer(stmt_int(st, 7)),
			      "resident_id",
			      stmt_is_null(st, 8) ? json_null() : json_integer(stmt_int(st, 8)),
			      "no_shows", (json_int_t)ns, "talk_required", ns >= set.noshow_limit));
	}
	stmt_done(st);
	if (rc < 0) {
		json_decref(list);
		return -1;
	}
	*out = json_pack("{s:o}", "volunteers", list);
	return 0;
}

int volunteer_get(struct store *db, json_t **out, int64_t community_id, int64_t id, int64_t now,
		  struct err *e)
{
	struct arena a = ARENA_INIT;
	struct vol_row r = {0};
	struct vol_settings set;
	const char *team = "";
	int64_t talk_at = 0, ns = 0;
	char today[11];
	int age, rc = -1;
	if (row_read(db, &r, &talk_at, &team, community_id, id, &a, e) < 0 ||
	    vol_settings_get(db, &set, community_id, e) < 0 ||
	    volunteer_no_shows(db, &ns, community_id, id, e) < 0)
		goto out;
	vol_local_date(today, now);
	age = vol_age(r.birth_date, today);
	*out = json_pack(
	    "{s:I, s:o, s:o, s:s, s:o, s:s, s:o, s:s, s:o, s:b, s:b, s:s, s:o, s:s, s:s, s:s, "
	    "s:s, s:s, s:I, s:b, s:o}",
	    "id", (json_int_t)id, "resident_id",
	    r.resident_id ? json_integer(r.resident_id) : json_null(), "user_id",
	    r.user_id ? json_integer(r.user_id) : json_null(), "name", r.name, "phone",
	    *r.phone ? json_string(mask_phone(&a, r.phone, strlen(r.phone))) : json_null(),
	    "id_type", r.id_type, "id_number",
	    *r.id_number ? json_string(mask_id_number(&a, r.id_number, strlen(r.id_number)))
			 : json_null(),
	    "birth_date", r.birth_date, "age", age < 0 ? json_null() : json_integer(age), "young",
	    age >= VOL_YOUNG_MIN && age <= VOL_YOUNG_MAX, "minor", age >= 0 && age < VOL_ADULT,
	    "skills", r.skills, "team_id", r.team_id ? json_integer(r.team_id) : json_null(), "team",
	    team, "status", r.status, "insured_until", r.insured_until, "availability",
	    r.availability, "exceptions", r.exceptions, "no_shows", (json_int_t)ns,
	    "talk_required", ns >= set.noshow_limit, "talk_at",
	    talk_at ? json_string(vol_local(&a, talk_at)) : json_null());
	json_object_set_new(*out, "guardian",
			    *r.g_name ? json_pack("{s:s, s:s, s:s, s:s}", "name", r.g_name,
						  "relation", r.g_relation, "date", r.g_date,
						  "evidence", r.g_evidence)
				      : json_null());
	json_object_set_new(*out, "consent",
			    json_pack("{s:s, s:s, s:s}", "date", r.c_date, "method", r.c_method,
				      "version", r.c_version));
	json_object_set_new(*out, "guardian_required", json_boolean(age >= 0 && age < VOL_ADULT));
	rc = 0;
out:
	arena_release(&a);
	return rc;
}

int volunteer_brief(struct store *db, struct vol_brief *out, int64_t community_id, int64_t id,
		    struct arena *a, struct err *e)
{
	struct vol_row r = {0};
	int64_t talk_at = 0;
	if (row_read(db, &r, &talk_at, NULL, community_id, id, a, e) < 0)
		return -1;
	out->id = id;
	out->user_id = r.user_id;
	out->talk_at = talk_at;
	out->name = r.name;
	out->skills = r.skills;
	out->status = r.status;
	out->insured_until = r.insured_until;
	out->birth_date = r.birth_date;
	return 0;
}

static int one_id(struct store *db, const char *sql, int64_t a1, int64_t a2, int64_t *out,
		  struct err *e)
{
	struct stmt *st = store_prepare(db, sql, e);
	int rc;
	if (!st)
		return -1;
	stmt_bind_int(st, 1, a1);
	stmt_bind_int(st, 2, a2);
	if ((rc = stmt_step(st, e)) == STORE_ROW)
		*out = stmt_int(st, 0);
	stmt_done(st);
	return rc < 0 ? -1 : rc == STORE_ROW;
}

int volunteer_of_user(struct store *db, int64_t *out, int64_t community_id, int64_t user_id,
		      struct err *e)
{
	int64_t resident = 0;
	int rc = one_id(db, sql_by_user, community_id, user_id, out, e);
	if (rc != 0)
		return rc < 0 ? -1 : 0;
	if (account_resident_of(db, user_id, community_id, &resident, NULL, e) < 0) {
		if (e->code != ERR_NOT_FOUND)
			return -1;
		err_clear(e);
	} else if ((rc = one_id(db, sql_by_resident, community_id, resident, out, e)) != 0) {
		return rc < 0 ? -1 : 0;
	}
	return err_set(e, ERR_NOT_FOUND, "volunteer", "you are not registered as a volunteer here");
}

int volunteer_no_shows(struct store *db, int64_t *out, int64_t community_id, int64_t id,
		       struct err *e)
{
	*out = 0;
	return one_id(db, sql_no_shows, id, community_id, out, e) < 0 ? -1 : 0;
}

int volunteer_talk(struct store *db, int64_t community_id, int64_t id, const char *note,
		   int64_t now, int64_t actor_id, const char *actor, const char *ip, struct err *e)
{
	struct stmt *st;
	if (!text_ok(note, VOL_TEXT_MAX, true))
		return err_set(e, ERR_INVALID, "note", "note must be 1 to %d characters",
			       VOL_TEXT_MAX);
	if (store_begin(db, e) < 0)
		return -1;
	if (!(st = store_prepare(db, sql_talk_set, e)))
		goto fail;
	stmt_bind_int(st, 1, now);
	stmt_bind_int(st, 2, id);
	stmt_bind_int(st, 3, community_id);
	if (stmt_exec(st, e) < 0)
		goto fail;
	if (store_changes(db) == 0) {
		err_set(e, ERR_NOT_FOUND, "volunteer_id", "no such volunteer");
		goto fail;
	}
	if (!(st = store_prepare(db, sql_talk_add, e)))
		goto fail;
	stmt_bind_int(st, 1, community_id);
	stmt_bind_int(st, 2, id);
	stmt_bind_int(st, 3, now);
	stmt_bind_text(st, 4, note, SIZE_MAX);
	stmt_bind_int(st, 5, actor_id);
	if (stmt_exec(st, e) < 0 ||
	    audit(db, actor_id, actor, "volunteer.talk", id, community_id, ip, note, e) < 0 ||
	    store_commit(db, e) < 0)
		goto fail;
	return 0;
fail:
	store_rollback(db);
	return -1;
}

static const char sql_person_signups[] =
    "SELECT s.id, s.shift_id, f.starts_at, f.ends_at, s.status, s.checkin_at, s.checkout_at,"
    " s.minutes, s.confirmed_at, s.no_show FROM signups s JOIN shifts f ON f.id = s.shift_id"
    " WHERE s.volunteer_id = ? AND s.community_id = ? ORDER BY s.id";
static const char sql_person_talks[] =
    "SELECT at, note FROM volunteer_talks WHERE volunteer_id = ? AND community_id = ?"
    " ORDER BY id";
static const char sql_person_certs[] =
    "SELECT number, service_year, minutes, issued_at FROM volunteer_certificates"
    " WHERE volunteer_id = ? AND community_id = ? ORDER BY id";

static json_t *nint(struct stmt *st, int col)
{
	return stmt_is_null(st, col) ? json_null() : json_integer(stmt_int(st, col));
}

int volunteer_person_export(struct store *db, json_t *out, int64_t community_id,
			    int64_t resident_id, struct err *e)
{
	struct arena a = ARENA_INIT;
	struct vol_row r = {0};
	json_t *o, *signups, *talks, *certs;
	struct stmt *st;
	int64_t id = 0;
	int rc = one_id(db, sql_by_resident, community_id, resident_id, &id, e);
	if (rc < 0)
		return -1;
	if (rc == 0) {
		json_object_set_new(out, "volunteer", json_null());
		return 0;
	}
	if (row_read(db, &r, NULL, NULL, community_id, id, &a, e) < 0)
		goto fail;
	o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "id", (json_int_t)id,
		      "name", r.name, "phone", r.phone, "id_type", r.id_type, "id_number",
		      r.id_number, "birth_date", r.birth_date, "skills", r.skills, "status", r.status,
		      "availability", r.availability, "exceptions", r.exceptions, "insured_until",
		      r.insured_until);
	json_object_set_new(o, "consent", json_pack("{s:s, s:s, s:s}", "date", r.c_date, "method",
						    r.c_method, "version", r.c_version));
	json_object_set_new(o, "guardian",
			    json_pack("{s:s, s:s, s:s, s:s}", "name", r.g_name, "relation",
				      r.g_relation, "date", r.g_date, "evidence", r.g_evidence));
	signups = json_array();
	talks = json_array();
	certs = json_array();
	json_object_set_new(o, "signups", signups);
	json_object_set_new(o, "talks", talks);
	json_object_set_new(o, "certificates", certs);
	if (!(st = store_prepare(db, sql_person_signups, e)))
		goto fail_o;
	stmt_bind_int(st, 1, id);
	stmt_bind_int(st, 2, community_id);
	while ((rc = stmt_step(st, e)) == STORE_ROW)
		json_array_append_new(
		    signups, json_pack("{s:I, s:I, s:I, s:I, s:s, s:o, s:o, s:o, s:o, s:b}", "id",
				       (json_int_t)stmt_int(st, 0), "shift_id",
				       (json_int_t)stmt_int(st, 1), "starts_at",
				       (json_int_t)stmt_int(st, 2), "ends_at",
				       (json_int_t)stmt_int(st, 3), "status", stmt_text(st, 4),
				       "checkin_at", nint(st, 5), "checkout_at", nint(st, 6), "minutes",
				       nint(st, 7), "confirmed_at", nint(st, 8), "no_show",
				       stmt_int(st, 9) != 0));
	stmt_done(st);
	if (rc < 0 || !(st = store_prepare(db, sql_person_talks, e)))
		goto fail_o;
	stmt_bind_int(st, 1, id);
	stmt_bind_int(st, 2, community_id);
	while ((rc = stmt_step(st, e)) == STORE_ROW)
		json_array_append_new(talks, json_pack("{s:I, s:s}", "at", (json_int_t)stmt_int(st, 0),
						       "note", stmt_text(st, 1)));
	stmt_done(st);
	if (rc < 0 || !(st = store_prepare(db, sql_person_certs, e)))
		goto fail_o;
	stmt_bind_int(st, 1, id);
	stmt_bind_int(st, 2, community_id);
	while ((rc = stmt_step(st, e)) == STORE_ROW)
		json_array_append_new(certs,
				      json_pack("{s:s, s:I, s:I, s:I}", "number", stmt_text(st, 0),
						"year", (json_int_t)stmt_int(st, 1), "minutes",
						(json_int_t)stmt_int(st, 2), "issued_at",
						(json_int_t)stmt_int(st, 3)));
	stmt_done(st);
	if (rc < 0)
		goto fail_o;
	json_object_set_new(out, "volunteer", o);
	arena_release(&a);
	return 0;
fail_o:
	json_decref(o);
fail:
	arena_release(&a);
	return -1;
}

const struct migration volunteer_migrations[] = {
    {810, "volunteers: teams, volunteers, settings, talks",
     "CREATE TABLE volunteer_teams ("
     " id @id, community_id BIGINT NOT NULL REFERENCES communities(id),"
     " name TEXT NOT NULL, created_at BIGINT NOT NULL, UNIQUE (community_id, name));"
     "CREATE TABLE volunteers ("
     " id @id, community_id BIGINT NOT NULL REFERENCES communities(id),"
     " resident_id BIGINT REFERENCES residents(id) ON DELETE CASCADE, user_id BIGINT,"
     " name TEXT NOT NULL, phone TEXT, id_type TEXT NOT NULL, id_number TEXT,"
     " birth_date TEXT NOT NULL, skills TEXT NOT NULL,"
     " team_id BIGINT REFERENCES volunteer_teams(id) ON DELETE SET NULL,"
     " status TEXT NOT NULL, insured_until TEXT NOT NULL,"
     " guardian_name TEXT, guardian_relation TEXT, guardian_date TEXT, guardian_evidence TEXT,"
     " consent_date TEXT NOT NULL, consent_method TEXT NOT NULL, consent_version TEXT NOT NULL,"
     " availability TEXT NOT NULL, exceptions TEXT NOT NULL,"
     " talk_at BIGINT NOT NULL, created_at BIGINT NOT NULL,"
     " UNIQUE (community_id, user_id), UNIQUE (community_id, resident_id));"
     "CREATE INDEX volunteers_community ON volunteers (community_id, name);"
     "CREATE TABLE volunteer_settings ("
     " community_id BIGINT PRIMARY KEY REFERENCES communities(id),"
     " ahead_days INTEGER NOT NULL, rest_hours INTEGER NOT NULL,"
     " cancel_hours INTEGER NOT NULL, noshow_limit INTEGER NOT NULL);"
     "CREATE TABLE volunteer_talks ("
     " id @id, community_id BIGINT NOT NULL REFERENCES communities(id),"
     " volunteer_id BIGINT NOT NULL REFERENCES volunteers(id) ON DELETE CASCADE,"
     " at BIGINT NOT NULL, note TEXT NOT NULL, by_user BIGINT NOT NULL);"},
    {811, "volunteers: post requirements, sign-ups, check-in nonces, certificates",
     "CREATE TABLE post_requirements ("
     " post_id BIGINT PRIMARY KEY REFERENCES scene_posts(id) ON DELETE CASCADE,"
     " community_id BIGINT NOT NULL REFERENCES communities(id),"
     " insurance INTEGER NOT NULL, leader_user_id BIGINT);"
     "CREATE TABLE signups ("
     " id @id, community_id BIGINT NOT NULL REFERENCES communities(id),"
     " shift_id BIGINT NOT NULL REFERENCES shifts(id) ON DELETE CASCADE,"
     " volunteer_id BIGINT NOT NULL REFERENCES volunteers(id) ON DELETE CASCADE,"
     " status TEXT NOT NULL, offered INTEGER NOT NULL, created_at BIGINT NOT NULL,"
     " created_by BIGINT NOT NULL, ended_at BIGINT,"
     " checkin_at BIGINT, checkout_at BIGINT, checkin_by BIGINT, checkout_by BIGINT,"
     " no_show INTEGER NOT NULL, minutes INTEGER,"
     " confirmed_by BIGINT, confirmed_at BIGINT);"
     "CREATE INDEX signups_shift ON signups (shift_id, status);"
     "CREATE INDEX signups_volunteer ON signups (volunteer_id, status);"
     "CREATE TABLE checkin_nonces ("
     " id @id, community_id BIGINT NOT NULL REFERENCES communities(id),"
     " signup_id BIGINT NOT NULL REFERENCES signups(id) ON DELETE CASCADE,"
     " action TEXT NOT NULL, hash TEXT NOT NULL UNIQUE, expires_at BIGINT NOT NULL,"
     " used_at BIGINT);"
     "CREATE TABLE volunteer_certificates ("
     " id @id, community_id BIGINT NOT NULL REFERENCES communities(id),"
     " volunteer_id BIGINT NOT NULL REFERENCES volunteers(id) ON DELETE CASCADE,"
     " year INTEGER NOT NULL, seq INTEGER NOT NULL, number TEXT NOT NULL, service_year INTEGER NOT NULL,"
     " minutes BIGINT NOT NULL, records INTEGER NOT NULL, issued_at BIGINT NOT NULL,"
     " issued_by TEXT NOT NULL, UNIQUE (community_id, year, seq));"},
};
const size_t volunteer_migrations_n = sizeof(volunteer_migrations) / sizeof(volunteer_migrations[0]);
