/* Where the EFI System Partition sits in a disk image or a whole-disk
 * device: a GPT entry of the ESP type (UEFI spec 5.3.3), else an MBR entry of
 * type 0xEF, else a bare FAT file system at offset 0 (a "superfloppy"). The
 * mtools then reach it as FILE@@OFFSET, with no mount and no root. */
#ifndef PMULAB_DISK_H
#define PMULAB_DISK_H

#include <stddef.h>
#include <stdint.h>

/* 0 with *offset in bytes, or -1 with a message in err. */
int disk_esp_offset(const char *path, uint64_t *offset, char *err, size_t errlen);

/* The same from the disk's first sectors already in memory (for tests):
 * buf holds len bytes from offset 0. */
int disk_esp_offset_buf(const uint8_t *buf, size_t len, uint64_t *offset,
			char *err, size_t errlen);

#endif
