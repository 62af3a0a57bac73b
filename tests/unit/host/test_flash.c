/* pmulab flash's disk checks (host/stick/flash.c) on a fake sysfs tree and
 * mountinfo: a USB stick is taken, a SATA disk and a loop device are not, a
 * card reader only with --force-removable, and a stick with a partition
 * mounted (matched by device number) or held, a partition, or a disk too
 * small are refused. */
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include "host/stick/flash.h"
#include "tests/unit/unit.h"

#define MB 1000000ull

static char root[64], sysfs[128], mountinfo[128];
static char desc[256], why[4400];

static void put(const char *path, const char *text)
{
	char full[512], dir[600];
	FILE *f;

	snprintf(full, sizeof(full), "%s/%s", sysfs, path);
	snprintf(dir, sizeof(dir), "mkdir -p \"$(dirname '%s')\"", full);
	CHECK(system(dir) == 0);
	f = fopen(full, "w");
	CHECK(f != NULL);
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

/* A disk at devices/PATH/block/NAME numbered maj:min, with its
 * /sys/dev/block link, size in 512-byte sectors, and vendor and model on
 * its device (PATH). */
static void disk(const char *path, const char *name, unsigned maj, unsigned min,
		 const char *removable, unsigned long long sectors)
{
	char p[512], v[64], link[512], cmd[1200];

	snprintf(p, sizeof(p), "devices/%s/block/%s/dev", path, name);
	snprintf(v, sizeof(v), "%u:%u\n", maj, min);
	put(p, v);
	snprintf(p, sizeof(p), "devices/%s/block/%s/removable", path, name);
	put(p, removable);
	snprintf(p, sizeof(p), "devices/%s/block/%s/size", path, name);
	snprintf(v, sizeof(v), "%llu\n", sectors);
	put(p, v);
	snprintf(p, sizeof(p), "devices/%s/block/%s/holders/.keep", path, name);
	put(p, "");
	snprintf(p, sizeof(p), "devices/%s/vendor", path);
	put(p, "SanDisk \n");
	snprintf(p, sizeof(p), "devices/%s/model", path);
	put(p, "Cruzer Blade    \n");
	snprintf(link, sizeof(link), "%s/dev/block/%u:%u", sysfs, maj, min);
	snprintf(cmd, sizeof(cmd), "mkdir -p %s/dev/block && ln -s %s/devices/%s/block/%s %s && "
		 "ln -s ../.. %s/devices/%s/block/%s/device", sysfs, sysfs, path, name, link, sysfs,
		 path, name);
	CHECK(system(cmd) == 0);
}

static void partition(const char *path, const char *name, const char *part, unsigned maj,
		      unsigned min)
{
	char p[512], v[64], cmd[1200];

	snprintf(p, sizeof(p), "devices/%s/block/%s/%s/partition", path, name, part);
	put(p, "1\n");
	snprintf(p, sizeof(p), "devices/%s/block/%s/%s/dev", path, name, part);
	snprintf(v, sizeof(v), "%u:%u\n", maj, min);
	put(p, v);
	snprintf(cmd, sizeof(cmd), "ln -s %s/devices/%s/block/%s/%s %s/dev/block/%u:%u", sysfs,
		 path, name, part, sysfs, maj, min);
	CHECK(system(cmd) == 0);
}

static void mounts(const char *text)
{
	FILE *f = fopen(mountinfo, "w");

	CHECK(f != NULL);
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static int check(unsigned maj, unsigned min, unsigned long long size, bool force)
{
	const struct flash_sys sys = { sysfs, mountinfo };

	desc[0] = why[0] = '\0';
	return flash_check_disk(&sys, makedev(maj, min), size, force, desc, sizeof(desc), why,
				sizeof(why));
}

#define USB "pci0000:00/0000:00:14.0/usb1/1-1/1-1:1.0/host6/target6:0:0/6:0:0:0"
#define SATA "pci0000:00/0000:00:17.0/ata1/host0/target0:0:0/0:0:0:0"
#define SD "pci0000:00/0000:00:1e.6/mmc_host/mmc0/mmc0:aaaa"

int main(void)
{
	char cmd[256];

	snprintf(root, sizeof(root), "/tmp/pmulab-test-flash-XXXXXX");
	if (!mkdtemp(root)) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(sysfs, sizeof(sysfs), "%s/sys", root);
	snprintf(mountinfo, sizeof(mountinfo), "%s/mountinfo", root);
	disk(USB, "sdb", 8, 16, "1\n", 30000000);		/* 15.36 GB */
	partition(USB, "sdb", "sdb1", 8, 17);
	disk(SATA, "sda", 8, 0, "0\n", 1000000000);
	disk(SD, "mmcblk0", 179, 0, "1\n", 60000000);
	disk("virtual/block-parent", "loop0", 7, 0, "0\n", 200000);
	mounts("22 27 0:21 / /proc rw,relatime - proc proc rw\n"
	       "29 1 8:2 / / rw,relatime - ext4 /dev/sda2 rw\n");

	CHECK_U64(check(8, 16, 64 * MB, false), 0);
	CHECK_STR(desc, "SanDisk Cruzer Blade, 15360 MB");
	CHECK_U64(check(8, 17, 64 * MB, false), -1);
	CHECK_STR(why, "a partition: give the whole disk");
	CHECK_U64(check(8, 16, 16 * 1000 * MB, false), -1);
	CHECK_STR(why, "smaller than the image (15360000000 bytes, the image 16000000000)");

	/* Not on USB: a fixed disk never; a card reader's card only when
	 * asked; a loop device (removable=0) not even then. */
	CHECK_U64(check(8, 0, 64 * MB, false), -1);
	CHECK(strstr(why, "not on USB (sysfs: ") && strstr(why, "needs --force-removable"));
	CHECK_U64(check(8, 0, 64 * MB, true), -1);
	CHECK_STR(why, "neither on USB nor removable (sysfs removable=0): a fixed disk is "
		  "never overwritten");
	CHECK_U64(check(179, 0, 64 * MB, false), -1);
	CHECK_U64(check(179, 0, 64 * MB, true), 0);
	CHECK_U64(check(7, 0, 64 * MB, true), -1);
	CHECK_U64(check(9, 9, 64 * MB, false), -1);
	CHECK(strstr(why, "not a disk sysfs knows") != NULL);

	/* Mounted: by number, whatever path the mount names (/dev//sdb1,
	 * /dev/./sdb1, a by-id link). */
	mounts("29 1 8:2 / / rw - ext4 /dev/sda2 rw\n"
	       "40 29 8:17 / /media/stick rw - vfat /dev/./disk/by-id/usb-x-part1 rw\n");
	CHECK_U64(check(8, 16, 64 * MB, false), -1);
	CHECK_STR(why, "mounted at /media/stick (the disk or a partition of it): unmount it "
		  "first");
	mounts("41 29 8:16 / /mnt rw - vfat /dev//sdb rw\n");
	CHECK_U64(check(8, 16, 64 * MB, false), -1);
	CHECK_STR(why, "mounted at /mnt (the disk or a partition of it): unmount it first");
	mounts("29 1 8:2 / / rw - ext4 /dev/sda2 rw\n"
	       "42 29 8:161 / /mnt rw - vfat /dev/sdk1 rw\n");	/* 8:161 is not 8:16 */
	CHECK_U64(check(8, 16, 64 * MB, false), 0);

	/* Held by a device-mapper target (an open LUKS volume on sdb1). */
	put("devices/" USB "/block/sdb/sdb1/holders/dm-0", "");
	CHECK_U64(check(8, 16, 64 * MB, false), -1);
	CHECK_STR(why, "in use by another block device (sysfs holders/): release it first");

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	CHECK(system(cmd) == 0);
	return unit_done("flash");
}
