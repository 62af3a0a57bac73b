/* pmulab linux: the payload's kernels, plan and method in user space under
 * Linux (docs/crosscheck.md). Counts with perf where the kernel has a PMU for
 * this process; without one it says so and measures under valgrind
 * (host/linux/valgrind.c), re-running itself as a hidden child (--child). */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "host/cli.h"
#include "host/linux/lxbench.h"
#include "host/linux/lxprofile.h"
#include "host/linux/lxrecords.h"
#include "lib/record.h"
#include "host/linux/uprobe.h"
#include "host/linux/valgrind.h"

#define LX_EVENTS_DEFAULT "cycles,instructions,branches,branch-misses,cache-references," \
	"cache-misses,L1-dcache-load-misses"
#define LX_PROBE_CALLS	10000

const char usage_linux[] =
	"usage: pmulab linux [--suite quick|full|none] [--benches SPEC] [--events LIST]\n"
	"                    [--out DIR] [--cpu N] [--reps N] [--seed N] [--valgrind]\n"
	"                    [--probes] [--calls N] [--format FORMAT]\n"
	"       pmulab linux --profile [--out DIR] [--event E] [--call-graph fp|lbr|dwarf]\n"
	"                    [--cpu N] [--format FORMAT]\n"
	"\n"
	"Runs the payload's benchmark kernels (the same nasm code, plan and method)\n"
	"in user space under Linux and writes the same bench and counter records,\n"
	"for pmulab compare.\n"
	"\n"
	"  --suite S         quick (default), full, or none (only --benches)\n"
	"  --benches SPEC    more benches, as the payload's benches= setting:\n"
	"                    chase:64KiB,stream:4160@16MiB,branch:8,calls:4,loop,...\n"
	"  --events LIST     perf events (default " LX_EVENTS_DEFAULT ";\n"
	"                    also ref-cycles, L1-dcache-loads, LLC-loads, LLC-load-misses,\n"
	"                    dTLB-load-misses, stalled-cycles-*, raw:0xHEX; software:\n"
	"                    task-clock, page-faults, context-switches)\n"
	"  --out DIR         output directory (default runs/linux-YYYYmmdd-HHMMSS)\n"
	"  --cpu N           the CPU to pin to (default: the one it starts on)\n"
	"  --reps N          measured runs per bench, 1..64 (default 3, after 1 warm-up)\n"
	"  --seed N          chase orders and branch patterns (default 1, as the payload)\n"
	"  --valgrind        measure under valgrind even when perf works\n"
	"  --probes          also the uprobe cross-check on tr_leaf (needs root and\n"
	"                    tracefs)\n"
	"  --calls N         calls of tr_leaf for --probes (default 10000)\n"
	"  --format F        report format, as pmulab report (default text)\n"
	"\n"
	"Counters come from perf_event_open (src=perf), one group per 4 events, user\n"
	"mode only, pinned to one CPU, scaled when multiplexed. When the kernel has\n"
	"no PMU for the process (ENOENT, EOPNOTSUPP, EACCES) it says so and runs the\n"
	"kernels under valgrind: callgrind's exact instruction counts (src=valgrind)\n"
	"and cachegrind's simulated branches and caches (src=model). DIR gets\n"
	"records.txt and, under valgrind, valgrind/ (the profiles and logs).\n"
	"\n"
	"--profile runs only the payload's sampling workload (microbench/sampled.c:\n"
	"work() calls hot() and cold()) under `perf record` pinned to one CPU, user\n"
	"mode, about 3000 samples (-F 4000, 0.75 s of CPU), and writes perf.data,\n"
	"perf.script, profile.folded and records.txt (a sampling record) to DIR,\n"
	"for pmulab flamegraph and pmulab compare (docs/profiles.md).\n"
	"  --event E         the sampling event (default cycles with a PMU; without\n"
	"                    one the software cpu-clock, Linux's analogue of the\n"
	"                    payload's timer sampling)\n"
	"  --call-graph M    dwarf (default), fp (frame pointers, as perf record -g:\n"
	"                    GCC 12 builds hot() and cold() without a frame, so their\n"
	"                    caller work() is missing) or lbr (needs a PMU with LBR)\n"
	"Needs perf (linux-perf) and kernel.perf_event_paranoid <= 2 or root.\n";

struct lx_opts {
	const char *suite, *benches, *events, *out, *child, *event, *call_graph;
	long cpu;
	unsigned long reps, seed, calls;
	bool valgrind, probes, profile;
	enum report_format fmt;
};

