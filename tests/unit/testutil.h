/*
 * testutil.h - small helpers shared by the unit tests: a scratch directory
 * per test binary, removed with everything in it at the end.
 *
 * Header-only (static inline) because the Makefile builds every
 * tests/unit/test_*.c on its own against the library objects.
 */
#ifndef LINLI_TESTS_TESTUTIL_H
#define LINLI_TESTS_TESTUTIL_H

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Creates a fresh directory under $TMPDIR (or /tmp); returns a heap path
 * the caller frees with tmpdir_remove(), or NULL. */
static inline char *tmpdir_make(void)
{
	const char *base = getenv("TMPDIR");
	char tmpl[4096];
	snprintf(tmpl, sizeof(tmpl), "%s/linli-test-XXXXXX", base && *base ? base : "/tmp");
	if (!mkdtemp(tmpl))
		return NULL;
	return strdup(tmpl);
}

static inline int tmpdir_unlink_one(const char *path, const struct stat *sb, int flag,
				    struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Removes dir and everything under it, then frees the path; NULL is fine. */
static inline void tmpdir_remove(char *dir)
{
	if (!dir)
		return;
	nftw(dir, tmpdir_unlink_one, 16, FTW_DEPTH | FTW_PHYS);
	free(dir);
}

/* Writes "dir/name" into out (of size n) and returns out. */
static inline char *tmpdir_path(char *out, size_t n, const char *dir, const char *name)
{
	snprintf(out, n, "%s/%s", dir, name);
	return out;
}

#endif
