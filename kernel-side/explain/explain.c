/* Explain mode (explain.h): an access decoded through the table
 * (explain_table.c) into a line, and the narration hooks that print one for
 * each access the drivers make and each write of code. */
#include "kernel-side/cpu/apic.h"
#include "kernel-side/cpu/debugreg.h"
#include "kernel-side/pmu/pmu.h"
#include "kernel-side/explain/explain.h"
#include "kernel-side/explain/explain_table.h"
#include "lib/fmt.h"
#include "kernel-side/ftrace/ftrace.h"
#include "lib/libc.h"
#include "lib/record.h"

static explain_sym_fn symbolize;
static bool enabled;

/* Appends to buf at *n, never past size. */
static void put(char *buf, size_t size, size_t *n, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void put(char *buf, size_t size, size_t *n, const char *fmt, ...)
{
	va_list ap;

	if (*n + 1 >= size)
		return;
	va_start(ap, fmt);
	*n += fmt_vsnprintf(buf + *n, size - *n, fmt, ap);
	va_end(ap);
}

static unsigned lowest_bit(u64 mask)
{
	return (unsigned)__builtin_ctzll(mask);
}

static void put_counters(char *buf, size_t size, size_t *n, u64 bits, bool *any)
{
	for (unsigned i = 0; i < 64; i++) {
		if (!(bits & BIT_ULL(i)))
			continue;
		put(buf, size, n, "%s%s%u", *any ? " " : "", i >= PMC_FIXED ? "fixed" : "gp",
		    i >= PMC_FIXED ? i - PMC_FIXED : i);
		*any = true;
	}
}

/* IA32_FIXED_CTR_CTRL (SDM Vol3B Figure 20-2): counter j's 4 bits at 4j. */
static void put_fixed_ctrl(char *buf, size_t size, size_t *n, u64 val, bool *any)
{
	static const struct msr_field bits[] = {
		{ "OS", INTEL_FIXED_0_KERNEL, FLD_FLAG },
		{ "USR", INTEL_FIXED_0_USER, FLD_FLAG },
		{ "PMI", INTEL_FIXED_0_ENABLE_PMI, FLD_FLAG },
	};

	for (unsigned j = 0; j < PMC_FIXED_MAX; j++) {
		u64 f = (val >> (4 * j)) & INTEL_FIXED_BITS_MASK;
		const char *sep = "=";

		if (!f)
			continue;
		put(buf, size, n, "%sfixed%u", *any ? " " : "", j);
		for (size_t b = 0; b < ARRAY_SIZE(bits); b++) {
			if (!(f & bits[b].mask))
				continue;
			put(buf, size, n, "%s%s", sep, bits[b].name);
			sep = "|";
			f &= ~bits[b].mask;
		}
		if (f)
			put(buf, size, n, "%s0x%llx", sep, (unsigned long long)f);
		*any = true;
	}
	if (!*any)
		put(buf, size, n, "all off");
	*any = true;
}

static u64 covered(const struct msr_field *f)
{
	u64 m = 0;

	for (; f->name; f++)
		m |= f->mask;
	return m;
}

/* DR7's R/Wn and LENn are shown for a breakpoint that is enabled or has
 * them set: the all-zero fields of the others say nothing. */
static bool dr7_field_shown(const struct msr_field *f, u64 val, u64 v)
{
	unsigned bp = (lowest_bit(f->mask) - DR7_RW_SHIFT(0)) / 4;

	return v || (val & (DR7_L(bp) | DR7_G(bp)));
}

static const char *dr_len_name(u64 code)
{
	static const char *const len[] = {
		[DR_LEN_1] = "1", [DR_LEN_2] = "2", [DR_LEN_8] = "8", [DR_LEN_4] = "4",
	};

	return len[code & DR7_FIELD_MASK];
}

/* The fields of val, then the bits no field covers as reserved=. */
static void put_list(char *buf, size_t size, size_t *n, const struct msr_field *fields, u64 val)
{
	bool any = false;
	u64 rest;

	for (const struct msr_field *f = fields; f->name; f++) {
		u64 v = (val & f->mask) >> lowest_bit(f->mask);
		unsigned digits = (64 - __builtin_clzll(f->mask >> lowest_bit(f->mask)) + 3) / 4;
		const char *sp = any ? " " : "";

		switch (f->kind) {
		case FLD_FLAG:
			if (!v)
				continue;
			put(buf, size, n, "%s%s", sp, f->name);
			break;
		case FLD_HEX_NZ:
			if (!v)
				continue;
			/* fall through */
		case FLD_HEX:
			put(buf, size, n, "%s%s=0x", sp, f->name);
			/* fmt.c takes no '*' width: pad to the field's digits. */
			for (unsigned k = v ? (67 - __builtin_clzll(v)) / 4 : 1; k < digits; k++)
				put(buf, size, n, "0");
			put(buf, size, n, "%llx", (unsigned long long)v);
			break;
		case FLD_ADDR:
			put(buf, size, n, "%s%s=0x%llx", sp, f->name,
			    (unsigned long long)(val & f->mask));
			break;
		case FLD_COUNTERS:
			if (!val) {
				put(buf, size, n, "none");
				any = true;
				continue;
			}
			put_counters(buf, size, n, val & f->mask, &any);
			continue;
		case FLD_FIXED_CTRL:
			put_fixed_ctrl(buf, size, n, val, &any);
			continue;
		case FLD_QUIET:
			continue;
		case FLD_DR_RW:
			if (!dr7_field_shown(f, val, v))
				continue;
			put(buf, size, n, "%s%s=%s", sp, f->name, dr_type_name((enum dr_type)v));
			break;
		case FLD_DR_LEN:
			if (!dr7_field_shown(f, val, v))
				continue;
			put(buf, size, n, "%s%s=%s", sp, f->name, dr_len_name(v));
			break;
		}
		any = true;
	}
	rest = val & ~covered(fields);
	if (rest)
		put(buf, size, n, "%sreserved=0x%llx", any ? " " : "", (unsigned long long)rest);
	else if (!any)
		put(buf, size, n, "none");
}

static void put_fields(char *buf, size_t size, size_t *n, const struct msr_desc *d, u64 val)
{
	if (d->counter) {
		put(buf, size, n, "count=%llu", (unsigned long long)val);
		return;
	}
	if (!d->fields)
		return;
	put_list(buf, size, n, d->fields, val);
	if (d->events != VENDOR_OTHER) {
		u64 mask = d->events == VENDOR_AMD ? EVENT_CONFIG_MASK_AMD : EVENT_CONFIG_MASK_INTEL;
		const char *ev = event_describe(d->events, val & mask);

		if (ev)
			put(buf, size, n, "  = %s", ev);
	}
}

size_t explain_msr_fields(char *buf, size_t size, u32 msr, u64 val)
{
	unsigned idx;
	const struct msr_desc *d = explain_msr_desc(msr, &idx);
	size_t n = 0;

	buf[0] = '\0';
	if (d)
		put_fields(buf, size, &n, d, val);
	return n;
}

size_t explain_msr(char *buf, size_t size, enum msr_op op, u32 msr, u64 val, int err)
{
	char name[40], errbuf[16];
	unsigned idx;
	const struct msr_desc *d = explain_msr_desc(msr, &idx);
	size_t n = 0;

	buf[0] = '\0';
	if (d)
		fmt_snprintf(name, sizeof(name), d->name, idx);
	else
		fmt_snprintf(name, sizeof(name), "MSR");
	if (op == MSR_OP_XAPIC_WRITE)	/* the MMIO offset, not the MSR */
		put(buf, size, &n, "xapic %s (+0x%x)", name, (msr - APIC_X2APIC_MSR(0)) << 4);
	else
		put(buf, size, &n, "%s %s (0x%x)", op == MSR_OP_WRITE ? "wrmsr" : "rdmsr", name,
		    msr);
	if (err) {
		if (op == MSR_OP_WRITE)
			put(buf, size, &n, " <- 0x%08llx", (unsigned long long)val);
		put(buf, size, &n, "  %s: %s", hw_err_name(err, errbuf),
		    op == MSR_OP_WRITE ? "nothing written" : "nothing read");
		return n;
	}
	put(buf, size, &n, " %s 0x%08llx", op == MSR_OP_READ ? "->" : "<-",
	    (unsigned long long)val);
	if (d && (d->counter || d->fields)) {
		put(buf, size, &n, "  ");
		put_fields(buf, size, &n, d, val);
	}
	return n;
}

static void sym(u64 addr, char *buf, size_t size)
{
	if (symbolize)
		symbolize(addr, buf, size);
	else
		fmt_snprintf(buf, size, "0x%llx", (unsigned long long)addr);
}

size_t explain_dr_fields(char *buf, size_t size, unsigned dr, u64 val)
{
	const struct dr_desc *d = explain_dr_desc(dr);
	char where[96];
	size_t n = 0;

	buf[0] = '\0';
	if (!d)
		return 0;
	if (d->fields) {
		put_list(buf, size, &n, d->fields, val);
		return n;
	}
	/* A breakpoint's address: named when it is in a function. */
	if (!val || !symbolize)
		return 0;
	symbolize(val, where, sizeof(where));
	if (strcmp(where, "?"))
		put(buf, size, &n, "= %s", where);
	return n;
}

size_t explain_dr(char *buf, size_t size, unsigned dr, u64 val)
{
	char fields[EXPLAIN_LINE_MAX];
	size_t n = 0;

	buf[0] = '\0';
	put(buf, size, &n, "mov DR%u <- 0x%08llx", dr, (unsigned long long)val);
	if (explain_dr_fields(fields, sizeof(fields), dr, val))
		put(buf, size, &n, "  %s", fields);
	return n;
}

/* SDM Vol2A CALL (E8 cd) and JMP (E9 cd): relative to the next instruction. */
const char *explain_insn_kind(const u8 *b, const u8 *addr, char *buf, size_t size)
{
	static const u8 jmp_rel32 = 0xe9;

	if (!memcmp(b, FTRACE_NOP5, POKE_LEN))
		return "5-byte nop";
	if (!memcmp(b, FTRACE_HOLE, POKE_LEN))
		return "5 one-byte nops";
	if (b[0] == INT3_INSN)
		return "int3";
	if (b[0] == CALL_REL32 || b[0] == jmp_rel32) {
		s32 rel;
		size_t n = fmt_snprintf(buf, size, b[0] == CALL_REL32 ? "call " : "jmp ");

		memcpy(&rel, b + 1, 4);
		sym((u64)(uintptr_t)addr + POKE_LEN + (u64)(s64)rel, buf + n, size - n);
		return buf;
	}
	return "other";
}

static void put_bytes(char *buf, size_t size, size_t *n, const u8 *b, size_t len)
{
	for (size_t i = 0; i < len; i++)
		put(buf, size, n, "%s%02x", i ? " " : "", b[i]);
}

size_t explain_poke_site(char *buf, size_t size, const u8 *addr, const u8 *before,
			 const u8 *after, size_t len)
{
	char where[96], k1[96], k2[96];
	size_t n = 0;

	sym((u64)(uintptr_t)addr, where, sizeof(where));
	put(buf, size, &n, "site %s: ", where);
	put_bytes(buf, size, &n, before, len);
	put(buf, size, &n, " -> ");
	put_bytes(buf, size, &n, after, len);
	if (len == POKE_LEN)
		put(buf, size, &n, " (%s -> %s)", explain_insn_kind(before, addr, k1, sizeof(k1)),
		    explain_insn_kind(after, addr, k2, sizeof(k2)));
	else if (len == 1 && after[0] == INT3_INSN)
		put(buf, size, &n, " (first byte -> int3)");
	else if (len == 1 && before[0] == INT3_INSN)
		put(buf, size, &n, " (int3 -> first byte back)");
	return n;
}

size_t explain_poke_step(char *buf, size_t size, enum poke_step step, const u8 *addr)
{
	static const char *const what[] = {
		[POKE_STEP_EARLY] = "plain write, nothing runs it yet",
		[POKE_STEP_INT3] = "step 1/3: int3 on byte 0, sync",
		[POKE_STEP_BODY] = "step 2/3: bytes 1-4, sync",
		[POKE_STEP_FIRST] = "step 3/3: byte 0, sync",
	};
	size_t n = 0;

	put(buf, size, &n, "  %s: ", what[step]);
	put_bytes(buf, size, &n, addr, POKE_LEN);
	return n;
}

static void narrate_msr(enum msr_op op, u32 msr, u64 val, int err, unsigned dropped)
{
	char line[EXPLAIN_LINE_MAX];

	explain_msr(line, sizeof(line), op, msr, val, err);
	rec_narrate("%s", line);
	if (dropped)
		rec_narrate("(%u more MSR accesses in that counted region not shown)", dropped);
}

static void narrate_dr(unsigned dr, u64 val)
{
	char line[EXPLAIN_LINE_MAX];

	explain_dr(line, sizeof(line), dr, val);
	rec_narrate("%s", line);
}

static void narrate_poke(enum poke_step step, const u8 *addr, const u8 *before,
			 const u8 *after, size_t len)
{
	char line[EXPLAIN_LINE_MAX];

	if (before) {
		explain_poke_site(line, sizeof(line), addr, before, after, len);
		rec_narrate("%s", line);
	}
	if (step != POKE_STEP_EARLY) {
		explain_poke_step(line, sizeof(line), step, addr);
		rec_narrate("%s", line);
	}
}

void explain_enable(bool on)
{
	enabled = on;
	msr_narrate = on ? narrate_msr : NULL;
	text_poke_narrate = on ? narrate_poke : NULL;
	dr_narrate = on ? narrate_dr : NULL;
}

bool explain_enabled(void)
{
	return enabled;
}

void explain_set_symbolizer(explain_sym_fn fn)
{
	symbolize = fn;
}
