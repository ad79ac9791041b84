/*
 * seal.c - see seal.h.
 *
 * Everything secret (the master keys, the hash secret, the keys derived from
 * them, the key file's text while it is read or written) lives in memory
 * from sodium_malloc, which is locked, fenced by guard pages and zeroed when
 * freed; the keyring's secrets are read-only except while seal_rotate adds a
 * key.  The derived keys are computed once, at load, so that sealing a value
 * costs one random nonce, one AEAD call and one base64 encoding.
 */
#include "core/seal.h"


#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum {
	VERSION = 1,
	NONCE = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
	TAG = crypto_aead_xchacha20poly1305_ietf_ABYTES,
	HEAD = 2 + NONCE, /* version, key id, nonce */
	HASH_BYTES = 32,
	FILE_MAX = 64 * 1024,
	B64 = sodium_base64_VARIANT_URLSAFE_NO_PADDING,
};

static const char FIELD[] = "key_file";
static const char CTX_AEAD[crypto_kdf_CONTEXTBYTES + 1] = "linli_ae";
static const char CTX_HASH[crypto_kdf_CONTEXTBYTES + 1] = "linli_hs";

struct secrets {
	unsigned char hash_secret[SEAL_KEY_BYTES];
	unsigned char hash_key[crypto_generichash_KEYBYTES];
	unsigned char master[SEAL_KEYS_MAX + 1][SEAL_KEY_BYTES]; /* by id; [0] unused */
	unsigned char aead[SEAL_KEYS_MAX + 1][crypto_aead_xchacha20poly1305_ietf_KEYBYTES];
};

struct seal_keyring {
	char *path;                   /* the key file; owned */
	struct secrets *s;            /* sodium_malloc, read-only between changes */
	bool have[SEAL_KEYS_MAX + 1]; /* by id */
	uint8_t current;              /* the highest id held */
};

static_assert(SEAL_KEY_BYTES == crypto_kdf_KEYBYTES, "master keys are kdf keys");

static int start_sodium(struct err *e)
{
	if (sodium_init() < 0)
		return err_set(e, ERR_INTERNAL, NULL, "libsodium failed to initialise");
	return 0;
}

static struct seal_keyring *ring_new(const char *path)
{
	struct seal_keyring *kr = xcalloc(1, sizeof(*kr));
	kr->path = xstrdup(path);
	kr->s = sodium_malloc(sizeof(*kr->s));
	if (!kr->s)
		die_oom();
	sodium_memzero(kr->s, sizeof(*kr->s));
	return kr;
}

void seal_keyring_free(struct seal_keyring *kr)
{
	if (!kr)
		return;
	if (kr->s) {
		sodium_mprotect_readwrite(kr->s);
		sodium_free(kr->s);
	}
	free(kr->path);
	free(kr);
}

uint8_t seal_current_key(const struct seal_keyring *kr)
{
	return kr->current;
}

/* Sets key id from master, deriving its AEAD key.  kr->s must be writable. */
static void put_key(struct seal_keyring *kr, uint8_t id, const unsigned char *master)
{
	memcpy(kr->s->master[id], master, SEAL_KEY_BYTES);
	crypto_kdf_derive_from_key(kr->s->aead[id], sizeof(kr->s->aead[id]), 1, CTX_AEAD,
				   kr->s->master[id]);
	kr->have[id] = true;
	if (id > kr->current)
		kr->current = id;
}

static void put_hash_secret(struct seal_keyring *kr, const unsigned char *secret)
{
	memcpy(kr->s->hash_secret, secret, SEAL_KEY_BYTES);
	crypto_kdf_derive_from_key(kr->s->hash_key, sizeof(kr->s->hash_key), 1, CTX_HASH,
				   kr->s->hash_secret);
}

/* ---- the key file ---- */

/* Writes the whole key file text into buf (sodium_malloc, FILE_MAX bytes);
 * returns its length. */
static size_t format_file(char *buf, const struct seal_keyring *kr)
{
	size_t n = 0;
	n += (size_t)snprintf(buf + n, FILE_MAX - n,
			      "# linli seal keys: secret.  Keep mode 0600.  Back it up apart "
			      "from the database:\n# without it the sealed fields cannot be "
			      "read, and with it anyone can read them.\n"
			      "hash ");
	sodium_bin2hex(buf + n, FILE_MAX - n, kr->s->hash_secret, SEAL_KEY_BYTES);
	n += 2 * SEAL_KEY_BYTES;
	buf[n++] = '\n';
	for (int id = 1; id <= SEAL_KEYS_MAX; id++) {
		if (!kr->have[id])
			continue;
		n += (size_t)snprintf(buf + n, FILE_MAX - n, "key %d ", id);
		sodium_bin2hex(buf + n, FILE_MAX - n, kr->s->master[id], SEAL_KEY_BYTES);
		n += 2 * SEAL_KEY_BYTES;
		buf[n++] = '\n';
	}
	assert(n < FILE_MAX);
	return n;
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t w = write(fd, buf, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		buf += w;
		len -= (size_t)w;
	}
	return 0;
}

