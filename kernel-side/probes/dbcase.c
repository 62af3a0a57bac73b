/* suite=probes' #DB cases (dbcase.h): the log, its line and the SDM's
 * line for each case. The offsets are those of db_cases.asm's encodings;
 * SDM Vol3B 18.3 for what each #DB reports, Vol3A 6.8.3 for MOV SS. */
#include "kernel-side/cpu/debugreg.h"
#include "kernel-side/cpu/exception.h"
#include "kernel-side/cpu/hw.h"
#include "kernel-side/probes/dbcase.h"
#include "lib/check.h"
#include "lib/fmt.h"
#include "lib/insn.h"
#include "lib/libc.h"
#include "lib/record.h"

struct db_log db_log;

/* TCG's lines are QEMU 7.2's (docs/probes.md section 10). */
#define TCG_STI		"tcg-sti-shadow-blocks-step"
#define TCG_ICEBP	"tcg-icebp-undefined"
#define TCG_HLT		"tcg-sti-shadow-and-hlt-wake-block-step"
#define TCG_GD		"tcg-no-general-detect"
#define TCG_MOVSS	"tcg-movss-does-not-hold-data-breakpoints"

const struct db_case_want db_cases[DB_CASES] = {
	/* TF set by POPF traps after the instruction following the POPF. */
	[DB_SS_BASIC] = { "ss-basic", "+0:BS +1:BS +2:BS" },
	[DB_SS_EMULATED] = { "ss-emulated", "+0:BS +1:BS +4:BS +6:BS +11:BS +12:BS +13:BS" },
	/* STI's shadow blocks interrupts, not the single step after it. */
	[DB_SS_STI] = { "ss-sti", "+0:BS +6:BS +7:BS +8:BS", "+6:BS +7:BS +8:BS", TCG_STI },
	/* MOV SS holds its step over to the end of the next instruction. */
	[DB_SS_MOVSS] = { "ss-movss", "+0:BS +1:BS +2:BS" },
	/* ICEBP's #DB is not held off by MOV SS and reports no condition. */
	[DB_SS_MOVSS_ICEBP] = { "ss-movss-icebp", "+0:none +1:none +7:BS +8:BS +9:BS",
				"-1:#UD +0:#UD +7:BS +8:BS +9:BS", TCG_ICEBP },
	/* General detect is a fault that MOV SS does not hold off. */
	[DB_SS_MOVSS_GD] = { "ss-movss-gd", "+0:BD +3:BS +9:BS +10:BS +11:BS",
			     "+3:BS +9:BS +10:BS +11:BS", TCG_GD },
	/* HLT woken by an interrupt, then stepped as any instruction. */
	[DB_SS_STI_HLT] = { "ss-sti-hlt", "+0:BS +1:BS +7:BS +8:BS +9:BS",
			    "+7:BS +8:BS +9:BS", TCG_HLT },
	[DB_INT3] = { "int3", "+0:#BP" },
	/* B0-B3 say which matched; BS, set by software, stays. */
	[DB_EXEC] = { "exec-dr2", "+0:B2" },
	[DB_EXEC_BS] = { "exec-dr2-bs-kept", "+0:B2|BS" },
	[DB_WATCH_BS] = { "watch-bs-kept", "+0:B1|BS" },
	[DB_WATCH] = { "watch-bs-not-set", "+0:B1" },
	[DB_ICEBP] = { "icebp", "+0:none", "-1:#UD", TCG_ICEBP },
	/* A watchpoint hit by MOV SS: its #DB is held over the next
	 * instruction; ICEBP's #DB carries it, an INT n or INT3 is delivered
	 * first and it comes at the gate's first instruction. */
	[DB_MOVSS_ICEBP] = { "movss-watch-icebp", "+3:B1", "+0:B1 +0:#UD", TCG_MOVSS },
	[DB_MOVSS_INT1] = { "movss-watch-int1", "gate1:B1 +2:none", "+0:B1 +2:none", TCG_MOVSS },
	[DB_MOVSS_INT3] = { "movss-watch-int3", "gate3:B1 +12:#BP", "+0:B1 +12:#BP", TCG_MOVSS },
	[DB_SPLIT_LOCK] = { "split-lock", "-" },
};

void db_log_start(void)
{
	db_log.n = 0;
}

