/* suite=probes' #DB cases (kvm-unit-tests x86/debug.c's properties): the
 * handler that logs each #DB and #BP a case raises, the log as a line, and
 * the line the SDM says each case gives. Pure but for the debug registers,
 * so the unit tests run the cases on a model CPU (tests/unit/models/db_sim.c). */
#ifndef PMULAB_DBCASE_H
#define PMULAB_DBCASE_H

#include "kernel-side/owned/trap.h"

/* The longest case logs 7; a runaway (an execute breakpoint faulting again
 * without RF, a single step never turned off) is stopped at this many. */
#define DB_LOG_MAX 10
/* How far past its start a case's code reaches (db_cases.asm: 14 bytes):
 * a RIP beyond is named "out". */
#define DB_CASE_SPAN 64

struct db_hit {
	u64 vector, rip, dr6;
};

struct db_log {
	struct db_hit hit[DB_LOG_MAX];
	unsigned n;
	/* The #DB and #BP gates' first instructions, named "gate1"/"gate3" in
	 * the line: where a #DB held over an INT n lands. */
	u64 gate[2];
};
extern struct db_log db_log;

enum db_case {
	DB_SS_BASIC, DB_SS_EMULATED, DB_SS_STI, DB_SS_MOVSS, DB_SS_MOVSS_ICEBP,
	DB_SS_MOVSS_GD, DB_SS_STI_HLT, DB_INT3, DB_EXEC, DB_EXEC_BS, DB_WATCH_BS, DB_WATCH,
	DB_ICEBP, DB_MOVSS_ICEBP, DB_MOVSS_INT1, DB_MOVSS_INT3, DB_SPLIT_LOCK,
	DB_CASES
};

struct db_case_want {
	const char *name;	/* check probes.db.<name> */
	const char *want;	/* the SDM's line (db_log_line) */
	const char *tcg;	/* QEMU TCG's line where it differs, else NULL */
	const char *tcg_why;	/* the skip's reason: what TCG does not model */
};
extern const struct db_case_want db_cases[DB_CASES];

/* Empties the log (keeping the gates). */
void db_log_start(void);
/* The #DB, #BP and #UD handler while a case runs (trap_set_handler): logs
 * the vector, RIP and DR6, resets DR6 (sticky), sets RF after an execute
 * breakpoint, steps over an undefined opcode. */
bool db_log_trap(struct trapframe *tf);
/* The log relative to base: "+0:BS +1:BS", a #BP as "+0:#BP" (#UD too), DR6's
 * conditions as dr6_decode() names them ("none": ICEBP, INT n); "-" when
 * empty; a RIP before base as "-1", one far from it as "out". */
const char *db_log_line(u64 base, char *buf, size_t size);
/* check probes.db.<name>: the log from base against the SDM's line; under
 * TCG (tcg), TCG's known line instead is a skip with its reason, value and
 * the SDM's line as expect. True when the SDM's line was seen. */
bool db_case_check(enum db_case c, u64 base, bool tcg);
/* checks probes.db.dr4-alias (CR4.DE=0: DR4 reads DR6) and
 * probes.db.dr4-ud (CR4.DE=1: #UD); CR4 is put back. */
void db_dr4_check(void);

#endif
