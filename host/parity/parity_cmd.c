/* pmulab parity: prints a parity table as the docs hold it, or says for a
 * run which of the tables' checks passed there. */
#include <stdio.h>
#include <string.h>
#include "host/cli.h"
#include "host/parity/parity_cli.h"
#include "host/parity/parity_run.h"
#include "host/stream/load.h"

const char usage_parity[] =
	"usage: pmulab parity [--markdown SOURCE]\n"
	"       pmulab parity RUN\n"
	"\n"
	"For each check of kvm-unit-tests' x86/pmu.c, x86/pmu_lbr.c and x86/debug.c,\n"
	"the pmulab check that tests the same property (a trailing '*' names every\n"
	"check under that prefix), the unit test that sees it fail on a faulty\n"
	"hardware model, or why none applies (docs/pmu.md, docs/lbr.md,\n"
	"docs/probes.md).\n"
	"\n"
	"  (nothing)           every table as markdown\n"
	"  --markdown SOURCE   one table: SOURCE is x86/pmu.c, x86/pmu_lbr.c or\n"
	"                      x86/debug.c (make docs puts it in the doc)\n"
	"  RUN                 a run directory or records file: each row's verdict\n"
	"                      there: pass, FAIL, skip (with the reason), not run\n"
	"                      (the run has no such check) or n/a\n"
	"\n"
	"exit codes:\n"
	"  0  done; for RUN, no check of the tables failed\n"
	"  1  a check of the tables failed in RUN, or RUN was unreadable\n"
	"  2  usage: a bad command line\n";

static const struct parity_table *table_of(const char *source)
{
	const struct parity_table *t = parity_find(source);

	if (!t)
		cli_usage_error("parity", "--markdown '%s': no such table (x86/pmu.c, "
				"x86/pmu_lbr.c, x86/debug.c)", source);
	return t;
}

int cmd_parity(int argc, char **argv)
{
	const char *source = NULL, *run = NULL, *v;
	char path[4096];
	struct stream *s;
	bool failed = false;

	for (int i = 1; i < argc; i++) {
		if ((v = cli_opt(argc, argv, &i, "parity", "--markdown")))
			source = v;
		else if (argv[i][0] == '-' && argv[i][1])
			cli_usage_error("parity", "unknown option '%s'", argv[i]);
		else if (!run)
			run = argv[i];
		else
			cli_usage_error("parity", "one RUN only, not also '%s'", argv[i]);
	}
	if (source && run)
		cli_usage_error("parity", "--markdown or RUN, not both");
	if (source) {
		parity_markdown(stdout, table_of(source));
		return EXIT_OK;
	}
	if (!run) {
		for (unsigned t = 0; t < PARITY_TABLES; t++) {
			printf("%s## kvm-unit-tests %s\n\n", t ? "\n" : "", parity_tables[t]->source);
			parity_markdown(stdout, parity_tables[t]);
		}
		return EXIT_OK;
	}
	s = load_stream("parity", run, path, sizeof(path));
	if (!s)
		return EXIT_ERROR;
	printf("source    %s\n", path);
	for (unsigned t = 0; t < PARITY_TABLES; t++) {
		putchar('\n');
		failed |= parity_print_table(stdout, parity_tables[t], s);
	}
	stream_free(s);
	return failed ? EXIT_ERROR : EXIT_OK;
}
