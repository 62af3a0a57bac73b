/* Back from a board farm: a LAVA job log holds everything the device's
 * serial port said as "target" lines (JSON lines on lava-run's stderr, the
 * same objects as a YAML list in lava-server's output.yaml). Their text is
 * the serial stream, records and narration, so it makes a run directory
 * like any other: serial.log, records.txt, and the log itself. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "host/cli.h"
#include "host/db/db.h"
#include "host/fleet/fleet.h"

/* A record is under 4096 bytes (PARSE_LINE_MAX); JSON escapes can make its
 * log line six times as long, and LAVA adds the time and level. */
#define LOG_LINE_MAX (6 * PARSE_LINE_MAX + 256)

static int hex4(const char *p)
{
	int v = 0;

	for (int i = 0; i < 4; i++) {
		int c = p[i], d = c >= '0' && c <= '9' ? c - '0' :
				  c >= 'a' && c <= 'f' ? c - 'a' + 10 :
				  c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
		if (d < 0)
			return -1;
		v = v * 16 + d;
	}
	return v;
}

/* The JSON string starting after its opening quote at p, decoded into buf:
 * its length, or -1 when it is cut short or has a bad escape. A code point
 * above 0xff (LAVA's U+FFFD for a byte it could not decode) is '?': no
 * record holds one. */
static long json_string(const char *p, char *buf, size_t size)
{
	size_t n = 0;

	for (; *p && *p != '"'; p++) {
		char c = *p;

		if (c == '\\') {
			int u;

			switch (*++p) {
			case '"': case '\\': case '/': c = *p; break;
			case 'b': c = '\b'; break;
			case 'f': c = '\f'; break;
			case 'n': c = '\n'; break;
			case 'r': c = '\r'; break;
			case 't': c = '\t'; break;
			case 'u':
				if ((u = hex4(p + 1)) < 0)
					return -1;
				c = u > 0xff ? '?' : (char)u;
				p += 4;
				break;
			default:
				return -1;
			}
		}
		if (n + 1 >= size)
			return -1;
		buf[n++] = c;
	}
	if (*p != '"')
		return -1;
	buf[n] = '\0';
	return (long)n;
}

/* A log line's serial text: the msg of a {"lvl": "target", ...} line
 * (lava-run's stderr, or lava-server's output.yaml with "- " before it),
 * JSON-decoded into buf; its length, or -1 when it is no target line. */
static long lava_target_line(const char *line, char *buf, size_t size)
{
	const char *msg;

	if (!strstr(line, "\"lvl\": \"target\"") || !(msg = strstr(line, "\"msg\": \"")))
		return -1;
	return json_string(msg + strlen("\"msg\": \""), buf, size);
}

/* The target lines of the log at path into serial (one a line); how many,
 * or -1 with errno set. */
static long extract(FILE *in, FILE *serial)
{
	char *line = malloc(LOG_LINE_MAX), *text = malloc(LOG_LINE_MAX);
	long n = 0, len;

	if (!line || !text) {
		free(line);
		free(text);
		errno = ENOMEM;
		return -1;
	}
	while (fgets(line, LOG_LINE_MAX, in)) {
		if ((len = lava_target_line(line, text, LOG_LINE_MAX)) < 0)
			continue;
		fwrite(text, 1, (size_t)len, serial);
		fputc('\n', serial);
		n++;
	}
	free(line);
	free(text);
	return ferror(in) ? -1 : n;
}

int lava_import(const char *log, const char *out, enum report_format fmt)
{
	char dir[4096], serial[4200], copy[4200], err[512];
	struct report_meta meta = { .boot_to_end_s = -1, .mode = "lava" };
	struct stream *s;
	FILE *in, *f;
	long n;

	in = fopen(log, "r");
	if (!in) {
		fprintf(stderr, "%s: import: --lava %s: %s\n", pmulab_progname, log,
			strerror(errno));
		return EXIT_ERROR;
	}
	if (cli_out_dir(out, "lava", dir, sizeof(dir)) < 0 ||
	    cli_path(serial, sizeof(serial), dir, "serial.log") < 0 ||
	    cli_path(copy, sizeof(copy), dir, "lava.log") < 0) {
		fclose(in);
		return EXIT_ERROR;
	}
	f = fopen(serial, "w");
	n = f ? extract(in, f) : -1;
	fclose(in);
	if (!f || n < 0 || fclose(f) != 0 || cli_copy_file(log, copy) < 0) {
		fprintf(stderr, "%s: import: --lava %s into %s: %s\n", pmulab_progname, log, dir,
			strerror(errno));
		return EXIT_ERROR;
	}
	if (n == 0) {
		fprintf(stderr, "%s: import: --lava %s: no \"target\" line (the device's "
			"serial output): not a LAVA job log?\n", pmulab_progname, log);
		return EXIT_ERROR;
	}
	s = parse_file(serial, err, sizeof(err));
	if (!s) {
		fprintf(stderr, "%s: import: %s\n", pmulab_progname, err);
		return EXIT_ERROR;
	}
	meta.source = log;
	meta.out_dir = dir;
	fprintf(stderr, "%s: import: %ld serial lines of %s -> %s\n", pmulab_progname, n, log,
		dir);
	return db_feed(dir, cli_conclude(s, dir, fmt, &meta));
}
