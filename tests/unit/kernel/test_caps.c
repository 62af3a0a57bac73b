/* Capability probes (cpuinfo, pmu, lbr, debugreg, apic) against simulated CPUs
 * whose CPUID/MSR values come from the SDM/APM layouts and real parts, checked
 * through the records they emit, parsed back by the host parser. */
#include <stdlib.h>
#include "kernel-side/cpu/debugreg.h"
#include "tests/unit/models/hw_sim.h"
#include "kernel-side/lbr/lbr.h"
#include "kernel-side/cpu/msr.h"
#include "host/stream/parse.h"
#include "lib/record.h"
#include "tests/unit/unit.h"

#define X86_FEATURE_LEAF1_EDX (X86_FEATURE_DE | X86_FEATURE_MSR | X86_FEATURE_APIC)

static struct parser *parser;
static struct stream *stream;

static void sink(const char *line, size_t len, void *ctx)
{
	parser_feed(parser, line, len);
	parser_feed(parser, "\n", 1);
}

static struct cpu_info ci;
static struct pmu_caps pc;
static struct lbr_caps lc;
static struct debug_caps dc;
static struct apic_info ai;

/* Probe the simulated CPU and parse what it reports. */
static void probe(void)
{
	unsigned restored;

	if (stream)
		stream_free(stream);
	parser = parser_new(NULL, NULL);
	rec_set_sink(sink, NULL);
	cpu_probe(&ci);
	pmu_probe(&ci, &pc);
	lbr_probe(&ci, &pc, &lc);
	debug_probe(&ci, &dc);
	apic_probe(&ci, &ai);
	msr_restore_all(&restored);
	cpu_report(&ci);
	pmu_report(&ci, &pc);
	lbr_report(&ci, &lc);
	debug_report(&dc, &ai);
	stream = parser_finish(parser);
}

static const char *get(const char *type, const char *key)
{
	const struct record *r = stream_find(stream, type);
	const char *v = r ? record_get(r, key) : NULL;

	return v ? v : "(absent)";
}

static void intel_base(u32 sig, u32 ecx1)
{
	sim_reset();
	sim_cpuid_vendor("GenuineIntel", 0x20, 0x80000008u);
	sim_cpuid(1, 0, sig, 0x00100800, ecx1, X86_FEATURE_LEAF1_EDX);
	sim_msr(MSR_IA32_APICBASE, 0xfee00900, SIM_MSR_RW);
	sim_mmio(0xfee00020, 0x00000000);
	sim_mmio(0xfee00030, 0x00050014);
	sim_dr(6, 0xffff0ff0);
	sim_dr(7, 0x400);
}

/* QEMU TCG, -cpu Skylake-Client: no CPUID.0AH, no PDCM, unknown MSRs read 0. */
static void test_tcg_skylake(void)
{
	intel_base(0x000506e3, X86_FEATURE_HYPERVISOR);
	sim_cpuid_brand("Intel Core Processor (Skylake)");
	sim_cpuid(0x40000000u, 0, 0x40000001u, 0x54474354, 0x43544743, 0x47435447);
	sim_msr_default_drop(true);
	probe();
	CHECK_STR(get("cpu", "vendor"), "GenuineIntel");
	CHECK_STR(get("cpu", "family"), "6");
	CHECK_STR(get("cpu", "model"), "0x5e");
	CHECK_STR(get("cpu", "stepping"), "3");
	CHECK_STR(get("cpu", "signature"), "0x506e3");
	CHECK_STR(get("cpu", "brand"), "Intel Core Processor (Skylake)");
	CHECK_STR(get("cpu", "hypervisor"), "TCGTCGTCGTCG");
	CHECK_STR(get("cpu", "max_leaf"), "0x20");
	CHECK_STR(get("pmu", "vendor"), "intel");
	CHECK_STR(get("pmu", "present"), "0");
	CHECK_STR(get("pmu", "reason"), "no-arch-pmu");
	CHECK_STR(get("pmu", "version"), "0");
	CHECK_STR(get("pmu", "perf_capabilities"), "none");
	CHECK_STR(get("lbr", "present"), "0");
	CHECK_STR(get("lbr", "reason"), "no-pdcm");
	CHECK_STR(get("lbr", "legacy_depth"), "32");
	CHECK_STR(get("debug", "breakpoints"), "4");
	CHECK_STR(get("debug", "dr6"), "0xffff0ff0");
	CHECK_STR(get("debug", "dr7"), "0x400");
	CHECK_STR(get("debug", "apic"), "xapic");
	CHECK_STR(get("debug", "apic_version"), "0x14");
	CHECK_STR(get("debug", "apic_max_lvt"), "5");
	CHECK_STR(get("debug", "debugctl"), "0x0");
	CHECK(stream->nrecs == 4 && stream->nrejects == 0);
}

