/* x86-64 instruction decoder (SDM Vol2 ch.2 and App. A opcode maps, AMD APM
 * Vol3 ch.1). Two 256-byte attribute tables, one per legacy opcode map, give
 * "has ModRM", the immediate's kind and "#UD in 64-bit mode"; the 0F38 and
 * 0F3A maps and the VEX/EVEX/XOP maps are uniform enough for a rule each.
 * Verified against objdump over a generated corpus (docs/insn.md). */
#include "lib/insn.h"
#include "lib/libc.h"

/* Immediate kinds (SDM Vol2 A.2.2 operand codes). */
enum {
	I_NONE,
	I_B,		/* Ib, Jb */
	I_W,		/* Iw */
	I_Z,		/* Iz: 2 with 66, else 4 (REX.W keeps 4) */
	I_D,		/* Jz of near branches: 66 is ignored in 64-bit mode */
	I_V,		/* Iv (b8+r): 8 with REX.W, 2 with 66, else 4 */
	I_MOFFS,	/* Ob/Ov (a0-a3): 8, 4 with 67 */
	I_WB,		/* enter: Iw, Ib */
};

#define A_MODRM		0x01
#define A_BAD		0x02	/* invalid in 64-bit mode: #UD */
#define A_IMM(k)	((k) << 2)
#define A_IMM_KIND(a)	((a) >> 2)

#define M		A_MODRM
#define B		A_IMM(I_B)
#define Z		A_IMM(I_Z)
#define X		A_BAD

static const u8 map_1byte[256] = {
	/* The eight ALU rows: Eb,Gb Ev,Gv Gb,Eb Gv,Ev AL,Ib rAX,Iz; the
	 * x6/x7/xe/xf holes are push/pop seg, daa/das/aaa/aas, all gone. */
	[0x00 ... 0x03] = M, [0x04] = B, [0x05] = Z, [0x06 ... 0x07] = X,
	[0x08 ... 0x0b] = M, [0x0c] = B, [0x0d] = Z, [0x0e] = X,
	[0x10 ... 0x13] = M, [0x14] = B, [0x15] = Z, [0x16 ... 0x17] = X,
	[0x18 ... 0x1b] = M, [0x1c] = B, [0x1d] = Z, [0x1e ... 0x1f] = X,
	[0x20 ... 0x23] = M, [0x24] = B, [0x25] = Z, [0x27] = X,
	[0x28 ... 0x2b] = M, [0x2c] = B, [0x2d] = Z, [0x2f] = X,
	[0x30 ... 0x33] = M, [0x34] = B, [0x35] = Z, [0x37] = X,
	[0x38 ... 0x3b] = M, [0x3c] = B, [0x3d] = Z, [0x3f] = X,
	[0x60 ... 0x61] = X,			/* pusha, popa */
	[0x63] = M,				/* movsxd */
	[0x68] = Z, [0x69] = M | Z, [0x6a] = B, [0x6b] = M | B,
	[0x70 ... 0x7f] = B,			/* jcc rel8 */
	[0x80] = M | B, [0x81] = M | Z, [0x82] = X, [0x83] = M | B,
	[0x84 ... 0x8f] = M,
	[0x9a] = X,				/* call far ptr16:32 */
	[0xa0 ... 0xa3] = A_IMM(I_MOFFS),
	[0xa8] = B, [0xa9] = Z,
	[0xb0 ... 0xb7] = B, [0xb8 ... 0xbf] = A_IMM(I_V),
	[0xc0 ... 0xc1] = M | B, [0xc2] = A_IMM(I_W),
	[0xc6] = M | B, [0xc7] = M | Z,
	[0xc8] = A_IMM(I_WB), [0xca] = A_IMM(I_W), [0xcd] = B, [0xce] = X,
	[0xd0 ... 0xd3] = M, [0xd4 ... 0xd6] = X,	/* aam, aad, salc */
	[0xd8 ... 0xdf] = M,			/* x87 */
	[0xe0 ... 0xe7] = B,			/* loop*, jrcxz, in/out imm8 */
	[0xe8 ... 0xe9] = A_IMM(I_D), [0xea] = X, [0xeb] = B,
	[0xf6] = M | B, [0xf7] = M | Z,		/* only /0 /1 (test) keep it */
	[0xfe ... 0xff] = M,
};

