/* Small UEFI helpers shared by the firmware files. */
#include "firmware/uefi.h"
#include "lib/fmt.h"

const char *efi_status_name(EFI_STATUS st, char *buf)
{
	static const struct {
		EFI_STATUS st;
		const char *name;
	} names[] = {
		{ EFI_SUCCESS, "SUCCESS" },
		{ EFI_INVALID_PARAMETER, "INVALID_PARAMETER" },
		{ EFI_UNSUPPORTED, "UNSUPPORTED" },
		{ EFI_BUFFER_TOO_SMALL, "BUFFER_TOO_SMALL" },
		{ EFI_DEVICE_ERROR, "DEVICE_ERROR" },
		{ EFI_WRITE_PROTECTED, "WRITE_PROTECTED" },
		{ EFI_OUT_OF_RESOURCES, "OUT_OF_RESOURCES" },
		{ EFI_VOLUME_CORRUPTED, "VOLUME_CORRUPTED" },
		{ EFI_VOLUME_FULL, "VOLUME_FULL" },
		{ EFI_NO_MEDIA, "NO_MEDIA" },
		{ EFI_MEDIA_CHANGED, "MEDIA_CHANGED" },
		{ EFI_NOT_FOUND, "NOT_FOUND" },
		{ EFI_ACCESS_DENIED, "ACCESS_DENIED" },
		{ EFI_SECURITY_VIOLATION, "SECURITY_VIOLATION" },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].st == st)
			return names[i].name;
	fmt_snprintf(buf, 24, "0x%llx", (unsigned long long)st);
	return buf;
}

void efi_to_ascii(const CHAR16 *src, char *dst, size_t size)
{
	size_t n = 0;

	for (; src && *src && n + 1 < size; src++)
		dst[n++] = *src >= 0x20 && *src < 0x7f ? (char)*src : '?';
	dst[n] = '\0';
}
