/* SMBIOS (DMTF DSP0134) type 1, found through the UEFI configuration table:
 * the 64-bit SMBIOS 3 entry point when present, else the 32-bit one. QEMU
 * names itself "QEMU" in the manufacturer field, which is how pmulab knows it
 * may use the isa-debug-exit port. */
#include "firmware/uefi.h"
#include "lib/libc.h"
#include "firmware/smbios.h"

#define SMBIOS_TYPE_SYSTEM	1
#define SMBIOS_TYPE_END		127

struct smbios_header {
	u8 type, length;
	u16 handle;
} __attribute__((packed));

/* String number n (1-based) of the structure at h, or "". */
static const char *smbios_string(const struct smbios_header *h, u8 n, const u8 *end)
{
	const char *s = (const char *)h + h->length;

	if (!n)
		return "";
	while (--n) {
		while ((const u8 *)s < end && *s)
			s++;
		s++;
		if ((const u8 *)s >= end || !*s)
			return "";
	}
	return s;
}

static void copy(char *dst, size_t size, const char *src, const u8 *end)
{
	size_t n = 0;

	while (n + 1 < size && (const u8 *)src + n < end && src[n])
		n++;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

void smbios_system(char *vendor, size_t vlen, char *product, size_t plen)
{
	const u8 *p = NULL, *end;
	void *ep;
	u64 len = 0;

	vendor[0] = product[0] = '\0';
	if (!EFI_ERROR(LibGetSystemConfigurationTable(&SMBIOS3TableGuid, &ep))) {
		const u8 *e = ep;	/* "_SM3_": table length @12 (u32), address @16 */
		memcpy(&len, e + 12, 4);
		memcpy(&p, e + 16, 8);
	} else if (!EFI_ERROR(LibGetSystemConfigurationTable(&SMBIOSTableGuid, &ep))) {
		const u8 *e = ep;	/* "_SM_": length @22 (u16), address @24 (u32) */
		u32 addr = 0;
		memcpy(&len, e + 22, 2);
		memcpy(&addr, e + 24, 4);
		p = (const u8 *)(uintptr_t)addr;
	}
	if (!p || !len)
		return;
	end = p + len;
	while (p + sizeof(struct smbios_header) <= end) {
		const struct smbios_header *h = (const void *)p;

		if (h->length < sizeof(*h) || h->type == SMBIOS_TYPE_END)
			return;
		if (h->type == SMBIOS_TYPE_SYSTEM && h->length >= 6) {
			copy(vendor, vlen, smbios_string(h, p[4], end), end);
			copy(product, plen, smbios_string(h, p[5], end), end);
			return;
		}
		/* The string set ends with two NULs. */
		p += h->length;
		while (p + 1 < end && (p[0] || p[1]))
			p++;
		p += 2;
	}
}
