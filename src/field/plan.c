/*
 * plan.c - emergency plans per hazard: templates, the draft, published
 * versions and who fills each role (plan.h).
 *
 * The templates are data compiled in: five roles common to every hazard
 * (总指挥 commander, 联络员 liaison, 楼栋长 building lead, 物资管理员
 * supplies keeper, 医疗救护 first aid), each with a task per phase, plus
 * three tasks proper to the hazard given to the commander, the hazard's
 * own telephone numbers and a gathering point to fill in.  A plan copies
 * its template at creation, so a later change of the templates leaves
 * existing plans as they were.
 */
#include "field/plan.h"

#include "auth/auth.h"
#include "core/timeutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- templates ---- */

struct text2 {
	const char *zh, *en;
};

static const struct {
	const char *code;
	struct text2 name;
	struct text2 tasks[3]; /* before, during, after */
} common_roles[] = {
    {"commander",
     {"总指挥", "Commander"},
     {{"组织制定、宣传和演练本预案", "Organise, explain and drill this plan"},
      {"启动响应,决定疏散或就地避险,向街道报告", "Activate the response; decide evacuation or shelter in place; report to the street office"},
      {"组织复盘,修订预案", "Lead the after-action review and revise the plan"}}},
    {"liaison",
     {"联络员", "Liaison"},
     {{"核对联络树和关爱名单的电话", "Check the phone numbers of the contact tree and the care list"},
      {"按联络树逐级通知,先联系关爱名单上的人", "Call down the contact tree; reach the people on the care list first"},
      {"统计人员情况并上报", "Count everyone and report"}}},
    {"building_lead",
     {"楼栋长", "Building lead"},
     {{"熟悉本楼住户和需要帮助的人", "Know the households of the building and who needs help"},
      {"逐户敲门通知,协助老人和残疾人撤离", "Knock on every door; help older and disabled residents out"},
      {"回访本楼住户,登记损失和需求", "Visit every household again; record damage and needs"}}},
    {"supplies",
     {"物资管理员", "Supplies keeper"},
     {{"检查物资数量和有效期", "Check supply quantities and expiry dates"},
      {"发放物资并登记", "Hand out supplies and record them"},
      {"清点、补充物资", "Count and restock supplies"}}},
    {"medic",
     {"医疗救护", "First aid"},
     {{"准备急救箱,了解慢病居民的用药", "Prepare first-aid kits; know the medicines of residents with chronic illness"},
      {"现场急救,必要时拨打120", "Give first aid; call 120 when needed"},
      {"跟进伤病人员", "Follow up on the injured and the sick"}}},
};

static const struct {
	const char *hazard;
	struct text2 summary;
	struct text2 tasks[3];
	struct text2 point;
	struct text2 phone;
	const char *number;
} hazard_parts[PREP_HAZARDS] = {
    {"flood",
     {"暴雨、内涝和洪水时保护居民生命财产安全。", "Keeping residents and their homes safe in heavy rain, waterlogging and floods."},
     {{"清理排水沟,准备沙袋和抽水泵", "Clear the drains; prepare sandbags and pumps"},
      {"转移地下室、低洼处和一楼的居民,切断地下室电源", "Move residents out of basements, low-lying areas and ground floors; cut the basement power"},
      {"排水消毒,检查房屋和电路安全", "Drain and disinfect; check buildings and wiring are safe"}},
     {"地势较高的集合点(请填写)", "Gathering point on high ground (fill in)"},
     {"防汛值班电话(请填写)", "Flood duty line (fill in)"},
     ""},
    {"fire",
     {"火灾时及时报警、疏散和初期扑救。", "Raising the alarm, evacuating and fighting small fires early."},
     {{"检查消防通道、楼道堆物和灭火器", "Check fire lanes, stairwell clutter and extinguishers"},
      {"拨打119,组织沿楼梯疏散,不乘电梯", "Call 119; evacuate by the stairs, never the lift"},
      {"配合消防调查,安置受灾住户", "Help the fire investigation; house the families affected"}},
     {"楼外空地集合点(请填写)", "Gathering point outside the buildings (fill in)"},
     {"物业消防控制室(请填写)", "Estate fire control room (fill in)"},
     ""},
    {"epidemic",
     {"传染病疫情时的防控和居民生活保障。", "Controlling an epidemic and keeping residents supplied and cared for."},
     {{"建立重点人群台账,储备防护用品", "Keep a list of vulnerable people; stock protective equipment"},
      {"落实防控措施,保障居家人员的生活物资和就医", "Apply control measures; bring food and medical care to people at home"},
      {"公共区域消毒,关心居民心理健康", "Disinfect common areas; look after residents' wellbeing"}},
     {"物资发放点(请填写)", "Supply point (fill in)"},
     {"卫生健康热线", "Health hotline"},
     "12320"},
    {"earthquake",
     {"地震时就近避险和有序疏散。", "Taking cover during an earthquake and evacuating in order."},
     {{"确定空旷的避难场所,固定高处重物", "Choose open shelter areas; secure heavy objects up high"},
      {"震时就近避险,震后有序疏散到避难场所", "Drop, cover and hold on; then evacuate to the shelter area in order"},
      {"排查房屋安全,防范余震", "Check the buildings; beware of aftershocks"}},
     {"应急避难场所(请填写)", "Emergency shelter area (fill in)"},
     {"防震减灾热线", "Earthquake hotline"},
     "12322"},
    {"heat_wave",
     {"高温天气时预防中暑,照顾老人和慢病居民。", "Preventing heat illness in hot weather; caring for older and chronically ill residents."},
     {{"开放纳凉点,准备饮用水和防暑药品", "Open cooling points; stock drinking water and heat medicine"},
      {"每天联系独居老人,提醒中午避免外出", "Call older people living alone every day; advise staying in at midday"},
      {"总结中暑情况,改进纳凉点", "Review cases of heat illness; improve the cooling points"}},
     {"纳凉点(请填写)", "Cooling point (fill in)"},
     {"气象服务热线", "Weather service line"},
     "12121"},
    {"gas_leak",
     {"燃气泄漏时防止爆炸和中毒。", "Preventing explosion and poisoning when gas leaks."},
     {{"宣传燃气安全,检查管道和报警器", "Teach gas safety; check pipes and alarms"},
      {"关闭阀门,开窗通风,严禁明火和开关电器,到室外拨打抢修电话", "Close the valve and open windows; no flames or switches; call for repair from outside"},
      {"经燃气公司检测合格后恢复供气", "Restore gas only after the gas company has checked"}},
     {"上风向集合点(请填写)", "Gathering point upwind (fill in)"},
     {"燃气抢修电话(请填写本地号码)", "Gas emergency line (fill in the local number)"},
     ""},
    {"power_cut",
     {"大面积停电时保障照明、电梯和依赖电力的医疗设备。", "Keeping light, lifts and powered medical devices going in a power cut."},
     {{"登记依赖电力医疗设备的居民,准备应急照明", "List residents who depend on powered medical devices; prepare emergency lighting"},
      {"联系供电公司,检查电梯是否困人", "Call the power company; check the lifts for trapped people"},
      {"检查冰箱里的食品和药品,恢复设备", "Check food and medicines kept cold; restart equipment"}},
     {"应急充电和照明点(请填写)", "Charging and lighting point (fill in)"},
     {"国家电网供电服务热线", "State Grid service line"},
     "95598"},
};

