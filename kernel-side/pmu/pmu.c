/* PMU capability probe. Intel enumerates its architectural PMU in CPUID.0AH.
 * AMD enumerates only the extensions; the four legacy counters (K7 and later)
 * are implied, and QEMU TCG claims an AMD CPU without backing them (reads give
 * 0, writes vanish), so they are believed only after a write reads back. */
#include "kernel-side/cpu/hw.h"
#include "kernel-side/cpu/msr.h"
#include "kernel-side/pmu/pmu.h"
#include "lib/fmt.h"
#include "lib/record.h"

static const char *const amd_probe_names[] = {
	[AMD_PROBE_NONE] = "none", [AMD_PROBE_OK] = "readback-ok",
	[AMD_PROBE_IN_USE] = "in-use", [AMD_PROBE_DIFFERS] = "readback-differs",
	[AMD_PROBE_FAULT] = "msr-fault", [AMD_PROBE_SKIPPED] = "skipped",
};

static const char *const arch_event_names[ARCH_EVENT_MAX] = {
	"cycles", "instructions", "ref-cycles", "cache-references",
	"cache-misses", "branches", "branch-misses", "topdown-slots",
};

const char *pmu_arch_event_name(unsigned i)
{
	return i < ARCH_EVENT_MAX ? arch_event_names[i] : "unknown";
}

static void pmu_probe_intel(const struct cpu_info *ci, struct pmu_caps *pc)
{
	struct cpuid_regs *r = &pc->leaf_0a;

	cpu_leaf(ci, 0xa, 0, r);
	pc->version = r->eax & 0xff;
	pc->gp_counters = (r->eax >> 8) & 0xff;
	pc->gp_width = (r->eax >> 16) & 0xff;
	pc->events_len = r->eax >> 24;
	pc->events_avail = ~r->ebx & (pc->events_len >= 32 ? ~0u : BIT(pc->events_len) - 1);
	/* EDX is only defined from version 2, ECX from version 5. */
	if (pc->version > 1) {
		pc->fixed_counters = r->edx & 0x1f;
		pc->fixed_width = (r->edx >> 5) & 0xff;
	}
	if (pc->version >= 5)
		pc->fixed_bitmap = r->ecx;

	pc->pdcm = ci->leaf1_ecx & X86_FEATURE_PDCM;
	pc->perf_cap_err = -1;
	if (pc->pdcm)
		pc->perf_cap_err = msr_read_safe(MSR_IA32_PERF_CAPABILITIES,
						 &pc->perf_capabilities);

	pc->present = pc->version > 0 && (pc->gp_counters > 0 || pc->fixed_counters > 0);
	if (!pc->present)
		pc->reason = pc->version ? "no-counters" : "no-arch-pmu";
}

/* A counter that exists holds what is written to it (APM Vol2 13.2.1). The
 * counter is only touched while its PERF_CTL0 is disabled; msr_write_safe()
 * logs it, and the owned section puts the old value back when it ends. */
static void pmu_probe_amd_counter(struct pmu_caps *pc)
{
	const u64 pattern = 0x5a5a5a5a5aull & AMD_COUNTER_MASK;
	u64 ctl, old, now;

	pc->amd_probe_err = msr_read_safe(MSR_K7_EVNTSEL0, &ctl);
	if (pc->amd_probe_err) {
		pc->amd_probe = AMD_PROBE_FAULT;
		return;
	}
	if (ctl & ARCH_PERFMON_EVENTSEL_EN) {
		/* Someone (firmware, hypervisor) is counting: leave it alone. */
		pc->amd_probe = AMD_PROBE_IN_USE;
		return;
	}
	pc->amd_probe_err = msr_read_safe(MSR_K7_PERFCTR0, &old);
	if (!pc->amd_probe_err)
		pc->amd_probe_err = msr_write_safe(MSR_K7_PERFCTR0, pattern);
	if (!pc->amd_probe_err)
		pc->amd_probe_err = msr_read_safe(MSR_K7_PERFCTR0, &now);
	if (pc->amd_probe_err)
		pc->amd_probe = AMD_PROBE_FAULT;
	else
		pc->amd_probe = now == pattern ? AMD_PROBE_OK : AMD_PROBE_DIFFERS;
}