static void sync_dir(const char *path)
{
	char *copy = xstrdup(path);
	int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	free(copy);
}

/*
 * Writes the ring to kr->path through a temporary file in the same
 * directory (mode 0600 from mkstemp).  replace false: fails with
 * ERR_CONFLICT when the file exists (link() does not overwrite).
 */
static int save(const struct seal_keyring *kr, bool replace, struct err *e)
{
	char *text = NULL, *tmp = NULL;
	int fd = -1, rc = -1;
	size_t tmp_len = strlen(kr->path) + 8;

	text = sodium_malloc(FILE_MAX);
	if (!text)
		die_oom();
	size_t n = format_file(text, kr);

	tmp = xmalloc(tmp_len);
	snprintf(tmp, tmp_len, "%s.XXXXXX", kr->path);
	fd = mkstemp(tmp);
	if (fd < 0) {
		err_set(e, ERR_INTERNAL, NULL, "cannot create a file next to the key file: %s",
			strerror(errno));
		free(tmp);
		tmp = NULL;
		goto out;
	}
	if (fchmod(fd, 0600) < 0 || write_all(fd, text, n) < 0 || fsync(fd) < 0) {
		err_set(e, ERR_INTERNAL, NULL, "cannot write the key file: %s", strerror(errno));
		goto out;
	}
	if (close(fd) < 0) {
		fd = -1;
		err_set(e, ERR_INTERNAL, NULL, "cannot write the key file: %s", strerror(errno));
		goto out;
	}
	fd = -1;
	if (replace) {
		if (rename(tmp, kr->path) < 0) {
			err_set(e, ERR_INTERNAL, NULL, "cannot replace the key file: %s",
				strerror(errno));
			goto out;
		}
	} else if (link(tmp, kr->path) < 0) {
		if (errno == EEXIST)
			err_set(e, ERR_CONFLICT, FIELD,
				"the key file exists already; not replaced");
		else
			err_set(e, ERR_INTERNAL, NULL, "cannot create the key file: %s",
				strerror(errno));
		goto out;
	}
	sync_dir(kr->path);
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	if (tmp && (rc < 0 || !replace))
		unlink(tmp); /* after rename it is gone already */
	free(tmp);
	sodium_free(text);
	return rc;
}

/* Parses 64 hex digits at s[0..len) into out. */
static bool parse_hex_key(unsigned char out[SEAL_KEY_BYTES], const char *s, size_t len)
{
	size_t bin_len = 0;
	const char *end = NULL;
	if (len != 2 * SEAL_KEY_BYTES)
		return false;
	if (sodium_hex2bin(out, SEAL_KEY_BYTES, s, len, NULL, &bin_len, &end) != 0)
		return false;
	return bin_len == SEAL_KEY_BYTES && end == s + len;
}

/* Parses one line (without its line break) into kr. */
static int parse_line(struct seal_keyring *kr, const char *s, size_t len, size_t line,
		      bool *have_hash, struct err *e)
{
	unsigned char key[SEAL_KEY_BYTES];
	int rc = -1;

	if (len > 0 && s[len - 1] == '\r')
		len--;
	if (len == 0 || s[0] == '#')
		return 0;
	if (len > 5 && memcmp(s, "hash ", 5) == 0) {
		if (!parse_hex_key(key, s + 5, len - 5))
			goto bad;
		if (*have_hash) {
			err_set(e, ERR_INVALID, FIELD, "key file, line %zu: a second hash secret",
				line);
			goto out;
		}
		put_hash_secret(kr, key);
		*have_hash = true;
		rc = 0;
		goto out;
	}
	if (len > 4 && memcmp(s, "key ", 4) == 0) {
		size_t i = 4;
		int id = 0;
		if (s[i] < '1' || s[i] > '9')
			goto bad;
		while (i < len && s[i] >= '0' && s[i] <= '9' && id <= SEAL_KEYS_MAX)
			id = id * 10 + (s[i++] - '0');
		if (id > SEAL_KEYS_MAX || i >= len || s[i] != ' ')
			goto bad;
		if (!parse_hex_key(key, s + i + 1, len - i - 1))
			goto bad;
		if (kr->have[id]) {
			err_set(e, ERR_INVALID, FIELD, "key file, line %zu: key %d appears twice",
				line, id);
			goto out;
		}
		put_key(kr, (uint8_t)id, key);
		rc = 0;
		goto out;
	}
bad:
	err_set(e, ERR_INVALID, FIELD,
		"key file, line %zu: expected \"hash <64 hex digits>\" or "
		"\"key <1-255> <64 hex digits>\"",
		line);
out:
	sodium_memzero(key, sizeof(key));
	return rc;
}

