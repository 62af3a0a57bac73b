/* Lesson 11: four ways from a probed instruction to its handler -- the
 * INT3 single-stepped, the INT3 boosted, the function tracer's CALL
 * (Linux's KPROBES_ON_FTRACE) and a JMP to a detour buffer (Linux's
 * optprobes) -- the same frame on each, and what each costs a hit
 * (kprobe_ftrace.c, kprobe_optimize.c, docs/probes.md). */
#include "kernel-side/explain/explain.h"
#include "kernel-side/lessons/lesson.h"
#include "kernel-side/probes/kprobe.h"
#include "lib/insn.h"
#include "lib/libc.h"
#include "lib/symtab.h"
#include "microbench/traced.h"

#define CALLS	200
#define ARG	41

u64 pt_loop(u64 n);

enum { STEPPED, BOOSTED, FTRACE, OPTIMIZED, PATHS };

static const char *const path_names[PATHS] = {
	"INT3, single-stepped", "INT3, boosted", "the tracer's CALL", "the jump",
};
static u64 insns_plain, insns[PATHS];

/* What a pre-handler saw of the frame on one call. */
struct view {
	unsigned calls;
	u64 rip, rsp, rdi, top;
};
static struct view seen;

static void sym(const struct lab *lab, u64 addr, char *buf, size_t size)
{
	symtab_format(addr, lab->image.base, buf, size);
}

static void see(struct kprobe *p, struct trapframe *tf)
{
	seen.calls++;
	seen.rip = tf->rip;
	seen.rsp = tf->rsp;
	seen.rdi = tf->rdi;
	seen.top = *(const u64 *)(uintptr_t)tf->rsp;
}

static void count_pre(struct kprobe *p, struct trapframe *tf)
{
}

static bool same_view(const struct view *a, const struct view *b)
{
	return a->rip == b->rip && a->rsp == b->rsp && a->rdi == b->rdi && a->top == b->top;
}

/* Decoded from start for size bytes; rel targets by name. */
static void show_code(const struct lab *lab, u64 start, u64 size)
{
	struct insn in;
	char where[96], hex[64], target[96];

	for (u64 a = start; a < start + size; a += in.len) {
		if (insn_decode(&in, (const u8 *)(uintptr_t)a, start + size - a) < 0)
			return;
		sym(lab, a, where, sizeof(where));
		target[0] = '\0';
		if (in.flow == FLOW_JMP_REL || in.flow == FLOW_CALL_REL)
			sym(lab, insn_rel_target(&in, a), target, sizeof(target));
		lesson_code("%-22s %-20s %s %s", where,
			    lesson_hex((const u8 *)(uintptr_t)a, in.len, hex, sizeof(hex)),
			    in.flow ? insn_flow_name(in.flow) : "", target);
		if (in.flow == FLOW_RET || in.flow == FLOW_JMP_REL)
			return;
	}
}

/* p in, show(p) (when not NULL), one call of tr_leaf(ARG) with see() as
 * the pre-handler, p out. One function, never inlined or cloned, for every
 * view: the calls are made from the same frame, so RSP and the return
 * address compare. */
static __attribute__((noinline, noclone)) bool
one_call(const struct lab *lab, struct kprobe *p, enum kprobe_path *path,
	 void (*show)(const struct lab *lab, const struct kprobe *p))
{
	int err;
	u64 got;

	p->pre = see;
	err = kprobe_register(p);
	if (err != KPROBE_OK) {
		lesson_say("kprobe_register refused: %s.", kprobe_err_name(err));
		return false;
	}
	*path = p->path;
	if (show)
		show(lab, p);
	seen = (struct view){ 0 };
	got = tr_leaf(ARG);
	kprobe_unregister(p);
	if (got != tr_leaf_plain(ARG))
		lesson_say("tr_leaf returned %llu, not %llu!", (unsigned long long)got,
			   (unsigned long long)tr_leaf_plain(ARG));
	return true;
}

/* A probe at tr_leaf + off on the path the engine picks, its registration
 * and removal narrated, and its pre-handler's view against an INT3
 * probe's at the same place (taken quietly: lesson 7 narrates that one). */
