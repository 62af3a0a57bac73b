/* The probe engine's pure logic (kernel-side/probes/kprobe_insn.c) on hand-built
 * instructions and frames, and the debug-register driver
 * (kernel-side/cpu/debugreg.c) against the simulated DRs: DR7 encodings from
 * SDM Vol3B Figure 18-1, alignment rules, DR6 decoding, RF on resume. */
#include "kernel-side/cpu/debugreg.h"
#include "tests/unit/models/hw_sim.h"
#include "kernel-side/probes/kprobe_insn.h"
#include "tests/unit/unit.h"

#define CF 0x1
#define PF 0x4
#define ZF 0x40
#define SF 0x80
#define OF 0x800

static struct insn mk(u8 len, u8 opcode, enum insn_flow flow, s32 rel)
{
	struct insn in;

	memset(&in, 0, sizeof(in));
	in.len = len;
	in.opcode = opcode;
	in.flow = flow;
	in.rel = rel;
	in.map = INSN_MAP_1BYTE;
	return in;
}

static void test_fix_disp(void)
{
	s32 out;

	/* Moving 0x1000 bytes down adds 0x1000 to the displacement. */
	CHECK(kp_fix_disp(0x10, 0x401000, 0x400000, &out));
	CHECK_U64((u64)(s64)out, 0x1010);
	CHECK(kp_fix_disp(-0x20, 0x400000, 0x401000, &out));
	CHECK_U64((u64)(s64)out, (u64)(s64)-0x1020);
	/* The same byte: addr + len + disp == slot + len + out. */
	CHECK(kp_fix_disp(0x7ffffff0, 0x1000, 0x1010, &out));
	CHECK_U64(0x1000 + 7 + 0x7ffffff0ull, 0x1010 + 7 + (u64)(s64)out);
	/* Past +-2 GiB it cannot be expressed. */
	CHECK(!kp_fix_disp(0x7ffffff0, 0x100000000ull, 0x1000, &out));
	CHECK(!kp_fix_disp(INT32_MIN, 0x1000, 0x100001000ull, &out));
}

static void test_prepare_riprel(void)
{
	/* mov rax, [rip+0x100] at 0x2000, slot at 0x1000 */
	static const u8 code[] = { 0x48, 0x8b, 0x05, 0x00, 0x01, 0x00, 0x00 };
	struct insn in = mk(7, 0x8b, FLOW_NONE, 0);
	u8 slot[KP_SLOT_SIZE];
	enum kp_action act;
	s32 disp;

	in.has_modrm = true;
	in.modrm = 0x05;
	in.modrm_off = 2;
	in.disp_size = 4;
	in.disp_off = 3;
	in.disp = 0x100;
	in.rip_relative = true;
	CHECK_U64(kp_prepare(&in, code, 0x2000, 0x1000, slot, &act), KP_OK);
	CHECK_U64(act, KP_STEP);
	CHECK(!memcmp(slot, code, 3));
	memcpy(&disp, slot + 3, 4);
	CHECK_U64((u64)(s64)disp, 0x1100);
	for (unsigned i = 7; i < KP_SLOT_SIZE; i++)
		CHECK_U64(slot[i], 0xcc);
	/* Too far to reach from the slot: refused, not corrupted. */
	CHECK_U64(kp_prepare(&in, code, 0x180000000ull, 0x1000, slot, &act), KP_R_DISP_RANGE);
	CHECK_U64(act, KP_REFUSE);
}

