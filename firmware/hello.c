/* The hello record (hello.h). */
#include "firmware/hello.h"
#include "kernel-side/cpu/cpu.h"
#include "firmware/output.h"
#include "firmware/smbios.h"
#include "lib/fmt.h"
#include "lib/libc.h"
#include "lib/record.h"

/* A UEFI global variable of one byte (SecureBoot, SetupMode: UEFI spec 3.3),
 * as "0"/"1", or "none" when the firmware does not have it. */
static const char *global_flag(CHAR16 *name)
{
	UINT8 val = 0;
	UINTN size = sizeof(val);

	if (EFI_ERROR(RT->GetVariable(name, &gEfiGlobalVariableGuid, NULL, &size, &val)))
		return "none";
	return val ? "1" : "0";
}

/* TSC ticks per second against the firmware's 10 ms stall (UEFI spec 7.5
 * Stall), for trace timestamps. Coarse, and said to be (hello tsc_hz).
 * Under -icount the answer is known, and measuring it is not repeatable:
 * QEMU's TSC and virtual clock both advance 2^shift per instruction (ns and
 * ticks), so the TSC runs at 1 GHz of guest time; but the Stall polls a
 * timer that host-timed I/O completions can shift by a few instructions. */
static u64 measure_tsc_hz(const struct config *cfg)
{
	u64 t0;

	if (cfg->icount_shift != CONFIG_OFF)
		return 1000000000;
	t0 = rdtsc();

	BS->Stall(10000);
	return (rdtsc() - t0) * 100;
}

void hello(EFI_SYSTEM_TABLE *systab, struct lab *lab)
{
	char vendor[64], sys_vendor[64], sys_product[64];
	struct rec r;
	char uefi[16];

	lab->tsc_hz = measure_tsc_hz(lab->cfg);
	efi_to_ascii(systab->FirmwareVendor, vendor, sizeof(vendor));
	smbios_system(sys_vendor, sizeof(sys_vendor), sys_product, sizeof(sys_product));
	lab->on_qemu = !strcmp(sys_vendor, "QEMU");
	fmt_snprintf(uefi, sizeof(uefi), "%u.%u", systab->Hdr.Revision >> 16,
		     systab->Hdr.Revision & 0xffff);

	rec_begin(&r, "hello");
	rec_u64(&r, "format", REC_FORMAT);
	rec_str(&r, "payload", PMULAB_VERSION);
	rec_str(&r, "firmware", vendor);
	rec_hex(&r, "fw_rev", systab->FirmwareRevision);
	rec_str(&r, "uefi", uefi);
	rec_str(&r, "boot", lab->on_qemu ? "qemu" : "hw");
	rec_str(&r, "system_vendor", sys_vendor[0] ? sys_vendor : "none");
	rec_str(&r, "system_product", sys_product[0] ? sys_product : "none");
	rec_hex(&r, "image_base", lab->image.base);
	rec_str(&r, "console", output_channel());
	/* An image that runs with Secure Boot on was signed by an enrolled key;
	 * one that is refused never gets here (docs/real-hardware.md). */
	rec_u64(&r, "tsc_hz", lab->tsc_hz);
	rec_str(&r, "tsc_hz_src", lab->cfg->icount_shift != CONFIG_OFF ? "icount" : "stall");
	rec_str(&r, "secure_boot", global_flag(L"SecureBoot"));
	rec_str(&r, "setup_mode", global_flag(L"SetupMode"));
	if (output_serial())
		rec_hex(&r, "serial_port", output_serial_port());
	rec_end(&r);
	rec_narrate("pmulab %s on %s (%s %s): one record per line, format in "
		    "docs/record-format.md", PMULAB_VERSION, vendor, sys_vendor, sys_product);
}
