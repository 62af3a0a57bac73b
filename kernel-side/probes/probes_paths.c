/* suite=probes, the two paths that need no exception: a probe at a
 * function tracer site (a CALL) and a jump-optimized probe (a JMP to a
 * detour). Each must give its handlers the frame the INT3 path gives at the
 * same place, leave the probed function's results as they were, and put its
 * bytes back; the optimizer must refuse where Linux's rules say so, and the
 * probe then stays an INT3 that works. */
#include "kernel-side/cpu/paging.h"
#include "kernel-side/probes/kprobe.h"
#include "kernel-side/probes/probes_suite.h"
#include "lib/check.h"
#include "lib/fmt.h"
#include "lib/libc.h"
#include "lib/record.h"
#include "lib/symtab.h"
#include "microbench/traced.h"

#define VIEW_ARG	41
#define FRAME_ADD	100	/* a pre-handler adds it to RDI */

u64 pt_with_regs(u64 (*fn)(u64), u64 x);
u64 pt_riprel(u64 x);
u64 pt_push(u64 x);
u64 pt_loop(u64 n);
u64 pt_jcc(u64 x);
u64 pt_short(u64 x);
u64 pt_inc(u64 x);

static u64 pre_hits, post_hits;

static void count_pre(struct kprobe *p, struct trapframe *tf)
{
	pre_hits++;
}

static void count_post(struct kprobe *p, struct trapframe *tf)
{
	post_hits++;
}

static void add_rdi(struct kprobe *p, struct trapframe *tf)
{
	tf->rdi += FRAME_ADD;
}

/* What a handler saw: the whole frame and the word at RSP. */
struct view {
	struct trapframe tf;
	u64 top;
};
static struct view seen_pre, seen_post;

static void keep_pre(struct kprobe *p, struct trapframe *tf)
{
	seen_pre.tf = *tf;
	seen_pre.top = *(const u64 *)(uintptr_t)tf->rsp;
}

static void keep_post(struct kprobe *p, struct trapframe *tf)
{
	seen_post.tf = *tf;
	seen_post.top = *(const u64 *)(uintptr_t)tf->rsp;
}

static void hex5(char *buf, size_t size, u64 addr)
{
	const u8 *b = (const u8 *)(uintptr_t)addr;

	fmt_snprintf(buf, size, "%02x%02x%02x%02x%02x", b[0], b[1], b[2], b[3], b[4]);
}

static void path_record(const struct lab *lab, const struct kprobe *p, const char *before,
			const char *armed)
{
	struct rec r;
	char target[96];

	symtab_format(p->addr, lab->image.base, target, sizeof(target));
	rec_begin(&r, "probe_path");
	rec_str(&r, "target", target);
	rec_str(&r, "path", kprobe_path_name(p->path));
	if (p->path != KPROBE_PATH_FTRACE)
		rec_str(&r, "opt", kp_opt_refusal_name(p->opt_refusal));
	if (p->path == KPROBE_PATH_OPTIMIZED)
		rec_u64(&r, "window", p->window);
	rec_str(&r, "before", before);
	rec_str(&r, "armed", armed);
	rec_end(&r);
}

/* The probe p (symbol + offset) registered, checked to take path, and fn
 * called CALLS_N times: every call a hit, the results those of ref, the
 * bytes back after. */
static void run_path(const struct lab *lab, const char *name, struct kprobe *p,
		     enum kprobe_path path, u64 (*fn)(u64), u64 (*ref)(u64))
{
	char chk[64], before[16], armed[16], after[16];
	u64 want = 0, got = 0, addr, size;
	int err;

