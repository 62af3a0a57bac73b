/* Lesson 9: fentry -- the NOP every traceable function starts with, the CALL
 * tracing puts there, and the three-step patch between them (ftrace.c,
 * text_poke.c; Linux: arch/x86/kernel/ftrace.c, alternative.c). */
#include "kernel-side/explain/explain.h"
#include "kernel-side/ftrace/ftrace.h"
#include "kernel-side/lessons/lesson.h"
#include "lib/symtab.h"
#include "microbench/traced.h"
#include "kernel-side/owned/selftest.h"

#define CALLS	1000

static u64 insns_plain, insns_nop, insns_traced;

static void show_site(const struct lab *lab, const char *when)
{
	const u8 *site = (const u8 *)tr_leaf;
	char sym[96], kind[96];

	symtab_format((u64)(uintptr_t)site, lab->image.base, sym, sizeof(sym));
	lesson_say("%s, %s holds %02x %02x %02x %02x %02x: %s", when, sym, site[0], site[1],
		   site[2], site[3], site[4], explain_insn_kind(site, site, kind, sizeof(kind)));
}

static void nop_at_boot(const struct lab *lab)
{
	lesson_say("The traceable functions are compiled with "
		   "-fpatchable-function-entry=5: the compiler puts 5 bytes of NOPs "
		   "before the first instruction of each and lists their addresses in "
		   "a section, __patchable_function_entries (Linux: -mfentry and "
		   "mcount_loc). This payload has %u such sites.", ftrace_site_count());
	lesson_say("At boot each site's five one-byte NOPs became one 5-byte NOP, %s, "
		   "as Linux's ftrace_init() does: one instruction to decode, not five, "
		   "and one that a single write can later turn into a CALL.",
		   "0f 1f 44 00 00");
	show_site(lab, "Now");
}

static void to_call(const struct lab *lab)
{
	unsigned n;

	lesson_say("Tracing tr_leaf turns its NOP into CALL ftrace_caller. The CPU "
		   "may be fetching the site while it changes, so the 5 bytes are not "
		   "written at once: first an INT3 on byte 0 (a CPU that arrives now "
		   "traps and is sent past the site), then bytes 1-4, then byte 0 -- "
		   "serialising after each, as Linux's text_poke_bp() does. Explain mode "
		   "shows each write:");
	n = ftrace_enable("tr_leaf", "none", lab->image.base);
	lesson_say("%u site enabled.", n);
	show_site(lab, "Now");
	lesson_say("E8 is CALL rel32: the 4 bytes after it are the distance from the "
		   "next instruction to ftrace_caller, little-endian.");
}

static void traced_calls(const struct lab *lab)
{
	char sym[96], parent[96];

	lesson_say("With the function tracer on, each call of tr_leaf goes through "
		   "ftrace_caller, which records the function and its caller in the "
		   "ring buffer, then returns into tr_leaf's body. Three calls:");
	explain_enable(false);
	ftrace_start(FTRACE_FUNCTION, true);
	/* inject_at=lesson-9: a fault with the CALL the last step put in. */
	selftest_inject_point(INJECT_AT_LESSON_9);
	tr_leaf(tr_leaf(tr_leaf(1)));
	ftrace_stop();
	explain_enable(true);
	for (unsigned i = 0; i < ftrace_event_count(); i++) {
		const struct ftrace_event *e = ftrace_event(i);

		symtab_format(e->ip, lab->image.base, sym, sizeof(sym));
		symtab_format(e->parent, lab->image.base, parent, sizeof(parent));
		lesson_code("event %u: %s called from %s", i, sym, parent);
	}
	lesson_say("%u events for 3 calls.", ftrace_event_count());
}

static u64 cost(const struct lab *lab, const char *name, u64 (*fn)(u64))
{
	struct lesson_result r;

	lesson_measure(lab, name, bench_call_loop, (const void *)fn, CALLS, "instructions", &r);
	return r.icount ? r.insns : 0;
}

static void costs(const struct lab *lab)
{
	lesson_say("What does the site cost? Three loops of %u calls, measured with "
		   "the bench method: tr_leaf_plain (the same body, no site), tr_leaf "
		   "with its NOP, and tr_leaf with the CALL and the function tracer.",
		   CALLS);
	explain_enable(false);
	ftrace_disable();
	insns_plain = cost(lab, "lesson9-plain", tr_leaf_plain);
	insns_nop = cost(lab, "lesson9-nop", tr_leaf);
	ftrace_enable("tr_leaf", "none", lab->image.base);
	ftrace_start(FTRACE_FUNCTION, true);
	/* A full ring: from then on every entry overwrites, at one cost. */
	bench_call_loop(FTRACE_RING_MAX, (const void *)tr_leaf);
	insns_traced = cost(lab, "lesson9-traced", tr_leaf);
	ftrace_stop();
	explain_enable(true);
	if (!insns_plain || !insns_nop || !insns_traced) {
		lesson_say("Not exact here: without -icount (or with a run that "
			   "disagreed) instructions are not counted from the TSC; the "
			   "bench records have the ticks.");
		return;
	}
	lesson_say("Instructions for %u calls: plain %llu, NOP %llu, traced %llu.", CALLS,
		   (unsigned long long)insns_plain, (unsigned long long)insns_nop,
		   (unsigned long long)insns_traced);
}

static void to_nop(const struct lab *lab)
{
	lesson_say("Tracing off puts the NOP back, with the same three steps:");
	ftrace_disable();
	show_site(lab, "Now");
	lesson_real_vs_tcg("the same bytes and the same steps; the NOP costs a slot in "
			   "the decoder and almost no time, the CALL tens of cycles "
			   "with the tracer behind it.",
			   "the same bytes and the same steps -- code patching, INT3 and "
			   "serialising are all emulated exactly -- and under -icount "
			   "the costs are exact instruction counts.");
}

static void question(const struct lab *lab)
{
	lesson_question("What does a function's tracing site cost when tracing is off, "
			"and what when it is on?");
	if (!insns_plain || !insns_nop || !insns_traced) {
		lesson_answer("not exactly measurable here (no -icount).");
		return;
	}
	lesson_answer("off, %llu instruction a call (%llu with the NOP against %llu "
		      "without a site, for %u calls): the NOP itself. On, %llu "
		      "instructions a call more than off: the CALL, ftrace_caller "
		      "and the function tracer's ring write.",
		      (unsigned long long)((insns_nop - insns_plain) / CALLS),
		      (unsigned long long)insns_nop, (unsigned long long)insns_plain, CALLS,
		      (unsigned long long)((insns_traced - insns_nop) / CALLS));
}

static const struct lesson_step steps[] = {
	{ "The NOP at boot", nop_at_boot },
	{ "Tracing on: NOP to CALL in three steps", to_call },
	{ "Three traced calls", traced_calls },
	{ "What a site costs", costs },
	{ "Tracing off: CALL to NOP", to_nop },
	{ "Question", question },
};

LESSON(9, "fentry: NOP at boot, CALL when tracing, the three-step patch", 0, steps);
