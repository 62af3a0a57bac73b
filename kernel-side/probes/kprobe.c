/* The probe engine (kprobe.h): registering, the #BP and single-step #DB
 * handlers. What each instruction needs is kprobe_insn.c's. */
#include "kernel-side/cpu/cpu.h"
#include "kernel-side/cpu/debugreg.h"
#include "kernel-side/ftrace/ftrace.h"
#include "kernel-side/probes/kprobe_path.h"
#include "kernel-side/owned/trap.h"
#include "lib/libc.h"
#include "lib/symtab.h"
#include "kernel-side/cpu/text_poke.h"

extern u8 kprobe_slots[];

static u64 image_base;
static struct kprobe *probes[KPROBE_MAX];
static unsigned nprobes;
static u32 slot_map;
/* The probe whose instruction is being single-stepped, and the TF/IF of
 * the code it interrupted. */
static struct kprobe *stepping;
static u64 step_flags;

/* Functions the #BP/#DB path runs, by name prefix: a probe there would trap
 * inside its own handling (Linux: NOKPROBE_SYMBOL, the entry text). The
 * names are the symbol table's, so static helpers and GCC's clones
 * (foo.isra.0) of these files are covered too. */
static const char *const machinery[] = {
	"trap", "bp_entry", "owned_", "extable", "kprobe", "kretprobe", "kp_",
	"text_poke", "dr_", "hw_", "insn_", "symtab", "mem", "sync_core",
};

void kprobe_init(u64 base)
{
	image_base = base;
	trap_set_int3(TRAP_INT3_PROBE, kprobe_int3);
	trap_set_debug(TRAP_DEBUG_STEP, kprobe_single_step);
}

static u64 slot_addr(int slot)
{
	return (u64)(uintptr_t)(kprobe_slots + slot * KP_SLOT_SIZE);
}

/* The function holding addr: [start, end). */
static bool fn_bounds(u64 addr, u64 *start, u64 *end)
{
	u64 off;

	if (!symtab_name(addr, image_base, &off))
		return false;
	*start = addr - off;
	for (u32 i = 0; i < symtab_count; i++) {
		if (image_base + symtab[i].addr == *start) {
			*end = image_base + symtab[i + 1].addr;
			return true;
		}
	}
	return false;
}

bool kprobe_lookup(const char *name, u64 *addr, u64 *size)
{
	for (u32 i = 0; i < symtab_count; i++) {
		if (!strcmp(symtab_names + symtab[i].name, name)) {
			*addr = image_base + symtab[i].addr;
			*size = symtab[i + 1].addr - symtab[i].addr;
			return true;
		}
	}
	return false;
}

bool kprobe_is_fn_start(u64 addr)
{
	u64 off;

	return symtab_name(addr, image_base, &off) && off == 0;
}

static bool in_machinery(u64 addr)
{
	u64 off;
	const char *name = symtab_name(addr, image_base, &off);

	if (addr >= slot_addr(0) && addr < slot_addr(KPROBE_SLOTS))
		return true;
	for (unsigned i = 0; name && i < ARRAY_SIZE(machinery); i++)
		if (!strncmp(name, machinery[i], strlen(machinery[i])))
			return true;
	return false;
}

/* A function tracer site holding its CALL (tracing on): the tracer would
 * write the NOP over the INT3, and unregistering would then put the CALL's
 * first byte back in front of the NOP's other four. */
static bool ftrace_live(u64 addr)
{
	for (unsigned i = 0; i < ftrace_site_count(); i++)
		if ((u64)(uintptr_t)ftrace_site(i) == addr)
			return memcmp(ftrace_site(i), FTRACE_NOP5, 5) != 0;
	return false;
}

/* Decodes from start to reach addr exactly: a probe in the middle of an
 * instruction would corrupt it (Linux can_probe()). */
