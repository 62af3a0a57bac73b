/* kvm-unit-tests x86/pmu_lbr.c and the pmulab checks that test the same (parity.h). */
#include "host/parity/parity.h"

static const struct parity_row rows[] = {
	{
		.kut = "main: report_skip (not Intel, no PMU, no PDCM, LBR format 0)",
		.property = "no LBR to test: skip, saying why",
		.why = "a skip condition, not a check: every pmulab LBR check skips with "
		       "the probe's reason (no-pdcm, perf-capabilities-unreadable, "
		       "model-not-in-table, arch-lbr-no-depth, no-lbr-ext-v2), and AMD "
		       "LbrExtV2 is tested rather than skipped",
	},
	{
		.kut = "test_init_lbr_from_exception: LBR on this platform is not supported!",
		.property = "the FROM/TO MSRs are where the model says: a write there does not #GP",
		.check = "lbr.depth",
		.unit = "test_lbr_check: depth-fewer",
	},
	{
		.kut = "main: The number of guest LBR entries is good.",
		.property = "as many FROM/TO MSRs answer as the ring is deep, the next one #GPs",
		.check = "lbr.depth",
		.unit = "test_lbr_check: depth-more",
	},
	{
		.kut = "main: The guest LBR FROM_IP/TO_IP values are good.",
		.property = "with DEBUGCTL.LBR set, each branch lands in the next entry, FROM and TO",
		.check = "lbr.callchain",
		.unit = "test_lbr_check: tos-stuck, from-to-swapped",
	},
	{
		.kut = "related: DEBUGCTL.FREEZE_LBRS_ON_PMI (legacy and Arch LBR)",
		.property = "a PMI freezes the ring: LBR_FRZ in the global status, or DEBUGCTL.LBR "
			    "cleared before perfmon v4",
		.check = "lbr.freeze-on-pmi",
		.unit = "test_sample: lbr-freeze-ignored",
	},
	{
		.kut = "related: MSR_LBR_SELECT / IA32_LBR_CTL branch-type filtering",
		.property = "recording calls only, no return or jump is recorded",
		.check = "lbr.filter",
		.unit = "test_lbr_check: select-ignored",
	},
	{
		.kut = "unittests.cfg [pmu_lbr]: -cpu host, accel = kvm, enable_pmu=Y",
		.property = "a KVM guest with the host's LBR format",
		.why = "a hypervisor setting: pmulab runs the same checks on bare metal and "
		       "in a KVM guest given PDCM and the host's format; QEMU TCG has no "
		       "LBR and every LBR check skips there",
	},
};

const struct parity_table parity_lbr = {
	.source = "x86/pmu_lbr.c",
	.doc = "docs/lbr.md",
	.rows = rows,
	.n = sizeof(rows) / sizeof(rows[0]),
};