	fmt_snprintf(chk, sizeof(chk), "probes.%s.register", name);
	if (!kprobe_lookup(p->symbol, &addr, &size)) {
		check_fail(chk, "symbol", p->symbol);
		return;
	}
	for (u64 i = 0; i < CALLS_N; i++)
		want += ref(i);
	hex5(before, sizeof(before), addr + p->offset);
	err = kprobe_register(p);
	if (!check_str(chk, kprobe_err_name(err), "ok"))
		return;
	hex5(armed, sizeof(armed), p->addr);
	fmt_snprintf(chk, sizeof(chk), "probes.%s.path", name);
	check_str(chk, kprobe_path_name(p->path), kprobe_path_name(path));
	path_record(lab, p, before, armed);
	pre_hits = post_hits = 0;
	for (u64 i = 0; i < CALLS_N; i++)
		got += fn(i);
	kprobe_unregister(p);
	hex5(after, sizeof(after), p->addr);
	fmt_snprintf(chk, sizeof(chk), "probes.%s.hits", name);
	check_u64(chk, p->hits, CALLS_N);
	fmt_snprintf(chk, sizeof(chk), "probes.%s.pre", name);
	check_u64(chk, pre_hits, p->pre ? CALLS_N : 0);
	fmt_snprintf(chk, sizeof(chk), "probes.%s.post", name);
	check_u64(chk, post_hits, p->post ? CALLS_N : 0);
	fmt_snprintf(chk, sizeof(chk), "probes.%s.result", name);
	check_u64(chk, got, want);
	fmt_snprintf(chk, sizeof(chk), "probes.%s.restored", name);
	check_str(chk, after, before);
}

/* The frames a probe's handlers see on path, against those an INT3 probe
 * at the same place sees: the same fields, for the same call of fn by
 * pt_with_regs (every register set). The INT3 post-handler's frame is a #DB's
 * (vector 1): the vector is not compared there. */
static const char *const fields[] = {
	"r15", "r14", "r13", "r12", "r11", "r10", "r9", "r8", "rbp", "rdi", "rsi", "rdx",
	"rcx", "rbx", "rax", "vector", "error_code", "rip", "cs", "rflags", "rsp", "ss",
};
_Static_assert(sizeof(struct trapframe) == sizeof(fields) / sizeof(fields[0]) * 8,
	       "a name for each frame field");

static const char *first_difference(const struct view *a, const struct view *b, bool post)
{
	const u64 *x = (const u64 *)&a->tf, *y = (const u64 *)&b->tf;

	for (unsigned i = 0; i < ARRAY_SIZE(fields); i++)
		if (x[i] != y[i] && !(post && !strcmp(fields[i], "vector")))
			return fields[i];
	return a->top == b->top ? "none" : "top-of-stack";
}

/* One call with p in; *path as registered. */
static bool take_views(struct kprobe *p, bool with_post, struct view *pre, struct view *post,
		       enum kprobe_path *path, u64 *result)
{
	seen_pre = seen_post = (struct view){ { 0 }, 0 };
	p->pre = keep_pre;
	p->post = with_post ? keep_post : NULL;
	if (kprobe_register(p) != KPROBE_OK)
		return false;
	*path = p->path;
	*result = pt_with_regs(tr_leaf, VIEW_ARG);
	kprobe_unregister(p);
	*pre = seen_pre;
	*post = seen_post;
	return true;
}

static void compare_views(const char *name, struct kprobe *int3, struct kprobe *fast,
			  enum kprobe_path want, bool with_post)
{
	struct view ipre, ipost, fpre, fpost;
	enum kprobe_path ipath, fpath;
	u64 iresult, fresult;
	char chk[64];

	fmt_snprintf(chk, sizeof(chk), "probes.view.%s", name);
	if (!take_views(int3, with_post, &ipre, &ipost, &ipath, &iresult) ||
	    !take_views(fast, with_post, &fpre, &fpost, &fpath, &fresult)) {
		check_fail(chk, "register", "refused");
		return;
	}
	fmt_snprintf(chk, sizeof(chk), "probes.view.%s.path", name);
	check_str(chk, kprobe_path_name(fpath), kprobe_path_name(want));
	fmt_snprintf(chk, sizeof(chk), "probes.view.%s.rip", name);
	check_u64(chk, fpre.tf.rip, fast->addr);
	fmt_snprintf(chk, sizeof(chk), "probes.view.%s.pre", name);
	check_str(chk, first_difference(&fpre, &ipre, false), "none");
	if (with_post) {
		fmt_snprintf(chk, sizeof(chk), "probes.view.%s.post-rip", name);
		check_u64(chk, fpost.tf.rip, fast->addr + fast->insn.len);
		fmt_snprintf(chk, sizeof(chk), "probes.view.%s.post", name);
		check_str(chk, first_difference(&fpost, &ipost, true), "none");
	}
	/* The function still returns what it computes, on both paths. */
	fmt_snprintf(chk, sizeof(chk), "probes.view.%s.result", name);
	check_u64(chk, fresult, tr_leaf_plain(VIEW_ARG));
	fmt_snprintf(chk, sizeof(chk), "probes.view.%s.int3-result", name);
	check_u64(chk, iresult, tr_leaf_plain(VIEW_ARG));
}

