/* Known-length loops (loops.asm): per-iteration counts are exact. */
#ifndef PMULAB_LOOPS_H
#define PMULAB_LOOPS_H

#include "types.h"

#define MB_LOOP_INSNS		2	/* dec, jnz */
#define MB_LOOP_BRANCHES	1
#define MB_NOP8_INSNS		10	/* 8 nop, dec, jnz */
#define MB_NOP8_BRANCHES	1

void mb_loop(u64 n);
void mb_nop8(u64 n);

#endif
