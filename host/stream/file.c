/* Files the host reads whole: regular files only, at most PARSE_FILE_MAX
 * bytes, read in blocks so a capture's parse needs no copy of it; any other
 * text the host reads (tolerances, tool outputs) comes the same way. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "host/stream/parse.h"

#define BLOCK 65536

static const char *kind(mode_t m)
{
	return S_ISDIR(m) ? "Is a directory" : S_ISFIFO(m) ? "a FIFO, not a regular file" :
	       S_ISCHR(m) ? "a character device, not a regular file (pmulab collect reads devices)" :
	       S_ISBLK(m) ? "a block device, not a regular file" :
	       S_ISSOCK(m) ? "a socket, not a regular file" : "not a regular file";
}

int read_capped(const char *path, void (*fn)(const void *buf, size_t n, void *ctx),
		void *ctx, char *err, size_t errlen)
{
	char buf[BLOCK];
	unsigned long long total = 0;
	struct stat st;
	ssize_t n;
	int fd, e;

	/* O_NONBLOCK: opening a FIFO with no writer must not wait for one. */
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: %s", path, kind(st.st_mode));
		close(fd);
		return -1;
	}
	if ((unsigned long long)st.st_size > PARSE_FILE_MAX)
		goto too_big;
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			e = errno;
			close(fd);
			snprintf(err, errlen, "%s: %s", path, strerror(e));
			return -1;
		}
		/* Checked as read, not by st_size: the file may still grow. */
		if ((total += n) > PARSE_FILE_MAX)
			goto too_big;
		fn(buf, n, ctx);
	}
	close(fd);
	return 0;
too_big:
	close(fd);
	snprintf(err, errlen, "%s: over %llu MiB, the most pmulab reads of one file "
		 "(PARSE_FILE_MAX); cut it into pieces", path, PARSE_FILE_MAX >> 20);
	return -1;
}

static void feed(const void *buf, size_t n, void *ctx)
{
	parser_feed(ctx, buf, n);
}

static void put(const void *buf, size_t n, void *ctx)
{
	fwrite(buf, 1, n, ctx);
}

char *read_text_capped(const char *path, size_t *len, char *err, size_t errlen)
{
	struct memtext t;
	int rc;

	memtext_open(&t);
	rc = read_capped(path, put, t.f, err, errlen);
	fclose(t.f);
	if (rc < 0) {
		free(t.buf);
		return NULL;
	}
	if (len)
		*len = t.len;
	return t.buf;
}

FILE *fopen_capped(const char *path, char **text, char *err, size_t errlen)
{
	size_t len;
	FILE *f;

	if (!(*text = read_text_capped(path, &len, err, errlen)))
		return NULL;
	if (!(f = fmemopen(*text, len, "r"))) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		free(*text);
		*text = NULL;
	}
	return f;
}

struct stream *parse_file(const char *path, char *err, size_t errlen)
{
	struct parser *p = parser_new(NULL, NULL);

	if (read_capped(path, feed, p, err, errlen) < 0) {
		stream_free(parser_finish(p));
		return NULL;
	}
	return parser_finish(p);
}
