/*
 * resident_io_http.c - importing residents as a job, and exporting them
 * (see resident_io.h).
 *
 * An import is a file of up to 20 MiB (the route is ROUTE_UPLOAD: the only
 * routes whose body may exceed 64 KiB), which takes seconds to check, seal
 * and write; so POST answers 202 at once with a job id, a thread of its own
 * does the work on its own database connection (store_thread), and the page
 * polls GET .../imports/{id} for the state, the rows done and, at the end,
 * the report.  Jobs live in this process's memory (JOBS_MAX, the oldest
 * finished one makes room; RUNNING_MAX run at once, more is 429): a job is a
 * few seconds of work whose outcome is in the register and the audit log,
 * not something to keep.  Behind a proxy with several processes, the page
 * must poll the process it uploaded to (see the report to the lead).
 *
 * Access: importing needs a role that changes the community; the job is
 * read back only by a caller who may change that same community (another
 * community's job is 404).  Export: staff who read the community get it
 * masked; ?unmask=1 is for those who change it, and is audited.
 */
#include "http/http.h"

#include "auth/auth.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "registry/resident.h"
#include "registry/resident_io.h"
#include "registry/structure.h"
#include "registry/structure_http.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum { JOBS_MAX = 32, RUNNING_MAX = 2, REPORT_LINES_MAX = 1000 };

enum job_state { JOB_QUEUED, JOB_VALIDATING, JOB_WRITING, JOB_DONE, JOB_FAILED };
static const char *const state_names[] = {"queued", "validating", "writing", "done", "failed"};

struct job {
	int64_t id, community_id, actor_id;
	char actor[64], ip[48];
	enum job_state state;
	size_t rows_done, rows_total;
	bool dry_run;
	enum rio_encoding encoding;
	char *body, *map; /* owned until the worker ends */
	size_t len;
	struct rio_report rep;
	struct err err;
};

static pthread_mutex_t jobs_lock = PTHREAD_MUTEX_INITIALIZER;
static struct job *jobs[JOBS_MAX];
static int64_t last_job_id;

static void job_free(struct job *j)
{
	if (!j)
		return;
	free(j->body);
	free(j->map);
	rio_report_release(&j->rep);
	free(j);
}

static void on_progress(void *ctx, enum rio_phase ph, size_t done, size_t total)
{
	struct job *j = ctx;
	pthread_mutex_lock(&jobs_lock);
	j->state = ph == RIO_VALIDATING ? JOB_VALIDATING : JOB_WRITING;
	j->rows_done = done;
	j->rows_total = total;
	pthread_mutex_unlock(&jobs_lock);
}

static void *work(void *arg)
{
	struct job *j = arg;
	struct err e = ERR_INIT;
	struct rio_report rep;
	struct rio_options o = {
	    .encoding = j->encoding,
	    .map = j->map,
	    .dry_run = j->dry_run,
	    .progress = on_progress,
	    .progress_ctx = j,
	    .actor_id = j->actor_id,
	    .actor = j->actor,
	    .ip = j->ip,
	};
	struct store *db = store_thread(&e);
	int rc = -1;
	rio_report_init(&rep);
	on_progress(j, RIO_VALIDATING, 0, 0);
	if (db)
		rc = resident_io_import(db, &rep, j->community_id, j->body, j->len, &o, &e);
	if (rc < 0)
		log_info("import job %lld failed: %s", (long long)j->id, e.message);
	pthread_mutex_lock(&jobs_lock);
	j->rep = rep;
	j->err = e;
	j->state = rc < 0 ? JOB_FAILED : JOB_DONE;
	j->rows_done = rep.rows;
	if (j->rows_total < rep.rows)
		j->rows_total = rep.rows;
	free(j->body);
	j->body = NULL;
	pthread_mutex_unlock(&jobs_lock);
	return NULL;
}

/* Takes a slot for j (jobs_lock held): a free one, else the oldest finished
 * job's.  -1 when RUNNING_MAX jobs run or no slot is free. */
static int take_slot(void)
{
	int running = 0, oldest = -1;
	for (int i = 0; i < JOBS_MAX; i++) {
		if (!jobs[i])
			continue;
		if (jobs[i]->state < JOB_DONE)
			running++;
		else if (oldest < 0 || jobs[i]->id < jobs[oldest]->id)
			oldest = i;
	}
	if (running >= RUNNING_MAX)
		return -1;
	for (int i = 0; i < JOBS_MAX; i++)
		if (!jobs[i])
			return i;
	if (oldest >= 0) {
		job_free(jobs[oldest]);
		jobs[oldest] = NULL;
	}
	return oldest;
}

/* The map as a JSON object {"heading": "field"} in the query, turned into
 * the "heading=field,..." form of resident_io. */
