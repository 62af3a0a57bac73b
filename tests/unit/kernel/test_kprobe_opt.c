/* The jump optimizer's rules (kernel-side/probes/kprobe_opt.c) on hand-made
 * functions: Linux's optprobe safety rules each refuse on a function built
 * to break it, and a function that breaks none gets a detour buffer whose
 * bytes are checked one by one. */
#include "kernel-side/probes/kprobe_opt.h"
#include "lib/insn.h"
#include "tests/unit/unit.h"

#define FN	0x400000ull	/* where the hand-made functions "live" */
#define DETOUR	0x401000ull
#define CALLER	0x402000ull

static enum kp_opt_refusal prep(const u8 *fn, u64 len, u64 off, u8 *buf, unsigned *window)
{
	return kp_opt_prepare(fn, FN, len, FN + off, fn[off], DETOUR, CALLER, buf, window);
}

static const char *why(const u8 *fn, u64 len, u64 off)
{
	u8 buf[KP_DETOUR_SIZE];
	unsigned window;

	return kp_opt_refusal_name(prep(fn, len, off, buf, &window));
}

static s32 rel32_at(const u8 *b)
{
	s32 v;

	memcpy(&v, b, sizeof(v));
	return v;
}

/* mov rax, rdi; add rax, 1; ret -- with the probe's INT3 on its first
 * byte: the detour is CALL caller, both instructions, JMP to +7. */
static void test_good(void)
{
	u8 fn[] = { 0xcc, 0x89, 0xf8, 0x48, 0x83, 0xc0, 0x01, 0xc3 };
	u8 buf[KP_DETOUR_SIZE];
	unsigned window = 0;

	CHECK_U64(kp_opt_prepare(fn, FN, sizeof(fn), FN, 0x48, DETOUR, CALLER, buf, &window),
		  KP_OPT_OK);
	CHECK_U64(window, 7);
	CHECK_U64(buf[0], 0xe8);
	CHECK_U64((u64)(s64)rel32_at(buf + 1), CALLER - (DETOUR + 5));
	/* The original first byte, not the INT3 standing for it. */
	CHECK(!memcmp(buf + 5, "\x48\x89\xf8\x48\x83\xc0\x01", 7));
	CHECK_U64(buf[12], 0xe9);
	CHECK_U64(DETOUR + 17 + (u64)(s64)rel32_at(buf + 13), FN + 7);
	for (unsigned i = 17; i < KP_DETOUR_SIZE; i++)
		CHECK_U64(buf[i], 0xcc);
	/* INT3 padding after the function is not a probe. */
	{
		u8 pad[] = { 0x48, 0x89, 0xf8, 0x48, 0x83, 0xc0, 0x01, 0xc3, 0xcc, 0xcc, 0xcc };

		CHECK_STR(why(pad, sizeof(pad), 0), "ok");
	}
}

/* mov rax, [rip+0x100]; ret: the copy names the same byte from the detour,
 * and a detour 4 GiB away cannot. */
static void test_rip_relative(void)
{
	static const u8 fn[] = { 0x48, 0x8b, 0x05, 0x00, 0x01, 0x00, 0x00, 0xc3 };
	u8 buf[KP_DETOUR_SIZE];
	unsigned window;

	CHECK_U64(prep(fn, sizeof(fn), 0, buf, &window), KP_OPT_OK);
	CHECK_U64(window, 7);
	CHECK(!memcmp(buf + 5, fn, 3));
	CHECK_U64(DETOUR + 5 + 7 + (u64)(s64)rel32_at(buf + 8), FN + 7 + 0x100);
	CHECK_U64(kp_opt_prepare(fn, FN, sizeof(fn), FN, fn[0], FN + 0x100000000ull, CALLER, buf,
				 &window), KP_OPT_R_RANGE);
}

/* xor eax, eax; inc rax; loop -> inc rax; ret: the loop lands inside the 5
 * bytes a JMP at +0 covers. Landing on the probe itself is fine. */
