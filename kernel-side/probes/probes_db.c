/* suite=probes, the #DB cases (kvm-unit-tests x86/debug.c's properties,
 * dbcase.h): DR4 and CR4.DE, #BP, execute and data breakpoints with DR6,
 * ICEBP, single steps across STI, STI;HLT, MOV SS, ICEBP and general detect, a
 * watchpoint's #DB held over by MOV SS, a bus lock at CPL 0. Each case runs
 * db_cases.asm's code with dbcase.c's handler on #DB and #BP. */
#include "kernel-side/cpu/apic.h"
#include "kernel-side/cpu/cpu.h"
#include "kernel-side/cpu/debugreg.h"
#include "kernel-side/cpu/exception.h"
#include "kernel-side/cpu/hw.h"
#include "kernel-side/probes/dbcase.h"
#include "kernel-side/probes/probes_suite.h"
#include "lib/check.h"
#include "lib/libc.h"

u64 db_ss_basic(void);
u64 db_ss_emulated(void);
u64 db_ss_sti(void);
u64 db_ss_movss(void);
u64 db_ss_movss_icebp(void);
u64 db_ss_movss_gd(void);
u64 db_ss_sti_hlt(void);
u64 db_int3(void);
u64 db_icebp(void);
void db_exec_site(void);
u64 db_store(u64 *p);
u64 db_movss_icebp(u64 *sel);
u64 db_movss_int1(u64 *sel);
u64 db_movss_int3(u64 *sel);
u64 db_split_lock(u64 *p, u64 v);

#define SPLIT_MAGIC	0xdeadbeefdeadbeefull
/* The HLT's wake-up, in APIC timer ticks at divide 1: far more than the
 * instructions of the #DB taken before the HLT, so it comes at the HLT. */
#define HLT_WAKE_TICKS	1000000

static u64 watched __attribute__((aligned(8)));
/* Under QEMU TCG: its known deviations are skips (dbcase.h). */
static bool tcg;

/* Where vector v's gate sends the CPU (SDM Vol3A Figure 6-8). */
static u64 gate_entry(unsigned v)
{
	struct desc_ptr d;
	u16 lo, mid;
	u32 hi;

	sidt(&d);
	memcpy(&lo, (const u8 *)(uintptr_t)d.base + 16 * v, 2);
	memcpy(&mid, (const u8 *)(uintptr_t)d.base + 16 * v + 6, 2);
	memcpy(&hi, (const u8 *)(uintptr_t)d.base + 16 * v + 8, 4);
	return lo | (u64)mid << 16 | (u64)hi << 32;
}

static void run(enum db_case c, u64 (*fn)(void), u64 dr6)
{
	hw_write_dr(6, dr6);
	db_log_start();
	db_case_check(c, fn(), tcg);
}

static void run_at(enum db_case c, u64 (*fn)(u64 *), u64 *arg)
{
	db_log_start();
	db_case_check(c, fn(arg), tcg);
}

static void run_exec(enum db_case c, u64 dr6)
{
	hw_write_dr(6, dr6);
	db_log_start();
	db_exec_site();
	db_case_check(c, (u64)(uintptr_t)db_exec_site, tcg);
}

static void run_split_lock(void)
{
	u8 buf[128] __attribute__((aligned(64)));
	u64 *p = (u64 *)(buf + 60);	/* across a 64-byte line */

	memset(buf, 0, sizeof(buf));
	db_log_start();
	check_u64("probes.db.split-lock.value", db_split_lock(p, SPLIT_MAGIC), SPLIT_MAGIC);
	db_case_check(DB_SPLIT_LOCK, 0, tcg);
}

static bool timer_irq(struct trapframe *tf)
{
	apic_eoi();
	return true;
}

/* Without a timer to wake it the HLT would never end: skipped. */
static void run_sti_hlt(const struct lab *lab)
{
	if (apic_own(&lab->apic)) {
		check_skip("probes.db.ss-sti-hlt", "lapic-not-taken");
		return;
	}
	trap_set_handler(APIC_TIMER_VECTOR, timer_irq);
	apic_timer_start(APIC_TIMER_VECTOR, false, APIC_TDR_DIV_1, HLT_WAKE_TICKS);
	run(DB_SS_STI_HLT, db_ss_sti_hlt, DR6_INIT);
	apic_timer_stop();
	trap_set_handler(APIC_TIMER_VECTOR, NULL);
}

void ps_run_db(const struct lab *lab)
{
	struct dr_state saved;
	u64 ss;

	tcg = !strcmp(lab->cpu.hv_signature, "TCGTCGTCGTCG");
	dr_save(&saved);
	db_log.gate[0] = gate_entry(DB_VECTOR);
	db_log.gate[1] = gate_entry(BP_VECTOR);
	trap_set_handler(DB_VECTOR, db_log_trap);
	trap_set_handler(BP_VECTOR, db_log_trap);
	db_dr4_check();		/* its #UD is the exception table's */
	trap_set_handler(UD_VECTOR, db_log_trap);
	hw_write_dr(7, DR7_FIXED_1);
	run_split_lock();
	run(DB_INT3, db_int3, DR6_INIT);

	hw_write_dr(2, (u64)(uintptr_t)db_exec_site);
	hw_write_dr(7, DR7_FIXED_1 | DR7_G(2));
	run_exec(DB_EXEC, DR6_INIT);
	run_exec(DB_EXEC_BS, DR6_INIT | DR6_BS | DR6_B(1));

	hw_write_dr(7, DR7_FIXED_1);
	run(DB_SS_BASIC, db_ss_basic, DR6_INIT);
	run(DB_SS_EMULATED, db_ss_emulated, DR6_INIT);
	run(DB_SS_STI, db_ss_sti, DR6_INIT);
	run_sti_hlt(lab);
	run(DB_SS_MOVSS, db_ss_movss, DR6_INIT);
	run(DB_SS_MOVSS_ICEBP, db_ss_movss_icebp, DR6_INIT);
	/* With GD set, no DR access until the case's own #DB clears it. */
	db_log_start();
	hw_write_dr(7, DR7_FIXED_1 | DR7_GD);
	db_case_check(DB_SS_MOVSS_GD, db_ss_movss_gd(), tcg);

	hw_write_dr(1, (u64)(uintptr_t)&watched);
	hw_write_dr(7, dr7_set(0, 1, DR_RW_WRITE, 4));
	hw_write_dr(6, DR6_INIT | DR6_BS);
	run_at(DB_WATCH_BS, db_store, &watched);
	hw_write_dr(6, DR6_INIT);
	run_at(DB_WATCH, db_store, &watched);
	hw_write_dr(7, DR7_FIXED_1);
	run(DB_ICEBP, db_icebp, DR6_INIT);

	asm volatile("mov %%ss, %0" : "=r"(ss));
	watched = ss;
	hw_write_dr(7, dr7_set(0, 1, DR_RW_READ_WRITE, 4));
	run_at(DB_MOVSS_ICEBP, db_movss_icebp, &watched);
	run_at(DB_MOVSS_INT1, db_movss_int1, &watched);
	run_at(DB_MOVSS_INT3, db_movss_int3, &watched);

	trap_set_handler(DB_VECTOR, NULL);
	trap_set_handler(BP_VECTOR, NULL);
	trap_set_handler(UD_VECTOR, NULL);
	dr_restore(&saved);
}
