/*
 * privacy.c - PIPL rules and persistence (see privacy.h, docs/privacy.md).
 *
 * Consents are never updated except to mark a withdrawal, so the history of
 * a purpose is its list of records and the current state is the latest one.
 * Categories and purposes have shipped defaults in code; a community's own
 * settings are rows that override (categories) or extend (purposes) them, so
 * a new default reaches every community that did not choose otherwise.
 *
 * The retention job works per community in one write transaction, and each
 * action it takes is one audit entry in that transaction: either all of a
 * community's expiries and their entries are written, or none.  It reads
 * the residents and visits tables directly: they are the registry's, like
 * this file.  It also reads audit_log (the auth module's) for the export and
 * the explanation, which is a departure from "call the folder's header":
 * auth.h has no reader of entries by subject yet (see the report).
 */
#include "registry/privacy.h"

#include "auth/auth.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "core/utf8.h"
#include "registry/org.h"
#include "registry/person.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define DAY 86400

static const char *const methods[] = {"paper", "in_person", "online", "phone", NULL};
static const char *const bases[] = {"consent", "legal_duty", "emergency", "contract", NULL};
static const char *const froms[] = {"moved_out", "event", "last_activity", NULL};

struct purpose_def {
	const char *code, *zh, *en;
	bool sensitive;
};
static const struct purpose_def builtin_purposes[] = {
    {"registry", "居民登记", "residents register", false},
    {"contact", "联系与通知", "contact and notices", false},
    {"care_services", "关爱服务（敏感）", "care services (sensitive)", true},
    {"volunteer", "志愿服务", "volunteering", false},
    {"owner_voting", "业主表决", "owner voting", false},
    {"emergency_contact", "紧急联系", "emergency contact", false},
};
#define NPURPOSES (sizeof(builtin_purposes) / sizeof(builtin_purposes[0]))

struct category_def {
	struct privacy_category c;
	const char *zh, *en; /* what it holds */
	const char *purpose; /* the purpose it serves */
	const char *module;  /* where it is held */
};
/* The shipped defaults (docs/privacy.md says why each). */
static const struct category_def categories[] = {
    {{"identity", "legal_duty", 1095, "moved_out", NULL},
     "姓名、性别、出生日期、身份证号",
     "name, gender, birth date, ID number",
     "registry",
     "registry"},
    {{"contact", "consent", 180, "moved_out", NULL},
     "手机号",
     "phone number",
     "contact",
     "registry"},
    {{"household", "legal_duty", 1095, "moved_out", NULL},
     "住址（房屋）、与户主关系、居住类型",
     "dwelling, relation to the householder, residency",
     "registry",
     "registry"},
    {{"care_needs", "consent", 365, "moved_out", NULL},
     "关爱需求（敏感）",
     "care needs (sensitive)",
     "care_services",
     "care"},
    {{"ownership", "legal_duty", 1825, "moved_out", NULL},
     "房屋产权、专有面积",
     "ownership and exclusive area",
     "owner_voting",
     "ownership"},
    {{"visits", "legal_duty", 730, "event", NULL},
     "入户走访记录",
     "door-to-door visit notes",
     "registry",
     "registry"},
    {{"consent", "legal_duty", 1095, "event", NULL},
     "同意记录（撤回后保留以备查证）",
     "consent records (kept after withdrawal as proof)",
     "registry",
     "privacy"},
    {{"account", "contract", 180, "last_activity", NULL},
     "登录账号",
     "sign-in account",
     "registry",
     "accounts"},
};
#define NCATEGORIES (sizeof(categories) / sizeof(categories[0]))

static bool one_of(const char *s, const char *const *list)
{
	for (; s && *list; list++)
		if (!strcmp(s, *list))
			return true;
	return false;
}

bool privacy_method_ok(const char *s)
{
	return one_of(s, methods);
}
bool privacy_basis_ok(const char *s)
{
	return one_of(s, bases);
}
bool privacy_category_ok(const char *s)
{
	return privacy_category_default(s) != NULL;
}

const struct privacy_category *privacy_category_default(const char *category)
{
	for (size_t i = 0; category && i < NCATEGORIES; i++)
		if (!strcmp(categories[i].c.category, category))
			return &categories[i].c;
	return NULL;
}

static const struct category_def *category_def(const char *category)
{
	for (size_t i = 0; i < NCATEGORIES; i++)
		if (!strcmp(categories[i].c.category, category))
			return &categories[i];
	return NULL;
}

static bool is_date(const char *s)
{
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return false;
	return true;
}

int privacy_age_on(const char *birth, const char *on)
{
	int by, bmd, oy, omd, age;
	if (!is_date(birth) || !is_date(on))
		return -1;
	by = (birth[0] - '0') * 1000 + (birth[1] - '0') * 100 + (birth[2] - '0') * 10 +
	     (birth[3] - '0');
	oy = (on[0] - '0') * 1000 + (on[1] - '0') * 100 + (on[2] - '0') * 10 + (on[3] - '0');
	bmd = ((birth[5] - '0') * 10 + (birth[6] - '0')) * 100 + (birth[8] - '0') * 10 +
	      (birth[9] - '0');
	omd = ((on[5] - '0') * 10 + (on[6] - '0')) * 100 + (on[8] - '0') * 10 + (on[9] - '0');
	age = oy - by - (omd < bmd ? 1 : 0);
	return age < 0 ? -1 : age;
}

/* The date in China (UTC+8) of Unix time t. */
static void china_date(char out[11], int64_t t)
{
	time_t x = (time_t)(t + 8 * 3600);
	struct tm tm;
	char buf[48];
	gmtime_r(&x, &tm);
	snprintf(buf, sizeof(buf), "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
	memcpy(out, buf, 10);
	out[10] = '\0';
}

static bool text_ok(const char *s, size_t max, bool allow_newlines)
{
	size_t n = s ? strlen(s) : 0;
	if (!n || !utf8_valid(s, n) || utf8_count(s, n) > max)
		return false;
	if (!allow_newlines)
		return !utf8_has_control(s, n);
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p < 0x20 && *p != '\n' && *p != '\r' && *p != '\t')
			return false;
	return true;
}

static void bind_opt(struct stmt *st, int idx, const char *s)
{
	if (s && *s)
		stmt_bind_text(st, idx, s, SIZE_MAX);
	else
		stmt_bind_null(st, idx);
}

static json_t *text_or_null(struct stmt *st, int col)
{
	return stmt_is_null(st, col) ? json_null() : json_string(stmt_text(st, col));
}

static json_t *int_or_null(struct stmt *st, int col)
{
	return stmt_is_null(st, col) ? json_null() : json_integer(stmt_int(st, col));
}

static int audit(struct store *db, const struct privacy_actor *who, const char *action,
                 int64_t resident_id, int64_t community_id, const char *detail, struct err *e)
{
	char subject[48];
	snprintf(subject, sizeof(subject), "resident:%lld", (long long)resident_id);
	return audit_append(db, who ? who->id : 0, who ? who->name : NULL, action,
	                    resident_id ? subject : NULL, community_id, who ? who->ip : NULL,
	                    detail, e);
}

/* ---- the resident as this module needs it ---- */

static const char sql_person[] =
    "SELECT birth_date, created_at, moved_out_at, dwelling_id, phone IS NOT NULL,"
    " id_number IS NOT NULL, updated_at FROM residents WHERE id = ? AND community_id = ?";

struct person {
	char birth[11]; /* "" when unknown */
	int64_t created_at, moved_out_at, updated_at;
	bool has_dwelling, has_phone, has_id;
};

