/* ESP lookup (disk.h). Only the first and last 64 KiB are read: the primary
 * GPT sits at the start of the disk, its backup at the end, and every field
 * of a header is checked before it is used, since a stick is foreign input. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "host/stick/disk.h"
#include "lib/crc32.h"

/* Enough for a header and 128 entries of 128 bytes on 512 and 4096 B sectors. */
#define HEAD_BYTES	(64 * 1024)
#define GPT_HEADER_MIN	92	/* UEFI spec 5.3.2: the header's defined bytes */
#define GPT_ENTRY_MIN	128	/* UEFI spec 5.3.3: entries are 128 << n bytes */

/* C12A7328-F81F-11D2-BA4B-00A0C93EC93B as stored: the first three fields
 * little-endian (UEFI spec Appendix A). */
static const uint8_t esp_type[16] = {
	0x28, 0x73, 0x2a, 0xc1, 0x1f, 0xf8, 0xd2, 0x11,
	0xba, 0x4b, 0x00, 0xa0, 0xc9, 0x3e, 0xc9, 0x3b,
};

/* What of the disk is in memory: head holds bytes [0, head_len), tail the
 * last tail_len bytes of a disk of size bytes. */
struct view {
	const uint8_t *head, *tail;
	size_t head_len, tail_len;
	uint64_t size;
};

static uint32_t le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
	return le32(p) | (uint64_t)le32(p + 4) << 32;
}

/* The len bytes at disk offset at, when they are in memory; else NULL. */
static const uint8_t *span(const struct view *v, uint64_t at, uint64_t len)
{
	uint64_t tail_at = v->size - v->tail_len;

	if (at <= v->head_len && len <= v->head_len - at)
		return v->head + at;
	if (v->tail && at >= tail_at && at <= v->size && len <= v->size - at)
		return v->tail + (at - tail_at);
	return NULL;
}

/* A FAT boot sector names its type at 0x36 (FAT12/16) or 0x52 (FAT32). */
static int is_fat(const uint8_t *b)
{
	return b[510] == 0x55 && b[511] == 0xaa &&
	       (!memcmp(b + 0x36, "FAT1", 4) || !memcmp(b + 0x52, "FAT32", 5));
}

enum gpt_result { GPT_ESP, GPT_NO_ESP, GPT_ABSENT, GPT_BAD };

/* The GPT header at LBA my_lba, its fields checked in the order they are
 * used; GPT_BAD with why set when one is wrong. */
static enum gpt_result gpt(const struct view *v, uint32_t sector, uint64_t my_lba,
			   uint64_t *offset, char *why, size_t whylen)
{
	const uint8_t *h = span(v, my_lba * sector, sector), *e;
	uint64_t lbas = v->size / sector, lba, bytes;
	uint32_t hsize, n, size;
	uint8_t copy[4096];

	if (!h || memcmp(h, "EFI PART", 8))
		return GPT_ABSENT;
	hsize = le32(h + 12);
	if (hsize < GPT_HEADER_MIN || hsize > sector) {
		snprintf(why, whylen, "header size %u is not %u..%u", hsize, GPT_HEADER_MIN, sector);
		return GPT_BAD;
	}
	memcpy(copy, h, hsize);
	memset(copy + 16, 0, 4);
	if (crc32_update(0, copy, hsize) != le32(h + 16)) {
		snprintf(why, whylen, "header CRC32 does not match");
		return GPT_BAD;
	}
	if (le64(h + 24) != my_lba) {
		snprintf(why, whylen, "header says it is at LBA %llu, not %llu",
			 (unsigned long long)le64(h + 24), (unsigned long long)my_lba);
		return GPT_BAD;
	}
	lba = le64(h + 72);
	n = le32(h + 80);
	size = le32(h + 84);
	if (size < GPT_ENTRY_MIN || size % GPT_ENTRY_MIN || (size & (size - 1))) {
		snprintf(why, whylen, "entry size %u is not 128 << n", size);
		return GPT_BAD;
	}
	bytes = (uint64_t)n * size;	/* at most 2^64 - 2^33: no wrap */
	if (lba >= lbas || bytes > v->size - lba * sector) {
		snprintf(why, whylen, "entry array (%u x %u bytes at LBA %llu) lies outside "
			 "the disk", n, size, (unsigned long long)lba);
		return GPT_BAD;
	}
	e = span(v, lba * sector, bytes);
	if (!e) {
		snprintf(why, whylen, "entry array (%u x %u bytes at LBA %llu) lies outside "
			 "the %u KiB read", n, size, (unsigned long long)lba, HEAD_BYTES / 1024);
		return GPT_BAD;
	}
	if (crc32_update(0, e, bytes) != le32(h + 88)) {
		snprintf(why, whylen, "entry array CRC32 does not match");
		return GPT_BAD;
	}
	for (uint32_t i = 0; i < n; i++, e += size) {
		uint64_t first = le64(e + 32), last = le64(e + 40);

		if (memcmp(e, esp_type, 16))
			continue;
		if (first > last || last >= lbas) {
			snprintf(why, whylen, "EFI System Partition (LBA %llu..%llu) lies "
				 "outside the disk", (unsigned long long)first,
				 (unsigned long long)last);
			return GPT_BAD;
		}
		*offset = first * sector;
		return GPT_ESP;
	}
	return GPT_NO_ESP;
}

