/* pmulab linux --profile (lxprofile.h): perf record -g on the payload's
 * sampling workload, re-run as a hidden child of this program, then perf
 * script, folded with profile_from_perf_script() (docs/profiles.md). */
#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "host/cli.h"
#include "host/linux/lxprofile.h"
#include "host/linux/lxrecords.h"
#include "host/profile/profile.h"
#include "lib/record.h"
#include "microbench/sampled.h"

/* The PMU's LBR depth, as perf exposes it (0 or absent: no LBR). */
#define LXP_LBR_CAPS	"/sys/bus/event_source/devices/cpu/caps/branches"
/* DWARF unwinding from a copy of the user stack: 1 KiB holds the frames
 * from hot() up to lxp_child(); perf record's default 8 KiB would make
 * perf.data 8 times as large for the same stacks. */
#define LXP_DWARF	"dwarf,1024"
#define LXP_ROUND	1000	/* sampled_run calls between CPU-time checks: ~0.3 ms */

static volatile u64 lxp_sink;
static enum report_format lxp_fmt;	/* the report at the end, as --format */

static double cpu_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int lxp_child(long cpu, unsigned long ms)
{
	cpu_set_t set;
	u64 x = 1;

	if (cpu >= 0) {
		CPU_ZERO(&set);
		CPU_SET(cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set) < 0) {
			fprintf(stderr, "%s linux: cannot pin to CPU %ld: %s\n", pmulab_progname,
				cpu, strerror(errno));
			return EXIT_ERROR;
		}
	}
	/* CPU time, not wall time: the machine may be shared, and the sample
	 * count of a CPU-time clock follows the time this process ran. */
	while (cpu_ms() < ms)
		x = sampled_run(x, LXP_ROUND);
	lxp_sink = x;
	return EXIT_OK;
}

/* Whether the kernel gives this process a hardware cycles counter: 0, or
 * the errno of perf_event_open. */
static int pmu_errno(void)
{
	struct perf_event_attr a = { .type = PERF_TYPE_HARDWARE, .size = sizeof(a),
				     .config = PERF_COUNT_HW_CPU_CYCLES, .disabled = 1,
				     .exclude_kernel = 1, .exclude_hv = 1 };
	long fd = syscall(SYS_perf_event_open, &a, 0, -1, -1, 0);

	if (fd < 0)
		return errno;
	close((int)fd);
	return 0;
}

static long read_long(const char *path, long dflt)
{
	FILE *f = fopen(path, "r");
	long v;

	if (!f)
		return dflt;
	if (fscanf(f, "%ld", &v) != 1)
		v = dflt;
	fclose(f);
	return v;
}

static bool in_path(const char *prog)
{
	const char *p = getenv("PATH");
	char buf[4096];

	for (p = p ? p : "/usr/bin:/bin"; *p;) {
		size_t n = strcspn(p, ":");

		snprintf(buf, sizeof(buf), "%.*s/%s", (int)n, n ? p : ".", prog);
		if (access(buf, X_OK) == 0)
			return true;
		p += n + (p[n] == ':');
	}
	return false;
}

/* argv with stdout and stderr into files (stdout NULL: /dev/null); its
 * exit code, or -1 when it could not run or died of a signal. */
