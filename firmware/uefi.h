/* GNU-EFI, as pmulab's firmware side includes it, and helpers shared by the
 * firmware files. Only firmware/ includes this: kernel-side/ makes no UEFI
 * calls. */
#ifndef PMULAB_UEFI_H
#define PMULAB_UEFI_H

#include <efi.h>
#include <efilib.h>
#include "lib/types.h"

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab);

/* "NOT_FOUND" for EFI_NOT_FOUND, else the code in hex, into buf (>= 24). */
const char *efi_status_name(EFI_STATUS st, char *buf);
/* CHAR16 to ASCII; anything outside printable ASCII becomes '?'. */
void efi_to_ascii(const CHAR16 *src, char *dst, size_t size);

#endif
