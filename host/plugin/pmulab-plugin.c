/* pmulab's TCG reference plugin (docs/reference-plugin.md): counts, per
 * measured region of the payload, what executed -- instructions, branches,
 * conditional branches and which were taken, loads and stores -- and runs
 * cachegrind's cache and branch-predictor models (cachesim.h) over the
 * same instruction fetches and data accesses.
 *
 * Regions are bracketed by bench.c's marker NOPs, found by their bytes at
 * translation time; they are numbered in execution order, which the
 * payload's bench records also state (region0), since QEMU 7.2's plugin API
 * cannot read guest registers. Only code inside regions is counted and
 * simulated, and every region starts with empty caches and an untrained
 * predictor, as each of cachegrind's measured calls in `pmulab linux` (a
 * fresh process per call) does.
 *
 * Arguments: out=FILE (the per-region counts, written as each region ends),
 * i1=, d1=, ll=SIZE:ASSOC:LINE (cachegrind's --I1/--D1/--LL; colons, as
 * QEMU splits plugin arguments at commas). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <qemu-plugin.h>
#include "host/plugin/cachesim.h"

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

/* 0F 1F 84 00 disp32: NOP DWORD [RAX+RAX*1+disp32], disp32 "PMU<" or "PMU>". */
static const uint8_t mark_begin[8] = { 0x0f, 0x1f, 0x84, 0x00, 'P', 'M', 'U', '<' };
static const uint8_t mark_end[8] = { 0x0f, 0x1f, 0x84, 0x00, 'P', 'M', 'U', '>' };

enum kind { K_OTHER, K_COND, K_DIRECT, K_INDIRECT, K_RET, K_BEGIN, K_END };

struct insn {
	uint64_t pc;
	uint8_t len, kind;
};

/* Running totals over all regions; a region is end minus begin. */
enum total {
	T_INSNS, T_BRANCHES, T_COND, T_COND_TAKEN, T_COND_MISS, T_IND, T_IND_MISS,
	T_COUNT
};

static const char *const columns =
	"region insns branches cond cond_taken cond_miss ind ind_miss "
	"Ir I1mr ILmr Dr D1mr DLmr Dw D1mw DLmw";

static struct cs_sim sim;
static struct cs_bpred bp;
static uint64_t tot[T_COUNT], at_begin[T_COUNT], sim_begin[CS_EVENTS];
static bool done, in_region;
static uint64_t region;
static FILE *out;
/* The branch or access waiting for what comes next. */
static const struct insn *pending;
static const struct insn *last_load_insn;
static uint64_t last_load_addr;
static unsigned last_load_size;

static void region_end(void)
{
	fprintf(out, "%llu", (unsigned long long)region);
	for (int i = 0; i < T_COUNT; i++)
		fprintf(out, " %llu", (unsigned long long)(tot[i] - at_begin[i]));
	for (int i = 0; i < CS_EVENTS; i++)
		fprintf(out, " %llu", (unsigned long long)(sim.ev[i] - sim_begin[i]));
	fputc('\n', out);
	fflush(out);
	region++;
	in_region = false;
}

/* Before each instruction. Only what runs inside a region is counted and
 * simulated: the branch before this one is resolved (taken when this is
 * not its fall-through), then this one counts. */
static void on_insn(unsigned vcpu, void *udata)
{
	const struct insn *in = udata;

	if (in->kind == K_BEGIN && !done) {
		if (in_region)
			fprintf(out, "# region %llu: a begin marker without its end\n",
				(unsigned long long)region);
		memcpy(at_begin, tot, sizeof(tot));
		memcpy(sim_begin, sim.ev, sizeof(sim_begin));
		/* Cold, as cachegrind's fresh process for each measured call. */
		cs_sim_flush(&sim);
		memset(&bp, 0, sizeof(bp));
		in_region = true;
		pending = NULL;
	}
	if (!in_region)
		return;
	if (pending) {
		if (pending->kind == K_COND) {
			bool taken = in->pc != pending->pc + pending->len;
			tot[T_COND_TAKEN] += taken;
			tot[T_COND_MISS] += cs_cond_mispredict(&bp, pending->pc, taken);
		} else {
			tot[T_IND_MISS] += cs_ind_mispredict(&bp, pending->pc, in->pc);
		}
		pending = NULL;
	}
	if (in->kind == K_END) {
		region_end();
		return;
	}
	last_load_insn = NULL;
	tot[T_INSNS]++;
	cs_fetch(&sim, in->pc, in->len);
	switch (in->kind) {
	case K_COND:
		tot[T_COND]++;
		pending = in;
		break;
	case K_INDIRECT:
		tot[T_IND]++;
		pending = in;
		break;
	}
	tot[T_BRANCHES] += in->kind == K_COND || in->kind == K_DIRECT || in->kind == K_INDIRECT ||
			   in->kind == K_RET;
}

/* After each data access. A store of the bytes the same instruction just
 * loaded is cachegrind's "modify": one read, so it is not counted again. */
static void on_mem(unsigned vcpu, qemu_plugin_meminfo_t info, uint64_t va, void *udata)
{
	const struct insn *in = udata;
	unsigned size = 1u << qemu_plugin_mem_size_shift(info);

	if (!in_region)
		return;
	if (!qemu_plugin_mem_is_store(info)) {
		cs_read(&sim, va, size);
		last_load_insn = in;
		last_load_addr = va;
		last_load_size = size;
		return;
	}
	if (last_load_insn == in && last_load_addr == va && last_load_size == size) {
		last_load_insn = NULL;
		return;
	}
	cs_write(&sim, va, size);
}

