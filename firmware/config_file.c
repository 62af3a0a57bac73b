/* Reading \pmulab\config.txt and reporting it (config_file.h). */
#include "firmware/config_file.h"
#include "firmware/volume.h"
#include "lib/fmt.h"
#include "lib/libc.h"
#include "lib/record.h"

#define CONFIG_PATH L"\\pmulab\\config.txt"
#define CONFIG_ERRORS_MAX 32

struct config_error {
	unsigned line;
	char key[64], reason[24], detail[128];
};

static struct config_error errors[CONFIG_ERRORS_MAX];
static unsigned nerrors, nerrors_total;

static void copy_str(char *dst, size_t size, const char *src)
{
	size_t n = strlen(src);

	if (n >= size)
		n = size - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static void config_error(void *ctx, unsigned line, const char *key,
			 const char *reason, const char *detail)
{
	struct config_error *e;

	nerrors_total++;
	if (nerrors == CONFIG_ERRORS_MAX)
		return;
	e = &errors[nerrors++];
	e->line = line;
	copy_str(e->key, sizeof(e->key), key);
	copy_str(e->reason, sizeof(e->reason), reason);
	copy_str(e->detail, sizeof(e->detail), detail);
}

const char *config_load(struct config *cfg, EFI_STATUS vol)
{
	char *text;
	size_t len;
	EFI_STATUS st = vol;
	char buf[24];

	if (!EFI_ERROR(vol))
		st = volume_read(CONFIG_PATH, &text, &len, CONFIG_FILE_MAX);
	if (st == EFI_NOT_FOUND)
		return "none";
	/* Said plainly: the run goes on, but with none of the file's settings. */
	if (st == EFI_BUFFER_TOO_SMALL) {
		char detail[80];

		fmt_snprintf(detail, sizeof(detail), "over %u bytes: not read, every setting at "
			     "its default", CONFIG_FILE_MAX);
		config_error(NULL, 0, "", "file-too-large", detail);
		return "too-large";
	}
	if (EFI_ERROR(st)) {
		config_error(NULL, 0, "", "unreadable", efi_status_name(st, buf));
		return "unreadable";
	}
	config_parse(cfg, text, len, config_error, NULL);
	FreePool(text);
	return "file";
}

static void config_field(void *ctx, const char *key, const char *val)
{
	rec_str(ctx, key, val);
}

void config_report(const struct config *cfg, const char *source)
{
	struct rec r;

	rec_begin(&r, "config");
	rec_str(&r, "source", source);
	rec_str(&r, "results_file", results_file() ? results_file() : "none");
	config_foreach(cfg, config_field, &r);
	rec_end(&r);
	for (unsigned i = 0; i < nerrors; i++) {
		const struct config_error *e = &errors[i];

		rec_begin(&r, "error");
		rec_str(&r, "kind", "config");
		rec_str(&r, "path", "\\pmulab\\config.txt");
		rec_u64(&r, "line", e->line);
		rec_str(&r, "key", e->key);
		rec_str(&r, "reason", e->reason);
		if (e->detail[0])
			rec_str(&r, "detail", e->detail);
		rec_end(&r);
	}
	if (nerrors_total > nerrors)
		rec_narrate("config: %u more errors not shown", nerrors_total - nerrors);
}
