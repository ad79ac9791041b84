/*
 * keyrotate.c - re-sealing under the newest key, and retiring keys (see
 * keyrotate.h).
 *
 * A batch reads up to KEYROTATE_BATCH rows after the last id seen (the
 * values copied out of the statement), then in one write transaction
 * updates those under an older key, each only where the stored value is
 * still the one read.  The page cursor moves on whether or not a row was
 * changed, so each column is walked once per run.
 */
#include "registry/keyrotate.h"

#include "core/arena.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char sql_res_id_page[] =
    "SELECT id, id_number FROM residents WHERE id > ? AND id_number IS NOT NULL"
    " ORDER BY id LIMIT ?";
static const char sql_res_id_update[] =
    "UPDATE residents SET id_number = ? WHERE id = ? AND id_number = ?";
static const char sql_res_phone_page[] =
    "SELECT id, phone FROM residents WHERE id > ? AND phone IS NOT NULL ORDER BY id LIMIT ?";
static const char sql_res_phone_update[] =
    "UPDATE residents SET phone = ? WHERE id = ? AND phone = ?";
static const char sql_care_detail_page[] =
    "SELECT id, detail FROM care_resident_tags WHERE id > ? AND detail IS NOT NULL"
    " ORDER BY id LIMIT ?";
static const char sql_care_detail_update[] =
    "UPDATE care_resident_tags SET detail = ? WHERE id = ? AND detail = ?";
static const char sql_care_note_page[] =
    "SELECT id, note FROM care_resident_tags WHERE id > ? AND note IS NOT NULL"
    " ORDER BY id LIMIT ?";
static const char sql_care_note_update[] =
    "UPDATE care_resident_tags SET note = ? WHERE id = ? AND note = ?";
static const char sql_corr_page[] =
    "SELECT id, value FROM correction_requests WHERE id > ? AND field = 'id_number'"
    " ORDER BY id LIMIT ?";
static const char sql_corr_update[] =
    "UPDATE correction_requests SET value = ? WHERE id = ? AND value = ?";
/* volunteers (src/scene/volunteer.c) */
static const char sql_vol_phone_page[] =
    "SELECT id, phone FROM volunteers WHERE id > ? AND phone IS NOT NULL ORDER BY id LIMIT ?";
static const char sql_vol_phone_update[] =
    "UPDATE volunteers SET phone = ? WHERE id = ? AND phone = ?";
static const char sql_vol_id_page[] =
    "SELECT id, id_number FROM volunteers WHERE id > ? AND id_number IS NOT NULL"
    " ORDER BY id LIMIT ?";
static const char sql_vol_id_update[] =
    "UPDATE volunteers SET id_number = ? WHERE id = ? AND id_number = ?";
/* emergency notes (src/field/emergency.c: the event's, and the help request's) */
static const char sql_em_event_page[] =
    "SELECT id, note FROM emergency_events WHERE id > ? AND note IS NOT NULL ORDER BY id LIMIT ?";
static const char sql_em_event_update[] =
    "UPDATE emergency_events SET note = ? WHERE id = ? AND note = ?";
static const char sql_em_request_page[] =
    "SELECT id, note FROM emergency_requests WHERE id > ? AND note IS NOT NULL ORDER BY id LIMIT ?";
static const char sql_em_request_update[] =
    "UPDATE emergency_requests SET note = ? WHERE id = ? AND note = ?";

const struct sealed_column keyrotate_columns[] = {
    {"residents.id_number", "resident.id_number", sql_res_id_page, sql_res_id_update},
    {"residents.phone", "resident.phone", sql_res_phone_page, sql_res_phone_update},
    {"care_resident_tags.detail", "care.detail", sql_care_detail_page, sql_care_detail_update},
    {"care_resident_tags.note", "care.note", sql_care_note_page, sql_care_note_update},
    {"correction_requests.value", "correction.id_number", sql_corr_page, sql_corr_update},
    {"volunteers.phone", "volunteer.phone", sql_vol_phone_page, sql_vol_phone_update},
    {"volunteers.id_number", "volunteer.id_number", sql_vol_id_page, sql_vol_id_update},
    {"emergency_events.note", "emergency.note", sql_em_event_page, sql_em_event_update},
    {"emergency_requests.note", "emergency.note", sql_em_request_page, sql_em_request_update},
};
const size_t keyrotate_columns_n = sizeof(keyrotate_columns) / sizeof(keyrotate_columns[0]);