static const struct {
	struct text2 name;
	const char *number;
} common_phones[] = {
    {{"火警", "Fire"}, "119"},
    {{"急救", "Ambulance"}, "120"},
    {{"报警", "Police"}, "110"},
    {{"政务服务便民热线", "Government service hotline"}, "12345"},
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static const char *pick(const struct text2 *t, bool zh)
{
	return zh ? t->zh : t->en;
}

json_t *plan_template_list(void)
{
	json_t *arr = json_array();
	for (int i = 0; i < PREP_HAZARDS; i++)
		json_array_append_new(arr, json_pack("{s:s, s:s, s:s}", "hazard", prep_hazards[i],
		                                     "name_zh", prep_hazard_zh(prep_hazards[i]),
		                                     "name_en", prep_hazard_en(prep_hazards[i])));
	return arr;
}

json_t *plan_template(const char *hazard, const char *lang)
{
	int h = -1;
	for (int i = 0; hazard && i < PREP_HAZARDS; i++)
		if (!strcmp(hazard, hazard_parts[i].hazard))
			h = i;
	if (h < 0 || !lang || (strcmp(lang, "zh") && strcmp(lang, "en")))
		return NULL;
	bool zh = !strcmp(lang, "zh");
	json_t *roles = json_array(), *points = json_array(), *phones = json_array();
	static const char *const phase[3] = {"before", "during", "after"};
	for (size_t r = 0; r < NELEM(common_roles); r++) {
		json_t *tasks = json_object();
		for (int p = 0; p < 3; p++) {
			json_t *list = json_array();
			json_array_append_new(list, json_string(pick(&common_roles[r].tasks[p], zh)));
			if (r == 0) /* the hazard's own tasks go to the commander */
				json_array_append_new(list,
				                      json_string(pick(&hazard_parts[h].tasks[p], zh)));
			json_object_set_new(tasks, phase[p], list);
		}
		json_array_append_new(roles, json_pack("{s:s, s:s, s:s, s:o}", "code",
		                                       common_roles[r].code, "name_zh",
		                                       common_roles[r].name.zh, "name_en",
		                                       common_roles[r].name.en, "tasks", tasks));
	}
	json_array_append_new(points, json_pack("{s:s, s:s, s:i}", "name",
	                                        pick(&hazard_parts[h].point, zh), "location", "",
	                                        "capacity", 0));
	for (size_t i = 0; i < NELEM(common_phones); i++)
		json_array_append_new(phones, json_pack("{s:s, s:s}", "name",
		                                        pick(&common_phones[i].name, zh), "number",
		                                        common_phones[i].number));
	json_array_append_new(phones, json_pack("{s:s, s:s}", "name",
	                                        pick(&hazard_parts[h].phone, zh), "number",
	                                        hazard_parts[h].number));
	char title[160];
	snprintf(title, sizeof(title), zh ? "%s应急预案" : "%s emergency plan",
	         zh ? prep_hazard_zh(hazard) : prep_hazard_en(hazard));
	return json_pack("{s:s, s:s, s:o, s:o, s:o}", "title", title, "summary",
	                 pick(&hazard_parts[h].summary, zh), "roles", roles, "gathering_points",
	                 points, "phones", phones);
}

/* ---- the body ---- */

static bool keys_only(const json_t *o, const char *const *keys, size_t n, const char *path,
                      struct err *e)
{
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)o, k, v)
	{
		size_t i;
		for (i = 0; i < n && strcmp(k, keys[i]); i++)
			;
		if (i == n) {
			char f[64];
			prep_path(f, sizeof(f), "%s%s%s", path, *path ? "." : "", k);
			err_set(e, ERR_INVALID, f, "unknown field %s", k);
			return false;
		}
	}
	return true;
}

