/*
 * hours.c - confirmation of service hours, yearly totals, certificates and
 * the export for volunteer platforms (see hours.h).
 */
#include "scene/hours.h"

#include "auth/auth.h"
#include "auth/members.h"
#include "core/csv.h"
#include "core/timeutil.h"
#include "registry/structure.h"
#include "scene/volunteer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

static const char sql_req_del[] = "DELETE FROM post_requirements WHERE post_id = ?";
static const char sql_req_put[] =
    "INSERT INTO post_requirements (post_id, community_id, insurance, leader_user_id)"
    " VALUES (?, ?, ?, ?)";
static const char sql_req_get[] =
    "SELECT insurance, leader_user_id FROM post_requirements WHERE post_id = ?"
    " AND community_id = ?";
static const char sql_post_in[] = "SELECT 1 FROM scene_posts WHERE id = ? AND community_id = ?";
static const char sql_leader[] =
    "SELECT r.leader_user_id FROM signups s JOIN shifts f ON f.id = s.shift_id"
    " JOIN post_requirements r ON r.post_id = f.post_id WHERE s.id = ? AND s.community_id = ?";
static const char sql_confirm[] =
    "UPDATE signups SET confirmed_by = ?, confirmed_at = ? WHERE id = ? AND community_id = ?"
    " AND checkout_at IS NOT NULL AND confirmed_at IS NULL AND status = 'signed'";
static const char sql_exists[] = "SELECT 1 FROM signups WHERE id = ? AND community_id = ?";
static const char sql_records[] =
    "SELECT s.id, s.checkin_at, s.checkout_at, s.minutes, s.confirmed_at, p.name, sc.name"
    " FROM signups s JOIN shifts f ON f.id = s.shift_id JOIN scene_posts p ON p.id = f.post_id"
    " JOIN scenes sc ON sc.id = p.scene_id WHERE s.volunteer_id = ? AND s.community_id = ?"
    " AND s.status = 'signed' AND s.checkout_at IS NOT NULL AND s.checkin_at >= ?"
    " AND s.checkin_at < ? ORDER BY s.checkin_at, s.id LIMIT 5000";
static const char sql_total[] =
    "SELECT COALESCE(SUM(s.minutes), 0), COUNT(*), MIN(s.checkin_at), MAX(s.checkin_at)"
    " FROM signups s WHERE s.volunteer_id = ? AND s.community_id = ? AND s.status = 'signed'"
    " AND s.confirmed_at IS NOT NULL AND s.checkin_at >= ? AND s.checkin_at < ?";
static const char sql_content[] =
    "SELECT DISTINCT sc.name, p.name FROM signups s JOIN shifts f ON f.id = s.shift_id"
    " JOIN scene_posts p ON p.id = f.post_id JOIN scenes sc ON sc.id = p.scene_id"
    " WHERE s.volunteer_id = ? AND s.community_id = ? AND s.status = 'signed'"
    " AND s.confirmed_at IS NOT NULL AND s.checkin_at >= ? AND s.checkin_at < ?"
    " ORDER BY sc.name, p.name LIMIT 20";
static const char sql_seq[] =
    "SELECT COALESCE(MAX(seq), 0) + 1 FROM volunteer_certificates WHERE community_id = ?"
    " AND year = ?";
static const char sql_cert_add[] =
    "INSERT INTO volunteer_certificates (community_id, volunteer_id, year, seq, number,"
    " service_year, minutes, records, issued_at, issued_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    " RETURNING id";
static const char sql_cert_get[] =
    "SELECT volunteer_id, number, service_year, minutes, records, issued_at, issued_by"
    " FROM volunteer_certificates WHERE id = ? AND community_id = ?";
static const char sql_certs[] =
    "SELECT id, number, service_year, minutes, issued_at FROM volunteer_certificates"
    " WHERE volunteer_id = ? AND community_id = ? ORDER BY id";
static const char sql_export[] =
    "SELECT s.volunteer_id, v.name, s.checkin_at, s.checkout_at, s.minutes, p.name, sc.name"
    " FROM signups s JOIN volunteers v ON v.id = s.volunteer_id"
    " JOIN shifts f ON f.id = s.shift_id JOIN scene_posts p ON p.id = f.post_id"
    " JOIN scenes sc ON sc.id = p.scene_id WHERE s.community_id = ? AND s.status = 'signed'"
    " AND s.confirmed_at IS NOT NULL AND s.checkin_at >= ? AND s.checkin_at < ?"
    " ORDER BY s.checkin_at, s.id LIMIT 100000";

