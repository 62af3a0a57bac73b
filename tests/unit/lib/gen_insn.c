/* Generates the decoder's test corpus (docs/insn.md):
 *   gen_insn asm           gas source (AT&T) expanded from the templates below
 *   gen_insn random SEED N N pseudo-random instruction-shaped byte strings
 * The Makefile assembles the first with `as --64`, and objdump disassembles both
 * for test_insn, which checks the decoder against every line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- operand classes: a template placeholder expands to one of these ---- */
static const char *const r64[] = { "rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
	"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15" };
static const char *const r32[] = { "eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi",
	"r8d", "r9d", "r10d", "r11d", "r12d", "r13d", "r14d", "r15d" };
static const char *const r16[] = { "ax", "cx", "dx", "bx", "sp", "bp", "si", "di",
	"r8w", "r9w", "r10w", "r11w", "r12w", "r13w", "r14w", "r15w" };
static const char *const r8[] = { "al", "cl", "dl", "bl", "spl", "bpl", "sil", "dil",
	"r8b", "r9b", "r10b", "r11b", "r12b", "r13b", "r14b", "r15b" };
static const char *const r8h[] = { "al", "cl", "dl", "bl", "ah", "ch", "dh", "bh" };
static const char *const cc[] = { "o", "no", "b", "ae", "e", "ne", "be", "a",
	"s", "ns", "p", "np", "l", "ge", "le", "g" };
static const char *const i8[] = { "0", "1", "0x7f", "-0x80", "-1", "0x40" };
static const char *const i16[] = { "0x1234", "-0x8000", "0x7fff", "0x80", "0x100" };
static const char *const i32[] = { "0x12345678", "-0x80000000", "0x7fffffff", "0x80",
	"-0x81", "0x1000" };
static const char *const i64[] = { "0x123456789abcdef0", "-0x8000000000000000",
	"0x100000000", "-0x7fffffff00000000" };
static const char *const seg[] = { "%fs:", "%gs:", "%es:", "%cs:", "%ss:", "%ds:" };

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Memory operands: every base, base+index*scale, no base, RIP- and
 * EIP-relative, absolute, with no/disp8/disp32 displacements, 32-bit
 * addressing (67) and segment overrides. */
static char mem[1024][48];
static unsigned nmem, mem_cursor;

static void mem_init(void)
{
	static const char *const base[] = { "rax", "rcx", "rdx", "rbx", "rsp", "rbp",
		"rsi", "rdi", "r8", "r9", "r10", "r12", "r13", "r15" };
	static const char *const idx[] = { "rax", "rcx", "rbp", "rsi", "r8", "r12",
		"r13", "r15" };
	static const char *const ebase[] = { "eax", "esp", "ebp", "r13d", "r12d" };
	static const char *const disp[] = { "", "0x7f", "-0x80", "0x80", "0x12345678",
		"-0x1", "-0x7fffffff" };

	for (unsigned b = 0; b < N(base); b++)
		for (unsigned d = 0; d < N(disp); d++)
			sprintf(mem[nmem++], "%s(%%%s)", disp[d], base[b]);
	for (unsigned b = 0; b < N(base); b++)
		for (unsigned i = 0; i < N(idx); i++)
			sprintf(mem[nmem++], "%s(%%%s,%%%s,%u)", disp[(b + i) % N(disp)],
				base[b], idx[i], 1u << ((b + i) & 3));
	for (unsigned i = 0; i < N(idx); i++)
		sprintf(mem[nmem++], "%s(,%%%s,%u)", disp[i % N(disp)], idx[i],
			1u << (i & 3));
	for (unsigned d = 1; d < N(disp); d++) {
		sprintf(mem[nmem++], "%s(%%rip)", disp[d]);
		sprintf(mem[nmem++], "%s(%%eip)", disp[d]);
		sprintf(mem[nmem++], "%s", disp[d][0] == '-' ? "0x7fffff80" : disp[d]);
	}
	for (unsigned b = 0; b < N(ebase); b++)
		for (unsigned d = 0; d < 4; d++)
			sprintf(mem[nmem++], "%s(%%%s%s)", disp[d + b % 3], ebase[b],
				d & 1 ? ",%ecx,2" : "");
	for (unsigned s = 0; s < N(seg); s++) {
		sprintf(mem[nmem++], "%s0x10(%%rax)", seg[s]);
		sprintf(mem[nmem++], "%s0x28", seg[s]);
		sprintf(mem[nmem++], "%s(%%rsp,%%rbx,8)", seg[s]);
	}
}

/* Memory operands for VSIB (gathers, scatters): index is a vector register. */
static const char *const vsib_base[] = { "rax", "rsp", "rbp", "r13", "r9" };

/* ---- template expansion ---------------------------------------------------
 * Placeholders: @q @d @w @b (64/32/16/8-bit GPR), @h (8-bit incl. ah..bh),
 * @x @y @z (xmm/ymm/zmm 0-15), @X @Y @Z (xmm/ymm/zmm 0-31), @k (k0-7),
 * @K (k1-7), @m (mmx), @M (memory), @V (xmm-indexed VSIB), @W (ymm VSIB),
 * @U (zmm VSIB), @c (condition code), @1 @2 @4 @8 (immediates of that many
 * bytes); %reg is a literal register. A template expands into as many lines as its largest
 * class (memory: MEM_PER_TEMPLATE from a cursor that walks all of them); each
 * placeholder occurrence walks its class with its own stride, so every
 * register appears in every operand position. */
#define MEM_PER_TEMPLATE 12

