/* The LBR driver (kernel-side/lbr/lbr.c) and call-chain reconstruction
 * (lbr_stack.c) against the LBR model (lbr_sim.c) of each kind and format:
 * entries newest first with exact from/to/mispred/cycles, ring wrap-around,
 * filters, call-stack mode, freeze on PMI, every MSR restored by lbr_stop(),
 * no LBR -> an error. The chain is microbench/lbr_chain.c built with
 * -fomit-frame-pointer: its native run drives the model as the CPU retired
 * it (lbr_replay.c), and the ring and lbr_callchain() must give what its
 * code says (lbr_expect.c, through this binary's own symbol table). */
#include <stdlib.h>
#include "kernel-side/cpu/hw.h"
#include "lib/insn.h"
#include "kernel-side/lbr/lbr.h"
#include "microbench/lbr_chain.h"
#include "kernel-side/lbr/lbr_expect.h"
#include "tests/unit/models/lbr_replay.h"
#include "kernel-side/cpu/msr.h"
#include "host/stream/parse.h"
#include "lib/record.h"
#include "tests/unit/unit.h"

extern char __executable_start[], _etext[];	/* GNU ld: this program's code */

static struct cpu_info ci;
static struct pmu_caps pc;
static struct lbr_caps lc;

static const struct lbr_sim_spec
	snb = { LBR_SIM_LEGACY, 0x2a, LBR_FORMAT_EIP_FLAGS, 16, 3, false },
	hsw = { LBR_SIM_LEGACY, 0x3c, LBR_FORMAT_EIP_FLAGS2, 16, 3, true },
	skl = { LBR_SIM_LEGACY, 0x5e, LBR_FORMAT_INFO, 32, 4, true },
	glp = { LBR_SIM_LEGACY, 0x7a, LBR_FORMAT_TIME, 32, 4, true },
	arch8 = { LBR_SIM_ARCH, 0, 0, 8, 5, true },
	arch16 = { LBR_SIM_ARCH, 0, 0, 16, 5, false },
	arch24 = { LBR_SIM_ARCH, 0, 0, 24, 5, true },
	arch32 = { LBR_SIM_ARCH, 0, 0, 32, 5, true },
	zen4 = { LBR_SIM_AMD, 0, 0, 16, 0, false };
static const struct lbr_sim_spec *const specs[] = {
	&snb, &hsw, &skl, &glp, &arch8, &arch16, &arch24, &arch32, &zen4,
};

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

static bool has_mispred(const struct lbr_sim_spec *s)
{
	return s->kind != LBR_SIM_LEGACY || s->fmt >= LBR_FORMAT_EIP_FLAGS;
}

static bool has_cycles(const struct lbr_sim_spec *s)
{
	return s->kind == LBR_SIM_ARCH ||
	       (s->kind == LBR_SIM_LEGACY && s->fmt >= LBR_FORMAT_INFO);
}

/* Branch i of a synthetic run: kernel and user halves of the address space,
 * so the flag-stripping and sign extension are both exercised. */
static u64 syn_from(unsigned i)	{ return 0xffffffff81000000ull + 0x40 * i; }
static u64 syn_to(unsigned i)	{ return 0x00007ffd00001000ull + 0x10 * i; }

/* Fill the ring well past its depth: what is left is the newest `depth`
 * branches, newest first, each exactly as it went in. */
