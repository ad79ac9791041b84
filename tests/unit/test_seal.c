/*
 * test_seal.c - sensitive fields sealed at rest (src/core/seal.c).
 *
 * Round trips (empty, binary, long values and contexts, so both the stack
 * and the arena paths run); tamper detection, exhaustively: every single
 * character of a sealed value changed, a character dropped or added, each
 * refused; a value opened under another context or another key file is
 * refused; rotation: old values still open, before and after reloading the
 * file, new ones name the new key, hashes do not change; a ring that lacks
 * the key a value names says so; the key file is created 0600 and refused
 * when the group or others have any access, or when its text is wrong.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/seal.h"
#include "testutil.h"

#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

static char *dir;
static struct arena a = ARENA_INIT;

static const char ID[] = "11010519491231002X";
static const char CTX[] = "resident.id_number";
#define HEX32 "00112233445566778899aabbccddeeff"
#define HEX31 "00112233445566778899aabbccddee"
static const char HEX[] = HEX32 HEX32;

static int setup(void **state)
{
	(void)state;
	dir = tmpdir_make();
	return dir ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	tmpdir_remove(dir);
	arena_release(&a);
	return 0;
}

static char *path_of(const char *name)
{
	static char buf[4096];
	return tmpdir_path(buf, sizeof(buf), dir, name);
}

static struct seal_keyring *create(const char *name)
{
	struct seal_keyring *kr = NULL;
	struct err e = ERR_INIT;
	if (seal_keyring_create(&kr, path_of(name), &e) != 0)
		print_error("%s\n", e.message);
	assert_non_null(kr);
	return kr;
}

static const char *seal(const struct seal_keyring *kr, const void *p, size_t len,
			const char *ctx)
{
	const char *out = NULL;
	struct err e = ERR_INIT;
	assert_int_equal(seal_encrypt(&out, kr, p, len, ctx, &a, &e), 0);
	assert_non_null(out);
	return out;
}

static void opens(const struct seal_keyring *kr, const char *s, const char *ctx,
		  const void *want, size_t want_len)
{
	const char *out = NULL;
	size_t len = 0;
	struct err e = ERR_INIT;
	int rc = seal_decrypt(&out, &len, kr, s, strlen(s), ctx, &a, &e);
	if (rc != 0)
		print_error("%s\n", e.message);
	assert_int_equal(rc, 0);
	assert_int_equal(len, want_len);
	assert_memory_equal(out, want, want_len);
	assert_int_equal(out[len], '\0');
}

static void refused(const struct seal_keyring *kr, const char *s, size_t len, const char *ctx,
		    const char *needle)
{
	const char *out = "untouched";
	struct err e = ERR_INIT;
	assert_int_equal(seal_decrypt(&out, NULL, kr, s, len, ctx, &a, &e), -1);
	assert_int_equal(e.code, ERR_INTERNAL);
	assert_string_equal(out, "untouched");
	if (needle && !strstr(e.message, needle))
		print_error("message \"%s\" lacks \"%s\"\n", e.message, needle);
	if (needle)
		assert_non_null(strstr(e.message, needle));
}

static void write_file(const char *name, const char *text, mode_t mode)
{
	const char *p = path_of(name);
	unlink(p);
	int fd = open(p, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	assert_int_equal(chmod(p, mode), 0);
}

static void load_bad(const char *name, enum err_code code, const char *needle)
{
	struct seal_keyring *kr = NULL;
	struct err e = ERR_INIT;
	assert_int_equal(seal_keyring_load(&kr, path_of(name), &e), -1);
	assert_null(kr);
	assert_int_equal(e.code, code);
	if (code == ERR_INVALID)
		assert_string_equal(e.field, "key_file");
	if (!strstr(e.message, needle))
		print_error("message \"%s\" lacks \"%s\"\n", e.message, needle);
	assert_non_null(strstr(e.message, needle));
}

static void test_create(void **state)
{
	(void)state;
	struct seal_keyring *kr = create("create.key"), *again = NULL;
	struct err e = ERR_INIT;
	struct stat st;

	assert_int_equal(seal_current_key(kr), 1);
	assert_int_equal(stat(path_of("create.key"), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	/* never overwritten */
	assert_int_equal(seal_keyring_create(&again, path_of("create.key"), &e), -1);
	assert_int_equal(e.code, ERR_CONFLICT);
	assert_null(again);
	/* and it loads */
	err_clear(&e);
	assert_int_equal(seal_keyring_load(&again, path_of("create.key"), &e), 0);
	assert_int_equal(seal_current_key(again), 1);
	char h1[SEAL_HASH_CHARS + 1], h2[SEAL_HASH_CHARS + 1];
	seal_hash(h1, kr, ID, strlen(ID));
	seal_hash(h2, again, ID, strlen(ID));
	assert_string_equal(h1, h2);
	opens(again, seal(kr, ID, strlen(ID), CTX), CTX, ID, strlen(ID));
	seal_keyring_free(again);
	seal_keyring_free(kr);
	seal_keyring_free(NULL);
}