static void test_prepare_kinds(void)
{
	static const u8 code[16];
	u8 slot[KP_SLOT_SIZE];
	enum kp_action act;
	struct insn in;

	in = mk(5, 0xe8, FLOW_CALL_REL, 0x10);
	CHECK_U64(kp_prepare(&in, code, 0x2000, 0x1000, slot, &act), KP_OK);
	CHECK_U64(act, KP_EMU_CALL);
	in.opsize = true;
	CHECK_U64(kp_prepare(&in, code, 0x2000, 0x1000, slot, &act), KP_R_PREFIX);

	in = mk(2, 0x72, FLOW_JCC_REL, 6);
	CHECK_U64(kp_prepare(&in, code, 0x2000, 0x1000, slot, &act), KP_OK);
	CHECK_U64(act, KP_EMU_JCC);
	in = mk(2, 0xe2, FLOW_LOOP_REL, -5);
	CHECK_U64(kp_prepare(&in, code, 0x2000, 0x1000, slot, &act), KP_OK);
	CHECK_U64(act, KP_EMU_LOOP);
	in.addrsize = true;
	CHECK_U64(kp_prepare(&in, code, 0x2000, 0x1000, slot, &act), KP_R_PREFIX);
	in = mk(1, 0xc3, FLOW_RET, 0);
	CHECK_U64(kp_prepare(&in, code, 0x2000, 0x1000, slot, &act), KP_OK);
	CHECK_U64(act, KP_EMU_RET);
	in = mk(1, 0xcb, FLOW_RET, 0);		/* far ret */
	CHECK_U64(kp_prepare(&in, code, 0x2000, 0x1000, slot, &act), KP_R_FLOW);

	in = mk(2, 0xff, FLOW_CALL_IND, 0);	/* call rax: ff d0, /2 */
	in.has_modrm = true;
	in.modrm = 0xd0;
	CHECK_U64(kp_prepare(&in, code, 0x2000, 0x1000, slot, &act), KP_OK);
	CHECK_U64(act, KP_STEP_ABS_CALL);
	in.modrm = 0x18;			/* call far [rax]: /3 */
	CHECK_U64(kp_prepare(&in, code, 0x2000, 0x1000, slot, &act), KP_R_FLOW);
	in = mk(2, 0xff, FLOW_JMP_IND, 0);	/* jmp rax: ff e0, /4 */
	in.has_modrm = true;
	in.modrm = 0xe0;
	CHECK_U64(kp_prepare(&in, code, 0x2000, 0x1000, slot, &act), KP_OK);
	CHECK_U64(act, KP_STEP_ABS);
	in.modrm = 0x28;			/* jmp far [rax]: /5 */
	CHECK_U64(kp_prepare(&in, code, 0x2000, 0x1000, slot, &act), KP_R_FLOW);

	in = mk(1, 0x9c, FLOW_NONE, 0);		/* pushf */
	CHECK_U64(kp_prepare(&in, code, 0x2000, 0x1000, slot, &act), KP_R_FLAGS);
	in = mk(1, 0xfa, FLOW_NONE, 0);		/* cli */
	CHECK_U64(kp_prepare(&in, code, 0x2000, 0x1000, slot, &act), KP_R_FLAGS);
	in = mk(2, 0x8e, FLOW_NONE, 0);		/* mov ss, ax */
	CHECK_U64(kp_prepare(&in, code, 0x2000, 0x1000, slot, &act), KP_R_MOV_SS);
	in = mk(1, 0xcc, FLOW_INT, 0);
	CHECK_U64(kp_prepare(&in, code, 0x2000, 0x1000, slot, &act), KP_R_FLOW);
	in = mk(1, 0xcf, FLOW_IRET, 0);
	CHECK_U64(kp_prepare(&in, code, 0x2000, 0x1000, slot, &act), KP_R_FLOW);
	in = mk(2, 0x05, FLOW_SYSCALL, 0);
	CHECK_U64(kp_prepare(&in, code, 0x2000, 0x1000, slot, &act), KP_R_FLOW);
	/* 0f 9c is setl, not pushf: only the one-byte map is refused. */
	in = mk(3, 0x9c, FLOW_NONE, 0);
	in.map = INSN_MAP_0F;
	CHECK_U64(kp_prepare(&in, code, 0x2000, 0x1000, slot, &act), KP_OK);
	CHECK_U64(act, KP_STEP);
}

static void test_cond(void)
{
	/* Each condition true and false, then its negation (SDM Vol2 B.1.4.7). */
	static const struct { unsigned cc; u64 yes, no; } t[] = {
		{ 0x0, OF, 0 }, { 0x2, CF, 0 }, { 0x4, ZF, 0 }, { 0x6, CF, 0 },
		{ 0x6, ZF, 0 }, { 0x8, SF, 0 }, { 0xa, PF, 0 }, { 0xc, SF, SF | OF },
		{ 0xc, OF, 0 }, { 0xe, ZF, SF | OF }, { 0xe, SF, 0 },
	};

	for (unsigned i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		CHECK(kp_cond(t[i].cc, t[i].yes));
		CHECK(!kp_cond(t[i].cc, t[i].no));
		CHECK(!kp_cond(t[i].cc | 1, t[i].yes));
		CHECK(kp_cond(t[i].cc | 1, t[i].no));
	}
}

