/* The profile commands (profile_cli.h): pmulab report's --sort symbol,
 * --callgraph, --format folded and perf-script, and pmulab flamegraph. A
 * sample that cannot be read is named on stderr and left out; the rest is
 * still shown, and the exit code says 1. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "host/cli.h"
#include "host/profile/flamegraph.h"
#include "host/profile/profile.h"
#include "host/profile/profile_cli.h"
#include "host/report/fields.h"
#include "host/stream/load.h"

const char usage_flamegraph[] =
	"usage: pmulab flamegraph RUN [-o FILE] [--run NAME] [--title T] [--width W]\n"
	"                         [--inverted] [--reverse]\n"
	"\n"
	"Draws the sampled call stacks of RUN as a flame graph: one self-contained\n"
	"SVG, a frame as wide as its samples, with hover titles, click-to-zoom and\n"
	"search (Ctrl-F). RUN is a run directory or a records file (its sample\n"
	"records), a file of folded stacks (a;b;c N) or perf script text.\n"
	"\n"
	"  -o FILE, --output FILE  where to write (- for stdout; default\n"
	"                    flamegraph.svg in RUN when it is a directory, else in\n"
	"                    the current directory)\n"
	"  --run NAME        the sampled run to draw (needed when RUN has several)\n"
	"  --title T         the title (default \"Flame Graph\")\n"
	"  --width W         image width in pixels, 200..100000 (default 1200)\n"
	"  --inverted        an icicle graph: the outermost frame at the top\n"
	"  --reverse         stacks innermost first: the sampled functions at the\n"
	"                    bottom, their callers above them\n";

static bool is_profile_format(const char *v, enum profile_view *view)
{
	if (!strcmp(v, "folded"))
		*view = PROFILE_FOLDED;
	else if (!strcmp(v, "perf-script"))
		*view = PROFILE_PERF_SCRIPT;
	else
		return false;
	return true;
}

bool profile_opt(int argc, char **argv, int *i, struct profile_opts *o)
{
	const char *a = argv[*i], *v = NULL;
	enum report_format fmt;
	enum profile_view view;

	if (!strcmp(a, "--callgraph") || !strncmp(a, "--callgraph=", 12)) {
		v = a[11] ? a + 12 : "caller";
		if (strcmp(v, "caller") && strcmp(v, "callee"))
			cli_usage_error("report", "--callgraph=%s: use caller or callee", v);
		o->callgraph = true;
		o->callee = !strcmp(v, "callee");
		return true;
	}
	if ((v = cli_opt(argc, argv, i, "report", "--sort"))) {
		if (strcmp(v, "symbol") && strcmp(v, "sym"))
			cli_usage_error("report", "--sort '%s': only symbol is known", v);
		o->sort = true;
		return true;
	}
	if ((v = cli_opt(argc, argv, i, "report", "--run"))) {
		o->run = v;
		return true;
	}
	/* --format: a profile view is taken here, report's own formats left to
	 * report (the last --format wins). */
	if (!strcmp(a, "--format") && *i + 1 < argc)
		v = argv[*i + 1];
	else if (!strncmp(a, "--format=", 9))
		v = a + 9;
	if (!v)
		return false;
	if (!is_profile_format(v, &view)) {
		if (report_format_parse(v, &fmt) < 0)
			cli_usage_error("report", "--format '%s': use text, csv, json, records-csv, "
					"html, ftrace, trace-json, tap, junit, folded or perf-script", v);
		o->other_format = fmt != REPORT_TEXT;
		o->view = PROFILE_NONE;
		return false;
	}
	if (a[8] != '=')
		++*i;
	o->view = view;
	o->other_format = false;
	return true;
}

bool profile_wanted(struct profile_opts *o)
{
	if ((o->sort || o->callgraph) && (o->view != PROFILE_NONE || o->other_format))
		cli_usage_error("report", "--sort and --callgraph make a text report: not "
				"with another --format");
	if (o->sort || o->callgraph)
		o->view = PROFILE_TEXT;
	if (o->run && o->view == PROFILE_NONE)
		cli_usage_error("report", "--run goes with --sort, --callgraph or --format "
				"folded|perf-script");
	return o->view != PROFILE_NONE;
}

/* "a, b, c" */
static void put_runs(FILE *out, const char **runs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fprintf(out, "%s%s", i ? ", " : "", runs[i]);
}

/* The runs a view shows: the one named, else every run (one only, when
 * one is all the view can show). 0 after a message. */
