/*
 * keyrotate.h - moving every sealed value to the newest key, and retiring
 * old keys (`linli key rotate | reseal | status | retire`), PIPL art. 51.
 *
 * keyrotate_columns[] lists every column that holds sealed values (seal.h),
 * each with its seal context and two statements of its own: a page of
 * (id, value) rows after an id, and an update that replaces a value only if
 * it is still the one read (so a value changed meanwhile is left alone and
 * picked up by the next run).  A module that seals a new column adds a row.
 *
 * Re-sealing works in batches of KEYROTATE_BATCH rows, one transaction each,
 * so it can stop at any point: every value is sealed under some key of the
 * ring, the ring keeps every key until it is retired, and a run finds what
 * is left.  Running it again after a crash (or a second rotation) is safe
 * and finishes the job.  The keyed hash of ID numbers is not touched: its
 * secret is separate from the encryption keys and never rotates (seal.h;
 * docs/privacy.md says why).
 *
 * The server keeps the key ring it loaded at start: rotate with the server
 * stopped (values sealed under a key it does not hold would not open).
 */
#ifndef LINLI_REGISTRY_KEYROTATE_H
#define LINLI_REGISTRY_KEYROTATE_H

#include "core/err.h"
#include "core/seal.h"
#include "store/store.h"

#include <stdint.h>
#include <stdio.h>

enum { KEYROTATE_BATCH = 200 };

struct sealed_column {
	const char *name;    /* "residents.id_number", for progress lines */
	const char *context; /* the seal context of the column */
	/* SELECT id, value ... WHERE id > ? AND value IS NOT NULL ORDER BY id
	 * LIMIT ? */
	const char *sql_page;
	/* UPDATE ... SET value = ? WHERE id = ? AND value = ? */
	const char *sql_update;
};

extern const struct sealed_column keyrotate_columns[];
extern const size_t keyrotate_columns_n;

/* counts[k]: how many sealed values use key k (0..255), over every column.
 * A value that is not a sealed value is ERR_INTERNAL naming its column. */
int keyrotate_status(struct store *db, int64_t counts[256], struct err *e);

/*
 * Re-seals every value not under the ring's current key, in batches, and
 * writes a progress line per batch to progress (may be NULL).  *done: how
 * many values were re-sealed.  A value that does not open (damaged, or under
 * a key the ring lacks) stops the run with ERR_INTERNAL naming the column
 * and row; what was committed before stays.
 */
int keyrotate_reseal(struct store *db, const struct seal_keyring *kr, FILE *progress, int64_t *done,
                     struct err *e);

/*
 * Removes key `id` from the key file at path (rewritten atomically, mode
 * 0600).  Refuses (ERR_CONFLICT, field "key") while any value in db still
 * uses it, or when it is the current key; ERR_NOT_FOUND when the file holds
 * no such key.
 */
int keyrotate_retire(struct store *db, const char *path, int id, struct err *e);

#endif
