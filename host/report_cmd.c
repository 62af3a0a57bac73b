/* pmulab report and pmulab plot: the commands that only read a file (or
 * a run directory) and render its records. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include "host/cli.h"
#include "host/profile/profile_cli.h"
#include "host/report/plot.h"
#include "host/stream/load.h"

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
		else if (argv[i][0] == '-' && argv[i][1])
			cli_usage_error("report", "unknown option '%s'", argv[i]);
		else if (!arg)
			arg = argv[i];
		else
			cli_usage_error("report", "one FILE or DIR only, not also '%s'", argv[i]);
	}
	if (!arg)
		cli_usage_error("report", "missing FILE or DIR");
	profile = profile_wanted(&popt);

	s = load_stream("report", arg, path, sizeof(path));
	if (!s)
		return EXIT_ERROR;
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
