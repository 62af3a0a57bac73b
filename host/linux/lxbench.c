/* The measurement method in user space (lxbench.h). The order of things
 * follows kernel-side/bench/bench.c: in each run the n2 measurement, then n1; the
 * TSC read outside the counters' start and stop. */
#include <stdio.h>
#include <string.h>
#include <valgrind/callgrind.h>
#include <x86intrin.h>
#include "host/linux/lxbench.h"
#include "lib/record.h"
#include "host/linux/vgparse.h"

#define LX_REPS_MAX	64

struct lx_stat {
	unsigned runs;
	int64_t v[LX_REPS_MAX];
	int64_t total;		/* of v */
	int64_t raw;		/* perf: unscaled differences */
	uint64_t enabled, running;
};

struct lx_result {
	unsigned runs;
	struct lx_stat tsc, ev[PERF_EVENTS_MAX];
};

static int cmp_s64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

static void add(struct lx_stat *st, int64_t v)
{
	if (st->runs < LX_REPS_MAX)
		st->v[st->runs] = v;
	st->runs++;
	st->total += v;
}

/* min, median, max as bench.c takes them: v[n/2] of the sorted runs. */
static void finish(struct lx_stat *st, int64_t *mm)
{
	unsigned n = st->runs < LX_REPS_MAX ? st->runs : LX_REPS_MAX;

	mm[0] = mm[1] = mm[2] = 0;
	if (!n)
		return;
	qsort(st->v, n, sizeof(st->v[0]), cmp_s64);
	mm[0] = st->v[0];
	mm[1] = st->v[n / 2];
	mm[2] = st->v[n - 1];
}

static uint64_t measure(const struct suite_spec *sp, const void *arg, u64 n,
			const struct lx_env *env, unsigned index, unsigned run,
			struct perf_count *c)
{
	uint64_t t0, t1;
	char label[64];

	if (env->mode == LX_PERF)
		perf_set_start(env->ps);
	t0 = __rdtsc();
	if (env->mode == LX_CALLGRIND)
		CALLGRIND_TOGGLE_COLLECT;
	mb_entry(sp->k)(n, arg);
	if (env->mode == LX_CALLGRIND)
		CALLGRIND_TOGGLE_COLLECT;
	t1 = __rdtsc();
	if (env->mode == LX_PERF) {
		perf_set_stop(env->ps);
		if (perf_set_read(env->ps, c) < 0)
			memset(c, 0, sizeof(*c) * PERF_EVENTS_MAX);
	}
	if (env->mode == LX_CALLGRIND) {
		/* One profile part per call: host/linux/valgrind.c reads them
		 * back by this label (callgrind's dump resets its counters). */
		snprintf(label, sizeof(label), VG_LABEL " %u %u %llu", index, run,
			 (unsigned long long)n);
		CALLGRIND_DUMP_STATS_AT(label);
	}
	return t1 - t0;
}

static void run(const struct suite_spec *sp, const void *arg, unsigned index,
		const struct lx_env *env, struct lx_result *r)
{
	unsigned reps = env->reps < LX_REPS_MAX ? env->reps : LX_REPS_MAX;
	unsigned nev = env->mode == LX_PERF ? env->ps->n : 0;

	memset(r, 0, sizeof(*r));
	for (unsigned i = 0; i < env->warmup + reps; i++) {
		struct perf_count c1[PERF_EVENTS_MAX] = { 0 }, c2[PERF_EVENTS_MAX] = { 0 };
		uint64_t t1 = 0, t2 = measure(sp, arg, sp->single ? sp->n : 2 * sp->n, env,
					      index, i, c2);

		if (!sp->single)
			t1 = measure(sp, arg, sp->n, env, index, i, c1);
		if (i < env->warmup)
			continue;
		r->runs++;
		add(&r->tsc, (int64_t)(t2 - t1));
		for (unsigned e = 0; e < nev; e++) {
			uint64_t s1 = 0, s2;

			if (!c2[e].counted || (!sp->single && !c1[e].counted))
				continue;
			/* Each measurement scaled by its own times, as perf
			 * stat does, then the difference. */
			perf_scale(c2[e].value, c2[e].enabled, c2[e].running, &s2);
			if (!sp->single)
				perf_scale(c1[e].value, c1[e].enabled, c1[e].running, &s1);
			add(&r->ev[e], (int64_t)(s2 - s1));
			/* total, enabled, running: perf's raw sums, for the
			 * record's scaled = total * enabled / running. */
			r->ev[e].raw += (int64_t)(c2[e].value - c1[e].value);
			r->ev[e].enabled += c1[e].enabled + c2[e].enabled;
			r->ev[e].running += c1[e].running + c2[e].running;
		}
	}
}

const void *lx_setup(const struct suite_spec *sp, const struct lx_env *env,
		     struct lx_arg *store, const char **skip)
{
	static u8 pattern[MB_RANDOM_PERIOD];