static const u8 map_0f[256] = {
	[0x00 ... 0x03] = M, [0x04] = X, [0x0a] = X, [0x0c] = X,
	[0x0d] = M,
	[0x0f] = M | B,				/* 3DNow!: the opcode is the ib */
	[0x10 ... 0x1f] = M,
	[0x20 ... 0x23] = M,			/* mov cr/dr: mod is ignored */
	[0x24 ... 0x27] = X,			/* mov tr */
	[0x28 ... 0x2f] = M,
	[0x36] = X, [0x39] = X, [0x3b ... 0x3f] = X,
	[0x40 ... 0x6f] = M,
	[0x70 ... 0x73] = M | B, [0x74 ... 0x76] = M, [0x78 ... 0x79] = M,
	[0x7a ... 0x7b] = X, [0x7c ... 0x7f] = M,
	[0x80 ... 0x8f] = A_IMM(I_D),		/* jcc rel32 */
	[0x90 ... 0x9f] = M,
	[0xa3] = M, [0xa4] = M | B, [0xa5] = M,
	[0xa6 ... 0xa7] = M,			/* VIA PadLock: xsha*, xcrypt* */
	[0xab] = M, [0xac] = M | B, [0xad ... 0xaf] = M,
	[0xb0 ... 0xb9] = M, [0xba] = M | B, [0xbb ... 0xbf] = M,
	[0xc0 ... 0xc1] = M, [0xc2] = M | B, [0xc3] = M, [0xc4 ... 0xc6] = M | B,
	[0xc7] = M,
	[0xd0 ... 0xff] = M,			/* 0f ff: ud0 takes a ModRM */
};

#undef M
#undef B
#undef Z
#undef X

/* A cursor over the bytes: never reads past max or INSN_MAX_LEN. */
struct cur {
	const u8 *code;
	size_t max, off;
};

static int next(struct cur *c)
{
	if (c->off >= c->max || c->off >= INSN_MAX_LEN)
		return -1;
	return c->code[c->off++];
}

static int peek(const struct cur *c)
{
	if (c->off >= c->max || c->off >= INSN_MAX_LEN)
		return -1;
	return c->code[c->off];
}

/* Little-endian field of n bytes, sign-extended. */
static int read_le(struct cur *c, unsigned n, s64 *v)
{
	u64 x = 0;

	for (unsigned i = 0; i < n; i++) {
		int b = next(c);
		if (b < 0)
			return -1;
		x |= (u64)b << (8 * i);
	}
	if (n < 8 && (x >> (8 * n - 1)) & 1)
		x |= ~0ull << (8 * n);
	*v = (s64)x;
	return 0;
}

static bool is_legacy_prefix(u8 b)
{
	switch (b) {
	case 0x26: case 0x2e: case 0x36: case 0x3e: case 0x64: case 0x65:
	case 0x66: case 0x67: case 0xf0: case 0xf2: case 0xf3:
		return true;
	}
	return false;
}

/* VEX (c4, c5), EVEX (62) and XOP (8f) prefixes: SDM Vol2 2.3, 2.7; APM Vol3
 * 1.8. They fold REX, 66/f2/f3 and the map escape into their payload, so any
 * of those in front is #UD. Returns the immediate size the map implies, or -1. */
