/* The decoder against objdump, line by line (docs/insn.md): the generated gas
 * corpus (gen_insn asm) and pseudo-random bytes (gen_insn random), both
 * disassembled by `objdump -D -b binary -m i386:x86-64 -M intel64 -w` at build
 * time. For every instruction objdump decodes: the length, RIP-relative flag
 * and displacement, immediate, flow class (from the mnemonic) and branch
 * target must agree, and the decoder must refuse the same bytes cut one short. */
#include <ctype.h>
#include <stdlib.h>

#include "lib/insn.h"
#include "tests/unit/unit.h"

#ifndef INSN_CORPUS
#define INSN_CORPUS "build/unit/insn_corpus.dump"
#endif
#ifndef INSN_RANDOM
#define INSN_RANDOM "build/unit/insn_random.dump"
#endif

struct line {
	u64 addr;
	unsigned n;		/* bytes objdump consumed */
	char text[256];		/* its disassembly */
};

struct dump {
	u8 *bytes;		/* the whole section, rebuilt from the lines */
	size_t size;
	struct line *lines;
	size_t nlines;
};

static void load_dump(const char *path, struct dump *d)
{
	FILE *f = fopen(path, "r");
	char buf[512];
	size_t cap = 0;

	memset(d, 0, sizeof(*d));
	if (!f) {
		printf("FAIL: cannot open %s (run through make)\n", path);
		exit(1);
	}
	while (fgets(buf, sizeof(buf), f)) {
		char *p = buf, *end;
		u64 addr = strtoull(p, &end, 16);
		struct line *l;

		if (end == p || *end != ':' || end[1] != '\t')
			continue;
		if (d->nlines == cap) {
			cap = cap ? 2 * cap : 4096;
			d->lines = realloc(d->lines, cap * sizeof(*d->lines));
			d->bytes = realloc(d->bytes, cap * 16);
		}
		if (addr != d->size) {
			printf("FAIL: %s: gap at 0x%llx\n", path, (unsigned long long)addr);
			exit(1);
		}
		l = &d->lines[d->nlines++];
		l->addr = addr;
		l->n = 0;
		for (p = end + 2; isxdigit((u8)p[0]) && isxdigit((u8)p[1]) && p[2] == ' '; p += 3)
			d->bytes[d->size + l->n++] = (u8)strtoul((char[]){ p[0], p[1], 0 }, NULL, 16);
		while (*p == ' ')
			p++;
		if (*p == '\t')
			p++;
		p[strcspn(p, "\n")] = 0;
		snprintf(l->text, sizeof(l->text), "%s", p);
		d->size += l->n;
	}
	fclose(f);
}

/* Prefixes objdump prints before the mnemonic. */
static bool is_prefix_word(const char *w, size_t n)
{
	static const char *const words[] = { "data16", "addr32", "lock", "rep", "repz",
		"repnz", "repe", "repne", "cs", "ds", "es", "ss", "fs", "gs", "bnd",
		"notrack", "xacquire", "xrelease", "{evex}", "{vex}", "{vex3}", "rex" };

	if (n > 4 && !strncmp(w, "rex.", 4))
		return true;
	for (unsigned i = 0; i < ARRAY_SIZE(words); i++)
		if (strlen(words[i]) == n && !strncmp(w, words[i], n))
			return true;
	return false;
}

/* Splits "bnd jmp 0x12" into mnemonic "jmp" and operands "0x12". */
static void split(const char *text, char *mn, size_t mnsize, const char **ops)
{
	const char *p = text;

	for (;;) {
		size_t n = strcspn(p, " \t");
		if (!is_prefix_word(p, n) || !p[n]) {
			/* "jrcxz,pt": a 2e/3e branch hint */
			size_t m = strcspn(p, " \t,");
			snprintf(mn, mnsize, "%.*s", (int)m, p);
			p += n;
			break;
		}
		p += n;
		p += strspn(p, " \t");
	}
	*ops = p + strspn(p, " \t");
}

static bool in_list(const char *mn, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(mn, *list))
			return true;
	return false;
}

