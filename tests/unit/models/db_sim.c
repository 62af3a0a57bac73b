/* The model CPU's debug exceptions (db_sim.h). Register bits are the
 * models' own (spec.h): DR6 Vol3B 18.2.3, DR7 18.2.4, CR4.DE 18.2.2. */
#include <string.h>
#include "tests/unit/models/db_sim.h"
#include "tests/unit/models/hw_sim.h"

#define M_DR7_EN(n)	(SPEC_DR7_L(n) | SPEC_DR7_G(n))
#define M_DR7_RW(d, n)	((unsigned)((d) >> SPEC_DR7_RW_SHIFT(n)) & 3)
#define M_DR7_LEN(d, n)	((unsigned)((d) >> SPEC_DR7_LEN_SHIFT(n)) & 3)
#define M_RW_EXEC	(1u << 0)			/* R/W kinds as a mask */
#define M_RW_WRITE	(1u << 1 | 1u << 3)
#define M_RW_READ	(1u << 3)
/* Instructions a run may take: a case has 8 at most, a runaway far more. */
#define MAX_STEPS	64

struct db_faults db_faults;
static u8 code[256];
static u64 cr4, rflags;
static db_sim_deliver_fn deliver;

void db_sim_reset(void)
{
	memset(&db_faults, 0, sizeof(db_faults));
	cr4 = 0;
}

u64 db_sim_addr(const struct db_insn *prog, unsigned i)
{
	u64 a = (u64)(uintptr_t)code;

	for (unsigned k = 0; k < i; k++)
		a += prog[k].len;
	return a;
}

/* B0-B3 of the enabled breakpoints of one of kinds covering addr. */
static u64 matches(u64 addr, unsigned kinds)
{
	static const u64 lens[] = { 1, 2, 8, 4 };
	u64 dr7 = hw_read_dr(7), bits = 0;

	for (unsigned n = 0; n < 4; n++) {
		u64 mask = ~(lens[M_DR7_LEN(dr7, n)] - 1);

		if ((dr7 & M_DR7_EN(n)) && (kinds >> M_DR7_RW(dr7, n) & 1) &&
		    (addr & mask) == (hw_read_dr(n) & mask))
			bits |= 1ull << n;
	}
	return bits;
}

/* A #DB for conditions: B0-B3 replaced, BS and BD added (sticky). */
static void debug(u64 rip, u64 bits, bool bs, bool bd)
{
	u64 dr6 = hw_read_dr(6);

	if (!db_faults.b_kept)
		dr6 &= ~SPEC_DR6_B_ALL;
	dr6 |= bits;
	if ((bs && !db_faults.no_bs) || db_faults.bs_spurious)
		dr6 |= SPEC_DR6_BS;
	if (db_faults.bs_cleared && !bs)
		dr6 &= ~SPEC_DR6_BS;
	if (bd)
		dr6 |= SPEC_DR6_BD;
	sim_dr(6, dr6);
	deliver(SPEC_DB_VECTOR, rip, &rflags);
}

static void place(const struct db_insn *prog)
{
	for (unsigned k = 0; prog[k].op != DBI_END; k++) {
		u8 *c = code + (db_sim_addr(prog, k) - (u64)(uintptr_t)code);
		bool prefixed = prog[k].op == DBI_ICEBP || prog[k].op == DBI_INT3;

		memset(c, prefixed ? 0x2e : 0x90, prog[k].len);
		if (prefixed)
			c[prog[k].len - 1] = prog[k].op == DBI_ICEBP ? 0xf1 : 0xcc;
	}
}

u64 db_sim_run(const struct db_insn *prog, unsigned start, db_sim_deliver_fn fn)
{
	u64 held = 0;		/* data-breakpoint hits MOV SS holds over */
	bool held_step = false;
	unsigned i = 0, steps = 0;

	deliver = fn;
	rflags = 0x2;
	place(prog);
	while (prog[i].op != DBI_END && steps++ < MAX_STEPS) {
		const struct db_insn *in = &prog[i];
		u64 at = db_sim_addr(prog, i), next = at + in->len, bits;
		bool step = rflags & SPEC_EFLAGS_TF, block = false;

		/* Faults, before the instruction: an execute breakpoint unless
		 * RF, general detect. Delivering one ends what MOV SS held. */
		bits = (rflags & SPEC_EFLAGS_RF) && !db_faults.rf_ignored ? 0 : matches(at, M_RW_EXEC);
		rflags &= ~SPEC_EFLAGS_RF;
		if (bits || (in->op == DBI_MOVDR && (hw_read_dr(7) & SPEC_DR7_GD) && !db_faults.no_gd)) {
			if (!bits)
				sim_dr(7, hw_read_dr(7) & ~SPEC_DR7_GD);
			debug(at, bits, false, !bits);
			held = 0;
			held_step = false;
			continue;
		}
		i++;
		switch (in->op) {
		case DBI_TF_ON:
			rflags |= SPEC_EFLAGS_TF;
			step |= db_faults.popf_no_delay;
			break;
		case DBI_TF_OFF:
			rflags &= ~SPEC_EFLAGS_TF;
			break;
		case DBI_IO:
			step &= !db_faults.io_no_step;
			break;
		case DBI_STI:
			block = db_faults.sti_blocks;
			break;
		case DBI_HLT:
			if (db_faults.hlt_no_step)
				step = held_step = false;
			break;
		case DBI_MOVSS:
			block = !db_faults.movss_no_block;
			bits = in->addr ? matches(in->addr, M_RW_READ) : 0;
			if (bits && db_faults.movss_no_hold_data) {
				debug(next, bits, false, false);
				bits = 0;
			}
			break;
		case DBI_STORE:
			bits = matches(in->addr, M_RW_WRITE);
			break;
		case DBI_LOCK:
			if (db_faults.bus_lock_db)
				debug(next, 0, false, false);
			break;
		case DBI_ICEBP:
			/* A #DB of its own, carrying what MOV SS held, no step. */
			if (db_faults.icebp_ud)
				deliver(SPEC_UD_VECTOR, at, &rflags);
			else
				debug(next, held, db_faults.icebp_bs, false);
			held = 0;
			held_step = false;
			continue;
		case DBI_INT1:
		case DBI_INT3:
			/* Delivered, then what MOV SS held at the gate's first
			 * instruction. */
			if (held)
				debug(in->op == DBI_INT1 ? DB_SIM_GATE1 : DB_SIM_GATE3, held,
				      false, false);
			held = 0;
			held_step = false;
			deliver(in->op == DBI_INT1 ? SPEC_DB_VECTOR : SPEC_BP_VECTOR,
				in->op == DBI_INT3 && db_faults.int3_rip_at ? at : next, &rflags);
			continue;
		default:
			break;
		}
		bits |= held;
		step |= held_step;
		held = block ? bits : 0;
		held_step = block && step;
		if (!block && (bits || step))
			debug(next, bits, step, false);
	}
	return db_sim_addr(prog, start);
}

u64 hw_read_cr4(void)
{
	return cr4;
}

void hw_write_cr4(u64 v)
{
	cr4 = v;
}

int hw_read_dr4(u64 *val)
{
	*val = 0;
	if ((cr4 & SPEC_CR4_DE) && !db_faults.dr4_no_ud)
		return SIM_ERR_FAULT | SPEC_UD_VECTOR;
	if (!db_faults.dr4_unaliased)
		*val = hw_read_dr(6);
	return 0;
}
