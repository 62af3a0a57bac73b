/* Lesson 8: hardware breakpoints -- DR0-DR3 and DR7's encoding, DR6's report,
 * RF on an instruction breakpoint, and a write watchpoint that names its
 * writer (debugreg.c, docs/probes.md section 4; SDM Vol3B 18.2-18.3). */
#include "kernel-side/cpu/cpu.h"
#include "kernel-side/cpu/debugreg.h"
#include "kernel-side/explain/explain.h"
#include "kernel-side/cpu/hw.h"
#include "lib/insn.h"
#include "kernel-side/probes/kprobe.h"
#include "kernel-side/lessons/lesson.h"
#include "lib/symtab.h"
#include "microbench/traced.h"

void pt_write(u64 v);
u64 pt_read(void);
extern volatile u64 pt_var;

#define CALLS	200
#define HITS_MAX 8

static struct dr_state found;
/* Each hit as the #DB handler saw it, before dr_exception() set RF. */
static struct {
	u64 rip, rflags, var;
} seen[HITS_MAX];
static unsigned nseen;
static u64 exec_hits, watch_hits, watch_rip, writer, writer_len;
static u64 insns_plain, insns_exec, insns_wplain, insns_watch;

static void sym(const struct lab *lab, u64 addr, char *buf, size_t size)
{
	symtab_format(addr, lab->image.base, buf, size);
}

static void record_hit(struct hw_breakpoint *bp, struct trapframe *tf)
{
	if (nseen < HITS_MAX) {
		seen[nseen].rip = tf->rip;
		seen[nseen].rflags = tf->rflags;
		seen[nseen].var = pt_var;
	}
	nseen++;
}

static const char *dr_fields(unsigned dr, u64 val, char *buf, size_t size)
{
	explain_dr_fields(buf, size, dr, val);
	return buf;
}

static void as_found(const struct lab *lab)
{
	char f7[EXPLAIN_LINE_MAX], f6[EXPLAIN_LINE_MAX];

	kprobe_init(lab->image.base);
	dr_save(&found);
	lesson_say("Four debug registers hold addresses, DR0-DR3; DR7 says what each "
		   "watches; DR6 says what happened. They are not MSRs: MOV to and "
		   "from DRn, at CPL 0 (SDM Vol3B 18.2). As the firmware left them:");
	lesson_code("DR7 = 0x%08llx  %s", (unsigned long long)found.dr7,
		    dr_fields(7, found.dr7, f7, sizeof(f7)));
	lesson_code("DR6 = 0x%08llx  %s", (unsigned long long)found.dr6,
		    dr_fields(6, found.dr6, f6, sizeof(f6)));
	lesson_say("DR7's layout (Figure 18-1):");
	lesson_code("bits 0-7    L0 G0 L1 G1 L2 G2 L3 G3: breakpoint n on (local, global)");
	lesson_code("bits 8, 9   LE GE: exact data breakpoints (ignored since the P6)");
	lesson_code("bit 10      reads as 1");
	lesson_code("bit 13      GD: #DB on any MOV to or from a debug register");
	lesson_code("bits 16-31  R/Wn and LENn, 4 bits per breakpoint from bit 16:");
	lesson_code("            R/W  00 execute, 01 write, 10 I/O, 11 read or write");
	lesson_code("            LEN  00 1 byte, 01 2, 11 4, 10 8 (8 is 10b, not 11b)");
	lesson_say("DR6 (18.2.3): B0-B3, which breakpoints matched; BD, a debug-register "
		   "access under GD; BS, a single step; BT, a task switch. The "
		   "other bits read as 1, and DR6 is sticky: the #DB handler writes "
		   "it back to 0xffff0ff0 after reading it (not narrated: it runs in "
		   "the exception).");
}

static void exec_breakpoint(const struct lab *lab)
{
	struct hw_breakpoint bp = { .addr = (u64)(uintptr_t)tr_leaf, .type = DR_RW_EXECUTE,
				    .len = 1, .handler = record_hit };
	char where[96], f6[EXPLAIN_LINE_MAX];
	const char *why;
	u64 got = 0, want = 0;

	lesson_say("An execute breakpoint on tr_leaf's first instruction: its address "
		   "in a free DRn, then DR7 with Ln, R/W 00 and LEN 00 (an "
		   "instruction breakpoint must have length 1). Explain mode shows "
		   "the two MOVs:");
	nseen = 0;
	if (dr_install(&bp, &why)) {
		lesson_say("Not installed: %s.", why);
		return;
	}
	for (u64 i = 0; i < 3; i++) {
		got += tr_leaf(i);
		want += tr_leaf_plain(i);
	}
	dr_uninstall(&bp);
	exec_hits = bp.hits;
	sym(lab, seen[0].rip, where, sizeof(where));
	lesson_say("Three calls: %llu hits. At each the #DB handler found RIP = %s: "
		   "an instruction breakpoint is a fault, taken before the "
		   "instruction runs. DR6 said %s (0x%08llx). The frame's RF was %u: "
		   "returning like that would fetch the same instruction and fault "
		   "again, forever, so dr_exception() sets RF in the saved RFLAGS; "
		   "the IRET then runs the instruction once without the breakpoint, "
		   "and the CPU clears RF after it (18.3.1.1). The results: %llu, "
		   "unprobed %llu.", (unsigned long long)bp.hits, where,
		   dr_fields(6, bp.last_dr6, f6, sizeof(f6)), (unsigned long long)bp.last_dr6,
		   !!(seen[0].rflags & X86_EFLAGS_RF), (unsigned long long)got,
		   (unsigned long long)want);
}