static int spawn(char *const argv[], const char *out, const char *err)
{
	pid_t pid;
	int st;

	fflush(NULL);
	if ((pid = fork()) < 0)
		return -1;
	if (!pid) {
		int in = open("/dev/null", O_RDONLY);
		int o = open(out ? out : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0644);
		int e = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		if (in < 0 || o < 0 || e < 0 || dup2(in, 0) < 0 || dup2(o, 1) < 0 ||
		    dup2(e, 2) < 0)
			_exit(127);
		execvp(argv[0], argv);
		dprintf(2, "cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Says what is missing, on stderr and as an error record; ends the stream
 * and keeps it. */
static int refuse(const char *dir, const char *reason, const char *detail)
{
	struct rec r;

	fprintf(stderr, "%s linux --profile: %s\n", pmulab_progname, detail);
	rec_begin(&r, "error");
	rec_str(&r, "kind", "profile");
	rec_str(&r, "reason", reason);
	rec_str(&r, "detail", detail);
	rec_end(&r);
	lx_end();
	lx_conclude(dir, lxp_fmt);
	return EXIT_ERROR;
}

static void linux_record(const struct lxp_opts *o, long cpu, int perf_err, const char *event)
{
	char model[128];
	struct rec r;

	lx_cpu_model(model, sizeof(model));
	rec_begin(&r, "linux");
	rec_u64(&r, "cpu", (u64)cpu);
	rec_str(&r, "cpu_model", model);
	rec_str(&r, "perf", perf_err ? "unavailable" : "ok");
	if (perf_err) {
		rec_str(&r, "perf_errno", strerrorname_np(perf_err) ? strerrorname_np(perf_err) :
				     "unknown");
		rec_str(&r, "perf_error", strerror(perf_err));
	}
	rec_str(&r, "measure", "perf-record");
	rec_str(&r, "event", event);
	rec_str(&r, "call_graph", o->call_graph);
	rec_end(&r);
}

/* The sampling record (docs/record-format.md), as the payload's, with
 * perf's numbers: what perf record wrote, what perf script gave back. */
static void sampling_record(const char *src, const char *event, const char *call_graph,
			    bool pmu, uint64_t samples, long long recorded)
{
	struct rec r;

	rec_begin(&r, "sampling");
	rec_str(&r, "run", "sampled");
	rec_str(&r, "src", src);
	rec_str(&r, "event", event);
	rec_u64(&r, "freq", LXP_FREQ);
	/* perf record -F: cpu-clock gets the fixed period 1e9/F ns; a hardware
	 * event's period is adjusted by the kernel to reach F per second. */
	if (!strcmp(src, "perf-cpu-clock")) {
		rec_u64(&r, "period", 1000000000 / LXP_FREQ);
		rec_str(&r, "unit", "ns");
	} else {
		rec_str(&r, "period", "adaptive");
		rec_str(&r, "unit", !strcmp(src, "perf-cycles") ? "cycles" : "events");
	}
	rec_u64(&r, "samples", samples);
	if (recorded >= 0) {
		rec_u64(&r, "recorded", (u64)recorded);
		rec_u64(&r, "lost", (u64)recorded > samples ? (u64)recorded - samples : 0);
	}
	rec_u64(&r, "random", 0);
	rec_str(&r, "stack_src", call_graph);
	if (!pmu)
		rec_str(&r, "note", "no PMU: the software cpu-clock event, the Linux analogue "
			"of the payload's LAPIC timer sampling (src=timer)");
	rec_end(&r);
}

static double self_share(const struct profile *p, const char *fn)
{
	struct profile_sym *rows;
	size_t n = profile_syms(p, &rows);
	double share = 0;

	for (size_t i = 0; i < n; i++)
		if (!strcmp(rows[i].name, fn) && p->total)
			share = (double)rows[i].self / p->total;
	profile_syms_free(rows, n);
	return share;
}

static int fold(const char *dir, const char *src, const char *event, const struct lxp_opts *o,
		bool pmu, long long recorded)
{
	char path[4200], err[4400], detail[4500];
	size_t len;
	char *text;
	struct profile *p;
	FILE *f;

	snprintf(path, sizeof(path), "%s/perf.script", dir);
	if (!(text = read_text_capped(path, &len, err, sizeof(err)))) {
		snprintf(detail, sizeof(detail), "cannot read perf.script: %s", err);
		return refuse(dir, "perf-script-unreadable", detail);
	}
	p = profile_from_perf_script(text, len, err, sizeof(err));
	free(text);
	if (!p) {
		snprintf(detail, sizeof(detail), "perf.script cannot be folded: %s", err);
		return refuse(dir, "perf-script-unfoldable", detail);
	}
	snprintf(path, sizeof(path), "%s/profile.folded", dir);
	if (!(f = fopen(path, "w"))) {
		profile_free(p);
		return refuse(dir, "cannot-write-profile", "cannot write profile.folded");
	}
	profile_folded(f, p);
	fclose(f);
	sampling_record(src, event, o->call_graph, pmu, p->total, recorded);
	fprintf(stderr, "%s linux --profile: %llu samples (perf record wrote %lld), hot %.2f%%, "
		"cold %.2f%%: %s/perf.script, %s/profile.folded\n", pmulab_progname,
		(unsigned long long)p->total, recorded, 100 * self_share(p, "hot"),
		100 * self_share(p, "cold"), dir, dir);
	profile_free(p);
	return EXIT_OK;
}

int lxp_run(const struct lxp_opts *o)
{
	char dir[4096], self[4096], data[4200], log[4200], script[4200], event[128], src[64];
	char ms[24], cpu_s[24], detail[4800], err[4400], *lt;
	const char *why;
	long cpu = o->cpu >= 0 ? o->cpu : sched_getcpu();
	long paranoid = read_long("/proc/sys/kernel/perf_event_paranoid", 2);
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	int perf_err = pmu_errno(), rc;
	bool pmu = !perf_err;
	long long recorded;
	size_t len;

	lxp_fmt = o->fmt;
	if (cli_out_dir(o->out, "linux", dir, sizeof(dir)) < 0 || lx_open_records(dir) < 0)
		return EXIT_ERROR;
	cli_stamp_run(dir);
	lx_hello();
	/* With a PMU, cycles as perf record's default; without, the software
	 * clock the kernel drives from its timer (":u": user mode, like the
	 * benches' exclude_kernel, and all paranoid level 2 allows). */
	snprintf(event, sizeof(event), "%s%s", o->event ? o->event : pmu ? "cycles" : "cpu-clock",
		 o->event && strchr(o->event, ':') ? "" : ":u");
	lxp_src(event, src, sizeof(src), &why);
	linux_record(o, cpu, perf_err, event);
	if (!pmu)
		fprintf(stderr, "%s linux --profile: perf_event_open(cycles): %s: no PMU here; "
			"sampling on %s\n", pmulab_progname, strerror(perf_err), event);
	if ((why = lxp_call_graph_check(o->call_graph, pmu, (unsigned)read_long(LXP_LBR_CAPS, 0))))
		return refuse(dir, "call-graph-unsupported", why);
	if ((why = lxp_paranoid_check((int)paranoid, geteuid() == 0)))
		return refuse(dir, "perf-event-paranoid", why);
	if (!in_path("perf"))
		return refuse(dir, "no-perf", "perf is not installed: apt-get install linux-perf "
			      "(scripts/deps.sh)");
	if (n < 0)
		return refuse(dir, "no-/proc/self/exe", "cannot read /proc/self/exe");
	self[n] = '\0';

	snprintf(data, sizeof(data), "%s/perf.data", dir);
	snprintf(log, sizeof(log), "%s/perf-record.log", dir);
	snprintf(ms, sizeof(ms), "sampled:%d", LXP_CPU_MS);
	snprintf(cpu_s, sizeof(cpu_s), "%ld", cpu);
	{
		char freq[16], *cg = !strcmp(o->call_graph, "dwarf") ? LXP_DWARF : (char *)o->call_graph;
		char *argv[] = { "perf", "record", "-e", event, "-F", freq, "--call-graph",
				 cg, "-o", data, "--", self, "linux", "--child",
				 ms, "--cpu", cpu_s, NULL };

		snprintf(freq, sizeof(freq), "%d", LXP_FREQ);
		fprintf(stderr, "%s linux --profile: perf record -e %s -F %d --call-graph %s on "
			"CPU %ld\n", pmulab_progname, event, LXP_FREQ, cg, cpu);
		rc = spawn(argv, NULL, log);
	}
	lt = read_text_capped(log, &len, err, sizeof(err));
	recorded = lt ? lxp_recorded(lt) : -1;
	if (rc != 0) {
		snprintf(detail, sizeof(detail), "perf record failed (exit %d); its messages are "
			 "in %s: %.300s", rc, log, lt ? lt : "");
		free(lt);
		return refuse(dir, "perf-record-failed", detail);
	}
	free(lt);
	snprintf(log, sizeof(log), "%s/perf-script.log", dir);
	snprintf(script, sizeof(script), "%s/perf.script", dir);
	{
		/* --no-inline: a function inlined into hot (steps) is not a frame
		 * of the payload's stacks, whose frames are real calls. */
		char *argv[] = { "perf", "script", "--no-inline", "-i", data, NULL };

		rc = spawn(argv, script, log);
	}
	if (rc != 0) {
		snprintf(detail, sizeof(detail), "perf script failed (exit %d); its messages are "
			 "in %s", rc, log);
		return refuse(dir, "perf-script-failed", detail);
	}
	if ((rc = fold(dir, src, event, o, pmu, recorded)) != EXIT_OK)
		return rc;
	lx_end();
	return lx_conclude(dir, o->fmt);
}
