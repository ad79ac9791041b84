/*
 * utf8.h - UTF-8 validation and counting, for input checked at the edge.
 *
 * Pure functions over (buf, len).  "Valid" means RFC 3629: no overlong forms,
 * no surrogates, nothing above U+10FFFF.  Limits on text fields count
 * characters (code points), since a Chinese name of 10 characters is 30 bytes.
 */
#ifndef LINLI_CORE_UTF8_H
#define LINLI_CORE_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* True when s[0..len) is valid UTF-8. */
bool utf8_valid(const char *s, size_t len);

/* Code points in valid UTF-8 s[0..len). */
size_t utf8_count(const char *s, size_t len);

/* True when s holds a C0 control character other than tab, CR or LF,
 * or DEL; such bytes are refused in single-line names. */
bool utf8_has_control(const char *s, size_t len);

#endif
