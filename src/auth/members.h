/*
 * members.h - who holds a grant in a community, for modules that assign
 * people to work (caretakers in care.c), so that they need not read the
 * auth module's tables themselves.
 *
 * Only grants whose node lies in the community count (community, grid or
 * building scope): street officers and platform admins are not listed.
 * Disabled accounts are left out.
 */
#ifndef LINLI_AUTH_MEMBERS_H
#define LINLI_AUTH_MEMBERS_H

#include "auth/auth.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/json.h"
#include "store/store.h"

#include <stdint.h>

/* A set of roles: bit (1u << role). */
#define AUTH_ROLE_BIT(r) (1u << (unsigned)(r))

/* {"users": [{"id","username","display_name","roles":["grid",...]}]}, by
 * display name then id: users holding one of the roles in roles_mask in the
 * community.  *out is a new reference. */
int auth_members(struct store *db, json_t **out, int64_t community_id, unsigned roles_mask,
                 struct err *e);

/* Sets *display_name (copied into a) when user_id holds one of the roles in
 * the community; else ERR_NOT_FOUND. */
int auth_member_check(struct store *db, const char **display_name, int64_t user_id,
                      int64_t community_id, unsigned roles_mask, struct arena *a,
                      struct err *e);

#endif
