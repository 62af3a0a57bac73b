/* Last Branch Records: the driver for the three kinds (Intel legacy LBR,
 * Intel Arch LBR, AMD LbrExtV2) -- starting, freezing and stopping the ring,
 * with every MSR it changes given back. What the ring holds is read by
 * lbr_format.c; what this CPU has, lbr_caps.c. */
#include "kernel-side/lbr/lbr_format.h"
#include "kernel-side/cpu/msr.h"

/* Every MSR lbr_start() changes, with the value it had, in the order first
 * changed: lbr_stop() writes them back newest first. The ring's own MSRs are
 * in it too (lbr_start() clears them), up to 3 per entry. */
#define LBR_SAVE_MAX	(3 * LBR_MAX_ENTRIES + 8)

static struct {
	bool running;
	bool call_stack;
	bool held;			/* narration held while recording */
	unsigned depth;			/* entries lbr_read() looks at */
	unsigned nsaved;
	struct {
		u32 msr;
		u64 val;
	} saved[LBR_SAVE_MAX];
} lbr_st;

/* Logs msr's present value once, so lbr_stop() can put it back. */
static int lbr_save(u32 msr)
{
	u64 old;
	int err;

	for (unsigned i = 0; i < lbr_st.nsaved; i++)
		if (lbr_st.saved[i].msr == msr)
			return 0;
	if (lbr_st.nsaved == LBR_SAVE_MAX)
		return HW_ERR_LOG_FULL;
	err = msr_read_safe(msr, &old);
	if (err)
		return err;
	lbr_st.saved[lbr_st.nsaved].msr = msr;
	lbr_st.saved[lbr_st.nsaved].val = old;
	lbr_st.nsaved++;
	return 0;
}

static int lbr_wr(u32 msr, u64 val)
{
	int err = lbr_save(msr);

	return err ? err : msr_write_safe(msr, val);
}

static int lbr_set_bits(u32 msr, u64 set, u64 clear)
{
	u64 v;
	int err = msr_read_safe(msr, &v);

	return err ? err : lbr_wr(msr, (v & ~clear) | set);
}

/* Explain mode's narration is code: while the ring records, its branches
 * would fill the ring. It is held from just before the write that starts
 * recording to just after the one that stops it (docs/explain.md). */
static void lbr_hold(bool on)
{
	if (on == lbr_st.held)
		return;
	lbr_st.held = on;
	msr_narrate_hold(on);
}

static void lbr_restore(void)
{
	while (lbr_st.nsaved) {
		lbr_st.nsaved--;
		msr_write_safe(lbr_st.saved[lbr_st.nsaved].msr, lbr_st.saved[lbr_st.nsaved].val);
	}
}

/* Call-stack mode (LBR_SELECT bit 9) came with Haswell's format 4 (Linux
 * gives hsw/skl lbr_sel_maps LBR_CALL_STACK); the 8-entry Atoms and KNL lack it. */
static bool legacy_has_call_stack(const struct lbr_caps *lc)
{
	return lc->legacy_fmt >= LBR_FORMAT_EIP_FLAGS2 && lc->legacy_depth >= 16;
}

/* A filter of calls and returns only, as call-stack mode requires (Linux
 * rejects any other branch type with it); where the LBR has no such mode the
 * same filter records the pairs that lbr_callchain() cancels. */
static u32 call_stack_filter(u32 filter)
{
	return (filter & (LBR_F_KERNEL | LBR_F_USER)) | LBR_F_CALLS | LBR_F_CALL_STACK;
}

/* Linux __intel_pmu_lbr_enable: FREEZE_LBRS_ON_PMI with call-stack mode lets
 * a PMI near a call or return move the TOS superfluously, so it stays off
 * then and the handler's lbr_freeze() stops the ring instead. */
static u64 debugctl_freeze(bool call_stack)
{
	return call_stack ? 0 : DEBUGCTLMSR_FREEZE_LBRS_ON_PMI;
}

