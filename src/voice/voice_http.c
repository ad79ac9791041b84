/*
 * voice_http.c - what the New networks handlers share: opening the
 * community a request names, with the membership check.
 */
#include "voice/voice_http.h"

#include "auth/auth.h"

int voice_open_community(struct req *r, struct community *c, enum voice_access need, struct err *e)
{
	if (structure_community_get(r->db, c, r->param[0], &r->arena, e) < 0)
		return -1;
	if (!auth_member_of(r->user, c->id, c->street_id)) {
		err_clear(e);
		return err_set(e, ERR_NOT_FOUND, NULL, "no such community");
	}
	if (need == VOICE_CHANGER && !auth_changes_community(r->user, c->id, c->street_id))
		return err_set(e, ERR_FORBIDDEN, NULL, "only community workers do this");
	return 0;
}
