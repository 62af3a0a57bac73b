/* The function tracer at boot and in suite=ftrace: every site becomes the
 * NOP; then the tracers run on the call tree of microbench/traced.c, whose
 * shape is known, and each check compares what they saw with it. Costs are
 * exact under QEMU -icount. */
#include "lib/crc32.h"
#include "lib/fmt.h"
#include "kernel-side/bench/bench.h"
#include "kernel-side/ftrace/ftrace.h"
#include "kernel-side/ftrace/ftrace_suite.h"
#include "kernel-side/cpu/hw.h"
#include "lib/libc.h"
#include "lib/check.h"
#include "lib/record.h"
#include "lib/symtab.h"
#include "microbench/traced.h"
#include "kernel-side/owned/selftest.h"

#define CALLS_N		1000	/* calls per iteration count in the cost benches */
#define CHAIN_ARG	5
#define RECURSE_N	3
/* Instructions a traced call may add with the function tracer on
 * (ftrace.function-cost): ftrace_tracers.asm's fast path writes the ring
 * entry itself in 33; 40 fails a call that falls back to the C tracer,
 * which saves and restores the scratch registers around a call. */
#define FTRACE_CALL_BUDGET	40

static const struct lab *lab;

/* A full trace ring drops its oldest entry (ftrace_ring=overwrite), or stops. */
static bool overwrite(void)
{
	return lab->cfg->ftrace_ring == RING_OVERWRITE;
}

/* The image's code, checksummed: patching must leave it as it was. */
static u32 text_crc(void)
{
	return crc32_update(0, (const void *)(uintptr_t)lab->image.text_lo,
			    lab->image.text_hi - lab->image.text_lo);
}

static const char *fn_name(u64 ip)
{
	u64 off;
	const char *name = symtab_name(ip, lab->image.base, &off);

	return name ? name : "?";
}

static void site_bytes(char *buf, size_t size, const u8 *b)
{
	fmt_snprintf(buf, size, "%02x%02x%02x%02x%02x", b[0], b[1], b[2], b[3], b[4]);
}

void ftrace_boot(void *arg)
{
	struct ftrace_init init;
	struct rec r;
	char sym[96], bytes[16];

	lab = arg;
	ftrace_init(&init);
	rec_begin(&r, "ftrace");
	rec_u64(&r, "sites", init.sites);
	rec_u64(&r, "converted", init.converted);
	rec_u64(&r, "refused", init.refused);
	rec_str(&r, "nop", "0f1f440000");
	rec_end(&r);
	for (unsigned i = 0; i < init.refused && i < FTRACE_REFUSED_KEPT; i++) {
		symtab_format((u64)(uintptr_t)init.refused_site[i].addr, lab->image.base, sym,
			      sizeof(sym));
		site_bytes(bytes, sizeof(bytes), init.refused_site[i].bytes);
		rec_begin(&r, "ftrace_refused");
		rec_hex(&r, "site", (u64)(uintptr_t)init.refused_site[i].addr);
		rec_str(&r, "sym", sym);
		rec_str(&r, "bytes", bytes);
		rec_end(&r);
	}
	check_u64("ftrace.sites-nop", ftrace_sites_not_nop(), init.refused);
}