static int walk_to(u64 start, u64 end, u64 addr, struct insn *in)
{
	u64 a = start;

	for (;;) {
		if (insn_decode(in, (const u8 *)(uintptr_t)a, end - a) < 0)
			return KPROBE_E_DECODE;
		if (a == addr)
			return KPROBE_OK;
		a += in->len;
		if (a > addr || a >= end)
			return KPROBE_E_NOT_BOUNDARY;
	}
}

bool kprobe_insn_before(u64 rip, u64 *insn)
{
	struct insn in;
	u64 start, end, a;

	if (!fn_bounds(rip - 1, &start, &end))
		return false;
	for (a = start; a < rip; a += in.len) {
		if (insn_decode(&in, (const u8 *)(uintptr_t)a, end - a) < 0)
			return false;
		if (a + in.len == rip) {
			*insn = a;
			return true;
		}
	}
	return false;
}

/* Dense: a hit searches only the probes that are in. */
static struct kprobe *find(u64 addr)
{
	for (unsigned i = 0; i < nprobes; i++)
		if (probes[i]->addr == addr)
			return probes[i];
	return NULL;
}

static int table_add(struct kprobe *p)
{
	if (nprobes == KPROBE_MAX)
		return KPROBE_E_NO_SLOT;
	probes[nprobes++] = p;
	return KPROBE_OK;
}

/* Slot bytes written, first byte of the site replaced by INT3. */
static int arm(struct kprobe *p)
{
	static const u8 int3 = INT3_INSN;
	u8 bytes[KP_SLOT_SIZE];
	const u8 *code = (const u8 *)(uintptr_t)p->addr;

	p->slot = kp_slot_alloc(&slot_map, KPROBE_SLOTS);
	if (p->slot < 0)
		return KPROBE_E_NO_SLOT;
	p->refusal = kp_prepare(&p->insn, code, p->addr, slot_addr(p->slot), bytes, &p->action);
	if (p->refusal != KP_OK) {
		kp_slot_free(&slot_map, (unsigned)p->slot);
		p->slot = -1;
		return KPROBE_E_INSN;
	}
	if (p->action == KP_STEP || p->action == KP_STEP_ABS || p->action == KP_STEP_ABS_CALL) {
		p->boosted = p->boost && !p->post && p->action == KP_STEP &&
			     kp_boost(&p->insn, p->addr, slot_addr(p->slot), bytes);
		text_poke((void *)(uintptr_t)slot_addr(p->slot), bytes, KP_SLOT_SIZE);
	} else {
		kp_slot_free(&slot_map, (unsigned)p->slot);
		p->slot = -1;
	}
	if (table_add(p) != KPROBE_OK) {
		kprobe_unregister(p);
		return KPROBE_E_NO_SLOT;
	}
	memcpy(p->orig, code, p->insn.len);
	text_poke((void *)(uintptr_t)p->addr, &int3, 1);
	return KPROBE_OK;
}

int kprobe_register(struct kprobe *p)
{
	u64 start, end, size;
	int err;

	p->hits = 0;
	p->slot = -1;
	p->action = KP_REFUSE;
	p->refusal = KP_OK;
	p->boosted = false;
	p->path = KPROBE_PATH_INT3;
	p->opt_refusal = KP_OPT_R_INT3_ONLY;
	p->detour = -1;
	if (!p->addr) {
		if (!p->symbol || !kprobe_lookup(p->symbol, &start, &size) || p->offset >= size)
			return KPROBE_E_NO_SYMBOL;
		p->addr = start + p->offset;
	}
	if (!fn_bounds(p->addr, &start, &end))
		return KPROBE_E_NO_SYMBOL;
	if (in_machinery(p->addr))
		return KPROBE_E_MACHINERY;
	if (find(p->addr) || *(const u8 *)(uintptr_t)p->addr == INT3_INSN ||
	    ftrace_live(p->addr))
		return KPROBE_E_BUSY;
	err = walk_to(start, end, p->addr, &p->insn);
	if (err != KPROBE_OK)
		return err;
	if (!p->int3 && kp_ftrace_site(p->addr)) {
		err = table_add(p);
		if (err == KPROBE_OK)
			kp_ftrace_arm(p);
		return err;
	}
	err = arm(p);
	if (err == KPROBE_OK)
		kp_optimize(p, start, end);
	return err;
}