/* A string member (absent: "" when empty_ok) checked and copied. */
static json_t *text_at(const json_t *o, const char *key, size_t max, bool empty_ok,
                       const char *path, struct err *e)
{
	char f[64];
	json_t *v = json_object_get(o, key);
	prep_path(f, sizeof(f), "%s%s%s", path, *path ? "." : "", key);
	if (!v && empty_ok)
		return json_string("");
	if (!json_is_string(v)) {
		err_set(e, ERR_INVALID, f, "%s must be text", f);
		return NULL;
	}
	if (prep_text_check(json_string_value(v), max, empty_ok, f, e) < 0)
		return NULL;
	return json_string(json_string_value(v));
}

/* *out: the list member key of o, or NULL when absent (an empty list). */
static int list_at(const json_t **out, const json_t *o, const char *key, size_t max,
                   const char *path, struct err *e)
{
	char f[64];
	json_t *v = json_object_get(o, key);
	prep_path(f, sizeof(f), "%s%s%s", path, *path ? "." : "", key);
	*out = v;
	if (!v)
		return 0;
	if (!json_is_array(v))
		return err_set(e, ERR_INVALID, f, "%s must be a list", f);
	if (json_array_size(v) > max)
		return err_set(e, ERR_INVALID, f, "%s: at most %zu", f, max);
	return 0;
}

static bool code_ok(const char *s)
{
	size_t n = strlen(s);
	if (!n || n > PLAN_ROLE_CODE_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return false;
	return true;
}

static bool number_ok(const char *s)
{
	size_t n = strlen(s);
	if (n > PLAN_PHONE_NUMBER_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || s[i] == '-' || s[i] == '+' || s[i] == ' '))
			return false;
	return true;
}

static json_t *role_check(const json_t *r, const char *path, struct err *e)
{
	static const char *const keys[] = {"code", "name_zh", "name_en", "tasks"};
	static const char *const tkeys[] = {"before", "during", "after"};
	json_t *out = NULL, *code = NULL, *zh = NULL, *en = NULL, *tasks = NULL;
	char f[64], tp[64];
	const json_t *t;

	if (!json_is_object(r)) {
		err_set(e, ERR_INVALID, path, "%s must be an object", path);
		return NULL;
	}
	if (!keys_only(r, keys, 4, path, e) || !(code = text_at(r, "code", 32, false, path, e)))
		goto out;
	if (!code_ok(json_string_value(code))) {
		prep_path(f, sizeof(f), "%s.code", path);
		err_set(e, ERR_INVALID, f, "a role code is 1-32 of a-z 0-9 _");
		goto out;
	}
	if (!(zh = text_at(r, "name_zh", PLAN_ROLE_ZH_MAX, false, path, e)) ||
	    !(en = text_at(r, "name_en", PLAN_ROLE_EN_MAX, true, path, e)))
		goto out;
	t = json_object_get(r, "tasks");
	prep_path(tp, sizeof(tp), "%s.tasks", path);
	if (t && !json_is_object(t)) {
		err_set(e, ERR_INVALID, tp, "%s must be an object", tp);
		goto out;
	}
	if (t && !keys_only(t, tkeys, 3, tp, e))
		goto out;
	tasks = json_object();
	for (int p = 0; p < 3; p++) {
		const json_t *l = NULL;
		json_t *copy = json_array(), *s;
		size_t i;
		if (t && list_at(&l, t, tkeys[p], PLAN_TASKS_MAX, tp, e) < 0) {
			json_decref(copy);
			goto out;
		}
		json_array_foreach((json_t *)l, i, s)
		{
			prep_path(f, sizeof(f), "%s.%s[%zu]", tp, tkeys[p], i);
			if (!json_is_string(s) ||
			    prep_text_check(json_string_value(s), PLAN_TASK_MAX, false, f, e) < 0) {
				err_set(e, ERR_INVALID, f, "a task is text");
				json_decref(copy);
				goto out;
			}
			json_array_append_new(copy, json_string(json_string_value(s)));
		}
		json_object_set_new(tasks, tkeys[p], copy);
	}
	out = json_pack("{s:O, s:O, s:O, s:O}", "code", code, "name_zh", zh, "name_en", en,
	                "tasks", tasks);
out:
	json_decref(code);
	json_decref(zh);
	json_decref(en);
	json_decref(tasks);
	return out;
}

