/*
 * prep_http.h - what the handlers of the preparedness modules share: who
 * may do what (issue 8, item 1, point 7).
 *
 *   PREP_READ    staff who read the community (admin, street officer,
 *                community worker, grid worker, building lead): plans, the
 *                contact tree, the care view, supplies, drills;
 *   PREP_CHANGE  admin, the street's officer, the community worker: every
 *                write.
 * Another community (the caller is no member of it) is 404; a member whose
 * role may not is 403.  Education pages and the household checklist are
 * static pages of the web app and need no route.
 */
#ifndef LINLI_FIELD_PREP_HTTP_H
#define LINLI_FIELD_PREP_HTTP_H

#include "field/prep.h"
#include "http/http.h"
#include "registry/structure.h"

enum prep_access { PREP_READ, PREP_CHANGE };

/* Loads r->param[0] into *c (strings in r->arena) and checks need. */
int prep_open_community(struct req *r, struct community *c, enum prep_access need,
                        struct err *e);
/* The caller as the actor of a write (borrowed for the request). */
struct prep_actor prep_actor_of(struct req *r);
/* May the caller change the community (for "can_edit" in replies)? */
bool prep_can_edit(struct req *r, const struct community *c);
/* *name: the display name of user_id when it is a member of the community
 * as worker, grid worker, building lead or volunteer; else ERR_INVALID
 * naming field.  0 sets *name to NULL. */
int prep_member_name(struct req *r, const char **name, int64_t user_id,
                     const struct community *c, const char *field, struct err *e);

extern const struct route_table plan_routes;
extern const struct route_table contact_routes;
extern const struct route_table supply_routes;
extern const struct route_table drill_routes;

#endif
