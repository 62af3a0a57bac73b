/* The jump optimizer's rules and detour bytes (kprobe_opt.h). */
#include "kernel-side/probes/kprobe_insn.h"
#include "kernel-side/probes/kprobe_opt.h"
#include "lib/libc.h"

#define OP_INT3		0xcc
#define OP_CALL_REL32	0xe8
#define OP_JMP_REL32	0xe9

/* The instruction at a, with the probe's original first byte put back. */
static int decode_at(struct insn *in, const u8 *fn, u64 fn_addr, u64 end, u64 a, u64 addr,
		     u8 first)
{
	u8 b[INSN_MAX_LEN];
	u64 n = end - a < INSN_MAX_LEN ? end - a : INSN_MAX_LEN;

	memcpy(b, fn + (a - fn_addr), n);
	if (addr >= a && addr < a + n)
		b[addr - a] = first;
	return insn_decode(in, b, n);
}

/* INT3s from a to the end are the padding between functions, not a probe
 * (Linux's is_padding_int3). */
static bool padding(const u8 *fn, u64 fn_addr, u64 end, u64 a)
{
	for (; a < end; a++)
		if (fn[a - fn_addr] != OP_INT3)
			return false;
	return true;
}

static bool is_int3(const struct insn *in)
{
	return in->map == INSN_MAP_1BYTE && !in->vex && in->opcode == OP_INT3;
}

static bool relative(enum insn_flow f)
{
	return f == FLOW_JMP_REL || f == FLOW_JCC_REL || f == FLOW_LOOP_REL || f == FLOW_CALL_REL;
}

/* Every instruction of the function: none may jump into (addr, addr + len),
 * none may be an indirect jump, and an INT3 may only be padding. */
static enum kp_opt_refusal scan(const u8 *fn, u64 fn_addr, u64 end, u64 addr, u8 first,
				unsigned len)
{
	struct insn in;
	u64 t;

	for (u64 a = fn_addr; a < end; a += in.len) {
		if (decode_at(&in, fn, fn_addr, end, a, addr, first) < 0)
			return KP_OPT_R_DECODE;
		if (is_int3(&in))
			return padding(fn, fn_addr, end, a) ? KP_OPT_OK : KP_OPT_R_INT3;
		if (in.flow == FLOW_JMP_IND)
			return KP_OPT_R_INDIRECT;
		if (relative(in.flow)) {
			t = insn_rel_target(&in, a);
			if (t > addr && t < addr + len)
				return KP_OPT_R_JUMP_INTO;
		}
	}
	return KP_OPT_OK;
}

bool kp_rel32(u8 op, u64 from, u64 to, u8 *out)
{
	s64 rel = (s64)(to - (from + KP_JMP_LEN));
	s32 rel32 = (s32)rel;

	if (rel != rel32)
		return false;
	out[0] = op;
	memcpy(out + 1, &rel32, sizeof(rel32));
	return true;
}

/* The instructions under the JMP, copied to code (the detour's bytes from
 * detour + KP_JMP_LEN on): whole instructions, no branch, RIP-relative
 * displacements moved to name the same bytes. */
static enum kp_opt_refusal relocate(const u8 *fn, u64 fn_addr, u64 end, u64 addr, u8 first,
				    u64 to, u8 *code, unsigned *window)
{
	struct insn in;
	unsigned len = 0;
	s32 disp;

	while (len < KP_JMP_LEN) {
		u64 a = addr + len;

		if (a >= end || decode_at(&in, fn, fn_addr, end, a, addr, first) < 0)
			return KP_OPT_R_DECODE;
		if (is_int3(&in))
			return KP_OPT_R_INT3;
		if (in.flow != FLOW_NONE)
			return KP_OPT_R_BRANCH;
		memcpy(code + len, fn + (a - fn_addr), in.len);
		if (a == addr)
			code[0] = first;
		if (in.rip_relative) {
			if (!kp_fix_disp(in.disp, a, to + len, &disp))
				return KP_OPT_R_RANGE;
			memcpy(code + len + in.disp_off, &disp, sizeof(disp));
		}
		len += in.len;
	}
	*window = len;
	return KP_OPT_OK;
}

enum kp_opt_refusal kp_opt_prepare(const u8 *fn, u64 fn_addr, u64 fn_len, u64 addr, u8 first,
				   u64 detour, u64 caller, u8 *buf, unsigned *window)
{
	u64 end = fn_addr + fn_len;
	u64 code = detour + KP_JMP_LEN;
	u8 site[KP_JMP_LEN];
	enum kp_opt_refusal r;

	if (end - addr < KP_JMP_LEN)
		return KP_OPT_R_SHORT;
	memset(buf, OP_INT3, KP_DETOUR_SIZE);
	r = relocate(fn, fn_addr, end, addr, first, code, buf + KP_JMP_LEN, window);
	if (r == KP_OPT_OK)
		r = scan(fn, fn_addr, end, addr, first, *window);
	if (r != KP_OPT_OK)
		return r;
	if (!kp_rel32(OP_JMP_REL32, addr, detour, site) ||
	    !kp_rel32(OP_CALL_REL32, detour, caller, buf) ||
	    !kp_rel32(OP_JMP_REL32, code + *window, addr + *window, buf + KP_JMP_LEN + *window))
		return KP_OPT_R_RANGE;
	return KP_OPT_OK;
}

const char *kp_opt_refusal_name(enum kp_opt_refusal r)
{
	static const char *const names[] = {
		[KP_OPT_OK] = "ok", [KP_OPT_R_INT3_ONLY] = "int3-only",
		[KP_OPT_R_POST] = "post-handler", [KP_OPT_R_ACTION] = "emulated-insn",
		[KP_OPT_R_SHORT] = "short-function", [KP_OPT_R_DECODE] = "unknown-insn",
		[KP_OPT_R_INT3] = "int3-in-function", [KP_OPT_R_INDIRECT] = "indirect-jump",
		[KP_OPT_R_JUMP_INTO] = "jump-into-window", [KP_OPT_R_BRANCH] = "branch-in-window",
		[KP_OPT_R_RANGE] = "out-of-range", [KP_OPT_R_FTRACE] = "ftrace-site",
		[KP_OPT_R_NO_DETOUR] = "no-detour",
	};

	return (unsigned)r < ARRAY_SIZE(names) ? names[r] : "?";
}