static void parse_opts(int argc, char **argv, struct lx_opts *o)
{
	const char *v, *p, *why;
	char src[64];
	uint32_t type;
	uint64_t config;

	*o = (struct lx_opts){ .suite = "quick", .benches = "", .events = LX_EVENTS_DEFAULT,
			       .cpu = -1, .reps = 3, .seed = 1, .calls = LX_PROBE_CALLS };
	for (int i = 1; i < argc; i++) {
		if ((v = cli_opt(argc, argv, &i, "linux", "--suite")))
			o->suite = v;
		else if ((v = cli_opt(argc, argv, &i, "linux", "--benches")))
			o->benches = v;
		else if ((v = cli_opt(argc, argv, &i, "linux", "--events")))
			o->events = v;
		else if ((v = cli_opt(argc, argv, &i, "linux", "--out")))
			o->out = v;
		else if ((v = cli_opt(argc, argv, &i, "linux", "--cpu")))
			o->cpu = (long)cli_uint("linux", "--cpu", v);
		else if ((v = cli_opt(argc, argv, &i, "linux", "--reps")))
			o->reps = cli_uint("linux", "--reps", v);
		else if ((v = cli_opt(argc, argv, &i, "linux", "--seed")))
			o->seed = cli_uint("linux", "--seed", v);
		else if ((v = cli_opt(argc, argv, &i, "linux", "--calls")))
			o->calls = cli_uint("linux", "--calls", v);
		else if ((v = cli_opt(argc, argv, &i, "linux", "--format")))
			o->fmt = cli_format("linux", v);
		else if ((v = cli_opt(argc, argv, &i, "linux", "--child")))
			o->child = v;
		else if (!strcmp(argv[i], "--valgrind"))
			o->valgrind = true;
		else if (!strcmp(argv[i], "--probes"))
			o->probes = true;
		else if (!strcmp(argv[i], "--profile"))
			o->profile = true;
		else if ((v = cli_opt(argc, argv, &i, "linux", "--event")))
			o->event = v;
		else if ((v = cli_opt(argc, argv, &i, "linux", "--call-graph")))
			o->call_graph = v;
		else
			cli_usage_error("linux", "unexpected argument '%s'", argv[i]);
	}
	if ((o->event || o->call_graph) && !o->profile)
		cli_usage_error("linux", "--event and --call-graph are options of --profile");
	if (o->call_graph && strcmp(o->call_graph, "fp") && strcmp(o->call_graph, "lbr") &&
	    strcmp(o->call_graph, "dwarf"))
		cli_usage_error("linux", "--call-graph '%s': use fp, lbr or dwarf", o->call_graph);
	if (o->event && !lxp_src(o->event, src, sizeof(src), &why))
		cli_usage_error("linux", "--event '%s': %s", o->event, why);
	if (strcmp(o->suite, "quick") && strcmp(o->suite, "full") && strcmp(o->suite, "none"))
		cli_usage_error("linux", "--suite '%s': use quick, full or none", o->suite);
	if (o->benches[0]) {
		char detail[128];

		if (!suite_check_benches(o->benches, detail, sizeof(detail)))
			cli_usage_error("linux", "--benches: %s", detail);
	}
	if (o->reps < 1 || o->reps > 64)
		cli_usage_error("linux", "--reps %lu: use 1..64", o->reps);
	if (o->seed < 1 || o->seed > 0xffffffffu)
		cli_usage_error("linux", "--seed %lu: use 1..4294967295", o->seed);
	if (o->calls < 1 || o->calls > 100000000)
		cli_usage_error("linux", "--calls %lu: use 1..100000000", o->calls);
	for (p = o->events; *p;) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);

		if (!len || perf_event_config(p, len, &type, &config))
			cli_usage_error("linux", "--events: unknown event '%.*s'", (int)len, p);
		p += len + (e != NULL);
	}
}

