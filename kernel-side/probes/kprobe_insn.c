/* The probe engine's instruction logic (kprobe_insn.h). */
#include "kernel-side/probes/kprobe_insn.h"
#include "lib/libc.h"

#define FLAG_CF	BIT(0)
#define FLAG_PF	BIT(2)
#define FLAG_ZF	BIT(6)
#define FLAG_SF	BIT(7)
#define FLAG_OF	BIT(11)

#define OP_PUSHF	0x9c
#define OP_POPF		0x9d
#define OP_CLI		0xfa
#define OP_STI		0xfb
#define OP_MOV_SREG	0x8e
#define OP_RET_IMM	0xc2
#define OP_RET		0xc3
#define OP_LOOPNE	0xe0
#define OP_LOOPE	0xe1
#define OP_LOOP		0xe2
#define OP_JRCXZ	0xe3
#define OP_JMP_REL32	0xe9
#define JMP_REL32_LEN	5

static unsigned modrm_reg(const struct insn *in)
{
	return (in->modrm >> 3) & 7;
}

bool kp_fix_disp(s32 disp, u64 addr, u64 slot, s32 *out)
{
	/* target = addr + len + disp = slot + len + new */
	s64 moved = (s64)disp + (s64)(addr - slot);

	if (moved < INT32_MIN || moved > INT32_MAX)
		return false;
	*out = (s32)moved;
	return true;
}

static enum kp_refusal prepare_flow(const struct insn *in, enum kp_action *act)
{
	switch (in->flow) {
	case FLOW_JMP_REL:
	case FLOW_JCC_REL:
	case FLOW_CALL_REL:
		/* 66 makes it rel16 on AMD and is ignored by Intel (SDM Vol2
		 * Jcc, "64-bit mode"): no one emulation is right for both. */
		if (in->opsize)
			return KP_R_PREFIX;
		*act = in->flow == FLOW_JMP_REL ? KP_EMU_JMP :
		       in->flow == FLOW_JCC_REL ? KP_EMU_JCC : KP_EMU_CALL;
		return KP_OK;
	case FLOW_LOOP_REL:
		/* 67 counts in ECX instead of RCX. */
		if (in->opsize || in->addrsize)
			return KP_R_PREFIX;
		*act = KP_EMU_LOOP;
		return KP_OK;
	case FLOW_RET:
		if (in->opcode != OP_RET && in->opcode != OP_RET_IMM)
			return KP_R_FLOW;	/* far return */
		if (in->opsize)
			return KP_R_PREFIX;
		*act = KP_EMU_RET;
		return KP_OK;
	case FLOW_JMP_IND:
		if (modrm_reg(in) != 4)
			return KP_R_FLOW;	/* ff /5: far */
		*act = KP_STEP_ABS;
		return KP_OK;
	case FLOW_CALL_IND:
		if (modrm_reg(in) != 2)
			return KP_R_FLOW;	/* ff /3: far */
		*act = KP_STEP_ABS_CALL;
		return KP_OK;
	case FLOW_NONE:
		break;
	default:
		return KP_R_FLOW;
	}
	if (in->map == INSN_MAP_1BYTE && !in->vex) {
		/* Single-stepped, these would push TF or change TF/IF under
		 * the step (Linux emulates them; pmulab refuses). */
		if (in->opcode == OP_PUSHF || in->opcode == OP_POPF || in->opcode == OP_CLI ||
		    in->opcode == OP_STI)
			return KP_R_FLAGS;
		/* MOV SS blocks the #DB of the next instruction (SDM Vol3A 6.8.3). */
		if (in->opcode == OP_MOV_SREG)
			return KP_R_MOV_SS;
	}
	*act = KP_STEP;
	return KP_OK;
}

enum kp_refusal kp_prepare(const struct insn *in, const u8 *code, u64 addr, u64 slot,
			   u8 *slot_bytes, enum kp_action *act)
{
	enum kp_refusal r;
	s32 disp;

	*act = KP_REFUSE;
	r = prepare_flow(in, act);
	if (r != KP_OK) {
		*act = KP_REFUSE;
		return r;
	}
	memset(slot_bytes, 0xcc, KP_SLOT_SIZE);
	if (*act != KP_STEP && *act != KP_STEP_ABS && *act != KP_STEP_ABS_CALL)
		return KP_OK;
	memcpy(slot_bytes, code, in->len);
	if (in->rip_relative) {
		if (!kp_fix_disp(in->disp, addr, slot, &disp)) {
			*act = KP_REFUSE;
			return KP_R_DISP_RANGE;
		}
		memcpy(slot_bytes + in->disp_off, &disp, sizeof(disp));
	}
	return KP_OK;
}

