/* suite=probes' #DB cases (kernel-side/probes/dbcase.c) on the model CPU of
 * tests/unit/models/db_sim.c, each case's instructions as db_cases.asm has
 * them: a faithful model passes every case; a model wrong in one property
 * fails exactly the cases that test it (each fault below, by name, is what
 * host/parity/debug.c cites); QEMU TCG's deviations together give exactly
 * the lines the table expects under TCG. */
#include <stddef.h>
#include "kernel-side/cpu/debugreg.h"
#include "kernel-side/probes/dbcase.h"
#include "host/parity/parity.h"
#include "lib/check.h"
#include "lib/record.h"
#include "tests/unit/models/db_sim.h"
#include "tests/unit/models/hw_sim.h"
#include "tests/unit/unit.h"

/* The DR4 checks, after the cases in a fault's mask. */
#define DR4_ALIAS	DB_CASES
#define DR4_UD		(DB_CASES + 1)
#define BIT_CASE(c)	(1u << (c))
#define SS_ALL	(BIT_CASE(DB_SS_BASIC) | BIT_CASE(DB_SS_EMULATED) | BIT_CASE(DB_SS_STI) |	\
		 BIT_CASE(DB_SS_MOVSS) | BIT_CASE(DB_SS_MOVSS_ICEBP) |			\
		 BIT_CASE(DB_SS_MOVSS_GD) | BIT_CASE(DB_SS_STI_HLT))
#define MOVSS_WATCH (BIT_CASE(DB_MOVSS_ICEBP) | BIT_CASE(DB_MOVSS_INT1) | BIT_CASE(DB_MOVSS_INT3))

static u64 watched;
static unsigned failed_dr4;	/* DR4 checks seen failing, as case bits */

static void sink(const char *l, size_t len, void *ctx)
{
	if (memmem(l, len, "name=probes.db.dr4-alias result=fail", 36))
		failed_dr4 |= BIT_CASE(DR4_ALIAS);
	if (memmem(l, len, "name=probes.db.dr4-ud result=fail", 33))
		failed_dr4 |= BIT_CASE(DR4_UD);
}

static void to_handler(unsigned vector, u64 rip, u64 *rflags)
{
	struct trapframe tf = { .vector = vector, .rip = rip, .rflags = *rflags };

	CHECK(db_log_trap(&tf));
	*rflags = tf.rflags;
}

/* Case c's instructions, registers as probes_db.c sets them. */
static bool run_case(enum db_case c, bool tcg)
{
	struct db_insn p[12], *q = p;
	u64 w = (u64)(uintptr_t)&watched, dr6 = DR6_INIT, dr7 = DR7_FIXED_1;
	unsigned start = 0;

#define I(op, len) (*q++ = (struct db_insn){ op, len, 0 })
#define AT(op, len, a) (*q++ = (struct db_insn){ op, len, a })
#define START (start = (unsigned)(q - p))
#define STEP_TAIL(and_first)						\
	do {								\
		if (and_first)						\
			I(DBI_PLAIN, 6);				\
		I(DBI_PLAIN, 1);					\
		I(DBI_TF_OFF, 1);					\
		I(DBI_PLAIN, 7);					\
	} while (0)
	switch (c) {
	case DB_SS_BASIC:
		I(DBI_TF_ON, 1); I(DBI_PLAIN, 6); START; STEP_TAIL(false);
		break;
	case DB_SS_EMULATED:
		I(DBI_TF_ON, 1); I(DBI_PLAIN, 6); START; I(DBI_PLAIN, 1); I(DBI_PLAIN, 3);
		I(DBI_IO, 2); I(DBI_PLAIN, 5); I(DBI_IO, 1); I(DBI_TF_OFF, 1); I(DBI_PLAIN, 7);
		break;
	case DB_SS_STI:
		I(DBI_TF_ON, 1); I(DBI_STI, 1); START; STEP_TAIL(true);
		break;
	case DB_SS_STI_HLT:
		I(DBI_TF_ON, 1); I(DBI_STI, 1); START; I(DBI_HLT, 1); STEP_TAIL(true);
		break;
	case DB_SS_MOVSS:
		I(DBI_TF_ON, 1); I(DBI_MOVSS, 2); I(DBI_PLAIN, 6); START; STEP_TAIL(false);
		break;
	case DB_SS_MOVSS_ICEBP:
		I(DBI_TF_ON, 1); I(DBI_MOVSS, 2); I(DBI_ICEBP, 1); START; I(DBI_ICEBP, 1);
		STEP_TAIL(true);
		break;
	case DB_SS_MOVSS_GD:
		dr7 |= DR7_GD;
		I(DBI_TF_ON, 1); I(DBI_MOVSS, 2); START; I(DBI_MOVDR, 3); STEP_TAIL(true);
		break;
	case DB_INT3:
		I(DBI_INT3, 1); START; I(DBI_PLAIN, 7);
		break;
	case DB_EXEC_BS:
		dr6 |= DR6_BS | DR6_B(1);
		/* fall through */
	case DB_EXEC:
		dr7 |= DR7_G(2);
		I(DBI_PLAIN, 1); I(DBI_PLAIN, 1);
		break;
	case DB_WATCH_BS:
		dr6 |= DR6_BS;
		/* fall through */
	case DB_WATCH:
		dr7 = dr7_set(0, 1, DR_RW_WRITE, 4);
		I(DBI_PLAIN, 5); AT(DBI_STORE, 3, w); START; I(DBI_PLAIN, 7);
		break;
	case DB_ICEBP:
		I(DBI_ICEBP, 1); START; I(DBI_PLAIN, 7);
		break;
	case DB_MOVSS_ICEBP:
	case DB_MOVSS_INT1:
	case DB_MOVSS_INT3:
		dr7 = dr7_set(0, 1, DR_RW_READ_WRITE, 4);
		AT(DBI_MOVSS, 2, w); START;
		if (c == DB_MOVSS_ICEBP)
			I(DBI_ICEBP, 3);
		else if (c == DB_MOVSS_INT1)
			I(DBI_INT1, 2);
		else
			I(DBI_INT3, 12);
		I(DBI_PLAIN, 7);
		break;
	case DB_SPLIT_LOCK:
		I(DBI_LOCK, 4);
		break;
	case DB_CASES:
		break;
	}
	I(DBI_END, 0);
	sim_dr(1, w);
	sim_dr(2, db_sim_addr(p, 0));
	sim_dr(6, dr6);
	sim_dr(7, dr7);
	db_log_start();
	return db_case_check(c, db_sim_run(p, start, to_handler), tcg);
}

