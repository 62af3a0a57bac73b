/* The GNU-EFI library calls the firmware files make (efilib.h's names), on
 * the system table directly. libefi's InitializeLib alone links in its
 * printing, device-path and string code: 28 KiB of an image that must stay
 * under PAYLOAD_MAX (Makefile) and never runs that code. */
#include "firmware/uefi.h"
#include "lib/libc.h"

EFI_SYSTEM_TABLE *ST;
EFI_BOOT_SERVICES *BS;
EFI_RUNTIME_SERVICES *RT;

EFI_GUID gEfiLoadedImageProtocolGuid = EFI_LOADED_IMAGE_PROTOCOL_GUID;
EFI_GUID gEfiSimpleFileSystemProtocolGuid = EFI_SIMPLE_FILE_SYSTEM_PROTOCOL_GUID;
EFI_GUID gEfiFileInfoGuid = EFI_FILE_INFO_ID;
EFI_GUID gEfiDevicePathProtocolGuid = EFI_DEVICE_PATH_PROTOCOL_GUID;
EFI_GUID gEfiGlobalVariableGuid = EFI_GLOBAL_VARIABLE;
EFI_GUID SMBIOSTableGuid = SMBIOS_TABLE_GUID;
EFI_GUID SMBIOS3TableGuid = SMBIOS3_TABLE_GUID;

/* Pool memory of the type the loader gave the image's data, as libefi
 * allocates it. */
static EFI_MEMORY_TYPE pool_type = EfiBootServicesData;

VOID InitializeLib(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
	EFI_LOADED_IMAGE *li;

	ST = systab;
	BS = systab->BootServices;
	RT = systab->RuntimeServices;
	if (!EFI_ERROR(BS->HandleProtocol(image, &LoadedImageProtocol, (void **)&li)))
		pool_type = li->ImageDataType;
}

VOID *AllocatePool(UINTN size)
{
	void *p;

	return EFI_ERROR(BS->AllocatePool(pool_type, size, &p)) ? NULL : p;
}

VOID FreePool(VOID *p)
{
	BS->FreePool(p);
}

EFI_DEVICE_PATH *DevicePathFromHandle(EFI_HANDLE handle)
{
	EFI_DEVICE_PATH *dp;

	return EFI_ERROR(BS->HandleProtocol(handle, &DevicePathProtocol, (void **)&dp)) ?
		NULL : dp;
}

EFI_FILE_HANDLE LibOpenRoot(EFI_HANDLE device)
{
	EFI_SIMPLE_FILE_SYSTEM_PROTOCOL *fs;
	EFI_FILE_HANDLE root;

	if (EFI_ERROR(BS->HandleProtocol(device, &FileSystemProtocol, (void **)&fs)))
		return NULL;
	return EFI_ERROR(fs->OpenVolume(fs, &root)) ? NULL : root;
}

/* GetInfo says how big the answer is when the buffer is too small. */
EFI_FILE_INFO *LibFileInfo(EFI_FILE_HANDLE fh)
{
	UINTN size = 0;
	EFI_FILE_INFO *info;

	if (fh->GetInfo(fh, &GenericFileInfo, &size, NULL) != EFI_BUFFER_TOO_SMALL)
		return NULL;
	info = AllocatePool(size);
	if (info && EFI_ERROR(fh->GetInfo(fh, &GenericFileInfo, &size, info))) {
		FreePool(info);
		info = NULL;
	}
	return info;
}

EFI_STATUS LibGetSystemConfigurationTable(EFI_GUID *guid, VOID **table)
{
	for (UINTN i = 0; i < ST->NumberOfTableEntries; i++) {
		EFI_CONFIGURATION_TABLE *t = &ST->ConfigurationTable[i];

		if (!memcmp(&t->VendorGuid, guid, sizeof(*guid))) {
			*table = t->VendorTable;
			return EFI_SUCCESS;
		}
	}
	return EFI_NOT_FOUND;
}