static void test_emulate(void)
{
	u64 stack[8] = { 0 };
	struct trapframe tf;
	struct insn in;

	/* call rel32 at 0x2000 to 0x2105: return address pushed. */
	memset(&tf, 0, sizeof(tf));
	tf.rsp = (u64)(uintptr_t)&stack[4];
	in = mk(5, 0xe8, FLOW_CALL_REL, 0x100);
	kp_emulate(&in, KP_EMU_CALL, 0x2000, &tf);
	CHECK_U64(tf.rip, 0x2105);
	CHECK_U64(tf.rsp, (u64)(uintptr_t)&stack[3]);
	CHECK_U64(stack[3], 0x2005);

	/* ret pops it; ret 16 pops 16 bytes more. */
	in = mk(1, 0xc3, FLOW_RET, 0);
	kp_emulate(&in, KP_EMU_RET, 0x3000, &tf);
	CHECK_U64(tf.rip, 0x2005);
	CHECK_U64(tf.rsp, (u64)(uintptr_t)&stack[4]);
	stack[4] = 0x4444;
	in = mk(3, 0xc2, FLOW_RET, 0);
	in.imm = 16;
	kp_emulate(&in, KP_EMU_RET, 0x3000, &tf);
	CHECK_U64(tf.rip, 0x4444);
	CHECK_U64(tf.rsp, (u64)(uintptr_t)&stack[7]);

	/* jb rel8 -6 at 0x2000: taken with CF, else falls through. */
	in = mk(2, 0x72, FLOW_JCC_REL, -6);
	tf.rflags = CF;
	kp_emulate(&in, KP_EMU_JCC, 0x2000, &tf);
	CHECK_U64(tf.rip, 0x1ffc);
	tf.rflags = 0;
	kp_emulate(&in, KP_EMU_JCC, 0x2000, &tf);
	CHECK_U64(tf.rip, 0x2002);
	/* 0f 82 (jb rel32): the condition is the opcode's low nibble too. */
	in = mk(6, 0x82, FLOW_JCC_REL, 0x40);
	in.map = INSN_MAP_0F;
	tf.rflags = CF;
	kp_emulate(&in, KP_EMU_JCC, 0x2000, &tf);
	CHECK_U64(tf.rip, 0x2046);

	/* jmp rel32 */
	in = mk(5, 0xe9, FLOW_JMP_REL, -0x10);
	kp_emulate(&in, KP_EMU_JMP, 0x2000, &tf);
	CHECK_U64(tf.rip, 0x1ff5);

	/* loop: RCX counts down; the last iteration falls through. */
	in = mk(2, 0xe2, FLOW_LOOP_REL, -5);
	tf.rcx = 2;
	kp_emulate(&in, KP_EMU_LOOP, 0x2000, &tf);
	CHECK_U64(tf.rcx, 1);
	CHECK_U64(tf.rip, 0x1ffd);
	kp_emulate(&in, KP_EMU_LOOP, 0x2000, &tf);
	CHECK_U64(tf.rcx, 0);
	CHECK_U64(tf.rip, 0x2002);
	/* loope stops when ZF is clear, loopne when it is set. */
	in.opcode = 0xe1;
	tf.rcx = 5;
	tf.rflags = 0;
	kp_emulate(&in, KP_EMU_LOOP, 0x2000, &tf);
	CHECK_U64(tf.rip, 0x2002);
	in.opcode = 0xe0;
	tf.rflags = ZF;
	kp_emulate(&in, KP_EMU_LOOP, 0x2000, &tf);
	CHECK_U64(tf.rip, 0x2002);
	CHECK_U64(tf.rcx, 3);
	/* jrcxz tests RCX without changing it. */
	in.opcode = 0xe3;
	tf.rcx = 0;
	kp_emulate(&in, KP_EMU_LOOP, 0x2000, &tf);
	CHECK_U64(tf.rip, 0x1ffd);
	CHECK_U64(tf.rcx, 0);
}

