/*
 * demo.h - the demo community of `linli init --demo`: one street, one
 * community (阳光社区) with three grids, three compounds, 20 buildings and
 * 1,488 dwellings with rooms and areas, their residents (resident_demo.h:
 * households for about 88 % of the dwellings), one account per role, a
 * conversation with 60 residents' anonymous survey answers, and a micro-fund
 * round in its voting stage with 40 paper ballots.
 * Deterministic: the same database every time, but for the passwords.
 */
#ifndef LINLI_DEMO_H
#define LINLI_DEMO_H

#include "core/err.h"
#include "store/store.h"

/*
 * Builds the demo into an empty, migrated database (the residents' keyring
 * must be set: resident_set_keyring).  Each account gets
 * password (when not NULL) or a random one; the accounts and passwords are
 * printed to stdout once.
 */
int demo_build(struct store *db, const char *password, struct err *e);

#endif
