/* The kvm-unit-tests parity tables (host/parity): every row of the three
 * names a check or says why none applies, the markdown the docs hold, and
 * each row's verdict in a run. */
#include <stdlib.h>
#include "host/parity/parity_run.h"
#include "tests/unit/models/streams.h"
#include "tests/unit/unit.h"

static const struct parity_row rows[] = {
	{ "check_rdpmc: fast", "RDPMC with bit 31 reads the low 32 bits", "pmu.rdpmc.fast*",
	  "test_pmu: rdpmc-fast-full", NULL },
	{ "check_counters_many", "every counter at once", "pmu.many", "test_pmu: last-idle", NULL },
	{ "check_emulated_instr", "KVM's emulator counts what it emulates", NULL, NULL,
	  "no hypervisor | no emulator" },
	{ "check_running_counter_wrmsr", "a counter written while it runs", "pmu.wrmsr-running",
	  "test_pmu: wrmsr-running-lost", NULL },
};

static const struct parity_table table = {
	.source = "x86/test.c", .doc = "docs/test.md", .rows = rows,
	.n = sizeof(rows) / sizeof(rows[0]),
};

static char *text(void (*fn)(FILE *, const struct parity_table *), const struct parity_table *t)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	fn(f, t);
	fclose(f);
	return buf;
}

static void test_tables_well_formed(void)
{
	for (unsigned t = 0; t < PARITY_TABLES; t++) {
		const struct parity_table *pt = parity_tables[t];

		CHECK(pt->source && pt->doc && (pt->n == 0 || pt->rows));
		CHECK(parity_find(pt->source) == pt);
		for (unsigned i = 0; i < pt->n; i++) {
			const char *why = parity_row_problem(&pt->rows[i]);

			if (why)
				printf("FAIL: %s row %u (%s): %s\n", pt->source, i,
				       pt->rows[i].kut ? pt->rows[i].kut : "?", why);
			CHECK(why == NULL);
		}
	}
	CHECK(parity_find("x86/none.c") == NULL);
}

static void test_row_problems(void)
{
	const struct parity_row both = { "t", "p", "pmu.x", NULL, "why" };
	const struct parity_row neither = { "t", "p", NULL, NULL, NULL };
	const struct parity_row unit_alone = { "t", "p", NULL, "test_pmu: x", "why" };
	const struct parity_row unnamed = { "", "p", "pmu.x", "test_pmu: x", NULL };
	const struct parity_row vague = { "t", NULL, "pmu.x", "test_pmu: x", NULL };
	const struct parity_row unseen = { "t", "p", "pmu.x", NULL, NULL };

	CHECK_STR(parity_row_problem(&both), "both a check and a why");
	CHECK_STR(parity_row_problem(&neither), "neither a check nor a why");
	CHECK_STR(parity_row_problem(&unit_alone), "a unit test but no check");
	CHECK_STR(parity_row_problem(&unnamed), "no kvm-unit-tests test named");
	CHECK_STR(parity_row_problem(&vague), "no property");
	CHECK_STR(parity_row_problem(&unseen), "a check no unit test is seen to fail");
	for (unsigned i = 0; i < table.n; i++)
		CHECK(parity_row_problem(&rows[i]) == NULL);
}

static void test_markdown(void)
{
	char *md = text(parity_markdown, &table);

	CHECK_STR(md,
		  "| kvm-unit-tests | property | pmulab check | seen failing in |\n"
		  "|---|---|---|---|\n"
		  "| check_rdpmc: fast | RDPMC with bit 31 reads the low 32 bits | "
		  "`pmu.rdpmc.fast*` | test_pmu: rdpmc-fast-full |\n"
		  "| check_counters_many | every counter at once | `pmu.many` | test_pmu: last-idle |\n"
		  "| check_emulated_instr | KVM's emulator counts what it emulates | "
		  "n/a: no hypervisor \\| no emulator | - |\n"
		  "| check_running_counter_wrmsr | a counter written while it runs | "
		  "`pmu.wrmsr-running` | test_pmu: wrmsr-running-lost |\n");
	free(md);
}

