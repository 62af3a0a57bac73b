/* Helpers and help texts shared by the pmulab commands (host/cli.h). */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "host/cli.h"
#include "host/report/records.h"

const char *pmulab_progname = "pmulab";

/* --format, the same for run, collect and report. */
#define USAGE_FORMAT \
	"  --format F        report format: text (default: a table per suite, the\n" \
	"                    events nothing counted on one line with the reason, a\n" \
	"                    sampled run's profile), records (every record), perf-stat\n" \
	"                    (a perf stat block per bench), csv, json, records-csv,\n" \
	"                    html, ftrace, trace-json, tap (TAP version 13: a test\n" \
	"                    point per check) or junit (JUnit XML: a testsuite per\n" \
	"                    section, a testcase per check)\n"

const char usage_main[] =
	"usage: pmulab COMMAND [OPTION]...\n"
	"\n"
	"Boots the pmulab UEFI payload (under QEMU, or on a machine from a USB\n"
	"stick), collects the checksummed records it sends, and reports them.\n"
	"\n"
	"commands:\n"
	"  run        boot the payload under QEMU, stream its records, report them\n"
	"  collect    read records from a serial device, a capture file or stdin\n"
	"  lesson     boot lesson N (1-11) under QEMU and print its transcript\n"
	"  report     report a records file, a serial capture or a run directory\n"
	"  plot       draw the chase and branch benches of a run with gnuplot\n"
	"  flamegraph draw a run's sampled call stacks as an interactive SVG\n"
	"  image      make the bootable USB image for real hardware\n"
	"  flash      write the image to a USB stick, safely\n"
	"  import     read the runs a stick (or its image) brought back\n"
	"  linux      run the same kernels under Linux (perf, else valgrind);\n"
	"             --profile: the sampling workload under perf record\n"
	"  compare    put two runs side by side, with a verdict per row\n"
	"  history    a counter's or check's values over every run in the history\n"
	"  db         the run history: add, machines, diff, baseline, merge\n"
	"  matrix     run a file of QEMU configurations (CPU models, vPMU on/off),\n"
	"             a table of the results and one JUnit file\n"
	"  parity     the kvm-unit-tests parity tables, or which of their checks\n"
	"             passed in a run\n"
	"  help       this text, or a command's: pmulab help COMMAND\n"
	"\n"
	"  --help     this text (COMMAND --help: the command's)\n"
	"  --version  the version\n";