static enum insn_flow expected_flow(const char *mn, const char *ops)
{
	static const char *const ret[] = { "ret", "retq", "retw", "retl", "lret",
		"lretq", "lretw", "lretl", NULL };
	static const char *const iret[] = { "iret", "iretq", "iretw", "iretl", NULL };
	static const char *const trap[] = { "int3", "int", "int1", "icebp", "ud0", "ud1",
		"ud2", NULL };
	static const char *const sys[] = { "syscall", "sysret", "sysretl", "sysretq",
		"sysenter", "sysexit", "sysexitl", "sysexitq", NULL };
	static const char *const loop[] = { "jrcxz", "jecxz", NULL };
	static const char *const other[] = { "hlt", "xbegin", "xabort", "vmcall",
		"vmlaunch", "vmresume", "vmrun", "vmmcall", "vmfunc", "rsm", "uiret",
		"ljmp", "ljmpq", "ljmpw", "lcall", "lcallq", "lcallw", "enclu", "encls",
		"enclv", "getsec", "xbeginw", NULL };
	bool ind = ops[0] == '*';

	if (in_list(mn, ret))
		return FLOW_RET;
	if (in_list(mn, iret))
		return FLOW_IRET;
	if (in_list(mn, trap))
		return FLOW_INT;
	if (in_list(mn, sys))
		return FLOW_SYSCALL;
	if (in_list(mn, loop) || !strncmp(mn, "loop", 4))	/* loopl: 67 */
		return FLOW_LOOP_REL;
	if (in_list(mn, other))
		return FLOW_OTHER;
	if (!strncmp(mn, "jmp", 3))
		return ind ? FLOW_JMP_IND : FLOW_JMP_REL;
	if (!strncmp(mn, "call", 4))
		return ind ? FLOW_CALL_IND : FLOW_CALL_REL;
	if (mn[0] == 'j')
		return FLOW_JCC_REL;
	return FLOW_NONE;
}

/* The displacement objdump prints before "(%rip)"/"(%eip)". */
static bool rip_disp(const char *text, s64 *disp)
{
	const char *r = strstr(text, "(%rip)"), *s;

	if (!r)
		r = strstr(text, "(%eip)");
	if (!r)
		return false;
	for (s = r; s > text && (isxdigit((u8)s[-1]) || s[-1] == 'x' || s[-1] == '-'); s--)
		;
	*disp = s == r ? 0 : strtoll(s, NULL, 0);
	return true;
}

/* The immediate objdump prints ($...) has the decoder's bits at the bottom:
 * objdump shows it sign-extended to the operand size. AT&T order puts
 * extrq/insertq's first immediate last; enter's first is its imm16. */
static bool imm_agrees(const struct insn *in, const char *mn, const char *text)
{
	const char *d = strchr(text, '$');
	u64 v, mask;

	if (!d)
		return true;	/* predicates folded into the mnemonic, moffs, is4 */
	if (!strcmp(mn, "extrq") || !strcmp(mn, "insertq"))
		d = strrchr(text, '$');
	if (!in->imm_size)
		return false;
	v = strtoull(d + 1, NULL, 0);
	mask = in->imm_size >= 8 ? ~0ull : (1ull << (8 * (in->imm_size == 3 ? 2 :
		in->imm_size == 2 && in->map == INSN_MAP_0F ? 1 : in->imm_size))) - 1;
	if (!strncmp(mn, "vpermil2p", 9))
		mask = 0xf;		/* m2z in imm[3:0], the is4 register above */
	return (v & mask) == ((u64)in->imm & mask);
}

/* The offsets point at the bytes they name: what a RIP fixup rewrites. */
static bool fields_in_place(const struct insn *in, const u8 *code)
{
	unsigned after_modrm = in->opcode_off + 1 + in->has_modrm + in->has_sib;
	s32 disp = 0;

	if (code[in->opcode_off] != in->opcode)
		return false;
	if (in->has_modrm && (in->modrm_off != in->opcode_off + 1 ||
			      code[in->modrm_off] != in->modrm))
		return false;
	if (in->has_sib && code[in->modrm_off + 1] != in->sib)
		return false;
	if (in->disp_size) {
		if (in->disp_off != after_modrm)
			return false;
		if (in->disp_size == 1)
			disp = (int8_t)code[in->disp_off];
		else
			memcpy(&disp, code + in->disp_off, 4);
		if (disp != in->disp)
			return false;
	}
	return !in->imm_size || in->imm_off + in->imm_size == in->len;
}

struct stats {
	unsigned checked, bad, excluded_vexpfx, excluded_rex, failures;
};

