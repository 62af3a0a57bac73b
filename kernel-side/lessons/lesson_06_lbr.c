/* Lesson 6: the LBR ring and call graphs without frame pointers (lbr.c,
 * lbr_stack.c, docs/lbr.md; microbench/lbr_chain.c is built with
 * -fomit-frame-pointer). Where there is no LBR (QEMU TCG) the lesson still
 * measures what it can -- the real call instructions, a frame-pointer walk
 * that fails -- and shows the ring the hardware would build from those real
 * addresses, labelled as a reconstruction, never as a recording. */
#include "kernel-side/explain/explain.h"
#include "kernel-side/lbr/lbr_expect.h"
#include "lib/insn.h"
#include "kernel-side/lessons/lesson.h"
#include "lib/libc.h"
#include "lib/symtab.h"

#define WALK_MAX	4
#define RING_MAX	16
#define SHALLOW		8	/* the depth of the smallest rings (Atoms, Arch LBR 8) */
#define FRAMES		LBR_EXPECT_FRAMES	/* the hook's return, then the chain's */

static u64 image_base;			/* for symbols: the first step sets it */
/* What the code says the ring and the frames are (lbr_expect.c), and what
 * the run itself saw: the hook's return address, the chain's stored ones. */
static struct lbr_expect expect;
static bool derived;
static u64 hook_ret;
static u64 walk[WALK_MAX];
static unsigned nwalk, walk_found;
/* The recorded ring (hardware with an LBR) and its chain. */
static struct lbr_entry ring[LBR_MAX_ENTRIES];
static unsigned nring;
static u64 chain[LBR_MAX_ENTRIES];
static unsigned nchain;
static int hw_err = -1;			/* lbr_start()'s result; -1: not tried */
static int hw_at = -1;			/* where the frames sit in the recorded chain */
/* The reconstruction from the real call sites. */
static struct lbr_entry rec[RING_MAX];
static unsigned nrec, rec_frames, rec_equal, shallow_frames, shallow_equal;

#define ADDR(f) ((u64)(uintptr_t)(f))

static void sym(u64 addr, char *buf, size_t size)
{
	symtab_format(addr, image_base, buf, size);
}

static bool in_code(u64 addr)
{
	u64 off;

	return symtab_name(addr, image_base, &off) != NULL;
}

/* The return addresses the run saw, innermost first: the hook's (in leaf),
 * then leaf's (in d), d's, c's, b's, a's (in the caller), as the chain
 * functions stored them. The measured side of the reconstruction. */
static u64 seen(unsigned i)
{
	return i == 0 ? hook_ret : lbr_chain_ret[i - 1];
}

/* At the chain's deepest point: a frame-pointer walk, as perf does without
 * LBR or DWARF. This file has frame pointers; the chain has none. */
static void walk_hook(void *arg)
{
	const u64 *fp = __builtin_frame_address(0);

	hook_ret = ADDR(__builtin_return_address(0));
	for (nwalk = 0; nwalk < WALK_MAX;) {
		const u64 *next = (const u64 *)(uintptr_t)fp[0];

		walk[nwalk++] = fp[1];
		/* A saved RBP that is no frame of a caller ends the walk. */
		if (next <= fp || (uintptr_t)next - (uintptr_t)fp > 65536 ||
		    ((uintptr_t)next & 7) || !in_code(fp[1]))
			break;
		fp = next;
	}
}

/* At the chain's deepest point with the LBR recording: stop the ring. Its
 * name and lesson6_run_chain's are the ones lbr_expect_chain() looks up. */
static void lesson6_freeze_hook(void *arg)
{
	hook_ret = ADDR(__builtin_return_address(0));
	lbr_freeze(arg);
}

static __attribute__((noinline, noclone)) void lesson6_run_chain(lbr_chain_hook hook, void *arg)
{
	lbr_chain_a(hook, arg);
	asm volatile("" ::: "memory");	/* a CALL, not a tail jump */
}

