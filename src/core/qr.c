/*
 * qr.c - QR codes to SVG (see qr.h).
 *
 * Each row's runs of dark modules become one "M x y h n v 1 h -n z" each,
 * so a version-4 symbol is a few hundred short path commands instead of
 * one <rect> per module.
 */
#include "core/qr.h"

#include "core/arena.h"

#include <qrencode.h>
#include <stdlib.h>
#include <string.h>

int qr_modules(bool **dark, int *width, const char *text, struct err *e)
{
	size_t n = text ? strlen(text) : 0;
	QRcode *q;
	if (n == 0 || n > QR_TEXT_MAX)
		return err_set(e, ERR_INVALID, "text", "text to encode must be 1 to %d bytes",
			       QR_TEXT_MAX);
	q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (!q)
		return err_set(e, ERR_INTERNAL, NULL, "libqrencode could not encode the text");
	*width = q->width;
	*dark = xmalloc((size_t)q->width * (size_t)q->width * sizeof(bool));
	for (int i = 0; i < q->width * q->width; i++)
		(*dark)[i] = q->data[i] & 1;
	QRcode_free(q);
	return 0;
}

int qr_svg(struct strbuf *out, const char *text, struct err *e)
{
	bool *dark = NULL;
	int w, n;
	if (qr_modules(&dark, &w, text, e) < 0)
		return -1;
	n = w + 2 * QR_QUIET;
	strbuf_addf(out,
		    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		    "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\""
		    " shape-rendering=\"crispEdges\">"
		    "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/><path fill=\"#000\" d=\"",
		    n, n, n, n);
	for (int y = 0; y < w; y++) {
		for (int x = 0; x < w;) {
			if (!dark[y * w + x]) {
				x++;
				continue;
			}
			int run = 0;
			while (x + run < w && dark[y * w + x + run])
				run++;
			strbuf_addf(out, "M%d %dh%dv1h-%dz", x + QR_QUIET, y + QR_QUIET, run, run);
			x += run;
		}
	}
	strbuf_addstr(out, "\"/></svg>\n");
	free(dark);
	return 0;
}