int plan_body_check(json_t **out, const json_t *body, struct err *e)
{
	static const char *const keys[] = {"title", "summary", "roles", "gathering_points",
	                                   "phones"};
	json_t *title = NULL, *summary = NULL, *roles = NULL, *points = NULL, *phones = NULL, *v;
	const json_t *l;
	char f[64];
	size_t i;
	int rc = -1;

	if (!json_is_object(body))
		return err_set(e, ERR_INVALID, "body", "a plan is an object");
	if (!keys_only(body, keys, 5, "", e) ||
	    !(title = text_at(body, "title", PLAN_TITLE_MAX, false, "", e)) ||
	    !(summary = text_at(body, "summary", PLAN_SUMMARY_MAX, true, "", e)))
		goto out;
	roles = json_array();
	points = json_array();
	phones = json_array();
	if (list_at(&l, body, "roles", PLAN_ROLES_MAX, "", e) < 0)
		goto out;
	json_array_foreach((json_t *)l, i, v)
	{
		json_t *r, *other;
		size_t j;
		prep_path(f, sizeof(f), "roles[%zu]", i);
		if (!(r = role_check(v, f, e)))
			goto out;
		json_array_foreach(roles, j, other) if (json_equal(json_object_get(other, "code"),
		                                                  json_object_get(r, "code")))
		{
			prep_path(f, sizeof(f), "roles[%zu].code", i);
			json_decref(r);
			err_set(e, ERR_INVALID, f, "two roles with the code %s",
			        json_string_value(json_object_get(other, "code")));
			goto out;
		}
		json_array_append_new(roles, r);
	}
	if (list_at(&l, body, "gathering_points", PLAN_POINTS_MAX, "", e) < 0)
		goto out;
	json_array_foreach((json_t *)l, i, v)
	{
		static const char *const pk[] = {"name", "location", "capacity"};
		json_t *name = NULL, *loc = NULL, *cap;
		json_int_t c = 0;
		prep_path(f, sizeof(f), "gathering_points[%zu]", i);
		if (!json_is_object(v)) {
			err_set(e, ERR_INVALID, f, "%s must be an object", f);
			goto out;
		}
		if (!keys_only(v, pk, 3, f, e) ||
		    !(name = text_at(v, "name", PLAN_POINT_NAME_MAX, false, f, e)) ||
		    !(loc = text_at(v, "location", PLAN_POINT_LOCATION_MAX, true, f, e))) {
			json_decref(name);
			goto out;
		}
		cap = json_object_get(v, "capacity");
		if (cap && (!json_is_integer(cap) || (c = json_integer_value(cap)) < 0 ||
		            c > PLAN_CAPACITY_MAX)) {
			prep_path(f, sizeof(f), "gathering_points[%zu].capacity", i);
			err_set(e, ERR_INVALID, f, "capacity is a whole number 0-%d",
			        PLAN_CAPACITY_MAX);
			json_decref(name);
			json_decref(loc);
			goto out;
		}
		json_array_append_new(points, json_pack("{s:o, s:o, s:I}", "name", name, "location",
		                                        loc, "capacity", c));
	}
	if (list_at(&l, body, "phones", PLAN_PHONES_MAX, "", e) < 0)
		goto out;
	json_array_foreach((json_t *)l, i, v)
	{
		static const char *const nk[] = {"name", "number"};
		json_t *name = NULL, *num = NULL;
		prep_path(f, sizeof(f), "phones[%zu]", i);
		if (!json_is_object(v)) {
			err_set(e, ERR_INVALID, f, "%s must be an object", f);
			goto out;
		}
		if (!keys_only(v, nk, 2, f, e) ||
		    !(name = text_at(v, "name", PLAN_PHONE_NAME_MAX, false, f, e)) ||
		    !(num = text_at(v, "number", PLAN_PHONE_NUMBER_MAX, true, f, e))) {
			json_decref(name);
			goto out;
		}
		if (!number_ok(json_string_value(num))) {
			prep_path(f, sizeof(f), "phones[%zu].number", i);
			err_set(e, ERR_INVALID, f, "a number has digits, '-', '+' and spaces");
			json_decref(name);
			json_decref(num);
			goto out;
		}
		json_array_append_new(phones, json_pack("{s:o, s:o}", "name", name, "number", num));
	}
	*out = json_pack("{s:O, s:O, s:O, s:O, s:O}", "title", title, "summary", summary, "roles",
	                 roles, "gathering_points", points, "phones", phones);
	rc = 0;
out:
	json_decref(title);
	json_decref(summary);
	json_decref(roles);
	json_decref(points);
	json_decref(phones);
	return rc;
}

/* ---- storage ---- */

static const char sql_exists[] =
    "SELECT id FROM prep_plans WHERE community_id = ? AND hazard = ?";
static const char sql_insert[] =
    "INSERT INTO prep_plans (community_id, hazard, draft, version, created_by, created_at,"
    " updated_at) VALUES (?, ?, ?, 0, ?, ?, ?) RETURNING id";
