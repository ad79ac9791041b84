/*
 * prep_demo.h - the demo community's preparedness: so that the 应急准备
 * pages have something to show after `linli init --demo`.
 */
#ifndef LINLI_FIELD_PREP_DEMO_H
#define LINLI_FIELD_PREP_DEMO_H

#include "core/err.h"
#include "store/store.h"

#include <stdint.h>

/* The fire plan from its template, published, with the demo's grid worker
 * as commander and the volunteer as backup; the community and first grid
 * of the contact tree answered for (buildings left as gaps, to be seen);
 * seven supplies, one expiring within 30 days and one below its minimum;
 * a fire drill a month ago with timings, a review and two actions (one
 * done).  Needs the demo accounts "worker", "grid" and "volunteer" (does
 * nothing without "worker").  Dates are relative to today.  A second run
 * adds nothing (the plan exists: ERR_CONFLICT is taken as done). */
int prep_demo(struct store *db, int64_t community_id, struct err *e);

#endif
