/*
 * seal.h - sensitive fields encrypted at rest, and keyed hashes to find
 * duplicates among them (DESIGN.md §3; PIPL art. 51: encryption of personal
 * information).
 *
 * A keyring holds up to 255 master keys of 32 bytes, each with an id (1-255);
 * the one with the highest id is current.  seal_encrypt() always uses the
 * current key and writes its id into the output, so after seal_rotate() new
 * values use the new key while every old value still opens with the key it
 * names.  Re-sealing old values (seal_key_of() tells which) and then deleting
 * the old key's line from the file is how a key is retired.
 *
 * A sealed value is text, ready for a TEXT column: base64url without padding
 * of
 *     version (1 byte, 1) | key id (1) | nonce (24) | ciphertext | tag (16)
 * made with XChaCha20-Poly1305 (libsodium's crypto_aead_xchacha20poly1305_ietf)
 * under a key derived from the master key, with a random nonce per value (192
 * bits, so random nonces never collide in practice).  The associated data is
 * the version, the key id and a context string chosen by the caller (the
 * column, e.g. "resident.id_number"), so a value copied into another column
 * does not open, and a changed key id is detected like any other change.  (A
 * value moved to another row of the same column does open: where that
 * matters, put the row's id in the context.)
 * The base64 decoding is strict: a one-character change anywhere is refused.
 *
 * seal_hash() is a keyed BLAKE2b (crypto_generichash) under a key derived
 * (crypto_kdf) from the ring's hash secret, a 32-byte key of its own that is
 * made with the ring and never rotated: equal inputs give equal hashes for the
 * life of the register, so a UNIQUE index on the hash finds a resident
 * registered twice, and retiring an encryption key does not touch it.
 * Without the key file nobody can test guesses of ID numbers against the
 * hashes (there are only about 10^10 plausible ID numbers, so an unkeyed
 * hash would protect nothing).  Callers hash the normalised value
 * (idcard_normalize) so that equal people give equal hashes.
 *
 * The key file is text, created with mode 0600 and refused when its mode
 * lets the group or others in (a key readable by every local user protects
 * nothing):
 *     # comment
 *     hash <64 hex digits>
 *     key <id> <64 hex digits>
 *     ...
 * It is rewritten atomically (a temporary file, fsync, rename).  Keys live
 * in memory from sodium_malloc (locked, guarded, zeroed when freed).  Back
 * the file up, but not next to the database: a backup holding both is a
 * backup in clear text.
 *
 * A loaded keyring is read-only and may be shared by threads; seal_rotate()
 * changes it and must not run while other threads use it (it is meant for
 * the command line).
 */
#ifndef LINLI_CORE_SEAL_H
#define LINLI_CORE_SEAL_H

#include "core/arena.h"
#include "core/err.h"

#include <stddef.h>
#include <stdint.h>

enum {
	SEAL_KEY_BYTES = 32,
	SEAL_KEYS_MAX = 255,  /* key ids are 1..255 */
	SEAL_HASH_CHARS = 43, /* base64url of the 32-byte hash */
	SEAL_PLAIN_MAX = 1 << 20,
};

struct seal_keyring;

/*
 * Creates the key file at path with a new random hash secret and one new
 * random key (id 1), mode 0600,
 * and sets *out to the keyring, which the caller frees with seal_keyring_free.
 * Refuses to overwrite an existing file.  Returns 0, or -1 with e set:
 * ERR_CONFLICT (field "key_file") when path exists; ERR_INTERNAL when the
 * file cannot be written or libsodium cannot start.
 */
int seal_keyring_create(struct seal_keyring **out, const char *path, struct err *e);

/*
 * Reads the key file at path and sets *out to the keyring (the caller frees
 * it with seal_keyring_free); the path is remembered for seal_rotate.
 * Returns 0, or -1 with e set:
 *   ERR_INVALID, field "key_file": the file is not a regular file, its mode
 *     gives the group or others any access, or its contents are not a key
 *     file (the message names the line), or it lacks the hash secret or
 *     holds no key;
 *   ERR_INTERNAL: it cannot be opened or read, or libsodium cannot start.
 */
int seal_keyring_load(struct seal_keyring **out, const char *path, struct err *e);

/* Zeroes and frees the keys and the keyring; NULL is fine. */
void seal_keyring_free(struct seal_keyring *kr);

/* The id of the current key (the highest). */
uint8_t seal_current_key(const struct seal_keyring *kr);

/*
 * Adds a new random key with the next id, makes it current, and rewrites the
 * key file.  On failure neither the file nor kr changes.  Returns 0, or -1
 * with e set: ERR_CONFLICT when the ring already holds key 255; ERR_INTERNAL
 * when the file cannot be written.
 */
int seal_rotate(struct seal_keyring *kr, struct err *e);

/*
 * Seals plain[0..len) (any bytes) with the current key for the column named
 * by context (a NUL-terminated string, not secret; "" is allowed) and sets
 * *out to the NUL-terminated text, allocated in a.  Two seals of the same
 * value differ (the nonce is random).  Returns 0, or -1 with e set to
 * ERR_INVALID when len is over SEAL_PLAIN_MAX.
 */
int seal_encrypt(const char **out, const struct seal_keyring *kr, const void *plain,
		 size_t len, const char *context, struct arena *a, struct err *e);

/*
 * Opens the sealed text s[0..len) made with the same context, and sets *out
 * to the plain bytes with a NUL after them (allocated in a) and *out_len, which
 * may be NULL, to their length.  Returns 0, or -1 with e set to ERR_INTERNAL
 * (the stored value is damaged or was changed, was sealed for another
 * context, or names a key the ring does not hold); the message says which,
 * but never shows the value.  *out is set only on success.
 */
int seal_decrypt(const char **out, size_t *out_len, const struct seal_keyring *kr,
		 const char *s, size_t len, const char *context, struct arena *a,
		 struct err *e);

/*
 * The id of the key that sealed s[0..len), read without opening it (for a
 * job that re-seals old values after a rotation).  Returns 0, or -1 with e
 * set to ERR_INTERNAL when s is not a sealed value.
 */
int seal_key_of(uint8_t *out, const char *s, size_t len, struct err *e);

/*
 * Writes the keyed hash of data[0..len) into out as SEAL_HASH_CHARS base64url
 * characters and a NUL.  Same input and keyring file, same hash; unguessable
 * without the key file.  Cannot fail.
 */
void seal_hash(char out[SEAL_HASH_CHARS + 1], const struct seal_keyring *kr, const void *data,
	       size_t len);

#endif
