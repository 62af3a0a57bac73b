/* The simulated CPU (hw_sim.h). Small fixed tables: unit tests model a few
 * leaves and MSRs each. */
#include <stdlib.h>
#include <string.h>
#include "tests/unit/models/hw_sim.h"

#define SIM_MAX 256

static struct {
	u32 leaf, subleaf;
	struct sim_cpuid_regs r;
} cpuid_tab[SIM_MAX];
static unsigned ncpuid;

static struct {
	u32 msr;
	u64 val;
	enum sim_msr_kind kind;
	bool drift;
	u64 drift_val;
} msr_tab[SIM_MAX];
static unsigned nmsr, nwrites;
static bool default_drop;

static struct {
	u64 addr;
	u32 val;
} mmio_tab[16];
static unsigned nmmio;

#define SIM_CR0_UEFI (SPEC_CR0_PG | SPEC_CR0_WP | SPEC_CR0_NE | SPEC_CR0_ET | \
		      SPEC_CR0_MP | SPEC_CR0_PE)

static u64 cr0 = SIM_CR0_UEFI;
static unsigned cr0_writes;
static int rdpmc_err;
static u64 rdpmc_val, dr[8];
static const struct sim_device *devices[SIM_DEVICES_MAX];
static unsigned ndevices;
static const struct sim_bus_device *bus;

void sim_reset(void)
{
	ncpuid = nmsr = nwrites = nmmio = 0;
	default_drop = false;
	rdpmc_err = SIM_GP_FAULT;
	rdpmc_val = 0;
	memset(dr, 0, sizeof(dr));
	cr0 = SIM_CR0_UEFI;
	cr0_writes = 0;
	ndevices = 0;
	bus = NULL;
}

void sim_attach(const struct sim_device *dev)
{
	if (ndevices == SIM_DEVICES_MAX)
		abort();
	devices[ndevices++] = dev;
}

void sim_attach_bus(const struct sim_bus_device *dev)
{
	bus = dev;
}

const struct sim_device *sim_attached(void)
{
	return ndevices ? devices[ndevices - 1] : NULL;
}

void sim_cpuid(u32 leaf, u32 subleaf, u32 eax, u32 ebx, u32 ecx, u32 edx)
{
	for (unsigned i = 0; i < ncpuid; i++) {
		if (cpuid_tab[i].leaf == leaf && cpuid_tab[i].subleaf == subleaf) {
			cpuid_tab[i].r = (struct sim_cpuid_regs){ eax, ebx, ecx, edx };
			return;
		}
	}
	if (ncpuid == SIM_MAX)
		abort();
	cpuid_tab[ncpuid].leaf = leaf;
	cpuid_tab[ncpuid].subleaf = subleaf;
	cpuid_tab[ncpuid].r = (struct sim_cpuid_regs){ eax, ebx, ecx, edx };
	ncpuid++;
}

void sim_cpuid_vendor(const char *vendor, u32 max_leaf, u32 max_ext_leaf)
{
	u32 w[3];

	memcpy(w, vendor, 12);
	/* The vendor string is EBX, EDX, ECX in that order. */
	sim_cpuid(0, 0, max_leaf, w[0], w[2], w[1]);
	sim_cpuid(0x80000000u, 0, max_ext_leaf, 0, 0, 0);
}

void sim_cpuid_brand(const char *brand)
{
	u32 w[12] = { 0 };

	memcpy(w, brand, strlen(brand) < 48 ? strlen(brand) : 48);
	for (unsigned i = 0; i < 3; i++)
		sim_cpuid(0x80000002u + i, 0, w[4 * i], w[4 * i + 1], w[4 * i + 2],
			  w[4 * i + 3]);
}

/* r is hw.h's struct cpuid_regs, laid out as struct sim_cpuid_regs
 * (hw_iface.c checks). */
void hw_cpuid(u32 leaf, u32 subleaf, struct cpuid_regs *r)
{
	struct sim_cpuid_regs found = { 0, 0, 0, 0 };

	for (unsigned i = 0; i < ncpuid; i++) {
		if (cpuid_tab[i].leaf == leaf && cpuid_tab[i].subleaf == subleaf) {
			found = cpuid_tab[i].r;
			break;
		}
	}
	memcpy(r, &found, sizeof(found));
}

static int msr_find(u32 msr)
{
	for (unsigned i = 0; i < nmsr; i++)
		if (msr_tab[i].msr == msr)
			return (int)i;
	return -1;
}