static void test_ring(const struct lbr_sim_spec *s)
{
	struct lbr_entry e[LBR_MAX_ENTRIES];
	unsigned total = s->depth * 2 + 5, n;

	install(s);
	CHECK_U64(lbr_start(&lc, LBR_F_ANY), 0);
	for (unsigned i = 0; i < total; i++)
		lbr_sim_branch(syn_from(i), syn_to(i), LBR_SIM_JCC, i % 3 == 0,
			       (u16)(7 * i + 1), 0);
	n = lbr_read(&lc, e, LBR_MAX_ENTRIES);
	CHECK_U64(n, s->depth);
	for (unsigned k = 0; k < n; k++) {
		unsigned i = total - 1 - k;

		CHECK_U64(e[k].from, syn_from(i));
		CHECK_U64(e[k].to, syn_to(i));
		CHECK_U64(e[k].mispred, has_mispred(s) && i % 3 == 0);
		CHECK_U64(e[k].cycles, has_cycles(s) ? 7 * i + 1 : 0);
		/* Only Arch LBR records the type; outside the image's code
		 * nothing is decoded. */
		CHECK_U64(e[k].type, s->kind == LBR_SIM_ARCH ? LBR_BR_JCC : LBR_BR_UNKNOWN);
	}
	/* max cuts the read short, newest first still. */
	CHECK_U64(lbr_read(&lc, e, 3), 3);
	CHECK_U64(e[0].from, syn_from(total - 1));
	lbr_stop(&lc);
	CHECK_U64(lbr_read(&lc, e, LBR_MAX_ENTRIES), 0);
}

/* A start resets the ring: a short run reads back as just itself. */
static void test_partial(const struct lbr_sim_spec *s)
{
	struct lbr_entry e[LBR_MAX_ENTRIES];

	install(s);
	CHECK_U64(lbr_start(&lc, LBR_F_ANY), 0);
	for (unsigned i = 0; i < 40; i++)
		lbr_sim_branch(syn_from(i), syn_to(i), LBR_SIM_JCC, false, 1, 0);
	lbr_stop(&lc);
	CHECK_U64(lbr_start(&lc, LBR_F_ANY), 0);
	lbr_sim_branch(syn_from(100), syn_to(100), LBR_SIM_REL_JMP, false, 1, 0);
	lbr_sim_branch(syn_from(101), syn_to(101), LBR_SIM_RET, false, 1, 0);
	CHECK_U64(lbr_read(&lc, e, LBR_MAX_ENTRIES), 2);
	CHECK_U64(e[0].from, syn_from(101));
	CHECK_U64(e[1].from, syn_from(100));
	lbr_stop(&lc);
}

/* Privilege and type filters, and lbr_freeze()/lbr_resume(). */
static void test_filter(const struct lbr_sim_spec *s)
{
	struct lbr_entry e[LBR_MAX_ENTRIES];

	install(s);
	CHECK_U64(lbr_start(&lc, LBR_F_KERNEL | LBR_F_REL_CALL | LBR_F_RET), 0);
	lbr_sim_branch(syn_from(1), syn_to(1), LBR_SIM_JCC, false, 1, 0);
	lbr_sim_branch(syn_from(2), syn_to(2), LBR_SIM_REL_CALL, false, 1, 3);
	lbr_sim_branch(syn_from(3), syn_to(3), LBR_SIM_IND_CALL, false, 1, 0);
	lbr_sim_branch(syn_from(4), syn_to(4), LBR_SIM_REL_CALL, false, 1, 0);
	lbr_freeze(&lc);
	lbr_sim_branch(syn_from(5), syn_to(5), LBR_SIM_REL_CALL, false, 1, 0);
	lbr_resume(&lc);
	lbr_sim_branch(syn_from(6), syn_to(6), LBR_SIM_RET, false, 1, 0);
	CHECK_U64(lbr_read(&lc, e, LBR_MAX_ENTRIES), 2);
	CHECK_U64(e[0].from, syn_from(6));
	CHECK_U64(e[1].from, syn_from(4));
	lbr_stop(&lc);
}

/* A PMI freezes the ring (FREEZE_LBRS_ON_PMI); the handler reads it, acks
 * LBR_FRZ with the overflow bits where the PMU has it, and resumes. */