static int person_read(struct store *db, struct person *p, int64_t community_id, int64_t id,
                       struct err *e)
{
	struct stmt *st = store_prepare(db, sql_person, e);
	int s;
	if (!st)
		return -1;
	stmt_bind_int(st, 1, id);
	stmt_bind_int(st, 2, community_id);
	s = stmt_step(st, e);
	if (s == STORE_ROW) {
		snprintf(p->birth, sizeof(p->birth), "%s", stmt_text(st, 0));
		p->created_at = stmt_int(st, 1);
		p->moved_out_at = stmt_is_null(st, 2) ? 0 : stmt_int(st, 2);
		p->has_dwelling = !stmt_is_null(st, 3);
		p->has_phone = stmt_int(st, 4) != 0;
		p->has_id = stmt_int(st, 5) != 0;
		p->updated_at = stmt_int(st, 6);
	}
	stmt_done(st);
	if (s == STORE_DONE)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such resident");
	return s < 0 ? -1 : 0;
}

/* ---- purposes, notices, categories ---- */

static const char sql_purpose_one[] =
    "SELECT sensitive FROM privacy_purposes WHERE community_id = ? AND code = ?";
static const char sql_purposes[] =
    "SELECT code, label, sensitive FROM privacy_purposes WHERE community_id = ? ORDER BY id";
static const char sql_purpose_count[] =
    "SELECT COUNT(*) FROM privacy_purposes WHERE community_id = ?";
static const char sql_purpose_add[] =
    "INSERT INTO privacy_purposes (community_id, code, label, sensitive) VALUES (?, ?, ?, ?)";
static const char sql_notice_max[] =
    "SELECT COALESCE(MAX(version), 0) FROM privacy_notices WHERE community_id = ?";
static const char sql_notice_add[] =
    "INSERT INTO privacy_notices (community_id, version, text, effective_date, created_by,"
    " created_by_name, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)";
static const char sql_notice_one[] =
    "SELECT 1 FROM privacy_notices WHERE community_id = ? AND version = ?";
static const char sql_notices[] =
    "SELECT version, text, effective_date, created_by_name, created_at FROM privacy_notices"
    " WHERE community_id = ? ORDER BY version DESC";
static const char sql_category_set[] =
    "INSERT INTO privacy_categories (community_id, category, lawful_basis, retention_days,"
    " retention_from, reason, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (community_id, category) DO UPDATE SET lawful_basis = excluded.lawful_basis,"
    " retention_days = excluded.retention_days, retention_from = excluded.retention_from,"
    " reason = excluded.reason, updated_at = excluded.updated_at";
static const char sql_category_get[] =
    "SELECT lawful_basis, retention_days, retention_from, reason FROM privacy_categories"
    " WHERE community_id = ? AND category = ?";

/* *sensitive: whether purpose code is known to the community and sensitive.
 * Returns 0, or -1 with ERR_INVALID naming "purpose" when unknown. */
static int purpose_find(struct store *db, bool *sensitive, int64_t community_id, const char *code,
                        struct err *e)
{
	struct stmt *st;
	int s;
	for (size_t i = 0; code && i < NPURPOSES; i++)
		if (!strcmp(builtin_purposes[i].code, code)) {
			*sensitive = builtin_purposes[i].sensitive;
			return 0;
		}
	if (!code || !(st = store_prepare(db, sql_purpose_one, e)))
		return code ? -1 : err_set(e, ERR_INVALID, "purpose", "purpose is required");
	stmt_bind_int(st, 1, community_id);
	stmt_bind_text(st, 2, code, SIZE_MAX);
	s = stmt_step(st, e);
	if (s == STORE_ROW)
		*sensitive = stmt_int(st, 0) != 0;
	stmt_done(st);
	if (s == STORE_DONE)
		return err_set(e, ERR_INVALID, "purpose", "unknown purpose %s", code);
	return s < 0 ? -1 : 0;
}

/* The community's setting of a category (its own row, else the default),
 * strings in a; *custom says which. */
static int category_get(struct store *db, struct privacy_category *out, bool *custom,
                        int64_t community_id, const char *category, struct arena *a, struct err *e)
{
	struct stmt *st = store_prepare(db, sql_category_get, e);
	int s;
	if (!st)
		return -1;
	*out = *privacy_category_default(category);
	stmt_bind_int(st, 1, community_id);
	stmt_bind_text(st, 2, category, SIZE_MAX);
	s = stmt_step(st, e);
	if (s == STORE_ROW) {
		out->lawful_basis = arena_strdup(a, stmt_text(st, 0));
		out->retention_days = stmt_is_null(st, 1) ? -1 : stmt_int(st, 1);
		out->retention_from = arena_strdup(a, stmt_text(st, 2));
		out->reason = stmt_is_null(st, 3) ? NULL : arena_strdup(a, stmt_text(st, 3));
	}
	stmt_done(st);
	if (custom)
		*custom = s == STORE_ROW;
	return s < 0 ? -1 : 0;
}

static json_t *category_json(const struct privacy_category *c, bool custom)
{
	const struct category_def *d = category_def(c->category);
	return json_pack("{s:s, s:s, s:o, s:s, s:o, s:b, s:s, s:s, s:s}", "category", c->category,
	                 "lawful_basis", c->lawful_basis, "retention_days",
	                 c->retention_days < 0 ? json_null() : json_integer(c->retention_days),
	                 "retention_from", c->retention_from, "reason",
	                 c->reason ? json_string(c->reason) : json_null(), "default", !custom,
	                 "holds_zh", d->zh, "holds_en", d->en, "module", d->module);
}

int privacy_settings(struct store *db, json_t **out, int64_t community_id, struct err *e)
{
	struct arena a = ARENA_INIT;
	json_t *notices = json_array(), *purposes = json_array(), *cats = json_array();
	struct stmt *st;
	int s = 0;

	if (!(st = store_prepare(db, sql_notices, e)))
		goto fail;
	stmt_bind_int(st, 1, community_id);
	while ((s = stmt_step(st, e)) == STORE_ROW)
		json_array_append_new(notices,
		                      json_pack("{s:I, s:s, s:s, s:o, s:I}", "version",
		                                (json_int_t)stmt_int(st, 0), "text",
		                                stmt_text(st, 1), "effective_date",
		                                stmt_text(st, 2), "created_by", text_or_null(st, 3),
		                                "created_at", (json_int_t)stmt_int(st, 4)));
	stmt_done(st);
	if (s < 0)
		goto fail;
	for (size_t i = 0; i < NPURPOSES; i++)
		json_array_append_new(
		    purposes,
		    json_pack("{s:s, s:s, s:s, s:b, s:b}", "code", builtin_purposes[i].code,
		              "label", builtin_purposes[i].zh, "label_en", builtin_purposes[i].en,
		              "sensitive", (int)builtin_purposes[i].sensitive, "builtin", 1));
	if (!(st = store_prepare(db, sql_purposes, e)))
		goto fail;
	stmt_bind_int(st, 1, community_id);
	while ((s = stmt_step(st, e)) == STORE_ROW)
		json_array_append_new(
		    purposes, json_pack("{s:s, s:s, s:s, s:b, s:b}", "code", stmt_text(st, 0),
		                        "label", stmt_text(st, 1), "label_en", stmt_text(st, 1),
		                        "sensitive", (int)(stmt_int(st, 2) != 0), "builtin", 0));
	stmt_done(st);
	if (s < 0)
		goto fail;
	for (size_t i = 0; i < NCATEGORIES; i++) {
		struct privacy_category c;
		bool custom;
		if (category_get(db, &c, &custom, community_id, categories[i].c.category, &a, e) <
		    0)
			goto fail;
		json_array_append_new(cats, category_json(&c, custom));
	}
	*out = json_pack("{s:o, s:o, s:o}", "notices", notices, "purposes", purposes, "categories",
	                 cats);
	arena_release(&a);
	return 0;
fail:
	json_decref(notices);
	json_decref(purposes);
	json_decref(cats);
	arena_release(&a);
	return -1;
}