/* fn's instructions to its first RET: the calls, and any that set up RBP. */
static void show_function(const char *name, const void *fn)
{
	const u8 *p = fn;
	struct insn in;
	char where[96], hex[64], target[96];
	unsigned rbp = 0;

	for (unsigned off = 0; off < 256; off += in.len) {
		u64 at = ADDR(p + off);

		if (insn_decode(&in, p + off, INSN_MAX_LEN) < 0)
			break;
		/* push rbp (55), mov rbp, rsp (48 89 e5): a frame pointer. */
		if ((in.len == 1 && p[off] == 0x55) ||
		    (in.len == 3 && !memcmp(p + off, "\x48\x89\xe5", 3)))
			rbp++;
		if (in.flow == FLOW_CALL_REL || in.flow == FLOW_CALL_IND) {
			sym(at, where, sizeof(where));
			if (in.flow == FLOW_CALL_REL)
				sym(insn_rel_target(&in, at), target, sizeof(target));
			lesson_code("%-22s %-20s call %s, returns to +%u", where,
				    lesson_hex(p + off, in.len, hex, sizeof(hex)),
				    in.flow == FLOW_CALL_REL ? target : "via register",
				    off + in.len);
		}
		if (in.flow == FLOW_RET) {
			lesson_code("%-22s %u bytes to its ret; frame-pointer set-ups: %u",
				    name, off + in.len, rbp);
			return;
		}
	}
}

static void the_ring(const struct lab *lab)
{
	const struct lbr_caps *lc = &lab->lbr;

	image_base = lab->image.base;
	derived = lbr_expect_chain(image_base, "lesson6_run_chain", "lesson6_freeze_hook", &expect);
	lesson_say("The LBR (last branch records) is a ring of MSR pairs, FROM and "
		   "TO, that the CPU fills as branches retire, at no cost to the "
		   "code: the newest overwrites the oldest. A filter (LBR_SELECT, or "
		   "Arch LBR's IA32_LBR_CTL) says which branches; in call-stack mode "
		   "(Haswell on) a return pops its call, so the ring holds exactly "
		   "the calls still active. Three kinds: Intel legacy (depth and "
		   "MSRs by model, the TOS MSR says where the newest is), Intel Arch "
		   "LBR (CPUID leaf 1CH, entry 0 newest), AMD LbrExtV2 (Zen 4).");
	if (lc->present && lc->arch)
		lesson_say("This CPU: Intel Arch LBR, up to %u entries.", lc->arch_depth_max);
	else if (lc->present && lc->legacy)
		lesson_say("This CPU: Intel legacy LBR, format %u, %u entries from MSR 0x%x.",
			   lc->legacy_fmt, lc->legacy_depth, lc->legacy_from);
	else if (lc->present)
		lesson_say("This CPU: AMD LbrExtV2, %u entries.", lc->amd_depth);
	else
		lesson_say("This CPU: no LBR (%s). QEMU TCG emulates none: its CPU "
			   "models have no PDCM, so no IA32_PERF_CAPABILITIES and no LBR "
			   "format, no Arch LBR bit and no AMD leaf 80000022H, and the LBR "
			   "MSRs read 0.", lc->reason);
}

static void no_frame_pointers(const struct lab *lab)
{
	lesson_say("The chain lbr_chain_a -> b -> c -> d -> leaf -> hook "
		   "(microbench/lbr_chain.c), with finished calls of lbr_chain_noise "
		   "in b and d, is compiled with -fomit-frame-pointer. Its call "
		   "instructions, decoded from each function's first byte (the "
		   "E8's 4 bytes are the distance to the callee):");
	show_function("lbr_chain_a", lbr_chain_a);
	show_function("lbr_chain_b", lbr_chain_b);
	show_function("lbr_chain_c", lbr_chain_c);
	show_function("lbr_chain_d", lbr_chain_d);
	show_function("lbr_chain_leaf", lbr_chain_leaf);
	show_function("lbr_chain_noise", lbr_chain_noise);
	lesson_say("No function of the chain pushes RBP or points it at its frame: "
		   "RBP passes through them untouched.");
}