static void test_pmi_freeze(const struct lbr_sim_spec *s)
{
	struct lbr_entry e[LBR_MAX_ENTRIES];
	u64 status;

	install(s);
	CHECK_U64(lbr_start(&lc, LBR_F_ANY), 0);
	lbr_sim_branch(syn_from(1), syn_to(1), LBR_SIM_JCC, false, 1, 0);
	lbr_sim_pmi();
	CHECK(lbr_sim_frozen());
	lbr_sim_branch(syn_from(2), syn_to(2), LBR_SIM_JCC, false, 1, 0);
	CHECK_U64(lbr_read(&lc, e, LBR_MAX_ENTRIES), 1);
	CHECK_U64(e[0].from, syn_from(1));
	if (s->kind == LBR_SIM_AMD || s->perfmon >= 4) {
		u32 st = s->kind == LBR_SIM_AMD ? MSR_AMD64_PERF_CNTR_GLOBAL_STATUS :
						  MSR_CORE_PERF_GLOBAL_STATUS;
		u32 ack = s->kind == LBR_SIM_AMD ? MSR_AMD64_PERF_CNTR_GLOBAL_STATUS_CLR :
						   MSR_CORE_PERF_GLOBAL_OVF_CTRL;

		CHECK_U64(msr_read_safe(st, &status), 0);
		CHECK(status & GLOBAL_STATUS_LBRS_FROZEN);
		CHECK_U64(msr_write_safe(ack, status), 0);
	}
	lbr_resume(&lc);
	CHECK(!lbr_sim_frozen());
	lbr_sim_branch(syn_from(3), syn_to(3), LBR_SIM_JCC, false, 1, 0);
	CHECK_U64(lbr_read(&lc, e, LBR_MAX_ENTRIES), 2);
	CHECK_U64(e[0].from, syn_from(3));
	lbr_stop(&lc);
}

/* Every MSR of the LBR, as the model holds it, with its ring entry (-1 for
 * the controls). */
struct lbr_msr {
	u32 msr;
	int entry;
};

static unsigned lbr_msrs(const struct lbr_sim_spec *s, struct lbr_msr *m)
{
	unsigned n = 0;

	m[n++] = (struct lbr_msr){ MSR_IA32_DEBUGCTLMSR, -1 };
	for (unsigned i = 0; i < s->depth; i++) {
		if (s->kind == LBR_SIM_LEGACY) {
			m[n++] = (struct lbr_msr){ lc.legacy_from + i, (int)i };
			m[n++] = (struct lbr_msr){ lc.legacy_to + i, (int)i };
			if (s->fmt == LBR_FORMAT_INFO)
				m[n++] = (struct lbr_msr){ MSR_LBR_INFO_0 + i, (int)i };
		} else if (s->kind == LBR_SIM_ARCH) {
			m[n++] = (struct lbr_msr){ MSR_ARCH_LBR_FROM_0 + i, (int)i };
			m[n++] = (struct lbr_msr){ MSR_ARCH_LBR_TO_0 + i, (int)i };
			m[n++] = (struct lbr_msr){ MSR_ARCH_LBR_INFO_0 + i, (int)i };
		} else {
			m[n++] = (struct lbr_msr){ MSR_AMD_SAMP_BR_FROM + 2 * i, (int)i };
			m[n++] = (struct lbr_msr){ MSR_AMD_SAMP_BR_FROM + 2 * i + 1, (int)i };
		}
	}
	if (s->kind == LBR_SIM_LEGACY) {
		m[n++] = (struct lbr_msr){ MSR_LBR_SELECT, -1 };
		m[n++] = (struct lbr_msr){ MSR_LBR_TOS, -1 };
	} else if (s->kind == LBR_SIM_ARCH) {
		m[n++] = (struct lbr_msr){ MSR_ARCH_LBR_CTL, -1 };
		m[n++] = (struct lbr_msr){ MSR_ARCH_LBR_DEPTH, -1 };
	} else {
		m[n++] = (struct lbr_msr){ MSR_AMD_DBG_EXTN_CFG, -1 };
		m[n++] = (struct lbr_msr){ MSR_AMD64_LBR_SELECT, -1 };
	}
	return n;
}

/* Whatever state the LBR was in -- another user's ring and TOS, filters, a
 * smaller Arch LBR depth -- lbr_stop() puts back, after a run that changed
 * it all. */
