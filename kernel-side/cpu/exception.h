/* Exception vectors (SDM Vol3A 6.3.1 Table 6-1) and the error codes the safe
 * hardware accessors return. Pure data: shared by the payload and unit tests. */
#ifndef PMULAB_EXCEPTION_H
#define PMULAB_EXCEPTION_H

#include "lib/types.h"

#define DE_VECTOR	0	/* divide error */
#define DB_VECTOR	1	/* debug */
#define NMI_VECTOR	2
#define BP_VECTOR	3	/* INT3 */
#define UD_VECTOR	6	/* invalid opcode */
#define DF_VECTOR	8	/* double fault */
#define GP_VECTOR	13	/* general protection */
#define PF_VECTOR	14	/* page fault */
#define NR_EXCEPTIONS	32

/* Vectors that push an error code (SDM Vol3A Table 6-1). */
#define EXC_HAS_ERROR_CODE(v) \
	((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21 || \
	 (v) == 29 || (v) == 30)

/* Safe-accessor results: 0 ok, else one of these. A fault carries its vector,
 * so a #DE (vector 0) is still distinguishable from success. */
#define HW_ERR_FAULT		0x100		/* | vector */
#define HW_ERR_NOT_OWNED	0x200		/* called outside the owned world */
#define HW_ERR_LOG_FULL		0x201		/* a restore log full (MSRs, leave hooks): refused */
#define HW_ERR_NOT_SUPPORTED	0x202		/* this PMU has no such register */
#define HW_ERR_IS_FAULT(err)	(((err) & ~0xff) == HW_ERR_FAULT)
#define HW_ERR_VECTOR(err)	((err) & 0xff)

/* "UD" for 6, "vec22" for reserved vectors. */
const char *exc_name(unsigned vector);
/* "ok", "#GP", "not-owned", "log-full" — into buf (at least 16 bytes). */
const char *hw_err_name(int err, char *buf);

#endif
