/* Last Branch Records: the capability probe and the driver for the three
 * kinds (Intel legacy LBR, Intel Arch LBR, AMD LbrExtV2).
 *
 * Legacy LBR is not enumerated: its depth and MSRs follow the model, as in
 * Linux arch/x86/events/intel/lbr.c (intel_pmu_lbr_init_*), and its format
 * sits in IA32_PERF_CAPABILITIES[5:0]. A guest sees it only when the
 * hypervisor exposes PDCM (KVM requires the host's format), so without
 * PERF_CAPABILITIES pmulab does not believe in it. QEMU TCG has none of it. */
#include "lib/insn.h"
#include "kernel-side/lbr/lbr.h"
#include "kernel-side/cpu/msr.h"
#include "lib/record.h"

#define LBR_FMT_ARCH 0x3f	/* PERF_CAPABILITIES[5:0] on Arch LBR parts */

struct lbr_model {
	u8 model;		/* Intel family 6 */
	u8 depth;
	u16 from, to, info;	/* info 0: no LBR_INFO MSRs */
};

/* Family 6 models by LBR generation (Linux intel/core.c intel_pmu_init()). */
static const struct lbr_model lbr_models[] = {
	/* Core 2: intel_pmu_lbr_init_core */
	{ 0x0f, 4, MSR_LBR_CORE_FROM, MSR_LBR_CORE_TO, 0 },
	{ 0x16, 4, MSR_LBR_CORE_FROM, MSR_LBR_CORE_TO, 0 },
	{ 0x17, 4, MSR_LBR_CORE_FROM, MSR_LBR_CORE_TO, 0 },
	{ 0x1d, 4, MSR_LBR_CORE_FROM, MSR_LBR_CORE_TO, 0 },
	/* Bonnell, Saltwell, Silvermont, Airmont: _atom, _slm */
	{ 0x1c, 8, MSR_LBR_CORE_FROM, MSR_LBR_CORE_TO, 0 },
	{ 0x26, 8, MSR_LBR_CORE_FROM, MSR_LBR_CORE_TO, 0 },
	{ 0x27, 8, MSR_LBR_CORE_FROM, MSR_LBR_CORE_TO, 0 },
	{ 0x35, 8, MSR_LBR_CORE_FROM, MSR_LBR_CORE_TO, 0 },
	{ 0x36, 8, MSR_LBR_CORE_FROM, MSR_LBR_CORE_TO, 0 },
	{ 0x37, 8, MSR_LBR_CORE_FROM, MSR_LBR_CORE_TO, 0 },
	{ 0x4a, 8, MSR_LBR_CORE_FROM, MSR_LBR_CORE_TO, 0 },
	{ 0x4c, 8, MSR_LBR_CORE_FROM, MSR_LBR_CORE_TO, 0 },
	{ 0x4d, 8, MSR_LBR_CORE_FROM, MSR_LBR_CORE_TO, 0 },
	{ 0x5a, 8, MSR_LBR_CORE_FROM, MSR_LBR_CORE_TO, 0 },
	{ 0x5d, 8, MSR_LBR_CORE_FROM, MSR_LBR_CORE_TO, 0 },
	/* Nehalem .. Broadwell: _nhm, _snb, _hsw */
	{ 0x1a, 16, MSR_LBR_NHM_FROM, MSR_LBR_NHM_TO, 0 },
	{ 0x1e, 16, MSR_LBR_NHM_FROM, MSR_LBR_NHM_TO, 0 },
	{ 0x1f, 16, MSR_LBR_NHM_FROM, MSR_LBR_NHM_TO, 0 },
	{ 0x2e, 16, MSR_LBR_NHM_FROM, MSR_LBR_NHM_TO, 0 },
	{ 0x25, 16, MSR_LBR_NHM_FROM, MSR_LBR_NHM_TO, 0 },
	{ 0x2c, 16, MSR_LBR_NHM_FROM, MSR_LBR_NHM_TO, 0 },
	{ 0x2f, 16, MSR_LBR_NHM_FROM, MSR_LBR_NHM_TO, 0 },
	{ 0x2a, 16, MSR_LBR_NHM_FROM, MSR_LBR_NHM_TO, 0 },
	{ 0x2d, 16, MSR_LBR_NHM_FROM, MSR_LBR_NHM_TO, 0 },
	{ 0x3a, 16, MSR_LBR_NHM_FROM, MSR_LBR_NHM_TO, 0 },
	{ 0x3e, 16, MSR_LBR_NHM_FROM, MSR_LBR_NHM_TO, 0 },
	{ 0x3c, 16, MSR_LBR_NHM_FROM, MSR_LBR_NHM_TO, 0 },
	{ 0x3f, 16, MSR_LBR_NHM_FROM, MSR_LBR_NHM_TO, 0 },
	{ 0x45, 16, MSR_LBR_NHM_FROM, MSR_LBR_NHM_TO, 0 },
	{ 0x46, 16, MSR_LBR_NHM_FROM, MSR_LBR_NHM_TO, 0 },
	{ 0x3d, 16, MSR_LBR_NHM_FROM, MSR_LBR_NHM_TO, 0 },
	{ 0x47, 16, MSR_LBR_NHM_FROM, MSR_LBR_NHM_TO, 0 },
	{ 0x4f, 16, MSR_LBR_NHM_FROM, MSR_LBR_NHM_TO, 0 },
	{ 0x56, 16, MSR_LBR_NHM_FROM, MSR_LBR_NHM_TO, 0 },
	/* Knights Landing/Mill: _knl */
	{ 0x57, 8, MSR_LBR_NHM_FROM, MSR_LBR_NHM_TO, 0 },
	{ 0x85, 8, MSR_LBR_NHM_FROM, MSR_LBR_NHM_TO, 0 },
	/* Skylake .. Tiger Lake, Goldmont .. Tremont: _skl */
	{ 0x4e, 32, MSR_LBR_NHM_FROM, MSR_LBR_NHM_TO, MSR_LBR_INFO_0 },
	{ 0x5e, 32, MSR_LBR_NHM_FROM, MSR_LBR_NHM_TO, MSR_LBR_INFO_0 },
	{ 0x55, 32, MSR_LBR_NHM_FROM, MSR_LBR_NHM_TO, MSR_LBR_INFO_0 },
	{ 0x8e, 32, MSR_LBR_NHM_FROM, MSR_LBR_NHM_TO, MSR_LBR_INFO_0 },
	{ 0x9e, 32, MSR_LBR_NHM_FROM, MSR_LBR_NHM_TO, MSR_LBR_INFO_0 },
	{ 0xa5, 32, MSR_LBR_NHM_FROM, MSR_LBR_NHM_TO, MSR_LBR_INFO_0 },
	{ 0xa6, 32, MSR_LBR_NHM_FROM, MSR_LBR_NHM_TO, MSR_LBR_INFO_0 },
	{ 0x66, 32, MSR_LBR_NHM_FROM, MSR_LBR_NHM_TO, MSR_LBR_INFO_0 },
	{ 0x6a, 32, MSR_LBR_NHM_FROM, MSR_LBR_NHM_TO, MSR_LBR_INFO_0 },
	{ 0x6c, 32, MSR_LBR_NHM_FROM, MSR_LBR_NHM_TO, MSR_LBR_INFO_0 },
	{ 0x7d, 32, MSR_LBR_NHM_FROM, MSR_LBR_NHM_TO, MSR_LBR_INFO_0 },
	{ 0x7e, 32, MSR_LBR_NHM_FROM, MSR_LBR_NHM_TO, MSR_LBR_INFO_0 },
	{ 0x8c, 32, MSR_LBR_NHM_FROM, MSR_LBR_NHM_TO, MSR_LBR_INFO_0 },
	{ 0x8d, 32, MSR_LBR_NHM_FROM, MSR_LBR_NHM_TO, MSR_LBR_INFO_0 },
	{ 0xa7, 32, MSR_LBR_NHM_FROM, MSR_LBR_NHM_TO, MSR_LBR_INFO_0 },
	{ 0x5c, 32, MSR_LBR_NHM_FROM, MSR_LBR_NHM_TO, MSR_LBR_INFO_0 },
	{ 0x5f, 32, MSR_LBR_NHM_FROM, MSR_LBR_NHM_TO, MSR_LBR_INFO_0 },
	{ 0x7a, 32, MSR_LBR_NHM_FROM, MSR_LBR_NHM_TO, MSR_LBR_INFO_0 },
	{ 0x86, 32, MSR_LBR_NHM_FROM, MSR_LBR_NHM_TO, MSR_LBR_INFO_0 },
	{ 0x96, 32, MSR_LBR_NHM_FROM, MSR_LBR_NHM_TO, MSR_LBR_INFO_0 },
	{ 0x9c, 32, MSR_LBR_NHM_FROM, MSR_LBR_NHM_TO, MSR_LBR_INFO_0 },
};