struct cell {
	int64_t id;
	const char *value;
	size_t len;
};

/* Reads the page after `after` into cells (values in a); *n rows. */
static int page(struct store *db, const struct sealed_column *c, int64_t after, struct cell *cells,
                size_t *n, struct arena *a, struct err *e)
{
	struct stmt *st = store_prepare(db, c->sql_page, e);
	int s;
	*n = 0;
	if (!st)
		return -1;
	stmt_bind_int(st, 1, after);
	stmt_bind_int(st, 2, KEYROTATE_BATCH);
	while ((s = stmt_step(st, e)) == STORE_ROW) {
		cells[*n].id = stmt_int(st, 0);
		cells[*n].len = stmt_len(st, 1);
		cells[*n].value = arena_strdup(a, stmt_text(st, 1));
		(*n)++;
	}
	stmt_done(st);
	return s < 0 ? -1 : 0;
}

int keyrotate_status(struct store *db, int64_t counts[256], struct err *e)
{
	struct cell cells[KEYROTATE_BATCH];
	memset(counts, 0, 256 * sizeof(counts[0]));
	for (size_t k = 0; k < keyrotate_columns_n; k++) {
		const struct sealed_column *c = &keyrotate_columns[k];
		int64_t after = 0;
		size_t n;
		do {
			struct arena a = ARENA_INIT;
			if (page(db, c, after, cells, &n, &a, e) < 0) {
				arena_release(&a);
				return -1;
			}
			for (size_t i = 0; i < n; i++) {
				uint8_t key;
				if (seal_key_of(&key, cells[i].value, cells[i].len, e) < 0) {
					arena_release(&a);
					err_clear(e);
					return err_set(e, ERR_INTERNAL, c->name,
					               "row %lld of %s is not a sealed value",
					               (long long)cells[i].id, c->name);
				}
				counts[key]++;
				after = cells[i].id;
			}
			arena_release(&a);
		} while (n == KEYROTATE_BATCH);
	}
	return 0;
}

int keyrotate_reseal(struct store *db, const struct seal_keyring *kr, FILE *progress, int64_t *done,
                     struct err *e)
{
	struct cell cells[KEYROTATE_BATCH];
	uint8_t current = seal_current_key(kr);
	*done = 0;
	for (size_t k = 0; k < keyrotate_columns_n; k++) {
		const struct sealed_column *c = &keyrotate_columns[k];
		int64_t after = 0, seen = 0, moved = 0;
		size_t n;
		do {
			struct arena a = ARENA_INIT;
			int64_t changed = 0;
			if (page(db, c, after, cells, &n, &a, e) < 0)
				goto fail_batch;
			if (n && store_begin(db, e) < 0)
				goto fail_batch;
			for (size_t i = 0; i < n; i++) {
				uint8_t key;
				const char *plain, *sealed;
				size_t plen;
				struct stmt *st;
				after = cells[i].id;
				seen++;
				if (seal_key_of(&key, cells[i].value, cells[i].len, e) < 0) {
					err_clear(e); /* not a sealed value: status reports it */
					continue;
				}
				if (key == current)
					continue;
				if (seal_decrypt(&plain, &plen, kr, cells[i].value, cells[i].len,
				                 c->context, &a, e) < 0 ||
				    seal_encrypt(&sealed, kr, plain, plen, c->context, &a, e) < 0) {
					char msg[sizeof(e->message)];
					snprintf(msg, sizeof(msg), "%s", e->message);
					err_clear(e);
					err_set(e, ERR_INTERNAL, c->name, "row %lld of %s: %s",
					        (long long)cells[i].id, c->name, msg);
					goto fail_tx;
				}
				sodium_memzero((void *)plain, plen);
				if (!(st = store_prepare(db, c->sql_update, e)))
					goto fail_tx;
				stmt_bind_text(st, 1, sealed, SIZE_MAX);
				stmt_bind_int(st, 2, cells[i].id);
				stmt_bind_text(st, 3, cells[i].value, cells[i].len);
				if (stmt_exec(st, e) < 0)
					goto fail_tx;
				changed += store_changes(db);
			}
			if (n && store_commit(db, e) < 0)
				goto fail_tx;
			moved += changed;
			*done += changed;
			if (progress && n)
				fprintf(progress, "%s: %lld read, %lld re-sealed under key %d\n",
				        c->name, (long long)seen, (long long)moved, current);
			arena_release(&a);
			continue;
		fail_tx:
			store_rollback(db);
		fail_batch:
			arena_release(&a);
			return -1;
		} while (n == KEYROTATE_BATCH);
		if (progress && !seen)
			fprintf(progress, "%s: no values\n", c->name);
	}
	return 0;
}