void kprobe_unregister(struct kprobe *p)
{
	static const u8 fill[KP_SLOT_SIZE] = {
		0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc,
		0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc,
	};

	for (unsigned i = 0; i < nprobes; i++) {
		if (probes[i] != p)
			continue;
		if (p->path == KPROBE_PATH_FTRACE) {
			kp_ftrace_disarm(p);
		} else {
			if (p->path == KPROBE_PATH_OPTIMIZED)
				kp_unoptimize(p);
			text_poke((void *)(uintptr_t)p->addr, p->orig, 1);
		}
		probes[i] = probes[--nprobes];
		break;
	}
	if (p->slot >= 0) {
		text_poke((void *)(uintptr_t)slot_addr(p->slot), fill, KP_SLOT_SIZE);
		kp_slot_free(&slot_map, (unsigned)p->slot);
		p->slot = -1;
	}
}

void kprobe_unregister_all(void)
{
	while (nprobes)
		kprobe_unregister(probes[nprobes - 1]);
	stepping = NULL;
}

void kprobe_forget_all(void)
{
	nprobes = 0;
	slot_map = 0;
	stepping = NULL;
}

/* #BP is a trap: RIP is past the INT3 (SDM Vol3A 6.5). */
bool kprobe_int3(struct trapframe *tf)
{
	u64 addr = tf->rip - 1;
	struct kprobe *p = find(addr);

	if (!p)
		return false;
	p->hits++;
	tf->rip = addr;
	if (p->pre)
		p->pre(p, tf);
	if (p->slot < 0) {
		kp_emulate(&p->insn, p->action, addr, tf);
		if (p->post)
			p->post(p, tf);
		return true;
	}
	if (p->boosted) {
		tf->rip = slot_addr(p->slot);
		return true;
	}
	/* One instruction in the slot, then #DB: TF set, IF clear so no
	 * interrupt handler runs under the step (Linux clears IF too). */
	stepping = p;
	step_flags = tf->rflags & (X86_EFLAGS_TF | X86_EFLAGS_IF);
	tf->rflags = (tf->rflags | X86_EFLAGS_TF) & ~X86_EFLAGS_IF;
	tf->rip = slot_addr(p->slot);
	return true;
}

bool kprobe_single_step(struct trapframe *tf, u64 dr6)
{
	struct kprobe *p = stepping;

	if (!p || !(dr6 & DR6_BS))
		return false;
	stepping = NULL;
	kp_fixup_step(&p->insn, p->action, p->addr, slot_addr(p->slot), tf);
	tf->rflags = (tf->rflags & ~(X86_EFLAGS_TF | X86_EFLAGS_IF)) | step_flags;
	if (p->post)
		p->post(p, tf);
	return true;
}

const char *kprobe_err_name(int err)
{
	static const char *const names[] = {
		[KPROBE_OK] = "ok", [KPROBE_E_NO_SYMBOL] = "no-symbol",
		[KPROBE_E_NOT_BOUNDARY] = "not-boundary", [KPROBE_E_MACHINERY] = "machinery",
		[KPROBE_E_BUSY] = "busy", [KPROBE_E_DECODE] = "decode",
		[KPROBE_E_INSN] = "insn-refused", [KPROBE_E_NO_SLOT] = "no-slot",
		[KPROBE_E_NOT_ENTRY] = "not-entry",
	};

	return (unsigned)err < ARRAY_SIZE(names) ? names[err] : "?";
}

const char *kprobe_path_name(enum kprobe_path path)
{
	static const char *const names[] = {
		[KPROBE_PATH_INT3] = "int3", [KPROBE_PATH_FTRACE] = "ftrace",
		[KPROBE_PATH_OPTIMIZED] = "optimized",
	};

	return (unsigned)path < ARRAY_SIZE(names) ? names[path] : "?";
}