void hours_text(char out[24], int64_t minutes)
{
	int64_t h = minutes * 100 / 60;
	snprintf(out, 24, "%lld.%02lld", (long long)(h / 100), (long long)(h % 100));
}

static int year_range(int64_t *from, int64_t *to, int64_t year, struct err *e)
{
	char d[11];
	if (year < 2000 || year > 2100)
		return err_set(e, ERR_INVALID, "year", "year must be 2000 to 2100");
	snprintf(d, sizeof(d), "%04d-01-01", (int)year);
	*from = vol_date_start(d);
	snprintf(d, sizeof(d), "%04d-01-01", (int)year + 1);
	*to = vol_date_start(d);
	return 0;
}

static int row1(struct store *db, const char *sql, int64_t a1, int64_t a2, bool *hit,
		int64_t *val, struct err *e)
{
	struct stmt *st = store_prepare(db, sql, e);
	int rc;
	if (!st)
		return -1;
	stmt_bind_int(st, 1, a1);
	stmt_bind_int(st, 2, a2);
	rc = stmt_step(st, e);
	*hit = rc == STORE_ROW;
	if (val)
		*val = rc == STORE_ROW && !stmt_is_null(st, 0) ? stmt_int(st, 0) : 0;
	stmt_done(st);
	return rc < 0 ? -1 : 0;
}

int hours_post_requirements(struct store *db, int64_t community_id, int64_t post_id,
			    bool insurance, int64_t leader_user_id, struct err *e)
{
	struct arena a = ARENA_INIT;
	struct stmt *st;
	bool hit;
	if (row1(db, sql_post_in, post_id, community_id, &hit, NULL, e) < 0)
		return -1;
	if (!hit)
		return err_set(e, ERR_NOT_FOUND, "post_id", "no such post");
	if (leader_user_id > 0) {
		const char *dn;
		int rc = auth_member_check(db, &dn, leader_user_id, community_id, ~0u, &a, e);
		arena_release(&a);
		if (rc < 0) {
			if (e->code != ERR_NOT_FOUND)
				return -1;
			err_clear(e);
			return err_set(e, ERR_NOT_FOUND, "leader_user_id",
				       "no such account in this community");
		}
	}
	if (store_begin(db, e) < 0)
		return -1;
	if (!(st = store_prepare(db, sql_req_del, e)))
		goto fail;
	stmt_bind_int(st, 1, post_id);
	if (stmt_exec(st, e) < 0 || !(st = store_prepare(db, sql_req_put, e)))
		goto fail;
	stmt_bind_int(st, 1, post_id);
	stmt_bind_int(st, 2, community_id);
	stmt_bind_int(st, 3, insurance ? 1 : 0);
	if (leader_user_id > 0)
		stmt_bind_int(st, 4, leader_user_id);
	else
		stmt_bind_null(st, 4);
	if (stmt_exec(st, e) < 0 || store_commit(db, e) < 0)
		goto fail;
	return 0;
fail:
	store_rollback(db);
	return -1;
}

int hours_post_requirements_get(struct store *db, json_t **out, int64_t community_id,
				int64_t post_id, struct err *e)
{
	struct stmt *st;
	bool hit;
	int rc;
	if (row1(db, sql_post_in, post_id, community_id, &hit, NULL, e) < 0)
		return -1;
	if (!hit)
		return err_set(e, ERR_NOT_FOUND, "post_id", "no such post");
	if (!(st = store_prepare(db, sql_req_get, e)))
		return -1;
	stmt_bind_int(st, 1, post_id);
	stmt_bind_int(st, 2, community_id);
	rc = stmt_step(st, e);
	if (rc == STORE_ROW)
		*out = json_pack("{s:I, s:b, s:o}", "post_id", (json_int_t)post_id, "insurance",
				 stmt_int(st, 0) != 0, "leader_user_id",
				 stmt_is_null(st, 1) ? json_null() : json_integer(stmt_int(st, 1)));
	else if (rc == STORE_DONE)
		*out = json_pack("{s:I, s:b, s:n}", "post_id", (json_int_t)post_id, "insurance", 0,
				 "leader_user_id");
	stmt_done(st);
	return rc < 0 ? -1 : 0;
}