static void test_restore(const struct lbr_sim_spec *s)
{
	struct lbr_msr m[4 * LBR_MAX_ENTRIES];
	u64 before[4 * LBR_MAX_ENTRIES], v;
	/* Arch LBR records past the depth read as cleared by the DEPTH write. */
	int live = s->kind == LBR_SIM_ARCH ? 8 : (int)s->depth;
	unsigned n;

	install(s);
	n = lbr_msrs(s, m);
	CHECK_U64(hw_wrmsr(MSR_IA32_DEBUGCTLMSR, DEBUGCTLMSR_BTF), 0);
	if (s->kind == LBR_SIM_LEGACY) {
		CHECK_U64(hw_wrmsr(MSR_LBR_SELECT, LBR_SELECT_JCC), 0);
		CHECK_U64(hw_wrmsr(MSR_LBR_TOS, 5), 0);
	} else if (s->kind == LBR_SIM_ARCH) {
		CHECK_U64(hw_wrmsr(MSR_ARCH_LBR_DEPTH, 8), 0);
		CHECK_U64(hw_wrmsr(MSR_ARCH_LBR_CTL, ARCH_LBR_CTL_OS | ARCH_LBR_CTL_JCC), 0);
	} else {
		CHECK_U64(hw_wrmsr(MSR_AMD64_LBR_SELECT, LBR_SELECT_USER), 0);
	}
	for (unsigned i = 0; i < n; i++)
		if (m[i].entry >= 0 && m[i].entry < live)
			CHECK_U64(hw_wrmsr(m[i].msr, 0x1000 + i), 0);
	for (unsigned i = 0; i < n; i++)
		CHECK_U64(hw_rdmsr(m[i].msr, &before[i]), 0);

	CHECK_U64(lbr_start(&lc, LBR_F_ANY | LBR_F_CALL_STACK), 0);
	for (unsigned i = 0; i < 3 * s->depth; i++)
		lbr_sim_branch(syn_from(i), syn_to(i), i % 3 == 2 ? LBR_SIM_RET : LBR_SIM_REL_CALL,
			       true, 9, 0);
	CHECK(lbr_sim_recorded() > 0);
	lbr_stop(&lc);
	for (unsigned i = 0; i < n; i++) {
		CHECK_U64(hw_rdmsr(m[i].msr, &v), 0);
		CHECK_U64(v, before[i]);
	}
}

/* Call-stack mode where the LBR has it: calls that returned are gone, the
 * ring holds the active ones, newest first. Elsewhere calls and returns. */
static void test_call_stack(const struct lbr_sim_spec *s)
{
	struct lbr_entry e[LBR_MAX_ENTRIES];
	unsigned n;

	install(s);
	CHECK_U64(lbr_start(&lc, LBR_F_KERNEL | LBR_F_CALL_STACK), 0);
	CHECK_U64(lbr_call_stack(), s->call_stack);
	lbr_sim_branch(syn_from(1), syn_to(1), LBR_SIM_REL_CALL, false, 1, 0);
	lbr_sim_branch(syn_from(2), syn_to(2), LBR_SIM_IND_CALL, false, 1, 0);
	lbr_sim_branch(syn_from(3), syn_to(3), LBR_SIM_JCC, false, 1, 0);
	lbr_sim_branch(syn_from(4), syn_to(4), LBR_SIM_RET, false, 1, 0);
	lbr_sim_branch(syn_from(5), syn_to(5), LBR_SIM_REL_CALL, false, 1, 0);
	n = lbr_read(&lc, e, LBR_MAX_ENTRIES);
	if (s->call_stack) {
		CHECK_U64(n, 2);
		CHECK_U64(e[0].from, syn_from(5));
		CHECK_U64(e[1].from, syn_from(1));
	} else {
		CHECK_U64(n, 4);
		CHECK_U64(e[1].from, syn_from(4));
	}
	lbr_stop(&lc);
}

/* ------------------------------------------ the -fomit-frame-pointer chain */

