/* The boot volume through EFI_SIMPLE_FILE_SYSTEM_PROTOCOL (UEFI spec 13.4-13.5):
 * LoadedImage.DeviceHandle names the volume the payload was loaded from. */
#include "lib/fmt.h"
#include "firmware/volume.h"

#define RESULTS_DIR L"\\pmulab"
#define RESULTS_MAX 999		/* \pmulab\results-001.txt .. -999.txt */

static EFI_FILE_HANDLE root, results;
static char results_path[32];

/* Whether dev is a network interface (a MAC, IP or URI node, UEFI spec
 * 10.3.5): an image PXE or iPXE fetched by TFTP. OVMF gives such a handle a
 * file system that cannot be written, so only its path tells. */
static bool over_network(EFI_HANDLE dev)
{
	EFI_DEVICE_PATH *dp = DevicePathFromHandle(dev);

	for (; dp && !IsDevicePathEnd(dp); dp = NextDevicePathNode(dp)) {
		u8 sub = DevicePathSubType(dp);

		if (DevicePathType(dp) == MESSAGING_DEVICE_PATH &&
		    (sub == MSG_MAC_ADDR_DP || sub == MSG_IPv4_DP || sub == MSG_IPv6_DP ||
		     sub == MSG_URI_DP))
			return true;
	}
	return false;
}

EFI_STATUS volume_open(EFI_HANDLE image)
{
	EFI_LOADED_IMAGE *li;
	EFI_STATUS st;

	st = BS->HandleProtocol(image, &LoadedImageProtocol, (void **)&li);
	if (EFI_ERROR(st))
		return st;
	if (over_network(li->DeviceHandle))
		return EFI_NOT_FOUND;
	root = LibOpenRoot(li->DeviceHandle);
	return root ? EFI_SUCCESS : EFI_NOT_FOUND;
}

bool volume_present(void)
{
	return root != NULL;
}

EFI_STATUS volume_read(const CHAR16 *path, char **buf, size_t *len, size_t max)
{
	EFI_FILE_HANDLE fh;
	EFI_FILE_INFO *info;
	EFI_STATUS st;
	UINTN size;

	*buf = NULL;
	*len = 0;
	if (!root)
		return EFI_NOT_READY;
	st = root->Open(root, &fh, (CHAR16 *)path, EFI_FILE_MODE_READ, 0);
	if (EFI_ERROR(st))
		return st;
	info = LibFileInfo(fh);
	if (!info) {
		fh->Close(fh);
		return EFI_DEVICE_ERROR;
	}
	size = info->FileSize;
	FreePool(info);
	if (size > max) {
		fh->Close(fh);
		return EFI_BUFFER_TOO_SMALL;
	}
	*buf = AllocatePool(size + 1);
	if (!*buf) {
		fh->Close(fh);
		return EFI_OUT_OF_RESOURCES;
	}
	st = fh->Read(fh, &size, *buf);
	fh->Close(fh);
	if (EFI_ERROR(st)) {
		FreePool(*buf);
		*buf = NULL;
		return st;
	}
	(*buf)[size] = '\0';
	*len = size;
	return EFI_SUCCESS;
}

/* "\\pmulab\\results-NNN.txt" for n, in ASCII and UCS-2. */
static void results_name(unsigned n, CHAR16 *wide)
{
	size_t len = fmt_snprintf(results_path, sizeof(results_path),
				  "\\pmulab\\results-%03u.txt", n);

	for (size_t i = 0; i <= len; i++)
		wide[i] = (CHAR16)results_path[i];
}

/* A new file each boot, never one an earlier boot wrote: the first
 * results-NNN.txt that does not exist yet. */
EFI_STATUS results_open(void)
{
	EFI_FILE_HANDLE dir, fh;
	CHAR16 path[32];
	EFI_STATUS st;

	results_path[0] = '\0';
	if (!root)
		return EFI_NOT_READY;
	st = root->Open(root, &dir, RESULTS_DIR,
			EFI_FILE_MODE_READ | EFI_FILE_MODE_WRITE | EFI_FILE_MODE_CREATE,
			EFI_FILE_DIRECTORY);
	if (EFI_ERROR(st))
		return st;
	dir->Close(dir);
	for (unsigned n = 1; n <= RESULTS_MAX; n++) {
		results_name(n, path);
		st = root->Open(root, &fh, path, EFI_FILE_MODE_READ, 0);
		if (!EFI_ERROR(st)) {
			fh->Close(fh);
			continue;
		}
		if (st != EFI_NOT_FOUND)
			break;
		st = root->Open(root, &results, path,
				EFI_FILE_MODE_READ | EFI_FILE_MODE_WRITE | EFI_FILE_MODE_CREATE, 0);
		if (EFI_ERROR(st))
			break;
		return EFI_SUCCESS;
	}
	results = NULL;
	if (!EFI_ERROR(st))
		st = EFI_OUT_OF_RESOURCES;	/* all RESULTS_MAX names taken */
	return st;
}

const char *results_file(void)
{
	return results ? results_path : NULL;
}

EFI_STATUS results_append(const char *buf, size_t len)
{
	UINTN size = len;
	EFI_STATUS st;

	if (!results)
		return EFI_NOT_READY;
	st = results->Write(results, &size, (void *)buf);
	if (!EFI_ERROR(st) && size != len)
		st = EFI_VOLUME_FULL;
	if (!EFI_ERROR(st))
		st = results->Flush(results);
	return st;
}

void results_close(void)
{
	if (results)
		results->Close(results);
	results = NULL;
}
