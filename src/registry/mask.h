/*
 * mask.h - masking personal data for display (脱敏).
 *
 * Responses show sensitive fields masked unless the caller's role needs them
 * (DESIGN.md §3; PIPL's minimum necessary): an ID number as
 * 110105********002X (first 6, last 4), a phone as 138****5678 (first 3, last
 * 4), a name as 张* or 欧阳** (the surname).  Masking works on characters, not
 * bytes, and writes one '*' per hidden character, so the masked text keeps
 * its shape in a table.
 *
 * Two rules keep masking from revealing more than it should:
 *   - a value no longer than what would be shown is masked entirely (a
 *     one-character name is "*", not itself; a 9-character "ID number" shows
 *     nothing);
 *   - a value that is not valid UTF-8 is masked entirely, one '*' per byte,
 *     so the result is always valid UTF-8 and safe to put in JSON.
 *
 * Pure functions: each returns a NUL-terminated string allocated in the arena
 * given (never NULL, owned by the arena); the input is only read.
 */
#ifndef LINLI_REGISTRY_MASK_H
#define LINLI_REGISTRY_MASK_H

#include "core/arena.h"

#include <stddef.h>

/*
 * Shows the first head and the last tail characters of s[0..len) and writes
 * '*' for each character between them.  When s has no more than head + tail
 * characters, every character is masked.
 */
char *mask_middle(struct arena *a, const char *s, size_t len, size_t head, size_t tail);

/* Shows the first keep characters and masks the rest (mask_middle with no
 * tail). */
char *mask_tail(struct arena *a, const char *s, size_t len, size_t keep);

/* An ID number: the region code (6) and the last 4 shown. */
char *mask_id_number(struct arena *a, const char *s, size_t len);

/* A phone number: the first 3 and the last 4 shown. */
char *mask_phone(struct arena *a, const char *s, size_t len);

/*
 * A person's name: the surname shown, the given name masked.  The surname is
 * the first character, or the first two when they are a common compound
 * surname (复姓: 欧阳, 司马, 诸葛, ...) and the name has at least three
 * characters: 张三 gives 张*, 欧阳娜娜 gives 欧阳**, 欧阳 gives 欧*.
 */
char *mask_name(struct arena *a, const char *s, size_t len);

#endif