static const char sql_list[] =
    "SELECT p.id, p.hazard, p.draft, p.version, p.updated_at, v.body, v.published_at"
    " FROM prep_plans p LEFT JOIN prep_plan_versions v ON v.plan_id = p.id"
    " AND v.version = p.version WHERE p.community_id = ?";
static const char sql_one[] =
    "SELECT p.id, p.hazard, p.draft, p.version, p.updated_at, v.body, v.published_at"
    " FROM prep_plans p LEFT JOIN prep_plan_versions v ON v.plan_id = p.id"
    " AND v.version = p.version WHERE p.community_id = ? AND p.id = ?";
static const char sql_versions[] =
    "SELECT v.version, v.published_at, v.publisher_name FROM prep_plan_versions v"
    " JOIN prep_plans p ON p.id = v.plan_id WHERE p.community_id = ? AND v.plan_id = ?"
    " ORDER BY v.version DESC";
static const char sql_version_body[] =
    "SELECT v.body FROM prep_plan_versions v JOIN prep_plans p ON p.id = v.plan_id"
    " WHERE p.community_id = ? AND v.plan_id = ? AND v.version = ?";
static const char sql_roles[] =
    "SELECT role, user_id, user_name, backup_user_id, backup_name FROM prep_plan_roles"
    " WHERE plan_id = ? ORDER BY role";
static const char sql_draft_set[] =
    "UPDATE prep_plans SET draft = ?, updated_at = ? WHERE community_id = ? AND id = ?";
static const char sql_version_add[] =
    "INSERT INTO prep_plan_versions (plan_id, version, body, published_by, publisher_name,"
    " published_at) VALUES (?, ?, ?, ?, ?, ?)";
static const char sql_version_set[] =
    "UPDATE prep_plans SET version = ?, updated_at = ? WHERE id = ?";
static const char sql_role_put[] =
    "INSERT INTO prep_plan_roles (plan_id, role, user_id, user_name, backup_user_id,"
    " backup_name, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (plan_id, role) DO UPDATE SET user_id = excluded.user_id,"
    " user_name = excluded.user_name, backup_user_id = excluded.backup_user_id,"
    " backup_name = excluded.backup_name, updated_at = excluded.updated_at";

static void bind_opt_id(struct stmt *st, int i, int64_t v)
{
	if (v > 0)
		stmt_bind_int(st, i, v);
	else
		stmt_bind_null(st, i);
}

int plan_create(struct store *db, int64_t *out, int64_t community_id, const char *hazard,
                const char *lang, const struct prep_actor *who, struct err *e)
{
	json_t *body;
	char *text = NULL;
	struct stmt *st;
	int64_t now = time_now();
	int rc;

	if (!prep_hazard_valid(hazard))
		return err_set(e, ERR_INVALID, "hazard",
		               "hazard is flood, fire, epidemic, earthquake, heat_wave, gas_leak or "
		               "power_cut");
	if (!(body = plan_template(hazard, lang)))
		return err_set(e, ERR_INVALID, "lang", "lang is zh or en");
	text = json_encode(body, NULL);
	json_decref(body);
	if (store_begin(db, e) < 0)
		goto fail;
	if (!(st = store_prepare(db, sql_exists, e)))
		goto fail;
	stmt_bind_int(st, 1, community_id);
	stmt_bind_text(st, 2, hazard, SIZE_MAX);
	rc = stmt_step(st, e);
	stmt_done(st);
	if (rc == STORE_ROW)
		err_set(e, ERR_CONFLICT, "hazard", "the community has a plan for this hazard");
	if (rc != STORE_DONE)
		goto fail;
	if (!(st = store_prepare(db, sql_insert, e)))
		goto fail;
	stmt_bind_int(st, 1, community_id);
	stmt_bind_text(st, 2, hazard, SIZE_MAX);
	stmt_bind_text(st, 3, text, SIZE_MAX);
	stmt_bind_int(st, 4, who->user_id);
	stmt_bind_int(st, 5, now);
	stmt_bind_int(st, 6, now);
	rc = stmt_step(st, e);
	if (rc == STORE_ROW)
		*out = stmt_int(st, 0);
	stmt_done(st);
	if (rc != STORE_ROW ||
	    audit_append(db, who->user_id, who->name, "prep.plan.create", hazard, community_id,
	                 who->ip, NULL, e) < 0 ||
	    store_commit(db, e) < 0)
		goto fail;
	free(text);
	return 0;
fail:
	store_rollback(db);
	free(text);
	return -1;
}

static json_t *parse(const char *text)
{
	json_t *v = *text ? json_loads(text, 0, NULL) : NULL;
	return v ? v : json_null();
}

