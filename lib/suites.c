/* Benchmark suites (suites.h): what quick and full measure, and the
 * benches= syntax. Pure: no hardware, so the config parser can use it. */
#include "lib/fmt.h"
#include "lib/libc.h"
#include "lib/suites.h"

#define KiB		1024ull
#define MiB		(1024 * KiB)
#define WS_MIN		(4 * KiB)
#define WS_MAX		(1024 * MiB)
#define N_LOOPS		10000	/* iterations of the loop-like kernels */
#define N_MIN		4096	/* at least this many loads for memory kernels */
/* A chase visits every line once a cycle whatever it runs for (it goes on
 * where the last call stopped, microbench/kernels.h), so past 16 MiB's worth
 * of loads more only cost time: each is a softmmu TLB miss under TCG, and the
 * sweep to 256 MiB made 48 M of them. */
#define N_CHASE_MAX	(256 * 1024)
#define STREAM_WS	MiB	/* stream:STRIDE without @SIZE */
/* quick's chase sweep ends past the reference model's 8 MiB LL (its
 * Skylake-Client default, host/plugin/reference.c), so a default TCG run
 * crosses both of the model's levels; 16 MiB is also where a chase call
 * reaches N_CHASE_MAX loads. */
#define QUICK_CHASE_MAX	(16 * MiB)

static const u64 quick_strides[] = { 64, 4160 };
static const u64 full_strides[] = { 64, 128, 256, 512, 1024, 2048, 4096, 4160 };
static const u64 quick_periods[] = { 4, 8, 16, 32 };
static const u64 quick_depths[] = { 1, 4, 16 };
static const u64 full_depths[] = { 1, 2, 4, 8, 16 };

static bool pow2(u64 v)
{
	return v && !(v & (v - 1));
}

/* "4KiB", "1MiB", "64B" */
static void size_name(char *buf, size_t size, u64 v)
{
	if (v >= MiB && !(v % MiB))
		fmt_snprintf(buf, size, "%lluMiB", (unsigned long long)(v / MiB));
	else if (v >= KiB && !(v % KiB))
		fmt_snprintf(buf, size, "%lluKiB", (unsigned long long)(v / KiB));
	else
		fmt_snprintf(buf, size, "%lluB", (unsigned long long)v);
}

static void name_spec(struct suite_spec *sp)
{
	const char *k = sp->k->name;
	char b[16];

	switch (sp->k->param) {
	case MB_WS:
		size_name(b, sizeof(b), sp->ws);
		if (sp->k->id == MBK_STREAM)
			fmt_snprintf(sp->name, sizeof(sp->name), "%s-%llu-%s", k,
				     (unsigned long long)sp->stride, b);
		else
			fmt_snprintf(sp->name, sizeof(sp->name), "%s-%s", k, b);
		break;
	case MB_PERIOD:
		if (sp->pattern == MB_PERIOD_K)
			fmt_snprintf(sp->name, sizeof(sp->name), "%s-period-%llu", k,
				     (unsigned long long)sp->period);
		else
			fmt_snprintf(sp->name, sizeof(sp->name), "%s-%s", k,
				     mb_pattern_name(sp->pattern));
		break;
	case MB_DEPTH:
		fmt_snprintf(sp->name, sizeof(sp->name), "%s-%llu", k,
			     (unsigned long long)sp->depth);
		break;
	case MB_NONE:
		fmt_snprintf(sp->name, sizeof(sp->name), "%s", sp->single ? "overhead" : k);
		break;
	}
}

/* Iterations: a memory kernel covers its working set at least once. */
static void size_spec(struct suite_spec *sp)
{
	u64 step = sp->k->id == MBK_STREAM ? sp->stride : 64;

	sp->n = N_LOOPS;
	if (sp->k->param == MB_WS)
		sp->n = sp->ws / step > N_MIN ? sp->ws / step : N_MIN;
	if (sp->k->id == MBK_CHASE && sp->n > N_CHASE_MAX)
		sp->n = N_CHASE_MAX;
	if (sp->single)
		sp->n = 1;
	name_spec(sp);
}

