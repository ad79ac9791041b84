/*
 * static.c - the browser app, read from web/ into memory when serving starts.
 *
 * Serving from a table built at start means a request path is only ever
 * compared with names we listed ourselves: no path from the network reaches
 * the filesystem, so traversal is impossible by construction.  The ETag is
 * a hash of the content, so validators stay right across restarts.
 */
#include "http/internal.h"

#include "core/arena.h"
#include "core/log.h"

#include <dirent.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { MAX_TOTAL = 16 * 1024 * 1024, MAX_FILES = 512 };

static struct static_file *files;
static size_t nfiles;
static size_t total_bytes;
static const struct static_file *index_html;

static const char *type_of(const char *name)
{
	static const struct {
		const char *ext, *type;
	} types[] = {
		{ ".html", "text/html; charset=utf-8" },
		{ ".js", "text/javascript; charset=utf-8" },
		{ ".mjs", "text/javascript; charset=utf-8" },
		{ ".css", "text/css; charset=utf-8" },
		{ ".json", "application/json" },
		{ ".svg", "image/svg+xml" },
		{ ".png", "image/png" },
		{ ".ico", "image/x-icon" },
		{ ".webmanifest", "application/manifest+json" },
		{ ".txt", "text/plain; charset=utf-8" },
		{ ".woff2", "font/woff2" },
	};
	const char *dot = strrchr(name, '.');
	if (dot)
		for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
			if (!strcmp(dot, types[i].ext))
				return types[i].type;
	return "application/octet-stream";
}

static int add_file(const char *fs_path, const char *url_path, struct err *e)
{
	int fd = open(fs_path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		if (fd >= 0)
			close(fd);
		return 0; /* links and specials are skipped */
	}
	if (nfiles >= MAX_FILES || total_bytes + (size_t)st.st_size > MAX_TOTAL) {
		close(fd);
		return err_set(e, ERR_INVALID, "web_dir", "web folder is larger than %d files or %d bytes",
			       MAX_FILES, MAX_TOTAL);
	}
	char *data = xmalloc((size_t)st.st_size + 1);
	size_t got = 0;
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, data + got, (size_t)st.st_size - got);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	struct static_file *f = &files[nfiles++];
	unsigned char h[8];
	crypto_generichash(h, sizeof(h), (unsigned char *)data, got, NULL, 0);
	f->path = xstrdup(url_path);
	f->type = type_of(url_path);
	f->data = data;
	f->len = got;
	snprintf(f->etag, sizeof(f->etag), "\"%02x%02x%02x%02x%02x%02x%02x%02x\"", h[0], h[1], h[2],
		 h[3], h[4], h[5], h[6], h[7]);
	total_bytes += got;
	return 0;
}

static int walk(const char *dir, const char *prefix, int depth, struct err *e)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int rc = 0;

	if (!d)
		return depth ? 0 : err_set(e, ERR_INVALID, "web_dir", "cannot open %s", dir);
	if (depth > 8) {
		closedir(d);
		return 0;
	}
	while (rc == 0 && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue; /* hidden files, ".", ".." */
		char fs[4096], url[1024];
		struct stat st;
		snprintf(fs, sizeof(fs), "%s/%s", dir, de->d_name);
		snprintf(url, sizeof(url), "%s/%s", prefix, de->d_name);
		if (lstat(fs, &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode))
			rc = walk(fs, url, depth + 1, e);
		else if (S_ISREG(st.st_mode))
			rc = add_file(fs, url, e);
	}
	closedir(d);
	return rc;
}

int static_load(const char *dir, struct err *e)
{
	static_free();
	files = xcalloc(MAX_FILES, sizeof(*files));
	if (walk(dir, "", 0, e) < 0)
		return -1;
	index_html = NULL;
	for (size_t i = 0; i < nfiles; i++)
		if (!strcmp(files[i].path, "/index.html"))
			index_html = &files[i];
	log_info("static: %zu files, %zu bytes from %s", nfiles, total_bytes, dir);
	return 0;
}

void static_free(void)
{
	for (size_t i = 0; i < nfiles; i++) {
		free((char *)files[i].path);
		free((char *)files[i].data);
	}
	free(files);
	files = NULL;
	nfiles = total_bytes = 0;
	index_html = NULL;
}

const struct static_file *static_find(const char *path)
{
	if (!files || path[0] != '/' || strstr(path, "..") || strstr(path, "//") ||
	    strchr(path, '\\'))
		return NULL;
	for (size_t i = 0; i < nfiles; i++)
		if (!strcmp(files[i].path, path))
			return &files[i];
	const char *last = strrchr(path, '/');
	if (strncmp(path, "/api/", 5) && strcmp(path, "/api") && !strchr(last, '.'))
		return index_html;
	return NULL;
}
