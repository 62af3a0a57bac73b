/* suite=probes: probes on microbench/traced.c and microbench/probe_targets.asm,
 * whose results and call shapes are known; every check compares what the
 * probes saw, and what the probed functions returned, with that. Costs are
 * bench differences (probed minus unprobed), exact under -icount. This file
 * has the kprobes, the costs and the run; probes_ret.c the return probes,
 * probes_dr.c the debug registers. */
#include "kernel-side/bench/bench.h"
#include "kernel-side/cpu/cpu.h"
#include "lib/crc32.h"
#include "kernel-side/cpu/debugreg.h"
#include "lib/fmt.h"
#include "kernel-side/ftrace/ftrace.h"
#include "kernel-side/cpu/hw.h"
#include "kernel-side/probes/kprobe.h"
#include "lib/libc.h"
#include "kernel-side/cpu/paging.h"
#include "kernel-side/probes/probes_suite.h"
#include "lib/check.h"
#include "lib/record.h"
#include "lib/symtab.h"
#include "microbench/traced.h"
#include "kernel-side/owned/selftest.h"

#define TARGET_CALLS	64	/* calls of each probe_targets.asm function */
#define BENCH_N		200	/* calls per iteration count in the cost benches */
/* Instructions a hit of a counting pre-handler may cost (probes.hit-cost): a
 * stepped hit is two exception round trips, the #BP and the single-step #DB,
 * of 130-175 instructions each with their handlers; 400 holds it to two, so
 * a path that grows a third trip, or a slow handler lookup, fails
 * (docs/probes.md "What a hit costs"). */
#define KPROBE_HIT_BUDGET	400
/* A jump-optimized hit (probes.cost.optimized): the JMP, the detour's CALL,
 * the frame built and loaded back (about 50 instructions, kprobe_frame.asm)
 * and the handler, with no exception; 80 fails a path that grows an
 * exception round trip (130 or more) or a slow handler lookup. */
#define OPT_HIT_BUDGET		80
/* The jump against the single step (probes.cost.optimized-speedup): two
 * exception round trips replaced by two jumps and a call should save at
 * least 3/4 of the hit. */
#define OPT_SPEEDUP_MIN		4
/* A hit through a tracer site's CALL (probes.cost.ftrace): the same frame,
 * a post-handler test and the probe found in the table; 100 keeps it well
 * under one exception round trip, which a boosted INT3 hit is
 * (probes.cost.ftrace-vs-boost). */
#define FTRACE_HIT_BUDGET	100

u64 pt_riprel(u64 x);
u64 pt_push(u64 x);
u64 pt_call(u64 x);
u64 pt_inc(u64 x);
u64 pt_jcc(u64 x);
u64 pt_icall(u64 x);
u64 pt_loop(u64 n);

static struct dr_state dr_saved;
static bool dr_taken;
static u64 pre_count, post_count;
/* Hits of the counted runs, for the cost records. */
static u64 leaf_hits, call_hits, ret_hits, dr_hits, ftrace_hits, opt_hits;

static u32 text_crc(const struct lab *lab)
{
	return crc32_update(0, (const void *)(uintptr_t)lab->image.text_lo,
			    lab->image.text_hi - lab->image.text_lo);
}

static void hex_bytes(char *buf, size_t size, const u8 *b, unsigned n)
{
	size_t k = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < n && k + 3 <= size; i++)
		k += fmt_snprintf(buf + k, size - k, "%02x", b[i]);
}

/* A counting pre-handler and post-handler: the cheapest useful ones. */
static void count_pre(struct kprobe *p, struct trapframe *tf)
{
	pre_count++;
}

static void count_post(struct kprobe *p, struct trapframe *tf)
{
	post_count++;
}

/* Registers p, with a check saying whether it took. */
static bool reg(const char *name, struct kprobe *p)
{
	int err = kprobe_register(p);
	struct rec r;
	char chk[64];

	fmt_snprintf(chk, sizeof(chk), "probes.register.%s", name);
	check_begin(&r, chk, err == KPROBE_OK ? CHECK_PASS : CHECK_FAIL);
	rec_str(&r, "err", kprobe_err_name(err));
	if (err == KPROBE_E_INSN)
		rec_str(&r, "refusal", kp_refusal_name(p->refusal));
	rec_end(&r);
	return err == KPROBE_OK;
}