static void test_fixup_step(void)
{
	u64 stack[2] = { 0x1007, 0 };
	struct trapframe tf;
	struct insn in = mk(7, 0x8b, FLOW_NONE, 0);

	/* Stepped at slot 0x1000: RIP past it becomes past the original. */
	memset(&tf, 0, sizeof(tf));
	tf.rip = 0x1007;
	kp_fixup_step(&in, KP_STEP, 0x5000, 0x1000, &tf);
	CHECK_U64(tf.rip, 0x5007);
	/* call rax in the slot: RIP is the callee, the return address is
	 * made to point past the original. */
	in = mk(2, 0xff, FLOW_CALL_IND, 0);
	tf.rip = 0x9000;
	tf.rsp = (u64)(uintptr_t)stack;
	stack[0] = 0x1002;
	kp_fixup_step(&in, KP_STEP_ABS_CALL, 0x5000, 0x1000, &tf);
	CHECK_U64(tf.rip, 0x9000);
	CHECK_U64(stack[0], 0x5002);
	/* jmp rax: nothing to fix. */
	tf.rip = 0x9000;
	kp_fixup_step(&in, KP_STEP_ABS, 0x5000, 0x1000, &tf);
	CHECK_U64(tf.rip, 0x9000);
}

/* The decoder's view of real encodings (those of
 * microbench/probe_targets.asm and a few refused ones) decides the action. */
static void test_real_encodings(void)
{
	static const struct {
		u8 len, bytes[8];
		enum kp_action act;
		enum kp_refusal why;
	} t[] = {
		{ 7, { 0x48, 0x8b, 0x05, 0x10, 0, 0, 0 }, KP_STEP, KP_OK },	/* mov rax,[rip+16] */
		{ 6, { 0xff, 0x35, 0x10, 0, 0, 0 }, KP_STEP, KP_OK },		/* push [rip+16] */
		{ 5, { 0x0f, 0x1f, 0x44, 0x00, 0x00 }, KP_STEP, KP_OK },	/* nopl */
		{ 5, { 0xe8, 0x04, 0, 0, 0 }, KP_EMU_CALL, KP_OK },
		{ 1, { 0xc3 }, KP_EMU_RET, KP_OK },
		{ 2, { 0x72, 0x06 }, KP_EMU_JCC, KP_OK },
		{ 6, { 0x0f, 0x84, 0x10, 0, 0, 0 }, KP_EMU_JCC, KP_OK },	/* je rel32 */
		{ 2, { 0xeb, 0xfe }, KP_EMU_JMP, KP_OK },
		{ 2, { 0xe2, 0xfb }, KP_EMU_LOOP, KP_OK },
		{ 2, { 0xff, 0xd0 }, KP_STEP_ABS_CALL, KP_OK },		/* call rax */
		{ 6, { 0xff, 0x25, 0x10, 0, 0, 0 }, KP_STEP_ABS, KP_OK },	/* jmp [rip+16] */
		{ 2, { 0xff, 0x28 }, KP_REFUSE, KP_R_FLOW },			/* jmp far [rax] */
		{ 1, { 0xcc }, KP_REFUSE, KP_R_FLOW },
		{ 1, { 0x9d }, KP_REFUSE, KP_R_FLAGS },				/* popf */
		{ 1, { 0xf4 }, KP_REFUSE, KP_R_FLOW },				/* hlt */
		{ 3, { 0x66, 0xe3, 0x00 }, KP_REFUSE, KP_R_PREFIX },
	};
	u8 slot[KP_SLOT_SIZE];
	enum kp_action act;
	struct insn in;
	s32 disp;

	for (unsigned i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		int rc = insn_decode(&in, t[i].bytes, t[i].len);

		CHECK(rc == 0);
		if (rc)
			continue;
		CHECK_U64(in.len, t[i].len);
		CHECK_U64(kp_prepare(&in, t[i].bytes, 0x402000, 0x401000, slot, &act), t[i].why);
		CHECK_U64(act, t[i].act);
	}
	/* push [rip+16] 0x1000 bytes lower: disp32 0x1010, the rest as it was. */
	insn_decode(&in, t[1].bytes, t[1].len);
	kp_prepare(&in, t[1].bytes, 0x402000, 0x401000, slot, &act);
	memcpy(&disp, slot + 2, 4);
	CHECK_U64(disp, 0x1010);
	CHECK(slot[0] == 0xff && slot[1] == 0x35 && slot[6] == 0xcc);
}