/* The n-th (0-based) direct CALL to target in fn. */
static u64 call_to(const void *fn, const void *target, unsigned nth)
{
	const u8 *p = fn;
	struct insn in;

	for (unsigned off = 0; off < 256; off += in.len) {
		u64 at = (u64)(uintptr_t)(p + off);

		if (insn_decode(&in, p + off, INSN_MAX_LEN))
			return 0;
		if (in.flow == FLOW_CALL_REL &&
		    insn_rel_target(&in, at) == (u64)(uintptr_t)target && !nth--)
			return at;
		if (in.flow == FLOW_RET)
			return 0;
	}
	return 0;
}

static u64 first_ret(const void *fn)
{
	const u8 *p = fn;
	struct insn in;

	for (unsigned off = 0; off < 256; off += in.len) {
		if (insn_decode(&in, p + off, INSN_MAX_LEN))
			return 0;
		if (in.flow == FLOW_RET)
			return (u64)(uintptr_t)(p + off);
	}
	return 0;
}

#define ADDR(f) ((u64)(uintptr_t)(f))
#define BASE ADDR(__executable_start)

/* The chain's hook and caller: names lbr_expect_chain() looks up in this
 * binary's own symbol table, so no other function may share them. */
static void test_lbr_hook(void *arg)
{
}

static __attribute__((noinline, noclone)) void test_lbr_run_chain(void)
{
	lbr_chain_a(test_lbr_hook, NULL);
	__asm__ volatile("" ::: "memory");	/* a CALL, not a tail jump */
}

/* What the code says the chain retires and leaves active (lbr_expect.c). */
static struct lbr_expect expect;

/* The derivation from the code and the run's own record of what it did
 * (lbr_replay.c) are two independent accounts of the same branches: each
 * FROM, TO and frame equal. A name the table lacks, or a caller with no
 * call of lbr_chain_a, is no derivation and names the function. */
static void test_expect(void)
{
	struct lbr_replay_br b[LBR_REPLAY_MAX];
	struct lbr_expect x;
	unsigned nb;

	CHECK(lbr_expect_chain(BASE, "test_lbr_run_chain", "test_lbr_hook", &expect));
	CHECK(expect.missing == NULL);
	test_lbr_run_chain();
	nb = lbr_replay_chain(b);
	CHECK_U64(nb, LBR_REPLAY_MAX);
	CHECK_U64(expect.nbr, nb);
	for (unsigned i = 0; i < nb && i < expect.nbr; i++) {
		CHECK_U64(expect.br[i].from, b[i].from);
		CHECK_U64(expect.br[i].to, b[i].to);
		CHECK_U64(expect.finished[i], i == 2 || i == 3 || i == 6 || i == 7);
	}
	for (unsigned i = 0; i < LBR_CHAIN_FRAMES; i++)
		CHECK_U64(expect.frame[i + 1], lbr_chain_ret[i]);
	CHECK_U64(expect.br[nb - 1].to, ADDR(test_lbr_hook));

	CHECK(!lbr_expect_chain(BASE, "test_lbr_run_chain", "no_such_function", &x));
	CHECK_STR(x.missing, "no_such_function");
	CHECK(!lbr_expect_chain(BASE, "lbr_chain_b", "test_lbr_hook", &x));
	CHECK_STR(x.missing, "lbr_chain_b");
}

static void feed(const struct lbr_replay_br *b, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		lbr_sim_branch(b[i].from, b[i].to, b[i].type, false, 1, 0);
}

/* The chain retired on the model after `pre` jumps of earlier work (so the
 * ring has wrapped), frozen by a PMI at the hook: the ring holds the
 * branches the code says, FROM and TO, consecutively, and lbr_callchain()
 * gives the code's frames exactly. */