struct planner {
	struct suite_spec *plan;
	unsigned n, max;
	const char *suite;
};

static struct suite_spec *add(struct planner *p, const char *kernel)
{
	struct suite_spec *sp;

	if (p->n == p->max)
		return NULL;
	sp = &p->plan[p->n++];
	*sp = (struct suite_spec){ .suite = p->suite,
				   .k = mb_kernel_find(kernel, strlen(kernel)) };
	return sp;
}

static void done(struct suite_spec *sp)
{
	if (sp)
		size_spec(sp);
}

static void plan_ws(struct planner *p, const char *kernel, u64 ws, u64 stride)
{
	struct suite_spec *sp = add(p, kernel);

	if (sp) {
		sp->ws = ws;
		sp->stride = stride;
	}
	done(sp);
}

static void plan_branch(struct planner *p, enum mb_pattern pat, u64 period)
{
	struct suite_spec *sp = add(p, "branch");

	if (sp) {
		sp->pattern = pat;
		sp->period = period;
	}
	done(sp);
}

static void plan_calls(struct planner *p, u64 depth)
{
	struct suite_spec *sp = add(p, "calls");

	if (sp)
		sp->depth = depth;
	done(sp);
}

/* quick: a few seconds under TCG; full: the sweeps to 256 MiB, period 64. */
static void plan_suite(struct planner *p, bool full)
{
	static const char *const loops[] = { "loop", "nop8", "add-dep", "add-indep" };
	struct suite_spec *sp = add(p, "empty");

	if (sp)
		sp->single = true;
	done(sp);
	for (unsigned i = 0; i < ARRAY_SIZE(loops); i++)
		done(add(p, loops[i]));
	for (u64 ws = WS_MIN; ws <= (full ? 256 * MiB : QUICK_CHASE_MAX); ws *= 2)
		plan_ws(p, "chase", ws, 0);
	for (unsigned i = 0; i < (full ? ARRAY_SIZE(full_strides) : ARRAY_SIZE(quick_strides)); i++)
		plan_ws(p, "stream", full ? 16 * MiB : STREAM_WS,
			full ? full_strides[i] : quick_strides[i]);
	plan_branch(p, MB_ALWAYS, 1);
	plan_branch(p, MB_ALTERNATE, 2);
	if (full) {
		for (u64 k = 3; k <= 64; k++)
			plan_branch(p, MB_PERIOD_K, k);
	} else {
		for (unsigned i = 0; i < ARRAY_SIZE(quick_periods); i++)
			plan_branch(p, MB_PERIOD_K, quick_periods[i]);
	}
	plan_branch(p, MB_RANDOM, MB_RANDOM_PERIOD);
	for (unsigned i = 0; i < (full ? ARRAY_SIZE(full_depths) : ARRAY_SIZE(quick_depths)); i++)
		plan_calls(p, full ? full_depths[i] : quick_depths[i]);
}

unsigned suite_plan(bool quick, bool full, const char *benches, struct suite_spec *plan,
		    unsigned max)
{
	struct planner p = { plan, 0, max, full ? "full" : "quick" };
	const char *s = benches;

	if (quick || full)
		plan_suite(&p, full);
	p.suite = "custom";
	while (*s && p.n < max) {
		const char *e = s;

		while (*e && *e != ',')
			e++;
		/* A bad entry was reported by the config parser already. */
		if (e > s && !suite_parse_bench(s, e - s, &plan[p.n])) {
			plan[p.n].suite = p.suite;
			p.n++;
		}
		s = *e ? e + 1 : e;
	}
	return p.n;
}

u64 suite_memory(const struct suite_spec *plan, unsigned n)
{
	u64 need = 0;

	for (unsigned i = 0; i < n; i++)
		if (plan[i].k->param == MB_WS && plan[i].ws > need)
			need = plan[i].ws;
	return need;
}