static void watchpoint(const struct lab *lab)
{
	struct hw_breakpoint bp = { .addr = (u64)(uintptr_t)&pt_var, .type = DR_RW_WRITE,
				    .len = 8, .handler = record_hit };
	u64 fn, size;
	char where[96];
	const char *why;
	struct insn in;

	lesson_say("A write watchpoint on pt_var, an 8-byte variable: R/W 01, LEN 10. "
		   "Then pt_write(7), pt_read(), pt_write(8), pt_write(9) "
		   "(microbench/probe_targets.asm):");
	nseen = 0;
	pt_var = 0;
	if (dr_install(&bp, &why)) {
		lesson_say("Not installed: %s.", why);
		return;
	}
	pt_write(7);
	(void)pt_read();
	pt_write(8);
	pt_write(9);
	dr_uninstall(&bp);
	watch_hits = bp.hits;
	for (unsigned i = 0; i < nseen && i < HITS_MAX; i++) {
		sym(lab, seen[i].rip, where, sizeof(where));
		lesson_code("hit %u: RIP = %s, pt_var already %llu", i + 1, where,
			    (unsigned long long)seen[i].var);
	}
	lesson_say("%llu hits for three writes and a read: the read is not a write. "
		   "A data breakpoint is a trap: the write is done (pt_var already "
		   "holds the new value) and RIP is the next instruction.",
		   (unsigned long long)bp.hits);
	if (!nseen || !kprobe_lookup("pt_write", &fn, &size) ||
	    !kprobe_insn_before(seen[0].rip, &writer) ||
	    insn_decode(&in, (const u8 *)(uintptr_t)writer, INSN_MAX_LEN) < 0) {
		lesson_say("The writer could not be found by decoding.");
		return;
	}
	watch_rip = seen[0].rip - fn;
	writer_len = in.len;
	sym(lab, writer, where, sizeof(where));
	lesson_say("So who wrote? Decoding pt_write from its first byte finds the "
		   "instruction that ends at RIP: %s, %u bytes long%s -- the store. "
		   "On a watch that also fires on reads (R/W 11) the same walk names "
		   "the reader.", where, in.len,
		   in.rip_relative ? ", with a RIP-relative operand" : "");
}

static void rules(const struct lab *lab)
{
	struct hw_breakpoint bp = { .addr = (u64)(uintptr_t)&pt_var + 4,
				    .type = DR_RW_READ_WRITE, .len = 4 };
	u64 v = (u64)(uintptr_t)&pt_var;
	const char *why;

	lesson_say("The CPU ignores the low bits of the address below the length, so "
		   "a watch must be aligned to its length or it would cover other "
		   "bytes; lengths are 1, 2, 4 or 8; an instruction breakpoint is "
		   "length 1. dr_check() refuses the rest:");
	lesson_code("2 bytes at pt_var+1:      %s", dr_check(v + 1, DR_RW_WRITE, 2));
	lesson_code("3 bytes at pt_var:        %s", dr_check(v, DR_RW_WRITE, 3));
	lesson_code("execute, 4 bytes:         %s",
		    dr_check((u64)(uintptr_t)tr_leaf, DR_RW_EXECUTE, 4));
	lesson_say("A read-or-write watch of the upper 4 bytes of pt_var (R/W 11, LEN "
		   "11) sees the 8-byte store and the 8-byte load, both of which "
		   "touch those bytes. (No handler this time: one that read pt_var "
		   "would hit the watch inside its own #DB.)");
	if (dr_install(&bp, &why)) {
		lesson_say("Not installed: %s.", why);
		return;
	}
	pt_write(5);
	(void)pt_read();
	dr_uninstall(&bp);
	lesson_say("%llu hits for a write and a read.", (unsigned long long)bp.hits);
}

static void write_loop(u64 n, const void *arg)
{
	for (u64 i = 0; i < n; i++)
		pt_write(i);
}

static u64 cost(const struct lab *lab, const char *name, mb_fn *fn,
		const void *arg, struct hw_breakpoint *bp)
{
	struct lesson_result r;
	const char *why;

	if (bp && dr_install(bp, &why))
		return 0;
	lesson_measure(lab, name, fn, arg, CALLS, "instructions", &r);
	if (bp)
		dr_uninstall(bp);
	return r.icount ? r.insns : 0;
}

