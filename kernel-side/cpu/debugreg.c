/* Debug-register probe: read-only, the breakpoint drivers program them. */
#include "kernel-side/cpu/debugreg.h"
#include "lib/fmt.h"
#include "kernel-side/cpu/hw.h"
#include "kernel-side/cpu/msr.h"
#include "lib/record.h"

static const char *apic_mode_name(enum apic_mode mode)
{
	static const char *const names[] = {
		[APIC_ABSENT] = "none", [APIC_DISABLED] = "disabled",
		[APIC_XAPIC] = "xapic", [APIC_X2APIC] = "x2apic",
	};

	return names[mode];
}

void debug_probe(const struct cpu_info *ci, struct debug_caps *dc)
{
	dc->de = ci->leaf1_edx & X86_FEATURE_DE;
	dc->bpext = cpu_is_amd_like(ci) && (ci->ext1_ecx & X86_FEATURE_BPEXT);
	dc->dr6 = hw_read_dr(6);
	dc->dr7 = hw_read_dr(7);
	dc->debugctl_err = msr_read_safe(MSR_IA32_DEBUGCTLMSR, &dc->debugctl);
}

void debug_report(const struct debug_caps *dc, const struct apic_info *ai)
{
	struct rec r;
	char err[16];

	rec_begin(&r, "debug");
	rec_u64(&r, "breakpoints", NR_BREAKPOINTS);
	rec_u64(&r, "de", dc->de);
	rec_u64(&r, "bpext", dc->bpext);
	rec_hex(&r, "dr6", dc->dr6);
	rec_hex(&r, "dr7", dc->dr7);
	if (dc->debugctl_err)
		rec_str(&r, "debugctl", hw_err_name(dc->debugctl_err, err));
	else
		rec_hex(&r, "debugctl", dc->debugctl);
	rec_str(&r, "apic", apic_mode_name(ai->mode));
	rec_u64(&r, "x2apic_cap", ai->x2apic_cap);
	if (ai->base_err)
		rec_str(&r, "apic_base", hw_err_name(ai->base_err, err));
	else
		rec_hex(&r, "apic_base", ai->apic_base);
	if (ai->mode == APIC_XAPIC || ai->mode == APIC_X2APIC) {
		rec_u64(&r, "apic_id", ai->id);
		rec_hex(&r, "apic_version", ai->version);
		rec_u64(&r, "apic_max_lvt", ai->max_lvt);
	}
	rec_end(&r);
	rec_narrate("debug: %u hardware breakpoints (DR0-DR3), DR7=0x%llx; local APIC %s%s",
		    NR_BREAKPOINTS, (unsigned long long)dc->dr7, apic_mode_name(ai->mode),
		    ai->x2apic_cap ? " (x2APIC capable)" : "");
}

/* Breakpoints installed in DR0-DR3, by register. */
static struct hw_breakpoint *dr_slots[NR_BREAKPOINTS];

dr_narrate_fn dr_narrate;

static void dr_write(unsigned n, u64 v)
{
	hw_write_dr(n, v);
	if (dr_narrate)
		dr_narrate(n, v);
}

unsigned dr_len_code(unsigned len)
{
	return len == 8 ? DR_LEN_8 : len == 4 ? DR_LEN_4 : len == 2 ? DR_LEN_2 : DR_LEN_1;
}

const char *dr_check(u64 addr, enum dr_type type, unsigned len)
{
	if (len != 1 && len != 2 && len != 4 && len != 8)
		return "bad-len";
	/* SDM Vol3B 18.2.5: an instruction breakpoint must have LEN 00b. */
	if (type == DR_RW_EXECUTE && len != 1)
		return "exec-len-not-1";
	if (type == DR_RW_IO)
		return "io-unsupported";
	/* The low log2(len) address bits are ignored: the range must be
	 * aligned to its length (SDM Vol3B 18.2.5). */
	if (addr & (len - 1))
		return "unaligned";
	return NULL;
}

u64 dr7_clear(u64 dr7, unsigned n)
{
	dr7 &= ~(DR7_L(n) | DR7_G(n));
	dr7 &= ~(DR7_FIELD_MASK << DR7_RW_SHIFT(n) | DR7_FIELD_MASK << DR7_LEN_SHIFT(n));
	return dr7;
}

