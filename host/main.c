/* pmulab: the host side of the lab. Dispatches to the commands; `report`,
 * which only reads a file, lives here too. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cli.h"

const char *pmulab_progname = "pmulab";

static const struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *usage;
} commands[] = {
	{ "run", cmd_run, usage_run },
	{ "collect", cmd_collect, usage_collect },
	{ "report", cmd_report, usage_report },
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

static int help(FILE *out, const char *usage)
{
	fprintf(out, "%s\n%s", usage, usage_exit_codes);
	return out == stdout ? EXIT_OK : EXIT_USAGE;
}

int cmd_report(int argc, char **argv)
{
	const char *arg = NULL, *v;
	enum report_format fmt = REPORT_TEXT;
	struct report_meta meta = { .boot_to_end_s = -1 };
	char path[4096], err[4200];
	struct stream *s;
	struct stat st;
	int code;

	for (int i = 1; i < argc; i++) {
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

	snprintf(path, sizeof(path), "%s", arg);
	if (stat(arg, &st) == 0 && S_ISDIR(st.st_mode)) {
		/* A run directory: the records if they were written, else the
		 * raw capture of a run that died before writing them. */
		if (cli_path(path, sizeof(path), arg, "records.txt") < 0 ||
		    (access(path, F_OK) < 0 &&
		     cli_path(path, sizeof(path), arg, "serial.log") == 0 &&
		     access(path, F_OK) < 0)) {
			fprintf(stderr, "%s report: %s: no records.txt or serial.log\n",
				pmulab_progname, arg);
			return EXIT_ERROR;
		}
	}
	s = parse_file(path, err, sizeof(err));
	if (!s) {
		fprintf(stderr, "%s report: %s\n", pmulab_progname, err);
		return EXIT_ERROR;
	}
	meta.source = path;
	report_print(stdout, s, fmt, &meta);
	code = stream_exit_code(s);
	stream_free(s);
	return code;
}

int main(int argc, char **argv)
{
	const struct command *cmd;

	if (argc < 2)
		return help(stderr, usage_main);
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		return help(stdout, usage_main);
	if (!strcmp(argv[1], "--version")) {
		printf("pmulab %s\n", PMULAB_VERSION);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "help")) {
		if (argc == 2)
			return help(stdout, usage_main);
		if (argc == 3 && (cmd = find_command(argv[2])))
			return help(stdout, cmd->usage);
		return unknown_command(argv[argc - 1]);
	}
	if (!(cmd = find_command(argv[1])))
		return unknown_command(argv[1]);
	for (int i = 2; i < argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return help(stdout, cmd->usage);
	return cmd->fn(argc - 1, argv + 1);
}