/* The primary GPT, else its backup at the last LBA (UEFI spec 5.3.2: either
 * stands for the other when one is damaged). */
static enum gpt_result gpt_either(const struct view *v, uint32_t sector, uint64_t *offset,
				  char *why, size_t whylen)
{
	char pwhy[160], bwhy[160];
	enum gpt_result rc = gpt(v, sector, 1, offset, pwhy, sizeof(pwhy)), backup;

	if (rc == GPT_ESP || rc == GPT_NO_ESP || v->size / sector < 2)
		return rc;
	backup = gpt(v, sector, v->size / sector - 1, offset, bwhy, sizeof(bwhy));
	if (backup == GPT_ESP || backup == GPT_NO_ESP)
		return backup;
	if (rc == GPT_ABSENT && backup == GPT_BAD)
		snprintf(why, whylen, "no primary GPT and its backup's %s", bwhy);
	else if (rc == GPT_BAD && backup == GPT_BAD)
		snprintf(why, whylen, "its GPT's %s, and its backup's %s", pwhy, bwhy);
	else if (rc == GPT_BAD)
		snprintf(why, whylen, "its GPT's %s, and no backup GPT", pwhy);
	return rc == GPT_ABSENT ? backup : GPT_BAD;
}

static int esp_offset(const struct view *v, uint64_t *offset, char *err, size_t errlen)
{
	const uint8_t *buf = v->head;
	char why[400];

	if (v->head_len < 512) {
		snprintf(err, errlen, "too small to hold a partition table (%zu bytes)",
			 v->head_len);
		return -1;
	}
	if (is_fat(buf)) {
		*offset = 0;
		return 0;
	}
	for (uint32_t sector = 512; sector <= 4096; sector *= 8) {
		switch (gpt_either(v, sector, offset, why, sizeof(why))) {
		case GPT_ESP:
			return 0;
		case GPT_NO_ESP:
			snprintf(err, errlen, "its GPT has no EFI System Partition");
			return -1;
		case GPT_BAD:
			snprintf(err, errlen, "%s", why);
			return -1;
		case GPT_ABSENT:
			break;
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

int disk_esp_offset_buf(const uint8_t *buf, size_t len, uint64_t *offset,
			char *err, size_t errlen)
{
	struct view v = { .head = buf, .tail = buf, .head_len = len, .tail_len = len,
			  .size = len };

	return esp_offset(&v, offset, err, errlen);
}

/* Up to len bytes at offset at; the count read, or -1. */
static ssize_t read_at(int fd, uint8_t *buf, size_t len, uint64_t at)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = pread(fd, buf + got, len - got, at + got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		got += n;
	}
	return got;
}

/* The disk's last bytes, as if it ended at size, into v's tail. */
static int read_tail(int fd, struct view *v, uint8_t *tail, size_t cap, uint64_t size)
{
	ssize_t m;

	v->size = size;
	v->tail = tail;
	v->tail_len = size < cap ? (size_t)size : cap;
	m = read_at(fd, tail, v->tail_len, size - v->tail_len);
	if (m >= 0 && (size_t)m != v->tail_len)
		errno = EIO;
	return m >= 0 && (size_t)m == v->tail_len ? 0 : -1;
}

int disk_esp_offset(const char *path, uint64_t *offset, char *err, size_t errlen)
{
	static uint8_t head[HEAD_BYTES], tail[HEAD_BYTES];
	struct view v = { .head = head };
	char why[400], again[400];
	ssize_t n;
	off_t size;
	int fd = open(path, O_RDONLY), rc = -1;

	if (fd < 0) {
		snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	/* SEEK_END gives a block device's size as well as a file's. */
	size = lseek(fd, 0, SEEK_END);
	n = read_at(fd, head, sizeof(head), 0);
	if (n < 0 || (size > 0 && read_tail(fd, &v, tail, sizeof(tail), size) < 0)) {
		snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	v.head_len = n;
	if (size <= 0)
		v.size = n;
	rc = esp_offset(&v, offset, why, sizeof(why));
	/* A stick written with pmulab flash is bigger than the image: the
	 * image's backup GPT sits at its end, not at the stick's. */
	if (rc < 0 && size > 0 && (uint64_t)size > DISK_IMAGE_BYTES &&
	    read_tail(fd, &v, tail, sizeof(tail), DISK_IMAGE_BYTES) == 0)
		rc = esp_offset(&v, offset, again, sizeof(again));
	close(fd);
	if (rc < 0)
		snprintf(err, errlen, "%s: %s", path, why);
	return rc;
}
