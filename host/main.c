/* pmulab: the host side of the lab. Dispatches to the commands; `report`
 * and `plot`, which only read a file, live here too. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "host/cli.h"
#include "host/report/plot.h"
#include "host/profile/profile_cli.h"
#include "host/stick/stick.h"

const char *pmulab_progname = "pmulab";

static const struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *usage;
	const char *exit_codes;
} commands[] = {
	{ "run", cmd_run, usage_run, usage_exit_codes },
	{ "collect", cmd_collect, usage_collect, usage_exit_codes },
	{ "lesson", cmd_lesson, usage_lesson, usage_exit_codes },
	{ "report", cmd_report, usage_report, usage_exit_codes },
	/* plot's code says whether it drew, not how the run went. */
	{ "plot", cmd_plot, usage_plot, usage_plot_exit_codes },
	{ "flamegraph", cmd_flamegraph, usage_flamegraph, usage_tool_exit_codes },
	{ "image", cmd_image, usage_image, usage_tool_exit_codes },
	{ "flash", cmd_flash, usage_flash, usage_tool_exit_codes },
	/* import's own usage text gives its codes. */
	{ "import", cmd_import, usage_import, "" },
	{ "linux", cmd_linux, usage_linux, usage_exit_codes },
	/* compare's own usage text gives its codes. */
	{ "compare", cmd_compare, usage_compare, "" },
};

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

static int unknown_command(const char *name)
{
	fprintf(stderr, "%s: unknown command '%s'\nTry '%s --help'.\n", pmulab_progname,
		name, pmulab_progname);
	return EXIT_USAGE;
}

static int help(FILE *out, const char *usage, const char *exit_codes)
{
	fprintf(out, "%s\n%s", usage, exit_codes);
	return out == stdout ? EXIT_OK : EXIT_USAGE;
}

/* The records of FILE|DIR: a file that holds records, or a run directory's
 * records.txt, else its serial.log (a run that died before writing the
 * records). path gets the file read. NULL after a message. */
struct stream *load_stream(const char *cmd, const char *arg, char *path, size_t len)
{
	char err[4200];
	struct stream *s;
	struct stat st;

	snprintf(path, len, "%s", arg);
	if (stat(arg, &st) == 0 && S_ISDIR(st.st_mode)) {
		if (cli_path(path, len, arg, "records.txt") < 0 ||
		    (access(path, F_OK) < 0 &&
		     cli_path(path, len, arg, "serial.log") == 0 &&
		     access(path, F_OK) < 0)) {
			fprintf(stderr, "%s %s: %s: no records.txt or serial.log\n",
				pmulab_progname, cmd, arg);
			return NULL;
		}
	}
	s = parse_file(path, err, sizeof(err));
	if (!s)
		fprintf(stderr, "%s %s: %s\n", pmulab_progname, cmd, err);
	return s;
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

int main(int argc, char **argv)
{
	const struct command *cmd;

	if (argc < 2)
		return help(stderr, usage_main, usage_exit_codes);
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		return help(stdout, usage_main, usage_exit_codes);
	if (!strcmp(argv[1], "--version")) {
		printf("pmulab %s\n", PMULAB_VERSION);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "help")) {
		if (argc == 2)
			return help(stdout, usage_main, usage_exit_codes);
		if (argc == 3 && (cmd = find_command(argv[2])))
			return help(stdout, cmd->usage, cmd->exit_codes);
		return unknown_command(argv[argc - 1]);
	}
	if (!(cmd = find_command(argv[1])))
		return unknown_command(argv[1]);
	for (int i = 2; i < argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return help(stdout, cmd->usage, cmd->exit_codes);
	return cmd->fn(argc - 1, argv + 1);
}