/* Assignments of plan_id as [{"role",...}] (all roles stored). */
static int roles_load(struct store *db, json_t **out, int64_t plan_id, struct err *e)
{
	struct stmt *st = store_prepare(db, sql_roles, e);
	json_t *arr;
	int rc;
	if (!st)
		return -1;
	stmt_bind_int(st, 1, plan_id);
	arr = json_array();
	while ((rc = stmt_step(st, e)) == STORE_ROW) {
		json_t *a = json_pack("{s:s, s:s, s:s}", "role", stmt_text(st, 0), "name",
		                      stmt_text(st, 2), "backup_name", stmt_text(st, 4));
		json_object_set_new(a, "user_id",
		                    stmt_is_null(st, 1) ? json_null() : json_integer(stmt_int(st, 1)));
		json_object_set_new(a, "backup_user_id",
		                    stmt_is_null(st, 3) ? json_null() : json_integer(stmt_int(st, 3)));
		json_array_append_new(arr, a);
	}
	stmt_done(st);
	if (rc < 0) {
		json_decref(arr);
		return -1;
	}
	*out = arr;
	return 0;
}

/* The assignments of the roles in body (others dropped) and the gaps:
 * roles with nobody, or with nobody as backup. */
static void roles_match(const json_t *body, const json_t *all, json_t **assigned, json_t **gaps)
{
	json_t *r, *a;
	size_t i, j;
	*assigned = json_array();
	*gaps = json_array();
	json_array_foreach(json_object_get(body, "roles"), i, r)
	{
		const char *code = json_string_value(json_object_get(r, "code"));
		json_t *found = NULL;
		json_array_foreach((json_t *)all, j, a) if (!strcmp(
		    code, json_string_value(json_object_get(a, "role")))) found = a;
		if (found)
			json_array_append(*assigned, found);
		if (!found || json_is_null(json_object_get(found, "user_id")))
			json_array_append_new(*gaps, json_pack("{s:s, s:s}", "role", code, "missing",
			                                       "person"));
		else if (json_is_null(json_object_get(found, "backup_user_id")))
			json_array_append_new(*gaps, json_pack("{s:s, s:s}", "role", code, "missing",
			                                       "backup"));
	}
}

static json_t *row_summary(struct stmt *st)
{
	const char *hazard = stmt_text(st, 1);
	json_t *v = json_pack("{s:I, s:s, s:s, s:s, s:I, s:I, s:b}", "id",
	                      (json_int_t)stmt_int(st, 0), "hazard", hazard, "name_zh",
	                      prep_hazard_zh(hazard) ? prep_hazard_zh(hazard) : hazard, "name_en",
	                      prep_hazard_en(hazard) ? prep_hazard_en(hazard) : hazard, "version",
	                      (json_int_t)stmt_int(st, 3), "updated_at",
	                      (json_int_t)stmt_int(st, 4), "draft_changed",
	                      stmt_is_null(st, 5) || strcmp(stmt_text(st, 2), stmt_text(st, 5)));
	json_object_set_new(v, "published_at",
	                    stmt_is_null(st, 6) ? json_null() : json_integer(stmt_int(st, 6)));
	return v;
}

static int hazard_rank(const char *h)
{
	for (int i = 0; i < PREP_HAZARDS; i++)
		if (!strcmp(h, prep_hazards[i]))
			return i;
	return PREP_HAZARDS;
}

static int by_hazard(const void *a, const void *b)
{
	json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	return hazard_rank(json_string_value(json_object_get(x, "hazard"))) -
	       hazard_rank(json_string_value(json_object_get(y, "hazard")));
}

int plan_list(struct store *db, json_t **out, int64_t community_id, struct err *e)
{
	struct stmt *st = store_prepare(db, sql_list, e);
	json_t *rows[PREP_HAZARDS + 1], *bodies[PREP_HAZARDS + 1], *arr;
	size_t n = 0;
	int rc;
	if (!st)
		return -1;
	stmt_bind_int(st, 1, community_id);
	while ((rc = stmt_step(st, e)) == STORE_ROW && n < PREP_HAZARDS + 1) {
		rows[n] = row_summary(st);
		bodies[n] = parse(stmt_is_null(st, 5) ? stmt_text(st, 2) : stmt_text(st, 5));
		n++;
	}
	stmt_done(st);
	for (size_t i = 0; rc >= 0 && i < n; i++) {
		json_t *all = NULL, *assigned, *gaps;
		if ((rc = roles_load(db, &all, json_integer_value(json_object_get(rows[i], "id")),
		                     e)) < 0)
			break;
		roles_match(bodies[i], all, &assigned, &gaps);
		json_object_set_new(rows[i], "title",
		                    json_copy(json_object_get(bodies[i], "title")));
		json_object_set_new(rows[i], "roles",
		                    json_integer((json_int_t)json_array_size(
		                        json_object_get(bodies[i], "roles"))));
		json_object_set_new(rows[i], "gaps", gaps);
		json_decref(assigned);
		json_decref(all);
	}
	arr = json_array();
	if (n > 1) {
		/* sort rows and bodies together: rows carry what is needed */
		qsort(rows, n, sizeof(rows[0]), by_hazard);
	}
	for (size_t i = 0; i < n; i++) {
		json_array_append_new(arr, rows[i]);
		json_decref(bodies[i]);
	}
	if (rc < 0) {
		json_decref(arr);
		return -1;
	}
	*out = json_pack("{s:o}", "plans", arr);
	return 0;
}

