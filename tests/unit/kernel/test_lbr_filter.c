/* lbr.c's filters against the LBR model (legacy and AMD LBR_SELECT, Arch
 * IA32_LBR_CTL): each keeps exactly the branches it names; and the Core 2 ring.
 * The expected entries follow from the branches retired and the filter alone. */
#include "kernel-side/cpu/cpuinfo.h"
#include "kernel-side/cpu/msr.h"
#include "kernel-side/lbr/lbr.h"
#include "tests/unit/models/lbr_sim.h"
#include "tests/unit/unit.h"

static const struct lbr_sim_spec
	snb = { LBR_SIM_LEGACY, 0x2a, LBR_FORMAT_EIP_FLAGS, 16, 3, false },
	arch32 = { LBR_SIM_ARCH, 0, 0, 32, 5, false },
	zen4 = { LBR_SIM_AMD, 0, 0, 16, 0, false };
static const struct lbr_sim_spec *const specs[] = { &snb, &arch32, &zen4 };

/* Each branch type the model retires, with the filter bit that keeps it. */
static const struct {
	enum lbr_sim_br type;
	u32 filter;
} kinds[] = {
	{ LBR_SIM_JCC, LBR_F_JCC },
	{ LBR_SIM_REL_JMP, LBR_F_REL_JMP },
	{ LBR_SIM_IND_JMP, LBR_F_IND_JMP },
	{ LBR_SIM_REL_CALL, LBR_F_REL_CALL },
	{ LBR_SIM_IND_CALL, LBR_F_IND_CALL },
	{ LBR_SIM_RET, LBR_F_RET },
	{ LBR_SIM_FAR, LBR_F_FAR },
};

static struct cpu_info ci;
static struct pmu_caps pc;
static struct lbr_caps lc;

static u64 from_of(unsigned k)	{ return 0x401000 + 0x100 * k; }
static u64 to_of(unsigned k)	{ return 0x402000 + 0x100 * k; }

static void install(const struct lbr_sim_spec *s)
{
	unsigned restored;

	lbr_sim_install(s);
	cpu_probe(&ci);
	pmu_probe(&ci, &pc);
	lbr_probe(&ci, &pc, &lc);
	msr_restore_all(&restored);
	CHECK(lc.present);
}

/* Retires one branch of every kind at cpl under filter; returns what the
 * ring kept, newest first. */
static unsigned run(u32 filter, unsigned cpl, struct lbr_entry *e)
{
	unsigned n;

	CHECK_U64(lbr_start(&lc, filter), 0);
	for (unsigned k = 0; k < ARRAY_SIZE(kinds); k++)
		lbr_sim_branch(from_of(k), to_of(k), kinds[k].type, false, 1, cpl);
	n = lbr_read(&lc, e, LBR_MAX_ENTRIES);
	lbr_stop(&lc);
	return n;
}

static void test_filters(const struct lbr_sim_spec *s)
{
	struct lbr_entry e[LBR_MAX_ENTRIES];
	unsigned n;

	install(s);
	/* One type at a time: only its branch. */
	for (unsigned k = 0; k < ARRAY_SIZE(kinds); k++) {
		n = run(LBR_F_KERNEL | LBR_F_USER | kinds[k].filter, 0, e);
		CHECK_U64(n, 1);
		if (n == 1) {
			CHECK_U64(e[0].from, from_of(k));
			CHECK_U64(e[0].to, to_of(k));
		}
	}
	/* Every type: all of them, at the privilege level the filter names. */
	CHECK_U64(run(LBR_F_KERNEL | LBR_F_TYPES, 0, e), ARRAY_SIZE(kinds));
	CHECK_U64(run(LBR_F_USER | LBR_F_TYPES, 3, e), ARRAY_SIZE(kinds));
	CHECK_U64(run(LBR_F_KERNEL | LBR_F_TYPES, 3, e), 0);
	CHECK_U64(run(LBR_F_USER | LBR_F_TYPES, 0, e), 0);
}

/* Core 2 (family 6 model 0x17) keeps 4 entries at MSR_LASTBRANCH_0_FROM_IP
 * 0x40 / TO_IP 0x60: the newest four of six, newest first. */
static void test_core2_ring(void)
{
	static const struct lbr_sim_spec core2 = {
		LBR_SIM_LEGACY, 0x17, LBR_FORMAT_EIP, 4, 2, false
	};
	struct lbr_entry e[LBR_MAX_ENTRIES];
	unsigned n;

	install(&core2);
	CHECK_U64(lc.legacy_depth, 4);
	CHECK_U64(lbr_start(&lc, LBR_F_ANY), 0);
	for (unsigned k = 0; k < 6; k++)
		lbr_sim_branch(from_of(k), to_of(k), LBR_SIM_JCC, false, 0, 0);
	n = lbr_read(&lc, e, LBR_MAX_ENTRIES);
	lbr_stop(&lc);
	CHECK_U64(n, 4);
	for (unsigned i = 0; i < n && i < 4; i++) {
		CHECK_U64(e[i].from, from_of(5 - i));
		CHECK_U64(e[i].to, to_of(5 - i));
	}
}

int main(void)
{
	for (unsigned i = 0; i < ARRAY_SIZE(specs); i++)
		test_filters(specs[i]);
	test_core2_ring();
	return unit_done("lbr_filter");
}
