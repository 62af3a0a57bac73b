/* suite=probes, DR0-DR3: an execute breakpoint on tr_leaf, and write and
 * read/write watchpoints of every length on pt_var, each write caught with
 * its writer's RIP; the alignment and length rules refused. */
#include "kernel-side/cpu/debugreg.h"
#include "lib/fmt.h"
#include "kernel-side/probes/kprobe.h"
#include "lib/libc.h"
#include "kernel-side/probes/probes_suite.h"
#include "lib/check.h"
#include "lib/record.h"
#include "lib/symtab.h"
#include "microbench/traced.h"

void pt_write(u64 v);
u64 pt_read(void);
extern volatile u64 pt_var;

#define WATCH_N		100

static u64 watch_bad_rip, watch_rip;

/* Every hit of a watchpoint on pt_var must come from pt_write's store. */
static void watch_handler(struct hw_breakpoint *bp, struct trapframe *tf)
{
	if (tf->rip != watch_rip)
		watch_bad_rip++;
}

static u64 run_dr_exec(void)
{
	struct hw_breakpoint bp = { .addr = (u64)(uintptr_t)tr_leaf, .type = DR_RW_EXECUTE,
				    .len = 1 };
	const char *why;
	u64 want = 0, got = 0;

	for (u64 i = 0; i < CALLS_N; i++)
		want += tr_leaf_plain(i);
	if (dr_install(&bp, &why)) {
		check_fail("probes.dr.exec", "why", why);
		return 0;
	}
	for (u64 i = 0; i < CALLS_N; i++)
		got += tr_leaf(i);
	dr_uninstall(&bp);
	check_u64("probes.dr.exec.hits", bp.hits, CALLS_N);
	check_u64("probes.dr.exec.result", got, want);
	return bp.hits;
}

/* A watch of len bytes at pt_var + off: every store of pt_write hits it,
 * and (read/write) every load of pt_read too. */
static void run_watch(const struct lab *lab, const char *name, enum dr_type type, unsigned len,
		      unsigned off)
{
	struct hw_breakpoint bp = { .addr = (u64)(uintptr_t)&pt_var + off, .type = type,
				    .len = len, .handler = watch_handler };
	u64 writer = 0, fn, size;
	const char *why;
	char chk[64], wsym[96];
	struct rec r;

	kprobe_lookup("pt_write", &fn, &size);
	watch_rip = fn + 7;		/* past the 7-byte mov [rip+d], rdi */
	watch_bad_rip = 0;
	fmt_snprintf(chk, sizeof(chk), "probes.watch.%s", name);
	if (dr_install(&bp, &why)) {
		check_fail(chk, "why", why);
		return;
	}
	for (u64 i = 0; i < WATCH_N; i++) {
		pt_write(i);
		(void)pt_read();
	}
	dr_uninstall(&bp);
	if (!kprobe_insn_before(bp.last_rip, &writer))
		writer = 0;
	symtab_format(writer, lab->image.base, wsym, sizeof(wsym));
	rec_begin(&r, "probe");
	rec_str(&r, "name", name);
	fmt_snprintf(chk, sizeof(chk), "pt_var+0x%x", off);
	rec_str(&r, "target", chk);
	rec_str(&r, "kind", type == DR_RW_WRITE ? "hw-write" : "hw-rw");
	rec_u64(&r, "len", len);
	rec_u64(&r, "hits", bp.hits);
	rec_u64(&r, "calls", WATCH_N);
	rec_str(&r, "writer", type == DR_RW_WRITE ? wsym : "-");
	rec_str(&r, "dr6", dr6_decode(bp.last_dr6, chk, sizeof(chk)));
	rec_end(&r);

	fmt_snprintf(chk, sizeof(chk), "probes.watch.%s.hits", name);
	check_u64(chk, bp.hits, type == DR_RW_WRITE ? WATCH_N : 2 * WATCH_N);
	if (type == DR_RW_WRITE) {
		fmt_snprintf(chk, sizeof(chk), "probes.watch.%s.writer", name);
		check_str(chk, wsym, "pt_write+0x0");
		fmt_snprintf(chk, sizeof(chk), "probes.watch.%s.rip", name);
		check_u64(chk, watch_bad_rip, 0);
	}
}

u64 ps_run_dr(const struct lab *lab)
{
	u64 v = (u64)(uintptr_t)&pt_var;

	check_str("probes.dr.refuse.unaligned", dr_check(v + 1, DR_RW_WRITE, 2), "unaligned");
	check_str("probes.dr.refuse.exec-len", dr_check((u64)(uintptr_t)tr_leaf,
							DR_RW_EXECUTE, 4), "exec-len-not-1");
	check_str("probes.dr.refuse.len", dr_check(v, DR_RW_WRITE, 3), "bad-len");
	u64 hits = run_dr_exec();

	run_watch(lab, "watch-write-8", DR_RW_WRITE, 8, 0);
	run_watch(lab, "watch-write-4", DR_RW_WRITE, 4, 4);
	run_watch(lab, "watch-write-2", DR_RW_WRITE, 2, 6);
	run_watch(lab, "watch-write-1", DR_RW_WRITE, 1, 7);
	run_watch(lab, "watch-rw-8", DR_RW_READ_WRITE, 8, 0);
	check_u64("probes.watch.value", pt_var, WATCH_N - 1);
	return hits;
}

