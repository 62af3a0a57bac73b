/* Safe MSR accessors with a restore log (msr.h). The log is what lets every
 * section promise to leave the machine's MSRs as it found them. */
#include "kernel-side/cpu/hw.h"
#include "kernel-side/cpu/msr.h"

#define MSR_LOG_MAX 128

static struct {
	u32 msr;
	u64 val;
} msr_log[MSR_LOG_MAX];
static unsigned msr_log_len;

msr_narrate_fn msr_narrate;

/* Accesses made while narration is held, replayed by the release. */
#define MSR_HELD_MAX 16

static struct {
	u32 msr;
	u64 val;
	int err;
	enum msr_op op;
} msr_held[MSR_HELD_MAX];
static unsigned msr_nheld, msr_held_dropped;
/* Holds nest: the LBR's recording (lbr.c) can hold inside a sampled run's
 * (and a PMI handler's lbr_freeze() inside both); the last release tells. */
static unsigned msr_holding;

/* Off, this is one load and a branch per access. Held, a store or two: the
 * same few instructions in every run of a counted region, so the
 * difference method cancels them. */
static void narrate(enum msr_op op, u32 msr, u64 val, int err)
{
	if (!msr_narrate)
		return;
	if (!msr_holding) {
		msr_narrate(op, msr, val, err, 0);
		return;
	}
	if (msr_nheld == MSR_HELD_MAX) {
		msr_held_dropped++;
		return;
	}
	msr_held[msr_nheld].op = op;
	msr_held[msr_nheld].msr = msr;
	msr_held[msr_nheld].val = val;
	msr_held[msr_nheld].err = err;
	msr_nheld++;
}

void msr_narrate_other(enum msr_op op, u32 msr, u64 val)
{
	narrate(op, msr, val, 0);
}

void msr_narrate_hold(bool hold)
{
	if (hold) {
		msr_holding++;
		return;
	}
	if (msr_holding)
		msr_holding--;
	if (msr_holding || !msr_narrate)
		return;
	for (unsigned i = 0; i < msr_nheld; i++)
		msr_narrate(msr_held[i].op, msr_held[i].msr, msr_held[i].val,
			    msr_held[i].err, i + 1 == msr_nheld ? msr_held_dropped : 0);
	msr_nheld = 0;
	msr_held_dropped = 0;
}

int msr_read_safe(u32 msr, u64 *val)
{
	int err = hw_rdmsr(msr, val);

	narrate(MSR_OP_READ, msr, *val, err);
	return err;
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
		if (!err && msr_log_len == MSR_LOG_MAX)
			err = HW_ERR_LOG_FULL;
		if (err) {
			narrate(MSR_OP_WRITE, msr, val, err);
			return err;
		}
		msr_log[msr_log_len].msr = msr;
		msr_log[msr_log_len].val = old;
		msr_log_len++;
	}
	err = hw_wrmsr(msr, val);
	/* A write that faulted changed nothing: nothing to restore. */
	if (err && fresh)
		msr_log_len--;
	narrate(MSR_OP_WRITE, msr, val, err);
	return err;
}

int msr_write_unlogged(u32 msr, u64 val)
{
	int err = hw_wrmsr(msr, val);

	narrate(MSR_OP_WRITE, msr, val, err);
	return err;
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
