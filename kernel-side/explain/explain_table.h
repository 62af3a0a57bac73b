/* Explain mode's decode table (explain_table.c): every MSR and debug
 * register explain.c can name, with its fields, each mask the constant the
 * drivers use. */
#ifndef PMULAB_EXPLAIN_TABLE_H
#define PMULAB_EXPLAIN_TABLE_H

#include "lib/events.h"

enum field_kind {
	FLD_FLAG,	/* the name when the bit is set */
	FLD_HEX,	/* name=0x.. (shifted down), always */
	FLD_HEX_NZ,	/* the same, only when not zero */
	FLD_ADDR,	/* name=0x.. in place (not shifted): a physical address */
	FLD_COUNTERS,	/* the bits as counters: gp0 gp1 fixed0 (pmu.h numbering) */
	FLD_FIXED_CTRL,	/* 4 bits per fixed counter: fixed0=OS|USR|PMI */
	FLD_QUIET,	/* known, not shown: bits that read as 1 */
	FLD_DR_RW,	/* DR7 R/Wn: exec, write, io, rw (when n is enabled or set) */
	FLD_DR_LEN,	/* DR7 LENn: the length in bytes (likewise) */
};

struct msr_field {
	const char *name;
	u64 mask;
	enum field_kind kind;
};

struct msr_desc {
	u32 msr, count, stride;		/* count registers, stride apart */
	const char *name;		/* with %u for the index when count > 1 */
	const struct msr_field *fields;	/* NULL-named end; NULL: a plain value */
	enum cpu_vendor events;		/* an event selector of this vendor's */
	bool counter;			/* the value is a count */
};

struct dr_desc {
	unsigned n;			/* DRn */
	const struct msr_field *fields;	/* NULL: a linear address */
};

/* The row of msr, and which of its count registers msr is; NULL when the
 * table lacks it. */
const struct msr_desc *explain_msr_desc(u32 msr, unsigned *index);
/* The row of DRn; NULL for a debug register the table lacks. */
const struct dr_desc *explain_dr_desc(unsigned n);

#endif