/* The trace records of one run: a header, then the entries or the profile. */
static void emit_trace(const char *name, const char *tracer)
{
	struct rec r;
	char sym[96];

	rec_begin(&r, "trace");
	rec_str(&r, "name", name);
	rec_str(&r, "tracer", tracer);
	rec_u64(&r, "entries", ftrace_event_count());
	rec_u64(&r, "written", ftrace_written_count());
	rec_u64(&r, "lost", ftrace_lost_count());
	rec_u64(&r, "tsc_hz", lab->tsc_hz);
	rec_str(&r, "mode", overwrite() ? "overwrite" : "stop");
	rec_str(&r, "filter", lab->cfg->ftrace_filter);
	rec_str(&r, "notrace", lab->cfg->ftrace_notrace);
	rec_end(&r);
	for (unsigned i = 0; i < ftrace_event_count(); i++) {
		const struct ftrace_event *e = ftrace_event(i);

		rec_begin(&r, e->type == FT_CALL ? "trace_fn" : "trace_graph");
		rec_str(&r, "trace", name);
		rec_u64(&r, "ts", e->ts - ftrace_start_tsc());
		rec_u64(&r, "cpu", 0);
		if (e->type == FT_CALL) {
			rec_hex(&r, "ip", e->ip);
			rec_str(&r, "sym", fn_name(e->ip));
			rec_hex(&r, "parent", e->parent);
			symtab_format(e->parent, lab->image.base, sym, sizeof(sym));
			rec_str(&r, "parent_sym", sym);
		} else {
			rec_str(&r, "type", e->type == FT_ENTRY ? "entry" : "exit");
			rec_u64(&r, "depth", e->depth);
			rec_str(&r, "sym", fn_name(e->ip));
			if (e->type == FT_EXIT)
				rec_u64(&r, "duration", e->duration);
		}
		rec_end(&r);
	}
	for (unsigned i = 0; i < ftrace_profile_count(); i++) {
		const struct ftrace_profile *p = ftrace_profile(i);

		rec_begin(&r, "trace_profile");
		rec_str(&r, "trace", name);
		rec_str(&r, "sym", fn_name(p->ip));
		rec_u64(&r, "hits", p->hits);
		rec_u64(&r, "total", p->total);
		rec_u64(&r, "avg", p->hits ? p->total / p->hits : 0);
		rec_end(&r);
	}
}

/* What the tree returns untraced: tracing must not change it. */
static u64 expected_top(u64 x)
{
	return ((x * 3 + 1) + ((x + 1) * 3 + 1)) ^ (x * 3 + 1);
}

/* Calls the tree once with the tracer on; noinline so it is the parent the
 * trace names for tr_top. */
static __attribute__((noinline)) u64 run_chain(enum ftrace_tracer t, const char *filter,
					      const char *notrace)
{
	u64 v;

	ftrace_start(t, overwrite());
	ftrace_enable(filter, notrace, lab->image.base);
	/* inject_at=ftrace: a fault with the sites CALLs and a tracer on. */
	selftest_inject_point(INJECT_AT_FTRACE);
	v = tr_top(CHAIN_ARG);
	if (t != FTRACE_FUNCTION)
		v += tr_recurse(RECURSE_N) << 32;
	ftrace_disable();
	ftrace_stop();
	return v;
}

/* tr_top <- run_chain, tr_mid <- tr_top, tr_leaf <- tr_mid (twice),
 * tr_leaf <- tr_top: names, parents, order and count. */
static void check_function_sequence(void)
{
	static const char *const want[][2] = {
		{ "tr_top", "run_chain" }, { "tr_mid", "tr_top" }, { "tr_leaf", "tr_mid" },
		{ "tr_leaf", "tr_mid" }, { "tr_leaf", "tr_top" },
	};
	unsigned n = ftrace_event_count(), good = 0;
	struct rec r;

	for (unsigned i = 0; i < n && i < ARRAY_SIZE(want); i++) {
		const struct ftrace_event *e = ftrace_event(i);

		good += !strcmp(fn_name(e->ip), want[i][0]) &&
			!strcmp(fn_name(e->parent), want[i][1]);
	}
	check_begin(&r, "ftrace.function.sequence",
		    n == ARRAY_SIZE(want) && good == n ? CHECK_PASS : CHECK_FAIL);
	rec_u64(&r, "events", n);
	rec_u64(&r, "matching", good);
	rec_u64(&r, "expect", ARRAY_SIZE(want));
	rec_end(&r);
}

