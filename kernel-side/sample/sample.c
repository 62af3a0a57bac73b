/* Sampling (sample.h). The PMI sequence follows SDM Vol3B 20.6.3 and Linux
 * intel_pmu_handle_irq: stop, read the overflow status, take the sample (the
 * LBR ring too, frozen), clear the status, reload the counter with -period,
 * restart, unmask LVTPC (delivery masked it), EOI. */
#include "kernel-side/cpu/apic.h"
#include "lib/check.h"
#include "lib/libc.h"
#include "kernel-side/cpu/msr.h"
#include "kernel-side/sample/sample.h"

static struct sampler *cur;

u64 sample_next_period(struct sampler *s)
{
	u64 span = s->period / 4;

	if (!s->random || !span)
		return s->period;
	/* xorshift64 (Marsaglia 2003): cheap enough for the handler. */
	s->rng ^= s->rng << 13;
	s->rng ^= s->rng >> 7;
	s->rng ^= s->rng << 17;
	return s->period - s->period / 8 + s->rng % (span + 1);
}

unsigned sample_fp_walk(u64 rbp, u64 lo, u64 hi, u64 *out, unsigned max)
{
	unsigned n = 0;

	while (n < max && rbp >= lo && rbp < hi && hi - rbp >= 16 && !(rbp & 7)) {
		const u64 *frame = (const u64 *)(uintptr_t)rbp;

		out[n++] = frame[1];
		lo = rbp + 16;
		rbp = frame[0];
	}
	return n;
}

#define X86_OP_PUSH_RBP		0x55
#define X86_OP_RET		0xc3
#define X86_OP_CALL_REL32	0xe8
#define CALL_REL32_LEN		5

static bool in_text(u64 addr, u64 len, u64 lo, u64 hi)
{
	return addr >= lo && addr < hi && hi - addr >= len;
}

/* ret follows a direct call of func. */
static bool called_from(u64 ret, u64 func, u64 lo, u64 hi)
{
	const u8 *call = (const u8 *)(uintptr_t)(ret - CALL_REL32_LEN);
	s32 rel;

	if (ret < CALL_REL32_LEN || !in_text(ret - CALL_REL32_LEN, CALL_REL32_LEN, lo, hi) ||
	    call[0] != X86_OP_CALL_REL32)
		return false;
	memcpy(&rel, call + 1, sizeof(rel));
	return ret + (s64)rel == func;
}

unsigned sample_callers(const struct sample *sm, u64 func, u64 text_lo, u64 text_hi,
			u64 *out, unsigned max)
{
	static const u8 prologue[] = { X86_OP_PUSH_RBP, 0x48, 0x89, 0xe5 };
	const u8 *f = (const u8 *)(uintptr_t)func, *ip = (const u8 *)(uintptr_t)sm->rip;
	unsigned n = 0;
	int word = -1;

	if (func && in_text(func, sizeof(prologue), text_lo, text_hi) &&
	    in_text(sm->rip, 1, text_lo, text_hi) && sm->rip >= func) {
		bool framed = !memcmp(f, prologue, sizeof(prologue));

		if (!framed || ip == f || ip[0] == X86_OP_RET)
			word = 0;
		else if (ip == f + 1)
			word = 1;
	}
	if (word >= 0 && max && called_from(sm->sp_word[word], func, text_lo, text_hi))
		out[n++] = sm->sp_word[word];
	for (unsigned i = 0; i < sm->depth && n < max; i++)
		out[n++] = sm->stack[i];
	return n;
}

static struct sample *take_sample(struct sampler *s, const struct trapframe *tf)
{
	struct sample *sm;
	u64 sp = tf->rsp;

	if (s->n == s->max) {
		s->lost++;
		return NULL;
	}
	sm = &s->buf[s->n++];
	sm->rip = tf->rip;
	sm->sp_word[0] = sm->sp_word[1] = 0;
	if (!(sp & 7) && sp < s->stack_hi && s->stack_hi - sp >= 16) {
		sm->sp_word[0] = ((const u64 *)(uintptr_t)sp)[0];
		sm->sp_word[1] = ((const u64 *)(uintptr_t)sp)[1];
	}
	sm->depth = sample_fp_walk(tf->rbp, sp, s->stack_hi, sm->stack, SAMPLE_STACK_MAX);
	sm->nlbr = 0;
	return sm;
}

static void note_err(struct sampler *s, int err)
{
	if (err && err != HW_ERR_NOT_SUPPORTED && !s->err)
		s->err = err;
}

/* The counter's preset for a period: -period in its width. */
static u64 preset(const struct sampler *s, u64 period)
{
	return (0 - period) & pmu_counter_mask(s->pc, s->counter);
}