/* Which cases (and DR4 checks) fail on the model as db_faults has it. */
static unsigned failing(void)
{
	unsigned mask = 0;

	for (unsigned c = 0; c < DB_CASES; c++)
		if (!run_case(c, false))
			mask |= BIT_CASE(c);
	failed_dr4 = 0;
	db_dr4_check();
	return mask | failed_dr4;
}

#define KNOB(f) offsetof(struct db_faults, f)

/* Each fault and the cases that must see it: exactly those. */
static const struct {
	const char *name;
	size_t knob;
	unsigned fails;
} faults[] = {
	{ "no-bs", KNOB(no_bs), SS_ALL },
	{ "bs-spurious", KNOB(bs_spurious), BIT_CASE(DB_EXEC) | BIT_CASE(DB_WATCH) |
	  BIT_CASE(DB_ICEBP) | BIT_CASE(DB_SS_MOVSS_ICEBP) | BIT_CASE(DB_SS_MOVSS_GD) | MOVSS_WATCH },
	{ "bs-cleared", KNOB(bs_cleared), BIT_CASE(DB_EXEC_BS) | BIT_CASE(DB_WATCH_BS) },
	{ "b-kept", KNOB(b_kept), BIT_CASE(DB_EXEC_BS) },
	{ "rf-ignored", KNOB(rf_ignored), BIT_CASE(DB_EXEC) | BIT_CASE(DB_EXEC_BS) },
	{ "popf-no-delay", KNOB(popf_no_delay), SS_ALL },
	{ "io-no-step", KNOB(io_no_step), BIT_CASE(DB_SS_EMULATED) },
	{ "movss-no-block", KNOB(movss_no_block), BIT_CASE(DB_SS_MOVSS) |
	  BIT_CASE(DB_SS_MOVSS_ICEBP) | BIT_CASE(DB_SS_MOVSS_GD) | MOVSS_WATCH },
	{ "icebp-bs", KNOB(icebp_bs), BIT_CASE(DB_ICEBP) | BIT_CASE(DB_SS_MOVSS_ICEBP) |
	  BIT_CASE(DB_MOVSS_ICEBP) },
	{ "int3-rip-at", KNOB(int3_rip_at), BIT_CASE(DB_INT3) | BIT_CASE(DB_MOVSS_INT3) },
	{ "bus-lock-db", KNOB(bus_lock_db), BIT_CASE(DB_SPLIT_LOCK) },
	{ "dr4-unaliased", KNOB(dr4_unaliased), BIT_CASE(DR4_ALIAS) },
	{ "dr4-no-ud", KNOB(dr4_no_ud), BIT_CASE(DR4_UD) },
	{ "sti-blocks", KNOB(sti_blocks), BIT_CASE(DB_SS_STI) | BIT_CASE(DB_SS_STI_HLT) },
	{ "hlt-no-step", KNOB(hlt_no_step), BIT_CASE(DB_SS_STI_HLT) },
	{ "icebp-ud", KNOB(icebp_ud), BIT_CASE(DB_ICEBP) | BIT_CASE(DB_SS_MOVSS_ICEBP) |
	  BIT_CASE(DB_MOVSS_ICEBP) },
	{ "no-gd", KNOB(no_gd), BIT_CASE(DB_SS_MOVSS_GD) },
	{ "movss-no-hold-data", KNOB(movss_no_hold_data), MOVSS_WATCH },
};