static int legacy_start(const struct lbr_caps *lc, u32 filter)
{
	bool cs = (filter & LBR_F_CALL_STACK) && legacy_has_call_stack(lc);
	u64 sel;
	int err;

	if (filter & LBR_F_CALL_STACK)
		filter = call_stack_filter(filter);
	/* Not recording while the ring is cleared (intel_pmu_lbr_reset_64).
	 * The TOS moves as branches are recorded: it is logged so that
	 * lbr_stop() gives the ring back whole (Linux writes it back too, in
	 * __intel_pmu_lbr_restore; where it is read-only that write fails
	 * and the TOS stays where the hardware left it). */
	err = lbr_set_bits(MSR_IA32_DEBUGCTLMSR, 0, DEBUGCTLMSR_LBR);
	if (!err)
		err = lbr_save(MSR_LBR_TOS);
	for (unsigned i = 0; !err && i < lc->legacy_depth; i++) {
		err = lbr_wr(lc->legacy_from + i, 0);
		if (!err && lc->legacy_fmt != LBR_FORMAT_32)
			err = lbr_wr(lc->legacy_to + i, 0);
		if (!err && lbr_legacy_has_info(lc))
			err = lbr_wr(lc->legacy_info + i, 0);
	}
	/* LBR_SELECT bits 0-8 suppress; bit 9 selects call-stack mode (SDM
	 * Vol3B "Filtering of Last Branch Records", "LBR Call Stack"). */
	sel = (~filter & LBR_SELECT_MASK) | (cs ? LBR_SELECT_CALL_STACK : 0);
	if (!err) {
		err = lbr_wr(MSR_LBR_SELECT, sel);
		/* Core 2 and the Bonnell Atoms have no LBR_SELECT (Linux gives
		 * them no lbr_sel_map): they record every branch, which the
		 * call-chain walk copes with. */
		if (HW_ERR_IS_FAULT(err) && lc->legacy_from == MSR_LBR_CORE_FROM)
			err = 0;
	}
	if (!err) {
		lbr_hold(true);
		err = lbr_set_bits(MSR_IA32_DEBUGCTLMSR, DEBUGCTLMSR_LBR | debugctl_freeze(cs),
				   DEBUGCTLMSR_FREEZE_LBRS_ON_PMI);
	}
	lbr_st.call_stack = cs;
	return err;
}

static int arch_start(const struct lbr_caps *lc, u32 filter)
{
	u32 ebx = lc->leaf_1c.ebx;
	bool cs = (filter & LBR_F_CALL_STACK) && (ebx & ARCH_LBR_EBX_CALL_STACK);
	u64 ctl = ARCH_LBR_CTL_LBREN, depth = 0;
	int err;

	if (filter & LBR_F_CALL_STACK)
		filter = call_stack_filter(filter);
	err = lbr_wr(MSR_ARCH_LBR_CTL, 0);
	if (!err)
		err = msr_read_safe(MSR_ARCH_LBR_DEPTH, &depth);
	/* Writing IA32_LBR_DEPTH clears every record (SDM Vol3B ch.20, Arch LBR), so
	 * the records are logged first and written back after the depth. */
	for (unsigned i = 0; !err && i < depth && i < LBR_MAX_ENTRIES; i++) {
		err = lbr_save(MSR_ARCH_LBR_FROM_0 + i);
		if (!err)
			err = lbr_save(MSR_ARCH_LBR_TO_0 + i);
		if (!err)
			err = lbr_save(MSR_ARCH_LBR_INFO_0 + i);
	}
	if (!err)
		err = lbr_wr(MSR_ARCH_LBR_DEPTH, lc->arch_depth_max);

	/* CPL and branch-type filters exist only where CPUID.1CH:EBX says;
	 * without them the bits are reserved and every branch is recorded. */
	if (ebx & ARCH_LBR_EBX_CPL_FILTER) {
		ctl |= filter & LBR_F_KERNEL ? ARCH_LBR_CTL_OS : 0;
		ctl |= filter & LBR_F_USER ? ARCH_LBR_CTL_USR : 0;
	}
	if (ebx & ARCH_LBR_EBX_BR_FILTER) {
		ctl |= filter & LBR_F_JCC ? ARCH_LBR_CTL_JCC : 0;
		ctl |= filter & LBR_F_REL_JMP ? ARCH_LBR_CTL_REL_JMP : 0;
		ctl |= filter & LBR_F_IND_JMP ? ARCH_LBR_CTL_IND_JMP : 0;
		ctl |= filter & LBR_F_REL_CALL ? ARCH_LBR_CTL_REL_CALL : 0;
		ctl |= filter & LBR_F_IND_CALL ? ARCH_LBR_CTL_IND_CALL : 0;
		ctl |= filter & LBR_F_RET ? ARCH_LBR_CTL_RETURN : 0;
		ctl |= filter & LBR_F_FAR ? ARCH_LBR_CTL_OTHER_BRANCH : 0;
	}
	ctl |= cs ? ARCH_LBR_CTL_CALL_STACK : 0;
	if (!err)
		err = lbr_set_bits(MSR_IA32_DEBUGCTLMSR, debugctl_freeze(cs),
				   DEBUGCTLMSR_FREEZE_LBRS_ON_PMI);
	if (!err) {
		lbr_hold(true);
		err = lbr_wr(MSR_ARCH_LBR_CTL, ctl);
	}
	lbr_st.call_stack = cs;
	return err;
}