bool db_log_trap(struct trapframe *tf)
{
	u64 dr6 = DR6_INIT, dr7 = hw_read_dr(7);

	if (db_log.n == DB_LOG_MAX)
		return true;
	if (tf->vector == DB_VECTOR) {
		dr6 = hw_read_dr(6);
		hw_write_dr(6, DR6_INIT);
		/* An instruction breakpoint is a fault: RF lets the IRET run
		 * the instruction (SDM Vol3B 18.3.1.1). */
		for (unsigned n = 0; n < NR_BREAKPOINTS; n++)
			if ((dr6 & DR6_B(n)) && (dr7 & (DR7_L(n) | DR7_G(n))) &&
			    !(dr7 >> DR7_RW_SHIFT(n) & DR7_FIELD_MASK))
				tf->rflags |= X86_EFLAGS_RF;
	}
	db_log.hit[db_log.n] = (struct db_hit){ tf->vector, tf->rip, dr6 };
	/* An instruction this CPU lacks (TCG: ICEBP) is logged and skipped,
	 * so the case's line shows what came instead. */
	if (tf->vector == UD_VECTOR) {
		struct insn in;

		if (insn_decode(&in, (const u8 *)(uintptr_t)tf->rip, INSN_MAX_LEN))
			return false;
		tf->rip += in.len;
	}
	if (++db_log.n == DB_LOG_MAX) {
		tf->rflags &= ~X86_EFLAGS_TF;
		hw_write_dr(7, DR7_FIXED_1);
	}
	return true;
}

const char *db_log_line(u64 base, char *buf, size_t size)
{
	size_t k = 0;		/* fmt_snprintf stores at most size - 1 */
	char d[32];

	fmt_snprintf(buf, size, "-");
	for (unsigned i = 0; i < db_log.n; i++) {
		const struct db_hit *h = &db_log.hit[i];

		k += fmt_snprintf(buf + k, size - k, i ? " " : "");
		if (h->rip && h->rip == db_log.gate[0])
			k += fmt_snprintf(buf + k, size - k, "gate1");
		else if (h->rip && h->rip == db_log.gate[1])
			k += fmt_snprintf(buf + k, size - k, "gate3");
		else if (h->rip - base < DB_CASE_SPAN)
			k += fmt_snprintf(buf + k, size - k, "+%llu",
					  (unsigned long long)(h->rip - base));
		else if (base - h->rip < DB_CASE_SPAN)
			k += fmt_snprintf(buf + k, size - k, "-%llu",
					  (unsigned long long)(base - h->rip));
		else
			k += fmt_snprintf(buf + k, size - k, "out");
		if (h->vector != DB_VECTOR)
			k += fmt_snprintf(buf + k, size - k, ":#%s", exc_name((unsigned)h->vector));
		else
			k += fmt_snprintf(buf + k, size - k, ":%s", dr6_decode(h->dr6, d, sizeof(d)));
	}
	return buf;
}

bool db_case_check(enum db_case c, u64 base, bool tcg)
{
	const struct db_case_want *w = &db_cases[c];
	char name[48], line[DB_LOG_MAX * 16];
	struct rec r;

	fmt_snprintf(name, sizeof(name), "probes.db.%s", w->name);
	db_log_line(base, line, sizeof(line));
	if (!tcg || !w->tcg || strcmp(line, w->tcg))
		return check_str(name, line, w->want);
	/* Exactly what TCG is known to do instead: a skip naming it. */
	check_begin(&r, name, CHECK_SKIP);
	rec_str(&r, "reason", w->tcg_why);
	rec_str(&r, "value", line);
	rec_str(&r, "expect", w->want);
	rec_end(&r);
	return false;
}

void db_dr4_check(void)
{
	const u64 mark = DR6_INIT | DR6_BS | DR6_B(1);
	u64 cr4 = hw_read_cr4(), v;
	char err[16];
	int e;

	hw_write_cr4(cr4 & ~X86_CR4_DE);
	hw_write_dr(6, mark);
	hw_read_dr4(&v);
	check_u64("probes.db.dr4-alias", v, mark);
	hw_write_cr4(cr4 | X86_CR4_DE);
	e = hw_read_dr4(&v);
	check_str("probes.db.dr4-ud", hw_err_name(e, err), "#UD");
	hw_write_cr4(cr4);
	hw_write_dr(6, DR6_INIT);
}
