/* pmulab linux's record stream (lxrecords.h): records.txt as the sink, the
 * records both of its runs write, and the report at the end. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include "host/cli.h"
#include "host/db/db.h"
#include "host/linux/lxrecords.h"
#include "lib/record.h"

static FILE *rec_file;

static void sink(const char *line, size_t len, void *ctx)
{
	fwrite(line, 1, len, rec_file);
	fputc('\n', rec_file);
	/* On disk at once: a crash keeps every finished record. */
	fflush(rec_file);
}

int lx_open_records(const char *dir)
{
	char path[4096];

	if (cli_path(path, sizeof(path), dir, "records.txt") < 0 ||
	    !(rec_file = fopen(path, "w"))) {
		fprintf(stderr, "%s linux: cannot write %s/records.txt: %s\n", pmulab_progname,
			dir, strerror(errno));
		return -1;
	}
	rec_set_sink(sink, NULL);
	return 0;
}

void lx_close_records(void)
{
	fclose(rec_file);
	rec_file = NULL;
}

void lx_hello(void)
{
	struct utsname u;
	struct rec r;

	uname(&u);
	rec_begin(&r, "hello");
	rec_u64(&r, "format", REC_FORMAT);
	rec_str(&r, "payload", PMULAB_VERSION);
	rec_str(&r, "boot", "linux");
	rec_str(&r, "system", u.sysname);
	rec_str(&r, "kernel", u.release);
	rec_str(&r, "machine", u.machine);
	rec_end(&r);
}

void lx_cpu_model(char *buf, size_t len)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[512];

	snprintf(buf, len, "unknown");
	while (f && fgets(line, sizeof(line), f)) {
		char *c = strchr(line, ':');

		if (!strncmp(line, "model name", 10) && c) {
			c += 1 + (c[1] == ' ');
			c[strcspn(c, "\n")] = '\0';
			snprintf(buf, len, "%s", c);
			break;
		}
	}
	if (f)
		fclose(f);
}

void lx_end(void)
{
	struct rec r;
	u64 count = rec_count();

	rec_begin(&r, "end");
	rec_u64(&r, "count", count);
	rec_str(&r, "status", rec_error_count() ? "error" : "ok");
	rec_end(&r);
}

void lx_error_rec(const char *kind, const char *reason)
{
	struct rec r;

	rec_begin(&r, "error");
	rec_str(&r, "kind", kind);
	rec_str(&r, "reason", reason);
	rec_end(&r);
}

int lx_conclude(const char *dir, enum report_format fmt)
{
	struct report_meta meta = { .boot_to_end_s = -1, .source = dir, .mode = "linux" };
	char path[4096], err[4300];
	struct stream *s;
	int code;

	lx_close_records();
	cli_path(path, sizeof(path), dir, "records.txt");
	if (!(s = parse_file(path, err, sizeof(err)))) {
		fprintf(stderr, "%s linux: %s\n", pmulab_progname, err);
		return EXIT_ERROR;
	}
	report_print(stdout, s, fmt, &meta);
	code = stream_exit_code(s);
	stream_free(s);
	return db_feed(dir, code);
}
