/*
 * resident_grams.h - the residents' name index: every distinct pair of
 * consecutive characters (bigram) of each resident's name, in
 * resident_name_grams (community_id, gram, resident_id), so a search for a
 * name of two or more characters reads the residents that share one of its
 * bigrams instead of walking the community (issue 4: p99 <= 20 ms at 50,000
 * residents; resident.c, resident_list).
 *
 * The table is kept in C by whatever writes a resident's name:
 * resident_add, resident_update (when the name changes) and the CSV import
 * (resident_io.c), each inside the same transaction as the row; deleting a
 * resident deletes its grams (ON DELETE CASCADE).  Migration 570 fills it
 * for the residents already registered (both backends, in SQL).
 *
 * SQLite's LIKE folds ASCII letters, PostgreSQL's does not; grams are
 * stored as written, so a search uses only a bigram without ASCII letters
 * (and falls back to the walk when the query has none, e.g. "Li").
 */
#ifndef LINLI_REGISTRY_RESIDENT_GRAMS_H
#define LINLI_REGISTRY_RESIDENT_GRAMS_H

#include "core/err.h"
#include "store/store.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { RESIDENT_GRAM_MAX = 8 }; /* bytes of a bigram: two 4-byte characters */

/* Replaces the grams of resident_id by those of name (valid UTF-8).  fresh:
 * the resident was just added (nothing to delete first).  Runs in the
 * caller's transaction, if any. */
int resident_grams_set(struct store *db, int64_t community_id, int64_t resident_id,
                       const char *name, bool fresh, struct err *e);

/* Bigram i (0-based) of s (valid UTF-8) into out (NUL-terminated); false
 * when s has fewer than i + 2 characters. */
bool resident_gram_at(const char *s, size_t i, char out[RESIDENT_GRAM_MAX + 1]);

/* The bigram of q to search by: of its bigrams without ASCII letters, the
 * one with the fewest residents in the community (counted up to a cap, over
 * the first few).  false (and *out empty) when q has no such bigram: the
 * caller walks the community instead. */
int resident_grams_pick(struct store *db, int64_t community_id, const char *q,
                        char out[RESIDENT_GRAM_MAX + 1], bool *found, struct err *e);

#endif
