/* pmulab flash: writes the image to a USB stick, and refuses anything that
 * is not plainly one -- a file, a partition, a fixed disk, a disk in use --
 * so a slip of the device name cannot overwrite a system disk. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "host/cli.h"
#include "host/stick/stick.h"

const char usage_flash[] =
	"usage: pmulab flash IMAGE DEVICE [--yes]\n"
	"\n"
	"Writes IMAGE (build/pmulab.img, from make image) to DEVICE, a whole USB\n"
	"stick such as /dev/sdb. Refuses a device that is not a block device, is a\n"
	"partition, is not removable, is smaller than the image, or has a mounted\n"
	"file system; then shows the device and asks you to type its name.\n"
	"\n"
	"  --yes             do not ask (scripts); every other check still applies\n";

/* /sys/class/block/NAME/ATTR as text, "" when absent. */
static void sysfs(const char *name, const char *attr, char *buf, size_t len)
{
	char path[512];
	FILE *f;

	buf[0] = '\0';
	snprintf(path, sizeof(path), "/sys/class/block/%s/%s", name, attr);
	f = fopen(path, "r");
	if (!f)
		return;
	if (fgets(buf, len, f))
		buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
}

/* Whether any mounted file system lives on the disk or its partitions. */
static int mounted(const char *dev)
{
	char line[1024];
	size_t n = strlen(dev);
	FILE *f = fopen("/proc/mounts", "r");
	int found = 0;

	while (f && !found && fgets(line, sizeof(line), f))
		found = !strncmp(line, dev, n) && (line[n] == ' ' || (line[n] >= '0' &&
				line[n] <= '9') || line[n] == 'p');
	if (f)
		fclose(f);
	return found;
}

static int refuse(const char *dev, const char *why)
{
	fprintf(stderr, "%s: flash: refusing %s: %s\n", pmulab_progname, dev, why);
	return EXIT_ERROR;
}

/* Checks dev is a whole, removable, unmounted disk big enough for size. */
static int check_device(const char *dev, off_t size, char *desc, size_t len)
{
	char devcopy[256], *name, removable[8], sectors[32], vendor[64], model[64], part[8];
	struct stat st;

	if (stat(dev, &st) < 0)
		return refuse(dev, strerror(errno));
	if (!S_ISBLK(st.st_mode))
		return refuse(dev, "not a block device (give the whole stick, e.g. /dev/sdb)");
	snprintf(devcopy, sizeof(devcopy), "%s", dev);
	name = basename(devcopy);
	sysfs(name, "partition", part, sizeof(part));
	if (part[0])
		return refuse(dev, "a partition: give the whole disk");
	sysfs(name, "removable", removable, sizeof(removable));
	if (strcmp(removable, "1"))
		return refuse(dev, "not a removable disk (sysfs removable != 1): a fixed disk is "
			      "never overwritten");
	if (mounted(dev))
		return refuse(dev, "a file system on it is mounted: unmount it first");
	sysfs(name, "size", sectors, sizeof(sectors));
	if (strtoull(sectors, NULL, 10) * 512 < (unsigned long long)size)
		return refuse(dev, "smaller than the image");
	sysfs(name, "device/vendor", vendor, sizeof(vendor));
	sysfs(name, "device/model", model, sizeof(model));
	snprintf(desc, len, "%s %s, %llu MB", vendor, model,
		 strtoull(sectors, NULL, 10) * 512 / 1000000);
	return EXIT_OK;
}

static int copy(const char *image, const char *dev)
{
	static char buf[1 << 20];
	int in = open(image, O_RDONLY), out = open(dev, O_WRONLY | O_EXCL);
	ssize_t n = 0;
	int rc = EXIT_ERROR;

	if (in < 0 || out < 0) {
		fprintf(stderr, "%s: flash: cannot open %s: %s\n", pmulab_progname,
			in < 0 ? image : dev, strerror(errno));
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
	const char *image = NULL, *dev = NULL;
	char desc[256], answer[256];
	struct stat st;
	int yes = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--yes"))
			yes = 1;
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
	if (check_device(dev, st.st_size, desc, sizeof(desc)) != EXIT_OK)
		return EXIT_ERROR;
	if (!yes) {
		fprintf(stderr, "%s: flash: %s is %s. Everything on it will be lost.\n"
			"Type the device name (%s) to write %s to it: ", pmulab_progname, dev,
			desc, dev, image);
		if (!fgets(answer, sizeof(answer), stdin) ||
		    (answer[strcspn(answer, "\n")] = '\0', strcmp(answer, dev)))
			return refuse(dev, "not confirmed");
	}
	if (copy(image, dev) != EXIT_OK)
		return EXIT_ERROR;
	fprintf(stderr, "%s: flash: %s written to %s; boot the machine from it "
		"(docs/real-hardware.md)\n", pmulab_progname, image, dev);
	return EXIT_OK;
}
