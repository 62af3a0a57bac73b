/* Code patching (text_poke.h). One CPU runs here, with interrupts off: the
 * INT3 step matters for a site that the patching path itself, an exception
 * handler or a future NMI might execute, and it is tested by doing exactly
 * that (suite=ftrace, check ftrace.int3-redirect). */
#include "kernel-side/cpu/extable.h"
#include "kernel-side/cpu/hw.h"
#include "lib/libc.h"
#include "kernel-side/cpu/text_poke.h"

#define ARMED_MAX	4096

static const struct poke *armed;	/* the batch whose INT3s are in */
static unsigned narmed;
static u64 int3_hits;

text_poke_narrate_fn text_poke_narrate;

/* The patch log (text_poke.h): each site's first bytes, in pool. */
static struct {
	u8 *addr;
	u16 len, off;
} sites[POKE_LOG_MAX];
static u8 pool[POKE_LOG_BYTES];
static unsigned nsites, npool;
static unsigned refused;	/* writes refused since the last leave */
static bool hand_on;
/* CR0 as a write found it, while that write has WP clear: an exception
 * there leaves it clear for the leave hook to set back. */
static u64 open_cr0;
static bool wp_open;
static struct poke restoring;	/* the site being restored, for the #BP hook */

static void poke(void *addr, const void *bytes, size_t len)
{
	u64 cr0 = hw_read_cr0();
	volatile u8 *dst = addr;
	const u8 *src = bytes;

	open_cr0 = cr0;
	wp_open = true;
	hw_write_cr0(cr0 & ~X86_CR0_WP);
	for (size_t i = 0; i < len; i++)
		dst[i] = src[i];
	hw_write_cr0(cr0);
	wp_open = false;
	sync_core();
}

/* The helpers carry the text_poke prefix, which the probe engine refuses
 * probes on (kprobe.c's machinery): a probe here would trap in the patching
 * its own arming does. */
static bool text_poke_in_log(const u8 *addr, size_t len)
{
	for (unsigned i = 0; i < nsites; i++)
		if (addr >= sites[i].addr && addr + len <= sites[i].addr + sites[i].len)
			return true;
	return false;
}

/* False when the log has no room: the write must not be made. */
static bool text_poke_log_site(u8 *addr, size_t len)
{
	if (!extable_live() || text_poke_in_log(addr, len))
		return true;
	if (nsites == POKE_LOG_MAX || len > POKE_LOG_BYTES - npool ||
	    owned_on_leave(text_poke_leave))
		return false;
	sites[nsites].addr = addr;
	sites[nsites].len = (u16)len;
	sites[nsites].off = (u16)npool;
	memcpy(pool + npool, addr, len);
	npool += (unsigned)len;
	nsites++;
	return true;
}

void text_poke_commit(void)
{
	nsites = npool = 0;
}

void text_poke_hand_on(bool on)
{
	hand_on = on;
}

unsigned text_poke_logged(void)
{
	return nsites;
}

/* The three steps, back to the logged bytes; a 5-byte site is a batch of
 * one for the #BP hook. */
static void text_poke_restore_site(u8 *addr, const u8 *orig, size_t len)
{
	static const u8 int3 = INT3_INSN;

	if (len == 1) {
		poke(addr, orig, 1);
		return;
	}
	if (len == POKE_LEN) {
		restoring.addr = addr;
		memcpy(restoring.insn, orig, POKE_LEN);
		trap_set_int3(TRAP_INT3_POKE, text_poke_int3);
		armed = &restoring;
		narmed = 1;
	}
	poke(addr, &int3, 1);
	poke(addr + 1, orig + 1, len - 1);
	poke(addr, orig, 1);
	armed = NULL;
	narmed = 0;
}

/* Whether site i holds what the section found there: each byte as the
 * oldest entry over it logged it. An entry logged over an older one (a JMP
 * over a probe's INT3) has the older write's bytes as its original, so its
 * own original would call a site the mechanism put back a changed one. */
static bool text_poke_as_found(unsigned i)
{
	for (unsigned k = 0; k < sites[i].len; k++) {
		const u8 *b = sites[i].addr + k;
		u8 was = pool[sites[i].off + k];

		for (unsigned j = 0; j < i; j++) {
			if (b >= sites[j].addr && b < sites[j].addr + sites[j].len) {
				was = pool[sites[j].off + (b - sites[j].addr)];
				break;
			}
		}
		if (*b != was)
			return false;
	}
	return true;
}