int privacy_notice_add(struct store *db, int64_t *out, int64_t community_id, const char *text,
                       const char *effective_date, const struct privacy_actor *who, struct err *e)
{
	struct stmt *st;
	int64_t v = 0;
	int s;
	char detail[32];
	if (!text_ok(text, PRIVACY_NOTICE_MAX, true))
		return err_set(e, ERR_INVALID, "text", "text must be 1 to %d characters",
		               PRIVACY_NOTICE_MAX);
	if (!effective_date || org_date_check(effective_date, "effective_date", e) < 0)
		return err_is_set(e) ? -1
		                     : err_set(e, ERR_INVALID, "effective_date",
		                               "effective_date is required");
	if (store_begin(db, e) < 0)
		return -1;
	if (!(st = store_prepare(db, sql_notice_max, e)))
		goto fail;
	stmt_bind_int(st, 1, community_id);
	s = stmt_step(st, e);
	if (s == STORE_ROW)
		v = stmt_int(st, 0) + 1;
	stmt_done(st);
	if (s != STORE_ROW || !(st = store_prepare(db, sql_notice_add, e)))
		goto fail;
	stmt_bind_int(st, 1, community_id);
	stmt_bind_int(st, 2, v);
	stmt_bind_text(st, 3, text, SIZE_MAX);
	stmt_bind_text(st, 4, effective_date, SIZE_MAX);
	if (who && who->id)
		stmt_bind_int(st, 5, who->id);
	else
		stmt_bind_null(st, 5);
	bind_opt(st, 6, who ? who->name : NULL);
	stmt_bind_int(st, 7, time_now());
	snprintf(detail, sizeof(detail), "version %lld", (long long)v);
	if (stmt_exec(st, e) < 0 ||
	    audit(db, who, "privacy.notice", 0, community_id, detail, e) < 0 ||
	    store_commit(db, e) < 0)
		goto fail;
	*out = v;
	return 0;
fail:
	store_rollback(db);
	return -1;
}

int privacy_purpose_add(struct store *db, int64_t community_id, const char *code, const char *label,
                        bool sensitive, struct err *e)
{
	struct stmt *st;
	size_t n = code ? strlen(code) : 0;
	int64_t count = 0;
	int s;
	if (n < 2 || n > 30 || strspn(code, "abcdefghijklmnopqrstuvwxyz_") != n)
		return err_set(e, ERR_INVALID, "code", "code must be 2 to 30 of a-z and _");
	for (size_t i = 0; i < NPURPOSES; i++)
		if (!strcmp(builtin_purposes[i].code, code))
			return err_set(e, ERR_CONFLICT, "code", "%s is a built-in purpose", code);
	if (!text_ok(label, PRIVACY_LABEL_MAX, false))
		return err_set(e, ERR_INVALID, "label", "label must be 1 to %d characters",
		               PRIVACY_LABEL_MAX);
	if (store_begin(db, e) < 0)
		return -1;
	if (!(st = store_prepare(db, sql_purpose_count, e)))
		goto fail;
	stmt_bind_int(st, 1, community_id);
	s = stmt_step(st, e);
	if (s == STORE_ROW)
		count = stmt_int(st, 0);
	stmt_done(st);
	if (s != STORE_ROW)
		goto fail;
	if (count >= PRIVACY_PURPOSES_MAX) {
		err_set(e, ERR_INVALID, "code", "at most %d purposes of one's own",
		        PRIVACY_PURPOSES_MAX);
		goto fail;
	}
	if (!(st = store_prepare(db, sql_purpose_add, e)))
		goto fail;
	stmt_bind_int(st, 1, community_id);
	stmt_bind_text(st, 2, code, SIZE_MAX);
	stmt_bind_text(st, 3, label, SIZE_MAX);
	stmt_bind_int(st, 4, sensitive ? 1 : 0);
	if (stmt_exec(st, e) < 0) {
		if (e->code == ERR_CONFLICT) {
			err_clear(e);
			err_set(e, ERR_CONFLICT, "code", "the community already has purpose %s",
			        code);
		}
		goto fail;
	}
	if (store_commit(db, e) < 0)
		goto fail;
	return 0;
fail:
	store_rollback(db);
	return -1;
}

int privacy_category_set(struct store *db, int64_t community_id, const struct privacy_category *c,
                         struct err *e)
{
	struct stmt *st;
	if (!privacy_category_ok(c->category))
		return err_set(e, ERR_INVALID, "category",
		               "category must be identity, contact, household, care_needs, "
		               "ownership, visits, consent or account");
	if (!privacy_basis_ok(c->lawful_basis))
		return err_set(e, ERR_INVALID, "lawful_basis",
		               "lawful_basis must be consent, legal_duty, emergency or contract");
	if (c->retention_days < -1 || c->retention_days == 0 ||
	    c->retention_days > PRIVACY_RETENTION_DAYS_MAX)
		return err_set(e, ERR_INVALID, "retention_days",
		               "retention_days must be 1 to %d, or null (indefinite)",
		               PRIVACY_RETENTION_DAYS_MAX);
	if (!one_of(c->retention_from, froms))
		return err_set(e, ERR_INVALID, "retention_from",
		               "retention_from must be moved_out, event or last_activity");
	if (c->reason && *c->reason && !text_ok(c->reason, PRIVACY_REASON_MAX, false))
		return err_set(e, ERR_INVALID, "reason", "reason must be at most %d characters",
		               PRIVACY_REASON_MAX);
	if (c->retention_days < 0 && (!c->reason || !*c->reason))
		return err_set(e, ERR_INVALID, "reason",
		               "an indefinite retention needs a reason (PIPL art. 19)");
	if (!(st = store_prepare(db, sql_category_set, e)))
		return -1;
	stmt_bind_int(st, 1, community_id);
	stmt_bind_text(st, 2, c->category, SIZE_MAX);
	stmt_bind_text(st, 3, c->lawful_basis, SIZE_MAX);
	if (c->retention_days < 0)
		stmt_bind_null(st, 4);
	else
		stmt_bind_int(st, 4, c->retention_days);
	stmt_bind_text(st, 5, c->retention_from, SIZE_MAX);
	bind_opt(st, 6, c->reason);
	stmt_bind_int(st, 7, time_now());
	return stmt_exec(st, e);
}

/* ---- consents ---- */

static const char sql_consent_add[] =
    "INSERT INTO consents (community_id, resident_id, purpose, sensitive, notice_version,"
    " given_at, method, evidence, recorded_by, recorded_by_name, guardian_resident_id,"
    " guardian_name, guardian_relation, created_at)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id";
static const char sql_consent_withdraw[] =
    "UPDATE consents SET withdrawn_at = ?, withdrawn_method = ?, withdrawn_note = ?,"
    " withdrawn_by = ?, withdrawn_by_name = ? WHERE id = ? AND resident_id = ?"
    " AND community_id = ? AND withdrawn_at IS NULL";
static const char sql_consent_exists[] =
    "SELECT withdrawn_at IS NOT NULL FROM consents WHERE id = ? AND resident_id = ?"
    " AND community_id = ?";
#define CONSENT_COLS                                                                               \
	"id, purpose, sensitive, notice_version, given_at, method, evidence, recorded_by,"         \
	" recorded_by_name, guardian_resident_id, guardian_name, guardian_relation, withdrawn_at," \
	" withdrawn_method, withdrawn_note, withdrawn_by, withdrawn_by_name, created_at"
static const char sql_consents[] = "SELECT " CONSENT_COLS " FROM consents WHERE resident_id = ?"
                                   " AND community_id = ? ORDER BY given_at DESC, id DESC";

int privacy_consent_add(struct store *db, int64_t *out, int64_t community_id, int64_t resident_id,
                        const struct consent_input *in, const struct privacy_actor *who,
                        struct err *e)
{
	struct person p, g;
	struct stmt *st;
	bool sensitive = false;
	int64_t now = time_now(), at = in->given_at ? in->given_at : now;
	char on[11];
	int s, age;