const char usage_run[] =
	"usage: pmulab run [--tcg|--kvm] [--cpu MODEL] [--cpu-flags F] [--icount N]\n"
	"                  [--set key=value]...\n"
	"                  [--explain] [--timeout S] [--out DIR] [--keep-esp]\n"
	"                  [--format text|records|perf-stat|csv|json|records-csv|\n"
	"                   html|ftrace|trace-json|tap|junit] [--verbose]\n"
	"                  [--efi FILE] [--ovmf-code FILE] [--ovmf-vars FILE] [--qemu BIN]\n"
	"                  [--reference|--no-reference] [--I1 S,A,L] [--D1 S,A,L]\n"
	"                  [--LL S,A,L]\n"
	"\n"
	"Boots the payload under QEMU, streams its records live and reports them.\n"
	"\n"
	"  --kvm             KVM with -cpu host,pmu=on (default when /dev/kvm is usable:\n"
	"                    it opens, makes a VM, and the CPU lists vmx or svm)\n"
	"  --tcg             TCG with -icount shift=N,sleep=off (default otherwise)\n"
	"  --cpu MODEL       the CPU model (default Skylake-Client; EPYC for AMD;\n"
	"                    under KVM host)\n"
	"  --cpu-flags F     QEMU CPU properties after the model, comma-separated\n"
	"                    (pmu=off, -pdcm, lbr-fmt=0x5); under KVM after pmu=on\n"
	"  --icount N        the TCG icount shift, 0..10: RDTSC advances 2^N per\n"
	"                    instruction (default 5)\n"
	"  --set key=value   a payload setting for this run (a key of\n"
	"                    \\pmulab\\config.txt, see images/config.txt); repeatable,\n"
	"                    the last one of a key wins; checked with the payload's\n"
	"                    parser before the boot (a bad one exits 2)\n"
	"  --explain         explain mode (explain=1): every MSR access and code patch\n"
	"                    narrated, decoded; slows the run (docs/explain.md)\n"
	"  --timeout S       kill a hung guest after S seconds and mark the run\n"
	"                    partial (default 120, 240 with suite=full, 60 more a\n"
	"                    bench of benches=)\n"
	"  --out DIR         output directory (default runs/run-YYYYmmdd-HHMMSS;\n"
	"                    runs/latest then points at it); a reused DIR first loses\n"
	"                    the previous run's files\n"
	"  --keep-esp        keep esp.img, the 16 MiB boot volume the guest saw\n"
	"  --verbose         the text report gives every event a column and lists every\n"
	"                    check and sample record\n"
	USAGE_FORMAT
	"  --efi FILE        the payload (default $PMULAB_EFI, else pmulab.efi next to\n"
	"                    this program)\n"
	"  --ovmf-code FILE  OVMF code image (default $PMULAB_OVMF_CODE, else\n"
	"                    /usr/share/OVMF/OVMF_CODE_4M.fd)\n"
	"  --ovmf-vars FILE  OVMF variable store template (default $PMULAB_OVMF_VARS,\n"
	"                    else the OVMF_VARS file beside the code image)\n"
	"  --qemu BIN        QEMU binary (default $PMULAB_QEMU, else qemu-system-x86_64)\n"
	"  --reference       count every measured region with the reference plugin\n"
	"                    (pmulab-plugin.so next to this program, or $PMULAB_PLUGIN)\n"
	"                    and add its counts as counter src=model records:\n"
	"                    instructions, branches, branches-conditional, loads,\n"
	"                    stores and cachegrind's cache and branch-predictor models.\n"
	"                    TCG only; the default under TCG when the plugin is built\n"
	"  --no-reference    no reference model, even under TCG\n"
	"  --I1, --D1, --LL SIZE,ASSOC,LINE\n"
	"                    the model's caches, as cachegrind's options (default\n"
	"                    32768,8,64 32768,8,64 8388608,16,64)\n"
	"\n"
	"DIR gets serial.log (the serial bytes as they came), records.txt (the good\n"
	"records), results.txt (the payload's own copy, read back from the boot\n"
	"volume), qemu.log (output of QEMU and mtools), cmdline.txt (the QEMU command\n"
	"line), esp/ (the boot volume as a folder; with --keep-esp also esp.img, the\n"
	"FAT image the guest saw) and ovmf-vars.fd (its UEFI variables); with\n"
	"the reference model also reference.txt (the plugin's counts per region).\n"
	"\n"
	"QEMU runs in its own process group and dies with pmulab, even of SIGKILL;\n"
	"Ctrl-C, SIGTERM or SIGHUP stop it and still write records.txt. When QEMU\n"
	"itself fails (an unknown --cpu model, a bad option) its message is shown\n"
	"and the exit code is 1.\n";

const char usage_lesson[] =
	"usage: pmulab lesson N [--tcg|--kvm] [--out DIR] [run's other options]\n"
	"\n"
	"Boots lesson N under QEMU (pmulab run with --set lesson=N) and prints its\n"
	"transcript: numbered steps narrating what is done and what the hardware\n"
	"answered, every MSR write and code patch decoded, what real hardware shows\n"
	"and what QEMU TCG shows instead, and a question answered with the run's own\n"
	"numbers. Lessons 1-11, from CPUID to the four probe paths, are listed in\n"
	"docs/lessons/README.md.\n"
	"\n"
	"  --out DIR         output directory (default runs/lesson-YYYYmmdd-HHMMSS)\n"
	"\n"
	"Other options are pmulab run's (--cpu, --icount, --set, --timeout, --efi,\n"
	"...). DIR gets what pmulab run leaves, plus transcript.txt (what was\n"
	"printed) and report.txt (the run's text report).\n";