/* The plan's memory, touched so no page fault lands in a measurement. */
static int memory(const struct suite_spec *plan, unsigned n, struct lx_env *env)
{
	u64 want = suite_memory(plan, n);

	env->page_size = (u64)sysconf(_SC_PAGESIZE);
	if (!want)
		return 0;
	env->mem = mmap(NULL, want, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (env->mem == MAP_FAILED) {
		env->mem = NULL;
		return -1;
	}
	env->mem_size = want;
	return 0;
}

static int pin(long *cpu)
{
	cpu_set_t set;

	if (*cpu < 0)
		*cpu = sched_getcpu();
	if (*cpu < 0 || *cpu >= CPU_SETSIZE)
		return -1;
	CPU_ZERO(&set);
	CPU_SET(*cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

/* "linux" and the options that make the plan, for the valgrind children. */
static char **child_args(const struct lx_opts *o)
{
	static char *a[16];
	static char seed[24], reps[24], cpu[24];
	int n = 0;

	snprintf(seed, sizeof(seed), "%lu", o->seed);
	snprintf(reps, sizeof(reps), "%lu", o->reps);
	snprintf(cpu, sizeof(cpu), "%ld", o->cpu);
	a[n++] = "linux";
	a[n++] = "--suite";
	a[n++] = (char *)o->suite;
	a[n++] = "--benches";
	a[n++] = (char *)o->benches;
	a[n++] = "--seed";
	a[n++] = seed;
	a[n++] = "--reps";
	a[n++] = reps;
	a[n++] = "--cpu";
	a[n++] = cpu;
	a[n] = NULL;
	return a;
}

/* --child cachegrind:I:N: plan entry I set up, one call of N iterations. */
static int child_cachegrind(const char *spec, const struct suite_spec *plan, unsigned n,
			    struct lx_env *env)
{
	unsigned long idx;
	unsigned long long iters;
	struct lx_arg store;
	const char *skip;
	const void *arg;

	if (sscanf(spec, "cachegrind:%lu:%llu", &idx, &iters) != 2 || idx >= n || !iters)
		cli_usage_error("linux", "--child '%s': not cachegrind:INDEX:N", spec);
	arg = lx_setup(&plan[idx], env, &store, &skip);
	if (skip)
		return EXIT_ERROR;
	mb_entry(plan[idx].k)(iters, arg);
	return EXIT_OK;
}

/* The perf verdict, once: stderr and the linux record. */
static void linux_record(const struct lx_opts *o, int perf_err, const char *measure,
			 const char *vg_version)
{
	char model[128];
	struct rec r;

	lx_cpu_model(model, sizeof(model));
	rec_begin(&r, "linux");
	rec_u64(&r, "cpu", (u64)o->cpu);
	rec_str(&r, "cpu_model", model);
	rec_str(&r, "perf", perf_err ? "unavailable" : strcmp(measure, "perf") ? "not-used" : "ok");
	if (perf_err) {
		rec_str(&r, "perf_errno", strerrorname_np(perf_err) ? strerrorname_np(perf_err) :
				     "unknown");
		rec_str(&r, "perf_error", strerror(perf_err));
	}
	rec_str(&r, "measure", measure);
	if (vg_version[0])
		rec_str(&r, "valgrind", vg_version);
	rec_str(&r, "events", o->events);
	rec_end(&r);
}

static void valgrind_record(const struct vg_run *v, const char *version)
{
	char s[32];
	struct rec r;

	rec_begin(&r, "valgrind");
	rec_str(&r, "version", version);
	snprintf(s, sizeof(s), "%.2f", v->callgrind_s);
	rec_str(&r, "callgrind_s", s);
	snprintf(s, sizeof(s), "%.2f", v->cachegrind_s);
	rec_str(&r, "cachegrind_s", s);
	rec_u64(&r, "processes", v->processes);
	rec_str(&r, "I1", VG_I1);
	rec_str(&r, "D1", VG_D1);
	rec_str(&r, "LL", VG_LL);
	rec_end(&r);
}

static int measure_valgrind(const struct lx_opts *o, struct suite_spec *plan, unsigned n,
			    const char *dir, const char *version)
{
	char self[4096], path[4200], vdir[4200];
	ssize_t len = readlink("/proc/self/exe", self, sizeof(self) - 1);
	struct vg_run v = { .self = self, .dir = vdir, .events = o->events, .plan = plan,
			    .nplan = n, .warmup = 1 };
	int rc;

	if (len < 0) {
		lx_error_rec("valgrind", "no-/proc/self/exe");
		return -1;
	}
	self[len] = '\0';
	snprintf(path, sizeof(path), "%s/valgrind", dir);
	if (cli_out_dir(path, "linux", vdir, sizeof(vdir)) < 0) {
		lx_error_rec("valgrind", "cannot-create-valgrind-dir");
		return -1;
	}
	v.child_args = child_args(o);
	fprintf(stderr, "%s linux: %u benches under callgrind, then cachegrind (%s)\n",
		pmulab_progname, n, version);
	rc = vg_measure(&v);
	valgrind_record(&v, version);
	fprintf(stderr, "%s linux: valgrind: callgrind %.1f s, cachegrind %.1f s, %u processes\n",
		pmulab_progname, v.callgrind_s, v.cachegrind_s, v.processes);
	return rc;
}

int cmd_linux(int argc, char **argv)
{
	static struct suite_spec plan[SUITE_PLAN_MAX];
	static struct perf_set ps;
	struct lx_opts o;
	struct lx_env env = { .warmup = 1 };
	char dir[4096], vg_version[64] = "";
	unsigned n;
	int perf_err = 0;
	const char *measure;

	parse_opts(argc, argv, &o);
	if (o.child && !strncmp(o.child, "sampled:", 8))
		return lxp_child(o.cpu, cli_uint("linux", "--child sampled:MS", o.child + 8));
	if (o.profile) {
		struct lxp_opts po = { .out = o.out, .event = o.event, .cpu = o.cpu,
				       .call_graph = o.call_graph ? o.call_graph : "dwarf",
				       .fmt = o.fmt };

		return lxp_run(&po);
	}
	n = suite_plan(!strcmp(o.suite, "quick"), !strcmp(o.suite, "full"), o.benches, plan,
		       SUITE_PLAN_MAX);
	if (!n && !o.probes)
		cli_usage_error("linux", "nothing to run: --suite none and no --benches or "
				"--probes");
	env.reps = (unsigned)o.reps;
	env.seed = o.seed;
	env.events = o.events;
	/* Children under valgrind simulate: where they run changes nothing. */
	if (!o.child && pin(&o.cpu) < 0) {
		fprintf(stderr, "%s linux: cannot pin to CPU %ld: %s\n", pmulab_progname, o.cpu,
			strerror(errno));
		return EXIT_ERROR;
	}
	if (memory(plan, n, &env) < 0) {
		fprintf(stderr, "%s linux: cannot map %llu bytes for the working sets: %s\n",
			pmulab_progname, (unsigned long long)suite_memory(plan, n),
			strerror(errno));
		return EXIT_ERROR;
	}
	if (o.child && !strncmp(o.child, "cachegrind:", 11))
		return child_cachegrind(o.child, plan, n, &env);
	if (o.child && strcmp(o.child, "callgrind"))
		cli_usage_error("linux", "--child '%s': not callgrind or cachegrind:I:N", o.child);

	if (cli_out_dir(o.out, "linux", dir, sizeof(dir)) < 0 || lx_open_records(dir) < 0)
		return EXIT_ERROR;
	if (!o.child)
		cli_stamp_run(dir);
	lx_hello();
	if (o.child) {
		/* Under callgrind: only the bench records; the parent counts. */
		env.mode = LX_CALLGRIND;
		for (unsigned i = 0; i < n; i++)
			lx_bench(&plan[i], i, &env);
		lx_end();
		lx_close_records();
		return EXIT_OK;
	}

	if (!o.valgrind && n)
		perf_err = -perf_set_open(&ps, o.events, (int)o.cpu);
	if (perf_err)
		fprintf(stderr, "%s linux: perf_event_open: %s (%s): no PMU for this process "
			"here; measuring under valgrind instead\n", pmulab_progname,
			strerror(perf_err), strerrorname_np(perf_err) ?
			strerrorname_np(perf_err) : "?");
	measure = !n ? "none" : !perf_err && !o.valgrind ? "perf" :
		  vg_available(vg_version, sizeof(vg_version)) ? "valgrind" : "none";
	linux_record(&o, perf_err, measure, vg_version);
	if (!strcmp(measure, "valgrind")) {
		measure_valgrind(&o, plan, n, dir, vg_version);
	} else if (n) {
		env.mode = !strcmp(measure, "perf") ? LX_PERF : LX_NONE;
		env.ps = &ps;
		env.none_reason = "no-perf-no-valgrind";
		if (env.mode == LX_NONE)
			fprintf(stderr, "%s linux: valgrind not found either: counters are "
				"src=none (install valgrind: scripts/deps.sh)\n", pmulab_progname);
		for (unsigned i = 0; i < n; i++)
			lx_bench(&plan[i], i, &env);
		perf_set_close(&ps);
	}
	if (o.probes)
		uprobe_measure(o.calls);
	lx_end();
	return lx_conclude(dir, o.fmt);
}