int seal_keyring_load(struct seal_keyring **out, const char *path, struct err *e)
{
	struct seal_keyring *kr = NULL;
	char *text = NULL;
	size_t len = 0, line = 1;
	bool have_hash = false;
	struct stat st;
	int fd = -1, rc = -1;

	if (start_sodium(e) < 0)
		goto out;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err_set(e, ERR_INTERNAL, NULL, "cannot open the key file: %s", strerror(errno));
		goto out;
	}
	if (fstat(fd, &st) < 0) {
		err_set(e, ERR_INTERNAL, NULL, "cannot read the key file: %s", strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		err_set(e, ERR_INVALID, FIELD, "the key file is not a regular file");
		goto out;
	}
	if (st.st_mode & (S_IRWXG | S_IRWXO)) {
		err_set(e, ERR_INVALID, FIELD,
			"the key file has mode %04o: others than its owner may use it; "
			"run chmod 600 on it",
			(unsigned)(st.st_mode & 07777));
		goto out;
	}
	text = sodium_malloc(FILE_MAX);
	if (!text)
		die_oom();
	for (;;) {
		ssize_t r = read(fd, text + len, FILE_MAX - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			err_set(e, ERR_INTERNAL, NULL, "cannot read the key file: %s",
				strerror(errno));
			goto out;
		}
		if (r == 0)
			break;
		len += (size_t)r;
		if (len == FILE_MAX) {
			err_set(e, ERR_INVALID, FIELD,
				"the key file is too large to be a key file");
			goto out;
		}
	}

	kr = ring_new(path);
	for (size_t start = 0; start < len; line++) {
		const char *nl = memchr(text + start, '\n', len - start);
		size_t end = nl ? (size_t)(nl - text) : len;
		if (parse_line(kr, text + start, end - start, line, &have_hash, e) < 0)
			goto out;
		start = end + 1;
	}
	if (!have_hash) {
		err_set(e, ERR_INVALID, FIELD, "the key file holds no hash secret");
		goto out;
	}
	if (kr->current == 0) {
		err_set(e, ERR_INVALID, FIELD, "the key file holds no key");
		goto out;
	}
	sodium_mprotect_readonly(kr->s);
	*out = kr;
	kr = NULL;
	rc = 0;
out:
	seal_keyring_free(kr);
	if (text)
		sodium_free(text);
	if (fd >= 0)
		close(fd);
	return rc;
}

int seal_keyring_create(struct seal_keyring **out, const char *path, struct err *e)
{
	struct seal_keyring *kr = NULL;
	unsigned char key[SEAL_KEY_BYTES];
	int rc = -1;

	if (start_sodium(e) < 0)
		goto out;
	kr = ring_new(path);
	crypto_kdf_keygen(key);
	put_hash_secret(kr, key);
	crypto_kdf_keygen(key);
	put_key(kr, 1, key);
	if (save(kr, false, e) < 0)
		goto out;
	sodium_mprotect_readonly(kr->s);
	*out = kr;
	kr = NULL;
	rc = 0;
out:
	sodium_memzero(key, sizeof(key));
	seal_keyring_free(kr);
	return rc;
}

int seal_rotate(struct seal_keyring *kr, struct err *e)
{
	unsigned char key[SEAL_KEY_BYTES];
	uint8_t old = kr->current, id;
	int rc = -1;

	if (old == SEAL_KEYS_MAX) {
		err_set(e, ERR_CONFLICT, FIELD, "the key file holds key %d, the last possible id",
			SEAL_KEYS_MAX);
		return -1;
	}
	id = (uint8_t)(old + 1);
	sodium_mprotect_readwrite(kr->s);
	crypto_kdf_keygen(key);
	put_key(kr, id, key);
	if (save(kr, true, e) < 0) {
		sodium_memzero(kr->s->master[id], SEAL_KEY_BYTES);
		sodium_memzero(kr->s->aead[id], sizeof(kr->s->aead[id]));
		kr->have[id] = false;
		kr->current = old;
		goto out;
	}
	rc = 0;
out:
	sodium_mprotect_readonly(kr->s);
	sodium_memzero(key, sizeof(key));
	return rc;
}

/* ---- sealing ---- */

/* The context as messages name it. */
static const char *what(const char *context)
{
	return context[0] ? context : "value";
}

/* The associated data: version, key id, context; in buf when it fits, else
 * in a. */
