/*
 * qr.h - a QR code as an SVG image (libqrencode).
 *
 * Used for the invitation slips (registry/invite.h): the claim URL is
 * encoded in byte mode (case kept), error correction level M (15% of the
 * symbol may be lost: a slip folded or smudged still scans), and drawn as
 * one <path> of dark modules on a white square with the standard quiet zone
 * of 4 modules.  The SVG has no script, no external reference and no size in
 * physical units (viewBox only), so it scales to a slip or a phone screen
 * and passes the strict CSP as an <img>.
 */
#ifndef LINLI_CORE_QR_H
#define LINLI_CORE_QR_H

#include "core/err.h"
#include "core/strbuf.h"

#include <stdbool.h>
#include <stddef.h>

enum {
	QR_QUIET = 4,         /* modules of white border on each side */
	QR_TEXT_MAX = 1024,   /* bytes; longer text is ERR_INVALID */
};

/*
 * The modules of the symbol for text: *width gets the side in modules and
 * *dark (allocated with malloc, the caller frees) width * width booleans,
 * row by row.  ERR_INVALID (field "text") when text is empty or longer than
 * QR_TEXT_MAX; ERR_INTERNAL when libqrencode fails.
 */
int qr_modules(bool **dark, int *width, const char *text, struct err *e);

/*
 * Appends to out the SVG document encoding text (see above):
 * viewBox "0 0 N N" with N = width + 2 * QR_QUIET.  Errors as qr_modules;
 * nothing is appended on failure.
 */
int qr_svg(struct strbuf *out, const char *text, struct err *e);

#endif
