/* Finding the EFI System Partition (host/stick/disk.c) in hand-built disks: GPT
 * with 512- and 4096-byte sectors, MBR type 0xEF, a bare FAT file system,
 * and disks that have none. */
#include <stdlib.h>
#include "host/stick/disk.h"
#include "tests/unit/unit.h"

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

/* A GPT whose entry `slot` is an ESP at first_lba (or a Linux partition). */
static void make_gpt(size_t sector, unsigned slot, uint64_t first_lba, int esp)
{
	uint8_t *h = disk + sector, *e = disk + 2 * sector + 128 * slot;

	memset(disk, 0, sizeof(disk));
	disk[510] = 0x55;
	disk[511] = 0xaa;
	disk[0x1be + 4] = 0xee;		/* protective MBR */
	memcpy(h, "EFI PART", 8);
	put64(h + 72, 2);
	put32(h + 80, 128);
	put32(h + 84, 128);
	if (esp)
		memcpy(e, esp_type, 16);
	else
		e[0] = 0xaf;		/* some other type */
	put64(e + 32, first_lba);
}

static int find(size_t len, uint64_t *off)
{
	return disk_esp_offset_buf(disk, len, off, err, sizeof(err));
}

int main(void)
{
	uint64_t off = 0;

	make_gpt(512, 0, 2048, 1);
	CHECK_U64(find(sizeof(disk), &off), 0);
	CHECK_U64(off, 2048 * 512);
	make_gpt(512, 3, 40, 1);		/* not the first entry */
	CHECK_U64(find(sizeof(disk), &off), 0);
	CHECK_U64(off, 40 * 512);
	make_gpt(4096, 0, 256, 1);		/* 4Kn disk */
	CHECK_U64(find(sizeof(disk), &off), 0);
	CHECK_U64(off, 256 * 4096);
	make_gpt(512, 0, 2048, 0);
	CHECK(find(sizeof(disk), &off) < 0);
	CHECK_STR(err, "its GPT has no EFI System Partition");

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