int plan_get(struct store *db, json_t **out, int64_t community_id, int64_t plan_id,
             bool with_draft, struct err *e)
{
	struct stmt *st = store_prepare(db, sql_one, e);
	json_t *v = NULL, *draft = NULL, *published = NULL, *versions, *all = NULL, *assigned,
	       *gaps;
	int rc;
	if (!st)
		return -1;
	stmt_bind_int(st, 1, community_id);
	stmt_bind_int(st, 2, plan_id);
	rc = stmt_step(st, e);
	if (rc == STORE_ROW) {
		v = row_summary(st);
		draft = parse(stmt_text(st, 2));
		published = stmt_is_null(st, 5) ? json_null() : parse(stmt_text(st, 5));
	}
	stmt_done(st);
	if (rc == STORE_DONE)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such plan");
	if (rc < 0)
		return -1;
	versions = json_array();
	if (!(st = store_prepare(db, sql_versions, e)))
		goto fail;
	stmt_bind_int(st, 1, community_id);
	stmt_bind_int(st, 2, plan_id);
	while ((rc = stmt_step(st, e)) == STORE_ROW)
		json_array_append_new(versions, json_pack("{s:I, s:I, s:s}", "version",
		                                          (json_int_t)stmt_int(st, 0),
		                                          "published_at",
		                                          (json_int_t)stmt_int(st, 1), "by",
		                                          stmt_text(st, 2)));
	stmt_done(st);
	if (rc < 0 || roles_load(db, &all, plan_id, e) < 0)
		goto fail;
	/* Assignments follow the roles of what the reader sees. */
	roles_match(with_draft || json_is_null(published) ? draft : published, all, &assigned,
	            &gaps);
	json_object_set_new(v, "title",
	                    json_copy(json_object_get(json_is_null(published) ? draft : published,
	                                              "title")));
	json_object_set_new(v, "published", published);
	if (with_draft)
		json_object_set_new(v, "draft", draft);
	else
		json_decref(draft);
	json_object_set_new(v, "versions", versions);
	json_object_set_new(v, "assignments", assigned);
	json_object_set_new(v, "gaps", gaps);
	json_decref(all);
	*out = v;
	return 0;
fail:
	json_decref(v);
	json_decref(draft);
	json_decref(published);
	json_decref(versions);
	return -1;
}

int plan_version_get(struct store *db, json_t **out, int64_t community_id, int64_t plan_id,
                     int64_t version, struct err *e)
{
	struct stmt *st = store_prepare(db, sql_version_body, e);
	int rc;
	if (!st)
		return -1;
	stmt_bind_int(st, 1, community_id);
	stmt_bind_int(st, 2, plan_id);
	stmt_bind_int(st, 3, version);
	rc = stmt_step(st, e);
	if (rc == STORE_ROW)
		*out = parse(stmt_text(st, 0));
	stmt_done(st);
	if (rc == STORE_DONE)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such version");
	return rc < 0 ? -1 : 0;
}

/* Loads draft text, version and the latest body inside a transaction. */
static int load_for_write(struct store *db, int64_t community_id, int64_t plan_id, char **draft,
                          int64_t *version, char **latest, struct err *e)
{
	struct stmt *st = store_prepare(db, sql_one, e);
	int rc;
	if (!st)
		return -1;
	stmt_bind_int(st, 1, community_id);
	stmt_bind_int(st, 2, plan_id);
	rc = stmt_step(st, e);
	if (rc == STORE_ROW) {
		*draft = xstrdup(stmt_text(st, 2));
		*version = stmt_int(st, 3);
		*latest = stmt_is_null(st, 5) ? NULL : xstrdup(stmt_text(st, 5));
	}
	stmt_done(st);
	if (rc == STORE_DONE)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such plan");
	return rc < 0 ? -1 : 0;
}

int plan_draft_put(struct store *db, int64_t community_id, int64_t plan_id, const json_t *body,
                   const struct prep_actor *who, struct err *e)
{
	json_t *clean = NULL;
	char *text = NULL, *draft = NULL, *latest = NULL;
	int64_t version = 0;
	struct stmt *st;
	(void)who;
	if (plan_body_check(&clean, body, e) < 0)
		return -1;
	text = json_encode(clean, NULL);
	json_decref(clean);
	if (store_begin(db, e) < 0 ||
	    load_for_write(db, community_id, plan_id, &draft, &version, &latest, e) < 0 ||
	    !(st = store_prepare(db, sql_draft_set, e)))
		goto fail;
	stmt_bind_text(st, 1, text, SIZE_MAX);
	stmt_bind_int(st, 2, time_now());
	stmt_bind_int(st, 3, community_id);
	stmt_bind_int(st, 4, plan_id);
	if (stmt_exec(st, e) < 0 || store_commit(db, e) < 0)
		goto fail;
	free(text);
	free(draft);
	free(latest);
	return 0;
fail:
	store_rollback(db);
	free(text);
	free(draft);
	free(latest);
	return -1;
}