/* The mapping of the code probes write: the choice docs/probes.md states. */
static void report_text_mapping(void)
{
	struct paging_map m;
	struct rec r;

	paging_lookup((u64)(uintptr_t)tr_leaf, &m);
	rec_begin(&r, "probe_text");
	rec_hex(&r, "addr", (u64)(uintptr_t)tr_leaf);
	rec_u64(&r, "page_size", m.size);
	rec_u64(&r, "writable", m.writable);
	rec_u64(&r, "executable", m.executable);
	rec_u64(&r, "cr0_wp", !!(read_cr0() & X86_CR0_WP));
	rec_str(&r, "method", "cr0-wp-clear");
	rec_end(&r);
}

/* ------------------------------------------------------------ kprobes -- */

static void probe_record(const struct lab *lab, const char *name, const char *kind, u64 addr,
			 u64 hits, u64 calls)
{
	struct rec r;
	char target[96];

	symtab_format(addr, lab->image.base, target, sizeof(target));
	rec_begin(&r, "probe");
	rec_str(&r, "name", name);
	rec_str(&r, "target", target);
	rec_str(&r, "kind", kind);
	rec_u64(&r, "hits", hits);
	rec_u64(&r, "calls", calls);
	rec_end(&r);
}

/* tr_leaf probed at +0 and called CALLS_N times: CALLS_N hits, each through
 * the single step, and the same results as unprobed. */
static void run_tr_leaf(void)
{
	struct kprobe p = { .symbol = "tr_leaf", .pre = count_pre, .post = count_post,
			    .int3 = true };
	u64 want = 0, got = 0;
	char before[32], armed[32], after[32];
	struct rec r;

	for (u64 i = 0; i < CALLS_N; i++)
		want += tr_leaf_plain(i);
	hex_bytes(before, sizeof(before), (const u8 *)tr_leaf, 5);
	if (!reg("tr_leaf", &p))
		return;
	hex_bytes(armed, sizeof(armed), (const u8 *)tr_leaf, 5);
	pre_count = post_count = 0;
	for (u64 i = 0; i < CALLS_N; i++)
		got += tr_leaf(i);
	/* inject_at=probes: a fault with the INT3 in and its slot written. */
	selftest_inject_point(INJECT_AT_PROBES);
	kprobe_unregister(&p);
	hex_bytes(after, sizeof(after), (const u8 *)tr_leaf, 5);

	rec_begin(&r, "probe_site");
	rec_str(&r, "target", "tr_leaf+0x0");
	rec_str(&r, "action", kp_action_name(p.action));
	rec_str(&r, "before", before);
	rec_str(&r, "armed", armed);
	rec_str(&r, "after", after);
	rec_end(&r);
	leaf_hits = p.hits;
	check_u64("probes.tr_leaf.hits", p.hits, CALLS_N);
	check_u64("probes.tr_leaf.pre", pre_count, CALLS_N);
	check_u64("probes.tr_leaf.post", post_count, CALLS_N);
	check_u64("probes.tr_leaf.result", got, want);
	check_str("probes.tr_leaf.restored", after, before);
}

/* One probe per way the engine runs an instruction. */
struct target {
	const char *symbol;
	u64 offset;
	enum kp_action action;
	u64 (*fn)(u64);
	bool loop;		/* hit once per iteration: arg times a call */
};

static const struct target targets[] = {
	{ "pt_riprel", 0, KP_STEP, pt_riprel, false },		/* mov rax, [rip+d] */
	{ "pt_push", 0, KP_STEP, pt_push, false },		/* push [rip+d] */
	{ "pt_call", 0, KP_EMU_CALL, pt_call, false },		/* call rel32 */
	{ "pt_inc", 4, KP_EMU_RET, pt_inc, false },		/* ret */
	{ "pt_jcc", 4, KP_EMU_JCC, pt_jcc, false },		/* jb rel8 */
	{ "pt_icall", 7, KP_STEP_ABS_CALL, pt_icall, false },	/* call rax */
	{ "pt_loop", 8, KP_EMU_LOOP, pt_loop, true },	/* loop rel8 */
};