/* Core i7-6700K: arch perfmon v4, 4+3 counters of 48 bits, legacy LBR fmt 5. */
static void test_skylake(void)
{
	intel_base(0x000506e3, X86_FEATURE_PDCM | X86_FEATURE_X2APIC);
	sim_cpuid_brand("       Intel(R) Core(TM) i7-6700K CPU @ 4.00GHz");
	sim_cpuid(0xa, 0, 0x07300404, 0, 0, 0x603);
	sim_msr(MSR_IA32_PERF_CAPABILITIES, 0x33c5, SIM_MSR_RO);
	sim_msr(MSR_IA32_DEBUGCTLMSR, 0, SIM_MSR_RW);
	probe();
	CHECK_STR(get("cpu", "brand"), "Intel(R) Core(TM) i7-6700K CPU @ 4.00GHz");
	CHECK_STR(get("cpu", "hypervisor"), "none");
	CHECK_STR(get("pmu", "present"), "1");
	CHECK_STR(get("pmu", "reason"), "(absent)");
	CHECK_STR(get("pmu", "version"), "4");
	CHECK_STR(get("pmu", "gp"), "4");
	CHECK_STR(get("pmu", "gp_width"), "48");
	CHECK_STR(get("pmu", "events_len"), "7");
	CHECK_STR(get("pmu", "events_avail"), "0x7f");
	CHECK_STR(get("pmu", "events"), "cycles,instructions,ref-cycles,cache-references,"
		  "cache-misses,branches,branch-misses");
	CHECK_STR(get("pmu", "fixed"), "3");
	CHECK_STR(get("pmu", "fixed_width"), "48");
	CHECK_STR(get("pmu", "fixed_bitmap"), "0x0");
	CHECK_STR(get("pmu", "pdcm"), "1");
	CHECK_STR(get("pmu", "perf_capabilities"), "0x33c5");
	CHECK_STR(get("pmu", "lbr_fmt"), "0x5");
	CHECK_STR(get("pmu", "pebs_fmt"), "3");
	CHECK_STR(get("pmu", "fw_write"), "1");
	CHECK_STR(get("pmu", "perf_metrics"), "0");
	CHECK_STR(get("lbr", "present"), "1");
	CHECK_STR(get("lbr", "legacy"), "1");
	CHECK_STR(get("lbr", "legacy_fmt"), "0x5");
	CHECK_STR(get("lbr", "legacy_from"), "0x680");
	CHECK_STR(get("lbr", "legacy_info"), "0xdc0");
	CHECK_STR(get("debug", "x2apic_cap"), "1");
	CHECK_U64(sim_msr_writes(), 0);

	/* EBX bit set = event NOT available (SDM Vol3B 20.2.1.1). */
	sim_cpuid(0xa, 0, 0x07300404, 0x44, 0, 0x603);
	probe();
	CHECK_STR(get("pmu", "events_avail"), "0x3b");
	CHECK_STR(get("pmu", "events"), "cycles,instructions,cache-references,"
		  "cache-misses,branches");
	/* Version 1: EDX (fixed counters) is not defined yet. */
	sim_cpuid(0xa, 0, 0x07300201, 0, 0, 0x603);
	probe();
	CHECK_STR(get("pmu", "version"), "1");
	CHECK_STR(get("pmu", "fixed"), "0");
	CHECK_STR(get("pmu", "cpuid_0a_edx"), "0x603");
}

