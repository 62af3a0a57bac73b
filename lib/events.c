/* The event tables (events.h). Encodings are umask<<8 | event, plus INV (bit
 * 23) and CMASK (bits 31:24) where Linux uses them, plus AMD's event[11:8] at
 * bits 35:32. Sources, Linux arch/x86/events: intel/core.c (v6.x) and
 * amd/core.c; SDM Vol3B Table 20-1 and APM Vol2 13.2 for the architectural
 * and legacy encodings. */
#include "lib/events.h"
#include "lib/libc.h"

struct ev_row {
	enum event_id id;
	u64 config;
	u64 extra;		/* OFFCORE_RESPONSE request/response mask */
};

struct ev_table {
	const char *name;
	const u8 *models;	/* Intel family 6 display models; NULL for AMD */
	size_t nmodels;
	const struct ev_row *rows;
	size_t nrows;
};

static const char *const names[EV_NAMED] = {
	[EV_CYCLES] = "cycles",
	[EV_INSTRUCTIONS] = "instructions",
	[EV_REF_CYCLES] = "ref-cycles",
	[EV_BRANCHES] = "branches",
	[EV_BRANCH_MISSES] = "branch-misses",
	[EV_CACHE_REFERENCES] = "cache-references",
	[EV_CACHE_MISSES] = "cache-misses",
	[EV_L1D_LOADS] = "L1-dcache-loads",
	[EV_L1D_LOAD_MISSES] = "L1-dcache-load-misses",
	[EV_LLC_LOADS] = "LLC-loads",
	[EV_LLC_LOAD_MISSES] = "LLC-load-misses",
	[EV_DTLB_LOAD_MISSES] = "dTLB-load-misses",
	[EV_STALLED_FRONTEND] = "stalled-cycles-frontend",
	[EV_STALLED_BACKEND] = "stalled-cycles-backend",
};

#define INV		BIT(23)
#define CMASK(n)	((u64)(n) << 24)

/* Intel architectural events (CPUID.0AH.EBX bit i; SDM Vol3B Table 20-1) and
 * the fixed counter that counts the same (SDM Vol3B 20.2.2). ref-cycles is
 * counted only by fixed counter 2, at the TSC rate: arch event 2 counts at the
 * bus clock, so Linux (pseudo-encoding 0x0300) never puts it on a GP counter. */
static const struct {
	enum event_id id;
	u8 arch_bit;
	u64 config;
	u8 fixed;
} intel_arch[] = {
	{ EV_CYCLES, 0, 0x003c, 1 },
	{ EV_INSTRUCTIONS, 1, 0x00c0, 0 },
	{ EV_REF_CYCLES, 2, 0x0300, 2 },
	{ EV_CACHE_REFERENCES, 3, 0x4f2e, EVENT_NO_FIXED },
	{ EV_CACHE_MISSES, 4, 0x412e, EVENT_NO_FIXED },
	{ EV_BRANCHES, 5, 0x00c4, EVENT_NO_FIXED },
	{ EV_BRANCH_MISSES, 6, 0x00c5, EVENT_NO_FIXED },
};

/* OFFCORE_RESPONSE (event 0xb7, umask 1) masks for LLC loads/misses:
 * demand data reads with any response / an L3 miss (Linux *_hw_cache_extra_regs). */
#define OFFCORE_RESPONSE_0	0x01b7
#define SNB_LLC_LOADS		0x0000010081ull	/* DMND_READ | L3_ACCESS */
#define SNB_LLC_MISSES		0x3fffc00081ull	/* DMND_READ | L3_MISS */
#define HSW_LLC_LOADS		0x0000010001ull	/* DEMAND_READ | LLC_ACCESS */
#define HSW_LLC_MISSES		0x3fb8400001ull	/* DEMAND_READ | L3_MISS | ANY_SNOOP */
#define BDW_LLC_MISSES		0x1fbc000001ull	/* DEMAND_READ | BDW_L3_MISS | SNOOP_DRAM */
#define SKL_LLC_LOADS		0x3fc0010001ull	/* DEMAND_READ | LLC_ACCESS | ANY_SNOOP */
#define SKL_LLC_MISSES		0x3ffc020001ull	/* DEMAND_READ | L3_MISS | ANY_SNOOP | SUPPLIER_NONE */

