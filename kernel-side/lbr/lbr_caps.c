/* Last Branch Record capabilities (lbr.h): which of the three kinds (Intel
 * legacy LBR, Intel Arch LBR, AMD LbrExtV2) this CPU has, and how deep.
 *
 * Legacy LBR is not enumerated: its depth and MSRs follow the model, as in
 * Linux arch/x86/events/intel/lbr.c (intel_pmu_lbr_init_*), and its format
 * sits in IA32_PERF_CAPABILITIES[5:0]. A guest sees it only when the
 * hypervisor exposes PDCM (KVM requires the host's format), so without
 * PERF_CAPABILITIES pmulab does not believe in it. QEMU TCG has none of it. */
#include "kernel-side/lbr/lbr.h"
#include "kernel-side/cpu/msr.h"
#include "lib/record.h"

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