/* Entries and exits of tr_top (depths 0-2) then tr_recurse (0-3). */
static void check_graph_shape(void)
{
	static const struct { const char *fn; u8 type; u32 depth; } want[] = {
		{ "tr_top", FT_ENTRY, 0 }, { "tr_mid", FT_ENTRY, 1 }, { "tr_leaf", FT_ENTRY, 2 },
		{ "tr_leaf", FT_EXIT, 2 }, { "tr_leaf", FT_ENTRY, 2 }, { "tr_leaf", FT_EXIT, 2 },
		{ "tr_mid", FT_EXIT, 1 }, { "tr_leaf", FT_ENTRY, 1 }, { "tr_leaf", FT_EXIT, 1 },
		{ "tr_top", FT_EXIT, 0 },
		{ "tr_recurse", FT_ENTRY, 0 }, { "tr_recurse", FT_ENTRY, 1 },
		{ "tr_recurse", FT_ENTRY, 2 }, { "tr_recurse", FT_ENTRY, 3 },
		{ "tr_recurse", FT_EXIT, 3 }, { "tr_recurse", FT_EXIT, 2 },
		{ "tr_recurse", FT_EXIT, 1 }, { "tr_recurse", FT_EXIT, 0 },
	};
	unsigned n = ftrace_event_count(), good = 0;
	struct rec r;

	for (unsigned i = 0; i < n && i < ARRAY_SIZE(want); i++) {
		const struct ftrace_event *e = ftrace_event(i);

		good += !strcmp(fn_name(e->ip), want[i].fn) && e->type == want[i].type &&
			e->depth == want[i].depth;
	}
	check_begin(&r, "ftrace.graph.shape",
		    n == ARRAY_SIZE(want) && good == n ? CHECK_PASS : CHECK_FAIL);
	rec_u64(&r, "events", n);
	rec_u64(&r, "matching", good);
	rec_u64(&r, "expect", ARRAY_SIZE(want));
	rec_u64(&r, "skipped_frames", ftrace_graph_skipped());
	rec_end(&r);
}

static u64 profile_hits(const char *fn)
{
	for (unsigned i = 0; i < ftrace_profile_count(); i++)
		if (!strcmp(fn_name(ftrace_profile(i)->ip), fn))
			return ftrace_profile(i)->hits;
	return 0;
}

/* A CPU that runs a site while its INT3 is in goes past it, untraced, with
 * the function's result intact. */
static void check_int3_redirect(void)
{
	struct poke p = { .addr = (u8 *)tr_leaf };
	u64 hits = text_poke_int3_hits(), v;
	s32 rel = (s32)((u64)(uintptr_t)ftrace_caller - ((u64)(uintptr_t)p.addr + POKE_LEN));
	struct rec r;

	p.insn[0] = CALL_REL32;
	memcpy(p.insn + 1, &rel, 4);
	ftrace_start(FTRACE_FUNCTION, true);
	text_poke_arm(&p, 1);
	v = tr_leaf(7);
	text_poke_finish(&p, 1);
	memcpy(p.insn, FTRACE_NOP5, POKE_LEN);
	text_poke_batch(&p, 1);
	ftrace_stop();
	check_begin(&r, "ftrace.int3-redirect",
		    v == 22 && text_poke_int3_hits() == hits + 1 && !ftrace_event_count() ?
		    CHECK_PASS : CHECK_FAIL);
	rec_u64(&r, "value", v);
	rec_u64(&r, "int3_hits", text_poke_int3_hits() - hits);
	rec_u64(&r, "traced", ftrace_event_count());
	rec_end(&r);
}

static void run_tracers(void)
{
	u32 before = text_crc();
	u64 v;

	v = run_chain(FTRACE_FUNCTION, lab->cfg->ftrace_filter, lab->cfg->ftrace_notrace);
	emit_trace("chain", "function");
	check_function_sequence();
	check_u64("ftrace.function.result", v, expected_top(CHAIN_ARG));

	v = run_chain(FTRACE_GRAPH, lab->cfg->ftrace_filter, lab->cfg->ftrace_notrace);
	emit_trace("graph", "function_graph");
	check_graph_shape();
	check_u64("ftrace.graph.result", v, expected_top(CHAIN_ARG) + ((u64)RECURSE_N << 32));

	run_chain(FTRACE_PROFILE, lab->cfg->ftrace_filter, lab->cfg->ftrace_notrace);
	emit_trace("profile", "function_profile");
	check_u64("ftrace.profile.tr_leaf", profile_hits("tr_leaf"), 3);
	check_u64("ftrace.profile.tr_recurse", profile_hits("tr_recurse"), RECURSE_N + 1);

	run_chain(FTRACE_FUNCTION, lab->cfg->ftrace_filter, "tr_leaf");
	check_u64("ftrace.notrace", ftrace_event_count(), 2);	/* tr_top, tr_mid */

	check_int3_redirect();
	check_u64("ftrace.restored", ftrace_sites_not_nop(), 0);
	check_u64("ftrace.text-crc", text_crc(), before);
}