/* 1..16: pt_jcc both ways, pt_loop at least once. */
static u64 target_arg(u64 i)
{
	return i % 16 + 1;
}

static void run_target(const struct lab *lab, const struct target *t)
{
	struct kprobe p = { .symbol = t->symbol, .offset = t->offset, .pre = count_pre,
			    .int3 = true };
	u64 want = 0, got = 0, hits = 0;
	char name[64];

	for (u64 i = 0; i < TARGET_CALLS; i++) {
		want += t->fn(target_arg(i));
		hits += t->loop ? target_arg(i) : 1;
	}
	fmt_snprintf(name, sizeof(name), "%s+%llu", t->symbol, (unsigned long long)t->offset);
	if (!reg(name, &p))
		return;
	for (u64 i = 0; i < TARGET_CALLS; i++)
		got += t->fn(target_arg(i));
	kprobe_unregister(&p);
	probe_record(lab, name, "kprobe", p.addr, p.hits, TARGET_CALLS);
	if (t->fn == pt_call)
		call_hits = p.hits;

	fmt_snprintf(name, sizeof(name), "probes.%s.action", t->symbol);
	check_str(name, kp_action_name(p.action), kp_action_name(t->action));
	fmt_snprintf(name, sizeof(name), "probes.%s.hits", t->symbol);
	check_u64(name, p.hits, hits);
	fmt_snprintf(name, sizeof(name), "probes.%s.result", t->symbol);
	check_u64(name, got, want);
}

/* The handlers get the interrupted registers: a pre-handler that changes
 * RDI changes what pt_inc computes; a post-handler sees RAX as the stepped
 * load left it. */
static u64 seen_rax;

static void add_100(struct kprobe *p, struct trapframe *tf)
{
	tf->rdi += 100;
}

static void see_rax(struct kprobe *p, struct trapframe *tf)
{
	seen_rax = tf->rax;
}

static void run_frame_access(void)
{
	struct kprobe pre = { .symbol = "pt_inc", .pre = add_100, .int3 = true };
	struct kprobe post = { .symbol = "pt_riprel", .post = see_rax, .int3 = true };

	if (reg("pt_inc+0", &pre)) {
		check_u64("probes.pre-writes-frame", pt_inc(5), 106);
		kprobe_unregister(&pre);
	}
	if (reg("pt_riprel+0.post", &post)) {
		seen_rax = 0;
		check_u64("probes.post-sees-frame.result", pt_riprel(1), 1001);
		check_u64("probes.post-sees-frame", seen_rax, 1000);
		kprobe_unregister(&post);
	}
}

/* Boosted probes: the slot jumps back, no single step; same hits, same
 * results (tr_leaf's NOP, pt_riprel's RIP-relative load). */
static u64 boost_hits;

static void run_boost(void)
{
	static const struct { const char *symbol; u64 (*fn)(u64), (*ref)(u64); } t[] = {
		{ "tr_leaf", tr_leaf, tr_leaf_plain },
		{ "pt_riprel", pt_riprel, NULL },
	};
	char name[64];

	for (unsigned k = 0; k < ARRAY_SIZE(t); k++) {
		struct kprobe p = { .symbol = t[k].symbol, .pre = count_pre, .boost = true,
				    .int3 = true };
		u64 want = 0, got = 0;

		for (u64 i = 0; i < CALLS_N; i++)
			want += t[k].ref ? t[k].ref(i) : i + 1000;
		fmt_snprintf(name, sizeof(name), "boost.%s", t[k].symbol);
		if (!reg(name, &p))
			continue;
		for (u64 i = 0; i < CALLS_N; i++)
			got += t[k].fn(i);
		kprobe_unregister(&p);
		if (t[k].fn == tr_leaf)
			boost_hits = p.hits;
		fmt_snprintf(name, sizeof(name), "probes.boost.%s.boosted", t[k].symbol);
		check_u64(name, p.boosted, 1);
		fmt_snprintf(name, sizeof(name), "probes.boost.%s.hits", t[k].symbol);
		check_u64(name, p.hits, CALLS_N);
		fmt_snprintf(name, sizeof(name), "probes.boost.%s.result", t[k].symbol);
		check_u64(name, got, want);
	}
}

