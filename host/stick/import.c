/* pmulab import: the runs a stick (or its image) brought back. Each boot left
 * \pmulab\results-NNN.txt; each becomes a run directory of its own, named by
 * the file, validated like a serial stream and reported. Disks and images are
 * read with the mtools at the ESP's offset: no mount, no root. */
#include <dirent.h>
#include <fcntl.h>
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "host/cli.h"
#include "host/stick/disk.h"
#include "host/fleet/fleet.h"
#include "host/boot/esp.h"
#include "host/db/db.h"
#include "host/proc.h"
#include "host/stick/stick.h"

#define TREE_FDS	16	/* nftw's open directories: \pmulab is one level */

const char usage_import[] =
	"usage: pmulab import SOURCE [--out DIR] [--format F]\n"
	"       pmulab import --lava LOG [--out DIR] [--format F]\n"
	"\n"
	"Reads every \\pmulab\\results-NNN.txt a stick holds -- one per boot, however\n"
	"many -- from SOURCE: a disk image (build/pmulab.img), a whole-disk device\n"
	"(/dev/sdX: its GPT, or the backup GPT when the primary is damaged, else its\n"
	"MBR; the \\pmulab folder copied out with the mtools, never mounted) or a\n"
	"mounted stick's directory. Each file becomes DIR/results-NNN/ with its\n"
	"records.txt and results.txt, validated like a serial stream, and is\n"
	"reported in turn. A failed import leaves no DIR behind.\n"
	"\n"
	"--lava LOG: a LAVA job's log (lava-run's stderr, or the output.yaml\n"
	"lava-server keeps) holds the device's serial lines; they become DIR's\n"
	"serial.log and records.txt, with the log as lava.log, validated and\n"
	"reported like a run (docs/lava.md).\n"
	"\n"
	"  --out DIR         where the runs go (default: a new runs/import-...,\n"
	"                    runs/lava-... for --lava)\n"
	"  --format F        report format: text (default), records, perf-stat, csv,\n"
	"                    json, records-csv, html, ftrace, trace-json, tap or junit\n"
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

/* Every results file: a stick holds one per boot, with no limit. */
struct names {
	char **v;
	size_t n, cap;
};

static int add_name(struct names *ns, const char *name)
{
	if (!is_results(name))
		return 0;
	if (ns->n == ns->cap) {
		size_t cap = ns->cap ? 2 * ns->cap : 64;
		char **v = realloc(ns->v, cap * sizeof(*v));

		if (!v)
			return -1;
		ns->v = v;
		ns->cap = cap;
	}
	ns->v[ns->n] = strdup(name);
	return ns->v[ns->n++] ? 0 : -1;
}