static void costs(const struct lab *lab)
{
	struct hw_breakpoint exec = { .addr = (u64)(uintptr_t)tr_leaf, .type = DR_RW_EXECUTE,
				      .len = 1 };
	struct hw_breakpoint watch = { .addr = (u64)(uintptr_t)&pt_var, .type = DR_RW_WRITE,
				       .len = 8 };
	char f7[EXPLAIN_LINE_MAX];
	u64 dr7;

	lesson_say("What does a hit cost? Loops of %u calls measured with the bench "
		   "method: tr_leaf without and with the execute breakpoint, pt_write "
		   "without and with the watchpoint (no handler in either).", CALLS);
	explain_enable(false);
	insns_plain = cost(lab, "lesson8-plain", bench_call_loop, (const void *)tr_leaf, NULL);
	insns_exec = cost(lab, "lesson8-dr-exec", bench_call_loop, (const void *)tr_leaf, &exec);
	insns_wplain = cost(lab, "lesson8-write", write_loop, NULL, NULL);
	insns_watch = cost(lab, "lesson8-dr-write", write_loop, NULL, &watch);
	explain_enable(true);
	if (!insns_plain || !insns_exec || !insns_wplain || !insns_watch)
		lesson_say("Not exact here: without -icount instructions are not counted "
			   "from the TSC; the bench records have the ticks.");
	else
		lesson_say("Instructions for %u calls: tr_leaf %llu, with the breakpoint "
			   "%llu; pt_write %llu, watched %llu.", CALLS,
			   (unsigned long long)insns_plain, (unsigned long long)insns_exec,
			   (unsigned long long)insns_wplain, (unsigned long long)insns_watch);
	lesson_say("Removing a breakpoint clears its Ln, R/W and LEN and leaves LE; "
		   "leaving, the registers are put back as found, DR7 first so that "
		   "no breakpoint is live while an address changes:");
	dr_restore(&found);
	dr7 = hw_read_dr(7);
	lesson_say("DR7 now: 0x%08llx (%s), as found: %s.", (unsigned long long)dr7,
		   dr_fields(7, dr7, f7, sizeof(f7)), dr7 == found.dr7 ? "yes" : "no");
	lesson_real_vs_tcg("the same encodings, hits and RIPs; no code is changed, so "
			   "a breakpoint works on code that cannot be written (ROM, a "
			   "checksummed image) and a watchpoint catches any "
			   "instruction touching the range -- at the price of four "
			   "registers. A hypervisor may intercept MOV DR and #DB, which "
			   "makes each hit dearer still.",
			   "DR0-DR3, DR6, DR7, RF and the #DB on execute and data "
			   "breakpoints are emulated, so everything above ran for "
			   "real; under -icount "
			   "the costs are exact instruction counts.");
}

static void question(const struct lab *lab)
{
	lesson_question("A write watchpoint fires after the write: how does it name "
			"the writer, and what does a hit cost?");
	if (!watch_hits || !writer) {
		lesson_answer("no watchpoint hit was seen in step 3.");
		return;
	}
	if (!insns_plain || !insns_exec || !insns_wplain || !insns_watch) {
		lesson_answer("the trap left RIP %llu bytes into pt_write, past the store; "
			      "decoding pt_write from its start finds the %llu-byte "
			      "instruction ending there, the store. Its cost is not exactly "
			      "measurable here (no -icount).", (unsigned long long)watch_rip,
			      (unsigned long long)writer_len);
		return;
	}
	lesson_answer("the trap left RIP %llu bytes into pt_write, past the store; "
		      "decoding pt_write from its start finds the %llu-byte "
		      "instruction ending there, the store. A watched write costs %llu "
		      "instructions more than an unwatched one (%llu), an execute "
		      "breakpoint %llu more than a call without it (%llu): one #DB "
		      "round trip each, where a single-stepped kprobe takes two "
		      "(lesson 7).",
		      (unsigned long long)watch_rip, (unsigned long long)writer_len,
		      (unsigned long long)((insns_watch - insns_wplain) / CALLS),
		      (unsigned long long)(insns_wplain / CALLS),
		      (unsigned long long)((insns_exec - insns_plain) / CALLS),
		      (unsigned long long)(insns_plain / CALLS));
}

static const struct lesson_step steps[] = {
	{ "The debug registers as found", as_found },
	{ "An execute breakpoint: a fault, and RF", exec_breakpoint },
	{ "A write watchpoint: a trap, and who wrote", watchpoint },
	{ "The rules: length and alignment", rules },
	{ "What a hit costs", costs },
	{ "Question", question },
};

LESSON(8, "Hardware breakpoints: DR7, DR6, RF and a write watchpoint", 0, steps);