const char usage_collect[] =
	"usage: pmulab collect FILE|TTY|- [--baud N] [--timeout S] [--out DIR]\n"
	"                      [--format text|records|perf-stat|csv|json|\n"
	"                       records-csv|html|ftrace|trace-json|tap|junit]\n"
	"\n"
	"Reads the payload's records from a serial device (TTY), a capture file\n"
	"(FILE) or standard input (-), shows progress live and reports them.\n"
	"\n"
	"  --baud N          line speed of a TTY (default 115200)\n"
	"  --timeout S       stop reading after S seconds (default, and 0: no limit)\n"
	"  --out DIR         output directory (default runs/collect-YYYYmmdd-HHMMSS)\n"
	USAGE_FORMAT
	"\n"
	"A TTY is put in raw mode and read until the end record arrives; a file or\n"
	"stdin is read to its end; a directory is refused. Ctrl-C stops reading and\n"
	"still reports what came.\n"
	"DIR gets serial.log (the bytes exactly as read, written as they arrive) and\n"
	"records.txt (the good records). Past 8 MiB of records (COLLECT_KEEP_MAX) they\n"
	"are counted, not kept: the report is then the verdict in text, no records.txt\n"
	"is written, and pmulab report DIR reports them from serial.log.\n";

const char usage_report[] =
	"usage: pmulab report [FILE|DIR]\n"
	"                     [--format text|records|perf-stat|csv|json|\n"
	"                      records-csv|html|ftrace|trace-json|tap|junit] [--verbose]\n"
	"       pmulab report FILE|DIR [--sort symbol] [--callgraph[=caller|callee]]\n"
	"                     [--format folded|perf-script] [--run NAME]\n"
	"\n"
	"Reports the records in FILE, a records.txt or a raw serial capture, or in\n"
	"the run directory DIR (its records.txt, else its serial.log); with neither,\n"
	"runs/latest, the newest run under runs/. A DIR whose records.txt and\n"
	"serial.log disagree (records.txt left by an earlier run) is an error.\n"
	"\n"
	USAGE_FORMAT
	"\n"
	"--verbose gives every event counted a column in the text report and adds\n"
	"every check and every sample record.\n"
	"csv prints the counter records one a line as perf stat -x, does, then\n"
	"bench and source; records-csv every\n"	"record, one row per field; html one self-contained page with the tables\n"
	"and, when gnuplot is installed, the plots of pmulab plot inline; ftrace\n"
	"the function traces as /sys/kernel/tracing/trace shows them (function,\n"
	"function_graph) and as trace_stat/function0 (function_profile);\n"
	"trace-json the traces as Chrome trace-event JSON, for Perfetto or\n"
	"chrome://tracing.\n"
	"\n"
	"The sampled call stacks (sample records, docs/profiles.md), per run:\n"
	"  --sort symbol     a histogram as perf report --stdio prints one:\n"
	"                    overhead, samples, symbol\n"
	"  --callgraph[=caller|callee]  the call tree, from the outermost frame in\n"
	"                    (caller, as perf report -G), or each sampled function\n"
	"                    and the chains that called it (callee)\n"
	"  --format folded   folded stacks, a;b;c N, for FlameGraph, speedscope,\n"
	"                    inferno (one run: --run NAME when there are several)\n"
	"  --format perf-script  the samples as perf script prints them\n"
	"  --run NAME        only the sampled run NAME\n";