	if (store_begin(db, e) < 0)
		return -1;
	if (person_read(db, &p, community_id, resident_id, e) < 0 ||
	    purpose_find(db, &sensitive, community_id, in->purpose, e) < 0)
		goto fail;
	if (in->notice_version <= 0) {
		err_set(e, ERR_INVALID, "notice_version", "notice_version is required");
		goto fail;
	}
	if (!(st = store_prepare(db, sql_notice_one, e)))
		goto fail;
	stmt_bind_int(st, 1, community_id);
	stmt_bind_int(st, 2, in->notice_version);
	s = stmt_step(st, e);
	stmt_done(st);
	if (s < 0)
		goto fail;
	if (s == STORE_DONE) {
		err_set(e, ERR_INVALID, "notice_version",
		        "the community has no notice version %lld", (long long)in->notice_version);
		goto fail;
	}
	if (at < 0 || at > now + 300) {
		err_set(e, ERR_INVALID, "given_at", "given_at must not be in the future");
		goto fail;
	}
	if (!privacy_method_ok(in->method)) {
		err_set(e, ERR_INVALID, "method",
		        "method must be paper, in_person, online or phone");
		goto fail;
	}
	if (in->evidence && *in->evidence && !text_ok(in->evidence, PRIVACY_EVIDENCE_MAX, false)) {
		err_set(e, ERR_INVALID, "evidence", "evidence must be at most %d characters",
		        PRIVACY_EVIDENCE_MAX);
		goto fail;
	}
	if (sensitive && !in->sensitive_notice) {
		err_set(e, ERR_INVALID, "sensitive_notice",
		        "a sensitive purpose needs separate consent after the person was told why "
		        "and with what effect (PIPL arts. 29-30): set sensitive_notice");
		goto fail;
	}
	if (in->guardian_resident_id) {
		if (in->guardian_resident_id == resident_id) {
			err_set(e, ERR_INVALID, "guardian",
			        "a person cannot be their own guardian");
			goto fail;
		}
		if (person_read(db, &g, community_id, in->guardian_resident_id, e) < 0) {
			if (e->code == ERR_NOT_FOUND) {
				err_clear(e);
				err_set(e, ERR_INVALID, "guardian",
				        "the guardian is not a resident of this community");
			}
			goto fail;
		}
	} else if ((in->guardian_name && *in->guardian_name) ||
	           (in->guardian_relation && *in->guardian_relation)) {
		if (!text_ok(in->guardian_name, RESIDENT_NAME_MAX, false) ||
		    !text_ok(in->guardian_relation, 20, false)) {
			err_set(
			    e, ERR_INVALID, "guardian",
			    "a guardian needs both a name (1-%d characters) and a relation (1-20)",
			    RESIDENT_NAME_MAX);
			goto fail;
		}
	}
	china_date(on, at);
	age = privacy_age_on(p.birth, on);
	if (age >= 0 && age < PRIVACY_GUARDIAN_AGE && !in->guardian_resident_id &&
	    !(in->guardian_name && *in->guardian_name)) {
		err_set(e, ERR_INVALID, "guardian",
		        "the person is under %d: a guardian must consent (PIPL art. 31)",
		        PRIVACY_GUARDIAN_AGE);
		goto fail;
	}
	if (!(st = store_prepare(db, sql_consent_add, e)))
		goto fail;
	stmt_bind_int(st, 1, community_id);
	stmt_bind_int(st, 2, resident_id);
	stmt_bind_text(st, 3, in->purpose, SIZE_MAX);
	stmt_bind_int(st, 4, sensitive ? 1 : 0);
	stmt_bind_int(st, 5, in->notice_version);
	stmt_bind_int(st, 6, at);
	stmt_bind_text(st, 7, in->method, SIZE_MAX);
	bind_opt(st, 8, in->evidence);
	if (who && who->id)
		stmt_bind_int(st, 9, who->id);
	else
		stmt_bind_null(st, 9);
	bind_opt(st, 10, who ? who->name : NULL);
	if (in->guardian_resident_id)
		stmt_bind_int(st, 11, in->guardian_resident_id);
	else
		stmt_bind_null(st, 11);
	bind_opt(st, 12, in->guardian_resident_id ? NULL : in->guardian_name);
	bind_opt(st, 13, in->guardian_resident_id ? NULL : in->guardian_relation);
	stmt_bind_int(st, 14, now);
	s = stmt_step(st, e);
	if (s == STORE_ROW)
		*out = stmt_int(st, 0);
	stmt_done(st);
	if (s != STORE_ROW) {
		if (s == STORE_DONE)
			err_set(e, ERR_INTERNAL, NULL, "insert returned no id");
		goto fail;
	}
	if (audit(db, who, "consent.record", resident_id, community_id, in->purpose, e) < 0 ||
	    store_commit(db, e) < 0)
		goto fail;
	return 0;
fail:
	store_rollback(db);
	return -1;
}

int privacy_consent_withdraw(struct store *db, int64_t community_id, int64_t resident_id,
                             int64_t consent_id, const char *method, const char *note,
                             const struct privacy_actor *who, struct err *e)
{
	struct stmt *st;
	int s;
	bool withdrawn = false;
	if (!privacy_method_ok(method))
		return err_set(e, ERR_INVALID, "method",
		               "method must be paper, in_person, online or phone");
	if (note && *note && !text_ok(note, PRIVACY_EVIDENCE_MAX, false))
		return err_set(e, ERR_INVALID, "note", "note must be at most %d characters",
		               PRIVACY_EVIDENCE_MAX);
	if (store_begin(db, e) < 0)
		return -1;
	if (!(st = store_prepare(db, sql_consent_exists, e)))
		goto fail;
	stmt_bind_int(st, 1, consent_id);
	stmt_bind_int(st, 2, resident_id);
	stmt_bind_int(st, 3, community_id);
	s = stmt_step(st, e);
	if (s == STORE_ROW)
		withdrawn = stmt_int(st, 0) != 0;
	stmt_done(st);
	if (s < 0)
		goto fail;
	if (s == STORE_DONE) {
		err_set(e, ERR_NOT_FOUND, NULL, "no such consent");
		goto fail;
	}
	if (withdrawn) {
		err_set(e, ERR_CONFLICT, "consent", "this consent is already withdrawn");
		goto fail;
	}
	if (!(st = store_prepare(db, sql_consent_withdraw, e)))
		goto fail;
	stmt_bind_int(st, 1, time_now());
	stmt_bind_text(st, 2, method, SIZE_MAX);
	bind_opt(st, 3, note);
	if (who && who->id)
		stmt_bind_int(st, 4, who->id);
	else
		stmt_bind_null(st, 4);
	bind_opt(st, 5, who ? who->name : NULL);
	stmt_bind_int(st, 6, consent_id);
	stmt_bind_int(st, 7, resident_id);
	stmt_bind_int(st, 8, community_id);
	if (stmt_exec(st, e) < 0 ||
	    audit(db, who, "consent.withdraw", resident_id, community_id, NULL, e) < 0 ||
	    store_commit(db, e) < 0)
		goto fail;
	return 0;
fail:
	store_rollback(db);
	return -1;
}

static json_t *consent_json(struct stmt *st)
{
	json_t *guardian = json_null();
	if (!stmt_is_null(st, 9)) {
		json_decref(guardian);
		guardian = json_pack("{s:I}", "resident_id", (json_int_t)stmt_int(st, 9));
	} else if (!stmt_is_null(st, 10)) {
		json_decref(guardian);
		guardian = json_pack("{s:s, s:s}", "name", stmt_text(st, 10), "relation",
		                     stmt_text(st, 11));
	}
	return json_pack(
	    "{s:I, s:s, s:b, s:I, s:I, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o,"
	    " s:o, s:s, s:I}",
	    "id", (json_int_t)stmt_int(st, 0), "purpose", stmt_text(st, 1), "sensitive",
	    (int)(stmt_int(st, 2) != 0), "notice_version", (json_int_t)stmt_int(st, 3), "given_at",
	    (json_int_t)stmt_int(st, 4), "method", stmt_text(st, 5), "evidence",
	    text_or_null(st, 6), "recorded_by", int_or_null(st, 7), "recorded_by_name",
	    text_or_null(st, 8), "guardian", guardian, "withdrawn_at", int_or_null(st, 12),
	    "withdrawn_method", text_or_null(st, 13), "withdrawn_note", text_or_null(st, 14),
	    "withdrawn_by", int_or_null(st, 15), "withdrawn_by_name", text_or_null(st, 16), "state",
	    stmt_is_null(st, 12) ? "given" : "withdrawn", "created_at",
	    (json_int_t)stmt_int(st, 17));
}