static void pmi(struct sampler *s, const struct trapframe *tf)
{
	u64 bit = BIT_ULL(s->counter), status = 0, val = 0;
	u64 mask = pmu_counter_mask(s->pc, s->counter);
	int err;

	note_err(s, s->ops->stop(s->pc, bit));
	err = s->ops->ovf_status(s->pc, &status);
	note_err(s, s->ops->read(s->pc, s->counter, &val));
	/* No status register (Intel v1, AMD before PerfMonV2): a counter
	 * preset negative has overflowed once its top bit is clear (Linux
	 * amd_pmu_handle_irq). */
	if (err == HW_ERR_NOT_SUPPORTED)
		status = val & (mask ^ (mask >> 1)) ? 0 : bit;
	else
		note_err(s, err);
	if (status & bit) {
		struct sample *sm;

		/* What the counter holds is what it counted past the overflow
		 * before it stopped: a whole period means one was missed. */
		if (val >= s->period)
			s->throttled++;
		sm = take_sample(s, tf);
		/* Frozen by the PMI where the CPU freezes it, else stopped
		 * now: the ring ends at the interrupted code. */
		if (s->lbr_on) {
			s->lbr_pmis++;
			s->lbr_frozen += lbr_frozen(s->lc, status);
			lbr_freeze(s->lc);
			if (sm)
				sm->nlbr = lbr_read(s->lc, sm->lbr, SAMPLE_LBR_MAX);
		}
		/* The frozen-LBR bit (v4+) is acknowledged with the overflow. */
		note_err(s, s->ops->ovf_clear(s->pc, bit | (status & GLOBAL_STATUS_LBRS_FROZEN)));
		note_err(s, s->ops->write(s->pc, s->counter, preset(s, sample_next_period(s))));
		if (s->lbr_on)
			lbr_resume(s->lc);
	} else {
		s->spurious++;
	}
	note_err(s, s->ops->start(s->pc, bit));
	apic_lvtpc_arm(APIC_PMI_VECTOR);
}

static void tick(struct sampler *s, const struct trapframe *tf)
{
	take_sample(s, tf);
	if (s->random)
		apic_write(APIC_TMICT, (u32)sample_next_period(s));
	/* In service now, so the next tick would wait in IRR: there already,
	 * it came while this handler ran. */
	else if (apic_irr_test(APIC_TIMER_VECTOR))
		s->throttled++;
}

bool sample_irq(struct trapframe *tf)
{
	struct sampler *s = cur;

	if (s && s->active) {
		s->interrupts++;
		if (s->src == SAMPLE_SRC_PMI)
			pmi(s, tf);
		else
			tick(s, tf);
	}
	apic_eoi();
	return true;
}

void sample_check_lbr_freeze(const struct sampler *s)
{
	const char *name = "lbr.freeze-on-pmi";
	struct rec r;

	if (!s->lc || !s->lc->present)
		return check_skip(name, s->lc ? s->lc->reason : "no-lbr");
	if (s->src != SAMPLE_SRC_PMI)
		return check_skip(name, "no-pmi-source");
	if (!s->lbr_on)
		return check_skip(name, "lbr-not-started");
	if (!s->lbr_pmis)
		return check_skip(name, "no-pmi-taken");
	check_begin(&r, name, s->lbr_frozen == s->lbr_pmis ? CHECK_PASS : CHECK_FAIL);
	rec_u64(&r, "pmis", s->lbr_pmis);
	rec_u64(&r, "frozen", s->lbr_frozen);
	rec_end(&r);
}

int sample_start(struct sampler *s)
{
	int err = 0;

	s->n = 0;
	s->interrupts = s->lost = s->throttled = s->spurious = 0;
	s->err = 0;
	s->lbr_on = false;
	s->lbr_pmis = s->lbr_frozen = 0;
	s->rng = s->seed ? s->seed : 1;
	if (!apic_owned() || s->period == 0 || s->period > 0x7fffffff)
		return HW_ERR_NOT_SUPPORTED;
	cur = s;
	s->active = true;
	if (s->src == SAMPLE_SRC_TIMER) {
		/* One-shot when every period is drawn anew, reloaded by
		 * the handler; periodic otherwise (SDM Vol3A 11.5.4). */
		apic_timer_start(APIC_TIMER_VECTOR, !s->random, APIC_TDR_DIV_1,
				 (u32)sample_next_period(s));
		return 0;
	}
	s->ops = pmu_ops(s->pc);
	if (s->src != SAMPLE_SRC_PMI || !s->ops) {
		s->active = false;
		return HW_ERR_NOT_SUPPORTED;
	}
	apic_lvtpc_arm(APIC_PMI_VECTOR);
	/* Calls and returns only: call-stack mode where the LBR has it, else
	 * lbr_callchain() pairs them (lbr.h). No LBR is no error. */
	s->lbr_on = s->lc && s->lc->present &&
		    lbr_start(s->lc, LBR_F_KERNEL | LBR_F_USER | LBR_F_CALLS) == 0;
	err = s->ops->program(s->pc, s->counter, s->config, PMC_OS | PMC_USR | PMC_INT);
	if (!err)
		err = s->ops->write(s->pc, s->counter, preset(s, sample_next_period(s)));
	if (!err)
		err = s->ops->start(s->pc, BIT_ULL(s->counter));
	if (err)
		s->active = false;
	return err;
}

void sample_stop(struct sampler *s)
{
	s->active = false;
	if (s->src == SAMPLE_SRC_TIMER) {
		apic_timer_stop();
		return;
	}
	if (s->ops) {
		s->ops->stop(s->pc, BIT_ULL(s->counter));
		s->ops->release(s->pc, s->counter);
	}
	if (s->lbr_on)
		lbr_stop(s->lc);
	apic_write(APIC_LVTPC, APIC_LVT_MASKED | APIC_PMI_VECTOR);
}