const char usage_plot[] =
	"usage: pmulab plot RUN [--out DIR] [--format svg|png]\n"
	"\n"
	"Draws the benches of RUN, a run directory (its records.txt, else its\n"
	"serial.log) or a file that holds records, with gnuplot:\n"
	"  chase   the family=chase benches: latency per load against the working\n"
	"          set (PMU cycles, else TSC ticks), and the cache misses per load\n"
	"          that were counted, the PMU's and the reference model's, with\n"
	"          the model's cache sizes marked (no latency under TCG when the\n"
	"          model counted)\n"
	"  branch  the family=branch benches: branch-misses per iteration against\n"
	"          the period of the pattern, the PMU's and the model's, random as\n"
	"          a level line (TSC ticks per iteration when none were counted)\n"
	"\n"
	"  --out DIR         output directory, created with its parents (default: RUN\n"
	"                    when it is a directory, else the current directory)\n"
	"  --format F        image format: svg (default) or png\n"
	"\n"
	"DIR gets chase.svg and branch.svg (or .png), each beside the data and the\n"
	"gnuplot script that drew it (chase.dat, chase.gp, ...): gnuplot chase.gp\n"
	"in DIR draws it again. The paths written are printed. Needs gnuplot\n"
	"(scripts/deps.sh installs it, or apt-get install gnuplot-nox); $PMULAB_GNUPLOT\n"
	"names another binary.\n";

const char usage_exit_codes[] =
	"exit codes:\n"
	"  0  ok: the stream is complete and the payload ended with status=ok\n"
	"  1  error: the payload reported an error, or the input was unreadable\n"
	"  2  usage: a bad command line\n"
	"  3  partial: records lost, no end record, or status=partial\n";

const char usage_tool_exit_codes[] =
	"exit codes:\n"
	"  0  done\n"
	"  1  failed: the message says why (bad input, a tool missing, a refusal)\n"
	"  2  usage: a bad command line\n";

const char usage_plot_exit_codes[] =
	"exit codes:\n"
	"  0  at least one plot was drawn\n"
	"  1  none was: no chase or branch benches, no gnuplot, unreadable input\n"
	"  2  usage: a bad command line\n";

void cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s %s: ", pmulab_progname, cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s help %s'.\n", pmulab_progname, cmd);
	exit(EXIT_USAGE);
}

const char *cli_opt(int argc, char **argv, int *i, const char *cmd, const char *name)
{
	const char *arg = argv[*i];
	size_t n = strlen(name);

	if (strncmp(arg, name, n) != 0)
		return NULL;
	if (arg[n] == '=')
		return arg + n + 1;
	if (arg[n] != '\0')
		return NULL;
	if (*i + 1 >= argc)
		cli_usage_error(cmd, "option '%s' needs a value", name);
	return argv[++*i];
}

double cli_seconds(const char *cmd, const char *opt, const char *val)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(val, &end);
	if (!*val || *end || errno || !isfinite(v) || v < 0)
		cli_usage_error(cmd, "%s '%s': not a number of seconds", opt, val);
	return v;
}

unsigned long cli_uint(const char *cmd, const char *opt, const char *val)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(val, &end, 10);
	/* strtoul takes a sign and leading blanks; a count does not. */
	if (*val < '0' || *val > '9' || *end || errno)
		cli_usage_error(cmd, "%s '%s': not a whole number", opt, val);
	return v;
}

enum report_format cli_format(const char *cmd, const char *val)
{
	enum report_format fmt;

	if (report_format_parse(val, &fmt) < 0)
		cli_usage_error(cmd, "--format '%s': use text, records, perf-stat, csv, json, "
				"records-csv, html, ftrace, trace-json, tap or junit",
				val);
	return fmt;
}

/* mkdir -p, and an error when the path exists as something else. */
static int mkdir_p(const char *path)
{
	char buf[4096];
	struct stat st;

	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0777) < 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(buf, 0777) < 0 && errno != EEXIST)
		return -1;
	if (stat(buf, &st) < 0)
		return -1;
	if (!S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return -1;
	}
	return 0;
}