/* A mounted stick: DIR/pmulab/, else DIR itself. */
static int list_dir(const char *src, char *folder, size_t len, struct names *ns)
{
	struct dirent *e;
	DIR *d;
	int rc = 0;

	if (cli_path(folder, len, src, "pmulab") < 0)
		return -1;
	d = opendir(folder);
	if (!d) {
		snprintf(folder, len, "%s", src);
		d = opendir(folder);
	}
	if (!d)
		return -1;
	while (rc == 0 && (e = readdir(d)))
		rc = add_name(ns, e->d_name);
	closedir(d);
	return rc;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

/* An image or device: its \pmulab folder copied whole into tmp (a new
 * directory) with `mcopy -s`, which keeps every name as it is. A name
 * given to mcopy is a pattern: results-[1].txt would match results-1.txt. */
static int copy_disk(const char *part, const char *tmp)
{
	char *argv[] = { "mcopy", "-s", "-n", "-i", (char *)part, "::/pmulab", (char *)tmp, NULL };

	return proc_run(argv, 2) == 0 ? 0 : -1;
}

/* One run: its file into DIR/<stem>/results.txt, validated and reported. */
static int import_one(const char *dir, const char *name, const char *from_dir,
		      enum report_format fmt, const char *source)
{
	char run[4200], dst[4400], src[4400], stem[256], err[256];
	struct report_meta meta = { .boot_to_end_s = -1 };
	struct stream *s;

	snprintf(stem, sizeof(stem), "%.*s", (int)(strlen(name) - 4), name);
	if (cli_path(run, sizeof(run), dir, stem) < 0 || (mkdir(run, 0777) < 0 && errno != EEXIST) ||
	    cli_path(dst, sizeof(dst), run, "results.txt") < 0) {
		fprintf(stderr, "%s: import: cannot create %s/%s: %s\n", pmulab_progname, dir,
			stem, strerror(errno));
		return EXIT_ERROR;
	}
	if (cli_path(src, sizeof(src), from_dir, name) < 0 || cli_copy_file(src, dst) < 0) {
		fprintf(stderr, "%s: import: cannot copy %s from %s: %s\n", pmulab_progname, name,
			source, strerror(errno));
		unlink(dst);
		rmdir(run);
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

/* The results files of source into ns; folder gets where they are, tmp
 * (when not "") a copy to remove afterwards. 0, or EXIT_ERROR after a
 * message. */
static int find_runs(const char *source, const struct stat *st, char *folder, size_t len,
		     char *tmp, size_t tmplen, struct names *ns)
{
	char part[4200], err[512];
	const char *tmpdir = getenv("TMPDIR");
	uint64_t offset;

	tmp[0] = '\0';
	if (S_ISDIR(st->st_mode)) {
		if (list_dir(source, folder, len, ns) == 0)
			return 0;
		fprintf(stderr, "%s: import: cannot list %s: %s\n", pmulab_progname, source,
			strerror(errno));
		return EXIT_ERROR;
	}
	if (disk_esp_offset(source, &offset, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s: import: %s\n", pmulab_progname, err);
		return EXIT_ERROR;
	}
	snprintf(part, sizeof(part), "%s@@%llu", source, (unsigned long long)offset);
	snprintf(tmp, tmplen, "%s/pmulab-import-XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
	if (!mkdtemp(tmp)) {
		fprintf(stderr, "%s: import: cannot create %s: %s\n", pmulab_progname, tmp,
			strerror(errno));
		tmp[0] = '\0';
		return EXIT_ERROR;
	}
	if (copy_disk(part, tmp) < 0) {
		fprintf(stderr, "%s: import: %s has no \\pmulab folder on its EFI System "
			"Partition (offset %llu): not a pmulab stick?\n", pmulab_progname, source,
			(unsigned long long)offset);
		return EXIT_ERROR;
	}
	if (list_dir(tmp, folder, len, ns) < 0) {
		fprintf(stderr, "%s: import: cannot list the copy of %s in %s: %s\n",
			pmulab_progname, source, tmp, strerror(errno));
		return EXIT_ERROR;
	}
	return 0;
}

int cmd_import(int argc, char **argv)
{
	const char *source = NULL, *out = NULL, *lava = NULL, *v;
	enum report_format fmt = REPORT_TEXT;
	char dir[4096], folder[4096], tmp[4096];
	struct names ns = { 0 };
	struct stat st;
	bool ready;
	int code;

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
	setenv("MTOOLS_SKIP_CHECK", "1", 1);
	/* The runs are found before DIR is made: a failed import leaves none. */
	code = find_runs(source, &st, folder, sizeof(folder), tmp, sizeof(tmp), &ns);
	if (code == EXIT_OK && !ns.n) {
		fprintf(stderr, "%s: import: no results-NNN.txt in %s: the stick was not booted "
			"yet, or results=off\n", pmulab_progname, source);
		code = EXIT_ERROR;
	}
	if (code == EXIT_OK && cli_out_dir(out, "import", dir, sizeof(dir)) < 0)
		code = EXIT_ERROR;
	ready = code == EXIT_OK;
	if (ready)
		qsort(ns.v, ns.n, sizeof(ns.v[0]), name_cmp);
	for (size_t i = 0; ready && i < ns.n; i++) {
		int rc = import_one(dir, ns.v[i], folder, fmt, source);

		fprintf(stderr, "%s: import: %s -> %s/%.*s: %s\n", pmulab_progname, ns.v[i], dir,
			(int)(strlen(ns.v[i]) - 4), ns.v[i],
			rc == EXIT_OK ? "complete, ok" : rc == EXIT_PARTIAL ? "partial" : "error");
		code = worse(code, rc);
	}
	for (size_t i = 0; i < ns.n; i++)
		free(ns.v[i]);
	free(ns.v);
	if (tmp[0])
		nftw(tmp, remove_entry, TREE_FDS, FTW_DEPTH | FTW_PHYS);
	/* A DIR of its own making that no run reached (rmdir leaves any other). */
	if (ready && !out && rmdir(dir) == 0)
		ready = false;
	return ready ? db_feed(dir, code) : code;
}
