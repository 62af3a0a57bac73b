/* Local APIC (apic.h): discovery, then, for sampling, the registers pmulab
 * takes over -- saved on apic_own() and written back by apic_release() when
 * the owned section ends (its leave hook), so the firmware gets its timer and
 * LVT back. */
#include "kernel-side/cpu/apic.h"
#include "kernel-side/cpu/hw.h"
#include "kernel-side/cpu/msr.h"
#include "kernel-side/owned/owned.h"
#include "kernel-side/owned/trap.h"

void apic_probe(const struct cpu_info *ci, struct apic_info *ai)
{
	u64 v;
	u32 lvr;

	*ai = (struct apic_info){ .mode = APIC_ABSENT };
	ai->x2apic_cap = ci->leaf1_ecx & X86_FEATURE_X2APIC;
	if (!(ci->leaf1_edx & X86_FEATURE_APIC))
		return;
	ai->base_err = msr_read_safe(MSR_IA32_APICBASE, &ai->apic_base);
	if (ai->base_err || !(ai->apic_base & MSR_IA32_APICBASE_ENABLE)) {
		ai->mode = APIC_DISABLED;
		return;
	}
	if (ai->apic_base & MSR_IA32_APICBASE_EXTD) {
		ai->mode = APIC_X2APIC;
		if (msr_read_safe(MSR_IA32_X2APIC_APICID, &v) == 0)
			ai->id = (u32)v;
		if (msr_read_safe(MSR_IA32_X2APIC_VERSION, &v) == 0)
			lvr = (u32)v;
		else
			lvr = 0;
	} else {
		u64 base = ai->apic_base & MSR_IA32_APICBASE_BASE;

		ai->mode = APIC_XAPIC;
		ai->id = hw_mmio_read32(base + APIC_ID) >> 24;
		lvr = hw_mmio_read32(base + APIC_LVR);
	}
	ai->version = lvr & 0xff;
	ai->max_lvt = (lvr >> 16) & 0xff;
}

/* What apic_own() saved, in the order apic_release() writes it back. */
#define APIC_SAVE_MAX 12

static struct {
	enum apic_mode mode;
	u64 base;			/* xAPIC MMIO */
	bool owned;
	unsigned n;
	struct { u32 reg, val; } saved[APIC_SAVE_MAX];
} apic;

u32 apic_read(u32 reg)
{
	u64 v = 0;

	if (apic.mode == APIC_X2APIC)
		msr_read_safe(APIC_X2APIC_MSR(reg), &v);
	else
		v = hw_mmio_read32(apic.base + reg);
	return (u32)v;
}

/* Explain mode (msr.h): an xAPIC write narrated under its x2APIC number. */
static __attribute__((noinline)) void apic_write_told(u32 reg, u32 val)
{
	msr_narrate_other(MSR_OP_XAPIC_WRITE, APIC_X2APIC_MSR(reg), val);
	hw_mmio_write32(apic.base + reg, val);
}

/* Not through the MSR restore log: apic_release() restores these itself,
 * timer last, and EOI is write-only. Every path a tail call, so a sampling
 * handler's EOI and reload pay only a load and a branch for explain mode. */
void apic_write(u32 reg, u32 val)
{
	if (apic.mode == APIC_X2APIC)
		msr_write_unlogged(APIC_X2APIC_MSR(reg), val);
	else if (msr_narrate)
		apic_write_told(reg, val);
	else
		hw_mmio_write32(apic.base + reg, val);
}

void apic_eoi(void)
{
	if (apic.owned)
		apic_write(APIC_EOI, 0);
}

static bool vector_bit(u32 base_reg, unsigned vector)
{
	return apic_read(base_reg + 0x10 * (vector / 32)) & BIT(vector % 32);
}

bool apic_irr_test(unsigned vector)
{
	return vector_bit(APIC_IRR, vector);
}

bool apic_isr_test(unsigned vector)
{
	return vector_bit(APIC_ISR, vector);
}


static void save(u32 reg)
{
	apic.saved[apic.n].reg = reg;
	apic.saved[apic.n].val = apic_read(reg);
	apic.n++;
}