static int take_map(struct req *r, char **out, struct err *e)
{
	const char *q = http_query(r, "map");
	struct strbuf sb = STRBUF_INIT;
	const char *k;
	json_t *obj, *v;
	*out = NULL;
	if (!q || !*q)
		return 0;
	if (!(obj = json_parse_object(q, strlen(q), e))) {
		err_clear(e);
		return err_set(e, ERR_INVALID, "map",
		               "map must be a JSON object of headings to fields");
	}
	json_object_foreach(obj, k, v)
	{
		if (!json_is_string(v) || strpbrk(k, ",=") || strpbrk(json_string_value(v), ",=")) {
			json_decref(obj);
			strbuf_release(&sb);
			return err_set(e, ERR_INVALID, "map",
			               "map values must be field names, and headings may not hold , "
			               "or =");
		}
		strbuf_addf(&sb, "%s%s=%s", sb.len ? "," : "", k, json_string_value(v));
	}
	json_decref(obj);
	*out = strbuf_detach(&sb, NULL);
	return 0;
}

static void post_import(struct req *r)
{
	struct community c;
	struct err e = ERR_INIT;
	const char *ct = http_header(r, "Content-Type");
	const char *dry = http_query(r, "dry_run"), *enc = http_query(r, "encoding");
	struct job *j = NULL;
	pthread_t t;
	pthread_attr_t attr;
	int64_t id;
	bool dry_run;
	int slot;

	if (structure_open_community(r, &c, STAFF_CHANGE, &e) < 0)
		return http_reply_err(r, &e);
	if (!ct || (strncasecmp(ct, "text/csv", 8) && strncasecmp(ct, "application/octet-stream", 24))) {
		err_set(&e, ERR_MEDIA_TYPE, "Content-Type",
		        "send the file as text/csv or application/octet-stream");
		return http_reply_err(r, &e);
	}
	if (!r->body_len) {
		err_set(&e, ERR_INVALID, "file", "the file is empty");
		return http_reply_err(r, &e);
	}
	j = xcalloc(1, sizeof(*j));
	if (dry && strcmp(dry, "0") && strcmp(dry, "1")) {
		err_set(&e, ERR_INVALID, "dry_run", "dry_run must be 0 or 1");
		goto fail;
	}
	j->dry_run = dry && !strcmp(dry, "1");
	if (enc && !rio_encoding_parse(enc, &j->encoding)) {
		err_set(&e, ERR_INVALID, "encoding", "encoding must be auto, utf-8 or gb18030");
		goto fail;
	}
	if (take_map(r, &j->map, &e) < 0)
		goto fail;
	j->community_id = c.id;
	j->actor_id = r->user->user_id;
	snprintf(j->actor, sizeof(j->actor), "%s", r->user->username);
	snprintf(j->ip, sizeof(j->ip), "%s", r->ip);
	j->body = xmalloc(r->body_len + 1);
	memcpy(j->body, r->body, r->body_len);
	j->body[r->body_len] = '\0';
	j->len = r->body_len;
	rio_report_init(&j->rep);
	pthread_mutex_lock(&jobs_lock);
	if ((slot = take_slot()) < 0) {
		pthread_mutex_unlock(&jobs_lock);
		err_set(&e, ERR_RATE_LIMITED, NULL, "other imports are running; try again shortly");
		goto fail;
	}
	j->id = ++last_job_id;
	jobs[slot] = j;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&t, &attr, work, j) != 0) {
		jobs[slot] = NULL;
		pthread_mutex_unlock(&jobs_lock);
		pthread_attr_destroy(&attr);
		err_set(&e, ERR_UNAVAILABLE, NULL, "cannot start the import");
		goto fail;
	}
	pthread_attr_destroy(&attr);
	id = j->id;
	dry_run = j->dry_run;
	pthread_mutex_unlock(&jobs_lock);
	http_reply_json(r, 202, json_pack("{s:I, s:s, s:b}", "id", (json_int_t)id, "state",
	                                  "queued", "dry_run", (int)dry_run));
	return;
fail:
	job_free(j);
	http_reply_err(r, &e);
}

