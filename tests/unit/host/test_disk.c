/* Finding the EFI System Partition (host/stick/disk.c) in hand-built disks: GPT
 * with 512- and 4096-byte sectors, from the backup when the primary is
 * damaged, MBR type 0xEF, a bare FAT file system, disks that have none, and
 * crafted headers whose entry address would wrap around 64 bits. */
#include <stdlib.h>
#include "host/stick/disk.h"
#include "lib/crc32.h"
#include "tests/unit/unit.h"

#define ENTRIES		128
#define ENTRY_SIZE	128

static uint8_t disk[64 * 1024];
static char err[256];

static const uint8_t esp_type[16] = {
	0x28, 0x73, 0x2a, 0xc1, 0x1f, 0xf8, 0xd2, 0x11,
	0xba, 0x4b, 0x00, 0xa0, 0xc9, 0x3e, 0xc9, 0x3b,
};

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = v >> (8 * i);
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, v);
	put32(p + 4, v >> 32);
}

/* The header at LBA my_lba, its entries at entry_lba, both CRCs right. */
static void put_header(size_t sector, uint64_t my_lba, uint64_t entry_lba, uint32_t n,
		       uint32_t size)
{
	uint8_t *h = disk + my_lba * sector;
	uint64_t bytes = (uint64_t)n * size;

	memset(h, 0, sector);
	memcpy(h, "EFI PART", 8);
	put32(h + 12, 92);
	put64(h + 24, my_lba);
	put64(h + 72, entry_lba);
	put32(h + 80, n);
	put32(h + 84, size);
	if (entry_lba < sizeof(disk) / sector && bytes <= sizeof(disk) - entry_lba * sector)
		put32(h + 88, crc32_update(0, disk + entry_lba * sector, bytes));
	put32(h + 16, crc32_update(0, h, 92));
}

/* A GPT whose entry `slot` is an ESP at first_lba (or a Linux partition),
 * with its backup at the end of the disk (UEFI spec 5.3.2). */
static void make_gpt(size_t sector, unsigned slot, uint64_t first_lba, int esp)
{
	uint8_t *e = disk + 2 * sector + ENTRY_SIZE * slot;
	size_t lbas = sizeof(disk) / sector, array = ENTRIES * ENTRY_SIZE;

	memset(disk, 0, sizeof(disk));
	disk[510] = 0x55;
	disk[511] = 0xaa;
	disk[0x1be + 4] = 0xee;		/* protective MBR */
	if (esp)
		memcpy(e, esp_type, 16);
	else
		e[0] = 0xaf;		/* some other type */
	put64(e + 32, first_lba);
	put64(e + 40, first_lba + 3);
	memcpy(disk + (lbas - 1) * sector - array, disk + 2 * sector, array);
	put_header(sector, 1, 2, ENTRIES, ENTRY_SIZE);
	put_header(sector, lbas - 1, lbas - 1 - array / sector, ENTRIES, ENTRY_SIZE);
}

static int find(size_t len, uint64_t *off)
{
	return disk_esp_offset_buf(disk, len, off, err, sizeof(err));
}