/* Places a probe must refuse, and why. */
static void run_refusals(const struct lab *lab)
{
	static const struct { const char *symbol; u64 offset; int err; } bad[] = {
		{ "tr_leaf", 1, KPROBE_E_NOT_BOUNDARY },	/* inside the 5-byte NOP */
		{ "trap", 0, KPROBE_E_MACHINERY },
		{ "kprobe_int3", 0, KPROBE_E_MACHINERY },
		{ "text_poke", 0, KPROBE_E_MACHINERY },
		{ "kprobe_slots", 0, KPROBE_E_MACHINERY },
		{ "no_such_function", 0, KPROBE_E_NO_SYMBOL },
	};
	struct kprobe first = { .symbol = "tr_mid" }, again = { .symbol = "tr_mid" };
	char name[64];

	for (unsigned i = 0; i < ARRAY_SIZE(bad); i++) {
		struct kprobe p = { .symbol = bad[i].symbol, .offset = bad[i].offset };

		fmt_snprintf(name, sizeof(name), "probes.refuse.%s+%llu", bad[i].symbol,
			     (unsigned long long)bad[i].offset);
		check_str(name, kprobe_err_name(kprobe_register(&p)),
			  kprobe_err_name(bad[i].err));
	}
	if (reg("tr_mid", &first)) {
		check_str("probes.refuse.duplicate", kprobe_err_name(kprobe_register(&again)),
			  kprobe_err_name(KPROBE_E_BUSY));
		kprobe_unregister(&first);
	}
	/* A tracer site with its CALL in (tr_mid traced, never called here). */
	ftrace_enable("tr_mid", "none", lab->image.base);
	again = (struct kprobe){ .symbol = "tr_mid" };
	check_str("probes.refuse.ftrace-live", kprobe_err_name(kprobe_register(&again)),
		  kprobe_err_name(KPROBE_E_BUSY));
	ftrace_disable();
}

/* -------------------------------------------------------------- costs -- */

struct cost {
	u64 insns;		/* for BENCH_N calls; 0 when not exact */
	s64 ticks;		/* TSC ticks for BENCH_N calls, the minimum */
};

static struct cost cost_bench(const struct lab *lab, const char *name, u64 (*fn)(u64))
{
	static struct count_set set;
	static struct bench_result res;
	struct bench b = {
		.name = name, .suite = "probes", .fn = bench_call_loop, .arg = (const void *)fn,
		.n1 = BENCH_N, .n2 = 2 * BENCH_N, .warmup = 1, .reps = 3,
	};
	struct cost c = { 0, 0 };

	count_init(&set, &lab->cpu, &lab->pmu, lab->events);
	bench_run(&b, &set, &res);
	bench_report(&b, &set, &res, lab->icount_shift);
	if (lab->icount_shift == BENCH_NO_ICOUNT ||
	    !bench_icount(&res, lab->icount_shift, &c.insns))
		c.insns = 0;
	c.ticks = res.tsc.min;
	return c;
}

/* The probe record of a cost: the hits of the counted run, and
 * what one hit adds to a call in the benches. */
static void cost_record(const struct lab *lab, const char *name, const char *kind, u64 addr,
			u64 hits, u64 calls, struct cost probed, struct cost base)
{
	struct rec r;
	char target[96], ratio[32];
	bool exact = probed.insns && base.insns;
	u64 hit = exact ? probed.insns - base.insns : (u64)(probed.ticks - base.ticks);
	u64 call = exact ? base.insns : (u64)base.ticks;

	/* A probed call against an unprobed one, as the uprobe record's ratio
	 * (two decimals, no floating point here). */
	if (call) {
		u64 r100 = (hit + call) * 100 / call;

		fmt_snprintf(ratio, sizeof(ratio), "%llu.%02llu", (unsigned long long)(r100 / 100),
			     (unsigned long long)(r100 % 100));
	} else {
		fmt_snprintf(ratio, sizeof(ratio), "-");
	}
	symtab_format(addr, lab->image.base, target, sizeof(target));
	rec_begin(&r, "probe");
	rec_str(&r, "name", name);
	rec_str(&r, "target", target);
	rec_str(&r, "kind", kind);
	rec_u64(&r, "hits", hits);
	rec_u64(&r, "calls", calls);
	if (exact) {
		rec_u64(&r, "insns_per_hit", (probed.insns - base.insns) / BENCH_N);
		rec_u64(&r, "base_insns", base.insns / BENCH_N);
	}
	rec_s64(&r, "ticks_per_hit", (probed.ticks - base.ticks) / BENCH_N);
	rec_s64(&r, "base_ticks", base.ticks / BENCH_N);
	rec_str(&r, "ratio", ratio);
	rec_str(&r, "src", exact ? "icount" : "tsc");
	rec_end(&r);
}