static size_t pick_runs(const struct stream *s, const char *cmd, const char *path,
			const char *run, bool one, const char ***runs)
{
	size_t n = profile_runs(s, runs);

	if (!n) {
		fprintf(stderr, "%s %s: %s: no sample records: the run did not sample (the "
			"payload samples with suite=sample)\n", pmulab_progname, cmd, path);
		return 0;
	}
	if (run) {
		for (size_t i = 0; i < n; i++)
			if (!strcmp((*runs)[i], run)) {
				(*runs)[0] = (*runs)[i];
				return 1;
			}
		fprintf(stderr, "%s %s: %s: no sampled run '%s' (there are: ", pmulab_progname,
			cmd, path, run);
	} else if (one && n > 1) {
		fprintf(stderr, "%s %s: %s: %zu sampled runs: choose one with --run NAME (", 
			pmulab_progname, cmd, path, n);
	} else {
		return n;
	}
	put_runs(stderr, *runs, n);
	fputs(")\n", stderr);
	return 0;
}

/* A run directory of pmulab linux --profile: records with a sampling record
 * but no sample records, the samples in profile.folded or perf.script. */
static bool linux_profile_dir(const char *arg, const struct stream *s)
{
	char path[4096];
	struct stat st;

	for (size_t i = 0; i < s->nrecs; i++)
		if (!strcmp(s->recs[i].type, "sample"))
			return false;
	return (cli_path(path, sizeof(path), arg, "profile.folded") == 0 &&
		stat(path, &st) == 0) ||
	       (cli_path(path, sizeof(path), arg, "perf.script") == 0 && stat(path, &st) == 0);
}

/* The run's samples, or NULL after a message (none could be read). */
static struct profile *run_profile(const struct stream *s, const char *cmd, const char *path,
				   const char *dir, const char *run, size_t *bad)
{
	struct profile *p = profile_from_stream(s, run, stderr, bad);
	const struct record *hdr;
	char err[4400];

	if (p->total)
		return p;
	/* pmulab linux --profile keeps its samples beside the records. */
	if (dir && linux_profile_dir(dir, s)) {
		profile_free(p);
		if (!(p = profile_load(dir, run, err, sizeof(err))))
			fprintf(stderr, "%s %s: %s\n", pmulab_progname, cmd, err);
		return p;
	}
	fprintf(stderr, "%s %s: %s: run '%s' has no usable sample records", pmulab_progname,
		cmd, path, run);
	if ((hdr = profile_sampling(s, run))) {
		fputs(" (its sampling record:", stderr);
		report_fields(stderr, hdr, NULL);
		fputc(')', stderr);
	}
	fputc('\n', stderr);
	profile_free(p);
	return NULL;
}

int profile_report(FILE *out, const struct stream *s, const struct profile_opts *o,
		   const char *path, const char *arg)
{
	const char **runs;
	size_t n = pick_runs(s, "report", path, o->run, o->view == PROFILE_FOLDED, &runs);
	size_t bad = 0, b;
	int code = stream_exit_code(s);

	if (!n) {
		free(runs);
		return EXIT_ERROR;
	}
	if (o->view == PROFILE_PERF_SCRIPT) {
		profile_perf_script(out, s, o->run, stderr, &bad);
	} else {
		for (size_t i = 0; i < n; i++) {
			struct profile *p = run_profile(s, "report", path, arg, runs[i], &b);
			bad += b;
			if (!p) {
				code = EXIT_ERROR;
				continue;
			}
			if (o->view == PROFILE_FOLDED) {
				profile_folded(out, p);
			} else {
				if (i)
					fputc('\n', out);
				profile_run_text(out, s, runs[i], p);
				if (o->callgraph) {
					fputc('\n', out);
					profile_callgraph(out, p, o->callee);
				}
			}
			profile_free(p);
		}
	}
	free(runs);
	if (bad) {
		fprintf(stderr, "%s report: %s: %zu sample record%s left out (named above)\n",
			pmulab_progname, path, bad, bad == 1 ? "" : "s");
		code = EXIT_ERROR;
	}
	return code;
}

/* ------------------------------------------------------- flamegraph ---- */

/* Whether RUN is a directory without the records a payload run leaves: a
 * Linux run's, whose profile is its profile.folded or perf.script. */
static bool no_records_dir(const char *arg)
{
	char path[4096];
	struct stat st;

	if (stat(arg, &st) < 0 || !S_ISDIR(st.st_mode))
		return false;
	return cli_path(path, sizeof(path), arg, "records.txt") == 0 && stat(path, &st) < 0 &&
	       cli_path(path, sizeof(path), arg, "serial.log") == 0 && stat(path, &st) < 0;
}

