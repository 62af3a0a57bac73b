/* The code patcher's log (kernel-side/cpu/text_poke.c) on a buffer standing
 * in for code, CR0 from the simulated CPU: what leaving a section restores
 * (all of it after an abort, what is still patched after a normal end, what
 * a part hands to the next), newest first; the bound, a refused write or
 * batch, and the log emptying and filling again section after section. */
#include "kernel-side/cpu/extable.h"
#include "kernel-side/cpu/text_poke.h"
#include "kernel-side/cpu/cpu.h"
#include "tests/unit/models/hw_sim.h"
#include "tests/unit/unit.h"

#define NSITES 4
/* A byte a site at a time, one past the log's bound. */
static u8 code[POKE_LOG_MAX + 1];
static u8 sites[NSITES][POKE_LEN];
static const u8 call[POKE_LEN] = { 0xe8, 0x11, 0x22, 0x33, 0x44 };
static const u8 nop[POKE_LEN] = { 0x0f, 0x1f, 0x44, 0x00, 0x00 };

static void setup(void)
{
	sim_reset();
	extable_set_live(true);		/* inside a section */
	text_poke_hand_on(false);
	for (unsigned i = 0; i < NSITES; i++)
		memcpy(sites[i], nop, POKE_LEN);
	memset(code, 0x90, sizeof(code));
}

static struct owned_stats leave(bool aborted)
{
	struct owned_stats st = { .aborted = aborted };

	text_poke_leave(&st);
	return st;
}

static void batch(const u8 *insn, unsigned n, struct poke *p)
{
	for (unsigned i = 0; i < n; i++) {
		p[i].addr = sites[i];
		memcpy(p[i].insn, insn, POKE_LEN);
	}
	text_poke_batch(p, n);
}

static bool all_nop(void)
{
	for (unsigned i = 0; i < NSITES; i++)
		if (memcmp(sites[i], nop, POKE_LEN))
			return false;
	return true;
}

static void test_abort_restores_everything(void)
{
	static const u8 int3 = INT3_INSN;
	struct poke p[NSITES];
	struct owned_stats st;

	setup();
	batch(call, 3, p);
	text_poke(sites[3], &int3, 1);
	CHECK(!memcmp(sites[0], call, POKE_LEN) && sites[3][0] == INT3_INSN);
	CHECK_U64(text_poke_logged(), 4);
	/* Each write put CR0 back as it found it. */
	CHECK_U64(sim_cr0_value() & X86_CR0_WP, X86_CR0_WP);
	st = leave(true);
	CHECK(all_nop());
	CHECK_U64(st.code_restored, 4);
	CHECK_U64(st.code_kept, 0);
	CHECK_U64(text_poke_logged(), 0);
	CHECK_U64(sim_cr0_value() & X86_CR0_WP, X86_CR0_WP);
}

static void test_normal_leave(void)
{
	struct poke p[NSITES];
	struct owned_stats st;
	unsigned writes;

	/* The mechanism unpatched its own sites: nothing to write. */
	setup();
	batch(call, 2, p);
	batch(nop, 2, p);
	CHECK_U64(text_poke_logged(), 2);	/* a site logged once */
	writes = sim_cr0_writes();
	st = leave(false);
	CHECK_U64(st.code_restored, 0);
	CHECK_U64(sim_cr0_writes(), writes);
	CHECK_U64(text_poke_logged(), 0);

	/* A site left patched at a normal end comes back too. */
	batch(call, 1, p);
	st = leave(false);
	CHECK_U64(st.code_restored, 1);
	CHECK(all_nop());
}

static void test_hand_on(void)
{
	struct poke p[NSITES];
	struct owned_stats st;

	setup();
	text_poke_hand_on(true);
	batch(call, 2, p);
	st = leave(false);
	CHECK_U64(st.code_kept, 2);
	CHECK_U64(st.code_restored, 0);
	CHECK(!memcmp(sites[1], call, POKE_LEN));
	CHECK_U64(text_poke_logged(), 2);
	/* The next part aborts: what the last part left is restored too. */
	st = leave(true);
	CHECK_U64(st.code_restored, 2);
	CHECK(all_nop());
	CHECK_U64(text_poke_logged(), 0);
	text_poke_hand_on(false);
}

/* An optimized probe's JMP (E9 01 02 03 04), written over an INT3 probe's
 * byte on sites[0]: the two logged writes of the cases below. */
static const u8 opt_jmp[POKE_LEN] = { 0xe9, 0x01, 0x02, 0x03, 0x04 };

static void int3_then_jmp(void)
{
	static const u8 int3 = INT3_INSN;
	struct poke p = { .addr = sites[0] };

	setup();
	text_poke(sites[0], &int3, 1);
	memcpy(p.insn, opt_jmp, POKE_LEN);
	text_poke_batch(&p, 1);
}

