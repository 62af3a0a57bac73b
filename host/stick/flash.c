/* pmulab flash: writes the image to a USB stick, and refuses anything that
 * is not plainly one -- a file, a partition, a fixed disk, a disk in use --
 * so a slip of the device name cannot overwrite a system disk. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include "host/cli.h"
#include "host/stick/flash.h"
#include "host/stick/stick.h"

/* Partitions looked at for mounts: a GPT holds 128 by default. */
#define FLASH_PARTS_MAX 256

const char usage_flash[] =
	"usage: pmulab flash IMAGE DEVICE [--yes] [--force-removable]\n"
	"\n"
	"Writes IMAGE (build/pmulab.img, from make image) to DEVICE, a whole USB\n"
	"stick such as /dev/sdb. DEVICE is resolved first (symbolic links such as\n"
	"/dev/disk/by-id/...), and the resolved device is checked and written.\n"
	"Refuses what is not a block device, a partition, a disk whose sysfs path\n"
	"does not go through USB, a disk smaller than the image, a disk any part of\n"
	"which is mounted (found by device number in /proc/self/mountinfo) or held\n"
	"by another block device; then shows the device's vendor, model and size\n"
	"and asks you to type its name.\n"
	"\n"
	"  --yes             do not ask (scripts); every other check still applies\n"
	"  --force-removable also take a disk not on USB that sysfs calls removable\n"
	"                    (removable=1): an SD card in a built-in card reader\n";

/* DIR/ATTR's first line, blanks trimmed; "" when absent. */
static void attr(const char *dir, const char *name, char *buf, size_t len)
{
	char path[4200];
	size_t n;
	FILE *f;

	buf[0] = '\0';
	if (cli_path(path, sizeof(path), dir, name) < 0 || !(f = fopen(path, "r")))
		return;
	if (fgets(buf, len, f))
		buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
	for (n = strlen(buf); n && buf[n - 1] == ' '; n--)
		buf[n - 1] = '\0';
}

/* Whether a holders/ directory (dm-crypt, LVM, RAID on top) has an entry. */
static bool held(const char *dir)
{
	char path[4200];
	struct dirent *e;
	bool any = false;
	DIR *d;

	if (cli_path(path, sizeof(path), dir, "holders") < 0 || !(d = opendir(path)))
		return false;
	while (!any && (e = readdir(d)))
		any = e->d_name[0] != '.';
	closedir(d);
	return any;
}

/* "MAJ:MIN" of the disk at dir and of its partitions, the numbers a mount
 * of any of them shows in mountinfo; *in_use when one has a holder. */
static size_t disk_numbers(const char *dir, char nums[][24], size_t max, bool *in_use)
{
	char sub[4200], part[8];
	struct dirent *e;
	size_t n = 0;
	DIR *d;

	*in_use = held(dir);
	attr(dir, "dev", nums[n], sizeof(nums[0]));
	if (nums[n][0])
		n++;
	d = opendir(dir);
	while (d && n < max && (e = readdir(d))) {
		if (e->d_name[0] == '.' || cli_path(sub, sizeof(sub), dir, e->d_name) < 0)
			continue;
		attr(sub, "partition", part, sizeof(part));
		if (!part[0])
			continue;
		*in_use |= held(sub);
		attr(sub, "dev", nums[n], sizeof(nums[0]));
		if (nums[n][0])
			n++;
	}
	if (d)
		closedir(d);
	return n;
}

/* The first mount point of any of nums, into point; NULL when none. */
static const char *mounted(const char *mountinfo, char nums[][24], size_t n,
			   char point[4096])
{
	char line[4096], num[24];
	const char *found = NULL;
	FILE *f = fopen(mountinfo, "r");

	/* mountinfo: ID PARENT MAJ:MIN ROOT MOUNT-POINT ... (proc(5)) */
	while (f && !found && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%*s %*s %23s %*s %4095s", num, point) != 2)
			continue;
		for (size_t i = 0; i < n && !found; i++)
			if (!strcmp(num, nums[i]))
				found = point;
	}
	if (f)
		fclose(f);
	return found;
}

/* Whether sysfs's path of the disk passes through a USB device: a
 * component usbN (a USB bus) under devices/. */
static bool on_usb(const char *path)
{
	const char *p = strstr(path, "/devices/");

	for (; p && *p; p = strchr(p + 1, '/')) {
		const char *c = p + 1;
		size_t d = strspn(c + 3, "0123456789");

		if (!strncmp(c, "usb", 3) && d && (c[3 + d] == '/' || !c[3 + d]))
			return true;
	}
	return false;
}