bool kp_boost(const struct insn *in, u64 addr, u64 slot, u8 *slot_bytes)
{
	u64 jmp = slot + in->len;
	s64 rel = (s64)(addr + in->len - (jmp + JMP_REL32_LEN));
	s32 rel32 = (s32)rel;

	if (in->len + JMP_REL32_LEN > KP_SLOT_SIZE || rel != rel32)
		return false;
	slot_bytes[in->len] = OP_JMP_REL32;
	memcpy(slot_bytes + in->len + 1, &rel32, sizeof(rel32));
	return true;
}

bool kp_cond(unsigned cc, u64 f)
{
	bool sf_ne_of = !(f & FLAG_SF) != !(f & FLAG_OF);
	bool v;

	switch (cc >> 1) {
	case 0: v = f & FLAG_OF; break;				/* jo */
	case 1: v = f & FLAG_CF; break;				/* jb */
	case 2: v = f & FLAG_ZF; break;				/* je */
	case 3: v = f & (FLAG_CF | FLAG_ZF); break;		/* jbe */
	case 4: v = f & FLAG_SF; break;				/* js */
	case 5: v = f & FLAG_PF; break;				/* jp */
	case 6: v = sf_ne_of; break;				/* jl */
	default: v = (f & FLAG_ZF) || sf_ne_of; break;		/* jle */
	}
	/* Odd codes are the negations (SDM Vol2 App. B.1.4.7). */
	return cc & 1 ? !v : v;
}

static bool loop_taken(const struct insn *in, struct trapframe *tf)
{
	if (in->opcode == OP_JRCXZ)
		return tf->rcx == 0;
	tf->rcx--;
	if (in->opcode == OP_LOOPNE)
		return tf->rcx && !(tf->rflags & FLAG_ZF);
	if (in->opcode == OP_LOOPE)
		return tf->rcx && (tf->rflags & FLAG_ZF);
	return tf->rcx != 0;
}

void kp_emulate(const struct insn *in, enum kp_action act, u64 addr, struct trapframe *tf)
{
	u64 next = addr + in->len, *sp;
	bool taken = true;

	switch (act) {
	case KP_EMU_CALL:
		/* trap.asm left a gap below the interrupted RSP for this. */
		tf->rsp -= 8;
		*(u64 *)(uintptr_t)tf->rsp = next;
		break;
	case KP_EMU_JCC:
		taken = kp_cond(in->opcode & 0xf, tf->rflags);
		break;
	case KP_EMU_LOOP:
		taken = loop_taken(in, tf);
		break;
	case KP_EMU_RET:
		sp = (u64 *)(uintptr_t)tf->rsp;
		tf->rip = *sp;
		tf->rsp += 8 + (in->opcode == OP_RET_IMM ? (u16)in->imm : 0);
		return;
	default:
		break;
	}
	tf->rip = taken ? insn_rel_target(in, addr) : next;
}

void kp_fixup_step(const struct insn *in, enum kp_action act, u64 addr, u64 slot,
		   struct trapframe *tf)
{
	switch (act) {
	case KP_STEP:
		tf->rip = tf->rip - slot + addr;
		break;
	case KP_STEP_ABS_CALL:
		/* It pushed slot + len. */
		*(u64 *)(uintptr_t)tf->rsp = addr + in->len;
		break;
	default:
		break;
	}
}

int kp_slot_alloc(u32 *map, unsigned n)
{
	for (unsigned i = 0; i < n && i < 32; i++) {
		if (!(*map & BIT(i))) {
			*map |= BIT(i);
			return (int)i;
		}
	}
	return -1;
}

void kp_slot_free(u32 *map, unsigned i)
{
	*map &= ~BIT(i);
}

const char *kp_action_name(enum kp_action a)
{
	static const char *const names[] = {
		[KP_REFUSE] = "refuse", [KP_STEP] = "step", [KP_STEP_ABS] = "step-abs",
		[KP_STEP_ABS_CALL] = "step-abs-call", [KP_EMU_JMP] = "emulate-jmp",
		[KP_EMU_JCC] = "emulate-jcc", [KP_EMU_LOOP] = "emulate-loop",
		[KP_EMU_CALL] = "emulate-call", [KP_EMU_RET] = "emulate-ret",
	};

	return (unsigned)a < ARRAY_SIZE(names) ? names[a] : "?";
}

const char *kp_refusal_name(enum kp_refusal r)
{
	static const char *const names[] = {
		[KP_OK] = "ok", [KP_R_FLOW] = "control-flow", [KP_R_FLAGS] = "flags-insn",
		[KP_R_MOV_SS] = "mov-ss", [KP_R_PREFIX] = "branch-prefix",
		[KP_R_DISP_RANGE] = "disp-out-of-range",
	};

	return (unsigned)r < ARRAY_SIZE(names) ? names[r] : "?";
}
