/* The boot volume `pmulab run` gives QEMU: a folder laid out like an EFI
 * System Partition and a FAT image made from it with mtools. QEMU's vvfat
 * (-drive file=fat:rw:DIR) mangles what a guest writes, and the payload
 * writes \pmulab\results.txt, so the guest gets a real FAT file system. */
#ifndef PMULAB_ESP_H
#define PMULAB_ESP_H

#include <stddef.h>

/* The config text: template (a config.txt, may be NULL) with each "key=value"
 * of sets replacing that key's line, or appended. malloc'd; NULL with a
 * message in err when the template is unreadable or holds a NUL, or the
 * text is more than the payload reads (CONFIG_FILE_MAX). */
char *esp_config(const char *template_path, char *const sets[], int nsets, char *err,
		 size_t errlen);
/* Lays out dir/esp (EFI/BOOT/BOOTX64.EFI, pmulab/config.txt) and builds
 * dir/esp.img from it; tool output goes to log_fd. 0, or -1 with a message
 * in err. */
int esp_make(const char *dir, const char *efi, const char *config, int log_fd,
	     char *err, size_t errlen);
/* Copies inner (e.g. "::/pmulab/results.txt") out of img to path; 0 or -1. */
int esp_extract(const char *img, const char *inner, const char *path, int log_fd);

/* Checks a --set argument: key=value, the key lower-case letters, digits
 * and '_', no line break or '#' in the value; exits with a usage error. */
void esp_check_set(const char *cmd, const char *s);
/* Parses text with the payload's own parser (lib/config.c), as the payload
 * will; says on stderr what each bad line is and what it takes (an enum's
 * valid values). The number of bad lines. */
unsigned esp_check_config(const char *cmd, const char *text);
/* name next to this program (build/pmulab finds build/pmulab.efi and
 * build/esp/), into buf; NULL when it does not fit. */
const char *esp_beside_self(const char *name, char *buf, size_t len);

#endif