int hours_is_leader(struct store *db, bool *out, int64_t community_id, int64_t signup_id,
		    int64_t user_id, struct err *e)
{
	int64_t leader = 0;
	bool hit;
	if (row1(db, sql_leader, signup_id, community_id, &hit, &leader, e) < 0)
		return -1;
	*out = hit && leader > 0 && leader == user_id;
	return 0;
}

int hours_confirm(struct store *db, int64_t community_id, int64_t signup_id, int64_t now,
		  const struct vol_actor *who, struct err *e)
{
	struct stmt *st;
	char subject[40];
	bool hit;
	if (store_begin(db, e) < 0)
		return -1;
	if (row1(db, sql_exists, signup_id, community_id, &hit, NULL, e) < 0)
		goto fail;
	if (!hit) {
		err_set(e, ERR_NOT_FOUND, "signup_id", "no such sign-up");
		goto fail;
	}
	if (!(st = store_prepare(db, sql_confirm, e)))
		goto fail;
	stmt_bind_int(st, 1, who ? who->user_id : 0);
	stmt_bind_int(st, 2, now);
	stmt_bind_int(st, 3, signup_id);
	stmt_bind_int(st, 4, community_id);
	if (stmt_exec(st, e) < 0)
		goto fail;
	if (store_changes(db) != 1) {
		err_set(e, ERR_CONFLICT, "signup_id",
			"only hours checked out and not yet confirmed are confirmed");
		goto fail;
	}
	snprintf(subject, sizeof(subject), "signup:%lld", (long long)signup_id);
	if (audit_append(db, who ? who->user_id : 0, who ? who->username : NULL, "hours.confirm",
			 subject, community_id, who ? who->ip : NULL, NULL, e) < 0 ||
	    store_commit(db, e) < 0)
		goto fail;
	return 0;
fail:
	store_rollback(db);
	return -1;
}

int hours_summary(struct store *db, json_t **out, int64_t community_id, int64_t volunteer_id,
		  int64_t year, struct err *e)
{
	struct arena a = ARENA_INIT;
	struct vol_brief v;
	struct stmt *st;
	int64_t from, to, total = 0, unconfirmed = 0, months[12] = {0};
	json_t *records, *m, *certs;
	char htxt[24];
	int rc;
	if (year_range(&from, &to, year, e) < 0 ||
	    volunteer_brief(db, &v, community_id, volunteer_id, &a, e) < 0 ||
	    !(st = store_prepare(db, sql_records, e))) {
		arena_release(&a);
		return -1;
	}
	records = json_array();
	stmt_bind_int(st, 1, volunteer_id);
	stmt_bind_int(st, 2, community_id);
	stmt_bind_int(st, 3, from);
	stmt_bind_int(st, 4, to);
	while ((rc = stmt_step(st, e)) == STORE_ROW) {
		int64_t in = stmt_int(st, 1), mins = stmt_int(st, 3);
		bool confirmed = !stmt_is_null(st, 4);
		const char *l0 = vol_local(&a, in), *l1 = vol_local(&a, stmt_int(st, 2));
		if (confirmed) {
			total += mins;
			months[atoi(l0 + 5) - 1] += mins;
		} else {
			unconfirmed += mins;
		}
		json_array_append_new(
		    records, json_pack("{s:I, s:s%, s:s, s:s, s:s, s:s, s:I, s:b}", "signup_id",
				       (json_int_t)stmt_int(st, 0), "date", l0, (size_t)10, "post",
				       stmt_text(st, 5), "scene", stmt_text(st, 6), "start", l0 + 11,
				       "end", l1 + 11, "minutes", (json_int_t)mins, "confirmed",
				       confirmed));
	}
	stmt_done(st);
	if (rc < 0 || !(st = store_prepare(db, sql_certs, e))) {
		json_decref(records);
		arena_release(&a);
		return -1;
	}
	certs = json_array();
	stmt_bind_int(st, 1, volunteer_id);
	stmt_bind_int(st, 2, community_id);
	while ((rc = stmt_step(st, e)) == STORE_ROW)
		json_array_append_new(certs,
				      json_pack("{s:I, s:s, s:I, s:I, s:s}", "id",
						(json_int_t)stmt_int(st, 0), "number",
						stmt_text(st, 1), "year", (json_int_t)stmt_int(st, 2),
						"minutes", (json_int_t)stmt_int(st, 3), "issued",
						vol_local(&a, stmt_int(st, 4))));
	stmt_done(st);
	if (rc < 0) {
		json_decref(records);
		json_decref(certs);
		arena_release(&a);
		return -1;
	}
	m = json_array();
	for (int i = 0; i < 12; i++)
		json_array_append_new(m, json_integer(months[i]));
	hours_text(htxt, total);
	*out = json_pack("{s:I, s:s, s:I, s:I, s:s, s:I, s:o, s:o, s:o}", "volunteer_id",
			 (json_int_t)volunteer_id, "name", v.name, "year", (json_int_t)year,
			 "minutes", (json_int_t)total, "hours", htxt, "unconfirmed_minutes",
			 (json_int_t)unconfirmed, "months", m, "records", records, "certificates",
			 certs);
	arena_release(&a);
	return 0;
}