/* A pre-handler's write to RDI reaches the function on every path:
 * tr_leaf(5) computes from 105. */
static void frame_write(const char *name, struct kprobe *p, enum kprobe_path want)
{
	char chk[64];
	enum kprobe_path path;
	u64 got;

	p->pre = add_rdi;
	fmt_snprintf(chk, sizeof(chk), "probes.frame-write.%s", name);
	if (kprobe_register(p) != KPROBE_OK) {
		check_fail(chk, "register", "refused");
		return;
	}
	path = p->path;
	got = tr_leaf(5);
	kprobe_unregister(p);
	check_u64(chk, got, tr_leaf_plain(5 + FRAME_ADD));
	fmt_snprintf(chk, sizeof(chk), "probes.frame-write.%s.path", name);
	check_str(chk, kprobe_path_name(path), kprobe_path_name(want));
}

/* Where the optimizer must say no, by Linux's rules; each probe stays an
 * INT3 probe and is hit once a call. */
struct refusal {
	const char *symbol;
	u64 offset;
	bool post;
	enum kp_opt_refusal why;
	u64 (*fn)(u64);
};

static const struct refusal refusals[] = {
	{ "pt_loop", 3, false, KP_OPT_R_JUMP_INTO, pt_loop },	/* loop lands on +5 */
	{ "pt_jcc", 0, false, KP_OPT_R_BRANCH, pt_jcc },	/* cmp, then jb */
	{ "pt_short", 0, false, KP_OPT_R_SHORT, pt_short },	/* 4 bytes long */
	{ "tr_leaf", 5, true, KP_OPT_R_POST, tr_leaf },
	{ "pt_push", 0, false, KP_OPT_R_INT3, pt_push },	/* a probe at +6 */
};

static void run_refusal(const struct lab *lab, const struct refusal *t)
{
	struct kprobe p = { .symbol = t->symbol, .offset = t->offset, .pre = count_pre,
			    .post = t->post ? count_post : NULL };
	struct kprobe other = { .symbol = "pt_push", .offset = 6, .int3 = true };
	char chk[64], name[48], before[16], armed[16];
	u64 want = 0, got = 0, addr, size;
	bool with_other = t->why == KP_OPT_R_INT3;

	fmt_snprintf(name, sizeof(name), "%s+%llu", t->symbol, (unsigned long long)t->offset);
	fmt_snprintf(chk, sizeof(chk), "probes.opt-refuse.%s", name);
	if (!kprobe_lookup(t->symbol, &addr, &size) ||
	    (with_other && kprobe_register(&other) != KPROBE_OK)) {
		check_fail(chk, "register", "refused");
		return;
	}
	for (u64 i = 1; i <= 16; i++)
		want += t->fn(i);
	hex5(before, sizeof(before), addr + t->offset);
	if (kprobe_register(&p) != KPROBE_OK) {
		check_fail(chk, "register", "refused");
	} else {
		hex5(armed, sizeof(armed), p.addr);
		path_record(lab, &p, before, armed);
		for (u64 i = 1; i <= 16; i++)
			got += t->fn(i);
		kprobe_unregister(&p);
		check_str(chk, kp_opt_refusal_name(p.opt_refusal), kp_opt_refusal_name(t->why));
		fmt_snprintf(chk, sizeof(chk), "probes.opt-refuse.%s.int3-hits", name);
		check_u64(chk, p.hits, 16);
		fmt_snprintf(chk, sizeof(chk), "probes.opt-refuse.%s.result", name);
		check_u64(chk, got, want);
	}
	if (with_other)
		kprobe_unregister(&other);
}