/* Sapphire Rapids: perfmon v5 with a fixed-counter bitmap, Arch LBR, x2APIC. */
static void test_sapphire_rapids(void)
{
	intel_base(0x000806f8, X86_FEATURE_PDCM | X86_FEATURE_X2APIC);
	sim_cpuid(7, 0, 0, 0, 0, X86_FEATURE_ARCH_LBR);
	sim_cpuid(0xa, 0, 0x08300805, 0, 0xf, 0x8604);
	sim_cpuid(0x1c, 0, 0x4000000f, 0x7, 0x7, 0);
	sim_msr(MSR_IA32_PERF_CAPABILITIES, 0xf3ff, SIM_MSR_RO);
	sim_msr(MSR_IA32_APICBASE, 0xfee00d00, SIM_MSR_RW);
	sim_msr(MSR_IA32_X2APIC_APICID, 0, SIM_MSR_RO);
	sim_msr(MSR_IA32_X2APIC_VERSION, 0x01060015, SIM_MSR_RO);
	sim_msr(MSR_IA32_DEBUGCTLMSR, 0, SIM_MSR_RW);
	probe();
	CHECK_STR(get("cpu", "model"), "0x8f");
	CHECK_STR(get("cpu", "stepping"), "8");
	CHECK_STR(get("pmu", "version"), "5");
	CHECK_STR(get("pmu", "gp"), "8");
	CHECK_STR(get("pmu", "events_avail"), "0xff");
	CHECK_STR(get("pmu", "fixed"), "4");
	CHECK_STR(get("pmu", "fixed_bitmap"), "0xf");
	CHECK_STR(get("pmu", "lbr_fmt"), "0x3f");
	CHECK_STR(get("pmu", "perf_metrics"), "1");
	CHECK_STR(get("lbr", "present"), "1");
	CHECK_STR(get("lbr", "arch"), "1");
	CHECK_STR(get("lbr", "legacy"), "0");
	CHECK_STR(get("lbr", "arch_depth_max"), "32");
	CHECK_STR(get("lbr", "cpuid_1c_eax"), "0x4000000f");
	CHECK_STR(get("debug", "apic"), "x2apic");
	CHECK_STR(get("debug", "apic_version"), "0x15");
	CHECK_STR(get("debug", "apic_max_lvt"), "6");
}

/* A KVM guest without a vPMU: no CPUID.0AH, and MSRs KVM lacks raise #GP. */
static void test_kvm_no_pmu(void)
{
	intel_base(0x000506e3, X86_FEATURE_HYPERVISOR);
	/* "KVMKVMKVM\0\0\0" */
	sim_cpuid(0x40000000u, 0, 0x40000001u, 0x4b4d564b, 0x564b4d56, 0x4d);
	probe();
	CHECK_STR(get("cpu", "hypervisor"), "KVMKVMKVM");
	CHECK_STR(get("pmu", "present"), "0");
	CHECK_STR(get("debug", "debugctl"), "#GP");
}

static void amd_base(u32 sig, u32 ext1_ecx, u32 max_ext)
{
	sim_reset();
	sim_cpuid_vendor("AuthenticAMD", 0x10, max_ext);
	sim_cpuid(1, 0, sig, 0, 0, X86_FEATURE_LEAF1_EDX);
	sim_cpuid(0x80000001u, 0, sig, 0, ext1_ecx, 0);
	sim_msr(MSR_IA32_APICBASE, 0xfee00900, SIM_MSR_RW);
	sim_mmio(0xfee00030, 0x80050010);
}

/* QEMU TCG, -cpu EPYC: the legacy counters read 0 and drop writes. */
static void test_tcg_epyc(void)
{
	amd_base(0x00800f12, 0, 0x8000001f);
	sim_msr_default_drop(true);
	probe();
	CHECK_STR(get("cpu", "vendor"), "AuthenticAMD");
	CHECK_STR(get("cpu", "family"), "23");
	CHECK_STR(get("cpu", "model"), "0x1");
	CHECK_STR(get("cpu", "stepping"), "2");
	CHECK_STR(get("pmu", "vendor"), "amd");
	CHECK_STR(get("pmu", "present"), "0");
	CHECK_STR(get("pmu", "reason"), "counter-does-not-hold-writes");
	CHECK_STR(get("pmu", "counters"), "4");
	CHECK_STR(get("pmu", "counters_src"), "legacy");
	CHECK_STR(get("pmu", "probe"), "readback-differs");
	CHECK_STR(get("lbr", "present"), "0");
	CHECK_STR(get("lbr", "reason"), "no-lbr-ext-v2");
}