static void test_chain(const struct lbr_sim_spec *s, u32 filter, unsigned pre)
{
	struct lbr_replay_br b[LBR_REPLAY_MAX];
	struct lbr_entry e[LBR_MAX_ENTRIES];
	u64 chain[LBR_MAX_ENTRIES];
	unsigned nb, n, nc;
	bool cs;

	test_lbr_run_chain();
	nb = lbr_replay_chain(b);
	install(s);
	CHECK_U64(lbr_start(&lc, filter), 0);
	cs = lbr_call_stack();
	for (unsigned i = 0; i < pre; i++)
		lbr_sim_branch(syn_from(i), syn_to(i), i % 2 ? LBR_SIM_JCC : LBR_SIM_REL_JMP,
			       false, 1, 0);
	feed(b, nb);
	lbr_sim_pmi();
	n = lbr_read(&lc, e, LBR_MAX_ENTRIES);
	lbr_stop(&lc);
	CHECK_U64(lbr_expect_find(&expect, cs ? LBR_KEEP_CALL_STACK : LBR_KEEP_CALLS_RETS,
				  e, n), 0);
	nc = lbr_callchain(e, n, chain, LBR_MAX_ENTRIES);
	CHECK_U64(nc, LBR_EXPECT_FRAMES);
	for (unsigned i = 0; i < LBR_EXPECT_FRAMES && i < nc; i++)
		CHECK_U64(chain[i], expect.frame[i]);
}

/* A ring too short for the whole chain, without call-stack mode, still gives
 * the innermost frames exactly, and no wrong one. */
static void test_chain_truncated(void)
{
	static const struct lbr_sim_spec arch8_plain = { LBR_SIM_ARCH, 0, 0, 8, 5, false };
	struct lbr_replay_br b[LBR_REPLAY_MAX];
	struct lbr_entry e[LBR_MAX_ENTRIES];
	u64 chain[LBR_MAX_ENTRIES];
	unsigned nb, n, nc;

	test_lbr_run_chain();
	nb = lbr_replay_chain(b);
	install(&arch8_plain);
	CHECK_U64(lbr_start(&lc, LBR_F_ANY), 0);
	feed(b, nb);
	n = lbr_read(&lc, e, LBR_MAX_ENTRIES);
	lbr_stop(&lc);
	CHECK_U64(n, 8);
	/* The 8 newest hold the calls of c, d, leaf and the hook with both
	 * noise pairs; the calls of a and b fell off. */
	nc = lbr_callchain(e, n, chain, LBR_MAX_ENTRIES);
	CHECK_U64(nc, 4);
	for (unsigned i = 0; i < 4 && i < nc; i++)
		CHECK_U64(chain[i], expect.frame[i]);
}

/* Recursion through one call site: the inner call returned, the outer one
 * did not. Each return cancels one call, the nearest. Calls outside the
 * image (no length to decode) give no frame rather than a guessed one. */
static void test_callchain_recursion(void)
{
	u64 site = call_to(lbr_chain_b, lbr_chain_c, 0), chain[4];
	struct lbr_entry e[] = {	/* newest first */
		{ first_ret(lbr_chain_c), site + 5, false, 0, LBR_BR_RET },
		{ site, ADDR(lbr_chain_c), false, 0, LBR_BR_CALL },
		{ syn_from(1), syn_to(1), false, 0, LBR_BR_JCC },
		{ site, ADDR(lbr_chain_c), false, 0, LBR_BR_CALL },
		{ syn_from(2), syn_to(2), false, 0, LBR_BR_CALL },
	};

	CHECK(site != 0);
	CHECK_U64(lbr_callchain(e, ARRAY_SIZE(e), chain, 4), 1);
	CHECK_U64(chain[0], site + 5);
	CHECK_U64(lbr_callchain(e, 2, chain, 4), 0);
	CHECK_U64(lbr_callchain(e, ARRAY_SIZE(e), chain, 0), 0);
}

/* The ring decoded where the format gives no type: legacy and AMD entries
 * inside the image get their type from the instruction at `from`. */