/* Decimal with an optional K/KiB, M/MiB or G/GiB. */
static bool parse_size(const char *s, size_t len, u64 *out)
{
	static const struct { const char *unit; u64 mul; } units[] = {
		{ "", 1 }, { "B", 1 }, { "K", KiB }, { "KiB", KiB }, { "M", MiB },
		{ "MiB", MiB }, { "G", 1024 * MiB }, { "GiB", 1024 * MiB },
	};
	u64 v = 0;
	size_t i = 0;

	for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
		if (v > 0xffffffffull)
			return false;
		v = v * 10 + (s[i] - '0');
	}
	if (!i)
		return false;
	for (size_t u = 0; u < ARRAY_SIZE(units); u++) {
		if (strlen(units[u].unit) == len - i && !memcmp(s + i, units[u].unit, len - i)) {
			*out = v * units[u].mul;
			return true;
		}
	}
	return false;
}

static const char *parse_ws(const char *v, size_t len, u64 *ws)
{
	if (!parse_size(v, len, ws))
		return "bad-size";
	if (!pow2(*ws) || *ws < WS_MIN || *ws > WS_MAX)
		return "size-not-power-of-2-4KiB-to-1GiB";
	return NULL;
}

static const char *parse_value(struct suite_spec *sp, const char *v, size_t len)
{
	const char *at, *why;

	switch (sp->k->param) {
	case MB_WS:
		if (sp->k->id != MBK_STREAM)
			return parse_ws(v, len, &sp->ws);
		for (at = v; at < v + len && *at != '@'; at++)
			;
		sp->ws = STREAM_WS;
		if (at < v + len && (why = parse_ws(at + 1, v + len - at - 1, &sp->ws)))
			return why;
		/* A multiple of 8: every 8-byte load stays inside the buffer. */
		if (!parse_size(v, at - v, &sp->stride) || !sp->stride || sp->stride % 8 ||
		    sp->stride >= sp->ws)
			return "bad-stride";
		return NULL;
	case MB_PERIOD:
		for (int p = MB_ALWAYS; p <= MB_RANDOM; p++) {
			if (p != MB_PERIOD_K && strlen(mb_pattern_name(p)) == len &&
			    !memcmp(v, mb_pattern_name(p), len)) {
				sp->pattern = p;
				sp->period = p == MB_ALWAYS ? 1 : p == MB_ALTERNATE ? 2 :
					     MB_RANDOM_PERIOD;
				return NULL;
			}
		}
		sp->pattern = MB_PERIOD_K;
		if (!parse_size(v, len, &sp->period) || sp->period < 1 ||
		    sp->period > MB_RANDOM_PERIOD)
			return "bad-period";
		return NULL;
	case MB_DEPTH:
		if (!parse_size(v, len, &sp->depth) || !mb_depth_ok(sp->depth))
			return "depth-not-1-2-4-8-16";
		return NULL;
	case MB_NONE:
		break;
	}
	return "takes-no-value";
}

const char *suite_parse_bench(const char *s, size_t len, struct suite_spec *sp)
{
	const char *colon = s, *why;

	while (colon < s + len && *colon != ':')
		colon++;
	*sp = (struct suite_spec){ .k = mb_kernel_find(s, colon - s) };
	if (!sp->k)
		return "unknown-kernel";
	if (colon == s + len) {
		if (sp->k->param != MB_NONE)
			return "needs-a-value";
		sp->single = sp->k->id == MBK_EMPTY;
	} else if ((why = parse_value(sp, colon + 1, s + len - colon - 1))) {
		return why;
	}
	size_spec(sp);
	return NULL;
}

bool suite_check_benches(const char *list, char *detail, size_t dlen)
{
	const char *s = list;
	struct suite_spec sp;

	if (!strcmp(list, "none"))
		return true;
	while (*s) {
		const char *e = s, *why;

		while (*e && *e != ',')
			e++;
		why = e > s ? suite_parse_bench(s, e - s, &sp) : "empty-entry";
		if (why) {
			size_t n = fmt_snprintf(detail, dlen, "%s: ", why);

			if (n + (e - s) < dlen) {
				memcpy(detail + n, s, e - s);
				detail[n + (e - s)] = '\0';
			}
			return false;
		}
		s = *e ? e + 1 : e;
	}
	if (!list[0])
		fmt_snprintf(detail, dlen, "expected none or benches, e.g. chase:64KiB,branch:8");
	return list[0] != '\0';
}