static void test_jump_into(void)
{
	static const u8 in[] = { 0x31, 0xc0, 0x48, 0xff, 0xc0, 0xe2, 0xfb, 0xc3 };
	static const u8 start[] = { 0x31, 0xc0, 0x48, 0xff, 0xc0, 0xe2, 0xf9, 0xc3 };
	/* jmp +0 at the end, a call into the window before it */
	static const u8 call[] = { 0x31, 0xc0, 0x48, 0xff, 0xc0, 0xe8, 0xf8, 0xff, 0xff, 0xff,
				   0xc3 };

	CHECK_STR(why(in, sizeof(in), 0), "jump-into-window");
	CHECK_STR(why(start, sizeof(start), 0), "ok");
	CHECK_STR(why(call, sizeof(call), 0), "jump-into-window");
}

static void test_short(void)
{
	static const u8 fn[] = { 0x48, 0x89, 0xf8, 0xc3 };	/* mov rax, rdi; ret */

	CHECK_STR(why(fn, sizeof(fn), 0), "short-function");
	/* Five bytes from +1 of a longer one are enough. */
	{
		static const u8 ok[] = { 0x90, 0x48, 0x89, 0xf8, 0x48, 0xff, 0xc0, 0xc3 };

		CHECK_STR(why(ok, sizeof(ok), 1), "ok");
		CHECK_STR(why(ok, sizeof(ok), 4), "short-function");
	}
}

/* 06 (push es) does not exist in 64-bit mode: a function holding it cannot
 * be shown free of jumps into the window. */
static void test_unknown(void)
{
	static const u8 fn[] = { 0x48, 0x89, 0xf8, 0x48, 0x83, 0xc0, 0x01, 0xc3, 0x06 };
	struct insn in;

	CHECK(insn_decode(&in, fn + 8, 1) < 0);
	CHECK_STR(why(fn, sizeof(fn), 0), "unknown-insn");
}

static void test_other_rules(void)
{
	/* An INT3 that is not padding: another probe, or a debugger's. */
	static const u8 int3[] = { 0x48, 0x89, 0xf8, 0x48, 0x83, 0xc0, 0x01, 0xcc, 0xc3 };
	/* jmp rax: a jump table could land anywhere. */
	static const u8 ind[] = { 0x48, 0x89, 0xf8, 0x48, 0x83, 0xc0, 0x01, 0xff, 0xe0 };
	/* mov rax, rdi; jmp +0; ret: a branch would need its rel fixed. */
	static const u8 branch[] = { 0x48, 0x89, 0xf8, 0xeb, 0x00, 0xc3, 0x90, 0x90 };

	/* Another probe's INT3 among the bytes the JMP would cover. */
	static const u8 inside[] = { 0x48, 0x89, 0xf8, 0xcc, 0x83, 0xc0, 0x01, 0xc3 };

	CHECK_STR(why(int3, sizeof(int3), 0), "int3-in-function");
	CHECK_STR(why(inside, sizeof(inside), 0), "int3-in-function");
	CHECK_STR(why(ind, sizeof(ind), 0), "indirect-jump");
	CHECK_STR(why(branch, sizeof(branch), 0), "branch-in-window");
}

static void test_rel32(void)
{
	u8 b[KP_JMP_LEN];

	CHECK(kp_rel32(0xe9, 0x1000, 0x2000, b));
	CHECK_U64(b[0], 0xe9);
	CHECK_U64((u64)(s64)rel32_at(b + 1), 0x2000 - 0x1005);
	CHECK(!kp_rel32(0xe9, 0x1000, 0x1000 + 0x80000005ull, b));
	CHECK(kp_rel32(0xe8, 0x1000, 0x1000 + 0x80000004ull, b));
}

int main(void)
{
	test_good();
	test_rip_relative();
	test_jump_into();
	test_short();
	test_unknown();
	test_other_rules();
	test_rel32();
	return unit_done("kprobe_opt");
}