static void test_boost(void)
{
	static const u8 nop5[] = { 0x0f, 0x1f, 0x44, 0x00, 0x00 };
	u8 slot[KP_SLOT_SIZE];
	enum kp_action act;
	struct insn in;
	s32 rel;

	/* nopl at 0x402000 stepped from 0x401000: then e9 back to 0x402005. */
	CHECK(insn_decode(&in, nop5, sizeof(nop5)) == 0);
	kp_prepare(&in, nop5, 0x402000, 0x401000, slot, &act);
	CHECK(kp_boost(&in, 0x402000, 0x401000, slot));
	CHECK(!memcmp(slot, nop5, 5));
	CHECK_U64(slot[5], 0xe9);
	memcpy(&rel, slot + 6, 4);
	CHECK_U64(0x401000 + 10 + (s64)rel, 0x402005);
	CHECK_U64(slot[10], 0xcc);
	/* 12 bytes + 5 do not fit a 16-byte slot; nor does a jump past 2 GiB. */
	in.len = 12;
	CHECK(!kp_boost(&in, 0x402000, 0x401000, slot));
	in.len = 5;
	CHECK(!kp_boost(&in, 0x180000000ull, 0x401000, slot));
}

static void test_slots(void)
{
	u32 map = 0;

	CHECK_U64(kp_slot_alloc(&map, 3), 0);
	CHECK_U64(kp_slot_alloc(&map, 3), 1);
	CHECK_U64(kp_slot_alloc(&map, 3), 2);
	CHECK(kp_slot_alloc(&map, 3) == -1);
	kp_slot_free(&map, 1);
	CHECK_U64(kp_slot_alloc(&map, 3), 1);
	CHECK_U64(map, 7);
}

static void test_dr7(void)
{
	/* SDM Vol3B Figure 18-1: DR1 write of 4 bytes = L1 (bit 2), R/W1 = 01b
	 * at 21:20, LEN1 = 11b at 23:22; LE (8) and bit 10 always set. */
	CHECK_U64(dr7_set(0, 1, DR_RW_WRITE, 4), 0x4 | 0x100000 | 0xc00000 | 0x100 | 0x400);
	/* DR0 execute: L0, R/W0 = LEN0 = 0. */
	CHECK_U64(dr7_set(0, 0, DR_RW_EXECUTE, 1), 0x1 | 0x100 | 0x400);
	/* DR3 read/write of 8 bytes: L3 bit 6, R/W3 = 11b at 29:28, LEN3 = 10b. */
	CHECK_U64(dr7_set(0, 3, DR_RW_READ_WRITE, 8),
		  0x40 | 0x30000000ull | 0x80000000ull | 0x100 | 0x400);
	/* DR2 of 2 bytes: LEN2 = 01b at 27:26. */
	CHECK_U64(dr7_set(0, 2, DR_RW_WRITE, 2) & 0xc000000, 0x4000000);
	/* Setting replaces the old fields; clearing leaves the others. */
	u64 v = dr7_set(dr7_set(0, 1, DR_RW_READ_WRITE, 8), 1, DR_RW_WRITE, 1);
	CHECK_U64(v & 0xf00000, 0x100000);
	v = dr7_set(v, 0, DR_RW_EXECUTE, 1);
	CHECK_U64(dr7_clear(v, 1), dr7_set(0, 0, DR_RW_EXECUTE, 1));
	CHECK_U64(dr_len_code(1), 0);
	CHECK_U64(dr_len_code(2), 1);
	CHECK_U64(dr_len_code(8), 2);
	CHECK_U64(dr_len_code(4), 3);
}

static void test_dr_check(void)
{
	CHECK(!dr_check(0x1000, DR_RW_WRITE, 8));
	CHECK(!dr_check(0x1004, DR_RW_WRITE, 4));
	CHECK(!dr_check(0x1006, DR_RW_READ_WRITE, 2));
	CHECK(!dr_check(0x1007, DR_RW_WRITE, 1));
	CHECK(!dr_check(0x1003, DR_RW_EXECUTE, 1));
	CHECK_STR(dr_check(0x1004, DR_RW_WRITE, 8), "unaligned");
	CHECK_STR(dr_check(0x1002, DR_RW_WRITE, 4), "unaligned");
	CHECK_STR(dr_check(0x1001, DR_RW_WRITE, 2), "unaligned");
	CHECK_STR(dr_check(0x1000, DR_RW_WRITE, 3), "bad-len");
	CHECK_STR(dr_check(0x1000, DR_RW_WRITE, 16), "bad-len");
	CHECK_STR(dr_check(0x1000, DR_RW_EXECUTE, 2), "exec-len-not-1");
	CHECK_STR(dr_check(0x1000, DR_RW_IO, 1), "io-unsupported");
}