	*skip = NULL;
	switch (sp->k->param) {
	case MB_WS:
		if (sp->ws > env->mem_size) {
			*skip = "no-memory";
			return NULL;
		}
		if (sp->k->id == MBK_CHASE) {
			store->ch.node = mb_chase_init(env->mem, sp->ws, env->seed);
			return &store->ch;
		}
		store->st = (struct mb_stream_arg){ (u64)(uintptr_t)env->mem, sp->stride,
						    sp->ws - 1 };
		return &store->st;
	case MB_PERIOD:
		store->br.period = mb_pattern_init(pattern, sp->pattern, sp->period, env->seed);
		store->br.pattern = (u64)(uintptr_t)pattern;
		return &store->br;
	case MB_DEPTH:
		return mb_chain_entry(sp->depth);
	case MB_NONE:
		break;
	}
	return NULL;
}

static void counter_begin(struct rec *r, const struct suite_spec *sp, const char *event,
			  const char *src)
{
	rec_begin(r, "counter");
	rec_str(r, "bench", sp->name);
	rec_str(r, "event", event);
	rec_str(r, "src", src);
}

static void report_perf(const struct suite_spec *sp, const struct lx_env *env,
			struct lx_result *res)
{
	const struct perf_set *ps = env->ps;

	for (unsigned e = 0; e < ps->n; e++) {
		struct lx_stat *st = &res->ev[e];
		int64_t mm[3];
		uint64_t mag, scaled = 0;
		struct rec r;

		if (ps->reason[e] || !st->runs) {
			counter_begin(&r, sp, ps->name[e], "none");
			rec_str(&r, "reason", ps->reason[e] ? ps->reason[e] :
					      "perf-never-scheduled");
			rec_end(&r);
			continue;
		}
		finish(st, mm);
		/* The total of n2 - n1 differences is signed: noise can make it
		 * negative, and scaling keeps the sign. */
		mag = st->raw < 0 ? -(uint64_t)st->raw : (uint64_t)st->raw;
		perf_scale(mag, st->enabled, st->running, &scaled);
		counter_begin(&r, sp, ps->name[e], "perf");
		rec_s64(&r, "value", mm[1]);
		rec_u64(&r, "type", ps->type[e]);
		rec_hex(&r, "config", ps->config[e]);
		rec_u64(&r, "group", ps->group[e]);
		rec_s64(&r, "min", mm[0]);
		rec_s64(&r, "median", mm[1]);
		rec_s64(&r, "max", mm[2]);
		rec_u64(&r, "runs", st->runs);
		rec_s64(&r, "total", st->raw);
		rec_u64(&r, "enabled", st->enabled);
		rec_u64(&r, "running", st->running);
		rec_s64(&r, "scaled", st->raw < 0 ? -(int64_t)scaled : (int64_t)scaled);
		rec_str(&r, "time_unit", "ns");
		rec_end(&r);
	}
}

static void report_none(const struct suite_spec *sp, const struct lx_env *env)
{
	const char *p = env->events;

	while (*p) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		char name[PERF_NAME_MAX];
		struct rec r;

		if (len && len < sizeof(name)) {
			memcpy(name, p, len);
			name[len] = '\0';
			counter_begin(&r, sp, name, "none");
			rec_str(&r, "reason", env->none_reason);
			rec_end(&r);
		}
		p += len + (e != NULL);
	}
}

void lx_bench(const struct suite_spec *sp, unsigned index, const struct lx_env *env)
{
	static struct lx_result res;
	struct lx_arg store;
	const char *skip;
	const void *arg = lx_setup(sp, env, &store, &skip);
	int64_t mm[3];
	struct rec r;

	rec_begin(&r, "bench");
	rec_str(&r, "name", sp->name);
	rec_str(&r, "suite", sp->suite);
	if (skip) {
		rec_str(&r, "family", sp->k->name);
		rec_str(&r, "skipped", skip);
		rec_u64(&r, "ws", sp->ws);
		rec_u64(&r, "mem", env->mem_size);
		rec_end(&r);
		return;
	}
	run(sp, arg, index, env, &res);
	finish(&res.tsc, mm);
	rec_u64(&r, "reps", env->reps);
	rec_u64(&r, "warmup", env->warmup);
	rec_str(&r, "method", sp->single ? "single" : "difference");
	rec_u64(&r, "n1", sp->n);
	if (!sp->single)
		rec_u64(&r, "n2", 2 * sp->n);
	rec_u64(&r, "iters", sp->n);	/* n2 - n1, or n1 when single */
	rec_u64(&r, "groups", env->mode == LX_PERF ? env->ps->ngroups : 0);
	rec_u64(&r, "runs", res.runs);
	rec_s64(&r, "tsc_min", mm[0]);
	rec_s64(&r, "tsc_median", mm[1]);
	rec_s64(&r, "tsc_max", mm[2]);
	/* Under callgrind the TSC times the JIT, not the kernel. */
	if (env->mode == LX_CALLGRIND)
		rec_str(&r, "timed_under", "callgrind");
	if (env->mode == LX_PERF && env->ps->dropped)
		rec_u64(&r, "events_dropped", env->ps->dropped);
	suite_describe(&r, sp, (u64)(uintptr_t)env->mem, env->page_size, env->seed);
	rec_end(&r);
	if (env->mode == LX_PERF)
		report_perf(sp, env, &res);
	else if (env->mode == LX_NONE)
		report_none(sp, env);
}
