/* pmulab image: the bootable USB image for real hardware. A 64 MiB GPT disk
 * with one EFI System Partition, FAT32, made with sgdisk and the mtools at
 * the partition's offset: no root, no loop device. The config is checked
 * with the payload's own parser first, so a typo is found here and not on
 * the machine. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "host/cli.h"
#include "lib/config.h"
#include "host/boot/esp.h"
#include "host/proc.h"
#include "host/stick/disk.h"
#include "host/stick/stick.h"

#define IMAGE_SIZE	DISK_IMAGE_BYTES
#define SECTOR		512
#define ESP_FIRST	2048		/* 1 MiB: the alignment every tool uses */
/* The last usable sector leaves the backup GPT: 32 sectors of entries and
 * its header (UEFI spec 5.3.2). */
#define ESP_SECTORS	(IMAGE_SIZE / SECTOR - ESP_FIRST - 33)

const char usage_image[] =
	"usage: pmulab image [-o OUT] [--config FILE] [--set key=value]... [--efi FILE]\n"
	"\n"
	"Makes a bootable USB image for real hardware: a 64 MiB GPT disk with one\n"
	"EFI System Partition (FAT32) holding \\EFI\\BOOT\\BOOTX64.EFI, \\pmulab\\config.txt\n"
	"and README.txt. Write it to a stick with pmulab flash (docs/real-hardware.md).\n"
	"\n"
	"  -o, --out OUT     the image (default: pmulab.img beside this program)\n"
	"  --config FILE     the payload's settings (default: the built ESP's\n"
	"                    config.txt, every key documented)\n"
	"  --set key=value   change one setting; repeatable, the last of a key wins\n"
	"  --efi FILE        the payload (default: pmulab.efi beside this program)\n"
	"\n"
	"The settings are checked with the payload's own parser: a bad line is an\n"
	"error here (exit 1), not a surprise on the machine; so is a NUL byte or a\n"
	"config over the 65536 bytes the payload reads.\n";

struct image_opts {
	const char *out, *config, *efi;
	char **sets;
	int nsets;
};

/* The settings the stick will carry, checked: NULL after saying why. */
static char *image_config(const struct image_opts *o)
{
	char tmpl_buf[4096], err[4400];
	const char *tmpl = o->config;
	unsigned problems;
	char *text;

	if (!tmpl)
		tmpl = esp_beside_self("esp/pmulab/config.txt", tmpl_buf, sizeof(tmpl_buf));
	if (!tmpl || access(tmpl, R_OK) < 0) {
		fprintf(stderr, "%s: image: cannot read the config %s: %s\n", pmulab_progname,
			tmpl ? tmpl : "(none)", strerror(errno));
		return NULL;
	}
	text = esp_config(tmpl, o->sets, o->nsets, err, sizeof(err));
	if (!text) {
		fprintf(stderr, "%s: image: %s: no image made\n", pmulab_progname, err);
		return NULL;
	}
	problems = esp_check_config("image", text);
	if (problems) {
		fprintf(stderr, "%s: image: %u bad line%s in %s%s: no image made\n",
			pmulab_progname, problems, problems == 1 ? "" : "s", tmpl,
			o->nsets ? " with the --set lines" : "");
		free(text);
		return NULL;
	}
	return text;
}

/* Runs one tool with its output in log; on failure shows the log. */
static int run_step(char *const argv[], const char *log, const char *out)
{
	int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644), rc;
	char buf[4096];
	FILE *f;

	rc = fd < 0 ? -1 : proc_run(argv, fd);
	if (fd >= 0)
		close(fd);
	if (rc != 0) {
		fprintf(stderr, "%s: image: %s failed (%s) making %s; are gdisk and mtools "
			"installed (scripts/deps.sh)?\n", pmulab_progname, argv[0],
			rc < 0 ? strerror(errno) : "its output follows", out);
		f = fopen(log, "r");
		while (f && fgets(buf, sizeof(buf), f))
			fputs(buf, stderr);
		if (f)
			fclose(f);
	}
	unlink(log);
	return rc == 0 ? 0 : -1;
}

/* Builds the image at tmp, from the files at efi, cfg and readme (may be
 * NULL). Tool output is shown only when a tool fails. */