/* The JMP goes in with the INT3 protocol; a CPU that runs the site while
 * its INT3 is in must go where the JMP goes, as Linux's poke_int3_handler
 * emulates the new instruction -- going past the site would skip the
 * instructions the JMP stands for. A JMP from tr_leaf to pt_inc, hit
 * between the steps: tr_leaf(5) is then pt_inc(5). */
static void int3_mid_jump(void)
{
	struct poke jmp = { .addr = (u8 *)tr_leaf };
	u8 before[POKE_LEN];

	memcpy(before, jmp.addr, POKE_LEN);
	kp_rel32(0xe9, (u64)(uintptr_t)tr_leaf, (u64)(uintptr_t)pt_inc, jmp.insn);
	text_poke_arm(&jmp, 1);
	check_u64("probes.opt.int3-mid-jump", tr_leaf(5), pt_inc(5));
	text_poke_finish(&jmp, 1);
	memcpy(jmp.insn, before, POKE_LEN);
	text_poke_batch(&jmp, 1);
}

/* The detour buffers run code: they must be executable where the firmware
 * mapped them (in .text, as the probed code is); writes go through
 * text_poke(), which does not need them writable. */
static void detour_mapping(void)
{
	struct paging_map m;
	u64 addr, size;
	struct rec r;

	if (!kprobe_lookup("kprobe_detours", &addr, &size)) {
		check_fail("probes.opt.detour-executable", "symbol", "kprobe_detours");
		return;
	}
	paging_lookup(addr, &m);
	rec_begin(&r, "probe_text");
	rec_hex(&r, "addr", addr);
	rec_u64(&r, "page_size", m.size);
	rec_u64(&r, "writable", m.writable);
	rec_u64(&r, "executable", m.executable);
	rec_str(&r, "what", "detours");
	rec_end(&r);
	check_u64("probes.opt.detour-executable", m.executable, 1);
}

static u64 riprel_ref(u64 x)
{
	return x + 1000;	/* pt_const */
}

void ps_run_paths(const struct lab *lab, u64 *ftrace_hits, u64 *opt_hits)
{
	struct kprobe ftrace = { .symbol = "tr_leaf", .pre = count_pre, .post = count_post };
	struct kprobe opt = { .symbol = "tr_leaf", .offset = 5, .pre = count_pre };
	struct kprobe riprel = { .symbol = "pt_riprel", .pre = count_pre };
	struct kprobe push = { .symbol = "pt_push", .pre = count_pre };
	struct kprobe int3_0 = { .symbol = "tr_leaf", .int3 = true };
	struct kprobe int3_5 = { .symbol = "tr_leaf", .offset = 5, .int3 = true };
	struct kprobe fast_0 = { .symbol = "tr_leaf" }, fast_5 = { .symbol = "tr_leaf", .offset = 5 };

	detour_mapping();
	run_path(lab, "ftrace.tr_leaf", &ftrace, KPROBE_PATH_FTRACE, tr_leaf, tr_leaf_plain);
	run_path(lab, "opt.tr_leaf+5", &opt, KPROBE_PATH_OPTIMIZED, tr_leaf, tr_leaf_plain);
	*ftrace_hits = ftrace.hits;
	*opt_hits = opt.hits;
	run_path(lab, "opt.pt_riprel", &riprel, KPROBE_PATH_OPTIMIZED, pt_riprel, riprel_ref);
	run_path(lab, "opt.pt_push", &push, KPROBE_PATH_OPTIMIZED, pt_push, riprel_ref);
	compare_views("ftrace", &int3_0, &fast_0, KPROBE_PATH_FTRACE, true);
	compare_views("optimized", &int3_5, &fast_5, KPROBE_PATH_OPTIMIZED, false);
	fast_0 = (struct kprobe){ .symbol = "tr_leaf" };
	fast_5 = (struct kprobe){ .symbol = "tr_leaf", .offset = 5 };
	frame_write("ftrace", &fast_0, KPROBE_PATH_FTRACE);
	frame_write("optimized", &fast_5, KPROBE_PATH_OPTIMIZED);
	for (unsigned i = 0; i < ARRAY_SIZE(refusals); i++)
		run_refusal(lab, &refusals[i]);
	int3_mid_jump();
}