int cli_out_dir(const char *given, const char *kind, char *dir, size_t len)
{
	char stamp[32];
	time_t t = time(NULL);
	struct tm tm;

	if (given) {
		if ((size_t)snprintf(dir, len, "%s", given) >= len)
			errno = ENAMETOOLONG;
		else if (mkdir_p(dir) == 0)
			return 0;
		fprintf(stderr, "%s: cannot create %s: %s\n", pmulab_progname, given,
			strerror(errno));
		return -1;
	}
	localtime_r(&t, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm);
	if (mkdir_p(CLI_RUNS) < 0) {
		fprintf(stderr, "%s: cannot create runs: %s\n", pmulab_progname, strerror(errno));
		return -1;
	}
	/* Two runs in one second must not share a directory. */
	for (int n = 1; n < 100; n++) {
		if (n == 1)
			snprintf(dir, len, CLI_RUNS "/%s-%s", kind, stamp);
		else
			snprintf(dir, len, CLI_RUNS "/%s-%s-%d", kind, stamp, n);
		if (mkdir(dir, 0777) == 0)
			return 0;
		if (errno != EEXIST)
			break;
	}
	fprintf(stderr, "%s: cannot create %s: %s\n", pmulab_progname, dir, strerror(errno));
	return -1;
}

int cli_mark_latest(const char *dir)
{
	char tmp[64];
	const char *name = dir + strlen(CLI_RUNS "/");

	if (strncmp(dir, CLI_RUNS "/", strlen(CLI_RUNS "/")) || !*name || strchr(name, '/') ||
	    !strcmp(dir, CLI_LATEST))
		return 0;
	/* A new link renamed over the old one: runs/latest is never missing. */
	snprintf(tmp, sizeof(tmp), CLI_RUNS "/.latest-%d", (int)getpid());
	unlink(tmp);
	if (symlink(name, tmp) < 0 || rename(tmp, CLI_LATEST) < 0) {
		fprintf(stderr, "%s: cannot point %s at %s: %s\n", pmulab_progname, CLI_LATEST,
			dir, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

int cli_stamp_run(const char *dir)
{
	char path[4096], stamp[64];
	struct timespec ts;
	struct tm tm;
	FILE *f = NULL;
	int bad;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
	bad = cli_path(path, sizeof(path), dir, CLI_STARTED) < 0 || !(f = fopen(path, "w"));
	if (f)
		bad = (fprintf(f, "%s.%09ldZ\n", stamp, (long)ts.tv_nsec) < 0) | (fclose(f) != 0);
	if (bad) {
		fprintf(stderr, "%s: cannot write %s: %s\n", pmulab_progname, path,
			strerror(errno));
		return -1;
	}
	return 0;
}

int cli_path(char *buf, size_t len, const char *dir, const char *name)
{
	if ((size_t)snprintf(buf, len, "%s/%s", dir, name) >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

int cli_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		p += n;
		len -= n;
	}
	return 0;
}

int cli_write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	int e;

	if (fd < 0)
		return -1;
	if (cli_write_all(fd, text, strlen(text)) < 0) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return close(fd);
}

int cli_conclude(struct stream *s, const char *dir, enum report_format fmt,
		 const struct report_meta *meta)
{
	char path[4096];
	int code = stream_exit_code(s);

	if (s->counted) {
		if (fmt != REPORT_TEXT)
			fprintf(stderr, "%s: the records were counted, not kept: the report is "
				"text; pmulab report %s --format gives the others\n",
				pmulab_progname, dir);
		records_counted(stdout, s, meta);
		fflush(stdout);
		stream_free(s);
		return code;
	}
	if (cli_path(path, sizeof(path), dir, "records.txt") < 0 ||
	    stream_write_records(s, path) < 0) {
		fprintf(stderr, "%s: %s/records.txt: %s\n", pmulab_progname, dir,
			strerror(errno));
		code = EXIT_ERROR;
	}
	report_print(stdout, s, fmt, meta);
	fflush(stdout);
	stream_free(s);
	return code;
}

int cli_copy_file(const char *from, const char *to)
{
	char buf[65536];
	int in = open(from, O_RDONLY), out;
	ssize_t n;

	if (in < 0)
		return -1;
	out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (out < 0) {
		close(in);
		return -1;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (cli_write_all(out, buf, n) < 0)
			break;
	close(in);
	if (close(out) < 0 || n != 0)
		return -1;
	return 0;
}