static void pmu_probe_amd(const struct cpu_info *ci, struct pmu_caps *pc, bool may_write)
{
	pc->perfctr_core = ci->ext1_ecx & X86_FEATURE_PERFCTR_CORE;
	if (cpu_leaf(ci, 0x80000022u, 0, &pc->leaf_80000022))
		pc->perfmon_v2 = pc->leaf_80000022.eax & BIT(0);

	if (pc->perfmon_v2) {
		pc->amd_counters = pc->leaf_80000022.ebx & 0xf;
		pc->amd_counters_src = "cpuid-80000022";
	} else if (pc->perfctr_core) {
		pc->amd_counters = 6;
		pc->amd_counters_src = "perfctr-core";
	} else {
		pc->amd_counters = 4;
		pc->amd_counters_src = "legacy";
	}
	if (may_write)
		pmu_probe_amd_counter(pc);
	else
		pc->amd_probe = AMD_PROBE_SKIPPED;
	pc->present = pc->amd_counters > 0 &&
		      (pc->amd_probe == AMD_PROBE_OK || pc->amd_probe == AMD_PROBE_IN_USE);
	if (!pc->amd_counters)
		pc->reason = "no-counters";
	else if (pc->amd_probe == AMD_PROBE_FAULT)
		pc->reason = "counter-msr-fault";
	else if (pc->amd_probe == AMD_PROBE_DIFFERS)
		pc->reason = "counter-does-not-hold-writes";
}

static void probe(const struct cpu_info *ci, struct pmu_caps *pc, bool may_write)
{
	*pc = (struct pmu_caps){ .perf_cap_err = -1, .vendor = ci->vendor_id };
	if (cpu_is_amd_like(ci))
		pc->vendor = VENDOR_AMD;
	if (ci->vendor_id == VENDOR_INTEL) {
		pmu_probe_intel(ci, pc);
	} else if (cpu_is_amd_like(ci)) {
		pmu_probe_amd(ci, pc, may_write);
	} else {
		pc->reason = "unknown-vendor";
	}
}

void pmu_probe(const struct cpu_info *ci, struct pmu_caps *pc)
{
	probe(ci, pc, true);
}

void pmu_probe_no_writes(const struct cpu_info *ci, struct pmu_caps *pc)
{
	probe(ci, pc, false);
	pc->present = false;
	pc->reason = "skipped-by-config";
}

const struct pmu_ops *pmu_ops(const struct pmu_caps *pc)
{
	if (!pc->present)
		return NULL;
	return pc->vendor == VENDOR_INTEL ? &pmu_intel_ops : &pmu_amd_ops;
}

const char *pmu_counter_name(unsigned idx, char *buf, size_t size)
{
	if (idx >= PMC_FIXED)
		fmt_snprintf(buf, size, "fixed%u", idx - PMC_FIXED);
	else
		fmt_snprintf(buf, size, "gp%u", idx);
	return buf;
}

/* "cycles,instructions,..." for the events in mask. */
static void event_list(char *buf, size_t size, u32 mask)
{
	size_t n = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < ARCH_EVENT_MAX; i++) {
		if (!(mask & BIT(i)))
			continue;
		n += fmt_snprintf(buf + n, size - n, "%s%s", n ? "," : "",
				  arch_event_names[i]);
	}
	if (!n)
		fmt_snprintf(buf, size, "none");
}

