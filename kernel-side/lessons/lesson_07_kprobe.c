/* Lesson 7: an INT3 probe's life -- the bytes before and after, the trap,
 * the handlers, the single step out of line and the resume (kprobe.c,
 * docs/probes.md; Linux arch/x86/kernel/kprobes/core.c). */
#include "kernel-side/cpu/cpu.h"
#include "kernel-side/explain/explain.h"
#include "lib/insn.h"
#include "kernel-side/probes/kprobe.h"
#include "kernel-side/lessons/lesson.h"
#include "lib/libc.h"
#include "lib/symtab.h"
#include "microbench/traced.h"

#define CALLS	200
#define ARG	41

static struct kprobe probe;
static u8 site_before[5];
/* What the handlers saw of the interrupted frame on the one traced hit. */
static struct {
	unsigned calls;
	u64 rip, rdi, rax, rflags;
} pre_seen, post_seen;
static u64 hit_result;
static u64 insns_plain, insns_stepped, insns_boosted;
static u64 counted;

static void sym(const struct lab *lab, u64 addr, char *buf, size_t size)
{
	symtab_format(addr, lab->image.base, buf, size);
}

static void see(struct kprobe *p, struct trapframe *tf, bool post)
{
	typeof(pre_seen) *s = post ? &post_seen : &pre_seen;

	s->calls++;
	s->rip = tf->rip;
	s->rdi = tf->rdi;
	s->rax = tf->rax;
	s->rflags = tf->rflags;
}

static void pre(struct kprobe *p, struct trapframe *tf)
{
	see(p, tf, false);
}

static void post(struct kprobe *p, struct trapframe *tf)
{
	see(p, tf, true);
}

static void count_pre(struct kprobe *p, struct trapframe *tf)
{
	counted++;
}

/* tr_leaf's instructions up to its RET, decoded as the probe engine does. */
static void show_function(const struct lab *lab, u64 start, u64 size)
{
	struct insn in;
	char where[96], hex[64];

	for (u64 a = start; a < start + size; a += in.len) {
		if (insn_decode(&in, (const u8 *)(uintptr_t)a, start + size - a) < 0) {
			lesson_code("(bytes the decoder does not know)");
			return;
		}
		sym(lab, a, where, sizeof(where));
		lesson_code("%-14s %-20s %u byte%s%s%s", where,
			    lesson_hex((const u8 *)(uintptr_t)a, in.len, hex, sizeof(hex)), in.len,
			    in.len == 1 ? "" : "s", in.flow ? ", " : "",
			    in.flow ? insn_flow_name(in.flow) : "");
		if (in.flow == FLOW_RET)
			return;
	}
}

static void before(const struct lab *lab)
{
	u64 start, size;

	kprobe_init(lab->image.base);
	if (!kprobe_lookup("tr_leaf", &start, &size)) {
		lesson_say("tr_leaf is not in the symbol table: nothing to probe.");
		return;
	}
	memcpy(site_before, (const void *)(uintptr_t)start, sizeof(site_before));
	lesson_say("The probe goes on tr_leaf (microbench/traced.c: return x * 3 + 1), "
		   "at its first instruction. Decoded from its first byte, as "
		   "kprobe_register() does to be sure the address starts an "
		   "instruction:");
	show_function(lab, start, size);
	lesson_say("The first instruction is the function tracer's 5-byte NOP "
		   "(lesson 9). A probe in the middle of it, at tr_leaf+1, would be "
		   "refused: %s.", kprobe_err_name(kprobe_register(&(struct kprobe){
					.symbol = "tr_leaf", .offset = 1 })));
}

static void arm(const struct lab *lab)
{
	char where[96], hex[64];
	int err;

	lesson_say("Registering copies the instruction into a 16-byte slot of "
		   "kprobe_slots (INT3s while free), then writes INT3 (cc) over its "
		   "first byte. Explain mode shows both writes:");
	/* int3: at this tracer site the engine would use the tracer's CALL
	 * instead (lesson 11). */
	probe = (struct kprobe){ .symbol = "tr_leaf", .pre = pre, .post = post, .int3 = true };
	err = kprobe_register(&probe);
	if (err != KPROBE_OK) {
		lesson_say("kprobe_register refused: %s.", kprobe_err_name(err));
		return;
	}
	sym(lab, probe.addr, where, sizeof(where));
	lesson_say("Now %s holds %s: a 1-byte INT3 and four bytes no CPU will run "
		   "while the probe is in. The engine's plan for the instruction: "
		   "%s (run the copy in the slot, one instruction under the trap "
		   "flag), because a NOP falls through and runs the same anywhere.",
		   where, lesson_hex((const u8 *)(uintptr_t)probe.addr, 5, hex, sizeof(hex)),
		   kp_action_name(probe.action));
}

