/*
 * prep_http.c - access and actors for the preparedness handlers
 * (prep_http.h).
 */
#include "field/prep_http.h"

#include "auth/auth.h"
#include "auth/members.h"

int prep_open_community(struct req *r, struct community *c, enum prep_access need,
                        struct err *e)
{
	if (structure_community_get(r->db, c, r->param[0], &r->arena, e) < 0)
		return -1;
	if (!auth_member_of(r->user, c->id, c->street_id)) {
		err_clear(e);
		return err_set(e, ERR_NOT_FOUND, NULL, "no such community");
	}
	if (!auth_reads_community(r->user, c->id, c->street_id))
		return err_set(e, ERR_FORBIDDEN, NULL,
		               "emergency plans are for the committee, grid workers and leads");
	if (need == PREP_CHANGE && !auth_changes_community(r->user, c->id, c->street_id))
		return err_set(e, ERR_FORBIDDEN, NULL, "only community workers change this");
	return 0;
}

struct prep_actor prep_actor_of(struct req *r)
{
	const char *d = r->user->display_name;
	struct prep_actor a = {r->user->user_id, d && *d ? d : r->user->username, r->ip};
	return a;
}

bool prep_can_edit(struct req *r, const struct community *c)
{
	return auth_changes_community(r->user, c->id, c->street_id);
}

int prep_member_name(struct req *r, const char **name, int64_t user_id,
                     const struct community *c, const char *field, struct err *e)
{
	unsigned roles = AUTH_ROLE_BIT(ROLE_WORKER) | AUTH_ROLE_BIT(ROLE_GRID) |
	                 AUTH_ROLE_BIT(ROLE_LEAD) | AUTH_ROLE_BIT(ROLE_VOLUNTEER);
	*name = NULL;
	if (user_id == 0)
		return 0;
	if (auth_member_check(r->db, name, user_id, c->id, roles, &r->arena, e) < 0) {
		if (e->code != ERR_NOT_FOUND)
			return -1;
		err_clear(e);
		return err_set(e, ERR_INVALID, field,
		               "%s is not a worker, grid worker, lead or volunteer here", field);
	}
	return 0;
}
