/*
 * person.h - the person-data contract (PIPL arts. 44-47: the rights to know,
 * copy, correct and delete).
 *
 * Every module that stores something about a resident exports one function
 * of this shape.  It adds to the JSON object `out` one key (the module's
 * name, e.g. "care") holding everything the module stores about resident
 * `resident_id` of `community_id`, in full (unmasked, opened) and
 * machine-readable.  It runs inside the caller's read snapshot and returns 0,
 * or -1 with e set (it must not add a half-filled key on failure).
 *
 * src/routes.c lists the parts in all_person_exports[] (no NULL entries);
 * the PIPL export (privacy.h: privacy_export) calls each in order.
 * Deletion relies on the schema instead: every table that refers to a
 * resident declares `REFERENCES residents(id) ON DELETE CASCADE` (or SET
 * NULL where a row must outlive the person), so deleting the residents row
 * takes everything else with it.
 */
#ifndef LINLI_REGISTRY_PERSON_H
#define LINLI_REGISTRY_PERSON_H

#include "core/err.h"
#include "core/json.h"
#include "store/store.h"

#include <stddef.h>
#include <stdint.h>

typedef int (*person_export_fn)(struct store *db, json_t *out, int64_t community_id,
                                int64_t resident_id, struct err *e);

extern const person_export_fn all_person_exports[];
extern const size_t all_person_exports_n;

#endif
