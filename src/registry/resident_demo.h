/*
 * resident_demo.h - the demo community's residents (issue 4, item 7).
 *
 * Households for the dwellings of a community, believable for an old
 * Chinese compound: about 88 % of dwellings occupied, 1-5 people each
 * (householder, spouse, children, parents), many elderly (about a fifth over
 * 60, some over 80 living alone), common surnames and given names (one- and
 * two-character given names, so two-character full names such as 王芳
 * occur), synthetic but valid ID numbers (GB 11643 check character, the
 * demo city's region code for 户籍 residents, other provinces' codes for
 * many tenants and floating residents, birth dates that give the age) and
 * mobile numbers, mixed residency, and skills (电工, 护理, 法律, ...) for
 * about one adult in ten, most of them willing to volunteer.
 *
 * Everything goes through resident_add (so the ID numbers and phones are
 * sealed with the keyring set by resident_set_keyring, which must be set),
 * inside one transaction of its own: all the residents or none.
 */
#ifndef LINLI_REGISTRY_RESIDENT_DEMO_H
#define LINLI_REGISTRY_RESIDENT_DEMO_H

#include "core/err.h"
#include "store/store.h"

#include <stdint.h>

/* What a run made. */
struct resident_demo_stats {
	int64_t dwellings, occupied, residents, over60, over80_alone, skilled, willing;
};

/*
 * Fills every dwelling of community_id (by id) with a household or leaves
 * it vacant.  The same seed gives the same residents (the birth dates are
 * counted back from today in China, so the ages stay realistic: the same
 * residents on the same day).  The dwellings must have no residents yet.
 * Returns 0, or -1 with e set (nothing written).
 */
int resident_demo(struct store *db, int64_t community_id, uint32_t seed, struct err *e);

/*
 * As resident_demo, with "today" given ("YYYY-MM-DD", China) and the counts
 * written to *stats (may be NULL).
 */
int resident_demo_at(struct store *db, int64_t community_id, uint32_t seed, const char *today,
                     struct resident_demo_stats *stats, struct err *e);

#endif