static void compare_at(const struct lab *lab, u64 off,
		       void (*show)(const struct lab *lab, const struct kprobe *p))
{
	struct kprobe int3 = { .symbol = "tr_leaf", .offset = off, .int3 = true };
	struct kprobe fast = { .symbol = "tr_leaf", .offset = off };
	enum kprobe_path path;
	struct view ref;
	char rip[96];
	bool ok;

	explain_enable(false);
	ok = one_call(lab, &int3, &path, NULL);
	explain_enable(true);
	ref = seen;
	if (!ok || !one_call(lab, &fast, &path, show))
		return;
	sym(lab, seen.rip, rip, sizeof(rip));
	lesson_say("Path \"%s\": the pre-handler ran %u time(s) and saw RIP = %s, "
		   "RDI = %llu; the frame as the INT3 probe's at the same place "
		   "(RIP, RSP, RDI and the return address at RSP): %s. tr_leaf "
		   "returned %llu, as unprobed.",
		   kprobe_path_name(path), seen.calls, rip, (unsigned long long)seen.rdi,
		   same_view(&seen, &ref) ? "the same" : "DIFFERENT",
		   (unsigned long long)tr_leaf_plain(ARG));
}

static void paths(const struct lab *lab)
{
	u64 start, size;

	kprobe_init(lab->image.base);
	if (!kprobe_lookup("tr_leaf", &start, &size)) {
		lesson_say("tr_leaf is not in the symbol table: nothing to probe.");
		return;
	}
	lesson_say("tr_leaf (microbench/traced.c: return x * 3 + 1), decoded:");
	show_code(lab, start, size);
	lesson_say("Lesson 7 probed its first instruction with an INT3: two "
		   "exceptions a hit (the #BP, then the #DB of the single step), or "
		   "one when boosted (the slot jumps back). Linux has two ways that "
		   "need no exception at all. At a function tracer site -- tr_leaf+0, "
		   "the 5-byte NOP -- the NOP becomes a CALL to a trampoline that "
		   "builds the INT3's frame and calls the handler (KPROBES_ON_FTRACE). "
		   "Elsewhere, when the instructions under 5 bytes from the probe can "
		   "run somewhere else, they are copied to a detour buffer and the "
		   "probe becomes a 5-byte JMP there (optprobes). kprobe_register() "
		   "picks the path; `int3` in struct kprobe keeps the INT3 instead, "
		   "to compare.");
}

static void ftrace_path(const struct lab *lab)
{
	lesson_say("A probe on tr_leaf+0, a tracer site holding the NOP: the NOP "
		   "becomes CALL kprobe_ftrace_caller, written in the three steps of "
		   "lesson 9, and back to the NOP when the probe goes:");
	compare_at(lab, 0, NULL);
	lesson_say("kprobe_ftrace_caller pushes the 15 general registers, then "
		   "RFLAGS, the RSP from before the CALL, CS and SS into a struct "
		   "trapframe laid out as trap.asm's, and calls the handler; it loads "
		   "the registers back from the frame, so a handler's writes count, "
		   "and returns past the NOP. No exception, no IRET.");
}

static void show_detour(const struct lab *lab, const struct kprobe *p)
{
	u64 start, size;

	lesson_say("Path \"%s\", %u bytes under the JMP. The detour buffer:",
		   kprobe_path_name(p->path), p->window);
	if (p->detour >= 0 && kprobe_lookup("kprobe_detours", &start, &size))
		show_code(lab, start + (u64)p->detour * KP_DETOUR_SIZE, KP_DETOUR_SIZE);
	lesson_say("After one call, unregistering takes the JMP back to the INT3 "
		   "-- cc on byte 0 first, then the LEA's other 4 bytes, so a CPU "
		   "arriving meanwhile takes the INT3 path -- and then the INT3 back "
		   "to the LEA:");
}

static void jump_path(const struct lab *lab)
{
	struct kprobe loop = { .symbol = "pt_loop", .offset = 3, .pre = count_pre };
	enum kprobe_path path;

	lesson_say("A probe on tr_leaf+5, the LEA: first an INT3 probe as always "
		   "(the slot, then cc), then the optimizer decodes all of tr_leaf "
		   "and checks Linux's rules: no jump in the function lands inside "
		   "the 5 bytes, none of them is a branch, RIP-relative operands can "
		   "be fixed from the detour, the function has 5 bytes left. They "
		   "hold, so the detour is written and the INT3 becomes JMP, its tail "
		   "bytes first:");
	compare_at(lab, 5, show_detour);
	lesson_say("The CALL in the detour builds the same frame as the tracer "
		   "path's; after the handler the copied LEA runs from the detour "
		   "and its JMP goes back to tr_leaf+0xa, the RET.");
	explain_enable(false);
	if (kprobe_register(&loop) == KPROBE_OK) {
		path = loop.path;
		pt_loop(3);
		kprobe_unregister(&loop);
		lesson_say("Refused: a probe on pt_loop+3 (xor eax, eax; inc rax; loop "
			   "back to the inc) stays \"%s\" because of the rule \"%s\": "
			   "the LOOP lands 2 bytes into what the JMP would cover, in the "
			   "middle of its offset. It still worked: %llu hit(s) in one call.",
			   kprobe_path_name(path), kp_opt_refusal_name(loop.opt_refusal),
			   (unsigned long long)loop.hits);
	}
	explain_enable(true);
}