static const struct lbr_model *lbr_model_find(const struct cpu_info *ci)
{
	if (ci->vendor_id != VENDOR_INTEL || ci->family != 6)
		return NULL;
	for (size_t i = 0; i < ARRAY_SIZE(lbr_models); i++)
		if (lbr_models[i].model == ci->model)
			return &lbr_models[i];
	return NULL;
}

static void lbr_probe_intel(const struct cpu_info *ci, const struct pmu_caps *pc,
			    struct lbr_caps *lc)
{
	const struct lbr_model *m = lbr_model_find(ci);
	bool have_caps = pc->pdcm && pc->perf_cap_err == 0;

	lc->arch = ci->leaf7_edx & X86_FEATURE_ARCH_LBR;
	if (lc->arch && cpu_leaf(ci, 0x1c, 0, &lc->leaf_1c)) {
		u32 mask = lc->leaf_1c.eax & 0xff;

		for (unsigned n = 0; n < 8; n++)
			if (mask & BIT(n))
				lc->arch_depth_max = 8 * (n + 1);
	}
	if (have_caps)
		lc->legacy_fmt = pc->perf_capabilities & PERF_CAP_LBR_FMT;
	if (m) {
		lc->legacy_depth = m->depth;
		lc->legacy_from = m->from;
		lc->legacy_to = m->to;
		lc->legacy_info = m->info;
	}
	lc->legacy = !lc->arch && m && have_caps && lc->legacy_fmt != LBR_FMT_ARCH;