u64 dr7_set(u64 dr7, unsigned n, enum dr_type type, unsigned len)
{
	dr7 = dr7_clear(dr7, n);
	dr7 |= DR7_L(n) | DR7_LE | DR7_FIXED_1;
	dr7 |= (u64)type << DR7_RW_SHIFT(n) | (u64)dr_len_code(len) << DR7_LEN_SHIFT(n);
	return dr7;
}

const char *dr_type_name(enum dr_type t)
{
	static const char *const names[] = { "exec", "write", "io", "rw" };

	return names[t & 3];
}

const char *dr6_decode(u64 dr6, char *buf, size_t size)
{
	static const struct { u64 bit; const char *name; } f[] = {
		{ DR6_B(0), "B0" }, { DR6_B(1), "B1" }, { DR6_B(2), "B2" }, { DR6_B(3), "B3" },
		{ DR6_BD, "BD" }, { DR6_BS, "BS" }, { DR6_BT, "BT" },
	};
	size_t n = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < ARRAY_SIZE(f); i++)
		if (dr6 & f[i].bit)
			n += fmt_snprintf(buf + n, size - n, "%s%s", n ? "|" : "", f[i].name);
	if (!n)
		fmt_snprintf(buf, size, "none");
	return buf;
}

void dr_save(struct dr_state *s)
{
	for (unsigned n = 0; n < NR_BREAKPOINTS; n++)
		s->dr[n] = hw_read_dr(n);
	s->dr6 = hw_read_dr(6);
	s->dr7 = hw_read_dr(7);
}

void dr_restore(const struct dr_state *s)
{
	/* DR7 first: no breakpoint is live while its address changes. */
	dr_write(7, s->dr7 & ~0xffull);
	for (unsigned n = 0; n < NR_BREAKPOINTS; n++)
		dr_write(n, s->dr[n]);
	dr_write(6, s->dr6);
	dr_write(7, s->dr7);
	for (unsigned n = 0; n < NR_BREAKPOINTS; n++)
		dr_slots[n] = NULL;
}

int dr_install(struct hw_breakpoint *bp, const char **why)
{
	u64 dr7 = hw_read_dr(7);

	bp->slot = -1;
	*why = dr_check(bp->addr, bp->type, bp->len);
	if (*why)
		return -1;
	trap_set_debug(TRAP_DEBUG_BREAKPOINT, dr_exception);
	for (unsigned n = 0; n < NR_BREAKPOINTS; n++) {
		/* Free: not ours and not enabled by anyone else. */
		if (dr_slots[n] || (dr7 & (DR7_L(n) | DR7_G(n))))
			continue;
		dr_slots[n] = bp;
		bp->slot = (int)n;
		dr_write(n, bp->addr);
		dr_write(7, dr7_set(dr7, n, bp->type, bp->len));
		return 0;
	}
	*why = "no-free-register";
	return -1;
}

void dr_uninstall(struct hw_breakpoint *bp)
{
	if (bp->slot < 0)
		return;
	dr_write(7, dr7_clear(hw_read_dr(7), (unsigned)bp->slot));
	dr_write((unsigned)bp->slot, 0);
	dr_slots[bp->slot] = NULL;
	bp->slot = -1;
}

bool dr_exception(struct trapframe *tf, u64 dr6)
{
	bool ours = false;

	for (unsigned n = 0; n < NR_BREAKPOINTS; n++) {
		struct hw_breakpoint *bp = dr_slots[n];

		/* B0-B3 may be set for a matching breakpoint that is not
		 * enabled (SDM Vol3B 18.2.3): only installed ones count. */
		if (!(dr6 & DR6_B(n)) || !bp)
			continue;
		ours = true;
		bp->hits++;
		bp->last_rip = tf->rip;
		bp->last_dr6 = dr6;
		if (bp->handler)
			bp->handler(bp, tf);
		/* An instruction breakpoint is a fault: without RF the IRET
		 * would land on it and fault again (SDM Vol3B 18.3.1.1). */
		if (bp->type == DR_RW_EXECUTE)
			tf->rflags |= X86_EFLAGS_RF;
	}
	return ours;
}