static void fp_walk(const struct lab *lab)
{
	char where[96];

	lesson_say("Run the chain and, in the hook at its deepest point, walk the "
		   "frame pointers as a profiler without LBR or DWARF does: RBP -> "
		   "saved RBP, return address above it, and again:");
	lesson6_run_chain(walk_hook, NULL);
	for (unsigned i = 0; i < nwalk; i++) {
		sym(walk[i], where, sizeof(where));
		lesson_code("return address %u: %s", i, where);
	}
	walk_found = 0;
	for (unsigned i = 0; derived && i < FRAMES; i++)
		for (unsigned k = 0; k < nwalk; k++)
			walk_found += walk[k] == expect.frame[i];
	lesson_say("The code says which return addresses a walk must find: each "
		   "call instruction's end, decoded above, %u of them -- the hook's "
		   "into leaf, then leaf's into d, d's into c, c's into b, b's into "
		   "a and a's into lesson6_run_chain. The walk found %u. Above the "
		   "hook's frame the saved RBP is the value RBP held when the chain "
		   "began -- lesson6_run_chain's frame -- so the next return address "
		   "is lesson6_run_chain's own, and the frames of leaf, d, c, b and "
		   "a are skipped.", FRAMES, walk_found);
}

/* How many of the frames c[] gives equal, position by position, the return
 * addresses the run saw. */
static unsigned equal_seen(const u64 *c, unsigned n)
{
	unsigned eq = 0;

	for (unsigned i = 0; i < n && i < FRAMES; i++)
		eq += c[i] == seen(i);
	return eq;
}

static void show_ring(const struct lbr_entry *e, unsigned n, const char *label)
{
	char from[96], to[96];

	for (unsigned i = 0; i < n; i++) {
		sym(e[i].from, from, sizeof(from));
		sym(e[i].to, to, sizeof(to));
		lesson_code("%s%2u  %-22s -> %-22s %s", label, i, from, to,
			    lbr_br_type_name(e[i].type));
	}
}

static void recording(const struct lab *lab)
{
	const struct lbr_caps *lc = &lab->lbr;
	char err[16];
	int at;

	lesson_say("Now with the LBR: start it on kernel calls and returns "
		   "(call-stack mode where there is one), run the chain, freeze the "
		   "ring from the hook, read it newest first, stop. Explain mode "
		   "narrates each MSR write; the writes from the one that starts "
		   "recording to the one that freezes are told after the freeze, so "
		   "the narration's own branches never land in the ring.");
	hw_err = lbr_start(lc, LBR_F_KERNEL | LBR_F_CALLS | LBR_F_CALL_STACK);
	if (hw_err) {
		lesson_say("lbr_start: %s -- nothing was written. There is no ring "
			   "to read here, and none is made up.", hw_err_name(hw_err, err));
		return;
	}
	lesson6_run_chain(lesson6_freeze_hook, (void *)lc);
	nring = lbr_read(lc, ring, LBR_MAX_ENTRIES);
	at = derived ? lbr_expect_find(&expect, lbr_call_stack() ? LBR_KEEP_CALL_STACK :
				       LBR_KEEP_CALLS_RETS, ring, nring) : -1;
	lbr_stop(lc);
	nchain = lbr_callchain(ring, nring, chain, LBR_MAX_ENTRIES);
	hw_at = derived ? lbr_expect_frames(&expect, chain, nchain) : -1;
	lesson_say("The ring holds %u entries (newest first):", nring);
	show_ring(ring, nring, "");
	lbr_report_entries("lesson6", "end", ring, nring);
	lesson_say("The chain's calls, FROM and TO as its code says, are %s; "
		   "lbr_callchain() gives %u frames, and the code's are %s.",
		   at >= 0 ? "there, consecutively" : "not all there", nchain,
		   hw_at >= 0 ? "there, consecutively" : "not all there");
}