	lc->present = (lc->arch && lc->arch_depth_max) || lc->legacy;
	if (lc->present)
		return;
	if (lc->arch)
		lc->reason = "arch-lbr-no-depth";
	else if (!pc->pdcm)
		lc->reason = "no-pdcm";
	else if (!have_caps)
		lc->reason = "perf-capabilities-unreadable";
	else
		lc->reason = "model-not-in-table";
}

void lbr_probe(const struct cpu_info *ci, const struct pmu_caps *pc, struct lbr_caps *lc)
{
	*lc = (struct lbr_caps){ .present = false };
	if (ci->vendor_id == VENDOR_INTEL) {
		lbr_probe_intel(ci, pc, lc);
	} else if (cpu_is_amd_like(ci)) {
		/* LbrExtV2 is only defined together with PerfMonV2. */
		lc->amd_v2 = pc->perfmon_v2 && (pc->leaf_80000022.eax & BIT(1));
		if (lc->amd_v2)
			lc->amd_depth = (pc->leaf_80000022.ebx >> 4) & 0x3f;
		lc->present = lc->amd_v2 && lc->amd_depth;
		if (!lc->present)
			lc->reason = "no-lbr-ext-v2";
	} else {
		lc->reason = "unknown-vendor";
	}
}

void lbr_report(const struct cpu_info *ci, const struct lbr_caps *lc)
{
	struct rec r;

	rec_begin(&r, "lbr");
	rec_u64(&r, "present", lc->present);
	if (!lc->present)
		rec_str(&r, "reason", lc->reason);
	if (ci->vendor_id == VENDOR_INTEL) {
		rec_u64(&r, "legacy", lc->legacy);
		rec_hex(&r, "legacy_fmt", lc->legacy_fmt);
		rec_u64(&r, "legacy_depth", lc->legacy_depth);
		if (lc->legacy_depth) {
			rec_hex(&r, "legacy_from", lc->legacy_from);
			rec_hex(&r, "legacy_to", lc->legacy_to);
			rec_hex(&r, "legacy_info", lc->legacy_info);
		}
		rec_u64(&r, "arch", lc->arch);
		if (lc->arch) {
			rec_hex(&r, "cpuid_1c_eax", lc->leaf_1c.eax);
			rec_hex(&r, "cpuid_1c_ebx", lc->leaf_1c.ebx);
			rec_hex(&r, "cpuid_1c_ecx", lc->leaf_1c.ecx);
			rec_u64(&r, "arch_depth_max", lc->arch_depth_max);
		}
	} else if (cpu_is_amd_like(ci)) {
		rec_u64(&r, "lbr_ext_v2", lc->amd_v2);
		rec_u64(&r, "depth", lc->amd_depth);
	}
	rec_end(&r);

	if (lc->arch && lc->present)
		rec_narrate("lbr: Intel Arch LBR, up to %u entries", lc->arch_depth_max);
	else if (lc->legacy)
		rec_narrate("lbr: Intel legacy LBR format %u, %u entries at FROM 0x%x",
			    lc->legacy_fmt, lc->legacy_depth, lc->legacy_from);
	else if (lc->amd_v2 && lc->present)
		rec_narrate("lbr: AMD LbrExtV2, %u entries", lc->amd_depth);
	else
		rec_narrate("lbr: none (%s)", lc->reason);
}

/* ------------------------------------------------------------ driver ---- */