static u64 cost(const struct lab *lab, const char *name)
{
	struct lesson_result r;

	lesson_measure(lab, name, bench_call_loop, (const void *)tr_leaf, CALLS, "instructions",
		       &r);
	return r.icount ? r.insns : 0;
}

static u64 probed_cost(const struct lab *lab, const char *name, struct kprobe *p)
{
	u64 n;

	p->pre = count_pre;
	if (kprobe_register(p) != KPROBE_OK)
		return 0;
	n = cost(lab, name);
	kprobe_unregister(p);
	return n;
}

static void costs(const struct lab *lab)
{
	struct kprobe p[PATHS] = {
		[STEPPED] = { .symbol = "tr_leaf", .int3 = true },
		[BOOSTED] = { .symbol = "tr_leaf", .int3 = true, .boost = true },
		[FTRACE] = { .symbol = "tr_leaf" },
		[OPTIMIZED] = { .symbol = "tr_leaf", .offset = 5 },
	};
	static const char *const bench[PATHS] = {
		"lesson11-stepped", "lesson11-boosted", "lesson11-ftrace", "lesson11-jump",
	};
	bool exact;

	lesson_say("Loops of %u calls of tr_leaf, measured with the bench method, "
		   "with no probe and with a probe on each path whose pre-handler "
		   "does nothing:", CALLS);
	explain_enable(false);
	insns_plain = cost(lab, "lesson11-plain");
	exact = insns_plain;
	for (unsigned i = 0; i < PATHS; i++) {
		insns[i] = probed_cost(lab, bench[i], &p[i]);
		exact = exact && insns[i];
	}
	explain_enable(true);
	if (!exact) {
		lesson_say("Not exact here: without -icount instructions are not counted "
			   "from the TSC; the bench records have the ticks.");
		return;
	}
	lesson_code("%-22s %s", "path", "instructions a hit");
	for (unsigned i = 0; i < PATHS; i++)
		lesson_code("%-22s %llu", path_names[i],
			    (unsigned long long)((insns[i] - insns_plain) / CALLS));
	lesson_real_vs_tcg("the same bytes and paths; the gap is wider in time than in "
			   "instructions, since an exception delivery and its IRET cost "
			   "hundreds of cycles each (more under a hypervisor) and retire "
			   "no instruction of their own, while a JMP and a CALL are cheap "
			   "and predicted.",
			   "the same bytes and paths, emulated exactly; under -icount "
			   "each instruction is 32 TSC ticks, so these are exact "
			   "instruction counts -- the exceptions' own cost is not in them.");
}

static void question(const struct lab *lab)
{
	lesson_question("The same handler runs on all four paths. Why is the jump "
			"so much cheaper than the single step?");
	if (!insns_plain || !insns[STEPPED] || !insns[OPTIMIZED]) {
		lesson_answer("not exactly measurable here (no -icount).");
		return;
	}
	lesson_answer("%llu instructions a hit single-stepped, %llu boosted, %llu "
		      "through the tracer's CALL, %llu through the jump: %llu times "
		      "fewer than the single step. The INT3 paths pay for exception "
		      "entries (the stub, 15 saved registers, trap() offering the "
		      "event to each user, IRET) -- two of them stepped, one boosted; "
		      "the CALL and the jump build the same frame with plain pushes "
		      "and call the handler directly.",
		      (unsigned long long)((insns[STEPPED] - insns_plain) / CALLS),
		      (unsigned long long)((insns[BOOSTED] - insns_plain) / CALLS),
		      (unsigned long long)((insns[FTRACE] - insns_plain) / CALLS),
		      (unsigned long long)((insns[OPTIMIZED] - insns_plain) / CALLS),
		      (unsigned long long)((insns[STEPPED] - insns_plain) /
					   (insns[OPTIMIZED] - insns_plain)));
}

static const struct lesson_step steps[] = {
	{ "tr_leaf and the paths to a handler", paths },
	{ "The tracer's CALL at a tracer site", ftrace_path },
	{ "The jump to a detour buffer", jump_path },
	{ "What a hit costs on each path", costs },
	{ "Question", question },
};

LESSON(11, "Four paths to a probe handler: INT3 stepped, boosted, the tracer's "
       "CALL, the jump", 0, steps);
