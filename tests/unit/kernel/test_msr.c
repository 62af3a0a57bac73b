/* msr.c: safe accessors and the restore log, against the simulated CPU. */
#include "kernel-side/cpu/hw.h"
#include "tests/unit/models/hw_sim.h"
#include "kernel-side/cpu/msr.h"
#include "tests/unit/unit.h"

static void test_read_fault(void)
{
	u64 v = 123;

	sim_reset();
	CHECK_U64(msr_read_safe(0x1234, &v), HW_ERR_FAULT | GP_VECTOR);
	CHECK_U64(v, 0);
	sim_msr(0x1234, 42, SIM_MSR_RW);
	CHECK_U64(msr_read_safe(0x1234, &v), 0);
	CHECK_U64(v, 42);
}

static void test_restore(void)
{
	unsigned restored;

	sim_reset();
	sim_msr(MSR_IA32_EVNTSEL0, 0x11, SIM_MSR_RW);
	sim_msr(MSR_IA32_PERFCTR0, 0x22, SIM_MSR_RW);
	CHECK_U64(msr_write_safe(MSR_IA32_EVNTSEL0, 0x4300c0), 0);
	CHECK_U64(msr_write_safe(MSR_IA32_PERFCTR0, 5), 0);
	/* A second write to a logged MSR keeps the first old value. */
	CHECK_U64(msr_write_safe(MSR_IA32_EVNTSEL0, 0), 0);
	CHECK_U64(sim_msr_value(MSR_IA32_EVNTSEL0), 0);
	CHECK_U64(msr_restore_all(&restored), 0);
	CHECK_U64(restored, 2);
	CHECK_U64(sim_msr_value(MSR_IA32_EVNTSEL0), 0x11);
	CHECK_U64(sim_msr_value(MSR_IA32_PERFCTR0), 0x22);
	/* The log is empty afterwards. */
	CHECK_U64(msr_restore_all(&restored), 0);
	CHECK_U64(restored, 0);
}

static void test_unreadable_refused(void)
{
	unsigned restored;

	sim_reset();
	/* Not readable (absent): the write is refused, nothing is logged. */
	CHECK_U64(msr_write_safe(0xc0010004, 1), HW_ERR_FAULT | GP_VECTOR);
	CHECK_U64(sim_msr_writes(), 0);
	CHECK_U64(msr_restore_all(&restored), 0);
	CHECK_U64(restored, 0);
}

static void test_write_fault(void)
{
	unsigned restored;

	sim_reset();
	sim_msr(0x345, 0x33c5, SIM_MSR_RO);
	CHECK_U64(msr_write_safe(0x345, 0), HW_ERR_FAULT | GP_VECTOR);
	CHECK_U64(sim_msr_value(0x345), 0x33c5);
	/* The failed write changed nothing, so there is nothing to restore. */
	CHECK_U64(msr_restore_all(&restored), 0);
	CHECK_U64(restored, 0);
	/* A logged MSR whose later write faults stays logged and restored. */
	sim_msr(0x1d9, 1, SIM_MSR_RW);
	CHECK_U64(msr_write_safe(0x1d9, 0), 0);
	sim_msr(0x1d9, 0, SIM_MSR_RO);
	CHECK_U64(msr_write_safe(0x1d9, 3), HW_ERR_FAULT | GP_VECTOR);
	CHECK_U64(msr_restore_all(&restored), 1);
	CHECK_U64(restored, 1);
}

static void test_mismatch(void)
{
	unsigned restored;

	sim_reset();
	sim_msr(MSR_K7_PERFCTR0, 7, SIM_MSR_RW);
	CHECK_U64(msr_write_safe(MSR_K7_PERFCTR0, 100), 0);
	/* The counter moves on by itself: the restore does not read back. */
	sim_msr_drift(MSR_K7_PERFCTR0, 8);
	CHECK_U64(msr_restore_all(&restored), 1);
	CHECK_U64(restored, 1);
}

static void test_tcg_drop(void)
{
	unsigned restored;
	u64 v = 1;

	sim_reset();
	sim_msr_default_drop(true);
	CHECK_U64(msr_write_safe(MSR_K7_PERFCTR0, 0x5a5a), 0);
	CHECK_U64(msr_read_safe(MSR_K7_PERFCTR0, &v), 0);
	CHECK_U64(v, 0);
	CHECK_U64(msr_restore_all(&restored), 0);
	CHECK_U64(restored, 1);
}

static void test_log_full(void)
{
	unsigned restored;
	u32 msr;

	sim_reset();
	for (msr = 0x1000; msr < 0x1000 + 128; msr++) {
		sim_msr(msr, msr, SIM_MSR_RW);
		CHECK_U64(msr_write_safe(msr, 0), 0);
	}
	sim_msr(msr, msr, SIM_MSR_RW);
	CHECK_U64(msr_write_safe(msr, 0), HW_ERR_LOG_FULL);
	CHECK_U64(sim_msr_value(msr), msr);
	/* Rewriting an already logged MSR still works when the log is full. */
	CHECK_U64(msr_write_safe(0x1000, 9), 0);
	CHECK_U64(msr_restore_all(&restored), 0);
	CHECK_U64(restored, 128);
	for (msr = 0x1000; msr < 0x1000 + 128; msr++)
		CHECK_U64(sim_msr_value(msr), msr);
}

static void test_rdpmc(void)
{
	u64 v = 5;

	sim_reset();
	sim_rdpmc(HW_ERR_FAULT | UD_VECTOR, 0);
	CHECK_U64(rdpmc_safe(0, &v), HW_ERR_FAULT | UD_VECTOR);
	CHECK_U64(v, 0);
	sim_rdpmc(0, 0x1234);
	CHECK_U64(rdpmc_safe(0, &v), 0);
	CHECK_U64(v, 0x1234);
}

static void test_err_names(void)
{
	char buf[16];

	CHECK_STR(hw_err_name(0, buf), "ok");
	CHECK_STR(hw_err_name(HW_ERR_FAULT | GP_VECTOR, buf), "#GP");
	CHECK_STR(hw_err_name(HW_ERR_FAULT | UD_VECTOR, buf), "#UD");
	CHECK_STR(hw_err_name(HW_ERR_FAULT | DE_VECTOR, buf), "#DE");
	CHECK_STR(hw_err_name(HW_ERR_FAULT | 22, buf), "#vec22");
	CHECK_STR(hw_err_name(HW_ERR_NOT_OWNED, buf), "not-owned");
	CHECK_STR(hw_err_name(HW_ERR_LOG_FULL, buf), "log-full");
	CHECK(HW_ERR_IS_FAULT(HW_ERR_FAULT | DE_VECTOR));
	CHECK(!HW_ERR_IS_FAULT(HW_ERR_LOG_FULL));
	CHECK_STR(exc_name(14), "PF");
	CHECK(EXC_HAS_ERROR_CODE(13) && EXC_HAS_ERROR_CODE(8) && !EXC_HAS_ERROR_CODE(6));
}

int main(void)
{
	test_read_fault();
	test_restore();
	test_unreadable_refused();
	test_write_fault();
	test_mismatch();
	test_tcg_drop();
	test_log_full();
	test_rdpmc();
	test_err_names();
	return unit_done("msr");
}