int plan_publish(struct store *db, int64_t *out, int64_t community_id, int64_t plan_id,
                 const struct prep_actor *who, struct err *e)
{
	char *draft = NULL, *latest = NULL, detail[64];
	int64_t version = 0, now = time_now();
	struct stmt *st;
	if (store_begin(db, e) < 0 ||
	    load_for_write(db, community_id, plan_id, &draft, &version, &latest, e) < 0)
		goto fail;
	if (latest && !strcmp(latest, draft)) {
		err_set(e, ERR_CONFLICT, "draft", "the draft is the published version already");
		goto fail;
	}
	if (!(st = store_prepare(db, sql_version_add, e)))
		goto fail;
	stmt_bind_int(st, 1, plan_id);
	stmt_bind_int(st, 2, version + 1);
	stmt_bind_text(st, 3, draft, SIZE_MAX);
	stmt_bind_int(st, 4, who->user_id);
	stmt_bind_text(st, 5, who->name ? who->name : "", SIZE_MAX);
	stmt_bind_int(st, 6, now);
	if (stmt_exec(st, e) < 0 || !(st = store_prepare(db, sql_version_set, e)))
		goto fail;
	stmt_bind_int(st, 1, version + 1);
	stmt_bind_int(st, 2, now);
	stmt_bind_int(st, 3, plan_id);
	snprintf(detail, sizeof(detail), "plan %lld version %lld", (long long)plan_id,
	         (long long)(version + 1));
	if (stmt_exec(st, e) < 0 ||
	    audit_append(db, who->user_id, who->name, "prep.plan.publish", detail, community_id,
	                 who->ip, NULL, e) < 0 ||
	    store_commit(db, e) < 0)
		goto fail;
	*out = version + 1;
	free(draft);
	free(latest);
	return 0;
fail:
	store_rollback(db);
	free(draft);
	free(latest);
	return -1;
}

int plan_assign(struct store *db, int64_t community_id, int64_t plan_id,
                const struct plan_assignment *a, const struct prep_actor *who, struct err *e)
{
	char *draft = NULL, *latest = NULL, detail[128];
	int64_t version = 0;
	json_t *body = NULL, *r;
	bool found = false;
	size_t i;
	struct stmt *st;

	if (a->backup_user_id > 0 && a->backup_user_id == a->user_id)
		return err_set(e, ERR_INVALID, "backup_user_id", "the backup is someone else");
	if (store_begin(db, e) < 0 ||
	    load_for_write(db, community_id, plan_id, &draft, &version, &latest, e) < 0)
		goto fail;
	body = parse(draft);
	json_array_foreach(json_object_get(body, "roles"), i, r) if (!strcmp(
	    a->role, json_string_value(json_object_get(r, "code")))) found = true;
	if (!found) {
		err_set(e, ERR_INVALID, "role", "the plan has no role %s", a->role);
		goto fail;
	}
	if (!(st = store_prepare(db, sql_role_put, e)))
		goto fail;
	stmt_bind_int(st, 1, plan_id);
	stmt_bind_text(st, 2, a->role, SIZE_MAX);
	bind_opt_id(st, 3, a->user_id);
	stmt_bind_text(st, 4, a->user_id > 0 && a->name ? a->name : "", SIZE_MAX);
	bind_opt_id(st, 5, a->backup_user_id);
	stmt_bind_text(st, 6, a->backup_user_id > 0 && a->backup_name ? a->backup_name : "",
	               SIZE_MAX);
	stmt_bind_int(st, 7, time_now());
	snprintf(detail, sizeof(detail), "plan %lld role %s user %lld backup %lld",
	         (long long)plan_id, a->role, (long long)a->user_id, (long long)a->backup_user_id);
	if (stmt_exec(st, e) < 0 ||
	    audit_append(db, who->user_id, who->name, "prep.plan.assign", detail, community_id,
	                 who->ip, NULL, e) < 0 ||
	    store_commit(db, e) < 0)
		goto fail;
	json_decref(body);
	free(draft);
	free(latest);
	return 0;
fail:
	store_rollback(db);
	json_decref(body);
	free(draft);
	free(latest);
	return -1;
}

const struct migration plan_migrations[] = {
    {910, "field: emergency plans, their published versions and role assignments",
     "CREATE TABLE prep_plans ("
     " id @id, community_id BIGINT NOT NULL, hazard TEXT NOT NULL, draft TEXT NOT NULL,"
     " version BIGINT NOT NULL, created_by BIGINT NOT NULL, created_at BIGINT NOT NULL,"
     " updated_at BIGINT NOT NULL, UNIQUE (community_id, hazard));"
     "CREATE TABLE prep_plan_versions ("
     " plan_id BIGINT NOT NULL REFERENCES prep_plans(id), version BIGINT NOT NULL,"
     " body TEXT NOT NULL, published_by BIGINT NOT NULL, publisher_name TEXT NOT NULL,"
     " published_at BIGINT NOT NULL, PRIMARY KEY (plan_id, version));"
     "CREATE TABLE prep_plan_roles ("
     " plan_id BIGINT NOT NULL REFERENCES prep_plans(id), role TEXT NOT NULL,"
     " user_id BIGINT, user_name TEXT NOT NULL, backup_user_id BIGINT,"
     " backup_name TEXT NOT NULL, updated_at BIGINT NOT NULL, PRIMARY KEY (plan_id, role));"},
};
const size_t plan_migrations_n = sizeof(plan_migrations) / sizeof(plan_migrations[0]);