static void reconstruction(const struct lab *lab)
{
	u64 c[LBR_MAX_ENTRIES];

	lesson_say("What the ring holds for this run can also be worked out from the "
		   "code itself: each chain function's bounds from the symbol table, "
		   "its call instructions decoded, each callee's entry from the "
		   "table. With calls and returns recorded and no call-stack mode, "
		   "the hardware's ring at the hook would be this -- a "
		   "RECONSTRUCTION from the code, not a recording:");
	if (!derived) {
		lesson_say("The code of %s was not found by decoding: no "
			   "reconstruction.", expect.missing);
		return;
	}
	/* Newest first, as lbr_read() gives them. */
	nrec = expect.nbr < RING_MAX ? expect.nbr : RING_MAX;
	for (unsigned i = 0; i < nrec; i++)
		rec[i] = expect.br[expect.nbr - 1 - i];
	show_ring(rec, nrec, "would be ");
	rec_frames = lbr_callchain(rec, nrec, c, LBR_MAX_ENTRIES);
	rec_equal = equal_seen(c, rec_frames);
	lesson_say("The reconstruction code the driver uses (lbr_callchain: walking "
		   "back in time, a return waits for its call, a call nobody "
		   "returned from is an active frame) gives %u frames from these %u "
		   "branches; %u equal the return addresses the run itself saw (each "
		   "chain function stored its __builtin_return_address(0), the hook "
		   "too). The two finished calls of lbr_chain_noise cancel.",
		   rec_frames, nrec, rec_equal);
	shallow_frames = lbr_callchain(rec, SHALLOW, c, LBR_MAX_ENTRIES);
	shallow_equal = equal_seen(c, shallow_frames);
	lesson_say("A ring of %u keeps only the newest %u: from them the same code "
		   "gives %u frames, the innermost, %u of them right -- fewer, "
		   "never wrong. Call-stack mode keeps the active calls whatever "
		   "ran in between.", SHALLOW, SHALLOW, shallow_frames, shallow_equal);
	lesson_real_vs_tcg("the ring itself, read from the MSRs, with mispredict "
			   "bits and (Skylake on, Arch LBR) cycle counts; perf "
			   "record --call-graph lbr builds call graphs from it for "
			   "code without frame pointers.",
			   "no LBR at all, so no recording: the branches above are "
			   "derived from the decoded instructions and the symbol "
			   "table, and the call-chain code runs on them as it would "
			   "on a ring. The unit tests (tests/unit/kernel/test_lbr.c) "
			   "feed a run's branches to models of every LBR kind.");
}

static void question(const struct lab *lab)
{
	lesson_question("Can the call chain be known in code built without frame "
			"pointers?");
	if (hw_err == 0 && hw_at >= 0) {
		lesson_answer("yes: the RBP walk found %u of the chain's %u return "
			      "addresses; the LBR ring recorded here gave all %u, as the "
			      "code says them, consecutively, at position %d of the %u "
			      "frames it rebuilt.", walk_found, FRAMES, FRAMES, hw_at, nchain);
		return;
	}
	lesson_answer("not by walking RBP: the walk found %u of the chain's %u "
		      "return addresses, because leaf, d, c, b and a never set RBP. "
		      "From the branches, yes: the ring the hardware would record for "
		      "this run, reconstructed here from the code's %u call and "
		      "return instructions (this CPU records none), gives %u frames, "
		      "%u of %u equal to the return addresses the run itself saw.",
		      walk_found, FRAMES, nrec, rec_frames, rec_equal, FRAMES);
}

static const struct lesson_step steps[] = {
	{ "The ring, and what this CPU has", the_ring },
	{ "A chain without frame pointers", no_frame_pointers },
	{ "A frame-pointer walk", fp_walk },
	{ "Recording the chain in the LBR", recording },
	{ "The ring derived from the code", reconstruction },
	{ "Question", question },
};

LESSON(6, "The LBR ring and call graphs without frame pointers", 0, steps);
