/* structure_http.h - the routes of the community structure. */
#ifndef LINLI_REGISTRY_STRUCTURE_HTTP_H
#define LINLI_REGISTRY_STRUCTURE_HTTP_H

#include "http/http.h"
#include "registry/structure.h"

extern const struct route_table structure_routes;

enum staff_access {
	STAFF_READ,   /* staff who read the community (auth_reads_community) */
	STAFF_CHANGE, /* those who change it (auth_changes_community) */
};

/*
 * Loads r->param[0] into *c as a community the caller may read or change,
 * for the staff-only pages of New resources: ERR_FORBIDDEN for a role that
 * is not staff, ERR_NOT_FOUND when the community does not exist or lies
 * outside the caller's scope, ERR_FORBIDDEN when need is STAFF_CHANGE and
 * the caller may only read.  Strings of *c are in r->arena.
 */
int structure_open_community(struct req *r, struct community *c, enum staff_access need,
			     struct err *e);

#endif
