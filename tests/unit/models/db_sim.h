/* A model CPU's debug exceptions, for kernel-side/probes/dbcase.c: it runs a
 * case's instructions as the SDM says they raise #DB and #BP (Vol3B 18.3,
 * Vol3A 6.8.3), into dbcase.c's handler, with DR6/DR7 in hw_sim.c. Each
 * fault knob makes it wrong in one property, so a check is seen to fail;
 * the TCG knobs are QEMU's deviations. Also DR4 under CR4.DE (Vol3B 18.2.2). */
#ifndef PMULAB_DB_SIM_H
#define PMULAB_DB_SIM_H

#include "lib/types.h"

enum db_op {
	DBI_PLAIN,	/* runs, touches nothing watched */
	DBI_IO,		/* CPUID or IN: a hypervisor emulates it */
	DBI_TF_ON,	/* POPF setting TF */
	DBI_TF_OFF,	/* POPF clearing TF */
	DBI_STI,
	DBI_HLT,	/* woken by an interrupt */
	DBI_MOVSS,	/* from addr when addr != 0 */
	DBI_MOVDR,
	DBI_STORE,	/* to addr */
	DBI_ICEBP,	/* len - 1 prefixes, then F1 */
	DBI_INT1,	/* INT 1 */
	DBI_INT3,	/* prefixes, then CC */
	DBI_LOCK,	/* a bus lock */
	DBI_END
};

struct db_insn {
	enum db_op op;
	u8 len;
	u64 addr;
};

struct db_faults {
	bool no_bs;		/* a single step leaves DR6.BS clear */
	bool bs_spurious;	/* every #DB sets BS */
	bool bs_cleared;	/* a #DB clears the BS software set */
	bool b_kept;		/* a #DB leaves B0-B3 as they were */
	bool rf_ignored;	/* RF does not hold off an execute breakpoint */
	bool popf_no_delay;	/* TF set by POPF traps after the POPF itself */
	bool io_no_step;	/* no single step after an emulated instruction */
	bool movss_no_block;	/* MOV SS holds off nothing */
	bool icebp_bs;		/* ICEBP's #DB sets BS */
	bool int3_rip_at;	/* #BP reports the INT3's own address */
	bool bus_lock_db;	/* a CPL 0 bus lock raises #DB */
	bool dr4_unaliased;	/* CR4.DE=0: DR4 reads 0, not DR6 */
	bool dr4_no_ud;		/* CR4.DE=1: DR4 reads DR6, no #UD */
	/* QEMU TCG's */
	bool sti_blocks;	/* STI's shadow holds off the single step */
	bool hlt_no_step;	/* HLT woken by an interrupt is not stepped */
	bool icebp_ud;		/* ICEBP is #UD */
	bool no_gd;		/* DR7.GD raises nothing */
	bool movss_no_hold_data; /* MOV SS holds steps off, not data breakpoints */
};
extern struct db_faults db_faults;

/* Where the model's #DB and #BP gates are (dbcase.h's db_log.gate). */
#define DB_SIM_GATE1	0x1000ull
#define DB_SIM_GATE3	0x3000ull

/* The address prog[i] will run at (the model's code buffer). */
u64 db_sim_addr(const struct db_insn *prog, unsigned i);
/* The CPU delivering an exception: the vector, the RIP and RFLAGS it
 * pushes; the handler may change *rflags, which the IRET then loads. */
typedef void (*db_sim_deliver_fn)(unsigned vector, u64 rip, u64 *rflags);
/* Runs prog up to DBI_END; returns prog[start]'s address. */
u64 db_sim_run(const struct db_insn *prog, unsigned start, db_sim_deliver_fn deliver);
/* Back to a faithful CPU, CR4 = 0. */
void db_sim_reset(void);

#endif
