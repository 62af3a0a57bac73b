/* kvm-unit-tests parity: for each check of kvm-unit-tests' x86/pmu.c,
 * x86/pmu_lbr.c and x86/debug.c, the pmulab check that tests the same
 * property, or why none applies without an OS or a hypervisor. One table a
 * file (pmu.c, lbr.c, debug.c here); the docs' parity tables are printed
 * from them and a run's report says which of the checks passed. */
#ifndef PMULAB_PARITY_H
#define PMULAB_PARITY_H

struct parity_row {
	const char *kut;	/* kvm-unit-tests' test: its function, then the
				 * name report() gives it ("check_rdpmc: fast-0") */
	const char *property;	/* what both check, in a line */
	const char *check;	/* the pmulab check name; a trailing '*' makes it
				 * a prefix. NULL: none applies (why says why) */
	const char *unit;	/* the unit test that sees the check fail on a
				 * model faulty in exactly that property:
				 * "test_pmu: cmask-ignored" */
	const char *why;	/* check == NULL: why it does not apply here */
};

struct parity_table {
	const char *source;	/* "x86/pmu.c" */
	const char *doc;	/* the doc holding the table: "docs/pmu.md" */
	const struct parity_row *rows;
	unsigned n;
};

extern const struct parity_table parity_pmu, parity_lbr, parity_debug;

#endif