static unsigned class_size(char p)
{
	switch (p) {
	case 'q': case 'd': case 'w': case 'b': case 'x': case 'y': case 'z':
		return 16;
	case 'X': case 'Y': case 'Z':
		return 32;
	case 'h': case 'k': case 'm':
		return 8;
	case 'K':
		return 7;
	case 'c':
		return 16;
	case 'M': case 'V': case 'W': case 'U':
		return MEM_PER_TEMPLATE;
	case '1': return N(i8);
	case '2': return N(i16);
	case '4': return N(i32);
	case '8': return N(i64);
	}
	return 0;
}

static void put_operand(char p, unsigned i, unsigned mbase)
{
	switch (p) {
	case 'q': printf("%%%s", r64[i % 16]); break;
	case 'd': printf("%%%s", r32[i % 16]); break;
	case 'w': printf("%%%s", r16[i % 16]); break;
	case 'b': printf("%%%s", r8[i % 16]); break;
	case 'h': printf("%%%s", r8h[i % 8]); break;
	case 'x': printf("%%xmm%u", i % 16); break;
	case 'y': printf("%%ymm%u", i % 16); break;
	case 'z': printf("%%zmm%u", i % 16); break;
	case 'X': printf("%%xmm%u", i % 32); break;
	case 'Y': printf("%%ymm%u", i % 32); break;
	case 'Z': printf("%%zmm%u", i % 32); break;
	case 'k': printf("%%k%u", i % 8); break;
	case 'K': printf("%%k%u", 1 + i % 7); break;
	case 'm': printf("%%mm%u", i % 8); break;
	case 'c': printf("%s", cc[i % 16]); break;
	case 'M': printf("%s", mem[(mbase + i) % nmem]); break;
	case 'V': case 'W': case 'U':
		printf("0x%x(%%%s,%%%cmm%u,%u)", (i * 0x44) & 0x1ff, vsib_base[i % N(vsib_base)],
		       p == 'V' ? 'x' : p == 'W' ? 'y' : 'z', (i * 3) % 16, 1u << (i & 3));
		break;
	case '1': printf("$%s", i8[i % N(i8)]); break;
	case '2': printf("$%s", i16[i % N(i16)]); break;
	case '4': printf("$%s", i32[i % N(i32)]); break;
	case '8': printf("$%s", i64[i % N(i64)]); break;
	}
}

static void expand(const char *t)
{
	unsigned lines = 1, mbase = mem_cursor;

	for (const char *s = t; *s; s++)
		if (*s == '@' && s[1]) {
			unsigned n = class_size(*++s);
			if (n > lines)
				lines = n;
			if (*s == 'M')
				mem_cursor += MEM_PER_TEMPLATE;
		}
	for (unsigned v = 0; v < lines; v++) {
		unsigned occ = 0;

		for (const char *s = t; *s; s++) {
			if (*s != '@' || !s[1]) {
				putchar(*s);
				continue;
			}
			s++;
			/* stride 1, 5, 3, 7...: coprime to 8, 16 and 32 */
			put_operand(*s, v * (1 + 2 * (occ % 4)) + 3 * occ, mbase);
			occ++;
		}
		putchar('\n');
	}
}

/* The templates, grouped by family. */
static const char *const alu[] = { "add", "or", "adc", "sbb", "and", "sub", "xor", "cmp" };
static const char *const unary[] = { "inc", "dec", "neg", "not", "mul", "imul", "div", "idiv" };
static const char *const shift[] = { "rol", "ror", "rcl", "rcr", "shl", "shr", "sar" };
static const char *const bitop[] = { "bt", "bts", "btr", "btc" };