/* Per hit, over the unprobed call; 0 when not exact. */
static u64 per_hit(struct cost probed, struct cost plain)
{
	return probed.insns && plain.insns ? (probed.insns - plain.insns) / BENCH_N : 0;
}

/* The paths against each other and their budgets (docs/probes.md "What a
 * hit costs"). */
static void check_costs(u64 stepped, u64 boosted, u64 ftrace, u64 opt)
{
	check_range("probes.hit-cost", stepped, 1, KPROBE_HIT_BUDGET);
	check_range("probes.cost.optimized", opt, 1, OPT_HIT_BUDGET);
	check_range("probes.cost.optimized-speedup", opt ? stepped / opt : 0, OPT_SPEEDUP_MIN,
		    UINT64_MAX);
	check_range("probes.cost.ftrace", ftrace, 1, FTRACE_HIT_BUDGET);
	check_range("probes.cost.ftrace-vs-boost", ftrace, 1, boosted - 1);
}

/* One probe registered, benched and taken out: false when it did not
 * register (a check says so). */
static bool bench_probe(const struct lab *lab, const char *reg_name, struct kprobe *p,
			const char *bench_name, u64 (*fn)(u64), struct cost *c)
{
	if (!reg(reg_name, p))
		return false;
	*c = cost_bench(lab, bench_name, fn);
	kprobe_unregister(p);
	return true;
}

