/* ESP folder and FAT image for QEMU runs (esp.h). */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "host/cli.h"
#include "host/boot/esp.h"
#include "host/proc.h"
#include "lib/config.h"

#define ESP_IMAGE_SIZE (16 << 20)	/* mformat makes FAT16 of it; UEFI reads it */

/* The file as a C string; *len its bytes (a NUL in them included). */
static char *read_text(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;

	*len = 0;
	if (!f)
		return NULL;
	for (;;) {
		char *nb = realloc(buf, *len + 4097);
		size_t n;

		if (!nb) {
			free(buf);
			fclose(f);
			return NULL;
		}
		buf = nb;
		n = fread(buf + *len, 1, 4096, f);
		*len += n;
		if (n < 4096)
			break;
	}
	fclose(f);
	buf[*len] = '\0';
	return buf;
}

/* Length of the key in "key=value" (the word before '='). */
static size_t key_len(const char *s)
{
	const char *eq = strchr(s, '=');

	return eq ? (size_t)(eq - s) : 0;
}

/* A NUL would end the text early: the lines after it neither checked nor
 * copied. 0, or -1 naming the line. */
static int check_text(const char *path, const char *text, size_t len, char *err,
		      size_t errlen)
{
	const char *nul = memchr(text, '\0', len);
	unsigned line = 1;

	if (!nul)
		return 0;
	for (const char *p = text; p < nul; p++)
		line += *p == '\n';
	snprintf(err, errlen, "%s line %u: a NUL byte: config.txt is text, and nothing after "
		 "it would be read", path, line);
	return -1;
}

char *esp_config(const char *template_path, char *const sets[], int nsets, char *err,
		 size_t errlen)
{
	size_t tlen = 0;
	char *tmpl = template_path ? read_text(template_path, &tlen) : NULL;
	size_t cap = tlen + 64;
	char *out, *line, *save = NULL;
	char used[nsets > 0 ? nsets : 1];
	size_t n = 0;

	if (template_path && !tmpl) {
		snprintf(err, errlen, "cannot read %s: %s", template_path, strerror(errno));
		return NULL;
	}
	if (tmpl && check_text(template_path, tmpl, tlen, err, errlen) < 0) {
		free(tmpl);
		return NULL;
	}
	for (int i = 0; i < nsets; i++)
		cap += strlen(sets[i]) + 2;
	out = malloc(cap);
	if (!out) {
		snprintf(err, errlen, "%s", strerror(ENOMEM));
		free(tmpl);
		return NULL;
	}
	memset(used, 0, sizeof(used));
	out[0] = '\0';
	for (line = tmpl ? strtok_r(tmpl, "\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\n", &save)) {
		const char *text = line;
		int set = -1;

		/* The last --set of a key wins, as in the payload's parser. */
		for (int i = 0; i < nsets; i++)
			if (key_len(sets[i]) && !strncmp(line, sets[i], key_len(sets[i]) + 1))
				set = i;
		if (set >= 0) {
			for (int i = 0; i < nsets; i++)
				if (!strncmp(sets[i], sets[set], key_len(sets[set]) + 1))
					used[i] = 1;
			text = sets[set];
		}
		n += snprintf(out + n, cap - n, "%s\n", text);
	}
	for (int i = 0; i < nsets; i++) {
		int last = i;

		if (used[i])
			continue;
		for (int j = i + 1; j < nsets; j++)
			if (!strncmp(sets[j], sets[i], key_len(sets[i]) + 1)) {
				last = j;
				used[j] = 1;
			}
		n += snprintf(out + n, cap - n, "%s\n", sets[last]);
	}
	free(tmpl);
	if (n > CONFIG_FILE_MAX) {
		snprintf(err, errlen, "the config (%s%s) is %zu bytes, over the %u the payload "
			 "reads (CONFIG_FILE_MAX): it would run with every setting at its "
			 "default", template_path ? template_path : "no template",
			 nsets ? " and the --set lines" : "", n, CONFIG_FILE_MAX);
		free(out);
		return NULL;
	}
	return out;
}