static uint8_t kind_of(const uint8_t *p, size_t len)
{
	if (len == sizeof(mark_begin) && !memcmp(p, mark_begin, len))
		return K_BEGIN;
	if (len == sizeof(mark_end) && !memcmp(p, mark_end, len))
		return K_END;
	switch (cs_classify(p, len)) {
	case CS_COND: return K_COND;
	case CS_DIRECT: return K_DIRECT;
	case CS_INDIRECT: return K_INDIRECT;
	case CS_RET: return K_RET;
	default: return K_OTHER;
	}
}

static void on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	size_t n = qemu_plugin_tb_n_insns(tb);

	for (size_t i = 0; i < n; i++) {
		struct qemu_plugin_insn *qi = qemu_plugin_tb_get_insn(tb, i);
		/* Lives as long as the translation may run: never freed, as
		 * QEMU gives no callback when a translation is dropped. */
		struct insn *in = malloc(sizeof(*in));

		if (!in)
			abort();
		in->pc = qemu_plugin_insn_vaddr(qi);
		in->len = (uint8_t)qemu_plugin_insn_size(qi);
		in->kind = kind_of(qemu_plugin_insn_data(qi), in->len);
		qemu_plugin_register_vcpu_insn_exec_cb(qi, on_insn, QEMU_PLUGIN_CB_NO_REGS, in);
		qemu_plugin_register_vcpu_mem_cb(qi, on_mem, QEMU_PLUGIN_CB_NO_REGS,
						 QEMU_PLUGIN_MEM_RW, in);
	}
}

/* QEMU may still run the vCPU's callbacks after this: nothing is freed,
 * and counting stops. */
static void on_exit_(qemu_plugin_id_t id, void *p)
{
	fprintf(out, "# end regions=%llu%s\n", (unsigned long long)region,
		in_region ? " open=1" : "");
	done = true;
	in_region = false;
	fflush(out);
}

static int geom_arg(const char *val, const char *name, struct cs_geom *g)
{
	const char *why;

	if (cs_geom_parse(val, g) == 0)
		return 0;
	why = cs_geom_check(g);
	fprintf(stderr, "pmulab-plugin: %s=%s: %s\n", name, val,
		why ? why : "not SIZE:ASSOC:LINE");
	return -1;
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info,
					   int argc, char **argv)
{
	/* cachegrind's defaults when it cannot read the host's caches. */
	struct cs_geom i1 = { 65536, 2, 64 }, d1 = { 65536, 2, 64 }, ll = { 262144, 8, 64 };
	const char *path = NULL;

	if (strcmp(info->target_name, "x86_64") != 0 || info->system_emulation == false) {
		fprintf(stderr, "pmulab-plugin: for qemu-system-x86_64 only, not %s\n",
			info->target_name);
		return -1;
	}
	if (info->system.smp_vcpus != 1) {
		fprintf(stderr, "pmulab-plugin: one vCPU only (-smp 1)\n");
		return -1;
	}
	for (int i = 0; i < argc; i++) {
		char *eq = strchr(argv[i], '=');
		if (!eq) {
			fprintf(stderr, "pmulab-plugin: '%s': not key=value\n", argv[i]);
			return -1;
		}
		*eq++ = '\0';
		if (!strcmp(argv[i], "out"))
			path = eq;
		else if (!strcmp(argv[i], "i1") ? geom_arg(eq, "i1", &i1) :
			 !strcmp(argv[i], "d1") ? geom_arg(eq, "d1", &d1) :
			 !strcmp(argv[i], "ll") ? geom_arg(eq, "ll", &ll) :
			 (fprintf(stderr, "pmulab-plugin: unknown argument '%s' (out, i1, d1, "
				  "ll)\n", argv[i]), -1))
			return -1;
	}
	if (!path) {
		fprintf(stderr, "pmulab-plugin: needs out=FILE\n");
		return -1;
	}
	if (i1.line != ll.line || d1.line != ll.line) {
		fprintf(stderr, "pmulab-plugin: I1, D1 and LL need one line size\n");
		return -1;
	}
	if (cs_sim_init(&sim, &i1, &d1, &ll) < 0) {
		fprintf(stderr, "pmulab-plugin: out of memory\n");
		return -1;
	}
	out = fopen(path, "w");
	if (!out) {
		perror(path);
		return -1;
	}
	fprintf(out, "# pmulab-plugin 1 I1=%llu,%llu,%llu D1=%llu,%llu,%llu LL=%llu,%llu,%llu\n",
		(unsigned long long)i1.size, (unsigned long long)i1.assoc,
		(unsigned long long)i1.line, (unsigned long long)d1.size,
		(unsigned long long)d1.assoc, (unsigned long long)d1.line,
		(unsigned long long)ll.size, (unsigned long long)ll.assoc,
		(unsigned long long)ll.line);
	fprintf(out, "# %s\n", columns);
	fflush(out);
	qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
	qemu_plugin_register_atexit_cb(id, on_exit_, NULL);
	return 0;
}