/* The consent records of a resident, newest first (no existence check). */
static int consent_list(struct store *db, json_t **out, int64_t community_id, int64_t resident_id,
                        struct err *e)
{
	struct stmt *st = store_prepare(db, sql_consents, e);
	json_t *arr;
	int s;
	if (!st)
		return -1;
	stmt_bind_int(st, 1, resident_id);
	stmt_bind_int(st, 2, community_id);
	arr = json_array();
	while ((s = stmt_step(st, e)) == STORE_ROW)
		json_array_append_new(arr, consent_json(st));
	stmt_done(st);
	if (s < 0) {
		json_decref(arr);
		return -1;
	}
	*out = arr;
	return 0;
}

int privacy_consents(struct store *db, json_t **out, int64_t community_id, int64_t resident_id,
                     struct err *e)
{
	struct person p;
	json_t *list, *state, *settings, *purposes, *x;
	size_t i;
	if (person_read(db, &p, community_id, resident_id, e) < 0 ||
	    consent_list(db, &list, community_id, resident_id, e) < 0)
		return -1;
	if (privacy_settings(db, &settings, community_id, e) < 0) {
		json_decref(list);
		return -1;
	}
	state = json_object();
	purposes = json_object_get(settings, "purposes");
	json_array_foreach(purposes, i, x)
	{
		const char *code = json_string_value(json_object_get(x, "code"));
		json_t *latest = NULL, *c;
		size_t j;
		json_array_foreach(
		    list, j, c) if (!strcmp(json_string_value(json_object_get(c, "purpose")), code))
		{
			latest = c; /* newest first */
			break;
		}
		json_object_set_new(
		    state, code,
		    json_pack("{s:s, s:o, s:O, s:O}", "state",
		              latest ? json_string_value(json_object_get(latest, "state")) : "none",
		              "consent_id",
		              latest
		                  ? json_integer(json_integer_value(json_object_get(latest, "id")))
		                  : json_null(),
		              "sensitive", json_object_get(x, "sensitive"), "label",
		              json_object_get(x, "label")));
	}
	{
		char today[11];
		china_date(today, time_now());
		*out = json_pack("{s:o, s:o, s:O, s:I, s:b}", "consents", list, "state", state,
		                 "notices", json_object_get(settings, "notices"), "age",
		                 (json_int_t)privacy_age_on(p.birth, today), "needs_guardian",
		                 privacy_age_on(p.birth, today) >= 0 &&
		                     privacy_age_on(p.birth, today) < PRIVACY_GUARDIAN_AGE);
	}
	json_decref(settings);
	return 0;
}

static const char sql_moved_out[] =
    "UPDATE residents SET moved_out_at = ?, updated_at = ? WHERE id = ? AND community_id = ?";

int privacy_moved_out(struct store *db, int64_t community_id, int64_t resident_id, int64_t at,
                      const struct privacy_actor *who, struct err *e)
{
	struct stmt *st;
	if (at < 0 || at > time_now() + 300)
		return err_set(e, ERR_INVALID, "moved_out_at",
		               "moved_out_at must not be in the future");
	if (store_begin(db, e) < 0)
		return -1;
	if (!(st = store_prepare(db, sql_moved_out, e)))
		goto fail;
	if (at)
		stmt_bind_int(st, 1, at);
	else
		stmt_bind_null(st, 1);
	stmt_bind_int(st, 2, time_now());
	stmt_bind_int(st, 3, resident_id);
	stmt_bind_int(st, 4, community_id);
	if (stmt_exec(st, e) < 0)
		goto fail;
	if (store_changes(db) == 0) {
		err_set(e, ERR_NOT_FOUND, NULL, "no such resident");
		goto fail;
	}
	if (audit(db, who, "resident.moved_out", resident_id, community_id,
	          at ? "moved out" : "back", e) < 0 ||
	    store_commit(db, e) < 0)
		goto fail;
	return 0;
fail:
	store_rollback(db);
	return -1;
}

/* ---- export parts ---- */

static const char sql_moved_col[] =
    "SELECT moved_out_at FROM residents WHERE id = ? AND community_id = ?";
static const char sql_audit_subject[] =
    "SELECT id, at, actor, action, detail FROM audit_log WHERE subject = ? ORDER BY id";

int privacy_resident_part(struct store *db, json_t *out, int64_t community_id, int64_t resident_id,
                          struct err *e)
{
	json_t *r;
	struct stmt *st;
	int s;
	if (resident_get(db, &r, community_id, resident_id, true, e) < 0)
		return -1;
	if (!(st = store_prepare(db, sql_moved_col, e))) {
		json_decref(r);
		return -1;
	}
	stmt_bind_int(st, 1, resident_id);
	stmt_bind_int(st, 2, community_id);
	s = stmt_step(st, e);
	if (s == STORE_ROW)
		json_object_set_new(r, "moved_out_at", int_or_null(st, 0));
	stmt_done(st);
	if (s < 0) {
		json_decref(r);
		return -1;
	}
	json_object_set_new(out, "resident", r);
	return 0;
}

int privacy_consent_part(struct store *db, json_t *out, int64_t community_id, int64_t resident_id,
                         struct err *e)
{
	json_t *list;
	if (consent_list(db, &list, community_id, resident_id, e) < 0)
		return -1;
	json_object_set_new(out, "consents", list);
	return 0;
}

/* Audit entries whose subject is the resident, oldest first. */
static int audit_entries(struct store *db, json_t **out, int64_t resident_id, struct err *e)
{
	struct stmt *st = store_prepare(db, sql_audit_subject, e);
	char subject[48];
	json_t *arr;
	int s;
	if (!st)
		return -1;
	snprintf(subject, sizeof(subject), "resident:%lld", (long long)resident_id);
	stmt_bind_text(st, 1, subject, SIZE_MAX);
	arr = json_array();
	while ((s = stmt_step(st, e)) == STORE_ROW)
		json_array_append_new(
		    arr, json_pack("{s:I, s:I, s:o, s:s, s:o}", "id", (json_int_t)stmt_int(st, 0),
		                   "at", (json_int_t)stmt_int(st, 1), "actor", text_or_null(st, 2),
		                   "action", stmt_text(st, 3), "detail", text_or_null(st, 4)));
	stmt_done(st);
	if (s < 0) {
		json_decref(arr);
		return -1;
	}
	*out = arr;
	return 0;
}

int privacy_audit_part(struct store *db, json_t *out, int64_t community_id, int64_t resident_id,
                       struct err *e)
{
	json_t *arr;
	(void)community_id;
	if (audit_entries(db, &arr, resident_id, e) < 0)
		return -1;
	json_object_set_new(out, "audit", arr);
	return 0;
}

/* ---- the rights ---- */

int privacy_export(struct store *db, json_t **out, int64_t community_id, int64_t resident_id,
                   const struct privacy_actor *who, struct err *e)
{
	struct person p;
	json_t *parts = json_object();
	if (store_begin(db, e) < 0) {
		json_decref(parts);
		return -1;
	}
	if (person_read(db, &p, community_id, resident_id, e) < 0 ||
	    audit(db, who, "resident.pipl_export", resident_id, community_id, NULL, e) < 0)
		goto fail;
	for (size_t i = 0; i < all_person_exports_n; i++)
		if (all_person_exports[i](db, parts, community_id, resident_id, e) < 0)
			goto fail;
	if (store_commit(db, e) < 0)
		goto fail;
	*out = json_pack("{s:I, s:I, s:I, s:s, s:o}", "resident_id", (json_int_t)resident_id,
	                 "community_id", (json_int_t)community_id, "exported_at",
	                 (json_int_t)time_now(), "format", "linli-pipl-export/1", "parts", parts);
	return 0;
fail:
	store_rollback(db);
	json_decref(parts);
	return -1;
}