static void pmu_report_intel(struct rec *r, const struct pmu_caps *pc)
{
	char events[160], err[16];
	const u64 cap = pc->perf_capabilities;

	rec_u64(r, "version", pc->version);
	rec_u64(r, "gp", pc->gp_counters);
	rec_u64(r, "gp_width", pc->gp_width);
	rec_u64(r, "events_len", pc->events_len);
	rec_hex(r, "events_avail", pc->events_avail);
	event_list(events, sizeof(events), pc->events_avail);
	rec_str(r, "events", events);
	rec_u64(r, "fixed", pc->fixed_counters);
	rec_u64(r, "fixed_width", pc->fixed_width);
	rec_hex(r, "fixed_bitmap", pc->fixed_bitmap);
	rec_hex(r, "cpuid_0a_eax", pc->leaf_0a.eax);
	rec_hex(r, "cpuid_0a_ebx", pc->leaf_0a.ebx);
	rec_hex(r, "cpuid_0a_ecx", pc->leaf_0a.ecx);
	rec_hex(r, "cpuid_0a_edx", pc->leaf_0a.edx);
	rec_u64(r, "pdcm", pc->pdcm);
	if (!pc->pdcm) {
		rec_str(r, "perf_capabilities", "none");
		return;
	}
	if (pc->perf_cap_err) {
		rec_str(r, "perf_capabilities", hw_err_name(pc->perf_cap_err, err));
		return;
	}
	rec_hex(r, "perf_capabilities", cap);
	rec_hex(r, "lbr_fmt", cap & PERF_CAP_LBR_FMT);
	rec_u64(r, "pebs_fmt", (cap & PERF_CAP_PEBS_FORMAT) >> PERF_CAP_PEBS_FORMAT_SHIFT);
	rec_u64(r, "fw_write", !!(cap & PERF_CAP_FW_WRITE));
	rec_u64(r, "pebs_baseline", !!(cap & PERF_CAP_PEBS_BASELINE));
	rec_u64(r, "perf_metrics", !!(cap & PERF_CAP_PERF_METRICS));
}

static void pmu_report_amd(struct rec *r, const struct pmu_caps *pc)
{
	char err[16];

	rec_u64(r, "perfctr_core", pc->perfctr_core);
	rec_u64(r, "perfmon_v2", pc->perfmon_v2);
	rec_u64(r, "counters", pc->amd_counters);
	rec_str(r, "counters_src", pc->amd_counters_src);
	rec_u64(r, "width", 48);
	rec_str(r, "probe", amd_probe_names[pc->amd_probe]);
	if (pc->amd_probe_err)
		rec_str(r, "probe_err", hw_err_name(pc->amd_probe_err, err));
	rec_hex(r, "cpuid_80000022_eax", pc->leaf_80000022.eax);
	rec_hex(r, "cpuid_80000022_ebx", pc->leaf_80000022.ebx);
}

void pmu_report(const struct cpu_info *ci, const struct pmu_caps *pc)
{
	struct rec r;

	rec_begin(&r, "pmu");
	rec_str(&r, "vendor", ci->vendor_id == VENDOR_INTEL ? "intel" :
			      cpu_is_amd_like(ci) ? "amd" : "other");
	rec_u64(&r, "present", pc->present);
	if (!pc->present)
		rec_str(&r, "reason", pc->reason);
	if (ci->vendor_id == VENDOR_INTEL)
		pmu_report_intel(&r, pc);
	else if (cpu_is_amd_like(ci))
		pmu_report_amd(&r, pc);
	rec_end(&r);

	if (ci->vendor_id == VENDOR_INTEL && pc->present)
		rec_narrate("pmu: Intel architectural perfmon v%u: %u general counters of %u bits, "
			    "%u fixed of %u bits", pc->version, pc->gp_counters, pc->gp_width,
			    pc->fixed_counters, pc->fixed_width);
	else if (ci->vendor_id == VENDOR_INTEL)
		rec_narrate("pmu: no usable architectural PMU (CPUID.0AH version %u): "
			    "hardware counts will be reported as src=none", pc->version);
	else if (pc->present)
		rec_narrate("pmu: AMD, %u counters (%s), PerfMonV2 %s", pc->amd_counters,
			    pc->amd_counters_src, pc->perfmon_v2 ? "yes" : "no");
	else
		rec_narrate("pmu: no usable counters (%s): hardware counts will be reported "
			    "as src=none", pc->reason);
}
