/*
 * demo_more.h - the demo community's door-to-door visits and local
 * organisations (issue 4: "the demo community filled with residents,
 * owners, tags, visits and organisations").
 *
 * Visits: most dwellings of the community's first two compounds (by id)
 * knocked on over the last two months by the demo accounts "worker" and
 * "grid", outcomes as a committee meets them (an empty dwelling is vacant;
 * an occupied one mostly opens, else nobody is home, with a follow-up date
 * and often a second visit that opened, or the household refuses, or a new
 * household has arrived), and visit plans for the buildings of the third
 * compound (one of them done).  Organisations: a dozen local units (驻区单位)
 * of the kinds around a Chinese community (a primary school, a kindergarten,
 * the community health centre, a supermarket, the property company, a social
 * work organisation, a bank branch, the police station, ...), each with
 * contacts, offers (venues, goods, skilled people, money), some with a 共建
 * agreement, and a few interactions.
 *
 * Deterministic (the same demo every time, dated back from now).  Needs the
 * demo's accounts "worker" and "grid" (else nothing is visited) and the
 * residents (a dwelling without residents is vacant).
 */
#ifndef LINLI_REGISTRY_DEMO_MORE_H
#define LINLI_REGISTRY_DEMO_MORE_H

#include "core/err.h"
#include "store/store.h"

#include <stdint.h>

struct demo_more_stats {
	int64_t dwellings;         /* of the two compounds */
	int64_t visited;           /* of them, visited at least once */
	int64_t visits, follow_ups, plans;
	int64_t orgs, contacts, offers, agreements, interactions;
};

/* Adds the visits, plans and organisations to community_id. */
int demo_more(struct store *db, int64_t community_id, struct err *e);

/* As demo_more, as of the time now (UTC seconds), with the counts written
 * to *stats (may be NULL). */
int demo_more_at(struct store *db, int64_t community_id, int64_t now,
                 struct demo_more_stats *stats, struct err *e);

#endif