/* The built-in purpose's name, else its code. */
static const char *purpose_name(const char *code, bool zh)
{
	for (size_t i = 0; i < NPURPOSES; i++)
		if (!strcmp(builtin_purposes[i].code, code))
			return zh ? builtin_purposes[i].zh : builtin_purposes[i].en;
	return code;
}

static const char *basis_zh(const char *b)
{
	return !strcmp(b, "consent")      ? "本人同意"
	       : !strcmp(b, "legal_duty") ? "履行法定职责或义务"
	       : !strcmp(b, "emergency")  ? "应对突发公共卫生事件或紧急情况"
	                                  : "订立、履行合同所必需";
}

static const char *from_zh(const char *f)
{
	return !strcmp(f, "moved_out") ? "迁出后"
	       : !strcmp(f, "event")   ? "事件发生后"
	                               : "最后活动后";
}

static const char *from_en(const char *f)
{
	return !strcmp(f, "moved_out") ? "after moving out"
	       : !strcmp(f, "event")   ? "after the event"
	                               : "after the last activity";
}

int privacy_explain(struct store *db, json_t **out, int64_t community_id, int64_t resident_id,
                    int64_t now, struct err *e)
{
	struct arena a = ARENA_INIT;
	struct person p;
	json_t *cats = NULL, *consents = NULL, *audits = NULL, *reads, *x, *given;
	size_t i;
	char since[11];
	if (person_read(db, &p, community_id, resident_id, e) < 0 ||
	    consent_list(db, &consents, community_id, resident_id, e) < 0 ||
	    audit_entries(db, &audits, resident_id, e) < 0)
		goto fail;
	given = json_object();
	json_array_foreach(consents, i, x)
	{
		const char *pur = json_string_value(json_object_get(x, "purpose"));
		if (!json_object_get(given, pur))
			json_object_set(given, pur, json_object_get(x, "state"));
	}
	reads = json_array();
	json_array_foreach(audits, i, x)
	{
		const char *act = json_string_value(json_object_get(x, "action"));
		if (!strcmp(act, "resident.unmask") || !strcmp(act, "resident.pipl_export"))
			json_array_append(reads, x);
	}
	cats = json_array();
	china_date(since, p.created_at);
	for (size_t k = 0; k < NCATEGORIES; k++) {
		const struct category_def *d = &categories[k];
		struct privacy_category c;
		bool held = false, custom;
		int64_t ends = 0, start = 0;
		const char *name = d->c.category, *state;
		char zh[512], en[512], until[32] = "";
		if (!strcmp(name, "identity") || !strcmp(name, "household"))
			held = strcmp(name, "household") || p.has_dwelling;
		else if (!strcmp(name, "contact"))
			held = p.has_phone;
		else if (!strcmp(name, "consent"))
			held = json_array_size(consents) > 0;
		if (!held)
			continue;
		if (category_get(db, &c, &custom, community_id, name, &a, e) < 0) {
			json_decref(given);
			json_decref(reads);
			goto fail;
		}
		if (!strcmp(c.retention_from, "moved_out"))
			start = p.moved_out_at;
		if (c.retention_days >= 0 && start)
			ends = start + c.retention_days * DAY;
		if (ends)
			china_date(until, ends);
		state = json_string_value(json_object_get(given, d->purpose));
		if (c.retention_days < 0)
			snprintf(zh, sizeof(zh),
			         "%s：用于“%s”，依据为%s，自%s起保存，无限期保存（%s）。", d->zh,
			         purpose_name(d->purpose, true), basis_zh(c.lawful_basis), since,
			         c.reason ? c.reason : "");
		else
			snprintf(zh, sizeof(zh),
			         "%s：用于“%s”，依据为%s，自%s起保存，%s保存%lld天%s%s。", d->zh,
			         purpose_name(d->purpose, true), basis_zh(c.lawful_basis), since,
			         from_zh(c.retention_from), (long long)c.retention_days,
			         ends ? "，至" : "", until);
		if (c.retention_days < 0)
			snprintf(en, sizeof(en),
			         "%s: for %s, on the basis of %s, held since %s, kept "
			         "indefinitely (%s).",
			         d->en, purpose_name(d->purpose, false), c.lawful_basis, since,
			         c.reason ? c.reason : "");
		else
			snprintf(en, sizeof(en),
			         "%s: for %s, on the basis of %s, held since %s, kept %lld "
			         "days %s%s%s.",
			         d->en, purpose_name(d->purpose, false), c.lawful_basis, since,
			         (long long)c.retention_days, from_en(c.retention_from),
			         ends ? ", until " : "", until);
		json_array_append_new(
		    cats,
		    json_pack(
		        "{s:s, s:s, s:s, s:s, s:s, s:I, s:o, s:s, s:o, s:o, s:o, s:b, s:s, s:s}",
		        "category", name, "holds_zh", d->zh, "holds_en", d->en, "purpose",
		        d->purpose, "lawful_basis", c.lawful_basis, "since",
		        (json_int_t)p.created_at, "retention_days",
		        c.retention_days < 0 ? json_null() : json_integer(c.retention_days),
		        "retention_from", c.retention_from, "ends_at",
		        ends ? json_integer(ends) : json_null(), "reason",
		        c.reason ? json_string(c.reason) : json_null(), "consent",
		        state ? json_string(state) : json_null(), "expired", ends && ends <= now,
		        "text_zh", zh, "text_en", en));
	}
	*out =
	    json_pack("{s:I, s:o, s:o, s:o, s:o, s:s, s:s}", "resident_id", (json_int_t)resident_id,
	              "moved_out_at", p.moved_out_at ? json_integer(p.moved_out_at) : json_null(),
	              "categories", cats, "consents", given, "full_reads", reads, "note_zh",
	              "照护、产权、账号等数据由各自模块保存，合并后将一并列出。", "note_en",
	              "Care, ownership and account data are held by their own modules and are "
	              "listed here once merged.");
	json_decref(consents);
	json_decref(audits);
	arena_release(&a);
	return 0;
fail:
	json_decref(cats);
	json_decref(consents);
	json_decref(audits);
	arena_release(&a);
	return -1;
}

static const char sql_erase[] = "DELETE FROM residents WHERE id = ? AND community_id = ?";
static const char sql_erase_consents[] =
    "DELETE FROM consents WHERE resident_id = ? AND community_id = ?";

int privacy_erase(struct store *db, int64_t community_id, int64_t resident_id,
                  const struct privacy_actor *who, struct err *e)
{
	struct stmt *st;
	if (store_begin(db, e) < 0)
		return -1;
	/* the consents go first, by name, in case a backend's FK cascade is off */
	if (!(st = store_prepare(db, sql_erase_consents, e)))
		goto fail;
	stmt_bind_int(st, 1, resident_id);
	stmt_bind_int(st, 2, community_id);
	if (stmt_exec(st, e) < 0 || !(st = store_prepare(db, sql_erase, e)))
		goto fail;
	stmt_bind_int(st, 1, resident_id);
	stmt_bind_int(st, 2, community_id);
	if (stmt_exec(st, e) < 0)
		goto fail;
	if (store_changes(db) == 0) {
		err_set(e, ERR_NOT_FOUND, NULL, "no such resident");
		goto fail;
	}
	if (audit(db, who, "resident.pipl_delete", resident_id, community_id, NULL, e) < 0 ||
	    store_commit(db, e) < 0)
		goto fail;
	return 0;
fail:
	store_rollback(db);
	return -1;
}

