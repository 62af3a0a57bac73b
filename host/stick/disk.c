/* ESP lookup (disk.h). Only the first sectors are read: the GPT header and
 * its entries sit in the first 34 sectors of a 512-byte-sector disk. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "host/stick/disk.h"

#define HEAD_BYTES	(64 * 1024)	/* enough for the GPT of 512 and 4096 B sectors */

/* C12A7328-F81F-11D2-BA4B-00A0C93EC93B as stored: the first three fields
 * little-endian (UEFI spec Appendix A). */
static const uint8_t esp_type[16] = {
	0x28, 0x73, 0x2a, 0xc1, 0x1f, 0xf8, 0xd2, 0x11,
	0xba, 0x4b, 0x00, 0xa0, 0xc9, 0x3e, 0xc9, 0x3b,
};

static uint32_t le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
	return le32(p) | (uint64_t)le32(p + 4) << 32;
}

/* A FAT boot sector names its type at 0x36 (FAT12/16) or 0x52 (FAT32). */
static int is_fat(const uint8_t *b)
{
	return b[510] == 0x55 && b[511] == 0xaa &&
	       (!memcmp(b + 0x36, "FAT1", 4) || !memcmp(b + 0x52, "FAT32", 5));
}

static int gpt(const uint8_t *buf, size_t len, size_t sector, uint64_t *offset)
{
	const uint8_t *h = buf + sector;
	uint64_t lba;
	uint32_t n, size;

	if (len < 2 * sector || memcmp(h, "EFI PART", 8))
		return -1;
	lba = le64(h + 72);
	n = le32(h + 80);
	size = le32(h + 84);
	if (size < 128)
		return -1;
	for (uint32_t i = 0; i < n; i++) {
		uint64_t at = lba * sector + (uint64_t)i * size;

		if (at + size > len)
			break;
		if (!memcmp(buf + at, esp_type, 16)) {
			*offset = le64(buf + at + 32) * sector;
			return 0;
		}
	}
	return 1;	/* a GPT without an ESP */
}

int disk_esp_offset_buf(const uint8_t *buf, size_t len, uint64_t *offset,
			char *err, size_t errlen)
{
	int rc;

	if (len < 512) {
		snprintf(err, errlen, "too small to hold a partition table (%zu bytes)", len);
		return -1;
	}
	if (is_fat(buf)) {
		*offset = 0;
		return 0;
	}
	for (size_t sector = 512; sector <= 4096; sector *= 8) {
		rc = gpt(buf, len, sector, offset);
		if (rc == 0)
			return 0;
		if (rc == 1) {
			snprintf(err, errlen, "its GPT has no EFI System Partition");
			return -1;
		}
	}
	if (buf[510] == 0x55 && buf[511] == 0xaa) {
		for (int i = 0; i < 4; i++) {
			const uint8_t *e = buf + 0x1be + 16 * i;

			if (e[4] == 0xef) {
				*offset = (uint64_t)le32(e + 8) * 512;
				return 0;
			}
		}
		snprintf(err, errlen, "its MBR has no EFI System Partition (type 0xef)");
		return -1;
	}
	snprintf(err, errlen, "no GPT, MBR or FAT file system found");
	return -1;
}

int disk_esp_offset(const char *path, uint64_t *offset, char *err, size_t errlen)
{
	static uint8_t buf[HEAD_BYTES];
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0) {
		snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n < 0) {
		snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
		return -1;
	}
	if (disk_esp_offset_buf(buf, n, offset, err, errlen) < 0) {
		char why[128];

		snprintf(why, sizeof(why), "%s", err);
		snprintf(err, errlen, "%s: %s", path, why);
		return -1;
	}
	return 0;
}