static unsigned char *make_ad(size_t *out_len, unsigned char *buf, size_t cap, uint8_t id,
			      const char *context, struct arena *a)
{
	size_t clen = strlen(context);
	unsigned char *ad = 2 + clen <= cap ? buf : arena_alloc(a, 2 + clen);
	ad[0] = VERSION;
	ad[1] = id;
	memcpy(ad + 2, context, clen);
	*out_len = 2 + clen;
	return ad;
}

int seal_encrypt(const char **out, const struct seal_keyring *kr, const void *plain,
		 size_t len, const char *context, struct arena *a, struct err *e)
{
	unsigned char small[256], adbuf[128];
	unsigned char *bin, *ad;
	size_t ad_len, bin_len = HEAD + len + TAG;
	unsigned long long clen = 0;

	if (len > SEAL_PLAIN_MAX)
		return err_set(e, ERR_INVALID, NULL, "a value to seal is over %d bytes",
			       SEAL_PLAIN_MAX);
	bin = bin_len <= sizeof(small) ? small : arena_alloc(a, bin_len);
	ad = make_ad(&ad_len, adbuf, sizeof(adbuf), kr->current, context, a);
	bin[0] = VERSION;
	bin[1] = kr->current;
	randombytes_buf(bin + 2, NONCE);
	crypto_aead_xchacha20poly1305_ietf_encrypt(bin + HEAD, &clen, plain, len, ad, ad_len, NULL,
						   bin + 2, kr->s->aead[kr->current]);
	assert(clen == len + TAG);

	size_t text_len = sodium_base64_ENCODED_LEN(bin_len, B64);
	char *text = arena_alloc(a, text_len);
	sodium_bin2base64(text, text_len, bin, bin_len, B64);
	*out = text;
	return 0;
}

int seal_decrypt(const char **out, size_t *out_len, const struct seal_keyring *kr,
		 const char *s, size_t len, const char *context, struct arena *a,
		 struct err *e)
{
	unsigned char small[256], adbuf[128];
	unsigned char *bin, *ad, *plain;
	size_t cap = len / 4 * 3 + 3, bin_len = 0, ad_len;
	unsigned long long plain_len = 0;
	int rc = -1;

	bin = cap <= sizeof(small) ? small : arena_alloc(a, cap);
	if (sodium_base642bin(bin, cap, s, len, NULL, &bin_len, NULL, B64) != 0 ||
	    bin_len < HEAD + TAG) {
		err_set(e, ERR_INTERNAL, NULL, "a stored %s is not a sealed value (damaged?)",
			what(context));
		goto out;
	}
	if (bin[0] != VERSION) {
		err_set(e, ERR_INTERNAL, NULL, "a stored %s is sealed in an unknown format %u",
			what(context), (unsigned)bin[0]);
		goto out;
	}
	if (bin[1] == 0 || !kr->have[bin[1]]) {
		err_set(e, ERR_INTERNAL, NULL,
			"a stored %s is sealed with key %u, which the key file does not hold",
			what(context), (unsigned)bin[1]);
		goto out;
	}
	ad = make_ad(&ad_len, adbuf, sizeof(adbuf), bin[1], context, a);
	plain = arena_alloc(a, bin_len - HEAD - TAG + 1);
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(plain, &plain_len, NULL, bin + HEAD,
						       bin_len - HEAD, ad, ad_len, bin + 2,
						       kr->s->aead[bin[1]]) != 0) {
		err_set(e, ERR_INTERNAL, NULL,
			"a stored %s does not open: it was changed, or sealed for another field",
			what(context));
		goto out;
	}
	plain[plain_len] = '\0';
	*out = (const char *)plain;
	if (out_len)
		*out_len = (size_t)plain_len;
	rc = 0;
out:
	return rc;
}

int seal_key_of(uint8_t *out, const char *s, size_t len, struct err *e)
{
	unsigned char head[3];
	size_t n = 0;
	/* the first 4 characters hold the first 3 bytes: version, id, nonce */
	if (len < sodium_base64_ENCODED_LEN(HEAD + TAG, B64) - 1 ||
	    sodium_base642bin(head, sizeof(head), s, 4, NULL, &n, NULL, B64) != 0 || n != 3 ||
	    head[0] != VERSION || head[1] == 0)
		return err_set(e, ERR_INTERNAL, NULL, "not a sealed value");
	*out = head[1];
	return 0;
}

void seal_hash(char out[SEAL_HASH_CHARS + 1], const struct seal_keyring *kr, const void *data,
	       size_t len)
{
	unsigned char h[HASH_BYTES];
	crypto_generichash(h, sizeof(h), data, len, kr->s->hash_key, sizeof(kr->s->hash_key));
	sodium_bin2base64(out, SEAL_HASH_CHARS + 1, h, sizeof(h), B64);
}
