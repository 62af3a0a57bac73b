/* The tracers (kernel-side/ftrace/ftrace_tracers.c) driven as ftrace_caller and
 * ftrace_return_to_handler drive them, with stack slots of our own and the
 * simulated TSC: the function ring (overwrite and stop), the graph shadow
 * stack (nesting, recursion, an early exit), the profile, and the globs.
 * The patching itself runs in the payload (suite=ftrace, end-to-end). */
#include "kernel-side/ftrace/ftrace.h"
#include "tests/unit/models/tsc_sim.h"
#include "tests/unit/unit.h"

/* A "site" call: what the patched CALL makes the trampoline do. */
static void enter(u64 ip, u64 *slot)
{
	ftrace_entry(ip, slot);
	sim_tsc_advance(10);
}

/* The traced function returning: through the hijacked slot, if any. */
static u64 leave(u64 *slot, u64 ret)
{
	sim_tsc_advance(5);
	if (*slot == (u64)(uintptr_t)ftrace_return_to_handler)
		return ftrace_graph_return(slot);
	return ret;
}

static void test_function_ring(void)
{
	u64 slot = 0x1234;

	ftrace_start(FTRACE_FUNCTION, false);	/* stop when full: the C path */
	for (unsigned i = 0; i < FTRACE_RING_MAX + 3; i++)
		enter(0x1000 + i, &slot);
	CHECK_U64(ftrace_event_count(), FTRACE_RING_MAX);
	CHECK_U64(ftrace_written_count(), FTRACE_RING_MAX + 3);
	CHECK_U64(ftrace_lost_count(), 3);
	CHECK_U64(ftrace_event(0)->ip, 0x1000);		/* the first kept */
	CHECK_U64(ftrace_event(0)->parent, 0x1234);
	CHECK_U64(ftrace_event(1)->ts - ftrace_event(0)->ts, 10);
	CHECK(ftrace_event(FTRACE_RING_MAX) == NULL);
	CHECK_U64(slot, 0x1234);			/* never hijacked */

	/* Overwrite: the newest kept. ftrace_caller's fast path does this in
	 * the payload; here the C path writes the same entries. */
	ftrace_start(FTRACE_FUNCTION, true);
	ftrace_fast = 0;
	for (unsigned i = 0; i < FTRACE_RING_MAX + 3; i++)
		enter(0x1000 + i, &slot);
	CHECK_U64(ftrace_event_count(), FTRACE_RING_MAX);
	CHECK_U64(ftrace_event(0)->ip, 0x1003);
	CHECK_U64(ftrace_event(FTRACE_RING_MAX - 1)->ip, 0x1000 + FTRACE_RING_MAX + 2);
	CHECK_U64(ftrace_lost_count(), 3);
	ftrace_stop();
	enter(0x9999, &slot);
	CHECK_U64(ftrace_written_count(), FTRACE_RING_MAX + 3);	/* stopped: nothing */
}