/* Compares one objdump line with the decoder; returns false on a mismatch. */
static bool check_line(const struct dump *d, const struct line *l, struct stats *st)
{
	const u8 *code = d->bytes + l->addr;
	size_t room = d->size - l->addr;
	struct insn in, cut;
	char mn[64];
	const char *ops;
	enum insn_flow want;
	s64 disp = 0;
	bool rip;
	int rc = insn_decode(&in, code, room);

	st->checked++;
	split(l->text, mn, sizeof(mn), &ops);
	want = expected_flow(mn, ops);
	rip = rip_disp(l->text, &disp);
	if (rc < 0 || in.len != l->n)
		goto fail;
	if (in.len != in.opcode_off + 1 + in.has_modrm + in.has_sib + in.disp_size +
	    in.imm_size || !fields_in_place(&in, code))
		goto fail;
	if (in.rip_relative != rip || (rip && in.disp != disp))
		goto fail;
	if (in.flow != want)
		goto fail;
	if (!imm_agrees(&in, mn, l->text))
		goto fail;
	if (want == FLOW_JMP_REL || want == FLOW_JCC_REL || want == FLOW_LOOP_REL ||
	    want == FLOW_CALL_REL || !strncmp(mn, "xbegin", 6)) {
		u64 target = strtoull(ops, NULL, 16);
		if (insn_rel_target(&in, l->addr) != target)
			goto fail;
	}
	/* Never reads past max: the same bytes cut short must be refused. */
	if (insn_decode(&cut, code, in.len - 1) == 0 ||
	    insn_decode(&cut, code, in.len) != 0 || cut.len != in.len)
		goto fail;
	return true;
fail:
	st->failures++;
	if (st->failures <= 40) {
		printf("MISMATCH at 0x%llx:", (unsigned long long)l->addr);
		for (unsigned i = 0; i < l->n; i++)
			printf(" %02x", code[i]);
		printf("  objdump: len %u flow %s rip %d '%s'\n", l->n, insn_flow_name(want),
		       rip, l->text);
		printf("    decoder: rc %d len %u flow %s rip %d disp %d rel %d\n", rc,
		       in.len, insn_flow_name(in.flow), in.rip_relative, in.disp, in.rel);
	}
	return false;
}

static unsigned legacy_prefixes(const u8 *code, unsigned n)
{
	unsigned k = 0;

	while (k < n && memchr("\x66\x67\xf0\xf2\xf3\x2e\x36\x3e\x26\x64\x65", code[k], 11))
		k++;
	return k;
}

/* The instructions the decoder finds in an objdump line that starts with
 * fwait must tile it: fwaits, then the x87 instruction. */
static void check_fwait(const struct dump *d, const struct line *l, struct stats *st)
{
	const u8 *code = d->bytes + l->addr;
	unsigned off = 0, k;
	struct insn in;

	st->checked++;
	for (;;) {
		if (insn_decode(&in, code + off, d->size - l->addr - off) < 0)
			break;
		k = off + legacy_prefixes(code + off, in.len);
		off += in.len;
		if (off >= l->n || code[k] != 0x9b)
			break;
	}
	if (off != l->n) {
		printf("MISMATCH at 0x%llx: fwait + '%s'\n", (unsigned long long)l->addr,
		       l->text);
		st->failures++;
	}
}

/* Random bytes: objdump's "(bad)" lines are not compared (it knows fewer
 * opcodes than the CPU, and a length decoder may accept more), and two classes
 * where objdump prints an instruction the CPU does not execute as such:
 * - VEX/EVEX/XOP after 66, f2, f3, f0 or REX: #UD (SDM Vol2 2.3.2, 2.3.3);
 *   objdump prints e.g. "data16 vzeroupper". The decoder refuses them.
 * - A REX followed by a legacy prefix: the CPU ignores the REX and runs one
 *   instruction (SDM Vol2 2.2.1); objdump prints the REX (and prefixes before
 *   it) on a line of its own ("fs rex.W", no mnemonic) and the rest as the next
 *   instruction. The decoder follows the CPU, so a line of prefixes only and
 *   the line after it are excluded.
 * And one class compared differently: objdump folds fwait (9b) into the x87
 * instruction after it (fstsw = fwait; fnstsw), but WAIT is an instruction of
 * its own (SDM Vol2 FSTSW: "9B DD /7" is two); the decoder must give the
 * prefixes + 9b for it and objdump's length minus that for the rest. */