static const u8 snb_models[] = { 0x2a, 0x2d };
static const struct ev_row snb_rows[] = {
	{ EV_L1D_LOADS, 0xf1d0, 0 },		/* MEM_UOP_RETIRED.LOADS */
	{ EV_L1D_LOAD_MISSES, 0x0151, 0 },	/* L1D.REPLACEMENT */
	{ EV_LLC_LOADS, OFFCORE_RESPONSE_0, SNB_LLC_LOADS },
	{ EV_LLC_LOAD_MISSES, OFFCORE_RESPONSE_0, SNB_LLC_MISSES },
	{ EV_DTLB_LOAD_MISSES, 0x0108, 0 },	/* DTLB_LOAD_MISSES.CAUSES_A_WALK */
	/* UOPS_ISSUED.ANY,c=1,i=1 and UOPS_DISPATCHED.THREAD,c=1,i=1 */
	{ EV_STALLED_FRONTEND, 0x010e | INV | CMASK(1), 0 },
	{ EV_STALLED_BACKEND, 0x01b1 | INV | CMASK(1), 0 },
};

static const u8 ivb_models[] = { 0x3a, 0x3e };
static const struct ev_row ivb_rows[] = {
	{ EV_L1D_LOADS, 0xf1d0, 0 },
	{ EV_L1D_LOAD_MISSES, 0x0151, 0 },
	{ EV_LLC_LOADS, OFFCORE_RESPONSE_0, SNB_LLC_LOADS },
	{ EV_LLC_LOAD_MISSES, OFFCORE_RESPONSE_0, SNB_LLC_MISSES },
	{ EV_DTLB_LOAD_MISSES, 0x8108, 0 },	/* ..DEMAND_LD_MISS_CAUSES_A_WALK */
	{ EV_STALLED_FRONTEND, 0x010e | INV | CMASK(1), 0 },
};

static const u8 hsw_models[] = { 0x3c, 0x3f, 0x45, 0x46 };
static const struct ev_row hsw_rows[] = {
	{ EV_L1D_LOADS, 0x81d0, 0 },		/* MEM_UOPS_RETIRED.ALL_LOADS */
	{ EV_L1D_LOAD_MISSES, 0x0151, 0 },	/* L1D.REPLACEMENT */
	{ EV_LLC_LOADS, OFFCORE_RESPONSE_0, HSW_LLC_LOADS },
	{ EV_LLC_LOAD_MISSES, OFFCORE_RESPONSE_0, HSW_LLC_MISSES },
	{ EV_DTLB_LOAD_MISSES, 0x0108, 0 },	/* DTLB_LOAD_MISSES.MISS_CAUSES_A_WALK */
};

/* Broadwell moved L3_MISS_LOCAL_DRAM to bit 26. */
static const u8 bdw_models[] = { 0x3d, 0x47, 0x4f, 0x56 };
static const struct ev_row bdw_rows[] = {
	{ EV_L1D_LOADS, 0x81d0, 0 },
	{ EV_L1D_LOAD_MISSES, 0x0151, 0 },
	{ EV_LLC_LOADS, OFFCORE_RESPONSE_0, HSW_LLC_LOADS },
	{ EV_LLC_LOAD_MISSES, OFFCORE_RESPONSE_0, BDW_LLC_MISSES },
	{ EV_DTLB_LOAD_MISSES, 0x0108, 0 },
};

/* Skylake, Kaby/Coffee/Comet Lake, and Ice/Tiger/Rocket Lake, which Linux
 * gives the Skylake cache tables. */
static const u8 skl_models[] = {
	0x4e, 0x5e, 0x55, 0x8e, 0x9e, 0xa5, 0xa6,
	0x6a, 0x6c, 0x7d, 0x7e, 0x8c, 0x8d, 0xa7,
};
static const struct ev_row skl_rows[] = {
	{ EV_L1D_LOADS, 0x81d0, 0 },		/* MEM_INST_RETIRED.ALL_LOADS */
	{ EV_L1D_LOAD_MISSES, 0x0151, 0 },	/* L1D.REPLACEMENT */
	{ EV_LLC_LOADS, OFFCORE_RESPONSE_0, SKL_LLC_LOADS },
	{ EV_LLC_LOAD_MISSES, OFFCORE_RESPONSE_0, SKL_LLC_MISSES },
	{ EV_DTLB_LOAD_MISSES, 0x0608, 0 },	/* DTLB_LOAD_MISSES.WALK_COMPLETED */
};

#define TABLE(n, m, r) { n, m, ARRAY_SIZE(m), r, ARRAY_SIZE(r) }
static const struct ev_table intel_tables[] = {
	TABLE("snb", snb_models, snb_rows),
	TABLE("ivb", ivb_models, ivb_rows),
	TABLE("hsw", hsw_models, hsw_rows),
	TABLE("bdw", bdw_models, bdw_rows),
	TABLE("skl", skl_models, skl_rows),
};

/* AMD: K7 to family 16h, then Zen generations. The L3 of Zen is an uncore
 * unit with its own counters (not core PERF_CTLs), so Zen has no LLC rows. */
