/* pmulab import: the runs a stick (or its image) brought back. Each boot left
 * \pmulab\results-NNN.txt; each becomes a run directory of its own, named by
 * the file, validated like a serial stream and reported. Disks and images are
 * read with the mtools at the ESP's offset: no mount, no root. */
#include <dirent.h>
#include <fcntl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "host/cli.h"
#include "host/stick/disk.h"
#include "host/fleet/fleet.h"
#include "host/boot/esp.h"
#include "host/proc.h"
#include "host/stick/stick.h"

#define RUNS_MAX	1000

const char usage_import[] =
	"usage: pmulab import SOURCE [--out DIR] [--format F]\n"
	"       pmulab import --lava LOG [--out DIR] [--format F]\n"
	"\n"
	"Reads every \\pmulab\\results-NNN.txt a stick holds -- one per boot -- from\n"
	"SOURCE: a disk image (build/pmulab.img), a whole-disk device (/dev/sdX, read\n"
	"with the mtools, never mounted) or a mounted stick's directory. Each file\n"
	"becomes DIR/results-NNN/ with its records.txt and results.txt, validated\n"
	"like a serial stream, and is reported in turn.\n"
	"\n"
	"--lava LOG: a LAVA job's log (lava-run's stderr, or the output.yaml\n"
	"lava-server keeps) holds the device's serial lines; they become DIR's\n"
	"serial.log and records.txt, with the log as lava.log, validated and\n"
	"reported like a run (docs/lava.md).\n"
	"\n"
	"  --out DIR         where the runs go (default: a new runs/import-...,\n"
	"                    runs/lava-... for --lava)\n"
	"  --format F        report format: text (default), csv, json, records-csv,\n"
	"                    html, ftrace, trace-json, tap or junit\n"
	"\n"
	"Exit: 0 when every run is complete and ok, 3 when one lost records or has no\n"
	"end (it is kept and reported), 1 when one ended with errors or SOURCE\n"
	"cannot be read.\n";

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* results-NNN.txt, and results.txt from payloads before the numbering. */
static int is_results(const char *name)
{
	size_t n = strlen(name);

	if (!strcmp(name, "results.txt"))
		return 1;
	return n > 12 && !strncmp(name, "results-", 8) && !strcmp(name + n - 4, ".txt");
}

static void add_name(char **names, size_t *n, const char *name)
{
	if (*n < RUNS_MAX && is_results(name))
		names[(*n)++] = strdup(name);
}

/* A mounted stick: DIR/pmulab/, else DIR itself. */
static int list_dir(const char *src, char *folder, size_t len, char **names, size_t *n)
{
	struct dirent *e;
	DIR *d;

	if (cli_path(folder, len, src, "pmulab") < 0)
		return -1;
	d = opendir(folder);
	if (!d) {
		snprintf(folder, len, "%s", src);
		d = opendir(folder);
	}
	if (!d)
		return -1;
	while ((e = readdir(d)))
		add_name(names, n, e->d_name);
	closedir(d);
	return 0;
}