/* Reads the whole file at path into a sodium buffer (caller frees). */
static char *read_key_file(const char *path, size_t *len, struct err *e)
{
	enum { MAX = 64 * 1024 };
	char *buf = sodium_malloc(MAX + 1);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t n = 0;
	ssize_t r;
	if (!buf)
		abort();
	if (fd < 0) {
		sodium_free(buf);
		err_set(e, ERR_INTERNAL, "key_file", "cannot open %s: %s", path, strerror(errno));
		return NULL;
	}
	while (n < MAX && (r = read(fd, buf + n, MAX - n)) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			close(fd);
			sodium_free(buf);
			err_set(e, ERR_INTERNAL, "key_file", "cannot read %s", path);
			return NULL;
		}
		n += (size_t)r;
	}
	close(fd);
	buf[n] = '\0';
	*len = n;
	return buf;
}

int keyrotate_retire(struct store *db, const char *path, int id, struct err *e)
{
	struct seal_keyring *kr = NULL;
	int64_t counts[256];
	char *text = NULL, *out = NULL, *tmp = NULL, prefix[16];
	size_t len = 0, k = 0, plen;
	bool found = false;
	int fd = -1, rc = -1;

	if (id < 1 || id > SEAL_KEYS_MAX)
		return err_set(e, ERR_INVALID, "key", "a key id is 1 to %d", SEAL_KEYS_MAX);
	if (seal_keyring_load(&kr, path, e) < 0)
		return -1;
	if (seal_current_key(kr) == id) {
		err_set(e, ERR_CONFLICT, "key", "key %d is the current key: rotate first", id);
		goto out;
	}
	if (keyrotate_status(db, counts, e) < 0)
		goto out;
	if (counts[id] > 0) {
		err_set(e, ERR_CONFLICT, "key",
		        "%lld values still use key %d: run `linli key reseal` first",
		        (long long)counts[id], id);
		goto out;
	}
	if (!(text = read_key_file(path, &len, e)))
		goto out;
	if (!(out = sodium_malloc(len + 1)))
		abort();
	plen = (size_t)snprintf(prefix, sizeof(prefix), "key %d ", id);
	for (char *line = text; *line;) {
		char *end = strchr(line, '\n');
		size_t n = end ? (size_t)(end - line + 1) : strlen(line);
		if (n >= plen && !strncmp(line, prefix, plen))
			found = true;
		else {
			memcpy(out + k, line, n);
			k += n;
		}
		line += n;
	}
	if (!found) {
		err_set(e, ERR_NOT_FOUND, "key", "the key file holds no key %d", id);
		goto out;
	}
	tmp = malloc(strlen(path) + 8);
	if (!tmp)
		abort();
	sprintf(tmp, "%s.XXXXXX", path);
	if ((fd = mkstemp(tmp)) < 0) {
		err_set(e, ERR_INTERNAL, "key_file", "cannot write next to %s", path);
		free(tmp);
		tmp = NULL;
		goto out;
	}
	if (fchmod(fd, 0600) < 0 || write(fd, out, k) != (ssize_t)k || fsync(fd) < 0 ||
	    close(fd) < 0) {
		fd = -1;
		err_set(e, ERR_INTERNAL, "key_file", "cannot write the key file: %s",
		        strerror(errno));
		goto out;
	}
	fd = -1;
	if (rename(tmp, path) < 0) {
		err_set(e, ERR_INTERNAL, "key_file", "cannot replace the key file: %s",
		        strerror(errno));
		goto out;
	}
	{
		char *copy = strdup(path);
		int dfd = copy ? open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
		if (dfd >= 0) {
			fsync(dfd);
			close(dfd);
		}
		free(copy);
	}
	free(tmp);
	tmp = NULL;
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	if (tmp) {
		unlink(tmp);
		free(tmp);
	}
	if (text)
		sodium_free(text);
	if (out)
		sodium_free(out);
	seal_keyring_free(kr);
	return rc;
}
