/* The image's self-relocation, called by GNU-EFI's crt0 before efi_main: the
 * firmware loads the image anywhere, and every pointer the link stored is
 * relative to address 0 until this adds the load address. The link packs
 * them as RELR (-z pack-relative-relocs, Makefile): a bitmap word covers 63
 * pointers where a RELA entry takes 24 bytes for one, which keeps 23 KiB of
 * relocations out of an image bounded by PAYLOAD_MAX. GNU-EFI's own
 * _relocate (libgnuefi) reads only RELA. Runs before any pointer in data is
 * valid, so it uses none. */
#include <elf.h>
#include "firmware/uefi.h"

EFI_STATUS _relocate(u64 base, const Elf64_Dyn *dyn, EFI_HANDLE image, EFI_SYSTEM_TABLE *systab);

static void relr(u64 base, const u64 *r, u64 size)
{
	u64 *where = NULL;

	for (; size >= sizeof(*r); r++, size -= sizeof(*r)) {
		u64 e = *r;

		if (!(e & 1)) {
			/* An address: relocate it, a bitmap may follow. */
			where = (u64 *)(uintptr_t)(base + e);
			*where++ += base;
			continue;
		}
		/* A bitmap: bit i+1 set relocates where[i]. */
		for (unsigned i = 0; (e >>= 1); i++)
			if (e & 1)
				where[i] += base;
		where += 63;
	}
}

/* What RELR cannot say: relative relocations the link left as RELA. */
static void rela(u64 base, const Elf64_Rela *r, u64 size, u64 ent)
{
	for (; ent && size >= ent; size -= ent, r = (const void *)((const u8 *)r + ent))
		if (ELF64_R_TYPE(r->r_info) == R_X86_64_RELATIVE)
			*(u64 *)(uintptr_t)(base + r->r_offset) += base;
}

EFI_STATUS _relocate(u64 base, const Elf64_Dyn *dyn, EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
	u64 relr_at = 0, relr_size = 0, rela_at = 0, rela_size = 0, rela_ent = 0;

	for (; dyn->d_tag != DT_NULL; dyn++) {
		switch (dyn->d_tag) {
		case DT_RELR: relr_at = dyn->d_un.d_ptr; break;
		case DT_RELRSZ: relr_size = dyn->d_un.d_val; break;
		case DT_RELA: rela_at = dyn->d_un.d_ptr; break;
		case DT_RELASZ: rela_size = dyn->d_un.d_val; break;
		case DT_RELAENT: rela_ent = dyn->d_un.d_val; break;
		}
	}
	if (relr_size)
		relr(base, (const u64 *)(uintptr_t)(base + relr_at), relr_size);
	if (rela_size)
		rela(base, (const Elf64_Rela *)(uintptr_t)(base + rela_at), rela_size, rela_ent);
	return EFI_SUCCESS;
}
