/*
 * resident_skill.h - residents' skills in "who can provide X" (谁能提供…),
 * issue 4, item 9.
 *
 * The organisations' offers answer half of the question (org.h); the other
 * half is the people who live here: residents whose skills contain the text
 * asked for, those willing to volunteer first.  They are shown masked, as
 * the minimum a worker needs to go and ask: the surname (mask_name), the
 * skills, and where they live (compound, building, unit, room); never a phone or an
 * ID number.
 */
#ifndef LINLI_REGISTRY_RESIDENT_SKILL_H
#define LINLI_REGISTRY_RESIDENT_SKILL_H

#include "core/err.h"
#include "core/json.h"
#include "store/store.h"

enum { RESIDENT_SKILL_MAX_ROWS = 200 };

/*
 * *out (caller decrefs): a JSON array, at most RESIDENT_SKILL_MAX_ROWS, of
 * {"id", "name" (masked), "skills", "volunteer_willing", "building",
 * "unit", "room", "compound"} (the last four null without a dwelling), for residents
 * of community_id whose skills contain q (ASCII letters in any case; % and
 * _ match themselves; NULL or "": everyone with skills), willing volunteers
 * first, then by id.
 */
int resident_skill_search(struct store *db, json_t **out, int64_t community_id, const char *q,
                          struct err *e);

#endif
