/* Statistical sampling (docs/sampling.md): an interrupt every `period` events
 * records where the CPU was and the call chain that led there. The source is
 * a PMU counter's overflow interrupt (PMI, through the LAPIC's LVTPC) or,
 * where there is no PMU, the LAPIC timer. Samples go to a buffer; records are
 * made from it after the workload, never in the handler. */
#ifndef PMULAB_SAMPLE_H
#define PMULAB_SAMPLE_H

#include "kernel-side/lbr/lbr.h"
#include "kernel-side/owned/trap.h"

#define SAMPLE_STACK_MAX 16
#define SAMPLE_LBR_MAX	32	/* LBR entries kept per sample, newest first */

enum sample_src { SAMPLE_SRC_NONE, SAMPLE_SRC_TIMER, SAMPLE_SRC_PMI };

struct sample {
	u64 rip;
	/* [rsp] and [rsp+8] at the interrupt: the return address when the
	 * function had no frame there (sample_callers) */
	u64 sp_word[2];
	u32 depth;
	u64 stack[SAMPLE_STACK_MAX];	/* return addresses on the RBP chain, innermost first */
	u32 nlbr;
	struct lbr_entry lbr[SAMPLE_LBR_MAX];	/* PMI with LBR: the ring at the PMI */
};

struct sampler {
	/* Set by the caller */
	enum sample_src src;
	u64 period;			/* events (PMI) or LAPIC timer ticks at divide 1 */
	bool random;			/* each period drawn from period +- period/8 */
	u64 seed;			/* for random */
	const struct pmu_caps *pc;	/* PMI: the PMU, */
	unsigned counter;		/* its counter (PMC_FIXED + j for fixed j) */
	u64 config;			/* and the selector's event bits */
	const struct lbr_caps *lc;	/* PMI: read the LBR at each PMI (NULL: no) */
	struct sample *buf;
	unsigned max;
	u64 stack_hi;			/* no frame is read at or above it */

	/* Filled in */
	const struct pmu_ops *ops;
	u64 rng;
	bool active;
	unsigned n;			/* samples in buf */
	u64 interrupts;			/* handler runs with sampling on */
	u64 lost;			/* samples that found buf full */
	u64 throttled;			/* the next period ended before the handler did */
	u64 spurious;			/* PMIs with no overflow of our counter */
	int err;			/* first driver error */
	bool lbr_on;			/* the run recorded the LBR (lbr_start() took) */
	u64 lbr_pmis;			/* PMIs of our counter with the LBR on */
	u64 lbr_frozen;			/* of them, those that found it frozen */
};

/* Arms the source (the LAPIC must be owned: apic_own()); the caller has
 * routed the vector (APIC_TIMER_VECTOR or APIC_PMI_VECTOR) to sample_irq. */
int sample_start(struct sampler *s);
/* Disarms it; an interrupt still pending only gets its EOI. */
void sample_stop(struct sampler *s);
/* check name=lbr.freeze-on-pmi: every PMI of the run that found the LBR
 * recording found it frozen by the PMI itself (DEBUGCTL.FREEZE_LBRS_ON_PMI,
 * which lbr_start() sets without call-stack mode, as here), so the ring ends
 * at the interrupted code, not in the handler. A skip saying why where there
 * was no LBR, no PMI source or no PMI. */
void sample_check_lbr_freeze(const struct sampler *s);
/* The interrupt handler for both sources (trap_set_handler). */
bool sample_irq(struct trapframe *tf);

/* The next period: s->period, or with s->random a draw from
 * [period - period/8, period + period/8]. */
u64 sample_next_period(struct sampler *s);

/* Return addresses along the RBP chain from rbp, innermost first, while each
 * frame lies above the last one, inside [lo, hi) and 8-aligned, so a corrupt
 * chain ends the walk instead of faulting. */
unsigned sample_fp_walk(u64 rbp, u64 lo, u64 hi, u64 *out, unsigned max);

/* A sample's callers, innermost first: the RBP chain, preceded by the caller
 * it misses when the sampled function had no frame of its own at that
 * instruction -- at its first instruction, between push %rbp and mov
 * %rsp,%rbp, at its ret, or throughout a leaf GCC built without a frame.
 * That caller is taken from the stack word that must hold it, and only when
 * the instruction before it is a direct call of func. func is the start of
 * the function holding rip, and [text_lo, text_hi) the code it and any
 * return address may be read in. */
unsigned sample_callers(const struct sample *sm, u64 func, u64 text_lo, u64 text_hi,
			u64 *out, unsigned max);

#endif
