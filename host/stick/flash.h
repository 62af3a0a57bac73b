/* The checks pmulab flash makes of a target disk, on a sysfs tree and a
 * mountinfo file that tests can fake (tests/unit/host/test_flash.c). */
#ifndef PMULAB_FLASH_H
#define PMULAB_FLASH_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct flash_sys {
	const char *sysfs;	/* "/sys" */
	const char *mountinfo;	/* "/proc/self/mountinfo" */
};

/* Whether the block device numbered rdev may be overwritten by an image of
 * image_size bytes: a whole disk (no partition), on USB (or, with
 * force_removable, any disk sysfs calls removable: a card reader), at least
 * as big as the image, none of it mounted or held (device-mapper, RAID).
 * 0 with "vendor model, N MB" in desc, or -1 with the reason in why. */
int flash_check_disk(const struct flash_sys *sys, dev_t rdev, unsigned long long image_size,
		     bool force_removable, char *desc, size_t dlen, char *why, size_t wlen);

#endif