static int decode_vex(struct insn *in, struct cur *c, u8 esc)
{
	int b1, b2, p;
	unsigned map;

	if (in->rex || in->opsize || in->last_rep || in->lock)
		return -1;
	if ((b1 = next(c)) < 0)
		return -1;
	switch (esc) {
	case 0xc5:
		in->vex = 2;
		map = 1;
		break;
	case 0xc4:
	case 0x8f:
		in->vex = esc == 0xc4 ? 3 : 0x8f;
		map = b1 & 0x1f;
		if ((b2 = next(c)) < 0)
			return -1;
		break;
	default:		/* 62 */
		in->vex = 4;
		map = b1 & 0x07;
		/* P0 bit 3 is reserved (0), P1 bit 2 fixed (1). */
		if (b1 & 0x08 || (b2 = next(c)) < 0 || !(b2 & 0x04) || next(c) < 0)
			return -1;
		break;
	}
	if ((p = next(c)) < 0)
		return -1;
	in->opcode = p;
	in->opcode_off = c->off - 1;
	in->has_modrm = true;
	if (in->vex == 0x8f) {
		switch (map) {
		case 8: in->map = INSN_MAP_XOP8; return 1;
		case 9: in->map = INSN_MAP_XOP9; return 0;
		case 10: in->map = INSN_MAP_XOPA; return 4;
		}
		return -1;
	}
	switch (map) {
	case 1:
		in->map = INSN_MAP_0F;
		/* vzeroupper/vzeroall; the ib of 0F-map opcodes as in legacy. */
		if (p == 0x77 && in->vex != 4)
			in->has_modrm = false;
		return A_IMM_KIND(map_0f[p]) == I_B ? 1 : 0;
	case 2:
		in->map = INSN_MAP_0F38;
		return 0;
	case 3:
		in->map = INSN_MAP_0F3A;
		return 1;
	case 5:
	case 6:
		if (in->vex != 4)
			return -1;
		in->map = map == 5 ? INSN_MAP_5 : INSN_MAP_6;	/* AVX512-FP16 */
		return 0;
	}
	return -1;
}

/* Immediate bytes of a legacy-map opcode, or -1 if invalid in 64-bit mode. */
static int legacy_imm_size(const struct insn *in)
{
	u8 a, op = in->opcode;
	bool w = in->rex & 0x08;
	u8 reg = (in->modrm >> 3) & 7;

	switch (in->map) {
	case INSN_MAP_0F38:
		return 0;
	case INSN_MAP_0F3A:
		return 1;
	case INSN_MAP_0F:
		a = map_0f[op];
		/* SSE4a extrq/insertq: two ib (APM Vol4); vmread/vmwrite else. */
		if (op == 0x78 && (in->opsize || in->last_rep == 0xf2))
			return 2;
		/* 0f b8 is popcnt with f3, jmpe (IA-64 only) without. */
		if (op == 0xb8 && in->last_rep != 0xf3)
			return -1;
		break;
	default:
		a = map_1byte[op];
		if ((op == 0xf6 || op == 0xf7) && reg > 1)
			return 0;
		break;
	}
	if (a & A_BAD)
		return -1;
	switch (A_IMM_KIND(a)) {
	case I_B: return 1;
	case I_W: return 2;
	case I_Z: return in->opsize && !w ? 2 : 4;
	case I_D: return 4;
	case I_V: return w ? 8 : in->opsize ? 2 : 4;
	case I_MOFFS: return in->addrsize ? 4 : 8;
	case I_WB: return 3;
	}
	return 0;
}

static enum insn_flow flow_1byte(const struct insn *in)
{
	u8 op = in->opcode, reg = (in->modrm >> 3) & 7;

