/*
 * strbuf.h - the one growable string builder.
 *
 * Always NUL-terminated, never NULL (an empty strbuf points at a shared ""),
 * so buf can be handed to any function that takes a C string.  Memory is
 * heap-owned by the strbuf until strbuf_detach() hands it to the caller.
 */
#ifndef LINLI_CORE_STRBUF_H
#define LINLI_CORE_STRBUF_H

#include <stddef.h>

struct strbuf {
	size_t alloc; /* 0 while buf points at the shared empty string */
	size_t len;
	char *buf;
};

extern char strbuf_empty[];
#define STRBUF_INIT { 0, 0, strbuf_empty }

void strbuf_init(struct strbuf *sb);
/* Frees the contents; the strbuf is empty and reusable. */
void strbuf_release(struct strbuf *sb);
/* Makes room for extra more bytes (plus the NUL). */
void strbuf_grow(struct strbuf *sb, size_t extra);
void strbuf_add(struct strbuf *sb, const void *data, size_t len);
void strbuf_addstr(struct strbuf *sb, const char *s);
void strbuf_addch(struct strbuf *sb, char c);
void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void strbuf_reset(struct strbuf *sb);
/* Returns the string, which the caller now frees; sb is empty afterwards. */
char *strbuf_detach(struct strbuf *sb, size_t *len);

#endif