/* Instructions for CALLS_N calls (n2 - n1) under -icount, or 0 when the
 * count is not exact; the bench and its counters are reported. */
static u64 cost_bench(const char *name, u64 (*fn)(u64))
{
	static struct count_set set;
	static struct bench_result res;
	struct bench b = {
		.name = name, .suite = "ftrace", .fn = bench_call_loop, .arg = (const void *)fn,
		.n1 = CALLS_N, .n2 = 2 * CALLS_N, .warmup = 1, .reps = 3,
	};
	u64 insns = 0;

	count_init(&set, &lab->cpu, &lab->pmu, lab->events);
	bench_run(&b, &set, &res);
	bench_report(&b, &set, &res, lab->icount_shift);
	if (lab->icount_shift != BENCH_NO_ICOUNT && !bench_icount(&res, lab->icount_shift, &insns))
		insns = 0;
	return insns;
}

static void cost_record(const char *tracer, u64 insns, u64 base)
{
	struct rec r;

	rec_begin(&r, "ftrace_cost");
	rec_str(&r, "tracer", tracer);
	rec_u64(&r, "calls", CALLS_N);
	rec_u64(&r, "insns_per_call", (insns - base) / CALLS_N);
	rec_str(&r, "versus", "disabled-site");
	rec_end(&r);
}

/* Fills the ring first: an overwriting ring that is full takes the same
 * path every call, so every measured run costs the same. */
static void fill_ring(void)
{
	bench_call_loop(FTRACE_RING_MAX, (const void *)tr_leaf);
}

static void run_costs(void)
{
	u64 plain, nop, fn, graph;

	plain = cost_bench("ftrace-plain", tr_leaf_plain);
	nop = cost_bench("ftrace-nop", tr_leaf);
	ftrace_start(FTRACE_FUNCTION, true);
	ftrace_enable("tr_leaf", "none", lab->image.base);
	fill_ring();
	fn = cost_bench("ftrace-function", tr_leaf);
	ftrace_start(FTRACE_GRAPH, true);
	fill_ring();
	graph = cost_bench("ftrace-graph", tr_leaf);
	ftrace_disable();
	ftrace_stop();
	if (lab->icount_shift == BENCH_NO_ICOUNT || !plain || !nop || !fn || !graph) {
		check_skip("ftrace.nop-cost", lab->icount_shift == BENCH_NO_ICOUNT ?
			   "no-icount" : "tsc-not-whole-instructions");
		return;
	}
	/* The disabled site is one instruction: the 5-byte NOP. */
	check_u64("ftrace.nop-cost", (nop - plain) / CALLS_N, 1);
	check_range("ftrace.function-cost", (fn - nop) / CALLS_N, 1, FTRACE_CALL_BUDGET);
	cost_record("function", fn, nop);
	cost_record("function_graph", graph, nop);
	rec_narrate("ftrace: per call, a disabled site costs %llu instruction, the function "
		    "tracer %llu more, function_graph %llu more",
		    (unsigned long long)((nop - plain) / CALLS_N),
		    (unsigned long long)((fn - nop) / CALLS_N),
		    (unsigned long long)((graph - nop) / CALLS_N));
}

/* Patching every site on and off: TSC ticks (and instructions under
 * -icount, from the same clock). */
static void run_patch_time(void)
{
	struct rec r;
	u64 t0, t1, t2;
	unsigned n;

	t0 = hw_rdtsc();
	n = ftrace_enable("*", "none", lab->image.base);
	t1 = hw_rdtsc();
	ftrace_disable();
	t2 = hw_rdtsc();
	rec_begin(&r, "ftrace_patch");
	rec_u64(&r, "sites", n);
	rec_u64(&r, "enable_ticks", t1 - t0);
	rec_u64(&r, "disable_ticks", t2 - t1);
	if (lab->icount_shift != BENCH_NO_ICOUNT) {
		rec_u64(&r, "enable_insns", (t1 - t0) >> lab->icount_shift);
		rec_u64(&r, "disable_insns", (t2 - t1) >> lab->icount_shift);
	}
	rec_end(&r);
	check_u64("ftrace.patch-all.restored", ftrace_sites_not_nop(), 0);
}

void ftrace_suite_run(void *arg)
{
	lab = arg;
	run_tracers();
	run_costs();
	run_patch_time();
}
