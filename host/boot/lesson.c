/* pmulab lesson N: boot lesson N under QEMU (pmulab run with lesson=N) and
 * print its transcript: the lesson's narration from its first `lesson`
 * record on, the step records as headings, then the end status. The run
 * directory keeps everything `pmulab run` leaves, plus transcript.txt and
 * report.txt (the run's text report). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "host/cli.h"
#include "lib/config.h"

struct transcript {
	FILE *out;
	bool started;
};

static void on_record(const struct record *rec, void *ctx)
{
	struct transcript *t = ctx;

	if (!strcmp(rec->type, "lesson")) {
		t->started = true;
	} else if (!strcmp(rec->type, "error")) {
		fprintf(t->out, "error kind=%s reason=%s\n",
			record_get(rec, "kind") ? record_get(rec, "kind") : "?",
			record_get(rec, "reason") ? record_get(rec, "reason") :
			record_get(rec, "name") ? record_get(rec, "name") : "?");
	} else if (!strcmp(rec->type, "end")) {
		fprintf(t->out, "end status=%s\n",
			record_get(rec, "status") ? record_get(rec, "status") : "?");
	}
}

int lesson_transcript(FILE *out, const char *data, size_t len)
{
	struct transcript t = { out, false };
	struct parser *p = parser_new(on_record, &t);
	const char *s = data, *end = data + len;

	while (s < end) {
		const char *nl = memchr(s, '\n', end - s), *e;
		size_t n;

		e = nl ? nl : end;
		n = e - s;
		if (n && s[n - 1] == '\r')
			n--;
		if (memmem(s, n, "@PL1 ", 5)) {
			parser_feed(p, s, n);
			parser_feed(p, "\n", 1);
		} else if (t.started && n >= 1 && s[0] == '#') {
			size_t skip = n >= 2 && s[1] == ' ' ? 2 : 1;

			fprintf(out, "%.*s\n", (int)(n - skip), s + skip);
		}
		s = nl ? nl + 1 : end;
	}
	stream_free(parser_finish(p));
	return t.started ? 0 : -1;
}

static char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n;

	*len = 0;
	if (!f)
		return NULL;
	for (;;) {
		if (*len + 65536 > cap) {
			char *nb = realloc(buf, cap = cap * 2 + 65536);

			if (!nb)
				break;
			buf = nb;
		}
		n = fread(buf + *len, 1, cap - *len, f);
		if (!n)
			break;
		*len += n;
	}
	fclose(f);
	return buf;
}

int cmd_lesson(int argc, char **argv)
{
	char dir[4096], path[4096], set[32], *data;
	const char *out = NULL, *v;
	char **rargv;
	int rargc = 0, code, saved, fd;
	unsigned long n;
	size_t len;
	FILE *tf;

	if (argc < 2 || argv[1][0] == '-')
		cli_usage_error("lesson", "missing the lesson's number, 1..%d", LESSON_COUNT);
	n = cli_uint("lesson", "N", argv[1]);
	if (n < 1 || n > LESSON_COUNT)
		cli_usage_error("lesson", "no lesson %lu: they are numbered 1..%d", n, LESSON_COUNT);
	rargv = calloc(argc + 8, sizeof(char *));
	if (!rargv) {
		perror(pmulab_progname);
		return EXIT_ERROR;
	}
	rargv[rargc++] = "run";
	for (int i = 2; i < argc; i++) {
		if ((v = cli_opt(argc, argv, &i, "lesson", "--out")))
			out = v;
		else if (!strcmp(argv[i], "--format") || !strncmp(argv[i], "--format=", 9))
			cli_usage_error("lesson", "no --format: the transcript is the output");
		else
			rargv[rargc++] = argv[i];	/* run's options: run checks them */
	}
	if (cli_out_dir(out, "lesson", dir, sizeof(dir)) < 0) {
		free(rargv);
		return EXIT_ERROR;
	}
	snprintf(set, sizeof(set), "lesson=%lu", n);
	rargv[rargc++] = "--set";
	rargv[rargc++] = set;
	rargv[rargc++] = "--out";
	rargv[rargc++] = dir;

	/* run's report goes to DIR/report.txt; stdout is the transcript's. */
	cli_path(path, sizeof(path), dir, "report.txt");
	fflush(stdout);
	saved = dup(STDOUT_FILENO);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (saved < 0 || fd < 0 || dup2(fd, STDOUT_FILENO) < 0) {
		fprintf(stderr, "%s lesson: %s: %s\n", pmulab_progname, path, strerror(errno));
		free(rargv);
		return EXIT_ERROR;
	}
	close(fd);
	code = cmd_run(rargc, rargv);
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	free(rargv);

	cli_path(path, sizeof(path), dir, "serial.log");
	data = read_all(path, &len);
	if (!data || lesson_transcript(stdout, data, len) < 0) {
		fprintf(stderr, "%s lesson: %s: no lesson in the run's output\n",
			pmulab_progname, path);
		free(data);
		return code ? code : EXIT_ERROR;
	}
	cli_path(path, sizeof(path), dir, "transcript.txt");
	tf = fopen(path, "w");
	if (tf) {
		lesson_transcript(tf, data, len);
		fclose(tf);
	}
	free(data);
	return code;
}