/* Linux amd/lbr.c: amd_pmu_lbr_reset, amd_pmu_lbr_enable_all. LbrExtV2 has
 * no call-stack mode. */
static int amd_start(const struct lbr_caps *lc, u32 filter)
{
	int err = lbr_set_bits(MSR_AMD_DBG_EXTN_CFG, 0, DBG_EXTN_CFG_LBRV2EN);

	if (filter & LBR_F_CALL_STACK)
		filter = call_stack_filter(filter);

	for (unsigned i = 0; !err && i < lc->amd_depth; i++) {
		err = lbr_wr(MSR_AMD_SAMP_BR_FROM + 2 * i, 0);
		if (!err)
			err = lbr_wr(MSR_AMD_SAMP_BR_FROM + 2 * i + 1, 0);
	}
	if (!err)
		err = lbr_wr(MSR_AMD64_LBR_SELECT, ~filter & LBR_SELECT_MASK);
	if (!err)
		err = lbr_set_bits(MSR_IA32_DEBUGCTLMSR, DEBUGCTLMSR_FREEZE_LBRS_ON_PMI, 0);
	if (!err) {
		lbr_hold(true);
		err = lbr_set_bits(MSR_AMD_DBG_EXTN_CFG, DBG_EXTN_CFG_LBRV2EN, 0);
	}
	lbr_st.call_stack = false;
	return err;
}

int lbr_start(const struct lbr_caps *lc, u32 filter)
{
	int err;

	if (!lc->present)
		return HW_ERR_NOT_SUPPORTED;
	if (lbr_st.running)
		lbr_stop(lc);
	lbr_st.nsaved = 0;
	lbr_st.depth = lbr_depth(lc);
	if (lc->arch)
		err = arch_start(lc, filter);
	else if (lc->legacy)
		err = legacy_start(lc, filter);
	else
		err = amd_start(lc, filter);
	if (err) {
		lbr_restore();
		lbr_hold(false);
		return err;
	}
	lbr_st.running = true;
	return 0;
}

unsigned lbr_depth(const struct lbr_caps *lc)
{
	unsigned d = lc->arch ? lc->arch_depth_max : lc->legacy ? lc->legacy_depth : lc->amd_depth;

	return d < LBR_MAX_ENTRIES ? d : LBR_MAX_ENTRIES;
}

bool lbr_call_stack(void)
{
	return lbr_st.running && lbr_st.call_stack;
}

/* The one bit that makes the ring record. */
static void lbr_enable_bit(const struct lbr_caps *lc, bool on)
{
	u32 msr = MSR_IA32_DEBUGCTLMSR;
	u64 bit = DEBUGCTLMSR_LBR;

	if (lc->arch) {
		msr = MSR_ARCH_LBR_CTL;
		bit = ARCH_LBR_CTL_LBREN;
	} else if (!lc->legacy) {
		msr = MSR_AMD_DBG_EXTN_CFG;
		bit = DBG_EXTN_CFG_LBRV2EN;
	}
	lbr_set_bits(msr, on ? bit : 0, on ? 0 : bit);
}

void lbr_freeze(const struct lbr_caps *lc)
{
	if (!lbr_st.running)
		return;
	lbr_enable_bit(lc, false);
	lbr_hold(false);
}

void lbr_resume(const struct lbr_caps *lc)
{
	if (!lbr_st.running)
		return;
	lbr_hold(true);
	lbr_enable_bit(lc, true);
}

void lbr_stop(const struct lbr_caps *lc)
{
	if (!lbr_st.running)
		return;
	/* Stopped first, so the calls that restore the ring are not recorded
	 * into it; DEBUGCTL/LBR_CTL/DBG_EXTN_CFG, logged first, come back last. */
	lbr_enable_bit(lc, false);
	lbr_hold(false);
	lbr_restore();
	lbr_st.running = false;
}

unsigned lbr_read(const struct lbr_caps *lc, struct lbr_entry *e, unsigned max)
{
	if (!lbr_st.running)
		return 0;
	return lbr_format_read(lc, e, max, lbr_st.depth, lbr_st.call_stack);
}