static int build(const char *tmp, const char *efi, const char *cfg, const char *readme)
{
	char part[4300], sectors[32], first[32], log[4300];
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0 || ftruncate(fd, IMAGE_SIZE) < 0) {
		fprintf(stderr, "%s: image: cannot create %s: %s\n", pmulab_progname, tmp,
			strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	snprintf(log, sizeof(log), "%s.log", tmp);
	snprintf(part, sizeof(part), "%s@@%llu", tmp, (unsigned long long)ESP_FIRST * SECTOR);
	snprintf(sectors, sizeof(sectors), "%llu", (unsigned long long)ESP_SECTORS);
	snprintf(first, sizeof(first), "%u", ESP_FIRST);
	setenv("MTOOLS_SKIP_CHECK", "1", 1);
	char new_part[64];
	snprintf(new_part, sizeof(new_part), "1:%u:0", ESP_FIRST);
	char *gpt[] = { "sgdisk", "--clear", "--new", new_part, "--typecode=1:ef00",
			"--change-name=1:PMULAB", (char *)tmp, NULL };
	/* FAT32 with 512-byte clusters: 63 MiB is too small for 4 KiB ones
	 * (FAT32 needs 65525 clusters). -H: the sectors before the partition. */
	char *format[] = { "mformat", "-i", part, "-F", "-c", "1", "-T", sectors, "-h", "64",
			   "-s", "32", "-H", first, "-v", "PMULAB", "::", NULL };
	char *dirs[] = { "mmd", "-i", part, "::/EFI", "::/EFI/BOOT", "::/pmulab", NULL };
	char *copy_efi[] = { "mcopy", "-i", part, (char *)efi, "::/EFI/BOOT/BOOTX64.EFI", NULL };
	char *copy_cfg[] = { "mcopy", "-i", part, (char *)cfg, "::/pmulab/config.txt", NULL };
	char *copy_readme[] = { "mcopy", "-i", part, (char *)readme, "::/README.txt", NULL };
	char *const *steps[] = { gpt, format, dirs, copy_efi, copy_cfg, copy_readme };

	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		if (steps[i] == copy_readme && !readme)
			continue;
		if (run_step(steps[i], log, tmp) < 0)
			return -1;
	}
	return 0;
}

static void parse_opts(int argc, char **argv, struct image_opts *o)
{
	const char *v;

	*o = (struct image_opts){ 0 };
	o->sets = calloc(argc, sizeof(char *));
	if (!o->sets) {
		perror(pmulab_progname);
		exit(EXIT_ERROR);
	}
	for (int i = 1; i < argc; i++) {
		if ((v = cli_opt(argc, argv, &i, "image", "--out")) ||
		    (v = cli_opt(argc, argv, &i, "image", "-o"))) {
			o->out = v;
		} else if ((v = cli_opt(argc, argv, &i, "image", "--config"))) {
			o->config = v;
		} else if ((v = cli_opt(argc, argv, &i, "image", "--set"))) {
			esp_check_set("image", v);
			o->sets[o->nsets++] = (char *)v;
		} else if ((v = cli_opt(argc, argv, &i, "image", "--efi"))) {
			o->efi = v;
		} else {
			cli_usage_error("image", "unknown option '%s'", argv[i]);
		}
	}
}

int cmd_image(int argc, char **argv)
{
	char out_buf[4096], efi_buf[4096], readme_buf[4096], tmp[4200], cfg_path[4200];
	struct image_opts o;
	const char *readme;
	char *config;
	int rc = EXIT_ERROR;

	parse_opts(argc, argv, &o);
	if (!o.out)
		o.out = esp_beside_self("pmulab.img", out_buf, sizeof(out_buf));
	if (!o.efi)
		o.efi = esp_beside_self("pmulab.efi", efi_buf, sizeof(efi_buf));
	readme = esp_beside_self("esp/README.txt", readme_buf, sizeof(readme_buf));
	if (readme && access(readme, R_OK) < 0)
		readme = NULL;
	if (!o.out || !o.efi || access(o.efi, R_OK) < 0) {
		fprintf(stderr, "%s: image: no payload at %s: build it with 'make', or give "
			"--efi FILE\n", pmulab_progname, o.efi ? o.efi : "(unknown)");
		free(o.sets);
		return EXIT_ERROR;
	}
	config = image_config(&o);
	free(o.sets);
	if (!config)
		return EXIT_ERROR;
	/* Built beside the target and renamed over it: never half an image. */
	snprintf(tmp, sizeof(tmp), "%s.tmp", o.out);
	snprintf(cfg_path, sizeof(cfg_path), "%s.config.tmp", o.out);
	if (cli_write_file(cfg_path, config) < 0) {
		fprintf(stderr, "%s: image: cannot write %s: %s\n", pmulab_progname, cfg_path,
			strerror(errno));
	} else if (build(tmp, o.efi, cfg_path, readme) == 0) {
		if (rename(tmp, o.out) < 0)
			fprintf(stderr, "%s: image: cannot rename %s to %s: %s\n", pmulab_progname,
				tmp, o.out, strerror(errno));
		else
			rc = EXIT_OK;
	}
	unlink(cfg_path);
	if (rc != EXIT_OK)
		unlink(tmp);
	else
		printf("%s: %llu MiB, GPT with an EFI System Partition (FAT32): write it to a "
		       "USB stick with 'pmulab flash %s /dev/sdX'\n", o.out,
		       (unsigned long long)(IMAGE_SIZE >> 20), o.out);
	free(config);
	return rc;
}