static void gen_integer(void)
{
	char t[128];

	for (unsigned i = 0; i < N(alu); i++) {
		const char *op = alu[i];
		static const char *const forms[] = {
			"%sq @q,@q", "%sl @d,@d", "%sw @w,@w", "%sb @b,@b", "%sb @h,@h",
			"{load} %sq @q,@q", "{store} %sl @d,@d",
			"%sq @q,@M", "%sl @d,@M", "%sw @w,@M", "%sb @b,@M",
			"%sq @M,@q", "%sl @M,@d", "%sw @M,@w", "%sb @M,@b",
			"%sq @1,@q", "%sl @1,@d", "%sw @1,@w", "%sb @1,@b",
			"%sq @4,@q", "%sl @4,@d", "%sw @2,@w",
			"%sq @4,@M", "%sl @4,@M", "%sw @2,@M", "%sb @1,@M",
			"%sq @1,@M", "%sl @1,@M", "%sw @1,@M",
			"lock %sl @d,@M", "lock %sq @1,@M",
			"%s $0x12345678,%%rax", "%s $0x1234,%%ax", "%s $0x12,%%al",
			"%s $0x12345678,%%eax",
		};
		for (unsigned f = 0; f < N(forms); f++) {
			/* lock cmp is #UD: gas refuses it */
			if (!strcmp(op, "cmp") && !strncmp(forms[f], "lock", 4))
				continue;
			sprintf(t, forms[f], op);
			expand(t);
		}
	}
	for (unsigned i = 0; i < N(unary); i++) {
		static const char *const forms[] = { "%sq @q", "%sl @d", "%sw @w",
			"%sb @b", "%sb @h", "%sq @M", "%sl @M", "%sw @M", "%sb @M" };
		for (unsigned f = 0; f < N(forms); f++) {
			sprintf(t, forms[f], unary[i]);
			expand(t);
		}
	}
	for (unsigned i = 0; i < N(shift); i++) {
		static const char *const forms[] = { "%sq @q", "%sl @1,@d",
			"%sw %%cl,@w", "%sb @1,@b", "%sq @1,@M", "%sl %%cl,@M",
			"%sw @M", "%sb %%cl,@M", "%sq $3,@q", "%sl $1,@M" };
		for (unsigned f = 0; f < N(forms); f++) {
			sprintf(t, forms[f], shift[i]);
			expand(t);
		}
	}
	for (unsigned i = 0; i < N(bitop); i++) {
		static const char *const forms[] = { "%sq @q,@q", "%sl @d,@M",
			"%sw @w,@w", "%sq @1,@q", "%sl @1,@M", "%sw $7,@M",
			"lock %sq @q,@M" };
		for (unsigned f = 0; f < N(forms); f++) {
			if (!strcmp(bitop[i], "bt") && !strncmp(forms[f], "lock", 4))
				continue;
			sprintf(t, forms[f], bitop[i]);
			expand(t);
		}
	}
	static const char *const misc[] = {
		"movq @q,@q", "movl @d,@d", "movw @w,@w", "movb @b,@b", "movb @h,@h",
		"movq @q,@M", "movl @d,@M", "movw @w,@M", "movb @b,@M", "movb @h,@M",
		"movq @M,@q", "movl @M,@d", "movw @M,@w", "movb @M,@b",
		"movq @4,@q", "movl @4,@d", "movw @2,@w", "movb @1,@b", "movb @1,@h",
		"movq @4,@M", "movl @4,@M", "movw @2,@M", "movb @1,@M",
		"movabsq @8,@q", "movabsq $0x12,@q",
		"movabs 0x1122334455667788,%al", "movabs 0x1122334455667788,%ax",
		"movabs 0x1122334455667788,%eax", "movabs 0x1122334455667788,%rax",
		"movabs %al,0x1122334455667788", "movabs %rax,0x1122334455667788",
		"testq @q,@q", "testl @d,@M", "testw @w,@w", "testb @b,@M", "testb @h,@h",
		"testq @4,@q", "testl @4,@M", "testw @2,@w", "testb @1,@b", "testb @1,@M",
		"test $0x12345678,%rax", "test $0x1234,%ax", "test $0x12,%al",
		"xchgq @q,@q", "xchgl @d,@M", "xchgw @w,@w", "xchgb @b,@M",
		"xchg %rax,@q", "xchg %eax,@d", "xchg %ax,@w",
		"imulq @q,@q", "imull @M,@d", "imulw @w,@w",
		"imulq @1,@q,@q", "imull @4,@M,@d", "imulw @2,@w,@w", "imulw @1,@M,@w",
		"movzbl @b,@d", "movzbw @M,@w", "movzbq @b,@q", "movzwl @w,@d",
		"movzwq @M,@q", "movsbl @b,@d", "movsbw @b,@w", "movsbq @M,@q",
		"movswl @M,@d", "movswq @w,@q", "movslq @d,@q", "movslq @M,@q",
		"movzbl @h,%esi",
		"leaq @M,@q", "leal @M,@d", "leaw @M,@w",
		"pushq @q", "popq @q", "pushw @w", "popw @w", "pushq @M", "popq @M",
		"pushw @M", "popw @M", "pushq @1", "pushq @4", "pushw @2",
		"cmov@c @q,@q", "cmov@c @M,@d", "cmov@c @w,@w",
		"set@c @b", "set@c @M", "set@c @h",
		"bswap @q", "bswap @d",
		"bsfq @q,@q", "bsrl @M,@d", "bsfw @w,@w",
		"popcntq @q,@q", "popcntl @M,@d", "popcntw @w,@w",
		"lzcntq @q,@q", "lzcntl @M,@d", "tzcntw @w,@w", "tzcntq @M,@q",
		"shldq @1,@q,@q", "shldl %cl,@d,@M", "shrdw @1,@w,@w", "shrdq %cl,@q,@M",
		"xaddq @q,@q", "lock xaddl @d,@M", "xaddb @b,@b",
		"cmpxchgq @q,@q", "lock cmpxchgl @d,@M", "cmpxchgb @b,@M", "cmpxchgw @w,@w",
		"lock cmpxchg8b @M", "lock cmpxchg16b @M", "cmpxchg16b @M",
		"crc32b @b,@d", "crc32w @w,@d", "crc32l @M,@d", "crc32q @q,@q", "crc32b @M,@q",
		"movbeq @M,@q", "movbel @d,@M", "movbew @M,@w",
		"adcxq @q,@q", "adoxl @M,@d",
		"andn @q,@q,@q", "andn @M,@d,@d", "bextr @q,@q,@q", "bextr @d,@M,@d",
		"blsi @q,@q", "blsmsk @M,@d", "blsr @d,@d", "bzhi @q,@M,@q",
		"pdep @q,@q,@q", "pext @M,@d,@d", "mulx @q,@q,@q", "mulx @M,@d,@d",
		"rorx @1,@q,@q", "rorx @1,@M,@d", "sarx @q,@q,@q", "shlx @d,@M,@d",
		"shrx @q,@M,@q",
		"bextr @4,@d,@d", "bextr @4,@M,@q", "blcfill @d,@d", "blcmsk @M,@q",
		"tzmsk @q,@q", "lwpins @4,@d,@d", "lwpval @4,@M,@q", "llwpcb @q",
		"{rex} movl @d,@d", "{rex} addb @b,@b", "{disp32} movq @M,@q",
		"{disp8} movl @d,@M",
		"rdrand @q", "rdseed @d", "rdrand @w", "rdfsbase @q", "wrgsbase @d",
		"rdpid @q", "rdpid %rax",
		"movq %cr0,@q", "movq @q,%cr3", "movq %cr8,@q", "movq @q,%cr4",
		"movq %db7,@q", "movq @q,%db0",
		"movw %ds,@w", "movl %es,@d", "movq %fs,@q", "movw @w,%ds", "movw @M,%ss",
		"movw %gs,@M", "movq @q,%fs",
		"lar @w,@d", "lsl @M,@q", "verr @w", "verw @M", "lldt @w", "sldt @M",
		"ltr @w", "str @d", "lgdt @M", "lidt @M", "sgdt @M", "sidt @M",
		"lmsw @w", "smsw @M", "invlpg @M", "invpcid @M,@q",
		"xsave @M", "xrstor @M", "xsaveopt64 @M", "xsavec @M", "xsaves64 @M",
		"fxsave @M", "fxrstor64 @M", "ldmxcsr @M", "stmxcsr @M",
		"clflush @M", "clflushopt @M", "clwb @M", "prefetcht0 @M", "prefetcht1 @M",
		"prefetcht2 @M", "prefetchnta @M", "prefetchw @M", "prefetch @M",
		"nopq @q", "nopl @M", "nopw @M",
		"inb @1,%al", "inw @1,%ax", "inl @1,%eax", "outb %al,@1", "outl %eax,@1",
		"inb (%dx),%al", "inl (%dx),%eax", "outw %ax,(%dx)",
		"enter @2,@1", "int @1", "ret @2", "lretq @2", "retw @2",
		"flds @M", "fldl @M", "fldt @M", "fstps @M", "fstpl @M", "fstpt @M",
		"fildl @M", "fildll @M", "fistps @M", "fisttpl @M", "fadds @M",
		"fmull @M", "fdivrs @M", "fnstcw @M", "fldcw @M", "fnstenv @M",
		"frstor @M", "fnsave @M", "fbld @M", "fbstp @M", "fnstsw @M",
		"xbegin 1f\n1:", "xabort @1",
	};
	for (unsigned i = 0; i < N(misc); i++)
		expand(misc[i]);

	/* x87 register forms */
	for (unsigned i = 0; i < 8; i++) {
		printf("fadd %%st(%u),%%st\nfmul %%st,%%st(%u)\nfxch %%st(%u)\n"
		       "fucomip %%st(%u),%%st\nffree %%st(%u)\nfld %%st(%u)\n"
		       "fstp %%st(%u)\nfcmovne %%st(%u),%%st\nfsubrp %%st,%%st(%u)\n",
		       i, i, i, i, i, i, i, i, i);
	}
}