int main(void)
{
	uint64_t off = 0;

	make_gpt(512, 0, 64, 1);
	CHECK_U64(find(sizeof(disk), &off), 0);
	CHECK_U64(off, 64 * 512);
	make_gpt(512, 3, 40, 1);		/* not the first entry */
	CHECK_U64(find(sizeof(disk), &off), 0);
	CHECK_U64(off, 40 * 512);
	make_gpt(4096, 0, 6, 1);		/* 4Kn disk */
	CHECK_U64(find(sizeof(disk), &off), 0);
	CHECK_U64(off, 6 * 4096);
	make_gpt(512, 0, 64, 0);
	CHECK(find(sizeof(disk), &off) < 0);
	CHECK_STR(err, "its GPT has no EFI System Partition");

	/* The primary zeroed, or its header or entries damaged: the backup
	 * stands in. */
	make_gpt(512, 1, 64, 1);
	memset(disk + 512, 0, 512);
	off = 0;
	CHECK_U64(find(sizeof(disk), &off), 0);
	CHECK_U64(off, 64 * 512);
	make_gpt(512, 1, 64, 1);
	memset(disk + 512, 0, 33 * 512);
	off = 0;
	CHECK_U64(find(sizeof(disk), &off), 0);
	CHECK_U64(off, 64 * 512);
	make_gpt(4096, 0, 6, 1);
	disk[4096 + 30] ^= 1;
	off = 0;
	CHECK_U64(find(sizeof(disk), &off), 0);
	CHECK_U64(off, 6 * 4096);
	make_gpt(512, 0, 64, 1);
	disk[2 * 512 + 40] ^= 1;		/* the ESP's last LBA: the array CRC fails */
	off = 0;
	CHECK_U64(find(sizeof(disk), &off), 0);
	CHECK_U64(off, 64 * 512);
	make_gpt(512, 0, 64, 1);		/* both damaged */
	disk[512 + 30] ^= 1;
	disk[sizeof(disk) - 512 + 30] ^= 1;
	CHECK(find(sizeof(disk), &off) < 0);
	CHECK_STR(err, "its GPT's header CRC32 does not match, and its backup's header "
		  "CRC32 does not match");
	make_gpt(512, 0, 64, 1);
	memset(disk + sizeof(disk) - 33 * 512, 0, 33 * 512);
	disk[512 + 30] ^= 1;
	CHECK(find(sizeof(disk), &off) < 0);
	CHECK_STR(err, "its GPT's header CRC32 does not match, and no backup GPT");

	/* Crafted headers: the entry address (LBA x sector + i x size) would
	 * wrap around 64 bits; every one is refused without reading outside
	 * the disk. */
	memset(disk, 0, sizeof(disk));
	put_header(512, 1, (1ull << 55) - (1ull << 22), 1, 0x80000400u);
	CHECK(find(sizeof(disk), &off) < 0);
	CHECK_STR(err, "its GPT's entry size 2147484672 is not 128 << n, and no backup GPT");
	put_header(512, 1, (1ull << 55) - (1ull << 22), 1, 0x80000000u);
	CHECK(find(sizeof(disk), &off) < 0);
	CHECK_STR(err, "its GPT's entry array (1 x 2147483648 bytes at LBA 36028797014769664) "
		  "lies outside the disk, and no backup GPT");
	put_header(512, 1, (1ull << 55) - 1, 1, 1024);
	CHECK(find(sizeof(disk), &off) < 0);
	CHECK_STR(err, "its GPT's entry array (1 x 1024 bytes at LBA 36028797018963967) "
		  "lies outside the disk, and no backup GPT");
	put_header(512, 1, 2, 0xffffffffu, 0x80000000u);
	CHECK(find(sizeof(disk), &off) < 0);
	CHECK_STR(err, "its GPT's entry array (4294967295 x 2147483648 bytes at LBA 2) "
		  "lies outside the disk, and no backup GPT");
	put_header(512, 1, 2, 1, 128);		/* an ESP past the disk's end */
	memcpy(disk + 1024, esp_type, 16);
	put64(disk + 1024 + 32, 1ull << 60);
	put64(disk + 1024 + 40, (1ull << 60) + 7);
	put_header(512, 1, 2, 1, 128);
	CHECK(find(sizeof(disk), &off) < 0);
	CHECK_STR(err, "its GPT's EFI System Partition (LBA 1152921504606846976.."
		  "1152921504606846983) lies outside the disk, and no backup GPT");

	memset(disk, 0, sizeof(disk));		/* MBR with an ESP in slot 2 */
	disk[510] = 0x55;
	disk[511] = 0xaa;
	disk[0x1be + 16 * 2 + 4] = 0xef;
	put32(disk + 0x1be + 16 * 2 + 8, 63);
	CHECK_U64(find(sizeof(disk), &off), 0);
	CHECK_U64(off, 63 * 512);
	disk[0x1be + 16 * 2 + 4] = 0x0c;	/* FAT32 LBA, not an ESP */
	CHECK(find(sizeof(disk), &off) < 0);
	CHECK_STR(err, "its MBR has no EFI System Partition (type 0xef)");

	memset(disk, 0, sizeof(disk));		/* a stick formatted without a table */
	disk[510] = 0x55;
	disk[511] = 0xaa;
	memcpy(disk + 0x52, "FAT32   ", 8);
	off = 99;
	CHECK_U64(find(sizeof(disk), &off), 0);
	CHECK_U64(off, 0);

	memset(disk, 0, sizeof(disk));
	CHECK(find(sizeof(disk), &off) < 0);
	CHECK_STR(err, "no GPT, MBR or FAT file system found");
	CHECK(find(100, &off) < 0);
	CHECK_STR(err, "too small to hold a partition table (100 bytes)");
	CHECK(disk_esp_offset("/nonexistent/disk.img", &off, err, sizeof(err)) < 0);
	CHECK(strstr(err, "/nonexistent/disk.img") != NULL);
	return unit_done("disk");
}
