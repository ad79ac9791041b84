/*
 * arena.h - a bump allocator that lives as long as one request (or one job).
 *
 * Everything a handler allocates for a request comes from the request's arena
 * and is freed in one go when the request completes; nothing in it is freed
 * one by one.  Out of memory aborts: a server is not a library.
 */
#ifndef LINLI_CORE_ARENA_H
#define LINLI_CORE_ARENA_H

#include <stddef.h>

struct arena_block;

struct arena {
	struct arena_block *head; /* newest block first; owned */
	size_t used;              /* bytes handed out, for metrics */
};

#define ARENA_INIT { NULL, 0 }

/* Prepares an empty arena; allocates nothing. */
void arena_init(struct arena *a);

/* Frees every block; the arena is empty and reusable afterwards. */
void arena_release(struct arena *a);

/* Returns n bytes aligned for any type, owned by the arena. Never NULL. */
void *arena_alloc(struct arena *a, size_t n);

/* Like arena_alloc, zero-filled. */
void *arena_zalloc(struct arena *a, size_t n);

/* Copies len bytes of s and a NUL into the arena. s may hold NULs. */
char *arena_strndup(struct arena *a, const char *s, size_t len);

/* Copies the NUL-terminated s into the arena; NULL gives NULL. */
char *arena_strdup(struct arena *a, const char *s);

/* printf into the arena. */
char *arena_printf(struct arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Aborts the process with a message; used on allocation failure. */
_Noreturn void die_oom(void);

/* malloc/calloc/realloc that abort on failure. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);

#endif