/* Instructions without operands or with implied ones. */
static const char *const bare[] = {
	"nop", "pause", "hlt", "cli", "sti", "clc", "stc", "cmc", "cld", "std",
	"cbw", "cwtl", "cltq", "cwtd", "cltd", "cqto", "lahf", "sahf",
	"pushf", "popf", "pushfw", "popfw", "leave", "leavew",
	"int3", "int1", "ud2", "ud1 %eax,%ecx", "ud0 (%rax),%edx", "ud1 0x10(%rip),%r9",
	"cpuid", "rdtsc", "rdtscp", "rdmsr", "wrmsr", "rdpmc", "syscall", "sysretl",
	"sysretq", "sysenter", "sysexitl", "sysexitq", "iretl", "iretq", "iretw",
	"lretl", "lretq", "lretw", "ret", "retw", "rep ret", "bnd ret",
	"xlat", "wbinvd", "invd", "clts", "swapgs", "rsm", "getsec",
	"vmcall", "vmlaunch", "vmresume", "vmxoff", "vmrun", "vmmcall", "vmfunc",
	"vmload", "vmsave", "stgi", "clgi", "skinit", "invlpga",
	"monitor", "mwait", "xgetbv", "xsetbv", "rdpkru", "wrpkru", "clac", "stac",
	"xend", "xtest", "endbr64", "endbr32", "serialize", "fwait", "emms", "femms",
	"lfence", "mfence", "sfence", "uiret", "clui", "stui", "testui", "encls",
	"enclu", "xsusldtrk", "xresldtrk", "wbnoinvd", "clzero", "mcommit",
	"fninit", "fnclex", "fsin", "fcos", "fldz", "fld1", "fldpi", "fchs", "fabs",
	"fsqrt", "fprem", "fscale", "frndint", "fptan", "fyl2x", "fnop", "fcompp",
	"fnstsw %ax",
	"movsb", "movsw", "movsl", "movsq", "stosb", "stosw", "stosl", "stosq",
	"lodsb", "lodsw", "lodsl", "lodsq", "scasb", "scasw", "scasl", "scasq",
	"cmpsb", "cmpsw", "cmpsl", "cmpsq", "insb", "insw", "insl", "outsb", "outsw",
	"outsl", "rep movsb", "rep movsq", "rep stosl", "repz cmpsb", "repnz scasb",
	"rep insb", "rep outsl", "rep lodsq", "addr32 rep movsb", "data16 rep stosq",
	"movsq %fs:(%rsi),%es:(%rdi)", "lodsb %gs:(%rsi)",
	"monitorx", "mwaitx", "rdpru", "pconfig", "tpause %eax", "umwait %ecx",
	"umonitor %rax", "enqcmd (%rax),%rbx", "movdiri %rax,(%rbx)",
	"movdir64b (%rax),%rbx", "cldemote (%rax)", "ptwrite %rax", "incsspq %rax",
	"rdsspq %rax", "saveprevssp", "setssbsy", "wrssq %rax,(%rbx)",
	"hreset $1", "senduipi %rax", "xsaves (%rax)",
	/* the multi-byte nops gas pads code with */
	".nops 1", ".nops 2", ".nops 3", ".nops 4", ".nops 5", ".nops 6", ".nops 7",
	".nops 8", ".nops 9", ".nops 10", ".nops 11", ".nops 12", ".nops 13",
	".nops 14", ".nops 15",
	/* forms gas never emits: raw bytes (objdump still decides the length) */
	".byte 0x67,0xa0,0x78,0x56,0x34,0x12",		/* moffs with 67: 4 bytes */
	".byte 0x67,0x48,0xa3,0x78,0x56,0x34,0x12",
	".byte 0x66,0xe8,0x10,0x00,0x00,0x00",		/* 66 on a near call */
	".byte 0x66,0x0f,0x85,0x10,0x00,0x00,0x00",
	".byte 0x66,0xe9,0x10,0x00,0x00,0x00",
	".byte 0x48,0xe9,0x10,0x00,0x00,0x00",
	".byte 0x0f,0x20,0x00", ".byte 0x0f,0x22,0x45",	/* mov cr ignores mod */
	".byte 0x0f,0x21,0x84", ".byte 0x0f,0x23,0x04",
	".byte 0xf3,0xf2,0x66,0x2e,0x3e,0x26,0x64,0x65,0x36,0x48,0x90",
	".byte 0x66,0x66,0x66,0x66,0x48,0x81,0xc0,0x78,0x56,0x34,0x12",
	".byte 0x66,0x48,0xc7,0xc0,0x78,0x56,0x34,0x12",	/* REX.W beats 66 */
	".byte 0x66,0x48,0xb8,1,2,3,4,5,6,7,8",
	".byte 0x66,0xb8,0x34,0x12", ".byte 0x66,0x68,0x34,0x12",
	".byte 0x66,0xc7,0xf8,0x10,0x00",		/* xbegin rel16 */
	".byte 0xf6,0xc8,0x12", ".byte 0xf7,0xc8,0x78,0x56,0x34,0x12",	/* test /1 */
	".byte 0xc8,0x34,0x12,0x56",
	".byte 0x0f,0x0f,0xc1,0xb4", ".byte 0x0f,0x0f,0x40,0x10,0x9e",	/* 3DNow! */
};