/* Zen 4: PerfMonV2 with 6 core counters, LbrExtV2 with 16 entries. */
static void test_zen4(void)
{
	amd_base(0x00a60f12, X86_FEATURE_PERFCTR_CORE | X86_FEATURE_BPEXT, 0x80000028u);
	sim_cpuid(0x80000022u, 0, 0x7, 0x4106, 0, 0);
	sim_msr(MSR_K7_EVNTSEL0, 0, SIM_MSR_RW);
	sim_msr(MSR_K7_PERFCTR0, 0x1234, SIM_MSR_RW);
	sim_msr(MSR_IA32_DEBUGCTLMSR, 0, SIM_MSR_RW);
	probe();
	CHECK_STR(get("cpu", "family"), "25");
	CHECK_STR(get("cpu", "model"), "0x61");
	CHECK_STR(get("pmu", "present"), "1");
	CHECK_STR(get("pmu", "perfctr_core"), "1");
	CHECK_STR(get("pmu", "perfmon_v2"), "1");
	CHECK_STR(get("pmu", "counters"), "6");
	CHECK_STR(get("pmu", "counters_src"), "cpuid-80000022");
	CHECK_STR(get("pmu", "probe"), "readback-ok");
	CHECK_STR(get("lbr", "present"), "1");
	CHECK_STR(get("lbr", "lbr_ext_v2"), "1");
	CHECK_STR(get("lbr", "depth"), "16");
	CHECK_STR(get("debug", "bpext"), "1");
	/* The probe's write was put back by the restore log. */
	CHECK_U64(sim_msr_value(MSR_K7_PERFCTR0), 0x1234);
	CHECK_U64(sim_msr_writes(), 2);
}

/* A counter already counting (PERF_CTL0.En) is left alone and believed. */
static void test_amd_in_use(void)
{
	amd_base(0x00800f12, X86_FEATURE_PERFCTR_CORE, 0x8000001f);
	sim_msr(MSR_K7_EVNTSEL0, ARCH_PERFMON_EVENTSEL_EN | 0x76, SIM_MSR_RW);
	sim_msr(MSR_K7_PERFCTR0, 99, SIM_MSR_RW);
	probe();
	CHECK_STR(get("pmu", "present"), "1");
	CHECK_STR(get("pmu", "counters"), "6");
	CHECK_STR(get("pmu", "counters_src"), "perfctr-core");
	CHECK_STR(get("pmu", "probe"), "in-use");
	CHECK_U64(sim_msr_writes(), 0);
}

/* An AMD KVM guest without a vPMU: the counter MSRs raise #GP. */
static void test_amd_kvm_no_pmu(void)
{
	amd_base(0x00800f12, 0, 0x8000001f);
	probe();
	CHECK_STR(get("pmu", "present"), "0");
	CHECK_STR(get("pmu", "reason"), "counter-msr-fault");
	CHECK_STR(get("pmu", "probe"), "msr-fault");
	CHECK_STR(get("pmu", "probe_err"), "#GP");
}

static void test_other_vendor(void)
{
	sim_reset();
	sim_cpuid_vendor("CentaurHauls", 1, 0);
	sim_cpuid(1, 0, 0x000006f2, 0, 0, 0);
	probe();
	CHECK_STR(get("cpu", "brand"), "none");
	CHECK_STR(get("cpu", "max_ext_leaf"), "0x0");
	CHECK_STR(get("pmu", "vendor"), "other");
	CHECK_STR(get("pmu", "reason"), "unknown-vendor");
	CHECK_STR(get("debug", "apic"), "none");
}

/* Display family/model (SDM Vol2A Figure 3-6): extended fields by base family. */
static void test_family_model(void)
{
	intel_base(0x00000f43, 0);	/* Pentium 4: family 15, ext family 0 */
	probe();
	CHECK_STR(get("cpu", "family"), "15");
	CHECK_STR(get("cpu", "model"), "0x4");
	intel_base(0x000b06a2, 0);	/* Raptor Lake P: family 6, model 0xba */
	probe();
	CHECK_STR(get("cpu", "model"), "0xba");
	amd_base(0x00040f33, 0, 0x80000008u);	/* K8 rev F: base family 0xf */
	probe();
	CHECK_STR(get("cpu", "family"), "15");
	CHECK_STR(get("cpu", "model"), "0x43");
	amd_base(0x00000661, 0, 0x80000008u);	/* K7 family 6: no extended model on AMD */
	probe();
	CHECK_STR(get("cpu", "family"), "6");
	CHECK_STR(get("cpu", "model"), "0x6");
}

int main(void)
{
	test_tcg_skylake();
	test_skylake();
	test_sapphire_rapids();
	test_kvm_no_pmu();
	test_tcg_epyc();
	test_zen4();
	test_amd_in_use();
	test_amd_kvm_no_pmu();
	test_other_vendor();
	test_family_model();
	stream_free(stream);
	return unit_done("caps");
}