/* Confirmed minutes, records and first/last check-in of a volunteer's year. */
static int year_total(struct store *db, int64_t *minutes, int64_t *records, int64_t *first,
		      int64_t *last, int64_t community_id, int64_t volunteer_id, int64_t from,
		      int64_t to, struct err *e)
{
	struct stmt *st = store_prepare(db, sql_total, e);
	int rc;
	if (!st)
		return -1;
	stmt_bind_int(st, 1, volunteer_id);
	stmt_bind_int(st, 2, community_id);
	stmt_bind_int(st, 3, from);
	stmt_bind_int(st, 4, to);
	if ((rc = stmt_step(st, e)) == STORE_ROW) {
		*minutes = stmt_int(st, 0);
		*records = stmt_int(st, 1);
		*first = stmt_int(st, 2);
		*last = stmt_int(st, 3);
	}
	stmt_done(st);
	return rc == STORE_ROW ? 0 : -1;
}

int hours_certificate_issue(struct store *db, int64_t *out, int64_t community_id,
			    int64_t volunteer_id, int64_t service_year, int64_t now,
			    const struct vol_actor *who, struct err *e)
{
	struct arena a = ARENA_INIT;
	struct vol_brief v;
	struct stmt *st;
	int64_t from, to, minutes = 0, records = 0, first, last, seq = 0;
	char today[11], number[32], subject[40];
	int issue_year, rc;
	bool hit;
	if (year_range(&from, &to, service_year, e) < 0 ||
	    volunteer_brief(db, &v, community_id, volunteer_id, &a, e) < 0) {
		arena_release(&a);
		return -1;
	}
	arena_release(&a);
	vol_local_date(today, now);
	issue_year = atoi(today);
	if (store_begin(db, e) < 0)
		return -1;
	if (year_total(db, &minutes, &records, &first, &last, community_id, volunteer_id, from, to,
		       e) < 0)
		goto fail;
	if (records == 0) {
		err_set(e, ERR_CONFLICT, "year", "no confirmed hours in %lld",
			(long long)service_year);
		goto fail;
	}
	if (row1(db, sql_seq, community_id, issue_year, &hit, &seq, e) < 0)
		goto fail;
	snprintf(number, sizeof(number), "LL-%04d-%04lld", issue_year, (long long)seq);
	if (!(st = store_prepare(db, sql_cert_add, e)))
		goto fail;
	stmt_bind_int(st, 1, community_id);
	stmt_bind_int(st, 2, volunteer_id);
	stmt_bind_int(st, 3, issue_year);
	stmt_bind_int(st, 4, seq);
	stmt_bind_text(st, 5, number, SIZE_MAX);
	stmt_bind_int(st, 6, service_year);
	stmt_bind_int(st, 7, minutes);
	stmt_bind_int(st, 8, records);
	stmt_bind_int(st, 9, now);
	stmt_bind_text(st, 10, who && who->username ? who->username : "", SIZE_MAX);
	if ((rc = stmt_step(st, e)) == STORE_ROW)
		*out = stmt_int(st, 0);
	stmt_done(st);
	if (rc != STORE_ROW)
		goto fail;
	snprintf(subject, sizeof(subject), "volunteer:%lld", (long long)volunteer_id);
	if (audit_append(db, who ? who->user_id : 0, who ? who->username : NULL,
			 "certificate.issue", subject, community_id, who ? who->ip : NULL, number,
			 e) < 0 ||
	    store_commit(db, e) < 0)
		goto fail;
	return 0;
fail:
	store_rollback(db);
	return -1;
}