static void gen_bare(void)
{
	for (unsigned i = 0; i < N(bare); i++)
		printf("%s\n", bare[i]);
}

/* Branches: short and {disp32} near, both directions, every condition. */
static void gen_flow(void)
{
	static const char *const tmpl[] = {
		"1: j@c 1b", "j@c 2f\nnop\n2:", "{disp32} j@c 1b", "{disp32} j@c 2f\n2:",
		"j@c .Lstart", "j@c .Lend",
		"1: jmp 1b", "jmp 2f\n2:", "{disp32} jmp 1b", "jmp .Lstart", "jmp .Lend",
		"call .Lstart", "call 2f\n2:", "call .Lend",
		"1: loop 1b", "1: loope 1b", "1: loopne 1b", "1: jrcxz 1b", "1: jecxz 1b",
		"1: addr32 loop 1b",
		"jmp *@q", "jmp *@M", "call *@q", "call *@M", "notrack jmp *@q",
		"notrack call *@M", "bnd jmp *@M", "bnd call .Lend", "bnd jmp .Lstart",
		"bnd j@c .Lstart", "ljmp *@M", "lcall *@M", "rex64 ljmp *@M",
		"rex64 lcall *@M", "ds j@c .Lend", "cs j@c 1f\n1:",
		"xbegin .Lstart", "xbegin .Lend",
	};
	for (unsigned i = 0; i < N(tmpl); i++)
		expand(tmpl[i]);
}

/* SSE/MMX in legacy encoding (mandatory 66/f2/f3 prefixes, 0f38 and 0f3a). */
static const char *const sse2op[] = {
	"movaps", "movups", "movapd", "movupd", "movdqa", "movdqu", "addps", "addpd",
	"addss", "addsd", "mulps", "subpd", "divss", "sqrtps", "maxpd", "minss",
	"andps", "andnpd", "orps", "xorpd", "unpcklps", "unpckhpd", "cvtps2pd",
	"cvtpd2ps", "cvtdq2ps", "cvttps2dq", "comiss", "ucomisd", "paddb", "paddw",
	"paddd", "paddq", "psubb", "pmullw", "pmulld", "pmaddwd", "pand", "pandn",
	"por", "pxor", "pcmpeqb", "pcmpgtd", "packsswb", "punpcklbw", "pshufb",
	"phaddw", "pabsb", "pmaxsd", "pminud", "ptest", "pmovzxbw", "pmovsxdq",
	"aesenc", "aesdec", "aesenclast", "aesimc", "sha1msg1", "sha256msg2",
	"sha1nexte", "pcmpgtq", "packusdw", "phminposuw", "movshdup", "haddps",
	"addsubpd", "rcpps", "rsqrtss", "cvtss2sd", "cvtsd2ss", "movsldup",
	"pavgb", "psadbw", "psllw", "psrad", "pmuludq", "gf2p8mulb",
};
static const char *const sseimm[] = {
	"pshufd", "pshufhw", "pshuflw", "shufps", "shufpd", "cmpps", "cmpsd",
	"roundps", "roundss", "blendps", "pblendw", "palignr", "dpps", "mpsadbw",
	"pcmpestri", "pcmpistrm", "pclmulqdq", "aeskeygenassist", "insertps",
	"sha1rnds4", "gf2p8affineqb",
};
static const char *const mmx2op[] = {
	"paddb", "psubw", "pmullw", "pand", "por", "pxor", "pcmpeqd", "packuswb",
	"punpckhdq", "pshufb", "pabsw", "pmaddubsw", "pavgw", "psadbw", "pmulhrsw",
};

