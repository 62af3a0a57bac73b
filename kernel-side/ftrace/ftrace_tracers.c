/* The tracers behind ftrace_caller (ftrace.h). One CPU, interrupts off: the
 * "per-CPU" state is one set, and the recursion guard stops a traced
 * function called from inside a tracer from tracing itself again.
 *
 * The function tracer with an overwriting ring, the common case, never gets
 * here: ftrace_caller writes its entry itself (ftrace_tracers.asm), on the
 * ring below, whose layout and bookkeeping it shares. */
#include <stddef.h>
#include "kernel-side/ftrace/ftrace.h"
#include "kernel-side/cpu/hw.h"
#include "lib/libc.h"

_Static_assert(sizeof(struct ftrace_event) == 40 && offsetof(struct ftrace_event, ip) == 8 &&
	       offsetof(struct ftrace_event, parent) == 16 &&
	       offsetof(struct ftrace_event, depth) == 32 &&
	       offsetof(struct ftrace_event, type) == 36, "ftrace_tracers.asm's layout");
_Static_assert(!(FTRACE_RING_MAX & (FTRACE_RING_MAX - 1)), "a power of two: the asm masks");

struct ftrace_event ftrace_ring[FTRACE_RING_MAX];
u32 ftrace_head, ftrace_count;		/* next slot; entries kept */
u64 ftrace_written, ftrace_lost;
u8 ftrace_fast;				/* the asm path is on */

static u64 skipped, start_tsc;
static enum ftrace_tracer tracer;
static bool overwrite, busy;

/* function_graph's shadow stack: the real return addresses. */
static struct {
	u64 ret, ip, ts;
	u64 *slot;
} shadow[FTRACE_GRAPH_DEPTH];
static unsigned depth;

static struct ftrace_profile profile[FTRACE_PROFILE_MAX];
static unsigned nprofile;

void ftrace_start(enum ftrace_tracer t, bool ow)
{
	ftrace_fast = 0;
	ftrace_head = ftrace_count = depth = nprofile = 0;
	ftrace_written = ftrace_lost = skipped = 0;
	overwrite = ow;
	busy = false;
	start_tsc = hw_rdtsc();
	tracer = t;
	ftrace_fast = t == FTRACE_FUNCTION && ow;
}

void ftrace_stop(void)
{
	ftrace_fast = 0;
	tracer = FTRACE_OFF;
}

u64 ftrace_start_tsc(void)
{
	return start_tsc;
}

static struct ftrace_event *ring_slot(void)
{
	struct ftrace_event *e;

	ftrace_written++;
	if (ftrace_count == FTRACE_RING_MAX) {
		ftrace_lost++;
		if (!overwrite)
			return NULL;
		ftrace_count--;	/* the oldest goes */
	}
	e = &ftrace_ring[ftrace_head];
	ftrace_head = (ftrace_head + 1) & (FTRACE_RING_MAX - 1);
	ftrace_count++;
	return e;
}

static void ring_put(u64 ts, u64 ip, u64 parent, u8 type, u32 d, u64 duration)
{
	struct ftrace_event *e = ring_slot();

	if (e)
		*e = (struct ftrace_event){ ts, ip, parent, duration, d, type };
}

static void profile_hit(u64 ip, u64 ticks)
{
	unsigned i;

	for (i = 0; i < nprofile && profile[i].ip != ip; i++)
		;
	if (i == nprofile) {
		if (nprofile == FTRACE_PROFILE_MAX) {
			ftrace_lost++;
			return;
		}
		profile[nprofile++] = (struct ftrace_profile){ ip, 0, 0 };
	}
	profile[i].hits++;
	profile[i].total += ticks;
}

void ftrace_entry(u64 ip, u64 *parent_slot)
{
	u64 ts;

	if (busy || tracer == FTRACE_OFF)
		return;
	busy = true;
	ts = hw_rdtsc();
	if (tracer == FTRACE_FUNCTION) {
		ring_put(ts, ip, *parent_slot, FT_CALL, 0, 0);
	} else if (depth == FTRACE_GRAPH_DEPTH) {
		ftrace_lost++;	/* too deep: this call runs untraced */
	} else {
		shadow[depth].ret = *parent_slot;
		shadow[depth].ip = ip;
		shadow[depth].slot = parent_slot;
		if (tracer == FTRACE_GRAPH)
			ring_put(ts, ip, 0, FT_ENTRY, depth, 0);
		/* Timed last, so the entry's own cost is not the function's. */
		shadow[depth].ts = hw_rdtsc();
		depth++;
		*parent_slot = (u64)(uintptr_t)ftrace_return_to_handler;
	}
	busy = false;
}

u64 ftrace_graph_return(u64 *slot)
{
	u64 ts = hw_rdtsc();
	unsigned d;

	/* A frame whose slot is not this one was left by an early exit (a
	 * fault's longjmp out of the section): drop it. */
	while (depth && shadow[depth - 1].slot != slot) {
		depth--;
		skipped++;
	}
	if (!depth)
		__builtin_trap();	/* no return address to give back: report it */
	d = --depth;
	if (tracer == FTRACE_GRAPH)
		ring_put(ts, shadow[d].ip, 0, FT_EXIT, d, ts - shadow[d].ts);
	else if (tracer == FTRACE_PROFILE)
		profile_hit(shadow[d].ip, ts - shadow[d].ts);
	return shadow[d].ret;
}

unsigned ftrace_event_count(void)
{
	return ftrace_count;
}

const struct ftrace_event *ftrace_event(unsigned i)
{
	if (i >= ftrace_count)
		return NULL;
	return &ftrace_ring[(ftrace_head - ftrace_count + i) & (FTRACE_RING_MAX - 1)];
}

u64 ftrace_written_count(void)
{
	return ftrace_written;
}

u64 ftrace_lost_count(void)
{
	return ftrace_lost;
}

u64 ftrace_graph_skipped(void)
{
	return skipped;
}

unsigned ftrace_profile_count(void)
{
	return nprofile;
}

const struct ftrace_profile *ftrace_profile(unsigned i)
{
	return i < nprofile ? &profile[i] : NULL;
}

bool ftrace_glob(const char *pat, size_t plen, const char *name)
{
	if (!plen)
		return !*name;
	if (*pat == '*')
		return ftrace_glob(pat + 1, plen - 1, name) ||
		       (*name && ftrace_glob(pat, plen, name + 1));
	if (!*name || (*pat != '?' && *pat != *name))
		return false;
	return ftrace_glob(pat + 1, plen - 1, name + 1);
}

bool ftrace_match_list(const char *list, const char *name)
{
	const char *p = list;

	while (*p) {
		const char *e = p;

		while (*e && *e != ',')
			e++;
		if (e > p && ftrace_glob(p, e - p, name))
			return true;
		p = *e ? e + 1 : e;
	}
	return false;
}
