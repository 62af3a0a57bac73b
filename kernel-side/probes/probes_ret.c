/* suite=probes, return probes: N returns of tr_leaf with its return values,
 * nested (tr_mid over tr_leaf) and recursive (tr_recurse) instances in
 * the right order, durations growing outwards. */
#include "lib/fmt.h"
#include "kernel-side/probes/kprobe.h"
#include "lib/libc.h"
#include "kernel-side/probes/probes_suite.h"
#include "lib/check.h"
#include "lib/record.h"
#include "microbench/traced.h"

#define RECURSE_N	3

#define RET_LOG_MAX	8

static struct {
	const char *fn;
	u64 retval, duration;
	unsigned depth;
} ret_log[RET_LOG_MAX];
static unsigned nret_log;
static u64 ret_sum;

static void ret_handler(struct kretprobe *rp, const struct kretprobe_instance *ri, u64 retval)
{
	ret_sum += retval;
	if (nret_log < RET_LOG_MAX) {
		ret_log[nret_log].fn = rp->kp.symbol;
		ret_log[nret_log].retval = retval;
		ret_log[nret_log].duration = ri->exit_tsc - ri->entry_tsc;
		ret_log[nret_log].depth = ri->depth;
		nret_log++;
	}
}

bool ps_reg_ret(const char *name, struct kretprobe *rp)
{
	int err = kretprobe_register(rp);
	char chk[64];
	struct rec r;

	fmt_snprintf(chk, sizeof(chk), "probes.kretprobe.register.%s", name);
	check_begin(&r, chk, err == KPROBE_OK ? CHECK_PASS : CHECK_FAIL);
	rec_str(&r, "err", kprobe_err_name(err));
	rec_end(&r);
	return err == KPROBE_OK;
}

static void log_record(const char *run)
{
	struct rec r;

	for (unsigned i = 0; i < nret_log; i++) {
		rec_begin(&r, "probe_return");
		rec_str(&r, "run", run);
		rec_u64(&r, "i", i);
		rec_str(&r, "sym", ret_log[i].fn);
		rec_u64(&r, "depth", ret_log[i].depth);
		rec_u64(&r, "retval", ret_log[i].retval);
		rec_u64(&r, "ticks", ret_log[i].duration);
		rec_end(&r);
	}
}

u64 ps_run_kretprobes(void)
{
	struct kretprobe leaf = { .kp.symbol = "tr_leaf", .handler = ret_handler };
	struct kretprobe mid = { .kp.symbol = "tr_mid", .handler = ret_handler };
	struct kretprobe rec_ = { .kp.symbol = "tr_recurse", .handler = ret_handler };
	u64 want = 0, got = 0, hits = 0;
	bool ok;

	/* N calls: N returns, each with the function's return value. */
	for (u64 i = 0; i < CALLS_N; i++)
		want += tr_leaf_plain(i);
	if (!ps_reg_ret("tr_leaf", &leaf))
		return 0;
	ret_sum = 0;
	nret_log = 0;
	for (u64 i = 0; i < CALLS_N; i++)
		got += tr_leaf(i);
	hits = leaf.returns;
	check_u64("probes.kretprobe.returns", leaf.returns, CALLS_N);
	check_u64("probes.kretprobe.retval", ret_sum, want);
	check_u64("probes.kretprobe.result", got, want);

	/* Nested: tr_mid's instance under two of tr_leaf's. */
	if (ps_reg_ret("tr_mid", &mid)) {
		nret_log = 0;
		got = tr_mid(5);
		log_record("nested");
		ok = nret_log == 3 && !strcmp(ret_log[0].fn, "tr_leaf") &&
		     !strcmp(ret_log[1].fn, "tr_leaf") && !strcmp(ret_log[2].fn, "tr_mid") &&
		     ret_log[0].depth == 1 && ret_log[2].depth == 0 &&
		     ret_log[0].retval + ret_log[1].retval == 35 &&
		     (ret_log[0].retval == 16 || ret_log[0].retval == 19) &&
		     ret_log[2].retval == 35 && ret_log[2].duration > ret_log[0].duration +
		     ret_log[1].duration;
		check_u64("probes.kretprobe.nested", ok, 1);
		check_u64("probes.kretprobe.nested.result", got, 35);
		kretprobe_unregister(&mid);
	}
	kretprobe_unregister(&leaf);

	/* Recursive: RECURSE_N + 1 instances of one probe, innermost first. */
	if (ps_reg_ret("tr_recurse", &rec_)) {
		nret_log = 0;
		got = tr_recurse(RECURSE_N);
		log_record("recursive");
		ok = nret_log == RECURSE_N + 1;
		for (unsigned i = 0; ok && i < nret_log; i++) {
			ok = ret_log[i].retval == i && ret_log[i].depth == RECURSE_N - i &&
			     (!i || ret_log[i].duration > ret_log[i - 1].duration);
		}
		check_u64("probes.kretprobe.recursive", ok, 1);
		check_u64("probes.kretprobe.recursive.result", got, RECURSE_N);
		kretprobe_unregister(&rec_);
	}
	check_u64("probes.kretprobe.dropped", kretprobe_dropped(), 0);
	return hits;
}