static void gen_sse(void)
{
	char t[128];

	for (unsigned i = 0; i < N(sse2op); i++) {
		sprintf(t, "%s @x,@x", sse2op[i]);
		expand(t);
		sprintf(t, "%s @M,@x", sse2op[i]);
		expand(t);
	}
	for (unsigned i = 0; i < N(sseimm); i++) {
		sprintf(t, "%s @1,@x,@x", sseimm[i]);
		expand(t);
		sprintf(t, "%s @1,@M,@x", sseimm[i]);
		expand(t);
	}
	for (unsigned i = 0; i < N(mmx2op); i++) {
		sprintf(t, "%s @m,@m", mmx2op[i]);
		expand(t);
		sprintf(t, "%s @M,@m", mmx2op[i]);
		expand(t);
	}
	static const char *const misc[] = {
		"movss @x,@M", "movsd @M,@x", "movaps @x,@M", "movdqu @x,@M",
		"movd @d,@x", "movd @x,@M", "movq @q,@x", "movq @x,@q", "movq @M,@x",
		"movq @x,@M", "movd @d,@m", "movq @m,@q", "movq @m,@M", "movq2dq @m,@x",
		"movdq2q @x,@m", "cvtsi2sdq @q,@x", "cvtsi2ssl @M,@x", "cvttsd2si @x,@q",
		"cvtss2si @M,@d", "movmskps @x,@d", "pmovmskb @x,@d", "pmovmskb @m,@d",
		"maskmovdqu @x,@x", "maskmovq @m,@m", "movnti @q,@M", "movntdq @x,@M",
		"movntps @x,@M", "lddqu @M,@x", "movntdqa @M,@x", "movhps @M,@x",
		"movlpd @x,@M", "movhlps @x,@x",
		"pextrb @1,@x,@d", "pextrw @1,@x,@d", "pextrd @1,@x,@M", "pextrq @1,@x,@q",
		"pinsrb @1,@d,@x", "pinsrw @1,@M,@x", "pinsrd @1,@d,@x", "pinsrq @1,@M,@x",
		"pextrw @1,@m,@d", "pinsrw @1,@d,@m", "pshufw @1,@M,@m", "extractps @1,@x,@M",
		"psrlw @1,@x", "psraw @1,@m", "pslld @1,@x", "psrad @1,@x", "psllq @1,@m",
		"psrldq @1,@x", "pslldq @1,@x", "psrlq @1,@x",
		"extrq @1,@1,@x", "insertq @1,@1,@x,@x", "extrq @x,@x", "insertq @x,@x",
		"blendvps %xmm0,@x,@x", "pblendvb %xmm0,@M,@x", "sha256rnds2 %xmm0,@x,@x",
		"cmpeqps @x,@x", "cmpltsd @M,@x", "cvtpi2ps @m,@x", "cvttps2pi @x,@m",
		"movntq @m,@M", "pmulhuw @m,@m",
	};
	for (unsigned i = 0; i < N(misc); i++)
		expand(misc[i]);
}

/* VEX: AVX, AVX2, FMA, F16C; {vex3} forces the 3-byte form gas avoids. */
static const char *const avx3op[] = {
	"vaddps", "vaddpd", "vmulps", "vsubpd", "vdivps", "vmaxpd", "vminps",
	"vandps", "vxorpd", "vunpcklps", "vpaddb", "vpaddd", "vpsubq", "vpmulld",
	"vpand", "vpxor", "vpcmpeqb", "vpshufb", "vpmaxsd",
	"vpsllvd", "vpsravd", "vfmadd132ps", "vfmadd213pd", "vfmadd231ps",
	"vfnmsub231pd", "vaesenc", "vhaddps", "vpmaddwd", "vpacksswb", "vpunpcklbw",
};