static void test_matches(void)
{
	CHECK(parity_matches("pmu.many", "pmu.many", "pmu-check"));
	CHECK(parity_matches("pmu.many", "pmu.many.pmu-check", "pmu-check"));
	CHECK(parity_matches("pmu.many", "pmu.many.pmu-check.2", "pmu-check"));
	CHECK(!parity_matches("pmu.many", "pmu.many.pmu-check.x", "pmu-check"));
	CHECK(!parity_matches("pmu.many", "pmu.many.pmu-check.", "pmu-check"));
	CHECK(!parity_matches("pmu.many", "pmu.many.caps", "pmu-check"));
	CHECK(!parity_matches("pmu.many", "pmu.many.pmu-check", NULL));
	CHECK(!parity_matches("pmu.many", "pmu.manyx", "pmu-check"));
	CHECK(!parity_matches("pmu.many", "pmu.man", "pmu-check"));
	CHECK(parity_matches("pmu.rdpmc.fast*", "pmu.rdpmc.fast", "pmu-check"));
	CHECK(parity_matches("pmu.rdpmc.fast*", "pmu.rdpmc.fast.gp3", NULL));
	CHECK(!parity_matches("pmu.rdpmc.fast*", "pmu.rdpmc.slow", NULL));
}

static const char *const run[] = {
	"hello format=1 payload=0.1.0 firmware=EDK_II boot=qemu",
	"check name=pmu.rdpmc.fast.gp0 result=pass section=pmu-check",
	"check name=pmu.rdpmc.fast.gp1 result=fail section=pmu-check value=1 expected=2",
	"check name=pmu.rdpmc.fast.fixed0 result=skip section=pmu-check reason=no-fixed",
	"check name=pmu.many result=skip section=pmu-check reason=no-arch-pmu",
	"check name=pmu.many.lbr-check result=skip section=lbr-check reason=no-pdcm",
	"end count=6 status=error",
	NULL,
};

static void test_judge(void)
{
	struct stream *s = stream_of(run);
	struct parity_verdict v;

	parity_judge(&rows[0], s, &v);
	CHECK_U64(v.state, PARITY_FAIL);
	CHECK_U64(v.pass, 1);
	CHECK_U64(v.fail, 1);
	CHECK_U64(v.skip, 1);
	CHECK_STR(v.failed, "pmu.rdpmc.fast.gp1");
	CHECK_STR(v.reason, "no-fixed");
	parity_judge(&rows[1], s, &v);
	CHECK_U64(v.state, PARITY_SKIP);
	CHECK_U64(v.skip, 2);
	CHECK_STR(v.reason, "no-arch-pmu");
	parity_judge(&rows[2], s, &v);
	CHECK_U64(v.state, PARITY_NA);
	parity_judge(&rows[3], s, &v);
	CHECK_U64(v.state, PARITY_NOT_RUN);
	CHECK_U64(v.pass + v.fail + v.skip, 0);
	stream_free(s);
}

static void test_run_text(void)
{
	struct stream *s = stream_of(run);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	CHECK(parity_print_table(f, &table, s));
	parity_count(f, &table, s);
	fclose(f);
	CHECK_STR(buf,
		  "kvm-unit-tests x86/test.c (docs/test.md): 4 rows\n"
		  "  FAIL    check_rdpmc: fast: pmu.rdpmc.fast*, 1 fail (pmu.rdpmc.fast.gp1), "
		  "1 pass, 1 skip (no-fixed)\n"
		  "  skip    check_counters_many: pmu.many skipped (no-arch-pmu)\n"
		  "  n/a     check_emulated_instr: no hypervisor | no emulator\n"
		  "  not run check_running_counter_wrmsr: pmu.wrmsr-running not in this run\n"
		  "  x86/test.c     0 pass, 1 fail, 1 skip, 1 not run, 1 n/a\n");
	free(buf);
	stream_free(s);
}

int main(void)
{
	streams_init();
	test_tables_well_formed();
	test_row_problems();
	test_markdown();
	test_matches();
	test_judge();
	test_run_text();
	return unit_done("parity");
}