/* The subtitle: the run and how it was sampled. */
static void run_subtitle(char *buf, size_t len, const struct stream *s, const char *run,
			 const struct profile *p)
{
	const struct record *hdr = profile_sampling(s, run);

	if (hdr)
		snprintf(buf, len, "run %s: %" PRIu64 " samples, src=%s period=%s %s", run,
			 p->total, record_get(hdr, "src") ?: "?", record_get(hdr, "period") ?: "?",
			 record_get(hdr, "unit") ?: "");
	else
		snprintf(buf, len, "run %s: %" PRIu64 " samples", run, p->total);
}

/* The profile RUN holds: its sample records, else what profile_load()
 * finds (folded stacks, perf script text). NULL after a message. */
static struct profile *flame_profile(const char *arg, const char *run, char *subtitle,
				     size_t len, size_t *bad)
{
	char path[4096], err[4400];
	struct stream *s = NULL;
	const char **runs = NULL;
	struct profile *p = NULL;

	*bad = 0;
	if (!no_records_dir(arg) && !(s = load_stream("flamegraph", arg, path, sizeof(path))))
		return NULL;
	if (s && profile_runs(s, &runs) && !linux_profile_dir(arg, s)) {
		free(runs);
		if (pick_runs(s, "flamegraph", path, run, true, &runs) &&
		    (p = run_profile(s, "flamegraph", path, NULL, runs[0], bad)))
			run_subtitle(subtitle, len, s, runs[0], p);
	} else if (!(p = profile_load(arg, run, err, sizeof(err)))) {
		fprintf(stderr, "%s flamegraph: %s\n", pmulab_progname, err);
	} else {
		snprintf(subtitle, len, "%s: %" PRIu64 " samples", arg, p->total);
	}
	free(runs);
	stream_free(s);
	return p;
}

int cmd_flamegraph(int argc, char **argv)
{
	const char *arg = NULL, *out = NULL, *run = NULL, *v;
	struct flame_opts fo = { 0 };
	char subtitle[512] = "", file[4096];
	struct profile *p;
	struct stat st;
	size_t bad;
	FILE *f;

	for (int i = 1; i < argc; i++) {
		if ((v = cli_opt(argc, argv, &i, "flamegraph", "-o")) ||
		    (v = cli_opt(argc, argv, &i, "flamegraph", "--output")))
			out = v;
		else if ((v = cli_opt(argc, argv, &i, "flamegraph", "--run")))
			run = v;
		else if ((v = cli_opt(argc, argv, &i, "flamegraph", "--title")))
			fo.title = v;
		else if ((v = cli_opt(argc, argv, &i, "flamegraph", "--width"))) {
			unsigned long w = cli_uint("flamegraph", "--width", v);
			if (w < 200 || w > 100000)
				cli_usage_error("flamegraph", "--width %lu: use 200..100000", w);
			fo.width = (unsigned)w;
		} else if (!strcmp(argv[i], "--inverted"))
			fo.inverted = true;
		else if (!strcmp(argv[i], "--reverse"))
			fo.reverse = true;
		else if (argv[i][0] == '-' && argv[i][1])
			cli_usage_error("flamegraph", "unknown option '%s'", argv[i]);
		else if (!arg)
			arg = argv[i];
		else
			cli_usage_error("flamegraph", "one RUN only, not also '%s'", argv[i]);
	}
	if (!arg)
		cli_usage_error("flamegraph", "missing RUN (a run directory, a records file, "
				"folded stacks or perf script text)");
	if (!(p = flame_profile(arg, run, subtitle, sizeof(subtitle), &bad)))
		return EXIT_ERROR;
	fo.subtitle = subtitle;
	if (!out)
		snprintf(file, sizeof(file), "%s/flamegraph.svg",
			 stat(arg, &st) == 0 && S_ISDIR(st.st_mode) ? arg : ".");
	else
		snprintf(file, sizeof(file), "%s", out);
	f = strcmp(file, "-") ? fopen(file, "w") : stdout;
	if (!f) {
		fprintf(stderr, "%s flamegraph: %s: %s\n", pmulab_progname, file, strerror(errno));
		profile_free(p);
		return EXIT_ERROR;
	}
	flame_svg(f, p, &fo);
	if (f != stdout ? fclose(f) != 0 : fflush(f) != 0) {
		fprintf(stderr, "%s flamegraph: %s: %s\n", pmulab_progname, file, strerror(errno));
		profile_free(p);
		return EXIT_ERROR;
	}
	if (f != stdout)
		printf("%s\n", file);
	profile_free(p);
	return bad ? EXIT_ERROR : EXIT_OK;
}
