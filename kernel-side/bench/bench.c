/* The measurement method (bench.h). */
#include "kernel-side/bench/bench.h"
#include "kernel-side/cpu/hw.h"
#include "lib/libc.h"
#include "lib/record.h"

static s64 samples[COUNT_EVENTS_MAX + 1][BENCH_REPS_MAX];

/* Measured-region markers for the TCG reference plugin
 * (docs/reference-plugin.md): NOP DWORD [RAX+RAX*1+disp32], 0F 1F 84 00 and
 * the disp32 "PMU<" / "PMU>" -- a NOP on every x86-64 CPU that no compiler
 * emits with a non-zero displacement. Regions are numbered in execution
 * order from 0; the bench record's region0 says where its runs start. */
#define BENCH_MARK(disp) asm volatile(".byte 0x0f, 0x1f, 0x84, 0x00\n\t.long " #disp ::: "memory")
static u64 regions;

static void sort(s64 *v, unsigned n)
{
	for (unsigned i = 1; i < n; i++) {
		s64 x = v[i];
		unsigned j = i;

		for (; j > 0 && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

static void add(struct bench_stat *st, s64 *buf, s64 v)
{
	if (st->runs < BENCH_REPS_MAX)
		buf[st->runs] = v;
	st->runs++;
	st->total += v;
}

static void finish(struct bench_stat *st, s64 *buf)
{
	unsigned n = st->runs < BENCH_REPS_MAX ? st->runs : BENCH_REPS_MAX;

	if (!n)
		return;
	sort(buf, n);
	st->min = buf[0];
	st->max = buf[n - 1];
	st->median = buf[n / 2];
}

/* One measurement of fn(n): counts in c[slot], TSC ticks returned. */
static u64 measure(const struct bench *b, struct count_set *s, unsigned g, u64 n,
		   u64 *c, int *err)
{
	u64 t0, t1;

	if (s->ngroups && !*err)
		*err = count_program(s, g);
	t0 = hw_rdtsc();
	if (s->ngroups && !*err)
		*err = count_start(s, g);
	BENCH_MARK(0x3c554d50);
	b->fn(n, b->arg);
	BENCH_MARK(0x3e554d50);
	regions++;
	if (s->ngroups && !*err)
		*err = count_stop(s, g);
	t1 = hw_rdtsc();
	if (s->ngroups && !*err)
		*err = count_read(s, g, c);
	return t1 - t0;
}

void bench_run(const struct bench *b, struct count_set *s, struct bench_result *r)
{
	unsigned groups = s->ngroups ? s->ngroups : 1;
	unsigned reps = b->reps < BENCH_REPS_MAX ? b->reps : BENCH_REPS_MAX;
	unsigned total = b->warmup + reps * groups;

	memset(r, 0, sizeof(*r));
	r->region0 = regions;
	for (unsigned run = 0; run < total; run++) {
		unsigned g = run % groups;
		u64 c1[COUNT_EVENTS_MAX] = { 0 }, c2[COUNT_EVENTS_MAX] = { 0 };
		u64 t1 = 0, t2 = measure(b, s, g, b->single ? b->n1 : b->n2, c2, &r->err);

		/* Second so the kernel's first run warms it for the one kept
		 * when single; for a difference the order does not matter. */
		if (!b->single)
			t1 = measure(b, s, g, b->n1, c1, &r->err);
		if (run < b->warmup)
			continue;
		r->runs++;
		add(&r->tsc, samples[COUNT_EVENTS_MAX], (s64)(t2 - t1));
		for (unsigned i = 0; i < s->n; i++) {
			struct count_slot *sl = &s->slot[i];

			if (!sl->counted)
				continue;
			r->ev[i].enabled += t1 + t2;
			if (sl->group != g)
				continue;
			r->ev[i].running += t1 + t2;
			add(&r->ev[i], samples[i], (s64)(c2[i] - c1[i]));
		}
	}
	finish(&r->tsc, samples[COUNT_EVENTS_MAX]);
	for (unsigned i = 0; i < s->n; i++)
		finish(&r->ev[i], samples[i]);
	count_release(s);
}

/* a * b / c with a 128-bit product, saturating: DIV takes RDX:RAX, where C's
 * 128-bit division would call libgcc's __udivti3, which the image lacks. */
static u64 mul_div(u64 a, u64 b, u64 c)
{
	unsigned __int128 p = (unsigned __int128)a * b;
	u64 hi = (u64)(p >> 64), q, r;

	if (hi >= c)		/* the quotient would not fit: DIV raises #DE */
		return ~0ull;
	asm("divq %4" : "=a"(q), "=d"(r) : "a"((u64)p), "d"(hi), "rm"(c));
	return q;
}

s64 bench_scaled(const struct bench_stat *st)
{
	u64 mag;

	if (!st->running)
		return 0;
	/* As perf scales, keeping the sign noise can give a total. */
	mag = mul_div(st->total < 0 ? -(u64)st->total : (u64)st->total, st->enabled,
		      st->running);
	if (mag > (u64)INT64_MAX)
		mag = INT64_MAX;
	return st->total < 0 ? -(s64)mag : (s64)mag;
}

bool bench_icount(const struct bench_result *r, u32 shift, u64 *insns)
{
	const struct bench_stat *t = &r->tsc;

	if (shift >= 64 || !t->runs || t->min != t->max || t->min < 0 ||
	    ((u64)t->min & ((1ull << shift) - 1)))
		return false;
	*insns = (u64)t->min >> shift;
	return true;
}

static void counter_begin(struct rec *rec, const struct bench *b, const char *event,
			  const char *src)
{
	rec_begin(rec, "counter");
	rec_str(rec, "bench", b->name);
	rec_str(rec, "event", event);
	rec_str(rec, "src", src);
}

static void report_slot(const struct bench *b, const struct count_slot *sl,
			const struct bench_stat *st, int err)
{
	struct rec rec;
	char name[16];

	if (!sl->counted || err || !st->runs) {
		counter_begin(&rec, b, sl->ev.name, "none");
		rec_str(&rec, "reason", sl->ev.reason ? sl->ev.reason :
				     err ? "driver-error" : "not-run");
		rec_end(&rec);
		return;
	}
	counter_begin(&rec, b, sl->ev.name, "pmu");
	rec_s64(&rec, "value", st->median);
	rec_str(&rec, "counter", pmu_counter_name(sl->idx, name, sizeof(name)));
	rec_hex(&rec, "config", sl->ev.config);
	if (sl->ev.extra)
		rec_hex(&rec, "offcore_rsp", sl->ev.extra);
	rec_str(&rec, "table", sl->ev.table);
	rec_s64(&rec, "min", st->min);
	rec_s64(&rec, "median", st->median);
	rec_s64(&rec, "max", st->max);
	rec_u64(&rec, "runs", st->runs);
	rec_s64(&rec, "total", st->total);
	rec_u64(&rec, "enabled", st->enabled);
	rec_u64(&rec, "running", st->running);
	rec_s64(&rec, "scaled", bench_scaled(st));
	rec_end(&rec);
}

void bench_report(const struct bench *b, const struct count_set *s,
		  const struct bench_result *r, u32 icount_shift)
{
	struct rec rec;
	u64 insns;
	char err[16];

	rec_begin(&rec, "bench");
	rec_str(&rec, "name", b->name);
	rec_str(&rec, "suite", b->suite);
	rec_u64(&rec, "reps", b->reps);
	rec_u64(&rec, "warmup", b->warmup);
	rec_str(&rec, "method", b->single ? "single" : "difference");
	rec_u64(&rec, "n1", b->n1);
	if (!b->single)
		rec_u64(&rec, "n2", b->n2);
	rec_u64(&rec, "iters", b->single ? b->n1 : b->n2 - b->n1);
	rec_u64(&rec, "groups", s->ngroups);
	rec_u64(&rec, "runs", r->runs);
	rec_u64(&rec, "region0", r->region0);
	rec_s64(&rec, "tsc_min", r->tsc.min);
	rec_s64(&rec, "tsc_median", r->tsc.median);
	rec_s64(&rec, "tsc_max", r->tsc.max);
	if (r->err)
		rec_str(&rec, "error", hw_err_name(r->err, err));
	if (s->dropped)
		rec_u64(&rec, "events_dropped", s->dropped);
	if (b->describe)
		b->describe(&rec, b->ctx);
	rec_end(&rec);

	for (unsigned i = 0; i < s->n; i++)
		report_slot(b, &s->slot[i], &r->ev[i], r->err);
	if (icount_shift == BENCH_NO_ICOUNT)
		return;
	counter_begin(&rec, b, "instructions", "icount");
	if (bench_icount(r, icount_shift, &insns)) {
		rec_u64(&rec, "value", insns);
		rec_u64(&rec, "shift", icount_shift);
	} else {
		rec_str(&rec, "reason", "tsc-not-whole-instructions");
	}
	rec_end(&rec);
}

void bench_call_loop(u64 n, const void *arg)
{
	u64 (*fn)(u64) = (u64 (*)(u64))(uintptr_t)arg;
	u64 x = 0;

	for (u64 i = 0; i < n; i++)
		x = fn(x);
	asm volatile("" : : "r"(x));
}