static void reset(void)
{
	sim_reset();
	db_sim_reset();
	db_log.gate[0] = DB_SIM_GATE1;
	db_log.gate[1] = DB_SIM_GATE3;
}

static void test_faithful(void)
{
	reset();
	CHECK_U64(failing(), 0);
}

static void test_each_fault(void)
{
	for (unsigned i = 0; i < ARRAY_SIZE(faults); i++) {
		unsigned got;

		reset();
		*((bool *)&db_faults + faults[i].knob) = true;
		got = failing();
		if (got != faults[i].fails)
			printf("fault %s:\n", faults[i].name);
		CHECK_U64(got, faults[i].fails);
	}
}

/* QEMU 7.2 TCG's deviations at once: every case passes, or gives exactly
 * the TCG line the table has, a skip. */
static void test_tcg(void)
{
	u64 skips = check_count(CHECK_SKIP), fails = check_count(CHECK_FAIL);
	unsigned known = 0;

	reset();
	db_faults.sti_blocks = db_faults.hlt_no_step = db_faults.icebp_ud = true;
	db_faults.no_gd = db_faults.movss_no_hold_data = true;
	for (unsigned c = 0; c < DB_CASES; c++) {
		known += db_cases[c].tcg != NULL;
		CHECK(run_case(c, true) == !db_cases[c].tcg);
	}
	CHECK_U64(check_count(CHECK_SKIP) - skips, known);
	CHECK_U64(check_count(CHECK_FAIL) - fails, 0);
}

/* The line's forms: offsets either side of the start, the gates, "out". */
static void test_line(void)
{
	char buf[128];

	reset();
	db_log_start();
	CHECK_STR(db_log_line(0x2000, buf, sizeof(buf)), "-");
	db_log.hit[0] = (struct db_hit){ 1, 0x1ffe, DR6_INIT | DR6_BS };
	db_log.hit[1] = (struct db_hit){ 3, 0x2003, DR6_INIT };
	db_log.hit[2] = (struct db_hit){ 1, DB_SIM_GATE1, DR6_INIT | DR6_B(1) };
	db_log.hit[3] = (struct db_hit){ 6, 0x9000, DR6_INIT };
	db_log.n = 4;
	CHECK_STR(db_log_line(0x2000, buf, sizeof(buf)), "-2:BS +3:#BP gate1:B1 out:#UD");
}

/* The case (or DR4 check) a probes.db check name is, -1 for none. */
static int case_of(const char *check)
{
	char name[64];

	for (unsigned c = 0; c < DB_CASES; c++) {
		snprintf(name, sizeof(name), "probes.db.%s", db_cases[c].name);
		if (!strcmp(check, name) || (!strncmp(check, name, strlen(name)) &&
					     !strcmp(check + strlen(name), "*")))
			return (int)c;
	}
	if (!strcmp(check, "probes.db.dr4-alias"))
		return DR4_ALIAS;
	return strcmp(check, "probes.db.dr4-ud") ? -1 : DR4_UD;
}

/* host/parity/debug.c: every row names a case and a fault here that fails
 * it, or says why not; every case has its row. */
static void test_parity_rows(void)
{
	unsigned covered = 0;

	for (unsigned r = 0; r < parity_debug.n; r++) {
		const struct parity_row *row = &parity_debug.rows[r];
		int c = row->check ? case_of(row->check) : -1;
		bool found = false;

		CHECK(row->check ? row->unit && !row->why : row->why && !row->unit);
		if (!row->check)
			continue;
		CHECK(c >= 0);
		for (unsigned i = 0; c >= 0 && i < ARRAY_SIZE(faults); i++)
			if (!strncmp(row->unit, "test_dbcase: ", 13) &&
			    !strcmp(row->unit + 13, faults[i].name))
				found = faults[i].fails & BIT_CASE(c);
		if (!found)
			printf("parity row %s: %s does not fail %s\n", row->kut, row->unit, row->check);
		CHECK(found);
		covered |= c >= 0 ? BIT_CASE(c) : 0;
	}
	CHECK_U64(covered, BIT_CASE(DB_CASES + 2) - 1);
}

int main(void)
{
	rec_set_sink(sink, NULL);
	test_line();
	test_faithful();
	test_each_fault();
	test_tcg();
	test_parity_rows();
	return unit_done("dbcase");
}