	if (op >= 0x70 && op <= 0x7f)
		return FLOW_JCC_REL;
	switch (op) {
	case 0xe0: case 0xe1: case 0xe2: case 0xe3:
		return FLOW_LOOP_REL;
	case 0xe8:
		return FLOW_CALL_REL;
	case 0xe9: case 0xeb:
		return FLOW_JMP_REL;
	case 0xc2: case 0xc3: case 0xca: case 0xcb:
		return FLOW_RET;
	case 0xcf:
		return FLOW_IRET;
	case 0xcc: case 0xcd: case 0xf1:
		return FLOW_INT;
	case 0xf4:
		return FLOW_OTHER;			/* hlt */
	case 0xc6: case 0xc7:
		/* xabort / xbegin: a transaction abort jumps to xbegin's rel. */
		return in->modrm == 0xf8 ? FLOW_OTHER : FLOW_NONE;
	case 0xff:
		if (reg == 2)
			return FLOW_CALL_IND;
		if (reg == 4)
			return FLOW_JMP_IND;
		/* Far call/jmp through m16:64 also load CS. */
		if (reg == 3 || reg == 5)
			return FLOW_OTHER;
		break;
	}
	return FLOW_NONE;
}

static enum insn_flow flow_0f(const struct insn *in)
{
	u8 op = in->opcode;

	if (op >= 0x80 && op <= 0x8f)
		return FLOW_JCC_REL;
	switch (op) {
	case 0x05: case 0x07: case 0x34: case 0x35:
		return FLOW_SYSCALL;
	case 0x0b: case 0xb9: case 0xff:
		return FLOW_INT;			/* ud2, ud1, ud0 */
	case 0xaa: case 0x37:
		return FLOW_OTHER;			/* rsm, getsec */
	case 0x01:
		switch (in->modrm) {
		case 0xc1: case 0xc2: case 0xc3: case 0xd4:	/* vmcall vmlaunch
								 * vmresume vmfunc */
		case 0xd8: case 0xd9:			/* vmrun vmmcall */
		case 0xc0: case 0xcf: case 0xd7:	/* enclv encls enclu */
			return FLOW_OTHER;
		case 0xec:				/* uiret */
			return in->last_rep == 0xf3 ? FLOW_OTHER : FLOW_NONE;
		}
		break;
	}
	return FLOW_NONE;
}

/* ModRM, SIB and displacement (SDM Vol2 2.1.5 tables 2-2, 2-3; 2.2.1.6). */
static int decode_modrm(struct insn *in, struct cur *c)
{
	int b = next(c);
	u8 mod, rm;
	s64 d;

	if (b < 0)
		return -1;
	in->modrm = b;
	in->modrm_off = c->off - 1;
	mod = b >> 6;
	rm = b & 7;
	/* mov to/from CR/DR ignores mod: always a register operand. */
	if (!in->vex && in->map == INSN_MAP_0F && in->opcode >= 0x20 && in->opcode <= 0x23)
		mod = 3;
	if (mod == 3)
		return 0;
	if (rm == 4) {
		if ((b = next(c)) < 0)
			return -1;
		in->has_sib = true;
		in->sib = b;
		if (mod == 0 && (b & 7) == 5)
			in->disp_size = 4;		/* no base: disp32 */
	} else if (mod == 0 && rm == 5) {
		in->disp_size = 4;
		in->rip_relative = true;		/* 67: EIP-relative */
	}
	if (mod == 1)
		in->disp_size = 1;
	else if (mod == 2)
		in->disp_size = 4;
	if (in->disp_size) {
		in->disp_off = c->off;
		if (read_le(c, in->disp_size, &d) < 0)
			return -1;
		in->disp = (s32)d;
	}
	return 0;
}