static void test_decoded_types(void)
{
	struct lbr_replay_br b[LBR_REPLAY_MAX];
	struct lbr_entry e[LBR_MAX_ENTRIES];
	unsigned nb, n;

	test_lbr_run_chain();
	nb = lbr_replay_chain(b);
	install(&zen4);
	CHECK_U64(lbr_start(&lc, LBR_F_ANY), 0);
	feed(b, nb);
	n = lbr_read(&lc, e, LBR_MAX_ENTRIES);
	lbr_stop(&lc);
	CHECK_U64(n, nb);
	for (unsigned k = 0; k < n && k < nb; k++) {
		const struct lbr_replay_br *c = &b[nb - 1 - k];

		CHECK_U64(e[k].type, c->type == LBR_SIM_RET ? LBR_BR_RET :
				     c->type == LBR_SIM_IND_CALL ? LBR_BR_IND_CALL : LBR_BR_CALL);
	}
}

/* ----------------------------------------------------------- no LBR ---- */

/* QEMU TCG: no PDCM, no Arch LBR; unknown MSRs read 0 and drop writes. */
static void test_absent(void)
{
	struct lbr_entry e[4];

	sim_reset();
	sim_cpuid_vendor("GenuineIntel", 0x1c, 0x80000008u);
	sim_cpuid(1, 0, 0x000506e3, 0, 0, 0);
	sim_msr_default_drop(true);
	cpu_probe(&ci);
	pmu_probe(&ci, &pc);
	lbr_probe(&ci, &pc, &lc);
	CHECK(!lc.present);
	CHECK_U64(lbr_start(&lc, LBR_F_ANY), HW_ERR_NOT_SUPPORTED);
	CHECK_U64(lbr_read(&lc, e, 4), 0);
	lbr_freeze(&lc);
	lbr_stop(&lc);
	CHECK_U64(sim_msr_writes(), 0);

	/* Zen 3: PerfMonV2-less AMD has no LbrExtV2. */
	pmu_sim_install(&pmu_sim_amd_ext);
	cpu_probe(&ci);
	pmu_probe(&ci, &pc);
	lbr_probe(&ci, &pc, &lc);
	CHECK(!lc.present);
	CHECK_U64(lbr_start(&lc, LBR_F_ANY), HW_ERR_NOT_SUPPORTED);
}

/* An MSR that faults halfway through lbr_start() (a hypervisor without the
 * LBR_INFO MSRs) leaves nothing changed. */
static void test_start_fault(void)
{
	u64 v;

	install(&skl);
	CHECK_U64(hw_wrmsr(MSR_IA32_DEBUGCTLMSR, DEBUGCTLMSR_BTF), 0);
	CHECK_U64(hw_wrmsr(lc.legacy_from, 0x55), 0);
	lc.legacy_info = 0x7777;	/* no such MSR: its first write faults */
	CHECK(HW_ERR_IS_FAULT(lbr_start(&lc, LBR_F_ANY)));
	CHECK_U64(hw_rdmsr(MSR_IA32_DEBUGCTLMSR, &v), 0);
	CHECK_U64(v, DEBUGCTLMSR_BTF);
	CHECK_U64(hw_rdmsr(lc.legacy_from, &v), 0);
	CHECK_U64(v, 0x55);
	CHECK_U64(lbr_read(&lc, NULL, 0), 0);
}

/* ---------------------------------------------------------- records ---- */

/* Explain mode's narration is code: a hook that retires a branch each time
 * it narrates must leave no trace in the ring, because lbr.c holds narration
 * from the write that starts recording to the one that freezes it. */
static unsigned narrated;

static void narrate_branch(enum msr_op op, u32 msr, u64 val, int err, unsigned dropped)
{
	narrated++;
	lbr_sim_branch(0xdead0000, 0xdead0100, LBR_SIM_JCC, false, 1, 0);
}