int esp_make(const char *dir, const char *efi, const char *config, int log_fd,
	     char *err, size_t errlen)
{
	static const char *const subdirs[] = { "esp", "esp/EFI", "esp/EFI/BOOT", "esp/pmulab" };
	char path[4096], bootefi[4096], cfg[4096], img[4096];
	int fd;

	if (cli_path(bootefi, sizeof(bootefi), dir, "esp/EFI/BOOT/BOOTX64.EFI") < 0 ||
	    cli_path(cfg, sizeof(cfg), dir, "esp/pmulab/config.txt") < 0 ||
	    cli_path(img, sizeof(img), dir, "esp.img") < 0) {
		snprintf(err, errlen, "output directory path too long: %s", dir);
		return -1;
	}
	for (size_t i = 0; i < sizeof(subdirs) / sizeof(subdirs[0]); i++) {
		cli_path(path, sizeof(path), dir, subdirs[i]);
		if (mkdir(path, 0777) < 0 && errno != EEXIST) {
			snprintf(err, errlen, "cannot create %s: %s", path, strerror(errno));
			return -1;
		}
	}
	if (cli_copy_file(efi, bootefi) < 0) {
		snprintf(err, errlen, "cannot copy %s to %s: %s", efi, bootefi, strerror(errno));
		return -1;
	}
	if (cli_write_file(cfg, config) < 0) {
		snprintf(err, errlen, "cannot write %s: %s", cfg, strerror(errno));
		return -1;
	}

	fd = open(img, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || ftruncate(fd, ESP_IMAGE_SIZE) < 0) {
		snprintf(err, errlen, "cannot create %s: %s", img, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	/* mtools refuses images whose size does not match a floppy geometry
	 * unless told to skip that check. */
	setenv("MTOOLS_SKIP_CHECK", "1", 1);
	char *format[] = { "mformat", "-i", img, "-v", "PMULAB", "::", NULL };
	char *dirs[] = { "mmd", "-i", img, "::/EFI", "::/EFI/BOOT", "::/pmulab", NULL };
	char *copy_boot[] = { "mcopy", "-i", img, bootefi, "::/EFI/BOOT/BOOTX64.EFI", NULL };
	char *copy_cfg[] = { "mcopy", "-i", img, cfg, "::/pmulab/config.txt", NULL };
	char *const *steps[] = { format, dirs, copy_boot, copy_cfg };
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		int rc = proc_run(steps[i], log_fd);

		if (rc != 0) {
			snprintf(err, errlen, "%s failed (%s) making %s; is mtools installed "
				 "(scripts/deps.sh)?", steps[i][0],
				 rc < 0 ? strerror(errno) : "see qemu.log", img);
			return -1;
		}
	}
	return 0;
}

int esp_extract(const char *img, const char *inner, const char *path, int log_fd)
{
	char *argv[] = { "mcopy", "-n", "-i", (char *)img, (char *)inner, (char *)path, NULL };

	setenv("MTOOLS_SKIP_CHECK", "1", 1);
	return proc_run(argv, log_fd) == 0 ? 0 : -1;
}

void esp_check_set(const char *cmd, const char *s)
{
	const char *eq = strchr(s, '=');

	if (!eq || eq == s)
		cli_usage_error(cmd, "--set '%s': expected key=value", s);
	for (const char *p = s; p < eq; p++)
		if (!strchr("abcdefghijklmnopqrstuvwxyz0123456789_", *p))
			cli_usage_error(cmd, "--set '%s': a key is lower-case letters, "
					"digits and '_'", s);
	if (strpbrk(eq, "\n\r#"))
		cli_usage_error(cmd, "--set '%s': a value cannot hold a line break or '#'", s);
}

struct check_ctx {
	const char *cmd, *text;
	unsigned problems;
};

/* One bad line, named with its text: a --set line's number means nothing to
 * whoever typed it, its text does. */
static void config_problem(void *ctx, unsigned line, const char *key, const char *reason,
			   const char *detail)
{
	struct check_ctx *c = ctx;
	const char *s = c->text;
	int len;

	for (unsigned n = 1; n < line && s; n++) {
		s = strchr(s, '\n');
		s = s ? s + 1 : NULL;
	}
	len = s ? (int)strcspn(s, "\n") : 0;
	fprintf(stderr, "%s: %s: config line %u '%.*s': %s%s%s%s%s\n", pmulab_progname,
		c->cmd, line, len, s ? s : "", key[0] ? key : "", key[0] ? ": " : "", reason,
		detail[0] ? ": " : "", detail);
	c->problems++;
}

unsigned esp_check_config(const char *cmd, const char *text)
{
	struct check_ctx c = { .cmd = cmd, .text = text };
	struct config cfg;

	config_defaults(&cfg);
	config_parse(&cfg, text, strlen(text), config_problem, &c);
	return c.problems;
}

const char *esp_beside_self(const char *name, char *buf, size_t len)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n < 0)
		return NULL;
	self[n] = '\0';
	if ((size_t)snprintf(buf, len, "%s/%s", dirname(self), name) >= len)
		return NULL;
	return buf;
}