static void check_random(const struct dump *d, struct stats *st)
{
	for (size_t i = 0; i < d->nlines; i++) {
		const struct line *l = &d->lines[i];
		const u8 *code = d->bytes + l->addr;
		unsigned k = 0;
		char mn[64];
		const char *ops;
		struct insn in;

		if (strstr(l->text, "(bad)")) {
			st->bad++;
			continue;
		}
		split(l->text, mn, sizeof(mn), &ops);
		if (is_prefix_word(mn, strlen(mn))) {
			st->excluded_rex += 2;
			i++;
			continue;
		}
		if (!strncmp(mn, ".byte", 5)) {
			st->bad++;		/* cut off by the end of the buffer */
			continue;
		}
		k = legacy_prefixes(code, l->n);
		if (k < l->n - 1 && code[k] == 0x9b) {
			if (legacy_prefixes(code + k + 1, l->n - k - 1) == l->n - k - 1) {
				st->excluded_rex += 2;	/* "9b 65": prefix of the next */
				i++;
				continue;
			}
			check_fwait(d, l, st);
			continue;
		}
		while (k < l->n && (code[k] & 0xf0) == 0x40)
			k++;
		k += legacy_prefixes(code + k, l->n - k);
		while (k < l->n && (code[k] & 0xf0) == 0x40)
			k++;
		if (k < l->n && (code[k] == 0xc4 || code[k] == 0xc5 || code[k] == 0x62 ||
				 code[k] == 0x8f) && insn_decode(&in, code, l->n) < 0) {
			bool pfx = false;
			for (unsigned j = 0; j < k; j++)
				if (code[j] == 0x66 || code[j] == 0xf2 || code[j] == 0xf3 ||
				    code[j] == 0xf0 || (code[j] & 0xf0) == 0x40)
					pfx = true;
			if (pfx) {
				st->excluded_vexpfx++;
				continue;
			}
		}
		check_line(d, l, st);
	}
}

int main(int argc, char **argv)
{
	const char *corpus = argc > 1 ? argv[1] : INSN_CORPUS;
	const char *random = argc > 2 ? argv[2] : INSN_RANDOM;
	struct dump d;
	struct stats sc = { 0 }, sr = { 0 };
	struct insn in;
	static const u8 invalid[] = { 0x06, 0x07, 0x0e, 0x16, 0x17, 0x1e, 0x1f, 0x27,
		0x2f, 0x37, 0x3f, 0x60, 0x61, 0x82, 0x9a, 0xce, 0xd4, 0xd5, 0xd6, 0xea };

	/* Every line of the gas corpus must match: gas emitted only valid code. */
	load_dump(corpus, &d);
	for (size_t i = 0; i < d.nlines; i++)
		check_line(&d, &d.lines[i], &sc);
	printf("insn: %u corpus encodings checked against objdump, %u mismatches\n",
	       sc.checked, sc.failures);
	CHECK(sc.checked >= 20000);
	CHECK_U64(sc.failures, 0);
	free(d.bytes);
	free(d.lines);

	load_dump(random, &d);
	check_random(&d, &sr);
	printf("insn: %u random encodings checked against objdump, %u mismatches "
	       "(%u (bad) skipped, excluded: %u VEX after 66/f2/f3/f0/REX, %u stray REX)\n",
	       sr.checked, sr.failures, sr.bad, sr.excluded_vexpfx, sr.excluded_rex);
	CHECK(sr.checked >= 20000);
	CHECK_U64(sr.failures, 0);
	free(d.bytes);
	free(d.lines);

	/* Opcodes of 32-bit mode that #UD in 64-bit mode, and the rest of the
	 * interface objdump cannot speak to. */
	for (unsigned i = 0; i < sizeof(invalid); i++) {
		u8 b[16] = { invalid[i] };
		CHECK(insn_decode(&in, b, sizeof(b)) < 0);
	}
	{
		static const u8 long16[] = { 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
			0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x90 };
		static const u8 call[] = { 0xe8, 0xfb, 0xff, 0xff, 0xff };
		static const u8 movabs[] = { 0x48, 0xb8, 1, 2, 3, 4, 5, 6, 7, 0x88 };

		CHECK(insn_decode(&in, long16, sizeof(long16)) < 0);	/* > 15 bytes */
		CHECK(insn_decode(&in, long16 + 1, sizeof(long16) - 1) == 0 && in.len == 15);
		CHECK(insn_decode(&in, call, sizeof(call)) == 0);
		CHECK_U64(insn_rel_target(&in, 0x1000), 0x1000);
		CHECK_U64(in.flow, FLOW_CALL_REL);
		CHECK(insn_decode(&in, movabs, sizeof(movabs)) == 0);
		CHECK_U64(in.imm_size, 8);
		CHECK_U64((u64)in.imm, 0x8807060504030201ull);
		CHECK(insn_decode(&in, movabs, 0) < 0);
	}
	CHECK_STR(insn_flow_name(FLOW_NONE), "none");
	CHECK_STR(insn_flow_name(FLOW_CALL_IND), "call_ind");
	CHECK_STR(insn_flow_name(FLOW_OTHER), "other");
	CHECK_STR(insn_flow_name((enum insn_flow)99), "?");
	return unit_done("insn");
}