int flash_check_disk(const struct flash_sys *sys, dev_t rdev, unsigned long long image_size,
		     bool force_removable, char *desc, size_t dlen, char *why, size_t wlen)
{
	char link[4200], dir[PATH_MAX], buf[64], removable[8], vendor[64], model[64];
	char nums[FLASH_PARTS_MAX][24], point[4096];
	unsigned long long bytes;
	const char *where;
	bool in_use;
	size_t n;

	snprintf(link, sizeof(link), "%s/dev/block/%u:%u", sys->sysfs, major(rdev), minor(rdev));
	if (!realpath(link, dir)) {
		snprintf(why, wlen, "no %s: not a disk sysfs knows", link);
		return -1;
	}
	attr(dir, "partition", buf, sizeof(buf));
	if (buf[0]) {
		snprintf(why, wlen, "a partition: give the whole disk");
		return -1;
	}
	attr(dir, "removable", removable, sizeof(removable));
	if (!on_usb(dir) && force_removable && strcmp(removable, "1")) {
		snprintf(why, wlen, "neither on USB nor removable (sysfs removable=%s): a "
			 "fixed disk is never overwritten", removable[0] ? removable : "absent");
		return -1;
	}
	if (!on_usb(dir) && !force_removable) {
		snprintf(why, wlen, "not on USB (sysfs: %s): a fixed disk is never "
			 "overwritten; a card reader's removable disk needs --force-removable",
			 dir);
		return -1;
	}
	n = disk_numbers(dir, nums, FLASH_PARTS_MAX, &in_use);
	if ((where = mounted(sys->mountinfo, nums, n, point))) {
		snprintf(why, wlen, "mounted at %s (the disk or a partition of it): unmount "
			 "it first", where);
		return -1;
	}
	if (in_use) {
		snprintf(why, wlen, "in use by another block device (sysfs holders/): "
			 "release it first");
		return -1;
	}
	attr(dir, "size", buf, sizeof(buf));
	bytes = strtoull(buf, NULL, 10) * 512;		/* sysfs counts 512-byte sectors */
	if (bytes < image_size) {
		snprintf(why, wlen, "smaller than the image (%llu bytes, the image %llu)", bytes,
			 image_size);
		return -1;
	}
	attr(dir, "device/vendor", vendor, sizeof(vendor));
	attr(dir, "device/model", model, sizeof(model));
	if (!model[0])
		attr(dir, "device/name", model, sizeof(model));	/* MMC/SD cards */
	snprintf(desc, dlen, "%s %s, %llu MB", vendor[0] ? vendor : "(no vendor)",
		 model[0] ? model : "(no model)", bytes / 1000000);
	return 0;
}

static int refuse(const char *dev, const char *why)
{
	fprintf(stderr, "%s: flash: refusing %s: %s\n", pmulab_progname, dev, why);
	return EXIT_ERROR;
}

/* Writes image to dev, the disk numbered rdev: the device opened is checked
 * to be that one, so nothing swapped in after the checks is written. */
static int copy(const char *image, const char *dev, dev_t rdev)
{
	static char buf[1 << 20];
	int in = open(image, O_RDONLY), out = open(dev, O_WRONLY | O_EXCL);
	struct stat st;
	ssize_t n = 0;
	int rc = EXIT_ERROR;

	if (in < 0 || out < 0) {
		fprintf(stderr, "%s: flash: cannot open %s: %s\n", pmulab_progname,
			in < 0 ? image : dev, strerror(errno));
	} else if (fstat(out, &st) < 0 || !S_ISBLK(st.st_mode) || st.st_rdev != rdev) {
		refuse(dev, "it is no longer the device that was checked");
	} else {
		while ((n = read(in, buf, sizeof(buf))) > 0)
			if (cli_write_all(out, buf, n) < 0)
				break;
		if (n == 0 && fsync(out) == 0)
			rc = EXIT_OK;
		else
			fprintf(stderr, "%s: flash: writing %s: %s\n", pmulab_progname, dev,
				strerror(errno));
	}
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	return rc;
}

int cmd_flash(int argc, char **argv)
{
	static const struct flash_sys sys = { "/sys", "/proc/self/mountinfo" };
	const char *image = NULL, *dev = NULL;
	char desc[256], answer[256], why[4400], real[PATH_MAX];
	struct stat st, dst;
	bool yes = false, force = false;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--yes"))
			yes = true;
		else if (!strcmp(argv[i], "--force-removable"))
			force = true;
		else if (argv[i][0] == '-')
			cli_usage_error("flash", "unknown option '%s'", argv[i]);
		else if (!image)
			image = argv[i];
		else if (!dev)
			dev = argv[i];
		else
			cli_usage_error("flash", "too many arguments ('%s')", argv[i]);
	}
	if (!image || !dev)
		cli_usage_error("flash", "give IMAGE and DEVICE");
	if (stat(image, &st) < 0 || !S_ISREG(st.st_mode)) {
		fprintf(stderr, "%s: flash: %s: %s\n", pmulab_progname, image,
			errno ? strerror(errno) : "not a regular file");
		return EXIT_ERROR;
	}
	/* Every check and the write are of the resolved path: a link is never
	 * judged by its own name and written through to another. */
	if (!realpath(dev, real) || stat(real, &dst) < 0)
		return refuse(dev, strerror(errno));
	if (!S_ISBLK(dst.st_mode))
		return refuse(dev, "not a block device (give the whole stick, e.g. /dev/sdb)");
	if (flash_check_disk(&sys, dst.st_rdev, st.st_size, force, desc, sizeof(desc), why,
			     sizeof(why)) < 0)
		return refuse(strcmp(real, dev) ? real : dev, why);
	if (!yes) {
		fprintf(stderr, "%s: flash: %s%s%s is %s. Everything on it will be lost.\n"
			"Type the device name (%s) to write %s to it: ", pmulab_progname, dev,
			strcmp(real, dev) ? " -> " : "", strcmp(real, dev) ? real : "", desc, dev,
			image);
		if (!fgets(answer, sizeof(answer), stdin) ||
		    (answer[strcspn(answer, "\n")] = '\0', strcmp(answer, dev)))
			return refuse(dev, "not confirmed");
	}
	if (copy(image, real, dst.st_rdev) != EXIT_OK)
		return EXIT_ERROR;
	fprintf(stderr, "%s: flash: %s written to %s; boot the machine from it "
		"(docs/real-hardware.md)\n", pmulab_progname, image, real);
	return EXIT_OK;
}