/* An image or device: `mdir -b` of ::/pmulab at the ESP's offset. */
static int list_disk(const char *part, const char *dir, char **names, size_t *n)
{
	char listing[4200], line[512];
	char *argv[] = { "mdir", "-b", "-i", (char *)part, "::/pmulab", NULL };
	FILE *f;
	int fd, rc;

	if (cli_path(listing, sizeof(listing), dir, "import-listing.txt") < 0)
		return -1;
	fd = open(listing, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return -1;
	rc = proc_run(argv, fd);
	close(fd);
	f = fopen(listing, "r");
	while (rc == 0 && f && fgets(line, sizeof(line), f)) {
		char *slash = strrchr(line, '/');

		line[strcspn(line, "\r\n")] = '\0';
		add_name(names, n, slash ? slash + 1 : line);
	}
	if (f)
		fclose(f);
	unlink(listing);
	return rc == 0 ? 0 : -1;
}

/* One run: its file into DIR/<stem>/results.txt, validated and reported. */
static int import_one(const char *dir, const char *name, const char *from_dir,
		      const char *part, enum report_format fmt, const char *source)
{
	char run[4200], dst[4400], src[4400], inner[600], stem[256], err[256];
	struct report_meta meta = { .boot_to_end_s = -1 };
	struct stream *s;

	snprintf(stem, sizeof(stem), "%.*s", (int)(strlen(name) - 4), name);
	if (cli_path(run, sizeof(run), dir, stem) < 0 || (mkdir(run, 0777) < 0 && errno != EEXIST) ||
	    cli_path(dst, sizeof(dst), run, "results.txt") < 0) {
		fprintf(stderr, "%s: import: cannot create %s/%s: %s\n", pmulab_progname, dir,
			stem, strerror(errno));
		return EXIT_ERROR;
	}
	if (part) {
		char *argv[] = { "mcopy", "-n", "-i", (char *)part, inner, dst, NULL };

		snprintf(inner, sizeof(inner), "::/pmulab/%s", name);
		if (proc_run(argv, 2) != 0) {
			fprintf(stderr, "%s: import: cannot copy %s out of %s\n", pmulab_progname,
				inner, source);
			return EXIT_ERROR;
		}
	} else if (cli_path(src, sizeof(src), from_dir, name) < 0 ||
		   cli_copy_file(src, dst) < 0) {
		fprintf(stderr, "%s: import: cannot copy %s/%s: %s\n", pmulab_progname, from_dir,
			name, strerror(errno));
		return EXIT_ERROR;
	}
	s = parse_file(dst, err, sizeof(err));
	if (!s) {
		fprintf(stderr, "%s: import: %s\n", pmulab_progname, err);
		return EXIT_ERROR;
	}
	if (fmt == REPORT_TEXT)
		printf("== %s (from %s)\n", name, source);
	meta.source = dst;
	meta.mode = "imported";
	meta.out_dir = run;
	return cli_conclude(s, run, fmt, &meta);
}

/* The worst of two exit codes: error over partial over ok. */
static int worse(int a, int b)
{
	static const int rank[] = { [EXIT_OK] = 0, [EXIT_PARTIAL] = 1, [EXIT_ERROR] = 2 };

	return rank[b] > rank[a] ? b : a;
}

int cmd_import(int argc, char **argv)
{
	const char *source = NULL, *out = NULL, *lava = NULL, *v;
	enum report_format fmt = REPORT_TEXT;
	char dir[4096], folder[4096], part[4200], err[512];
	char *names[RUNS_MAX];
	size_t n = 0;
	struct stat st;
	uint64_t offset;
	int code = EXIT_OK;

	for (int i = 1; i < argc; i++) {
		if ((v = cli_opt(argc, argv, &i, "import", "--out")))
			out = v;
		else if ((v = cli_opt(argc, argv, &i, "import", "--format")))
			fmt = cli_format("import", v);
		else if ((v = cli_opt(argc, argv, &i, "import", "--lava")))
			lava = v;
		else if (argv[i][0] == '-' && argv[i][1])
			cli_usage_error("import", "unknown option '%s'", argv[i]);
		else if (source)
			cli_usage_error("import", "one SOURCE only ('%s' and '%s')", source, argv[i]);
		else
			source = argv[i];
	}
	if (lava && source)
		cli_usage_error("import", "--lava LOG or SOURCE, not both ('%s')", source);
	if (lava)
		return lava_import(lava, out, fmt);
	if (!source)
		cli_usage_error("import", "no SOURCE: give an image, a device or a directory");
	if (stat(source, &st) < 0) {
		fprintf(stderr, "%s: import: %s: %s\n", pmulab_progname, source, strerror(errno));
		return EXIT_ERROR;
	}
	if (cli_out_dir(out, "import", dir, sizeof(dir)) < 0)
		return EXIT_ERROR;
	setenv("MTOOLS_SKIP_CHECK", "1", 1);
	if (S_ISDIR(st.st_mode)) {
		if (list_dir(source, folder, sizeof(folder), names, &n) < 0) {
			fprintf(stderr, "%s: import: cannot list %s: %s\n", pmulab_progname, source,
				strerror(errno));
			return EXIT_ERROR;
		}
	} else {
		if (disk_esp_offset(source, &offset, err, sizeof(err)) < 0) {
			fprintf(stderr, "%s: import: %s\n", pmulab_progname, err);
			return EXIT_ERROR;
		}
		snprintf(part, sizeof(part), "%s@@%llu", source, (unsigned long long)offset);
		if (list_disk(part, dir, names, &n) < 0) {
			fprintf(stderr, "%s: import: %s has no \\pmulab folder on its EFI System "
				"Partition (offset %llu): not a pmulab stick?\n", pmulab_progname,
				source, (unsigned long long)offset);
			return EXIT_ERROR;
		}
	}
	if (!n) {
		fprintf(stderr, "%s: import: no results-NNN.txt in %s: the stick was not booted "
			"yet, or results=off\n", pmulab_progname, source);
		return EXIT_ERROR;
	}
	qsort(names, n, sizeof(names[0]), name_cmp);
	for (size_t i = 0; i < n; i++) {
		int rc = import_one(dir, names[i], folder, S_ISDIR(st.st_mode) ? NULL : part, fmt,
				    source);

		fprintf(stderr, "%s: import: %s -> %s/%.*s: %s\n", pmulab_progname, names[i], dir,
			(int)(strlen(names[i]) - 4), names[i],
			rc == EXIT_OK ? "complete, ok" : rc == EXIT_PARTIAL ? "partial" : "error");
		code = worse(code, rc);
		free(names[i]);
	}
	return code;
}