/* Where the payload's code is, for decoding branch types. */
static struct {
	u64 base, text, etext;
} image;

void lbr_set_image(u64 image_base, u64 text, u64 etext)
{
	image.base = image_base;
	image.text = text;
	image.etext = etext;
}

u64 lbr_image_base(void)
{
	return image.base;
}

static u8 flow_type(enum insn_flow f)
{
	switch (f) {
	case FLOW_CALL_REL:	return LBR_BR_CALL;
	case FLOW_CALL_IND:	return LBR_BR_IND_CALL;
	case FLOW_RET:		return LBR_BR_RET;
	case FLOW_JCC_REL:
	case FLOW_LOOP_REL:	return LBR_BR_JCC;
	case FLOW_JMP_REL:	return LBR_BR_JMP;
	case FLOW_JMP_IND:	return LBR_BR_IND_JMP;
	case FLOW_NONE:		return LBR_BR_UNKNOWN;	/* an interrupt left here */
	default:		return LBR_BR_OTHER;
	}
}

/* Only the image's own code is read: a `from` can be any address an
 * interrupt or fault left (Linux branch_type() checks kernel_text_address()). */
u8 lbr_decode_type(u64 from, u8 *len)
{
	struct insn in;
	u64 left = image.etext - from;

	if (len)
		*len = 0;
	if (from < image.text || from >= image.etext)
		return LBR_BR_UNKNOWN;
	if (insn_decode(&in, (const u8 *)(uintptr_t)from,
			left < INSN_MAX_LEN ? left : INSN_MAX_LEN))
		return LBR_BR_UNKNOWN;
	if (len)
		*len = in.len;
	return flow_type(in.flow);
}

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

/* CPUID.1CH (SDM Vol3B ch.20, Arch LBR "Enumeration"). */
#define ARCH_LBR_EBX_CPL_FILTER		BIT(0)
#define ARCH_LBR_EBX_BR_FILTER		BIT(1)
#define ARCH_LBR_EBX_CALL_STACK		BIT(2)
#define ARCH_LBR_ECX_MISPRED		BIT(0)
#define ARCH_LBR_ECX_TIMED		BIT(1)
#define ARCH_LBR_ECX_BR_TYPE		BIT(2)

/* IA32_LBR_x_INFO.BR_TYPE (SDM Vol3B ch.20, Arch LBR "Branch Types"; Linux
 * arch_lbr_br_type_map): 0-5 known, the rest "other". */
static const u8 arch_lbr_br_type[16] = {
	[0] = LBR_BR_JCC, [1] = LBR_BR_IND_JMP, [2] = LBR_BR_JMP,
	[3] = LBR_BR_IND_CALL, [4] = LBR_BR_CALL, [5] = LBR_BR_RET,
	[6 ... 15] = LBR_BR_OTHER,
};

/* Call-stack mode (LBR_SELECT bit 9) came with Haswell's format 4 (Linux
 * gives hsw/skl lbr_sel_maps LBR_CALL_STACK); the 8-entry Atoms and KNL lack it. */
static bool legacy_has_call_stack(const struct lbr_caps *lc)
{
	return lc->legacy_fmt >= LBR_FORMAT_EIP_FLAGS2 && lc->legacy_depth >= 16;
}