static void hit(const struct lab *lab)
{
	char rip[96], rip2[96];

	if (!probe.addr || probe.hits) {
		lesson_say("No probe in (step 2 failed): no hit to watch.");
		return;
	}
	lesson_say("One call, tr_leaf(%u). What happens, in order (SDM Vol3A 6.5, "
		   "Vol3B 18.3.1.4):", ARG);
	lesson_code("1. the CPU runs cc: #BP (vector 3), a trap: the saved RIP is one past it");
	lesson_code("2. trap() -> kprobe_int3(): RIP - 1 is a probe; RIP moved back, hit counted");
	lesson_code("3. the pre-handler runs with the interrupted registers");
	lesson_code("4. RIP = the slot, RFLAGS.TF = 1, IF = 0; IRET");
	lesson_code("5. the copy runs in the slot; TF: #DB (vector 1), DR6.BS, RIP past the copy");
	lesson_code("6. kprobe_single_step(): RIP = RIP - slot + tr_leaf, TF and IF as before");
	lesson_code("7. the post-handler runs; IRET: tr_leaf goes on after its first instruction");
	hit_result = tr_leaf(ARG);
	sym(lab, pre_seen.rip, rip, sizeof(rip));
	sym(lab, post_seen.rip, rip2, sizeof(rip2));
	lesson_say("What the handlers saw: the pre-handler %u time(s), RIP = %s, "
		   "RDI = %llu (the argument), TF = %u; the post-handler %u time(s), "
		   "RIP = %s -- %llu bytes further, past the 5-byte NOP -- TF = %u. "
		   "Hits counted: %llu. tr_leaf returned %llu; unprobed it returns "
		   "%llu.",
		   pre_seen.calls, rip, (unsigned long long)pre_seen.rdi,
		   !!(pre_seen.rflags & X86_EFLAGS_TF), post_seen.calls, rip2,
		   (unsigned long long)(post_seen.rip - pre_seen.rip),
		   !!(post_seen.rflags & X86_EFLAGS_TF), (unsigned long long)probe.hits,
		   (unsigned long long)hit_result, (unsigned long long)tr_leaf_plain(ARG));
	lesson_say("A handler may change the frame: a pre-handler that adds 100 to "
		   "RDI changes what tr_leaf computes (suite=probes checks it on "
		   "pt_inc).");
}

static void disarm(const struct lab *lab)
{
	char hex[64], hex2[64];

	if (!probe.addr)
		return;
	lesson_say("Unregistering writes the saved first byte back and refills the "
		   "slot with INT3s:");
	kprobe_unregister(&probe);
	lesson_say("tr_leaf holds %s again (before the probe: %s).",
		   lesson_hex((const u8 *)(uintptr_t)probe.addr, 5, hex, sizeof(hex)),
		   lesson_hex(site_before, 5, hex2, sizeof(hex2)));
}

static u64 cost(const struct lab *lab, const char *name)
{
	struct lesson_result r;

	lesson_measure(lab, name, bench_call_loop, (const void *)tr_leaf, CALLS, "instructions",
		       &r);
	return r.icount ? r.insns : 0;
}

/* Registered with explain mode off: a boosted slot holds a JMP back whose
 * offset depends on the layout. */
static u64 probed_cost(const struct lab *lab, const char *name, bool boost)
{
	struct kprobe p = { .symbol = "tr_leaf", .pre = count_pre, .boost = boost, .int3 = true };
	u64 insns;

	if (kprobe_register(&p) != KPROBE_OK)
		return 0;
	insns = cost(lab, name);
	kprobe_unregister(&p);
	return insns;
}

static void costs(const struct lab *lab)
{
	lesson_say("What does a hit cost? Loops of %u calls of tr_leaf measured with "
		   "the bench method: no probe; a probe with a counting pre-handler "
		   "(stepped: two exceptions a hit); the same probe boosted (the slot "
		   "holds the NOP and a JMP back to tr_leaf+5, Linux's boostable "
		   "kprobes: no single step, one exception a hit).", CALLS);
	explain_enable(false);
	insns_plain = cost(lab, "lesson7-plain");
	insns_stepped = probed_cost(lab, "lesson7-kprobe", false);
	insns_boosted = probed_cost(lab, "lesson7-kprobe-boost", true);
	explain_enable(true);
	if (!insns_plain || !insns_stepped || !insns_boosted) {
		lesson_say("Not exact here: without -icount instructions are not counted "
			   "from the TSC; the bench records have the ticks.");
	} else {
		lesson_say("Instructions for %u calls: unprobed %llu, probed %llu, boosted "
			   "%llu. The counting pre-handler ran once a probed call: %llu times "
			   "over the bench runs of both probes.", CALLS,
			   (unsigned long long)insns_plain, (unsigned long long)insns_stepped,
			   (unsigned long long)insns_boosted, (unsigned long long)counted);
	}
	lesson_real_vs_tcg("the same bytes, the same handlers, the same instruction "
			   "counts; but time is dominated by the two exception "
			   "deliveries and IRETs (hundreds of cycles each, more under a "
			   "hypervisor), which retire no instruction of their own.",
			   "INT3, the trap flag's single step and IRET are emulated "
			   "exactly, so the probe works as on hardware; under -icount "
			   "each instruction is 32 TSC ticks, so the costs are exact "
			   "instruction counts -- and say nothing of the cycles an "
			   "exception delivery costs.");
}

static void question(const struct lab *lab)
{
	lesson_question("How many instructions does one probe hit cost, and how much "
			"of that is the single step?");
	if (!insns_plain || !insns_stepped || !insns_boosted) {
		lesson_answer("not exactly measurable here (no -icount).");
		return;
	}
	lesson_answer("%llu instructions a hit over an unprobed call of %llu: the "
		      "INT3, two exception entries with their 15 saved registers, "
		      "trap(), the handlers and two IRETs. Boosted, %llu: so the single "
		      "step -- the #DB round trip and its fix-up -- is %llu of them.",
		      (unsigned long long)((insns_stepped - insns_plain) / CALLS),
		      (unsigned long long)(insns_plain / CALLS),
		      (unsigned long long)((insns_boosted - insns_plain) / CALLS),
		      (unsigned long long)((insns_stepped - insns_boosted) / CALLS));
}

static const struct lesson_step steps[] = {
	{ "The bytes before", before },
	{ "Arming: a copy in a slot, an INT3 on the first byte", arm },
	{ "One hit: trap, handler, single step, resume", hit },
	{ "Disarming: the byte back", disarm },
	{ "What a hit costs", costs },
	{ "Question", question },
};

LESSON(7, "An INT3 probe's life: bytes before/after, trap, handler, "
       "single-step, resume", 0, steps);