static void run_costs(const struct lab *lab)
{
	struct kprobe kp = { .symbol = "tr_leaf", .pre = count_pre, .int3 = true };
	struct kprobe kp_call = { .symbol = "pt_call", .pre = count_pre, .int3 = true };
	struct kprobe kp_boost = { .symbol = "tr_leaf", .pre = count_pre, .boost = true,
				   .int3 = true };
	struct kprobe kp_ftrace = { .symbol = "tr_leaf", .pre = count_pre };
	struct kprobe kp_opt = { .symbol = "tr_leaf", .offset = 5, .pre = count_pre };
	struct kretprobe rp = { .kp.symbol = "tr_leaf" };
	struct hw_breakpoint bp = { .addr = (u64)(uintptr_t)tr_leaf, .type = DR_RW_EXECUTE,
				    .len = 1 };
	struct cost plain, probed, boosted, ftrace, opt, call_plain, call_probed, ret, dr;
	const char *why;

	plain = cost_bench(lab, "probe-none", tr_leaf);
	if (!bench_probe(lab, "cost.tr_leaf", &kp, "probe-kprobe", tr_leaf, &probed) ||
	    !bench_probe(lab, "cost.boost.tr_leaf", &kp_boost, "probe-kprobe-boost", tr_leaf,
			 &boosted) ||
	    !bench_probe(lab, "cost.ftrace.tr_leaf", &kp_ftrace, "probe-kprobe-ftrace", tr_leaf,
			 &ftrace) ||
	    !bench_probe(lab, "cost.opt.tr_leaf+5", &kp_opt, "probe-kprobe-opt", tr_leaf, &opt))
		return;
	call_plain = cost_bench(lab, "probe-none-call", pt_call);
	if (!bench_probe(lab, "cost.pt_call", &kp_call, "probe-kprobe-call", pt_call, &call_probed))
		return;
	if (!ps_reg_ret("cost.tr_leaf", &rp))
		return;
	ret = cost_bench(lab, "probe-kretprobe", tr_leaf);
	kretprobe_unregister(&rp);
	if (dr_install(&bp, &why))
		return;
	dr = cost_bench(lab, "probe-dr-exec", tr_leaf);
	dr_uninstall(&bp);

	cost_record(lab, "kprobe-tr_leaf", "kprobe", kp.addr, leaf_hits, CALLS_N, probed, plain);
	cost_record(lab, "kprobe-boost-tr_leaf", "kprobe", kp_boost.addr, boost_hits, CALLS_N,
		    boosted, plain);
	cost_record(lab, "kprobe-ftrace-tr_leaf", "kprobe-ftrace", kp_ftrace.addr, ftrace_hits,
		    CALLS_N, ftrace, plain);
	cost_record(lab, "kprobe-opt-tr_leaf", "kprobe-opt", kp_opt.addr, opt_hits, CALLS_N, opt,
		    plain);
	cost_record(lab, "kprobe-pt_call", "kprobe", kp_call.addr, call_hits, TARGET_CALLS,
		    call_probed, call_plain);
	cost_record(lab, "kretprobe-tr_leaf", "kretprobe", rp.kp.addr, ret_hits, CALLS_N, ret, plain);
	cost_record(lab, "dr-exec-tr_leaf", "hw-exec", bp.addr, dr_hits, CALLS_N, dr, plain);
	if (!per_hit(probed, plain) || !per_hit(boosted, plain) || !per_hit(ftrace, plain) ||
	    !per_hit(opt, plain) || !per_hit(call_probed, call_plain) || !per_hit(ret, plain) ||
	    !per_hit(dr, plain)) {
		check_skip("probes.hit-cost", lab->icount_shift == BENCH_NO_ICOUNT ?
			   "no-icount" : "tsc-not-whole-instructions");
		return;
	}
	check_costs(per_hit(probed, plain), per_hit(boosted, plain), per_hit(ftrace, plain),
		    per_hit(opt, plain));
	rec_narrate("probes: per hit, a kprobe (single-step) costs %llu instructions, boosted "
		    "%llu, through the tracer's CALL %llu, jump-optimized %llu, one on a call "
		    "rel32 (emulated) %llu, a kretprobe %llu, a DR execute breakpoint %llu",
		    (unsigned long long)per_hit(probed, plain),
		    (unsigned long long)per_hit(boosted, plain),
		    (unsigned long long)per_hit(ftrace, plain),
		    (unsigned long long)per_hit(opt, plain),
		    (unsigned long long)per_hit(call_probed, call_plain),
		    (unsigned long long)per_hit(ret, plain),
		    (unsigned long long)per_hit(dr, plain));
}

/* Every probe out and the debug registers as found; after an abort the
 * probes' code is back already and their structs may be gone. */
static void put_back(bool aborted)
{
	if (aborted)
		kprobe_forget_all();
	else
		kprobe_unregister_all();
	if (dr_taken)
		dr_restore(&dr_saved);
	dr_taken = false;
}

bool probes_begin(const struct lab *lab)
{
	if (!(lab->cfg->skip & SKIP_PROBES))
		return true;
	check_skip("probes", "skipped-by-config");
	return false;
}

void probes_suite_run(void *arg)
{
	const struct lab *lab = arg;
	u32 before, armed;
	struct kprobe p = { .symbol = "pt_riprel" };

	kprobe_init(lab->image.base);
	dr_save(&dr_saved);
	dr_taken = true;
	before = text_crc(lab);
	report_text_mapping();

	run_tr_leaf();
	for (unsigned i = 0; i < ARRAY_SIZE(targets); i++)
		run_target(lab, &targets[i]);
	run_frame_access();
	run_boost();
	run_refusals(lab);
	ret_hits = ps_run_kretprobes();
	dr_hits = ps_run_dr(lab);
	ps_run_db(lab);
	ps_run_paths(lab, &ftrace_hits, &opt_hits);
	run_costs(lab);

	/* The checksum sees a probe (INT3 and slot), and none once it is out. */
	if (kprobe_register(&p) == KPROBE_OK) {
		armed = text_crc(lab);
		kprobe_unregister(&p);
		check_u64("probes.text-crc.armed-differs", armed != before, 1);
	}
	check_u64("probes.text-crc", text_crc(lab), before);
	put_back(false);
	check_u64("probes.dr7-restored", hw_read_dr(7), dr_saved.dr7);
}

void probes_cleanup(const struct lab *lab)
{
	struct owned_stats os;

	owned_last_stats(&os);
	put_back(os.aborted);
}