/* a -> b -> c; a -> c; then r -> r -> r (recursion). */
static void test_graph(void)
{
	u64 sa = 0xa0, sb = 0xb0, sc = 0xc0, sc2 = 0xc1, r[3] = { 1, 2, 3 };

	ftrace_start(FTRACE_GRAPH, true);
	enter(0xa, &sa);
	CHECK_U64(sa, (u64)(uintptr_t)ftrace_return_to_handler);
	enter(0xb, &sb);
	enter(0xc, &sc);
	CHECK_U64(leave(&sc, 0), 0xc0);		/* the real return address back */
	CHECK_U64(leave(&sb, 0), 0xb0);
	enter(0xc, &sc2);
	CHECK_U64(leave(&sc2, 0), 0xc1);
	CHECK_U64(leave(&sa, 0), 0xa0);
	for (int i = 0; i < 3; i++)
		enter(0xe, &r[i]);
	for (int i = 2; i >= 0; i--)
		CHECK_U64(leave(&r[i], 0), (u64)i + 1);

	static const struct { u64 ip; u8 type; u32 depth; } want[] = {
		{ 0xa, FT_ENTRY, 0 }, { 0xb, FT_ENTRY, 1 }, { 0xc, FT_ENTRY, 2 },
		{ 0xc, FT_EXIT, 2 }, { 0xb, FT_EXIT, 1 }, { 0xc, FT_ENTRY, 1 },
		{ 0xc, FT_EXIT, 1 }, { 0xa, FT_EXIT, 0 }, { 0xe, FT_ENTRY, 0 },
		{ 0xe, FT_ENTRY, 1 }, { 0xe, FT_ENTRY, 2 }, { 0xe, FT_EXIT, 2 },
		{ 0xe, FT_EXIT, 1 }, { 0xe, FT_EXIT, 0 },
	};
	CHECK_U64(ftrace_event_count(), sizeof(want) / sizeof(want[0]));
	for (unsigned i = 0; i < ftrace_event_count(); i++) {
		CHECK_U64(ftrace_event(i)->ip, want[i].ip);
		CHECK_U64(ftrace_event(i)->type, want[i].type);
		CHECK_U64(ftrace_event(i)->depth, want[i].depth);
	}
	/* c's duration: entered, 10 ticks in the tracer's clock, left 5 later. */
	CHECK_U64(ftrace_event(3)->duration, 15);
	CHECK_U64(ftrace_graph_skipped(), 0);

	/* An early exit: b never returns through us (a longjmp out of it); a's
	 * return still finds a's frame, b's is dropped and counted. */
	sa = 0xa0;	/* a RET popped the hijacked values; put the callers' back */
	sb = 0xb0;
	ftrace_start(FTRACE_GRAPH, true);
	enter(0xa, &sa);
	enter(0xb, &sb);
	CHECK_U64(leave(&sa, 0), 0xa0);
	CHECK_U64(ftrace_graph_skipped(), 1);
}

static void test_profile(void)
{
	u64 s1 = 1, s2 = 2, s3 = 3;

	ftrace_start(FTRACE_PROFILE, true);
	enter(0xa, &s1);
	enter(0xc, &s2);
	leave(&s2, 0);
	enter(0xc, &s3);
	leave(&s3, 0);
	leave(&s1, 0);
	CHECK_U64(ftrace_event_count(), 0);		/* a profile keeps no events */
	CHECK_U64(ftrace_profile_count(), 2);
	CHECK_U64(ftrace_profile(0)->ip, 0xc);	/* first to return */
	CHECK_U64(ftrace_profile(0)->hits, 2);
	CHECK_U64(ftrace_profile(0)->total, 30);
	CHECK_U64(ftrace_profile(1)->ip, 0xa);
	CHECK_U64(ftrace_profile(1)->hits, 1);
}

static void test_globs(void)
{
	CHECK(ftrace_glob("tr_*", 4, "tr_leaf"));
	CHECK(ftrace_glob("*", 1, ""));
	CHECK(ftrace_glob("tr_?eaf", 7, "tr_leaf"));
	CHECK(!ftrace_glob("tr_?eaf", 7, "tr_leaf_plain"));
	CHECK(ftrace_glob("*_plain", 7, "tr_leaf_plain"));
	CHECK(ftrace_glob("t*f*n", 5, "tr_leaf_plain"));
	CHECK(!ftrace_glob("tr_", 3, "tr_leaf"));
	CHECK(ftrace_match_list("fmt_*,tr_mid", "tr_mid"));
	CHECK(ftrace_match_list("fmt_*,tr_mid", "fmt_snprintf"));
	CHECK(!ftrace_match_list("fmt_*,tr_mid", "tr_top"));
	CHECK(!ftrace_match_list("none", "tr_top"));
	CHECK(!ftrace_match_list("", "tr_top"));
	CHECK(!ftrace_match_list(",,", "tr_top"));
}

int main(void)
{
	test_function_ring();
	test_graph();
	test_profile();
	test_globs();
	return unit_done("ftrace");
}