static bool legacy_has_info(const struct lbr_caps *lc)
{
	return lc->legacy_info && (lc->legacy_fmt == LBR_FORMAT_INFO ||
				   lc->legacy_fmt == LBR_FORMAT_INFO2);
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
		if (!err && legacy_has_info(lc))
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

static u64 sign_extend(u64 v, unsigned bits)
{
	return (u64)((s64)(v << (64 - bits)) >> (64 - bits));
}

static u64 lbr_rd(u32 msr)
{
	u64 v;

	return msr_read_safe(msr, &v) ? 0 : v;
}

/* One legacy entry, as Linux intel_pmu_lbr_read_32/_64 decode it: the flag
 * bits at the top of FROM are stripped and the address sign-extended from
 * what is left (48- or 57-bit canonical addresses fit either way). */
static void legacy_decode(const struct lbr_caps *lc, unsigned idx, u64 from, u64 to,
			  struct lbr_entry *e)
{
	unsigned skip = 0;

	switch (lc->legacy_fmt) {
	case LBR_FORMAT_32:
		to = from >> 32;
		from = (u32)from;
		break;
	case LBR_FORMAT_EIP_FLAGS:
		e->mispred = from & LBR_FROM_FLAG_MISPRED;
		skip = 1;
		break;
	case LBR_FORMAT_EIP_FLAGS2:
		e->mispred = from & LBR_FROM_FLAG_MISPRED;
		skip = 3;
		break;
	case LBR_FORMAT_TIME:
		e->mispred = from & LBR_FROM_FLAG_MISPRED;
		skip = 1;
		e->cycles = (to >> 48) & LBR_INFO_CYCLES;
		to = sign_extend(to, 48);
		break;
	case LBR_FORMAT_INFO:
	case LBR_FORMAT_INFO2:
		if (legacy_has_info(lc)) {
			u64 info = lbr_rd(lc->legacy_info + idx);

			e->mispred = info & LBR_INFO_MISPRED;
			e->cycles = info & LBR_INFO_CYCLES;
		}
		break;
	}
	e->from = skip ? sign_extend(from, 64 - skip) : from;
	e->to = to;
}

static unsigned legacy_read(const struct lbr_caps *lc, struct lbr_entry *e, unsigned max)
{
	unsigned mask = lc->legacy_depth - 1, n = 0;
	u64 tos = lbr_rd(MSR_LBR_TOS);

	/* TOS is the newest; the ring runs backwards from it. */
	for (unsigned i = 0; i < lbr_st.depth && n < max; i++) {
		unsigned idx = (tos - i) & mask;
		u64 from = lbr_rd(lc->legacy_from + idx);
		u64 to = lc->legacy_fmt == LBR_FORMAT_32 ? 0 : lbr_rd(lc->legacy_to + idx);

		/* In call-stack mode the active calls end at the first empty
		 * entry (intel_pmu_lbr_read_64); otherwise empty entries are
		 * the part of the ring not filled since lbr_start(). */
		if (!from && lbr_st.call_stack)
			break;
		if (!from && !to)
			continue;
		e[n] = (struct lbr_entry){ 0 };
		legacy_decode(lc, idx, from, to, &e[n]);
		e[n].type = lbr_decode_type(e[n].from, NULL);
		n++;
	}
	return n;
}

/* Arch LBR: entry 0 is the newest, and the first FROM of 0 ends the records
 * (Linux intel_pmu_store_lbr). */
static unsigned arch_read(const struct lbr_caps *lc, struct lbr_entry *e, unsigned max)
{
	u32 ecx = lc->leaf_1c.ecx;
	unsigned n = 0;

	for (unsigned i = 0; i < lbr_st.depth && n < max; i++) {
		u64 from = lbr_rd(MSR_ARCH_LBR_FROM_0 + i), info;

		if (!from)
			break;
		info = lbr_rd(MSR_ARCH_LBR_INFO_0 + i);
		e[n] = (struct lbr_entry){ .from = from, .to = lbr_rd(MSR_ARCH_LBR_TO_0 + i) };
		if (ecx & ARCH_LBR_ECX_MISPRED)
			e[n].mispred = info & LBR_INFO_MISPRED;
		if ((ecx & ARCH_LBR_ECX_TIMED) && (info & LBR_INFO_CYC_CNT_VALID))
			e[n].cycles = info & LBR_INFO_CYCLES;
		if (ecx & ARCH_LBR_ECX_BR_TYPE)
			e[n].type = arch_lbr_br_type[(info & LBR_INFO_BR_TYPE) >> LBR_INFO_BR_TYPE_SHIFT];
		else
			e[n].type = lbr_decode_type(from, NULL);
		n++;
	}
	return n;
}

/* AMD: register renaming keeps entry 0 the newest; TO.valid says whether an
 * entry holds a branch (Linux amd_pmu_lbr_read). The IP fields are 58 bits,
 * sign-extended above, as wide as any virtual address. */
static unsigned amd_read(struct lbr_entry *e, unsigned max)
{
	unsigned n = 0;

	for (unsigned i = 0; i < lbr_st.depth && n < max; i++) {
		u64 from = lbr_rd(MSR_AMD_SAMP_BR_FROM + 2 * i);
		u64 to = lbr_rd(MSR_AMD_SAMP_BR_FROM + 2 * i + 1);

		if (!(to & AMD_LBR_TO_VALID))
			continue;
		e[n] = (struct lbr_entry){
			.from = sign_extend(from & AMD_LBR_IP, 58),
			.to = sign_extend(to & AMD_LBR_IP, 58),
			.mispred = from & AMD_LBR_FROM_MISPRED,
		};
		e[n].type = lbr_decode_type(e[n].from, NULL);
		n++;
	}
	return n;
}

unsigned lbr_read(const struct lbr_caps *lc, struct lbr_entry *e, unsigned max)
{
	if (!lbr_st.running)
		return 0;
	if (lc->arch)
		return arch_read(lc, e, max);
	if (lc->legacy)
		return legacy_read(lc, e, max);
	return amd_read(e, max);
}
