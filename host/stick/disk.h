/* Where the EFI System Partition sits in a disk image or a whole-disk
 * device: a GPT entry of the ESP type (UEFI spec 5.3.3), from the backup GPT
 * at the disk's end when the primary is missing or damaged (CRC32, LBA or
 * sizes that do not fit the disk), else an MBR entry of
 * type 0xEF, else a bare FAT file system at offset 0 (a "superfloppy"). The
 * mtools then reach it as FILE@@OFFSET, with no mount and no root. */
#ifndef PMULAB_DISK_H
#define PMULAB_DISK_H

#include <stddef.h>
#include <stdint.h>

/* pmulab image's disk: 64 MiB. Written to a bigger stick, its backup GPT
 * sits at this offset's last sector, which disk_esp_offset also tries. */
#define DISK_IMAGE_BYTES (64ull << 20)

/* 0 with *offset in bytes, or -1 with a message in err. */
int disk_esp_offset(const char *path, uint64_t *offset, char *err, size_t errlen);

/* The same from a whole disk in memory (tests and fuzzing): buf holds all
 * len bytes of it. */
int disk_esp_offset_buf(const uint8_t *buf, size_t len, uint64_t *offset,
			char *err, size_t errlen);

#endif
