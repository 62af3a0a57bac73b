/* CPU identification (SDM Vol2A "CPUID"; AMD APM Vol3 "CPUID" and
 * "Processor Family, Model and Stepping"). */
#include "kernel-side/cpu/cpuinfo.h"
#include "kernel-side/cpu/hw.h"
#include "lib/libc.h"
#include "lib/record.h"

static void regs_to_str(char *dst, u32 a, u32 b, u32 c)
{
	memcpy(dst, &a, 4);
	memcpy(dst + 4, &b, 4);
	memcpy(dst + 8, &c, 4);
	dst[12] = '\0';
}

bool cpu_leaf(const struct cpu_info *ci, u32 leaf, u32 subleaf, struct cpuid_regs *r)
{
	u32 max = leaf >= 0x80000000u ? ci->max_ext_leaf : ci->max_leaf;

	if (leaf > max) {
		memset(r, 0, sizeof(*r));
		return false;
	}
	hw_cpuid(leaf, subleaf, r);
	return true;
}

bool cpu_is_amd_like(const struct cpu_info *ci)
{
	return ci->vendor_id == VENDOR_AMD || ci->vendor_id == VENDOR_HYGON;
}

static void cpu_brand(struct cpu_info *ci)
{
	struct cpuid_regs r;
	char *p = ci->brand, *start;

	ci->brand[0] = '\0';
	if (ci->max_ext_leaf < 0x80000004u)
		return;
	for (u32 leaf = 0x80000002u; leaf <= 0x80000004u; leaf++, p += 16) {
		hw_cpuid(leaf, 0, &r);
		memcpy(p, &r.eax, 4);
		memcpy(p + 4, &r.ebx, 4);
		memcpy(p + 8, &r.ecx, 4);
		memcpy(p + 12, &r.edx, 4);
	}
	ci->brand[48] = '\0';
	/* Intel pads the brand string on the left with spaces. */
	for (start = ci->brand; *start == ' '; start++)
		;
	memmove(ci->brand, start, strlen(start) + 1);
}

void cpu_probe(struct cpu_info *ci)
{
	struct cpuid_regs r;
	u32 base_family, base_model;

	memset(ci, 0, sizeof(*ci));
	hw_cpuid(0, 0, &r);
	ci->max_leaf = r.eax;
	regs_to_str(ci->vendor, r.ebx, r.edx, r.ecx);
	if (!strcmp(ci->vendor, "GenuineIntel"))
		ci->vendor_id = VENDOR_INTEL;
	else if (!strcmp(ci->vendor, "AuthenticAMD"))
		ci->vendor_id = VENDOR_AMD;
	else if (!strcmp(ci->vendor, "HygonGenuine"))
		ci->vendor_id = VENDOR_HYGON;

	hw_cpuid(0x80000000u, 0, &r);
	ci->max_ext_leaf = r.eax >= 0x80000000u ? r.eax : 0;

	cpu_leaf(ci, 1, 0, &r);
	ci->signature = r.eax;
	ci->leaf1_ecx = r.ecx;
	ci->leaf1_edx = r.edx;
	/* Display family/model (SDM Vol2A Figure 3-6; APM Vol3 E.4.2): the
	 * extended model counts for family 6 or 15 on Intel and for family 15
	 * on AMD, the extended family only for base family 15. */
	base_family = (r.eax >> 8) & 0xf;
	base_model = (r.eax >> 4) & 0xf;
	ci->stepping = r.eax & 0xf;
	ci->family = base_family;
	if (base_family == 0xf)
		ci->family += (r.eax >> 20) & 0xff;
	ci->model = base_model;
	if (base_family == 0xf || (base_family == 6 && !cpu_is_amd_like(ci)))
		ci->model |= ((r.eax >> 16) & 0xf) << 4;

	cpu_leaf(ci, 7, 0, &r);
	ci->leaf7_ebx = r.ebx;
	ci->leaf7_ecx = r.ecx;
	ci->leaf7_edx = r.edx;
	cpu_leaf(ci, 0x80000001u, 0, &r);
	ci->ext1_ecx = r.ecx;
	ci->ext1_edx = r.edx;
	cpu_brand(ci);

	/* Leaf 0x40000000 is only defined when the hypervisor bit says a
	 * hypervisor is there; bare metal returns unrelated data for it. */
	ci->hypervisor = ci->leaf1_ecx & X86_FEATURE_HYPERVISOR;
	if (ci->hypervisor) {
		hw_cpuid(0x40000000u, 0, &r);
		ci->hv_max_leaf = r.eax;
		regs_to_str(ci->hv_signature, r.ebx, r.ecx, r.edx);
	}
}

void cpu_report(const struct cpu_info *ci)
{
	struct rec r;

	rec_begin(&r, "cpu");
	rec_str(&r, "vendor", ci->vendor);
	rec_u64(&r, "family", ci->family);
	rec_hex(&r, "model", ci->model);
	rec_u64(&r, "stepping", ci->stepping);
	rec_hex(&r, "signature", ci->signature);
	rec_str(&r, "brand", ci->brand[0] ? ci->brand : "none");
	rec_hex(&r, "max_leaf", ci->max_leaf);
	rec_hex(&r, "max_ext_leaf", ci->max_ext_leaf);
	rec_str(&r, "hypervisor", ci->hypervisor ? ci->hv_signature : "none");
	if (ci->hypervisor)
		rec_hex(&r, "hv_max_leaf", ci->hv_max_leaf);
	rec_end(&r);
	rec_narrate("cpu: %s family %u model 0x%x stepping %u \"%s\"%s%s", ci->vendor,
		    ci->family, ci->model, ci->stepping, ci->brand,
		    ci->hypervisor ? " under hypervisor " : " on bare metal",
		    ci->hypervisor ? ci->hv_signature : "");
}