int insn_decode(struct insn *in, const u8 *code, size_t max)
{
	struct cur c = { code, max, 0 };
	int b, imm = 0;
	s64 v;

	memset(in, 0, sizeof(*in));
	/* Legacy prefixes in any order and number; a REX counts only directly
	 * before the opcode (SDM Vol2 2.2.1): one followed by a prefix is
	 * ignored, though the CPU still fetches it. */
	for (;;) {
		if ((b = peek(&c)) < 0)
			return -1;
		if (is_legacy_prefix(b)) {
			in->nprefixes++;
			in->rex = 0;
			if (b == 0x66)
				in->opsize = true;
			else if (b == 0x67)
				in->addrsize = true;
			else if (b == 0xf0)
				in->lock = true;
			else if (b == 0xf2 || b == 0xf3)
				in->last_rep = b;
			else
				in->seg = b;
		} else if ((b & 0xf0) == 0x40) {
			in->rex = b;
		} else {
			break;
		}
		c.off++;
	}

	b = next(&c);
	in->opcode = b;
	in->opcode_off = c.off - 1;
	if (b == 0xc4 || b == 0xc5 || b == 0x62 ||
	    (b == 0x8f && (peek(&c) & 0x1f) >= 8)) {
		if ((imm = decode_vex(in, &c, b)) < 0)
			return -1;
	} else {
		in->map = INSN_MAP_1BYTE;
		in->has_modrm = map_1byte[b] & A_MODRM;
		if (b == 0x0f) {
			if ((b = next(&c)) < 0)
				return -1;
			in->map = INSN_MAP_0F;
			in->has_modrm = map_0f[b] & A_MODRM;
			if (b == 0x38 || b == 0x3a) {
				in->map = b == 0x38 ? INSN_MAP_0F38 : INSN_MAP_0F3A;
				if ((b = next(&c)) < 0)
					return -1;
				in->has_modrm = true;
			}
			in->opcode = b;
			in->opcode_off = c.off - 1;
		}
	}
	if (in->has_modrm && decode_modrm(in, &c) < 0)
		return -1;
	if (!in->vex && (imm = legacy_imm_size(in)) < 0)
		return -1;
	if (imm) {
		/* enter's ib and extrq's second ib follow the first immediate. */
		int first = imm;

		if (!in->vex && in->map == INSN_MAP_1BYTE && in->opcode == 0xc8)
			first = 2;
		else if (!in->vex && in->map == INSN_MAP_0F && in->opcode == 0x78)
			first = 1;
		in->imm_off = c.off;
		in->imm_size = imm;
		if (read_le(&c, first, &v) < 0)
			return -1;
		in->imm = v;
		c.off = in->imm_off + imm;
		if (c.off > max || c.off > INSN_MAX_LEN)
			return -1;
	}
	if (in->map == INSN_MAP_1BYTE)
		in->flow = flow_1byte(in);
	else if (in->map == INSN_MAP_0F && !in->vex)
		in->flow = flow_0f(in);
	/* far call/jmp need memory; ff /7 does not exist. */
	if (in->map == INSN_MAP_1BYTE && in->opcode == 0xff && in->has_modrm) {
		u8 reg = (in->modrm >> 3) & 7;
		if (reg == 7 || ((reg == 3 || reg == 5) && (in->modrm >> 6) == 3))
			return -1;
	}
	if (in->flow == FLOW_JMP_REL || in->flow == FLOW_JCC_REL ||
	    in->flow == FLOW_LOOP_REL || in->flow == FLOW_CALL_REL ||
	    (in->flow == FLOW_OTHER && in->opcode == 0xc7))
		in->rel = (s32)in->imm;
	in->len = c.off;
	return 0;
}

const char *insn_flow_name(enum insn_flow f)
{
	static const char *const names[] = {
		[FLOW_NONE] = "none",
		[FLOW_JMP_REL] = "jmp",
		[FLOW_JCC_REL] = "jcc",
		[FLOW_LOOP_REL] = "loop",
		[FLOW_CALL_REL] = "call",
		[FLOW_JMP_IND] = "jmp_ind",
		[FLOW_CALL_IND] = "call_ind",
		[FLOW_RET] = "ret",
		[FLOW_IRET] = "iret",
		[FLOW_INT] = "int",
		[FLOW_SYSCALL] = "syscall",
		[FLOW_OTHER] = "other",
	};

	if ((unsigned)f >= ARRAY_SIZE(names))
		return "?";
	return names[f];
}