static const struct ev_row amd_legacy_rows[] = {
	{ EV_CYCLES, 0x0076, 0 },
	{ EV_INSTRUCTIONS, 0x00c0, 0 },
	{ EV_CACHE_REFERENCES, 0x077d, 0 },
	{ EV_CACHE_MISSES, 0x077e, 0 },
	{ EV_BRANCHES, 0x00c2, 0 },
	{ EV_BRANCH_MISSES, 0x00c3, 0 },
	{ EV_STALLED_FRONTEND, 0x00d0, 0 },	/* decoder empty */
	{ EV_STALLED_BACKEND, 0x00d1, 0 },	/* dispatch stalls */
	{ EV_L1D_LOADS, 0x0040, 0 },		/* data cache accesses */
	{ EV_L1D_LOAD_MISSES, 0x0141, 0 },	/* data cache misses */
	{ EV_LLC_LOADS, 0x037d, 0 },		/* requests to L2: IC+DC */
	{ EV_LLC_LOAD_MISSES, 0x037e, 0 },	/* L2 misses: IC+DC */
	{ EV_DTLB_LOAD_MISSES, 0x0746, 0 },	/* L1 and L2 DTLB miss */
};

#define ZEN_COMMON \
	{ EV_CYCLES, 0x0076, 0 }, \
	{ EV_INSTRUCTIONS, 0x00c0, 0 }, \
	{ EV_CACHE_REFERENCES, 0xff60, 0 }, \
	{ EV_CACHE_MISSES, 0x0964, 0 }, \
	{ EV_BRANCHES, 0x00c2, 0 }, \
	{ EV_BRANCH_MISSES, 0x00c3, 0 }, \
	{ EV_L1D_LOADS, 0x0040, 0 }, \
	{ EV_L1D_LOAD_MISSES, 0xc860, 0 },	/* L2 access from DC miss */ \
	{ EV_DTLB_LOAD_MISSES, 0xf045, 0 }	/* L2 DTLB misses (walks) */

static const struct ev_row zen1_rows[] = {
	ZEN_COMMON,
	{ EV_STALLED_FRONTEND, 0x0287, 0 },
	{ EV_STALLED_BACKEND, 0x0187, 0 },
};
static const struct ev_row zen2_rows[] = {
	ZEN_COMMON,
	{ EV_STALLED_FRONTEND, 0x00a9, 0 },
};
static const struct ev_row zen4_rows[] = {
	ZEN_COMMON,
	{ EV_STALLED_FRONTEND, 0x00a9, 0 },
	{ EV_REF_CYCLES, 0x100000120ull, 0 },	/* PMCx120 */
};

#define AMD_TABLE(n, r) { n, NULL, 0, r, ARRAY_SIZE(r) }
enum { AMD_LEGACY, AMD_ZEN1, AMD_ZEN2, AMD_ZEN4 };
static const struct ev_table amd_tables[] = {
	[AMD_LEGACY] = AMD_TABLE("amd-legacy", amd_legacy_rows),
	[AMD_ZEN1] = AMD_TABLE("zen1", zen1_rows),
	[AMD_ZEN2] = AMD_TABLE("zen2", zen2_rows),
	[AMD_ZEN4] = AMD_TABLE("zen4", zen4_rows),
};

const char *event_name(enum event_id id)
{
	return id < EV_NAMED ? names[id] : "raw";
}

static bool name_is(const char *name, size_t len, const char *s)
{
	return strlen(s) == len && !memcmp(name, s, len);
}

/* raw:0xHEX, 1 to 16 digits. */
static bool parse_raw(const char *name, size_t len, u64 *config)
{
	u64 v = 0;

	if (len < 7 || len > 22 || memcmp(name, "raw:0x", 6))
		return false;
	for (size_t i = 6; i < len; i++) {
		char c = name[i];
		unsigned d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return false;
		v = v << 4 | d;
	}
	*config = v;
	return true;
}

static int lookup(const char *name, size_t len)
{
	for (int i = 0; i < EV_NAMED; i++)
		if (name_is(name, len, names[i]))
			return i;
	return -1;
}

const char *event_check_name(const char *name, size_t len)
{
	u64 config;

	if (lookup(name, len) >= 0)
		return NULL;
	if (!parse_raw(name, len, &config))
		return len >= 4 && !memcmp(name, "raw:", 4) ? "raw-not-hex" : "unknown-event";
	if (config & ~EVENT_CONFIG_MASK_AMD)
		return "raw-reserved-bits";
	return NULL;
}

static const struct ev_row *find_row(const struct ev_table *t, enum event_id id)
{
	for (size_t i = 0; t && i < t->nrows; i++)
		if (t->rows[i].id == id)
			return &t->rows[i];
	return NULL;
}