static void gen_avx(void)
{
	char t[128];

	for (unsigned i = 0; i < N(avx3op); i++) {
		static const char *const forms[] = { "%s @x,@x,@x", "%s @y,@y,@y",
			"%s @M,@x,@x", "%s @M,@y,@y", "{vex3} %s @x,@x,@x" };
		for (unsigned f = 0; f < N(forms); f++) {
			sprintf(t, forms[f], avx3op[i]);
			expand(t);
		}
	}
	static const char *const misc[] = {
		"vmovups @M,@y", "vmovaps @y,@M", "vpermd @y,@y,@y", "vpermps @M,@y,@y", "vmovdqu @x,@x", "vmovdqa @M,@x",
		"vmovss @M,@x", "vmovsd @x,@x,@x", "vmovd @d,@x", "vmovq @x,@q",
		"vmovq @M,@x", "vbroadcastss @M,@y", "vbroadcastss @x,@y",
		"vpbroadcastb @x,@y", "vpbroadcastq @M,@x", "vbroadcastf128 @M,@y",
		"vperm2f128 @1,@y,@y,@y", "vpermq @1,@y,@y", "vpermpd @1,@M,@y",
		"vinsertf128 @1,@x,@y,@y", "vextractf128 @1,@y,@x", "vinserti128 @1,@M,@y,@y",
		"vextracti128 @1,@y,@M", "vblendvps @x,@x,@x,@x", "vpblendvb @y,@M,@y,@y",
		"vblendps @1,@y,@y,@y", "vpblendd @1,@M,@x,@x", "vshufps @1,@x,@x,@x",
		"vpshufd @1,@y,@y", "vpsrlw @1,@x,@x", "vpslldq @1,@y,@y", "vpsrad @1,@y,@y",
		"vcmpps @1,@y,@y,@y", "vcmpsd @1,@M,@x,@x", "vroundps @1,@y,@y",
		"vpclmulqdq @1,@x,@x,@x", "vpalignr @1,@M,@y,@y", "vdpps @1,@y,@y,@y",
		"vpextrq @1,@x,@q", "vpextrb @1,@x,@M", "vpinsrd @1,@d,@x,@x",
		"vpinsrq @1,@M,@x,@x", "vpextrw @1,@x,@d", "vpinsrw @1,@d,@x,@x",
		"vcvtsi2sd @q,@x,@x", "vcvtsi2ssl @M,@x,@x", "vcvttsd2si @x,@q",
		"vcvtps2ph @1,@y,@x", "vcvtph2ps @M,@y", "vmaskmovps @M,@y,@y",
		"vpmaskmovd @x,@x,@M", "vtestps @y,@y", "vptest @M,@y", "vldmxcsr @M",
		"vstmxcsr @M", "vzeroupper", "vzeroall", "vmovmskps @y,@d",
		"vpmovmskb @y,@d", "vlddqu @M,@y", "vmovntdq @y,@M", "vsqrtps @M,@y",
		"vgatherdps @x,@V,@x", "vgatherdps @y,@W,@y", "vpgatherqq @y,@W,@y",
		"vpgatherdd @x,@V,@x", "vgatherqpd @x,@V,@x",
		"vfmadd132ss @M,@x,@x", "vfmsubadd213ps @y,@y,@y",
		"vpdpbusd @y,@y,@y", "{vex} vpdpbusd @x,@x,@x",
		"vaesdeclast @y,@y,@y", "vgf2p8affineqb @1,@y,@y,@y",
		"vpcmov @x,@x,@x,@x", "vpcmov @M,@x,@x,@x", "vpcmov @y,@y,@y,@y",
		"vprotd @1,@x,@x", "vprotd @x,@M,@x", "vpcomb @1,@x,@x,@x",
		"vpmacsdd @x,@x,@x,@x", "vfrczps @M,@x", "vphaddbw @x,@x",
		"vpshld @x,@x,@x", "vpperm @x,@M,@x,@x",
		"kmovw @k,@k", "kmovq @M,@k", "kmovd @k,@d", "kmovb @d,@k", "kandw @k,@k,@k",
		"knotq @k,@k", "kortestw @k,@k", "kshiftlw @1,@k,@k", "kunpckbw @k,@k,@k",
		"kaddd @k,@k,@k",
	};
	for (unsigned i = 0; i < N(misc); i++)
		expand(misc[i]);
}