static void test_round_trip(void **state)
{
	(void)state;
	struct seal_keyring *kr = create("trip.key");
	static const char bin[] = "a\0b\xff\x00z";
	char big[5000], ctx[300];

	const char *s1 = seal(kr, ID, strlen(ID), CTX);
	const char *s2 = seal(kr, ID, strlen(ID), CTX);
	assert_string_not_equal(s1, s2); /* random nonces */
	assert_int_equal(strlen(s1), 80);    /* base64url of 2 + 24 + 18 + 16 bytes */
	assert_int_equal(strspn(s1, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
				    "0123456789-_"),
			 strlen(s1));
	opens(kr, s1, CTX, ID, strlen(ID));
	opens(kr, s2, CTX, ID, strlen(ID));
	opens(kr, seal(kr, "", 0, CTX), CTX, "", 0);
	opens(kr, seal(kr, bin, sizeof(bin) - 1, ""), "", bin, sizeof(bin) - 1);
	memset(big, 'z', sizeof(big));
	memset(ctx, 'c', sizeof(ctx) - 1);
	ctx[sizeof(ctx) - 1] = '\0';
	opens(kr, seal(kr, big, sizeof(big), ctx), ctx, big, sizeof(big));

	const char *out;
	struct err e = ERR_INIT;
	static char huge[SEAL_PLAIN_MAX + 1];
	assert_int_equal(seal_encrypt(&out, kr, huge, sizeof(huge), CTX, &a, &e), -1);
	assert_int_equal(e.code, ERR_INVALID);
	seal_keyring_free(kr);
}

static void test_tamper(void **state)
{
	(void)state;
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
				       "0123456789-_";
	struct seal_keyring *kr = create("tamper.key");
	const char *s = seal(kr, ID, strlen(ID), CTX);
	size_t n = strlen(s);
	char t[200];

	/* every position, several replacements each (first, next, last of the
	 * alphabet, and a character outside it) */
	for (size_t i = 0; i < n; i++) {
		const char *at = strchr(alphabet, s[i]);
		size_t k = (size_t)(at - alphabet);
		char repl[] = { alphabet[(k + 1) % 64], alphabet[(k + 32) % 64],
				alphabet[(k + 63) % 64], '=', '+', '\0' };
		for (size_t j = 0; repl[j]; j++) {
			memcpy(t, s, n + 1);
			t[i] = repl[j];
			refused(kr, t, n, CTX, NULL);
		}
	}
	/* dropped, added, cut */
	refused(kr, s, n - 1, CTX, NULL);
	memcpy(t, s, n);
	t[n] = 'A';
	refused(kr, t, n + 1, CTX, NULL);
	refused(kr, s + 1, n - 1, CTX, NULL);
	refused(kr, s, 10, CTX, "not a sealed value");
	refused(kr, "", 0, CTX, "not a sealed value");
	/* another column */
	refused(kr, s, n, "resident.phone", "sealed for another field");
	refused(kr, s, n, "", "a stored value does not open");
	opens(kr, s, CTX, ID, strlen(ID)); /* the original is still fine */
	seal_keyring_free(kr);
}

static void test_wrong_key(void **state)
{
	(void)state;
	struct seal_keyring *one = create("one.key"), *two = create("two.key");
	const char *s = seal(one, ID, strlen(ID), CTX);
	refused(two, s, strlen(s), CTX, "does not open");
	char h1[SEAL_HASH_CHARS + 1], h2[SEAL_HASH_CHARS + 1];
	seal_hash(h1, one, ID, strlen(ID));
	seal_hash(h2, two, ID, strlen(ID));
	assert_string_not_equal(h1, h2);
	seal_keyring_free(one);
	seal_keyring_free(two);
}