static const struct ev_table *intel_table(u32 family, u32 model)
{
	if (family != 6)
		return NULL;
	for (size_t t = 0; t < ARRAY_SIZE(intel_tables); t++)
		for (size_t m = 0; m < intel_tables[t].nmodels; m++)
			if (intel_tables[t].models[m] == model)
				return &intel_tables[t];
	return NULL;
}

/* Zen generations by family/model (Linux arch/x86/kernel/cpu/amd.c). */
static const struct ev_table *amd_table(u32 family, u32 m)
{
	if (family < 0x17)
		return &amd_tables[AMD_LEGACY];
	if (family == 0x17)
		return &amd_tables[m >= 0x30 ? AMD_ZEN2 : AMD_ZEN1];
	if (family == 0x19 && !(m <= 0x0f || (m >= 0x20 && m <= 0x5f)))
		return &amd_tables[AMD_ZEN4];
	if (family == 0x19)
		return &amd_tables[AMD_ZEN2];	/* Zen3 keeps Zen2's map */
	return &amd_tables[AMD_ZEN4];		/* family 1Ah and later */
}

static void encode_intel(u32 family, u32 model, struct event *ev)
{
	const struct ev_table *t;
	const struct ev_row *row;

	for (size_t i = 0; i < ARRAY_SIZE(intel_arch); i++) {
		if (intel_arch[i].id != ev->id)
			continue;
		ev->table = "arch";
		ev->config = intel_arch[i].config;
		ev->fixed = intel_arch[i].fixed;
		ev->fixed_only = ev->id == EV_REF_CYCLES;
		ev->arch_bit = intel_arch[i].arch_bit;
		return;
	}
	t = intel_table(family, model);
	row = find_row(t, ev->id);
	if (!t) {
		ev->reason = "no-mapping-for-model";
	} else if (!row) {
		ev->table = t->name;
		ev->reason = "none-for-this-model";
	} else {
		ev->table = t->name;
		ev->config = row->config;
		ev->extra = row->extra;
	}
}

static void encode_amd(u32 family, u32 model, struct event *ev)
{
	const struct ev_table *t = amd_table(family, model);
	const struct ev_row *row = find_row(t, ev->id);

	ev->table = t->name;
	if (!row) {
		ev->reason = "none-for-this-family";
		return;
	}
	ev->config = row->config;
}

static void encode_raw(enum cpu_vendor vendor, struct event *ev, u64 config)
{
	u8 event = config & 0xff;

	ev->table = "raw";
	ev->config = config;
	if (vendor == VENDOR_INTEL && (config & ~EVENT_CONFIG_MASK_INTEL))
		ev->reason = "raw-reserved-bits";
	/* OFFCORE_RESPONSE counts nothing without its request/response MSR. */
	else if (vendor == VENDOR_INTEL && (event == 0xb7 || event == 0xbb))
		ev->reason = "raw-needs-offcore-msr";
}

void event_encode(enum cpu_vendor vendor, u32 family, u32 model, const char *name,
		  size_t len, struct event *ev)
{
	u64 raw = 0;
	int id;

	*ev = (struct event){ .fixed = EVENT_NO_FIXED, .arch_bit = EVENT_NO_ARCH_BIT,
			      .table = "none" };
	if (len >= EVENT_NAME_MAX)
		len = EVENT_NAME_MAX - 1;
	memcpy(ev->name, name, len);
	ev->name[len] = '\0';

	ev->reason = event_check_name(name, len);
	if (ev->reason)
		return;
	id = lookup(name, len);
	ev->id = id >= 0 ? (enum event_id)id : EV_RAW;
	if (ev->id == EV_RAW) {
		parse_raw(name, len, &raw);
		encode_raw(vendor, ev, raw);
	} else if (vendor == VENDOR_INTEL) {
		encode_intel(family, model, ev);
	} else {
		encode_amd(family, model, ev);
	}
}

const char *event_describe(enum cpu_vendor vendor, u64 config)
{
	if (vendor == VENDOR_INTEL) {
		/* 0x0300 is Linux's pseudo-encoding, not a selector value. */
		for (size_t i = 0; i < ARRAY_SIZE(intel_arch); i++)
			if (intel_arch[i].config == config && intel_arch[i].id != EV_REF_CYCLES)
				return names[intel_arch[i].id];
		return NULL;
	}
	for (size_t t = 0; t < ARRAY_SIZE(amd_tables); t++)
		for (size_t i = 0; i < amd_tables[t].nrows; i++)
			if (amd_tables[t].rows[i].config == config)
				return names[amd_tables[t].rows[i].id];
	return NULL;
}