/* A probe's INT3 on byte 0, then a 5-byte write over the same site (an
 * optimized probe's JMP): the 5-byte entry logged the INT3 as its byte 0,
 * so only newest-first ends with the NOP. A 5-byte site takes the three
 * steps (INT3, body, byte 0: two CR0 writes each); a 1-byte one, one. */
static void test_reverse_order(void)
{
	struct owned_stats st;
	unsigned writes;

	int3_then_jmp();
	CHECK(!memcmp(sites[0], opt_jmp, POKE_LEN));
	CHECK_U64(text_poke_logged(), 2);
	writes = sim_cr0_writes();
	st = leave(true);
	CHECK_U64(st.code_restored, 2);
	CHECK(!memcmp(sites[0], nop, POKE_LEN));
	CHECK_U64(sim_cr0_writes() - writes, 2 * 3 + 2 * 1);
}

/* The same two writes, each undone by the mechanism in the order Linux
 * does (the JMP back to INT3 and the original tail, then the INT3 to the
 * original byte): the site is as the section found it, and a normal leave
 * writes nothing, though the 5-byte entry's own original began with INT3. */
static void test_overlap_undone(void)
{
	static const u8 int3 = INT3_INSN;
	struct owned_stats st;
	unsigned writes;

	int3_then_jmp();
	text_poke(sites[0], &int3, 1);
	text_poke(sites[0] + 1, nop + 1, POKE_LEN - 1);
	text_poke(sites[0], nop, 1);
	writes = sim_cr0_writes();
	st = leave(false);
	CHECK_U64(st.code_restored, 0);
	CHECK_U64(sim_cr0_writes(), writes);
	CHECK(!memcmp(sites[0], nop, POKE_LEN));
}

static void test_bound(void)
{
	static const u8 int3 = INT3_INSN;
	struct poke p[2];
	struct owned_stats st;

	setup();
	for (unsigned i = 0; i < POKE_LOG_MAX; i++)
		text_poke(&code[i], &int3, 1);
	CHECK_U64(text_poke_logged(), POKE_LOG_MAX);
	/* Full: a new site is refused, not written; a logged one still goes. */
	text_poke(&code[POKE_LOG_MAX], &int3, 1);
	CHECK_U64(code[POKE_LOG_MAX], 0x90);
	text_poke(&code[0], &code[POKE_LOG_MAX], 1);
	CHECK_U64(code[0], 0x90);
	/* A batch is refused whole: no INT3 in, its finish writes nothing. */
	batch(call, 2, p);
	CHECK(all_nop());
	st = leave(true);
	CHECK_U64(st.code_refused, 1 + 2);
	CHECK_U64(st.code_restored, POKE_LOG_MAX - 1);
	for (unsigned i = 0; i <= POKE_LOG_MAX; i++)
		CHECK_U64(code[i], 0x90);

	/* The next section starts with the log empty and fills it again. */
	st = leave(false);
	CHECK_U64(st.code_refused, 0);
	batch(call, 2, p);
	CHECK_U64(text_poke_logged(), 2);
	st = leave(true);
	CHECK_U64(st.code_restored, 2);
	CHECK(all_nop());
}

static void test_bytes_bound(void)
{
	static u8 big[POKE_LOG_BYTES + 1], fill[POKE_LOG_BYTES + 1];
	struct owned_stats st;

	setup();
	memset(fill, INT3_INSN, sizeof(fill));
	text_poke(big, fill, sizeof(big));
	CHECK_U64(big[0], 0);
	st = leave(false);
	CHECK_U64(st.code_refused, 1);
	text_poke(big, fill, POKE_LOG_BYTES);
	CHECK_U64(big[POKE_LOG_BYTES - 1], INT3_INSN);
	st = leave(true);
	CHECK_U64(st.code_restored, 1);
	CHECK_U64(big[POKE_LOG_BYTES - 1], 0);
}

static void test_outside_and_commit(void)
{
	struct poke p[NSITES];
	struct owned_stats st;

	/* Outside a section: written, not logged. */
	setup();
	extable_set_live(false);
	batch(call, 1, p);
	CHECK_U64(text_poke_logged(), 0);
	batch(nop, 1, p);
	extable_set_live(true);

	/* Committed (boot's NOPs): leaving keeps them. */
	batch(call, 2, p);
	text_poke_commit();
	st = leave(true);
	CHECK_U64(st.code_restored, 0);
	CHECK(!memcmp(sites[0], call, POKE_LEN));
}

int main(void)
{
	test_abort_restores_everything();
	test_normal_leave();
	test_hand_on();
	test_reverse_order();
	test_overlap_undone();
	test_bound();
	test_bytes_bound();
	test_outside_and_commit();
	return unit_done("text_poke");
}