static void test_narration_held(const struct lbr_sim_spec *s)
{
	struct lbr_entry e[LBR_MAX_ENTRIES];
	unsigned n, before;

	install(s);
	narrated = 0;
	msr_narrate = narrate_branch;
	CHECK_U64(lbr_start(&lc, LBR_F_ANY), 0);
	before = narrated;		/* the ring cleared, not recording yet */
	for (unsigned i = 0; i < 3; i++)
		lbr_sim_branch(syn_from(i), syn_to(i), LBR_SIM_JCC, false, 1, 0);
	lbr_freeze(&lc);
	CHECK(narrated > before);	/* the held start and freeze, told now */
	n = lbr_read(&lc, e, LBR_MAX_ENTRIES);
	msr_narrate = NULL;
	CHECK_U64(n, 3);
	for (unsigned i = 0; i < n; i++)
		CHECK_U64(e[i].from, syn_from(2 - i));
	lbr_resume(&lc);
	lbr_sim_branch(syn_from(3), syn_to(3), LBR_SIM_JCC, false, 1, 0);
	msr_narrate = narrate_branch;
	lbr_stop(&lc);
	msr_narrate = NULL;
	lbr_start(&lc, LBR_F_ANY);	/* a second start: the hold was released */
	msr_narrate = narrate_branch;
	before = narrated;
	lbr_stop(&lc);
	CHECK(narrated > before);
	msr_narrate = NULL;
}

static struct parser *parser;

static void sink(const char *line, size_t len, void *ctx)
{
	parser_feed(parser, line, len);
	parser_feed(parser, "\n", 1);
}

static void test_records(void)
{
	struct lbr_entry e[2] = {
		{ ADDR(lbr_chain_a) + 0x10, ADDR(lbr_chain_b), true, 12, LBR_BR_CALL },
		{ ADDR(lbr_chain_b) + 1, 0xffffffff81000000ull, false, 0, LBR_BR_RET },
	};
	struct stream *st;
	const struct record *r;
	char from[32];

	snprintf(from, sizeof(from), "%#llx", (unsigned long long)e[0].from);
	parser = parser_new(NULL, NULL);
	rec_set_sink(sink, NULL);
	lbr_report_entries("run1", "end", e, 2);
	st = parser_finish(parser);
	CHECK_U64(st->nrecs, 2);
	r = stream_find(st, "lbr_branch");
	CHECK(r != NULL);
	if (r) {
		CHECK_STR(record_get(r, "run"), "run1");
		CHECK_STR(record_get(r, "sample"), "end");
		CHECK_STR(record_get(r, "i"), "0");
		CHECK_STR(record_get(r, "from"), from);
		CHECK_STR(record_get(r, "from_sym"), "lbr_chain_a+0x10");
		CHECK_STR(record_get(r, "to_sym"), "lbr_chain_b+0x0");
		CHECK_STR(record_get(r, "mispred"), "1");
		CHECK_STR(record_get(r, "cycles"), "12");
		CHECK_STR(record_get(r, "type"), "call");
	}
	CHECK_STR(record_get(&st->recs[1], "to_sym"), "?");
	CHECK_STR(record_get(&st->recs[1], "type"), "ret");
	stream_free(st);
}

int main(void)
{
	/* This binary's own symbol table (the Makefile's second link), its
	 * offsets from where it is loaded, as the payload's are. */
	lbr_set_image(BASE, BASE, ADDR(_etext));
	test_expect();
	for (unsigned i = 0; i < ARRAY_SIZE(specs); i++) {
		test_ring(specs[i]);
		test_partial(specs[i]);
		test_filter(specs[i]);
		test_pmi_freeze(specs[i]);
		test_restore(specs[i]);
		test_call_stack(specs[i]);
		test_narration_held(specs[i]);
		/* Every branch recorded, the ring wrapped by 3 depths of jumps
		 * before the chain; only the deep rings hold all of it. */
		if (specs[i]->depth >= 16)
			test_chain(specs[i], LBR_F_ANY, 3 * specs[i]->depth);
		/* Calls and returns only; call-stack mode where there is one. */
		if (specs[i]->depth >= 16 || specs[i]->call_stack)
			test_chain(specs[i], LBR_F_KERNEL | LBR_F_CALLS | LBR_F_CALL_STACK,
				   3 * specs[i]->depth);
	}
	test_chain_truncated();
	test_callchain_recursion();
	test_decoded_types();
	test_absent();
	test_start_fault();
	test_records();
	return unit_done("lbr");
}