void text_poke_leave(struct owned_stats *st)
{
	if (wp_open) {
		hw_write_cr0(open_cr0);
		wp_open = false;
	}
	st->code_refused += refused;
	refused = 0;
	/* Newest first: a site logged over an older one's bytes (a probe's
	 * INT3 under a later 5-byte write) comes back in the order it went. */
	for (unsigned i = nsites; i-- > 0;) {
		const u8 *orig = pool + sites[i].off;

		if (text_poke_as_found(i))
			continue;
		if (hand_on && !st->aborted) {
			st->code_kept++;
			continue;
		}
		text_poke_restore_site(sites[i].addr, orig, sites[i].len);
		st->code_restored++;
	}
	/* An abort in the middle of a batch leaves its INT3s: restored above. */
	armed = NULL;
	narmed = 0;
	if (st->code_kept)
		owned_on_leave(text_poke_leave);
	else
		nsites = npool = 0;
}

void text_poke(void *addr, const void *bytes, size_t len)
{
	u8 before[POKE_NARRATE_MAX];

	if (!text_poke_log_site(addr, len)) {
		refused++;
		return;
	}
	if (text_poke_narrate && len <= POKE_NARRATE_MAX)
		memcpy(before, addr, len);
	poke(addr, bytes, len);
	if (text_poke_narrate && len <= POKE_NARRATE_MAX)
		text_poke_narrate(POKE_STEP_EARLY, addr, before, bytes, len);
}

void text_poke_arm(const struct poke *p, unsigned n)
{
	static const u8 int3 = INT3_INSN;

	unsigned log_sites = nsites, log_bytes = npool;

	for (unsigned i = 0; i < n; i++) {
		if (!text_poke_log_site(p[i].addr, POKE_LEN)) {
			nsites = log_sites;
			npool = log_bytes;
			refused += n;
			armed = NULL;
			narmed = 0;
			return;
		}
	}
	trap_set_int3(TRAP_INT3_POKE, text_poke_int3);
	armed = p;
	narmed = n < ARMED_MAX ? n : ARMED_MAX;
	for (unsigned i = 0; i < n; i++) {
		u8 before[POKE_LEN];

		if (text_poke_narrate)
			memcpy(before, p[i].addr, POKE_LEN);
		poke(p[i].addr, &int3, 1);
		if (text_poke_narrate)
			text_poke_narrate(POKE_STEP_INT3, p[i].addr, before, p[i].insn, POKE_LEN);
	}
}

void text_poke_finish(const struct poke *p, unsigned n)
{
	if (p != armed)
		return;		/* its arm was refused */
	for (unsigned i = 0; i < n; i++) {
		poke(p[i].addr + 1, p[i].insn + 1, POKE_LEN - 1);
		if (text_poke_narrate)
			text_poke_narrate(POKE_STEP_BODY, p[i].addr, NULL, p[i].insn, POKE_LEN);
	}
	for (unsigned i = 0; i < n; i++) {
		poke(p[i].addr, p[i].insn, 1);
		if (text_poke_narrate)
			text_poke_narrate(POKE_STEP_FIRST, p[i].addr, NULL, p[i].insn, POKE_LEN);
	}
	armed = NULL;
	narmed = 0;
}

void text_poke_batch(const struct poke *p, unsigned n)
{
	text_poke_arm(p, n);
	text_poke_finish(p, n);
}

/* #BP is a trap: RIP is the byte after the INT3 (SDM Vol3A 6.5). A JMP
 * rel32 (a jump-optimized probe's) is emulated, as Linux's
 * poke_int3_handler does: the bytes it stands for may not be skipped. The
 * other instructions pmulab pokes are a NOP or a CALL to a tracer or probe
 * trampoline, so resuming after the site runs the function untraced for
 * this one call. Emulating the CALL, as Linux does, would need a gap below
 * the exception frame for the pushed return address (Linux's
 * int3_emulate_push); skipping costs at most one traced call. */
bool text_poke_int3(struct trapframe *tf)
{
	for (unsigned i = 0; i < narmed; i++) {
		u64 site = (u64)(uintptr_t)armed[i].addr;
		s32 rel;

		if (site + 1 != tf->rip)
			continue;
		tf->rip = site + POKE_LEN;
		if (armed[i].insn[0] == JMP_REL32) {
			memcpy(&rel, armed[i].insn + 1, sizeof(rel));
			tf->rip += (u64)(s64)rel;
		}
		int3_hits++;
		return true;
	}
	return false;
}

u64 text_poke_int3_hits(void)
{
	return int3_hits;
}