/* EVEX: AVX-512 with masks, zeroing, broadcast, rounding, xmm16-31, FP16. */
static void gen_evex(void)
{
	char t[160];
	static const char *const ops[] = { "vaddps", "vmulpd", "vpaddd", "vpxorq",
		"vpermt2d", "vfmadd231ps", "vpmulld", "vmaxps", "vpandd", "vpermi2q",
		"vscalefps", "vpsllvq", "vpmaddwd", "vpshufb", "vaddph", "vfmadd132ph",
		"vmulph", "vpdpbusd", "vpmadd52luq", "vpermb" };
	static const char *const forms[] = {
		"%s @Z,@Z,@Z", "%s @Z,@Z,@Z{@K}", "%s @Z,@Z,@Z{@K}{z}",
		"%s @M,@Z,@Z", "%s @M,@Y,@Y{@K}", "%s @X,@X,@X",
		"{evex} %s @x,@x,@x",
	};
	for (unsigned i = 0; i < N(ops); i++)
		for (unsigned f = 0; f < N(forms); f++) {
			sprintf(t, forms[f], ops[i]);
			expand(t);
		}
	static const char *const misc[] = {
		"vaddps (%rax){1to16},@Z,@Z", "vaddpd 0x40(%rsp){1to8},@Z,@Z{@K}",
		"vpaddd -0x4(%rip){1to16},@Z,@Z", "vmulps 0x1000(%rbx,%rcx,4){1to8},@Y,@Y",
		"vaddph (%rax){1to32},@Z,@Z", "vaddps {rn-sae},@Z,@Z,@Z",
		"vaddpd {rz-sae},@Z,@Z,@Z{@K}", "vcvtps2dq {ru-sae},@Z,@Z",
		"vpternlogd @1,@Z,@Z,@Z", "vpternlogq @1,@M,@Z,@Z{@K}",
		"vpcmpd @1,@Z,@Z,@K", "vpcmpeqd @Z,@Z,@K", "vcmpps @1,@M,@Z,@K{@K}",
		"vcmpph @1,@Z,@Z,@K", "vfpclassps @1,@Z,@K", "vgetmantps @1,@M,@Z",
		"vrndscaleps @1,@Z,@Z", "vreduceph @1,@Z,@Z", "valignd @1,@Z,@Z,@Z",
		"vshuff32x4 @1,@Z,@Z,@Z", "vinserti64x4 @1,@y,@Z,@Z", "vextracti32x4 @1,@Z,@M",
		"vpcompressd @Z,@M{@K}", "vpexpandq @M,@Z{@K}{z}", "vpmovdb @Z,@X",
		"vpmovqw @Z,@M", "vpbroadcastd @d,@Z", "vpbroadcastq @q,@Z{@K}",
		"vbroadcasti32x4 @M,@Z", "vmovdqu8 @M,@Z{@K}", "vmovdqu64 @Z,@M",
		"vmovups @Z,@M{@K}", "vmovaps @M,@Z", "vmovd @d,@X", "vmovq @X,@M",
		"vpgatherdd @U,@Z{@K}", "vscatterdps @Z,@U{@K}", "vgatherqpd @U,@Z{@K}",
		"vcvtps2ph @1,@Z,@M", "vcvtsi2sd @q,@X,@X", "vcvtsi2ss @d,{rn-sae},@X,@X",
		"vpopcntd @Z,@Z", "vpshldd @1,@Z,@Z,@Z", "vpermw @Z,@Z,@Z",
		"vcvtph2psx @Y,@Z", "vcvtsh2ss @X,@X,@X", "vmovsh @M,@X", "vmovw @d,@X",
		"vfcmaddcph @Z,@Z,@Z", "vrcpph @Z,@Z", "vsqrtsh @X,@X,@X{@K}",
		"vpextrd @1,@X,@d", "vpinsrq @1,@q,@X,@X", "vextractps @1,@X,@M",
		"vpsrlq @1,@Z,@Z", "vpsrad @1,@M,@Z", "vpshufd @1,@Z,@Z", "vshufps @1,@Z,@Z,@Z",
		"vpsrldq @1,@Z,@Z", "vpslld @1,(%rax){1to16},@Z",
		"vp2intersectd @Z,@Z,@K", "vpconflictd @M,@Z", "vplzcntq @Z,@Z",
		"vexp2ps @Z,@Z", "v4fmaddps (%rax),@Z,@Z", "vdpbf16ps @Z,@Z,@Z",
	};
	for (unsigned i = 0; i < N(misc); i++)
		expand(misc[i]);
	/* the memory sweep: every addressing mode in EVEX and legacy forms */
	for (unsigned m = 0; m < nmem; m++)
		printf("vaddps %s,%%zmm1,%%zmm2\nvmovups %%ymm17,%s\n"
		       "movq %s,%%r9\naddl $0x12345678,%s\nmovb $1,%s\n",
		       mem[m], mem[m], mem[m], mem[m], mem[m]);
}

/* ---- random instruction-shaped bytes ---- */
static unsigned long long rng;

static unsigned rnd(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)((rng >> 11) % n);
}

/* Prefixes, REX, escape and opcode drawn so every map and form gets hit,
 * then random ModRM/SIB/tail bytes. Lengths come from objdump, never from
 * this generator. */
static void gen_random(unsigned long long seed, unsigned n)
{
	static const unsigned char pfx[] = { 0x66, 0x67, 0xf0, 0xf2, 0xf3, 0x2e, 0x36,
		0x3e, 0x26, 0x64, 0x65 };

	rng = seed * 0x9e3779b97f4a7c15ull + 1;
	for (unsigned i = 0; i < n; i++) {
		unsigned char b[32];
		unsigned len = 0;

		for (unsigned p = rnd(8) < 5 ? 0 : 1 + rnd(3); p; p--)
			b[len++] = pfx[rnd(sizeof(pfx))];
		if (rnd(3) == 0)
			b[len++] = 0x40 + rnd(16);
		switch (rnd(10)) {
		case 0: case 1: case 2:
			break;
		case 3: case 4:
			b[len++] = 0x0f;
			break;
		case 5:
			b[len++] = 0x0f;
			b[len++] = 0x38 + 2 * rnd(2);
			break;
		case 6:		/* VEX2 */
			b[len++] = 0xc5;
			b[len++] = rnd(256);
			break;
		case 7:		/* VEX3, maps 1-3 mostly */
			b[len++] = 0xc4;
			b[len++] = (rnd(8) << 5) | (rnd(8) ? 1 + rnd(3) : rnd(32));
			b[len++] = rnd(256);
			break;
		case 8:		/* EVEX, maps 1-7 */
			b[len++] = 0x62;
			b[len++] = (rnd(16) << 4) | (rnd(8) ? rnd(8) : rnd(16));
			b[len++] = rnd(256) | (rnd(8) ? 4 : 0);
			b[len++] = rnd(256);
			break;
		case 9:		/* XOP */
			b[len++] = 0x8f;
			b[len++] = (rnd(8) << 5) | (rnd(4) ? 8 + rnd(3) : rnd(32));
			b[len++] = rnd(256);
			break;
		}
		while (len < 15 + 1)
			b[len++] = rnd(256);
		fwrite(b, 1, len, stdout);
	}
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "asm")) {
		mem_init();
		printf("# generated by tests/unit/lib/gen_insn.c\n\t.text\n.Lstart:\n");
		gen_flow();
		gen_integer();
		gen_bare();
		gen_sse();
		gen_avx();
		gen_evex();
		gen_flow();
		printf(".Lend:\n");
		return 0;
	}
	if (argc == 4 && !strcmp(argv[1], "random")) {
		gen_random(strtoull(argv[2], NULL, 0), (unsigned)strtoul(argv[3], NULL, 0));
		return 0;
	}
	fprintf(stderr, "usage: gen_insn asm | gen_insn random SEED N\n");
	return 2;
}