const char *privacy_corrected_fields(const struct resident_input *in, struct arena *a)
{
	const struct {
		const char *name;
		bool given;
	} f[] = {
	    {"name", in->name != NULL},
	    {"gender", in->gender != NULL},
	    {"birth_date", in->birth_date != NULL},
	    {"id_number", in->id_number != NULL},
	    {"phone", in->phone != NULL},
	    {"relation", in->relation != NULL},
	    {"residency", in->residency != NULL},
	    {"skills", in->skills != NULL},
	    {"languages", in->languages != NULL},
	    {"dwelling_id", in->dwelling_id > 0 || in->clear_dwelling},
	    {"volunteer_willing", in->volunteer_willing >= 0},
	};
	char buf[256] = "";
	size_t k = 0;
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		if (f[i].given)
			k += (size_t)snprintf(buf + k, sizeof(buf) - k, "%s%s", k ? "," : "",
			                      f[i].name);
	return arena_strdup(a, buf);
}

/* ---- retention ---- */

static const char sql_communities[] =
    "SELECT id FROM communities WHERE id > ? ORDER BY id LIMIT 256";
static const char sql_expired_residents[] =
    "SELECT id FROM residents WHERE community_id = ? AND moved_out_at IS NOT NULL"
    " AND moved_out_at <= ? AND moved_out_at > ? AND id > ? ORDER BY id LIMIT ?";
static const char sql_expired_phones[] =
    "SELECT id FROM residents WHERE community_id = ? AND moved_out_at IS NOT NULL"
    " AND moved_out_at <= ? AND moved_out_at > ? AND phone IS NOT NULL AND id > ? ORDER BY id "
    "LIMIT ?";
static const char sql_expired_dwellings[] =
    "SELECT id FROM residents WHERE community_id = ? AND moved_out_at IS NOT NULL"
    " AND moved_out_at <= ? AND moved_out_at > ? AND dwelling_id IS NOT NULL AND id > ? ORDER BY "
    "id LIMIT ?";
static const char sql_clear_phone[] =
    "UPDATE residents SET phone = NULL, phone_tail = NULL WHERE id = ? AND community_id = ?";
static const char sql_clear_dwelling[] =
    "UPDATE residents SET dwelling_id = NULL WHERE id = ? AND community_id = ?";
static const char sql_expired_visits[] =
    "SELECT COUNT(*) FROM visits WHERE community_id = ? AND visited_at <= ? AND notes <> ''";
static const char sql_anonymise_visits[] =
    "UPDATE visits SET notes = '', follow_up = NULL WHERE community_id = ? AND visited_at <= ?"
    " AND notes <> ''";
static const char sql_expired_consents[] =
    "SELECT id, resident_id FROM consents WHERE community_id = ? AND withdrawn_at IS NOT NULL"
    " AND withdrawn_at <= ? AND withdrawn_at > ? AND id > ? ORDER BY id LIMIT ?";
static const char sql_delete_consent[] = "DELETE FROM consents WHERE id = ?";

/* Ids (at most PRIVACY_BATCH, after `after`) selected by sql for
 * (community, cutoff, floor): clocks that started after floor and at or
 * before cutoff. */
static int ids_of(struct store *db, const char *sql, int64_t community_id, int64_t cutoff,
                  int64_t floor, int64_t after, int64_t *ids, int64_t *second, size_t *n,
                  struct err *e)
{
	struct stmt *st = store_prepare(db, sql, e);
	int s;
	*n = 0;
	if (!st)
		return -1;
	stmt_bind_int(st, 1, community_id);
	stmt_bind_int(st, 2, cutoff);
	stmt_bind_int(st, 3, floor);
	stmt_bind_int(st, 4, after);
	stmt_bind_int(st, 5, PRIVACY_BATCH);
	while ((s = stmt_step(st, e)) == STORE_ROW) {
		ids[*n] = stmt_int(st, 0);
		if (second)
			second[*n] = stmt_int(st, 1);
		(*n)++;
	}
	stmt_done(st);
	return s < 0 ? -1 : 0;
}

static int exec_id(struct store *db, const char *sql, int64_t id, int64_t community_id,
                   struct err *e)
{
	struct stmt *st = store_prepare(db, sql, e);
	if (!st)
		return -1;
	stmt_bind_int(st, 1, id);
	if (community_id)
		stmt_bind_int(st, 2, community_id);
	return stmt_exec(st, e);
}

static const struct privacy_actor retention_actor = {0, "retention", NULL};

/* One kind of per-resident expiry: the rows sql selects at cutoff get
 * action (NULL sql_do: delete the resident), one audit entry each. */
static int expire_residents(struct store *db, int64_t community_id, int64_t cutoff, int64_t floor,
                            const char *sql_sel, const char *sql_do, const char *action, bool dry,
                            FILE *report, int64_t *count, struct err *e)
{
	int64_t ids[PRIVACY_BATCH], after = 0;
	size_t n;
	do {
		if (ids_of(db, sql_sel, community_id, cutoff, floor, after, ids, NULL, &n, e) < 0)
			return -1;
		for (size_t i = 0; i < n; i++) {
			if (report)
				fprintf(report, "%s community %lld resident %lld\n", action,
				        (long long)community_id, (long long)ids[i]);
			(*count)++;
			if (dry)
				continue;
			if (sql_do) {
				if (exec_id(db, sql_do, ids[i], community_id, e) < 0)
					return -1;
			} else {
				if (exec_id(db, sql_erase_consents, ids[i], community_id, e) < 0 ||
				    exec_id(db, sql_erase, ids[i], community_id, e) < 0)
					return -1;
			}
			if (audit(db, &retention_actor, action, ids[i], community_id, NULL, e) < 0)
				return -1;
		}
		if (n)
			after = ids[n - 1];
	} while (n == PRIVACY_BATCH);
	return 0;
}

/* The cutoff of a category: data whose clock started at or before it has
 * expired (start + days * DAY <= now).  false when the category is kept
 * indefinitely. */
static int cutoff_of(struct store *db, bool *applies, int64_t *cutoff, int64_t community_id,
                     const char *category, int64_t now, struct arena *a, struct err *e)
{
	struct privacy_category c;
	if (category_get(db, &c, NULL, community_id, category, a, e) < 0)
		return -1;
	*applies = c.retention_days >= 0;
	*cutoff = now - c.retention_days * DAY;
	return 0;
}

