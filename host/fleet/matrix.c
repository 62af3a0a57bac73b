/* pmulab matrix FILE: each configuration of FILE is a pmulab run of its
 * own, MATRIX_JOBS at a time; a CPU model this QEMU does not list, or KVM
 * on a host without it, is said so and not booted. Then the table and one
 * JUnit file. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>
#include "host/boot/qemu.h"
#include "host/cli.h"
#include "host/fleet/fleet.h"
#include "host/fleet/matrix.h"
#include "host/proc.h"

/* Two boots at a time: a TCG guest keeps one host CPU busy, and the machines
 * this runs on in CI have two. */
#define MATRIX_JOBS	2
#define MATRIX_ARGS	(24 + 2 * MATRIX_SETS_MAX)
/* `-cpu help` lists about 130 models in 8 KiB; room for far more. */
#define CPU_HELP_MAX	(256 * 1024)

const char usage_matrix[] =
	"usage: pmulab matrix FILE [--out DIR] [--junit FILE] [--jobs N]\n"
	"\n"
	"Runs every configuration of FILE, each a pmulab run of its own, N at a\n"
	"time (default 2), then prints a configuration x result table and writes\n"
	"one JUnit file with a testsuite per configuration. FILE is ini-like, in\n"
	"the spirit of kvm-unit-tests' unittests.cfg:\n"
	"\n"
	"  [skylake-nopmu]          a configuration, named by letters, digits, _ . -\n"
	"  accel = tcg              tcg (default) or kvm\n"
	"  cpu = Skylake-Client     the QEMU CPU model (default Skylake-Client; host\n"
	"                           under kvm)\n"
	"  flags = pmu=off          QEMU CPU properties after it (run --cpu-flags)\n"
	"  suite = pmu-check        the payload's suite= (default its own)\n"
	"  set = sample_src=timer   a payload setting; repeatable\n"
	"  icount = 5               TCG's -icount shift\n"
	"  timeout = 300            seconds before a hung guest is killed (default\n"
	"                           run's, which follows the suites)\n"
	"\n"
	"A model this QEMU does not list (qemu-system-x86_64 -cpu help) is reported\n"
	"'not in this QEMU' and KVM on a host without it 'unavailable': neither is\n"
	"booted, and neither fails the matrix. tests/matrix/ has tcg.cfg and kvm.cfg.\n"
	"\n"
	"  --out DIR         the runs, DIR/NAME/ each, their reports DIR/NAME.txt, and\n"
	"                    junit.xml (default: a new runs/matrix-...)\n"
	"  --junit FILE      the JUnit file (default DIR/junit.xml)\n"
	"  --jobs N          configurations run at once (default 2)\n"
	"\n"
	"Exit: 0 when every configuration that ran is complete and ok, 1 when one\n"
	"ended with errors (or could not run), 3 when one is partial, 2 for a bad\n"
	"command line or FILE.\n";

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* QEMU's CPU models, as `-cpu help` lists them ("x86 NAME  description"),
 * into a malloc'd text; NULL after a message when QEMU cannot say. */