int hours_certificate_get(struct store *db, json_t **out, int64_t community_id, int64_t id,
			  struct err *e)
{
	struct arena a = ARENA_INIT;
	struct community c;
	struct stmt *st;
	json_t *vol = NULL, *content;
	int64_t vid = 0, year = 0, minutes = 0, records = 0, issued = 0, from, to, m2, r2, first = 0,
		last = 0;
	const char *number = "", *by = "";
	char htxt[24], d0[11], d1[11], di[11];
	int rc;
	if (!(st = store_prepare(db, sql_cert_get, e)))
		return -1;
	stmt_bind_int(st, 1, id);
	stmt_bind_int(st, 2, community_id);
	if ((rc = stmt_step(st, e)) == STORE_ROW) {
		vid = stmt_int(st, 0);
		number = arena_strdup(&a, stmt_text(st, 1));
		year = stmt_int(st, 2);
		minutes = stmt_int(st, 3);
		records = stmt_int(st, 4);
		issued = stmt_int(st, 5);
		by = arena_strdup(&a, stmt_text(st, 6));
	}
	stmt_done(st);
	if (rc != STORE_ROW) {
		arena_release(&a);
		return rc < 0 ? -1 : err_set(e, ERR_NOT_FOUND, "certificate_id", "no such certificate");
	}
	if (structure_community_get(db, &c, community_id, &a, e) < 0 ||
	    volunteer_get(db, &vol, community_id, vid, issued, e) < 0 ||
	    year_range(&from, &to, year, e) < 0 ||
	    year_total(db, &m2, &r2, &first, &last, community_id, vid, from, to, e) < 0 ||
	    !(st = store_prepare(db, sql_content, e)))
		goto fail;
	content = json_array();
	stmt_bind_int(st, 1, vid);
	stmt_bind_int(st, 2, community_id);
	stmt_bind_int(st, 3, from);
	stmt_bind_int(st, 4, to);
	while ((rc = stmt_step(st, e)) == STORE_ROW)
		json_array_append_new(content, json_string(arena_printf(&a, "%s·%s", stmt_text(st, 0),
									 stmt_text(st, 1))));
	stmt_done(st);
	if (rc < 0) {
		json_decref(content);
		goto fail;
	}
	hours_text(htxt, minutes);
	vol_local_date(d0, first);
	vol_local_date(d1, last);
	vol_local_date(di, issued);
	*out = json_pack(
	    "{s:I, s:s, s:I, s:O, s:O, s:O, s:s, s:o, s:s, s:s, s:I, s:s, s:I, s:I, s:s, s:s, s:s}",
	    "id", (json_int_t)id, "number", number, "volunteer_id", (json_int_t)vid, "name",
	    json_object_get(vol, "name"), "id_type", json_object_get(vol, "id_type"), "id_number",
	    json_object_get(vol, "id_number"), "organisation", c.name, "service_content", content,
	    "period_start", first ? d0 : "", "period_end", last ? d1 : "", "year",
	    (json_int_t)year, "hours", htxt, "minutes", (json_int_t)minutes, "records",
	    (json_int_t)records, "issuer", arena_printf(&a, "%s%s", c.street_name, c.name),
	    "issued_on", di, "issued_by", by);
	json_decref(vol);
	arena_release(&a);
	return 0;
fail:
	json_decref(vol);
	arena_release(&a);
	return -1;
}