static void test_rotation(void **state)
{
	(void)state;
	struct seal_keyring *kr = create("rot.key"), *old = NULL, *re = NULL;
	struct err e = ERR_INIT;
	char h1[SEAL_HASH_CHARS + 1], h2[SEAL_HASH_CHARS + 1], h3[SEAL_HASH_CHARS + 1];
	uint8_t id = 0;
	struct stat st;
	char cmd[8300];

	/* keep the file as it was before rotating */
	snprintf(cmd, sizeof(cmd), "cp -p '%s' '%s/before.key'", path_of("rot.key"), dir);
	assert_int_equal(system(cmd), 0);

	const char *v1 = seal(kr, ID, strlen(ID), CTX);
	seal_hash(h1, kr, ID, strlen(ID));
	assert_int_equal(seal_rotate(kr, &e), 0);
	assert_int_equal(seal_current_key(kr), 2);
	const char *v2 = seal(kr, ID, strlen(ID), CTX);
	seal_hash(h2, kr, ID, strlen(ID));
	assert_string_equal(h1, h2); /* hashes outlive rotation */

	assert_int_equal(seal_key_of(&id, v1, strlen(v1), &e), 0);
	assert_int_equal(id, 1);
	assert_int_equal(seal_key_of(&id, v2, strlen(v2), &e), 0);
	assert_int_equal(id, 2);
	assert_int_equal(seal_key_of(&id, "abc", 3, &e), -1);
	opens(kr, v1, CTX, ID, strlen(ID));
	opens(kr, v2, CTX, ID, strlen(ID));

	/* the file was rewritten: 0600, both keys */
	assert_int_equal(stat(path_of("rot.key"), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(seal_keyring_load(&re, path_of("rot.key"), &e), 0);
	assert_int_equal(seal_current_key(re), 2);
	opens(re, v1, CTX, ID, strlen(ID));
	opens(re, v2, CTX, ID, strlen(ID));
	seal_hash(h3, re, ID, strlen(ID));
	assert_string_equal(h1, h3);

	/* a ring without key 2 says so */
	assert_int_equal(seal_keyring_load(&old, path_of("before.key"), &e), 0);
	refused(old, v2, strlen(v2), CTX, "key 2, which the key file does not hold");
	opens(old, v1, CTX, ID, strlen(ID));

	/* rotate again from the reloaded ring */
	assert_int_equal(seal_rotate(re, &e), 0);
	assert_int_equal(seal_current_key(re), 3);
	opens(re, v1, CTX, ID, strlen(ID));
	seal_keyring_free(old);
	seal_keyring_free(re);
	seal_keyring_free(kr);
}

static void test_rotate_limit(void **state)
{
	(void)state;
	char text[512];
	struct seal_keyring *kr = NULL;
	struct err e = ERR_INIT;
	snprintf(text, sizeof(text), "hash %s\nkey 255 %s\n", HEX, HEX);
	write_file("full.key", text, 0600);
	assert_int_equal(seal_keyring_load(&kr, path_of("full.key"), &e), 0);
	assert_int_equal(seal_current_key(kr), 255);
	assert_int_equal(seal_rotate(kr, &e), -1);
	assert_int_equal(e.code, ERR_CONFLICT);
	assert_int_equal(seal_current_key(kr), 255);
	const char *s = seal(kr, ID, strlen(ID), CTX);
	opens(kr, s, CTX, ID, strlen(ID));
	seal_keyring_free(kr);
}

static void test_permissions(void **state)
{
	(void)state;
	char text[512];
	struct seal_keyring *kr = NULL;
	struct err e = ERR_INIT;
	snprintf(text, sizeof(text), "hash %s\nkey 1 %s\n", HEX, HEX);

	static const mode_t refused_modes[] = { 0640, 0604, 0644, 0660, 0602, 0610, 0601, 0666 };
	for (size_t i = 0; i < sizeof(refused_modes) / sizeof(refused_modes[0]); i++) {
		char want[32];
		write_file("perm.key", text, refused_modes[i]);
		snprintf(want, sizeof(want), "mode %04o", (unsigned)refused_modes[i]);
		load_bad("perm.key", ERR_INVALID, want);
	}
	write_file("perm.key", text, 0400);
	assert_int_equal(seal_keyring_load(&kr, path_of("perm.key"), &e), 0);
	seal_keyring_free(kr);
	kr = NULL;
	write_file("perm.key", text, 0600);
	assert_int_equal(seal_keyring_load(&kr, path_of("perm.key"), &e), 0);
	seal_keyring_free(kr);

	load_bad("missing.key", ERR_INTERNAL, "cannot open the key file");
	assert_int_equal(mkdir(path_of("adir.key"), 0700), 0);
	load_bad("adir.key", ERR_INVALID, "not a regular file");
}

static void test_file_contents(void **state)
{
	(void)state;
	char text[1024];
	struct seal_keyring *kr = NULL;
	struct err e = ERR_INIT;

	/* comments, CR LF, keys out of order: fine; current is the highest */
	snprintf(text, sizeof(text), "# keys\r\n\r\nkey 7 %s\r\nhash %s\r\nkey 3 %s", HEX, HEX,
		 HEX);
	write_file("ok.key", text, 0600);
	assert_int_equal(seal_keyring_load(&kr, path_of("ok.key"), &e), 0);
	assert_int_equal(seal_current_key(kr), 7);
	seal_keyring_free(kr);

	write_file("bad.key", "", 0600);
	load_bad("bad.key", ERR_INVALID, "no hash secret");
	snprintf(text, sizeof(text), "hash %s\n", HEX);
	write_file("bad.key", text, 0600);
	load_bad("bad.key", ERR_INVALID, "holds no key");
	snprintf(text, sizeof(text), "key 1 %s\n", HEX);
	write_file("bad.key", text, 0600);
	load_bad("bad.key", ERR_INVALID, "no hash secret");
	snprintf(text, sizeof(text), "hash %s\nkey 1 %s\nkey 1 %s\n", HEX, HEX, HEX);
	write_file("bad.key", text, 0600);
	load_bad("bad.key", ERR_INVALID, "line 3: key 1 appears twice");
	snprintf(text, sizeof(text), "hash %s\nhash %s\n", HEX, HEX);
	write_file("bad.key", text, 0600);
	load_bad("bad.key", ERR_INVALID, "line 2: a second hash secret");
	static const char *const lines[] = {
		"key 0 " HEX32 HEX32,         "key 256 " HEX32 HEX32, "key 01 " HEX32 HEX32,
		"key 1  " HEX32 HEX32,        "key 1 " HEX32 HEX32 "0", "key 1 " HEX32 HEX31 "f",
		"key 1 " HEX32 HEX31 "xy",    "key " HEX32 HEX32,     "keys 1 " HEX32 HEX32,
		"hash  " HEX32 HEX32,         "key 1",                "key 1 ",
	};
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		snprintf(text, sizeof(text), "hash %s\n%s\n", HEX, lines[i]);
		write_file("bad.key", text, 0600);
		load_bad("bad.key", ERR_INVALID, "line 2: expected");
	}
}

static void test_hash(void **state)
{
	(void)state;
	struct seal_keyring *kr = create("hash.key");
	char h1[SEAL_HASH_CHARS + 1], h2[SEAL_HASH_CHARS + 1];
	seal_hash(h1, kr, ID, strlen(ID));
	assert_int_equal(strlen(h1), SEAL_HASH_CHARS);
	seal_hash(h2, kr, ID, strlen(ID));
	assert_string_equal(h1, h2);
	seal_hash(h2, kr, "11010519491231002x", 18);
	assert_string_not_equal(h1, h2);
	seal_hash(h2, kr, "", 0);
	assert_int_equal(strlen(h2), SEAL_HASH_CHARS);
	seal_keyring_free(kr);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_tamper),
		cmocka_unit_test(test_wrong_key),
		cmocka_unit_test(test_rotation),
		cmocka_unit_test(test_rotate_limit),
		cmocka_unit_test(test_permissions),
		cmocka_unit_test(test_file_contents),
		cmocka_unit_test(test_hash),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