static void test_dr6(void)
{
	char buf[48];

	CHECK_STR(dr6_decode(DR6_INIT, buf, sizeof(buf)), "none");
	CHECK_STR(dr6_decode(DR6_INIT | DR6_B(2), buf, sizeof(buf)), "B2");
	CHECK_STR(dr6_decode(DR6_INIT | DR6_B(0) | DR6_B(3) | DR6_BS, buf, sizeof(buf)),
		  "B0|B3|BS");
	CHECK_STR(dr6_decode(DR6_BD | DR6_BT, buf, sizeof(buf)), "BD|BT");
	/* The bit positions of SDM Vol3B Figure 18-3. */
	CHECK_U64(DR6_BD, 0x2000);
	CHECK_U64(DR6_BS, 0x4000);
	CHECK_U64(DR6_BT, 0x8000);
}

static unsigned handled;

static void count_hit(struct hw_breakpoint *bp, struct trapframe *tf)
{
	handled++;
}

static void test_dr_driver(void)
{
	struct hw_breakpoint x = { .addr = 0x5000, .type = DR_RW_EXECUTE, .len = 1,
				   .handler = count_hit };
	struct hw_breakpoint w = { .addr = 0x6008, .type = DR_RW_WRITE, .len = 8,
				   .handler = count_hit };
	struct hw_breakpoint bad = { .addr = 0x6001, .type = DR_RW_WRITE, .len = 8 };
	struct dr_state saved;
	struct trapframe tf;
	const char *why;

	sim_reset();
	sim_dr(7, 0x400 | 0x1);		/* someone else holds DR0 */
	sim_dr(0, 0x1234);
	dr_save(&saved);
	CHECK_U64(dr_install(&x, &why), 0);
	CHECK_U64(x.slot, 1);			/* DR0 was taken */
	CHECK_U64(hw_read_dr(1), 0x5000);
	CHECK_U64(dr_install(&w, &why), 0);
	CHECK_U64(w.slot, 2);
	CHECK_U64(hw_read_dr(2), 0x6008);
	CHECK_U64(hw_read_dr(7), dr7_set(dr7_set(0x401, 1, DR_RW_EXECUTE, 1), 2,
					DR_RW_WRITE, 8));
	CHECK(dr_install(&bad, &why) == -1);
	CHECK_STR(why, "unaligned");

	/* DR6 says B1 (the execute breakpoint): counted, RF set to resume. */
	memset(&tf, 0, sizeof(tf));
	tf.rip = 0x5000;
	CHECK(dr_exception(&tf, DR6_INIT | DR6_B(1)));
	CHECK_U64(x.hits, 1);
	CHECK_U64(x.last_rip, 0x5000);
	CHECK_U64(x.last_dr6, DR6_INIT | DR6_B(1));
	CHECK(tf.rflags & (1u << 16));
	/* B2 (the write watchpoint, a trap): no RF. */
	tf.rflags = 0;
	tf.rip = 0x7007;
	CHECK(dr_exception(&tf, DR6_INIT | DR6_B(2)));
	CHECK_U64(w.hits, 1);
	CHECK_U64(w.last_rip, 0x7007);
	CHECK_U64(tf.rflags, 0);
	/* B0 is not ours; BS alone is a single step, not a breakpoint. */
	CHECK(!dr_exception(&tf, DR6_INIT | DR6_B(0)));
	CHECK(!dr_exception(&tf, DR6_INIT | DR6_BS));
	CHECK_U64(handled, 2);

	dr_uninstall(&x);
	CHECK_U64(x.slot, (u64)-1);
	CHECK_U64(hw_read_dr(7), dr7_set(0x401, 2, DR_RW_WRITE, 8));
	dr_restore(&saved);
	CHECK_U64(hw_read_dr(7), 0x401);
	CHECK_U64(hw_read_dr(0), 0x1234);
	CHECK_U64(hw_read_dr(2), 0);
	/* After a restore no breakpoint is ours. */
	CHECK(!dr_exception(&tf, DR6_INIT | DR6_B(2)));
}

int main(void)
{
	test_fix_disp();
	test_prepare_riprel();
	test_prepare_kinds();
	test_cond();
	test_emulate();
	test_fixup_step();
	test_real_encodings();
	test_boost();
	test_slots();
	test_dr7();
	test_dr_check();
	test_dr6();
	test_dr_driver();
	return unit_done("kprobe");
}
