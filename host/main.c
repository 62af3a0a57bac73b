/* pmulab: the host side of the lab. Dispatches to the commands and gives
 * their help. */
#include <stdio.h>
#include <string.h>
#include "host/cli.h"
#include "host/db/db.h"
#include "host/db/db_cli.h"
#include "host/fleet/fleet.h"
#include "host/parity/parity_cli.h"
#include "host/profile/profile_cli.h"
#include "host/stick/stick.h"

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
	/* db's and history's own usage texts give their codes. */
	{ "history", cmd_history, usage_history, "" },
	{ "db", cmd_db, usage_db, "" },
	/* so does matrix's. */
	{ "matrix", cmd_matrix, usage_matrix, "" },
	/* so does parity's. */
	{ "parity", cmd_parity, usage_parity, "" },
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

static int command_help(const struct command *cmd)
{
	help(stdout, cmd->usage, cmd->exit_codes);
	if (db_feeds(cmd->name))
		fputs(usage_db_feed, stdout);
	return EXIT_OK;
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
			return command_help(cmd);
		return unknown_command(argv[argc - 1]);
	}
	if (!(cmd = find_command(argv[1])))
		return unknown_command(argv[1]);
	for (int i = 2; i < argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return command_help(cmd);
	argc--, argv++;
	/* --db and --no-db are pmulab's, for the command's end (host/db/db.h). */
	if (db_feeds(cmd->name))
		db_take_opts(&argc, argv);
	return cmd->fn(argc, argv);
}