static const char *id_type_zh(const char *t)
{
	if (!strcmp(t, "id_card"))
		return "居民身份证";
	if (!strcmp(t, "passport"))
		return "护照";
	if (!strcmp(t, "hk_macao"))
		return "港澳居民来往内地通行证";
	if (!strcmp(t, "taiwan"))
		return "台湾居民来往大陆通行证";
	return "其他";
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

int hours_export(struct store *db, struct strbuf *out, int64_t community_id, int64_t year,
		 bool xlsx, struct err *e)
{
	static const char *const heads[] = {"姓名",	"证件类型", "证件号码", "服务日期",
					    "开始时间", "结束时间", "服务时长(小时)",
					    "服务项目", "服务组织"};
	enum { NCOL = sizeof(heads) / sizeof(heads[0]) };
	struct arena a = ARENA_INIT;
	struct community c;
	struct strbuf csv = STRBUF_INIT;
	struct csv_writer w;
	lxw_workbook *wb = NULL;
	lxw_worksheet *ws = NULL;
	char path[] = "/tmp/linli-hours-XXXXXX";
	json_t *rows = json_array(), *cache = json_object(), *row;
	struct stmt *st;
	int64_t from, to;
	size_t i;
	int rc = -1, fd = -1, s;
	if (year_range(&from, &to, year, e) < 0 ||
	    structure_community_get(db, &c, community_id, &a, e) < 0 ||
	    !(st = store_prepare(db, sql_export, e)))
		goto out;
	stmt_bind_int(st, 1, community_id);
	stmt_bind_int(st, 2, from);
	stmt_bind_int(st, 3, to);
	while ((s = stmt_step(st, e)) == STORE_ROW)
		json_array_append_new(
		    rows, json_pack("[I, s, I, I, I, s, s]", (json_int_t)stmt_int(st, 0),
				    stmt_text(st, 1), (json_int_t)stmt_int(st, 2),
				    (json_int_t)stmt_int(st, 3), (json_int_t)stmt_int(st, 4),
				    stmt_text(st, 5), stmt_text(st, 6)));
	stmt_done(st);
	if (s < 0)
		goto out;
	if (xlsx) {
		if ((fd = mkstemp(path)) < 0) {
			err_set(e, ERR_INTERNAL, NULL, "cannot create a temporary file");
			goto out;
		}
		close(fd);
		if (!(wb = workbook_new(path)) || !(ws = workbook_add_worksheet(wb, "服务时长"))) {
			err_set(e, ERR_INTERNAL, NULL, "cannot start the workbook");
			goto out;
		}
		for (int j = 0; j < NCOL; j++)
			worksheet_write_string(ws, 0, (lxw_col_t)j, heads[j], NULL);
	} else {
		csv_writer_init(&w, &csv, CSV_WRITE_BOM | CSV_WRITE_GUARD);
		for (int j = 0; j < NCOL; j++)
			csv_write_str(&w, heads[j]);
		csv_write_end(&w);
	}
	json_array_foreach(rows, i, row) {
		int64_t vid = json_integer_value(json_array_get(row, 0));
		const char *key = arena_printf(&a, "%lld", (long long)vid), *v[NCOL];
		json_t *vol = json_object_get(cache, key);
		char htxt[24];
		const char *l0 = vol_local(&a, json_integer_value(json_array_get(row, 2)));
		const char *l1 = vol_local(&a, json_integer_value(json_array_get(row, 3)));
		if (!vol) {
			if (volunteer_get(db, &vol, community_id, vid, time_now(), e) < 0)
				goto out;
			json_object_set_new(cache, key, vol);
		}
		hours_text(htxt, json_integer_value(json_array_get(row, 4)));
		v[0] = json_string_value(json_array_get(row, 1));
		v[1] = id_type_zh(json_string_value(json_object_get(vol, "id_type")));
		v[2] = json_is_string(json_object_get(vol, "id_number"))
			   ? json_string_value(json_object_get(vol, "id_number"))
			   : "";
		v[3] = arena_printf(&a, "%.10s", l0);
		v[4] = l0 + 11;
		v[5] = l1 + 11;
		v[6] = arena_strdup(&a, htxt);
		v[7] = arena_printf(&a, "%s·%s", json_string_value(json_array_get(row, 6)),
				    json_string_value(json_array_get(row, 5)));
		v[8] = c.name;
		for (int j = 0; j < NCOL; j++) {
			if (ws)
				worksheet_write_string(ws, (lxw_row_t)(i + 1), (lxw_col_t)j, v[j],
						       NULL);
			else
				csv_write_str(&w, v[j]);
		}
		if (!ws)
			csv_write_end(&w);
	}
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
	} else {
		strbuf_add(out, csv.buf, csv.len);
	}
	rc = 0;
out:
	if (wb)
		workbook_close(wb);
	if (xlsx)
		unlink(path);
	strbuf_release(&csv);
	json_decref(rows);
	json_decref(cache);
	arena_release(&a);
	return rc;
}