void sim_msr(u32 msr, u64 val, enum sim_msr_kind kind)
{
	int i = msr_find(msr);

	if (i < 0) {
		if (nmsr == SIM_MAX)
			abort();
		i = (int)nmsr++;
	}
	msr_tab[i].msr = msr;
	msr_tab[i].val = val;
	msr_tab[i].kind = kind;
	msr_tab[i].drift = false;
}

void sim_msr_default_drop(bool drop)
{
	default_drop = drop;
}

u64 sim_msr_value(u32 msr)
{
	int i = msr_find(msr);

	return i < 0 ? 0 : msr_tab[i].val;
}

void sim_msr_drift(u32 msr, u64 val)
{
	int i = msr_find(msr);

	if (i < 0)
		abort();
	msr_tab[i].drift = true;
	msr_tab[i].drift_val = val;
}

unsigned sim_msr_writes(void)
{
	return nwrites;
}

int hw_rdmsr(u32 msr, u64 *val)
{
	int i = msr_find(msr), err;

	*val = 0;
	for (unsigned d = ndevices; d-- > 0;) {
		if (!devices[d]->rdmsr)
			continue;
		err = devices[d]->rdmsr(msr, val);
		if (err != SIM_NOT_MINE) {
			if (err)
				*val = 0;	/* a faulting read stores nothing */
			return err;
		}
		*val = 0;
	}
	if (i < 0)
		return default_drop ? 0 : SIM_GP_FAULT;
	if (msr_tab[i].kind != SIM_MSR_DROP)
		*val = msr_tab[i].val;
	return 0;
}

int hw_wrmsr(u32 msr, u64 val)
{
	int i = msr_find(msr), err;

	for (unsigned d = ndevices; d-- > 0;) {
		if (!devices[d]->wrmsr)
			continue;
		err = devices[d]->wrmsr(msr, val);
		if (err != SIM_NOT_MINE) {
			if (!err)
				nwrites++;
			return err;
		}
	}
	if (i < 0)
		return default_drop ? 0 : SIM_GP_FAULT;
	if (msr_tab[i].kind == SIM_MSR_RO)
		return SIM_GP_FAULT;
	nwrites++;
	if (msr_tab[i].kind == SIM_MSR_RW)
		msr_tab[i].val = msr_tab[i].drift ? msr_tab[i].drift_val : val;
	msr_tab[i].drift = false;
	return 0;
}

void sim_rdpmc(int err, u64 val)
{
	rdpmc_err = err;
	rdpmc_val = val;
}

int hw_rdpmc(u32 index, u64 *val)
{
	int err;

	for (unsigned d = ndevices; d-- > 0;) {
		if (!devices[d]->rdpmc)
			continue;
		*val = 0;
		err = devices[d]->rdpmc(index, val);
		if (err != SIM_NOT_MINE) {
			if (err)
				*val = 0;
			return err;
		}
	}
	*val = rdpmc_err ? 0 : rdpmc_val;
	return rdpmc_err;
}

void sim_mmio(u64 addr, u32 val)
{
	if (nmmio == 16)
		abort();
	mmio_tab[nmmio].addr = addr;
	mmio_tab[nmmio].val = val;
	nmmio++;
}

u32 hw_mmio_read32(u64 addr)
{
	u32 val;

	if (bus && bus->mmio_read && bus->mmio_read(addr, &val) != SIM_NOT_MINE)
		return val;
	for (unsigned i = 0; i < nmmio; i++)
		if (mmio_tab[i].addr == addr)
			return mmio_tab[i].val;
	return 0xffffffffu;	/* nothing decodes it: the bus floats */
}

/* A write no device claims lands in the sim_mmio() table, if listed. */
void hw_mmio_write32(u64 addr, u32 val)
{
	if (bus && bus->mmio_write && bus->mmio_write(addr, val) != SIM_NOT_MINE)
		return;
	for (unsigned i = 0; i < nmmio; i++)
		if (mmio_tab[i].addr == addr)
			mmio_tab[i].val = val;
}

void hw_irq_window(void)
{
	if (bus && bus->irq_window)
		bus->irq_window();
}

void sim_dr(unsigned n, u64 val)
{
	dr[n & 7] = val;
}

u64 hw_read_dr(unsigned n)
{
	return dr[n & 7];
}

void hw_write_dr(unsigned n, u64 v)
{
	dr[n & 7] = v;
}

void sim_cr0(u64 val)
{
	cr0 = val;
}

u64 sim_cr0_value(void)
{
	return cr0;
}

unsigned sim_cr0_writes(void)
{
	return cr0_writes;
}

u64 hw_read_cr0(void)
{
	return cr0;
}

void hw_write_cr0(u64 v)
{
	cr0 = v;
	cr0_writes++;
}
