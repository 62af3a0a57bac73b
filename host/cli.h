/* What the pmulab commands share: entry points, help texts, option parsing,
 * the output directory and the common end of run and collect. */
#ifndef PMULAB_CLI_H
#define PMULAB_CLI_H

#include <stddef.h>
#include <stdio.h>
#include "host/stream/parse.h"
#include "host/report/report.h"

/* Exit codes, as --help and docs/host.md give them. */
#define EXIT_OK 0
#define EXIT_ERROR 1		/* the run reported an error, or unreadable input */
#define EXIT_USAGE 2
#define EXIT_PARTIAL 3		/* records lost, no end record, or status=partial */

extern const char *pmulab_progname;	/* for messages: "pmulab" */

/* Help texts; each command's ends with a line feed. */
extern const char usage_main[], usage_run[], usage_collect[], usage_report[];
extern const char usage_plot[], usage_lesson[];
extern const char usage_exit_codes[], usage_plot_exit_codes[], usage_tool_exit_codes[];

/* Each gets argv[0] = the command's name. */
int cmd_run(int argc, char **argv);
int cmd_collect(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_plot(int argc, char **argv);
int cmd_lesson(int argc, char **argv);
/* The transcript of a lesson run's serial output (host/boot/lesson.c); -1
 * when no lesson record is in it. */
int lesson_transcript(FILE *out, const char *data, size_t len);

/* pmulab linux (host/linux/linux.c) and pmulab compare
 * (host/compare/compare.c). */
extern const char usage_linux[], usage_compare[];
int cmd_linux(int argc, char **argv);
int cmd_compare(int argc, char **argv);

/* "pmulab CMD: <message>" and where the help is, then exit(EXIT_USAGE). */
void cli_usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 2, 3)));
/* When argv[*i] is option name, as "--name V" or "--name=V", returns V and
 * leaves *i on the last word used; NULL when it is another word. A missing
 * value is a usage error. */
const char *cli_opt(int argc, char **argv, int *i, const char *cmd, const char *name);
/* Option values; a bad one is a usage error naming the option and value. */
double cli_seconds(const char *cmd, const char *opt, const char *val);
unsigned long cli_uint(const char *cmd, const char *opt, const char *val);
enum report_format cli_format(const char *cmd, const char *val);

/* Creates the output directory into dir: given, with its parents, or when
 * NULL a new runs/KIND-YYYYmmdd-HHMMSS (-2, -3... when taken). Prints why
 * and returns -1 when it cannot. */
int cli_out_dir(const char *given, const char *kind, char *dir, size_t len);
/* Where the default output directories go, and the link to the newest. */
#define CLI_RUNS "runs"
#define CLI_LATEST CLI_RUNS "/latest"
/* Points runs/latest at dir when dir is runs/NAME (the default, or --out
 * runs/NAME); 0, or -1 after a warning (the run goes on). */
int cli_mark_latest(const char *dir);
/* Writes dir/started.txt, the UTC time a run made here started (to the ns):
 * two runs with the same records are still two runs to the history
 * (docs/db.md). 0, or -1 after a warning (the run goes on). */
#define CLI_STARTED "started.txt"
int cli_stamp_run(const char *dir);
/* dir/name into buf; -1 with errno ENAMETOOLONG when it does not fit. */
int cli_path(char *buf, size_t len, const char *dir, const char *name);
/* All of buf to fd despite short writes and EINTR; 0 or -1 (errno). */
int cli_write_all(int fd, const void *buf, size_t len);
/* Copies a file, replacing to; 0 or -1 (errno). */
int cli_copy_file(const char *from, const char *to);
/* Replaces the file at path with text; 0 or -1 (errno). */
int cli_write_file(const char *path, const char *text);

/* The common end of run and collect: writes dir/records.txt, prints the
 * report on stdout, frees s and returns the exit code (EXIT_ERROR also when
 * records.txt could not be written). A stream whose records were counted,
 * not kept, gets no records.txt (serial.log stands in for it) and the text
 * of records_counted() whatever fmt. */
int cli_conclude(struct stream *s, const char *dir, enum report_format fmt,
		 const struct report_meta *meta);

#endif