static char *cpu_models(const char *qemu, const char *dir)
{
	char path[4200], *text;
	char *argv[] = { (char *)qemu, "-cpu", "help", NULL };
	FILE *f;
	size_t n;
	int fd, rc;

	if (cli_path(path, sizeof(path), dir, "cpu-help.txt") < 0 ||
	    (fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0) {
		fprintf(stderr, "%s: matrix: %s: %s\n", pmulab_progname, path, strerror(errno));
		return NULL;
	}
	rc = proc_run(argv, fd);
	close(fd);
	text = malloc(CPU_HELP_MAX + 1);
	f = fopen(path, "r");
	if (rc != 0 || !text || !f) {
		fprintf(stderr, "%s: matrix: '%s -cpu help' failed: no CPU model can be "
			"checked (is QEMU installed? $PMULAB_QEMU)\n", pmulab_progname, qemu);
		free(text);
		if (f)
			fclose(f);
		return NULL;
	}
	n = fread(text, 1, CPU_HELP_MAX, f);
	fclose(f);
	text[n] = '\0';
	return text;
}

static bool has_model(const char *help, const char *model)
{
	size_t len = strlen(model);

	for (const char *p = help; (p = strstr(p, "\nx86 ")); p++) {
		const char *name = p + 5;

		if (!strncmp(name, model, len) && (name[len] == ' ' || name[len] == '\n'))
			return true;
	}
	return false;
}

/* pmulab run for c, its report into DIR/NAME.txt; its pid, or -1. */
static pid_t start(const char *self, struct matrix_cfg *c, const char *dir)
{
	char *argv[MATRIX_ARGS], icount[16], timeout[16], suite[MATRIX_VAL_MAX + 8];
	char report[4200];
	int n = 0, fd;
	pid_t pid;

	snprintf(icount, sizeof(icount), "%u", c->icount);
	snprintf(timeout, sizeof(timeout), "%u", c->timeout);
	argv[n++] = (char *)self;
	argv[n++] = "run";
	argv[n++] = c->kvm ? "--kvm" : "--tcg";
	argv[n++] = "--cpu";
	argv[n++] = c->cpu;
	if (c->flags[0]) {
		argv[n++] = "--cpu-flags";
		argv[n++] = c->flags;
	}
	if (!c->kvm) {
		argv[n++] = "--icount";
		argv[n++] = icount;
	}
	/* Not given: run's own, which follows the suites. */
	if (c->timeout) {
		argv[n++] = "--timeout";
		argv[n++] = timeout;
	}
	if (c->suite[0]) {
		snprintf(suite, sizeof(suite), "suite=%s", c->suite);
		argv[n++] = "--set";
		argv[n++] = suite;
	}
	for (unsigned i = 0; i < c->nsets; i++) {
		argv[n++] = "--set";
		argv[n++] = c->sets[i];
	}
	argv[n++] = "--out";
	argv[n++] = c->dir;
	argv[n] = NULL;
	snprintf(report, sizeof(report), "%s/%s.txt", dir, c->name);
	fd = open(report, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) {
		snprintf(c->why, sizeof(c->why), "%.160s: %s", report, strerror(errno));
		return -1;
	}
	pid = proc_spawn(argv, fd);
	if (pid < 0)
		snprintf(c->why, sizeof(c->why), "%.160s: %s", self, strerror(errno));
	close(fd);
	return pid;
}

/* What the run left: its records, or an empty stream (partial) when it left
 * none. */
static void finished(struct matrix_cfg *c, int status)
{
	char path[4200], err[256];

	c->state = MATRIX_RAN;
	c->rc = WIFEXITED(status) ? WEXITSTATUS(status) : EXIT_ERROR;
	if (cli_path(path, sizeof(path), c->dir, "records.txt") < 0 ||
	    !(c->stream = parse_file(path, err, sizeof(err)))) {
		snprintf(c->why, sizeof(c->why), "no records.txt (pmulab run exit %d)", c->rc);
		c->stream = parser_finish(parser_new(NULL, NULL));
	}
}

/* Runs the pending configurations, jobs at a time. */
static void run_all(const char *self, struct matrix_cfg *cfg, int n, const char *dir,
		    unsigned jobs)
{
	pid_t pids[MATRIX_MAX];
	double started[MATRIX_MAX];
	unsigned running = 0;
	int next = 0, status;
	pid_t pid;

	for (;;) {
		while (running < jobs && next < n) {
			struct matrix_cfg *c = &cfg[next];

			pids[next] = -1;
			if (c->state == MATRIX_PENDING) {
				fprintf(stderr, "%s: matrix: %s: starting\n", pmulab_progname,
					c->name);
				started[next] = now();
				pids[next] = start(self, c, dir);
				if (pids[next] < 0)
					c->state = MATRIX_NOT_STARTED;
				else
					running++;
			}
			next++;
		}
		if (!running)
			return;
		pid = waitpid(-1, &status, 0);
		if (pid < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		for (int i = 0; i < next; i++) {
			if (pids[i] != pid)
				continue;
			cfg[i].seconds = now() - started[i];
			finished(&cfg[i], status);
			running--;
			fprintf(stderr, "%s: matrix: %s: %s in %.1f s\n", pmulab_progname,
				cfg[i].name, cfg[i].stream->end_status ?
				cfg[i].stream->end_status : "no end", cfg[i].seconds);
		}
	}
}

/* The worst exit code of the configurations that ran: error over partial
 * over ok. */
static int verdict(const struct matrix_cfg *cfg, int n)
{
	int code = EXIT_OK;

	for (int i = 0; i < n; i++) {
		int rc = cfg[i].state == MATRIX_NOT_STARTED ? EXIT_ERROR :
			 cfg[i].state == MATRIX_RAN ? stream_exit_code(cfg[i].stream) : EXIT_OK;

		if (rc == EXIT_ERROR || (rc == EXIT_PARTIAL && code == EXIT_OK))
			code = rc;
	}
	return code;
}

int cmd_matrix(int argc, char **argv)
{
	const char *file = NULL, *out = NULL, *junit = NULL, *v, *qemu;
	char dir[4096], jpath[4200], self[4096], why[256], *help;
	struct matrix_cfg *cfg;
	unsigned long jobs = MATRIX_JOBS;
	ssize_t len;
	int n, code;
	bool kvm;

	for (int i = 1; i < argc; i++) {
		if ((v = cli_opt(argc, argv, &i, "matrix", "--out")))
			out = v;
		else if ((v = cli_opt(argc, argv, &i, "matrix", "--junit")))
			junit = v;
		else if ((v = cli_opt(argc, argv, &i, "matrix", "--jobs"))) {
			jobs = cli_uint("matrix", "--jobs", v);
			if (!jobs || jobs > MATRIX_MAX)
				cli_usage_error("matrix", "--jobs '%s': 1..%d", v, MATRIX_MAX);
		} else if (argv[i][0] == '-' && argv[i][1])
			cli_usage_error("matrix", "unknown option '%s'", argv[i]);
		else if (file)
			cli_usage_error("matrix", "one FILE only ('%s' and '%s')", file, argv[i]);
		else
			file = argv[i];
	}
	if (!file)
		cli_usage_error("matrix", "no FILE: give a matrix file (tests/matrix/tcg.cfg)");
	cfg = xcalloc(MATRIX_MAX, sizeof(*cfg));
	if ((n = matrix_parse(file, cfg)) < 0) {
		free(cfg);
		return EXIT_USAGE;
	}
	len = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (len < 0 || cli_out_dir(out, "matrix", dir, sizeof(dir)) < 0) {
		if (len < 0)
			perror(pmulab_progname);
		free(cfg);
		return EXIT_ERROR;
	}
	self[len] = '\0';
	qemu = getenv("PMULAB_QEMU") ? getenv("PMULAB_QEMU") : "qemu-system-x86_64";
	if (!(help = cpu_models(qemu, dir))) {
		free(cfg);
		return EXIT_ERROR;
	}
	kvm = qemu_kvm_usable(why, sizeof(why));
	for (int i = 0; i < n; i++) {
		struct matrix_cfg *c = &cfg[i];

		if (cli_path(c->dir, sizeof(c->dir), dir, c->name) < 0) {
			c->state = MATRIX_NOT_STARTED;
			snprintf(c->why, sizeof(c->why), "path too long");
		} else if (c->kvm && !kvm) {
			c->state = MATRIX_NO_KVM;
			snprintf(c->why, sizeof(c->why), "%s", why);
		} else if (strcmp(c->cpu, "host") && !has_model(help, c->cpu)) {
			c->state = MATRIX_NO_MODEL;
			snprintf(c->why, sizeof(c->why), "%.100s -cpu help does not list %.100s", qemu,
				 c->cpu);
		}
	}
	free(help);
	run_all(self, cfg, n, dir, (unsigned)jobs);
	matrix_table(stdout, cfg, n);
	if (!junit) {
		cli_path(jpath, sizeof(jpath), dir, "junit.xml");
		junit = jpath;
	}
	code = verdict(cfg, n);
	if (matrix_junit(junit, cfg, n) < 0) {
		fprintf(stderr, "%s: matrix: %s: %s\n", pmulab_progname, junit, strerror(errno));
		code = EXIT_ERROR;
	} else {
		printf("junit     %s\nruns      %s\n", junit, dir);
	}
	for (int i = 0; i < n; i++)
		if (cfg[i].stream)
			stream_free(cfg[i].stream);
	free(cfg);
	return code;
}
