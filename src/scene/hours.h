/*
 * hours.h - service hours, their confirmation, certificates and the export
 * for volunteer platforms (issue 5, item 4).
 *
 * Hours of a sign-up are the minutes from check-in to check-out
 * (checkin.h).  They count only once confirmed by the post's leader: a
 * coordinator (admin, street officer, community worker) or the user named
 * leader of the post (post_requirements.leader_user_id).  Totals are
 * exact integers of minutes; hours are shown as minutes / 60 with two
 * decimals, rounded down.
 *
 * A certificate (志愿服务记录证明) follows the Ministry of Civil Affairs
 * rules on volunteer service records and certificates (志愿服务记录与证明出具
 * 办法): the volunteer's name, ID type and number (masked), the organisation
 * that recorded the service, what the service was (scenes and posts), its
 * period, the hours, the certificate number, the issuing organisation and
 * the date.  Numbers run per community and year of issue: LL-2026-0001,
 * LL-2026-0002, ...  The hours on a certificate are frozen when it is
 * issued (a later confirmation does not change a certificate already
 * printed).
 */
#ifndef LINLI_SCENE_HOURS_H
#define LINLI_SCENE_HOURS_H

#include "core/err.h"
#include "core/json.h"
#include "core/strbuf.h"
#include "scene/signup.h"
#include "store/store.h"

#include <stdbool.h>
#include <stdint.h>

/* "H.MM" hours of minutes (rounded down to the hundredth) into out. */
void hours_text(char out[24], int64_t minutes);

/* Sets a post's requirements: insurance (sign-ups need cover) and the
 * leader who confirms hours (0: none; must hold a grant in the community,
 * else ERR_NOT_FOUND field "leader_user_id"). */
int hours_post_requirements(struct store *db, int64_t community_id, int64_t post_id,
			    bool insurance, int64_t leader_user_id, struct err *e);
/* {"insurance", "leader_user_id"} of a post (defaults when none set). */
int hours_post_requirements_get(struct store *db, json_t **out, int64_t community_id,
				int64_t post_id, struct err *e);

/* Whether user_id leads the post of the sign-up's shift. */
int hours_is_leader(struct store *db, bool *out, int64_t community_id, int64_t signup_id,
		    int64_t user_id, struct err *e);

/* Confirms the hours of a checked-out sign-up (ERR_CONFLICT when not
 * checked out or already confirmed).  Audited ("hours.confirm"). */
int hours_confirm(struct store *db, int64_t community_id, int64_t signup_id, int64_t now,
		  const struct vol_actor *who, struct err *e);

/* A volunteer's year (local calendar): {"year", "minutes", "hours",
 * "months": [12 minute totals], "records": [{signup_id, date, post, scene,
 * start, end, minutes, confirmed}], "unconfirmed_minutes"}.  Only confirmed
 * records count in the totals. */
int hours_summary(struct store *db, json_t **out, int64_t community_id, int64_t volunteer_id,
		  int64_t year, struct err *e);

/* Issues the next certificate for the volunteer's confirmed hours of
 * service_year; ERR_CONFLICT (field "year") when there are none.  *out
 * gets its id.  Audited ("certificate.issue"). */
int hours_certificate_issue(struct store *db, int64_t *out, int64_t community_id,
			    int64_t volunteer_id, int64_t service_year, int64_t now,
			    const struct vol_actor *who, struct err *e);

/* A certificate's contents (above) for printing. */
int hours_certificate_get(struct store *db, json_t **out, int64_t community_id, int64_t id,
			  struct err *e);

/* The community's confirmed hours of a year as CSV (UTF-8 with BOM) or
 * XLSX, one row per record: 姓名, 证件类型, 证件号码 (masked), 服务日期,
 * 开始时间, 结束时间, 服务时长(小时), 服务项目, 服务组织 - the columns
 * volunteer platforms (志愿汇, 全国志愿服务信息系统) import. */
int hours_export(struct store *db, struct strbuf *out, int64_t community_id, int64_t year,
		 bool xlsx, struct err *e);

#endif
