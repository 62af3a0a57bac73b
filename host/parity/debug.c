/* kvm-unit-tests x86/debug.c and the pmulab checks that test the same (parity.h).
 * pmulab's are suite=probes' #DB cases (kernel-side/probes/dbcase.c); each
 * fails on the model CPU of tests/unit/models/db_sim.c made wrong in the
 * property (the fault named, tests/unit/kernel/test_dbcase.c). */
#include "host/parity/parity.h"

#define ROW(k, p, c, u) { .kut = (k), .property = (p), .check = (c), .unit = (u) }
#define NONE(k, p, w) { .kut = (k), .property = (p), .why = (w) }

/* kvm-unit-tests runs these a second time at CPL 3 (IOPL 3). */
#define WHY_RING3 "pmulab runs every section at CPL 0 in the firmware's flat 64-bit " \
	"segments and has no ring-3 code, segments or page mappings; the CPL 0 case " \
	"checks the same #DB log"

static const struct parity_row rows[] = {
	ROW("bus_lock_test: CPL0 Split Lock #AC", "a LOCK CMPXCHG split across cache lines "
	  "at CPL 0 raises neither #AC nor #DB and stores its value", "probes.db.split-lock*",
	  "test_dbcase: bus-lock-db"),
	NONE("bus_lock_test: CPL3 Bus Lock #DB", "a bus lock at CPL 3 raises no #DB while "
	  "bus-lock detection is off", "bus-lock #DB is raised only at CPL 3 "
	  "(IA32_DEBUGCTL.BLD, CPUID.7.0:ECX[24]) and pmulab has no ring-3 code; its CPL 0 "
	  "bus lock is probes.db.split-lock"),
	ROW("main: DR4==DR6 with CR4.DE == 0", "with CR4.DE=0, DR4 reads DR6",
	  "probes.db.dr4-alias", "test_dbcase: dr4-unaliased"),
	ROW("main: DR4 read got #UD with CR4.DE == 1", "with CR4.DE=1, MOV from DR4 is #UD",
	  "probes.db.dr4-ud", "test_dbcase: dr4-no-ud"),
	ROW("main: #BP", "INT3 is a trap: #BP's RIP is past it", "probes.db.int3",
	  "test_dbcase: int3-rip-at"),
	ROW("main: Wanted #DB on hw_bp1", "an execute breakpoint in DR2 faults at the "
	  "instruction with DR6 = B2 only, and RF resumes it once", "probes.db.exec-dr2",
	  "test_dbcase: rf-ignored"),
	ROW("main: Wanted #DB on hw_bp2", "a #DB clears B0-B3 it does not report and leaves "
	  "the BS software set", "probes.db.exec-dr2-bs-kept", "test_dbcase: b-kept"),
	ROW("singlestep_basic: Single-step #DB basic test", "TF set by POPF traps after the "
	  "next instruction, then after each, DR6 = BS", "probes.db.ss-basic",
	  "test_dbcase: popf-no-delay"),
	NONE("singlestep_basic: Usermode Single-step #DB basic test", "the same at CPL 3", WHY_RING3),
	ROW("singlestep_emulated_instructions: Single-step #DB on emulated instructions",
	  "CPUID and IN (which a hypervisor emulates) are single-stepped like any other",
	  "probes.db.ss-emulated", "test_dbcase: io-no-step"),
	NONE("singlestep_emulated_instructions: Usermode Single-step #DB on emulated "
	  "instructions", "the same at CPL 3", WHY_RING3),
	ROW("singlestep_with_sti_blocking: Single-step #DB w/ STI blocking", "STI's interrupt "
	  "shadow does not hold off the single step", "probes.db.ss-sti",
	  "test_dbcase: sti-blocks"),
	NONE("singlestep_with_sti_blocking: Usermode Single-step #DB w/ STI blocking",
	  "the same at CPL 3", WHY_RING3),
	ROW("singlestep_with_movss_blocking: Single-step #DB w/ MOVSS blocking", "MOV SS "
	  "holds its single step over to the end of the next instruction",
	  "probes.db.ss-movss", "test_dbcase: movss-no-block"),
	NONE("singlestep_with_movss_blocking: Usermode Single-step #DB w/ MOVSS blocking",
	  "the same at CPL 3", WHY_RING3),
	ROW("singlestep_with_movss_blocking_and_icebp: Single-Step + ICEBP #DB w/ MOVSS "
	  "blocking", "ICEBP in MOV SS's shadow still raises its trap-like #DB, without BS",
	  "probes.db.ss-movss-icebp", "test_dbcase: icebp-bs"),
	NONE("singlestep_with_movss_blocking_and_icebp: Usermode Single-Step + ICEBP #DB w/ "
	  "MOVSS blocking", "the same at CPL 3", WHY_RING3),
	ROW("singlestep_with_movss_blocking_and_dr7_gd: Single-step #DB w/ MOVSS blocking and "
	  "DR7.GD=1", "general detect faults on a MOV to DR6 in MOV SS's shadow (DR6 = BD), "
	  "clears GD, and the MOV is stepped when it runs again", "probes.db.ss-movss-gd",
	  "test_dbcase: no-gd"),
	ROW("singlestep_with_sti_hlt: Single-step #DB w/ STI;HLT", "the step after STI, then "
	  "after HLT once a timer interrupt wakes it", "probes.db.ss-sti-hlt",
	  "test_dbcase: hlt-no-step"),
	ROW("main: hw watchpoint (test that dr6.BS is not cleared)", "a 4-byte write "
	  "watchpoint in DR1 traps past the store with B1, keeping the BS software set",
	  "probes.db.watch-bs-kept", "test_dbcase: bs-cleared"),
	ROW("main: hw watchpoint (test that dr6.BS is not set)", "the same watchpoint does "
	  "not set BS", "probes.db.watch-bs-not-set", "test_dbcase: bs-spurious"),
	ROW("main: icebp", "ICEBP (INT1) raises a trap-like #DB reporting no condition",
	  "probes.db.icebp", "test_dbcase: icebp-bs"),
	ROW("main: MOV SS + watchpoint + ICEBP", "a read watchpoint hit by MOV SS is held "
	  "over the next instruction; ICEBP's one #DB carries it",
	  "probes.db.movss-watch-icebp", "test_dbcase: movss-no-hold-data"),
	ROW("main: MOV SS + watchpoint + int $1", "held over INT 1: the INT is delivered, "
	  "then the held #DB at its gate's first instruction", "probes.db.movss-watch-int1",
	  "test_dbcase: movss-no-hold-data"),
	ROW("main: MOV SS + watchpoint + INT3", "held over INT3: #BP delivered, then the "
	  "held #DB at its gate's first instruction", "probes.db.movss-watch-int3",
	  "test_dbcase: movss-no-hold-data"),
};

const struct parity_table parity_debug = {
	.source = "x86/debug.c",
	.doc = "docs/probes.md",
	.rows = rows,
	.n = sizeof(rows) / sizeof(rows[0]),
};