/* The LVT entries this APIC has (SDM Vol3A 11.5.1: LVR's max LVT entry). */
static void lvt_list(const struct apic_info *ai, u32 *lvt, unsigned *n)
{
	*n = 0;
	lvt[(*n)++] = APIC_LVTT;
	if (ai->max_lvt >= 4)
		lvt[(*n)++] = APIC_LVTPC;
	lvt[(*n)++] = APIC_LVT0;
	lvt[(*n)++] = APIC_LVT1;
	lvt[(*n)++] = APIC_LVTERR;
	if (ai->max_lvt >= 5)
		lvt[(*n)++] = APIC_LVTTHMR;
	if (ai->max_lvt >= 6)
		lvt[(*n)++] = APIC_LVTCMCI;
}

static void apic_leave(struct owned_stats *st)
{
	st->lapic_restored = apic_release(&st->lapic_mismatched);
}

int apic_own(const struct apic_info *ai)
{
	u32 lvt[8];
	unsigned nlvt;
	int err;

	if (apic.owned)
		return 0;
	if (ai->mode != APIC_XAPIC && ai->mode != APIC_X2APIC)
		return HW_ERR_NOT_SUPPORTED;
	err = owned_on_leave(apic_leave);
	if (err)
		return err;
	trap_set_eoi(apic_eoi);
	apic.mode = ai->mode;
	apic.base = ai->apic_base & MSR_IA32_APICBASE_BASE;
	apic.n = 0;
	lvt_list(ai, lvt, &nlvt);
	save(APIC_SPIV);
	save(APIC_TASKPRI);
	for (unsigned i = 0; i < nlvt; i++)
		save(lvt[i]);
	save(APIC_TDCR);
	save(APIC_TMICT);
	apic.owned = true;

	/* Mask before anything else changes: the firmware's timer tick or
	 * the 8259's ExtINT on LINT0 must not reach pmulab's IDT. */
	for (unsigned i = 0; i < nlvt; i++)
		apic_write(lvt[i], apic.saved[2 + i].val | APIC_LVT_MASKED);
	apic_write(APIC_TMICT, 0);
	apic_write(APIC_SPIV, (apic.saved[0].val & ~APIC_SPIV_VECTOR) |
		   APIC_SPIV_APIC_ENABLED | APIC_SPURIOUS_VECTOR);
	/* Above the firmware's vectors, below pmulab's: an interrupt the
	 * firmware's devices raise (its timer's tick pending in IRR now, an
	 * IOAPIC line the LVT masks do not reach) waits in IRR for the
	 * firmware, instead of reaching pmulab's IDT at the sampler's STI. */
	apic_write(APIC_TASKPRI, APIC_TPR_OWNED);
	return 0;
}

bool apic_owned(void)
{
	return apic.owned;
}

void apic_lvtpc_arm(unsigned vector)
{
	apic_write(APIC_LVTPC, APIC_DM_FIXED | (vector & APIC_VECTOR_MASK));
}

void apic_timer_start(unsigned vector, bool periodic, u32 tdcr, u32 count)
{
	apic_write(APIC_TDCR, tdcr);
	apic_write(APIC_LVTT, (vector & APIC_VECTOR_MASK) |
		   (periodic ? APIC_LVT_TIMER_PERIODIC : 0));
	apic_write(APIC_TMICT, count);
}

void apic_timer_stop(void)
{
	apic_write(APIC_LVTT, APIC_LVT_MASKED | APIC_TIMER_VECTOR);
	apic_write(APIC_TMICT, 0);
}

unsigned apic_release(unsigned *mismatched)
{
	unsigned n = apic.n;

	*mismatched = 0;
	if (!apic.owned)
		return 0;
	apic_timer_stop();
	apic_write(APIC_LVTPC, APIC_LVT_MASKED | APIC_PMI_VECTOR);
	/* A tick or PMI accepted just before the masks is in IRR; taken
	 * after the firmware's IDT is back, it would hit a vector the
	 * firmware never set up. The TPR still lets them in here. */
	for (unsigned i = 0; i < 4 && (apic_irr_test(APIC_TIMER_VECTOR) ||
				       apic_irr_test(APIC_PMI_VECTOR)); i++)
		hw_irq_window();
	for (unsigned i = 0; i < n; i++) {
		u32 reg = apic.saved[i].reg, val = apic.saved[i].val, now;

		apic_write(reg, val);
		now = apic_read(reg);
		if (reg != APIC_TMICT && reg != APIC_SPIV && reg != APIC_TASKPRI) {
			now &= ~APIC_LVT_RO_BITS;
			val &= ~APIC_LVT_RO_BITS;
		}
		if (now != val)
			(*mismatched)++;
	}
	apic.owned = false;
	apic.n = 0;
	return n;
}