/* The job as JSON (jobs_lock held). */
static json_t *job_json(const struct job *j)
{
	json_t *errors = json_array(), *unknown = json_array(), *out;
	size_t n = 0;
	for (const char *p = j->rep.lines.buf; *p && n < REPORT_LINES_MAX; n++) {
		const char *nl = strchr(p, '\n');
		json_array_append_new(errors, json_stringn(p, (size_t)(nl - p)));
		p = nl + 1;
	}
	for (const char *p = j->rep.unknown.buf; *p;) {
		const char *nl = strchr(p, '\n');
		json_array_append_new(unknown, json_stringn(p, (size_t)(nl - p)));
		p = nl + 1;
	}
	out = json_pack("{s:I, s:s, s:b, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:b, s:o, s:o}", "id",
	                (json_int_t)j->id, "state", state_names[j->state], "dry_run",
	                (int)j->dry_run, "rows_done", (json_int_t)j->rows_done, "rows_total",
	                (json_int_t)j->rows_total, "rows", (json_int_t)j->rep.rows, "bad",
	                (json_int_t)j->rep.bad, "added", (json_int_t)j->rep.added, "updated",
	                (json_int_t)j->rep.updated, "unchanged", (json_int_t)j->rep.unchanged,
	                "written", (int)j->rep.written, "errors", errors, "unknown_columns",
	                unknown);
	if (j->state >= JOB_DONE)
		json_object_set_new(out, "encoding",
		                    json_string(j->rep.encoding == RIO_UTF8 ? "utf-8" : "gb18030"));
	if (j->state == JOB_FAILED)
		json_object_set_new(out, "error",
		                    json_pack("{s:s, s:s, s:s?}", "code", err_code_name(j->err.code),
		                              "message", j->err.message, "field",
		                              j->err.field[0] ? j->err.field : NULL));
	return out;
}

static void get_import(struct req *r)
{
	struct community c;
	struct err e = ERR_INIT;
	json_t *out = NULL;
	if (structure_open_community(r, &c, STAFF_CHANGE, &e) < 0)
		return http_reply_err(r, &e);
	pthread_mutex_lock(&jobs_lock);
	for (int i = 0; i < JOBS_MAX; i++)
		if (jobs[i] && jobs[i]->id == r->param[1] && jobs[i]->community_id == c.id)
			out = job_json(jobs[i]);
	pthread_mutex_unlock(&jobs_lock);
	if (!out) {
		err_set(&e, ERR_NOT_FOUND, NULL, "no such import");
		return http_reply_err(r, &e);
	}
	http_reply_json(r, 200, out);
}

static void get_export(struct req *r)
{
	struct community c;
	struct err e = ERR_INIT;
	struct strbuf out = STRBUF_INIT;
	const char *fmt = http_query(r, "format"), *enc = http_query(r, "encoding"),
	           *u = http_query(r, "unmask");
	bool unmask = u && !strcmp(u, "1"), gb = false, xlsx;
	if (structure_open_community(r, &c, STAFF_READ, &e) < 0)
		return http_reply_err(r, &e);
	if (fmt && strcmp(fmt, "csv") && strcmp(fmt, "xlsx")) {
		err_set(&e, ERR_INVALID, "format", "format must be csv or xlsx");
		return http_reply_err(r, &e);
	}
	xlsx = fmt && !strcmp(fmt, "xlsx");
	if (enc && strcasecmp(enc, "utf-8") && strcasecmp(enc, "gb18030")) {
		err_set(&e, ERR_INVALID, "encoding", "encoding must be utf-8 or gb18030");
		return http_reply_err(r, &e);
	}
	gb = enc && !strcasecmp(enc, "gb18030");
	if (u && strcmp(u, "0") && strcmp(u, "1")) {
		err_set(&e, ERR_INVALID, "unmask", "unmask must be 0 or 1");
		return http_reply_err(r, &e);
	}
	if (unmask && !auth_changes_community(r->user, c.id, c.street_id)) {
		err_set(&e, ERR_FORBIDDEN, "unmask", "only workers may see ID numbers and phones");
		return http_reply_err(r, &e);
	}
	if (resident_io_export(r->db, &out, NULL, c.id, xlsx ? RIO_XLSX : RIO_CSV, gb, unmask,
	                       &e) < 0 ||
	    (unmask && audit_append(r->db, r->user->user_id, r->user->username,
	                            "resident.export.unmasked", "residents", c.id, r->ip,
	                            xlsx ? "xlsx" : "csv", &e) < 0)) {
		strbuf_release(&out);
		return http_reply_err(r, &e);
	}
	http_reply_text(r, 200,
	                xlsx ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	                : gb ? "text/csv; charset=gb18030"
	                     : "text/csv; charset=utf-8",
	                out.buf, out.len);
	strbuf_release(&out);
}

static const struct route routes[] = {
    {"POST", "/api/communities/{id}/residents/imports", post_import, ROUTE_UPLOAD},
    {"GET", "/api/communities/{id}/residents/imports/{import}", get_import, 0},
    {"GET", "/api/communities/{id}/residents/export", get_export, 0},
};
const struct route_table resident_io_routes = {routes, sizeof(routes) / sizeof(routes[0])};
