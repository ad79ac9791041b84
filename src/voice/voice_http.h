/* voice_http.h - the routes of the New networks pillar (src/voice/). */
#ifndef LINLI_VOICE_VOICE_HTTP_H
#define LINLI_VOICE_VOICE_HTTP_H

#include "http/http.h"
#include "registry/structure.h"

extern const struct route_table round_routes;
extern const struct route_table conversation_routes;
extern const struct route_table topic_routes;
extern const struct route_table ownervote_routes;
extern const struct route_table notice_routes;
extern const struct route_table survey_routes;

enum voice_access {
	VOICE_MEMBER,  /* any grant in the community (auth_member_of) */
	VOICE_CHANGER, /* admin, the street's officer, the community's worker */
};

/*
 * Loads r->param[0] into *c as a community the caller may take part in:
 * ERR_NOT_FOUND when it does not exist or the caller is no member (another
 * community's id is a 404), ERR_FORBIDDEN when need is VOICE_CHANGER and
 * the caller may not change it.  Strings of *c are in r->arena.
 */
int voice_open_community(struct req *r, struct community *c, enum voice_access need, struct err *e);

#endif
