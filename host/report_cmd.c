/* pmulab report and pmulab plot: the commands that only read a file (or
 * a run directory) and render its records. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "host/cli.h"
#include "host/profile/profile_cli.h"
#include "host/report/plot.h"
#include "host/stream/load.h"

/* Whether a run directory's records.txt is the one made from its serial.log:
 * every record of the log is in it, the same, and past the log's records
 * only what run --reference appends after an end record. A records.txt left
 * by an earlier run beside a newer log fails this. 0 when they agree or
 * dir has not both; 1 after saying how they differ. */
static int check_run_dir(const char *dir)
{
	char log[4096], recs[4096], err[4200];
	struct stream *a = NULL, *b = NULL;
	size_t i = 0, j = 0;
	const char *why = NULL;
	uint64_t seq = 0;

	if (cli_path(log, sizeof(log), dir, "serial.log") < 0 ||
	    cli_path(recs, sizeof(recs), dir, "records.txt") < 0 || access(log, F_OK) < 0 ||
	    access(recs, F_OK) < 0)
		return 0;
	a = parse_file(log, err, sizeof(err));
	b = a ? parse_file(recs, err, sizeof(err)) : NULL;
	if (!b) {
		fprintf(stderr, "%s report: %s\n", pmulab_progname, err);
		if (a)
			stream_free(a);
		return 1;
	}
	for (; i < a->nrecs && !why; i++) {
		while (j < b->nrecs && b->recs[j].seq < a->recs[i].seq)
			j++;
		seq = a->recs[i].seq;
		if (j == b->nrecs || b->recs[j].seq != seq)
			why = "missing from records.txt";
		else if (!record_same(&b->recs[j], &a->recs[i]))
			why = "different in records.txt";
	}
	/* Both are in seq order: one pass finds a records.txt seq the log lacks. */
	for (i = 0, j = 0; j < b->nrecs && !why; j++) {
		const struct record *r = &b->recs[j];

		if (a->has_end && r->seq > a->end_seq)
			break;
		while (i < a->nrecs && a->recs[i].seq < r->seq)
			i++;
		if (i == a->nrecs || a->recs[i].seq != r->seq) {
			seq = r->seq;
			why = "in records.txt but not in serial.log";
		}
	}
	if (why)
		fprintf(stderr, "%s report: %s: records.txt and serial.log disagree (record "
			"%llu %s): records.txt is not from this serial.log, an earlier run's "
			"perhaps; report %s/serial.log for this run's records\n",
			pmulab_progname, dir, (unsigned long long)seq, why, dir);
	stream_free(a);
	stream_free(b);
	return why != NULL;
}

int cmd_report(int argc, char **argv)
{
	const char *arg = NULL, *v;
	enum report_format fmt = REPORT_TEXT;
	struct report_meta meta = { .boot_to_end_s = -1 };
	struct profile_opts popt = { 0 };
	bool profile;
	char path[4096];
	struct stream *s;
	int code;

	for (int i = 1; i < argc; i++) {
		if (profile_opt(argc, argv, &i, &popt))
			continue;
		if ((v = cli_opt(argc, argv, &i, "report", "--format")))
			fmt = cli_format("report", v);
		else if (!strcmp(argv[i], "--verbose"))
			meta.verbose = true;
		else if (argv[i][0] == '-' && argv[i][1])
			cli_usage_error("report", "unknown option '%s'", argv[i]);
		else if (!arg)
			arg = argv[i];
		else
			cli_usage_error("report", "one FILE or DIR only, not also '%s'", argv[i]);
	}
	if (!arg && access(CLI_LATEST, F_OK) < 0)
		cli_usage_error("report", "missing FILE or DIR, and no %s (the newest run "
				"under %s/) to default to", CLI_LATEST, CLI_RUNS);
	if (!arg)
		arg = CLI_LATEST;
	profile = profile_wanted(&popt);

	s = load_stream("report", arg, path, sizeof(path));
	if (!s)
		return EXIT_ERROR;
	if (check_run_dir(arg)) {
		stream_free(s);
		return EXIT_ERROR;
	}
	if (profile) {
		code = profile_report(stdout, s, &popt, path, arg);
		stream_free(s);
		return code;
	}
	meta.source = path;
	report_print(stdout, s, fmt, &meta);
	code = stream_exit_code(s);
	stream_free(s);
	return code;
}

/* Where plot writes: --out (created), else RUN when it is a directory,
 * else the current directory. */
static int plot_dir(const char *out, const char *arg, char *dir, size_t len)
{
	struct stat st;

	if (out)
		return cli_out_dir(out, "plot", dir, len);
	snprintf(dir, len, "%s", stat(arg, &st) == 0 && S_ISDIR(st.st_mode) ? arg : ".");
	return 0;
}

int cmd_plot(int argc, char **argv)
{
	const char *arg = NULL, *out = NULL, *ext = "svg", *gnuplot, *v;
	struct plot_file files[PLOT_KINDS];
	char path[4096], dir[4096];
	struct stream *s;
	int drawn;

	for (int i = 1; i < argc; i++) {
		if ((v = cli_opt(argc, argv, &i, "plot", "--out")))
			out = v;
		else if ((v = cli_opt(argc, argv, &i, "plot", "--format")))
			ext = v;
		else if (argv[i][0] == '-' && argv[i][1])
			cli_usage_error("plot", "unknown option '%s'", argv[i]);
		else if (!arg)
			arg = argv[i];
		else
			cli_usage_error("plot", "one RUN only, not also '%s'", argv[i]);
	}
	if (strcmp(ext, "svg") != 0 && strcmp(ext, "png") != 0)
		cli_usage_error("plot", "--format '%s': use svg or png", ext);
	if (!arg)
		cli_usage_error("plot", "missing RUN (a run directory or a records file)");

	s = load_stream("plot", arg, path, sizeof(path));
	if (!s)
		return EXIT_ERROR;
	if (!plot_has_benches(s)) {
		fprintf(stderr, "%s plot: %s: no family=chase or family=branch bench "
			"records to plot\n", pmulab_progname, path);
		stream_free(s);
		return EXIT_ERROR;
	}
	if (!(gnuplot = plot_gnuplot())) {
		fprintf(stderr, "%s plot: %s\n", pmulab_progname, plot_gnuplot_missing());
		stream_free(s);
		return EXIT_ERROR;
	}
	if (plot_dir(out, arg, dir, sizeof(dir)) < 0) {
		stream_free(s);
		return EXIT_ERROR;
	}
	drawn = plot_write(s, dir, ext, gnuplot, "pmulab plot", files);
	for (int k = 0; k < PLOT_KINDS; k++) {
		const struct plot_file *pf = &files[k];
		const char *paths[] = { pf->dat, pf->gp, pf->image };
		for (size_t j = 0; j < 3; j++)
			if (paths[j][0])
				printf("%s\n", paths[j]);
	}
	stream_free(s);
	return drawn ? EXIT_OK : EXIT_ERROR;
}