static int retention_community(struct store *db, int64_t community_id, struct retention_counts *rc,
                               int64_t now, bool dry, FILE *report, struct err *e)
{
	struct arena a = ARENA_INIT;
	bool on;
	int64_t cut, id_cut, n = 0;
	int ret = -1;
	struct stmt *st;

	/* identity first: whom it deletes, contact and household need not clear
	 * (a dry run counts alike); they clear the rest, moved out after id_cut */
	if (cutoff_of(db, &on, &cut, community_id, "identity", now, &a, e) < 0 ||
	    (on &&
	     expire_residents(db, community_id, cut, INT64_MIN, sql_expired_residents, NULL,
	                      "retention.delete", dry, report, &rc->residents_deleted, e) < 0))
		goto out;
	id_cut = on ? cut : INT64_MIN;
	if (cutoff_of(db, &on, &cut, community_id, "contact", now, &a, e) < 0 ||
	    (on &&
	     expire_residents(db, community_id, cut, id_cut, sql_expired_phones, sql_clear_phone,
	                      "retention.contact", dry, report, &rc->phones_cleared, e) < 0))
		goto out;
	if (cutoff_of(db, &on, &cut, community_id, "household", now, &a, e) < 0 ||
	    (on && expire_residents(db, community_id, cut, id_cut, sql_expired_dwellings,
	                            sql_clear_dwelling, "retention.household", dry, report,
	                            &rc->dwellings_cleared, e) < 0))
		goto out;
	if (cutoff_of(db, &on, &cut, community_id, "consent", now, &a, e) < 0)
		goto out;
	if (on) {
		int64_t ids[PRIVACY_BATCH], who[PRIVACY_BATCH], after = 0;
		size_t k;
		do {
			if (ids_of(db, sql_expired_consents, community_id, cut, INT64_MIN, after,
			           ids, who, &k, e) < 0)
				goto out;
			for (size_t i = 0; i < k; i++) {
				if (report)
					fprintf(report,
					        "retention.consent community %lld consent %lld\n",
					        (long long)community_id, (long long)ids[i]);
				rc->consents_deleted++;
				if (dry)
					continue;
				if (exec_id(db, sql_delete_consent, ids[i], 0, e) < 0 ||
				    audit(db, &retention_actor, "retention.consent", who[i],
				          community_id, NULL, e) < 0)
					goto out;
			}
			if (k)
				after = ids[k - 1];
		} while (k == PRIVACY_BATCH);
	}
	if (cutoff_of(db, &on, &cut, community_id, "visits", now, &a, e) < 0)
		goto out;
	if (on) {
		int s;
		if (!(st = store_prepare(db, sql_expired_visits, e)))
			goto out;
		stmt_bind_int(st, 1, community_id);
		stmt_bind_int(st, 2, cut);
		s = stmt_step(st, e);
		if (s == STORE_ROW)
			n = stmt_int(st, 0);
		stmt_done(st);
		if (s < 0)
			goto out;
		if (n > 0) {
			char detail[64];
			if (report)
				fprintf(report, "retention.visits community %lld visits %lld\n",
				        (long long)community_id, (long long)n);
			rc->visits_anonymised += n;
			snprintf(detail, sizeof(detail), "%lld visits", (long long)n);
			if (!dry) {
				if (!(st = store_prepare(db, sql_anonymise_visits, e)))
					goto out;
				stmt_bind_int(st, 1, community_id);
				stmt_bind_int(st, 2, cut);
				if (stmt_exec(st, e) < 0 ||
				    audit(db, &retention_actor, "retention.visits", 0, community_id,
				          detail, e) < 0)
					goto out;
			}
		}
	}
	ret = 0;
out:
	arena_release(&a);
	return ret;
}

int privacy_retention_run(struct store *db, struct retention_counts *out, int64_t now, bool dry,
                          FILE *report, struct err *e)
{
	int64_t ids[256], after = 0;
	size_t n;
	memset(out, 0, sizeof(*out));
	do {
		struct stmt *st = store_prepare(db, sql_communities, e);
		int s;
		n = 0;
		if (!st)
			return -1;
		stmt_bind_int(st, 1, after);
		while ((s = stmt_step(st, e)) == STORE_ROW)
			ids[n++] = stmt_int(st, 0);
		stmt_done(st);
		if (s < 0)
			return -1;
		for (size_t i = 0; i < n; i++) {
			after = ids[i];
			if (store_begin(db, e) < 0)
				return -1;
			if (retention_community(db, ids[i], out, now, dry, report, e) < 0) {
				store_rollback(db);
				return -1;
			}
			if (dry)
				store_rollback(db);
			else if (store_commit(db, e) < 0)
				return -1;
		}
	} while (n == sizeof(ids) / sizeof(ids[0]));
	return 0;
}

/* ---- the daily run in `linli serve` ---- */

static pthread_t retention_thread;
static pthread_mutex_t retention_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t retention_wake = PTHREAD_COND_INITIALIZER;
static bool retention_running, retention_stopping;

static void *retention_main(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&retention_lock);
	while (!retention_stopping) {
		struct err e = ERR_INIT;
		struct retention_counts c;
		struct store *db;
		struct timespec until;
		pthread_mutex_unlock(&retention_lock);
		if (!(db = store_thread(&e)) ||
		    privacy_retention_run(db, &c, time_now(), false, NULL, &e) < 0)
			log_error("retention: %s", e.message);
		else if (c.residents_deleted || c.phones_cleared || c.dwellings_cleared ||
		         c.visits_anonymised || c.consents_deleted)
			log_info(
			    "retention: %lld residents deleted, %lld phones and %lld dwellings "
			    "cleared, %lld visits anonymised, %lld consents deleted",
			    (long long)c.residents_deleted, (long long)c.phones_cleared,
			    (long long)c.dwellings_cleared, (long long)c.visits_anonymised,
			    (long long)c.consents_deleted);
		pthread_mutex_lock(&retention_lock);
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += DAY;
		while (!retention_stopping &&
		       pthread_cond_timedwait(&retention_wake, &retention_lock, &until) == 0)
			;
	}
	pthread_mutex_unlock(&retention_lock);
	return NULL;
}

int privacy_retention_start(struct err *e)
{
	retention_stopping = false;
	if (pthread_create(&retention_thread, NULL, retention_main, NULL) != 0)
		return err_set(e, ERR_INTERNAL, NULL, "cannot start the retention thread");
	retention_running = true;
	return 0;
}

void privacy_retention_stop(void)
{
	if (!retention_running)
		return;
	pthread_mutex_lock(&retention_lock);
	retention_stopping = true;
	pthread_cond_signal(&retention_wake);
	pthread_mutex_unlock(&retention_lock);
	pthread_join(retention_thread, NULL);
	retention_running = false;
}

const struct migration privacy_migrations[] = {
    {530, "registry: privacy notices, purposes, categories and consents (PIPL)",
     "CREATE TABLE privacy_notices ("
     " id @id, community_id BIGINT NOT NULL REFERENCES communities(id),"
     " version BIGINT NOT NULL, text TEXT NOT NULL, effective_date TEXT NOT NULL,"
     " created_by BIGINT, created_by_name TEXT, created_at BIGINT NOT NULL,"
     " UNIQUE (community_id, version));"
     "CREATE TABLE privacy_purposes ("
     " id @id, community_id BIGINT NOT NULL REFERENCES communities(id),"
     " code TEXT NOT NULL, label TEXT NOT NULL, sensitive INTEGER NOT NULL DEFAULT 0,"
     " UNIQUE (community_id, code));"
     "CREATE TABLE privacy_categories ("
     " id @id, community_id BIGINT NOT NULL REFERENCES communities(id),"
     " category TEXT NOT NULL, lawful_basis TEXT NOT NULL, retention_days BIGINT,"
     " retention_from TEXT NOT NULL, reason TEXT, updated_at BIGINT NOT NULL,"
     " UNIQUE (community_id, category));"
     "CREATE TABLE consents ("
     " id @id, community_id BIGINT NOT NULL REFERENCES communities(id),"
     " resident_id BIGINT NOT NULL REFERENCES residents(id) ON DELETE CASCADE,"
     " purpose TEXT NOT NULL, sensitive INTEGER NOT NULL DEFAULT 0,"
     " notice_version BIGINT NOT NULL, given_at BIGINT NOT NULL, method TEXT NOT NULL,"
     " evidence TEXT, recorded_by BIGINT, recorded_by_name TEXT,"
     " guardian_resident_id BIGINT REFERENCES residents(id) ON DELETE SET NULL,"
     " guardian_name TEXT, guardian_relation TEXT,"
     " withdrawn_at BIGINT, withdrawn_method TEXT, withdrawn_note TEXT, withdrawn_by BIGINT,"
     " withdrawn_by_name TEXT, created_at BIGINT NOT NULL);"
     "CREATE INDEX consents_resident ON consents (community_id, resident_id, given_at);"
     "CREATE INDEX consents_guardian ON consents (guardian_resident_id);"
     "CREATE INDEX consents_withdrawn ON consents (community_id, withdrawn_at);"},
    {531, "registry: residents' moving-out time (retention)",
     "ALTER TABLE residents ADD COLUMN moved_out_at BIGINT;"
     "CREATE INDEX residents_moved_out ON residents (community_id, moved_out_at);"},
};
const size_t privacy_migrations_n = sizeof(privacy_migrations) / sizeof(privacy_migrations[0]);
