/* Safe MSR accessors with a restore log (msr.h). The log is what lets every
 * section promise to leave the machine's MSRs as it found them. */
#include "hw.h"
#include "msr.h"

#define MSR_LOG_MAX 128

static struct {
	u32 msr;
	u64 val;
} msr_log[MSR_LOG_MAX];
static unsigned msr_log_len;

int msr_read_safe(u32 msr, u64 *val)
{
	return hw_rdmsr(msr, val);
}

int rdpmc_safe(u32 index, u64 *val)
{
	return hw_rdpmc(index, val);
}

static bool msr_logged(u32 msr)
{
	for (unsigned i = 0; i < msr_log_len; i++)
		if (msr_log[i].msr == msr)
			return true;
	return false;
}

int msr_write_safe(u32 msr, u64 val)
{
	bool fresh = !msr_logged(msr);
	u64 old;
	int err;

	if (fresh) {
		/* An MSR that cannot be read back cannot be restored: refuse
		 * to write it rather than leave it changed. */
		err = hw_rdmsr(msr, &old);
		if (err)
			return err;
		if (msr_log_len == MSR_LOG_MAX)
			return HW_ERR_LOG_FULL;
		msr_log[msr_log_len].msr = msr;
		msr_log[msr_log_len].val = old;
		msr_log_len++;
	}
	err = hw_wrmsr(msr, val);
	/* A write that faulted changed nothing: nothing to restore. */
	if (err && fresh)
		msr_log_len--;
	return err;
}

int msr_write_unlogged(u32 msr, u64 val)
{
	return hw_wrmsr(msr, val);
}

unsigned msr_restore_all(unsigned *restored)
{
	unsigned mismatched = 0;

	*restored = msr_log_len;
	while (msr_log_len) {
		u64 now;

		msr_log_len--;
		if (hw_wrmsr(msr_log[msr_log_len].msr, msr_log[msr_log_len].val) ||
		    hw_rdmsr(msr_log[msr_log_len].msr, &now) ||
		    now != msr_log[msr_log_len].val)
			mismatched++;
	}
	return mismatched;
}
