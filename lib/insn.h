/* x86-64 instruction decoder: lengths and the facts a probe engine needs
 * (SDM Vol2 ch.2 "Instruction Format", App. A opcode maps; AMD APM Vol3 ch.1).
 * 64-bit mode only. Decodes one instruction from a byte buffer; knows nothing
 * of memory or symbols, so the unit tests run it over generated encodings
 * with objdump as the oracle. */
#ifndef PMULAB_INSN_H
#define PMULAB_INSN_H

#include "lib/types.h"

#define INSN_MAX_LEN	15	/* SDM Vol2 2.3.11: longer is #GP */

/* Opcode maps (SDM Vol2 App. A; VEX.mmmmm / EVEX.mmm select 1-3). */
enum insn_map {
	INSN_MAP_1BYTE,		/* xx */
	INSN_MAP_0F,		/* 0f xx */
	INSN_MAP_0F38,		/* 0f 38 xx */
	INSN_MAP_0F3A,		/* 0f 3a xx */
	INSN_MAP_5,		/* EVEX map 5, 6: AVX512-FP16 */
	INSN_MAP_6,
	INSN_MAP_XOP8,		/* AMD XOP maps 8, 9, 0Ah (8f prefix) */
	INSN_MAP_XOP9,
	INSN_MAP_XOPA,
};

/* How an instruction changes RIP other than by falling through: what a probe
 * engine must emulate rather than single-step out of line. */
enum insn_flow {
	FLOW_NONE,		/* falls through */
	FLOW_JMP_REL,		/* eb, e9: rel8/rel32 */
	FLOW_JCC_REL,		/* 7x, 0f 8x */
	FLOW_LOOP_REL,		/* e0-e3: loopne, loope, loop, jrcxz */
	FLOW_CALL_REL,		/* e8 */
	FLOW_JMP_IND,		/* ff /4 (near; far ff /5 is FLOW_OTHER) */
	FLOW_CALL_IND,		/* ff /2 (near; far ff /3 is FLOW_OTHER) */
	FLOW_RET,		/* c3, c2, cb, ca */
	FLOW_IRET,		/* cf */
	FLOW_INT,		/* cc, cd, f1 (int1), ud0/ud1/ud2 */
	FLOW_SYSCALL,		/* 0f 05, 0f 07, 0f 34, 0f 35 */
	FLOW_OTHER,		/* hlt, far jmp/call via memory, xbegin (rel
				 * set: the abort target), xabort, vmcall... */
};

struct insn {
	u8 len;			/* total bytes */
	u8 nprefixes;		/* legacy prefixes (66 67 f0 f2 f3, segment) */
	u8 last_rep;		/* last of f2/f3 seen, 0 if none: the mandatory prefix */
	bool opsize;		/* 66 present */
	bool addrsize;		/* 67 present */
	bool lock;		/* f0 present */
	u8 seg;			/* last segment prefix (26 2e 36 3e 64 65), 0 if none */
	u8 rex;			/* the REX byte, 0 if none */
	u8 vex;			/* 0, 2 (c5), 3 (c4), 4 (EVEX 62) or 0x8f (XOP) */
	enum insn_map map;
	u8 opcode;		/* the byte in its map */
	u8 opcode_off;		/* offset of that byte */
	bool has_modrm;
	u8 modrm, modrm_off;
	bool has_sib;
	u8 sib;
	u8 disp_size, disp_off;	/* 0, 1, 2 (67 + 16-bit never in 64-bit), 4 */
	s32 disp;
	u8 imm_size, imm_off;	/* total immediate bytes (enter: 3, moffs: 8) */
	s64 imm;		/* first immediate, sign-extended */
	bool rip_relative;	/* ModRM.mod=00 r/m=101: disp32 is from the next RIP */
	enum insn_flow flow;
	s32 rel;		/* FLOW_*_REL: target = address + len + rel */
};

/* Decodes the instruction at code (at most max bytes readable). Returns 0, or
 * -1 when the bytes are not a valid 64-bit instruction or run past max. */
int insn_decode(struct insn *in, const u8 *code, size_t max);

/* Next-instruction target of a FLOW_*_REL instruction at addr. */
static inline u64 insn_rel_target(const struct insn *in, u64 addr)
{
	return addr + in->len + (s64)in->rel;
}

/* A short name for the flow kind ("none", "jmp", "jcc", "call", ...). */
const char *insn_flow_name(enum insn_flow f);

#endif
