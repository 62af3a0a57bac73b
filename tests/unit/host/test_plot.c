/* pmulab plot: points from records written by the payload's writer and read
 * back by the host parser, the gnuplot data and script texts byte for byte,
 * and, when gnuplot is installed, gnuplot drawing them. */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include "host/stream/parse.h"
#include "host/report/plot.h"
#include "lib/record.h"
#include "tests/unit/models/streams.h"
#include "tests/unit/unit.h"

#define CHASE(name, ws, tsc) \
	"bench name=" name " family=chase suite=quick reps=3 n1=1000 n2=3000 iters=2000 " \
	"tsc_median=" tsc " insns=3 branches=1 loads=1 ws=" ws

/* PMU cycles on every bench: the latency is cycles per load; the misses
 * counted go on the right axis, cache-misses (src=none) is left out; the
 * CPU's L1d and L2 sizes marked (not its L1i, nor an L3 out of range). */
static void test_chase_pmu(void)
{
	static const char *const bodies[] = {
		"cpu vendor=GenuineIntel hypervisor=KVMKVMKVM",
		"cache level=1 type=data size=32768 ways=8 line=64 sets=64",
		"cache level=1 type=instruction size=65536 ways=8 line=64 sets=128",
		"cache level=2 type=unified size=1048576 ways=16 line=64 sets=1024",
		"cache level=3 type=unified size=8388608 ways=16 line=64 sets=8192",
		CHASE("chase-1MiB", "1048576", "30000"),
		"counter bench=chase-1MiB event=cycles src=pmu counter=fixed1 value=24000",
		"counter bench=chase-1MiB event=L1-dcache-load-misses src=pmu value=1940",
		"counter bench=chase-1MiB event=LLC-load-misses src=pmu value=-2",
		"counter bench=chase-1MiB event=cache-misses src=none reason=unknown-event",
		CHASE("chase-4KiB", "4096", "10000"),
		"counter bench=chase-4KiB event=cpu-cycles src=pmu value=8000",
		"counter bench=chase-4KiB event=L1-dcache-load-misses src=pmu value=3",
		CHASE("chase-64KiB", "65536", "20000"),
		"counter bench=chase-64KiB event=cycles src=pmu value=24001",
		"counter bench=chase-64KiB event=L1-dcache-load-misses src=pmu value=notanumber",
		NULL,
	};
	struct stream *s = stream_of(bodies);
	struct chase_plot c;
	char *dat, *gp;

	plot_chase(s, &c);
	CHECK_U64(c.npts, 3);
	CHECK_U64(c.nbenches, 3);
	CHECK(c.cycles && c.some_cycles && c.has_lat && !c.tcg);
	CHECK(c.cpu_cache[0] == 32768 && c.cpu_cache[1] == 1048576 && c.cpu_cache[2] == 8388608);
	CHECK(c.series[PLOT_PMU][0] && c.series[PLOT_PMU][1] && !c.series[PLOT_PMU][2]);
	CHECK(plot_chase_drawable(&c));
	CHECK_U64(c.pts[0].ws, 4096);
	CHECK_U64(c.pts[2].ws, 1048576);
	CHECK(c.pts[0].has_lat && c.pts[0].lat == 4.0);
	CHECK(!c.pts[1].has_miss[PLOT_PMU][0] && !c.pts[1].has_miss[PLOT_PMU][1]);
	CHECK(c.pts[2].has_miss[PLOT_PMU][1] && c.pts[2].miss[PLOT_PMU][1] == -0.001);

	dat = plot_chase_dat(&c);
	CHECK_STR(dat,
		"# pmulab plot: pointer chase, a line per family=chase bench; ? = not measured\n"
		"# ws_bytes cycles_per_load L1-dcache-load-misses_per_load "
		"LLC-load-misses_per_load cache-misses_per_load # bench\n"
		"4096 4 0.0015 ? ? # chase-4KiB\n"
		"65536 12.0005 ? ? ? # chase-64KiB\n"
		"1048576 12 0.97 -0.001 ? # chase-1MiB\n");
	gp = plot_chase_script(&c, "svg");
	CHECK_STR(gp,
		"# pmulab plot: pointer-chase latency and cache misses against the working set.\n"
		"# Draw it again in this directory: gnuplot chase.gp\n"
		"set encoding utf8\n"
		"set terminal svg size 900,540 dynamic noenhanced font 'sans,11' "
		"background '#ffffff' name 'chase'\n"
		"set output 'chase.svg'\n"
		"set datafile missing '?'\n"
		"set key below\n"
		"set offsets 0, 0, graph 0.05, 0\n"
		"set grid\n"
		"set title 'pointer chase: cycles per load (PMU cycles)'\n"
		"set xlabel 'working set (bytes)'\n"
		"set logscale x 2\n"
		"set xrange [2048:2097152]\n"
		"set xtics ('' 2048 1, '4K' 4096, '' 8192 1, '16K' 16384, '' 32768 1, "
		"'64K' 65536, '' 131072 1, '256K' 262144, '' 524288 1, '1M' 1048576, "
		"'' 2097152 1)\n"
		"set arrow from 32768, graph 0 to 32768, graph 1 nohead front lw 2 dt 2 "
		"lc rgb '#a05000'\n"
		"set label 'CPU L1d 32K' at 32768, graph 0.91 right offset -0.5, 0 "
		"tc rgb '#a05000'\n"
		"set arrow from 1048576, graph 0 to 1048576, graph 1 nohead front lw 2 dt 2 "
		"lc rgb '#a05000'\n"
		"set label 'CPU L2 1M' at 1048576, graph 0.91 right offset -0.5, 0 "
		"tc rgb '#a05000'\n"
		"set ylabel 'cycles per load'\n"
		"set yrange [0:*]\n"
		"set ytics nomirror\n"
		"set y2label 'misses per load'\n"
		"set y2tics\n"
		"set y2range [*:*]\n"
		"plot 'chase.dat' using 1:2 axes x1y1 with linespoints lw 2 pt 7 "
		"title 'cycles per load', \\\n"
		"     'chase.dat' using 1:3 axes x1y2 with linespoints dt 2 pt 6 "
		"title 'L1-dcache-load-misses per load', \\\n"
		"     'chase.dat' using 1:4 axes x1y2 with linespoints dt 3 pt 4 "
		"title 'LLC-load-misses per load'\n");
	free(dat);
	free(gp);
	plot_chase_free(&c);
	stream_free(s);
}

/* No PMU under TCG: TSC ticks per load, said in the title with the TCG
 * note; no miss series at all, so no right axis. A png terminal. */
static void test_chase_tcg(void)
{
	static const char *const bodies[] = {
		"cpu vendor=GenuineIntel hypervisor=TCGTCGTCGTCG",
		CHASE("chase-4KiB", "4096", "192000"),
		"counter bench=chase-4KiB event=cycles src=none reason=no-arch-pmu",
		"counter bench=chase-4KiB event=instructions src=icount value=6000 shift=5",
		"counter bench=chase-4KiB event=L1-dcache-load-misses src=none reason=no-arch-pmu",
		CHASE("chase-256MiB", "268435456", "192000"),
		NULL,
	};
	struct stream *s = stream_of(bodies);
	struct chase_plot c;
	char *dat, *gp;

	plot_chase(s, &c);
	CHECK(!c.cycles && !c.some_cycles && c.has_lat && c.tcg);
	CHECK(!plot_chase_has_misses(&c, PLOT_NSRC));
	dat = plot_chase_dat(&c);
	CHECK_STR(dat,
		"# pmulab plot: pointer chase, a line per family=chase bench; ? = not measured\n"
		"# ws_bytes tsc_ticks_per_load L1-dcache-load-misses_per_load "
		"LLC-load-misses_per_load cache-misses_per_load # bench\n"
		"4096 96 ? ? ? # chase-4KiB\n"
		"268435456 96 ? ? ? # chase-256MiB\n");
	gp = plot_chase_script(&c, "png");
	CHECK_STR(gp,
		"# pmulab plot: pointer-chase latency and cache misses against the working set.\n"
		"# Draw it again in this directory: gnuplot chase.gp\n"
		"set encoding utf8\n"
		"set terminal pngcairo size 900,540 noenhanced font 'sans,10' "
		"background '#ffffff'\n"
		"set output 'chase.png'\n"
		"set datafile missing '?'\n"
		"set key below\n"
		"set offsets 0, 0, graph 0.05, 0\n"
		"set grid\n"
		"set title 'pointer chase: TSC ticks per load (no PMU cycles counted)'"
		".\"\\n\".'QEMU TCG: emulated timing — latency means nothing for caches here'\n"
		"set xlabel 'working set (bytes)'\n"
		"set logscale x 2\n"
		"set xrange [2048:536870912]\n"
		"set xtics ('' 2048 1, '4K' 4096, '' 8192 1, '' 16384 1, '' 32768 1, "
		"'64K' 65536, '' 131072 1, '' 262144 1, '' 524288 1, '1M' 1048576, "
		"'' 2097152 1, '' 4194304 1, '' 8388608 1, '16M' 16777216, '' 33554432 1, "
		"'' 67108864 1, '' 134217728 1, '256M' 268435456, '' 536870912 1)\n"
		"set ylabel 'TSC ticks per load'\n"
		"set yrange [0:*]\n"
		"plot 'chase.dat' using 1:2 axes x1y1 with linespoints lw 2 pt 7 "
		"title 'TSC ticks per load'\n");
	free(dat);
	free(gp);
	plot_chase_free(&c);
	stream_free(s);
}

/* Cycles on one bench only: the curve is TSC ticks for all (one unit per
 * curve), and the title says why. A bench without ws is no point; one
 * without loads is a point with nothing to draw; misses alone go on the
 * left axis. */
static void test_chase_partial(void)
{
	static const char *const mixed[] = {
		CHASE("a", "4096", "8000"),
		"counter bench=a event=cycles src=pmu value=6000",
		CHASE("b", "8192", "16000"),
		NULL,
	};
	static const char *const gaps[] = {
		"bench name=nows family=chase iters=10 loads=1 tsc_median=5",
		"bench name=noloads family=chase iters=10 ws=4096 tsc_median=5",
		"counter bench=noloads event=cycles src=pmu value=5",
		"bench name=other family=stream iters=10 loads=1 ws=4096 tsc_median=5",
		NULL,
	};
	static const char *const misses_only[] = {
		"bench name=m family=chase iters=10 loads=2 ws=4096",
		"counter bench=m event=cache-misses src=pmu value=5",
		NULL,
	};
	struct stream *s = stream_of(mixed);
	struct chase_plot c;
	char *gp;

	plot_chase(s, &c);
	CHECK(!c.cycles && c.some_cycles);
	CHECK(c.pts[0].has_lat && c.pts[0].lat == 4.0);
	CHECK(c.pts[1].has_lat && c.pts[1].lat == 8.0);
	gp = plot_chase_script(&c, "svg");
	CHECK(strstr(gp, "\nset title 'pointer chase: TSC ticks per load "
			 "(PMU cycles missing for some benches)'\n") != NULL);
	free(gp);
	plot_chase_free(&c);
	stream_free(s);

	s = stream_of(gaps);
	plot_chase(s, &c);
	CHECK_U64(c.nbenches, 2);
	CHECK_U64(c.npts, 1);
	CHECK(!c.pts[0].has_lat && !plot_chase_drawable(&c));
	plot_chase_free(&c);
	stream_free(s);

	s = stream_of(misses_only);
	plot_chase(s, &c);
	CHECK(!c.has_lat && c.series[PLOT_PMU][2] && plot_chase_drawable(&c));
	CHECK(c.pts[0].miss[PLOT_PMU][2] == 0.25);
	gp = plot_chase_script(&c, "svg");
	CHECK(strstr(gp, "\nset ylabel 'misses per load'\nset yrange [0:*]\n"
			 "plot 'chase.dat' using 1:5 axes x1y1 with linespoints dt 4 pt 8 "
			 "title 'cache-misses per load'\n") != NULL);
	CHECK(strstr(gp, "y2") == NULL);
	free(gp);
	plot_chase_free(&c);
	stream_free(s);
}

#define BRANCH(name, pattern, period, tsc) \
	"bench name=" name " family=branch suite=quick iters=1000 tsc_median=" tsc \
	" insns=10 branches=3 loads=1 pattern=" pattern " period=" period

/* Branch-misses counted: per iteration against the period, always at 1,
 * alternate at 2, random as a level line across the x range of the points
 * drawn (its own period is no point on it). */
static void test_branch_pmu(void)
{
	static const char *const bodies[] = {
		BRANCH("branch-period-8", "period", "8", "5000"),
		"counter bench=branch-period-8 event=branch-misses src=pmu value=2",
		BRANCH("branch-always", "always", "1", "5000"),
		"counter bench=branch-always event=branch-misses src=pmu value=1",
		BRANCH("branch-random", "random", "4096", "9000"),
		"counter bench=branch-random event=branch-misses src=pmu value=500",
		BRANCH("branch-alternate", "alternate", "2", "5000"),
		"counter bench=branch-alternate event=branch-misses src=pmu value=0",
		BRANCH("branch-period-64", "period", "64", "5000"),
		"counter bench=branch-period-64 event=branch-misses src=none reason=multiplexed-out",
		"bench name=branch-weird family=branch iters=1000 pattern=spiral period=3",
		NULL,
	};
	struct stream *s = stream_of(bodies);
	struct branch_plot b;
	char *dat, *gp;

	plot_branch(s, &b);
	CHECK_U64(b.nbenches, 6);
	CHECK_U64(b.npts, 5);
	CHECK(b.misses && !b.reason && b.has_always && b.has_alternate && !b.tcg);
	CHECK(!b.pts[0].random && b.pts[0].period == 1 && b.pts[0].y == 0.001);
	CHECK(b.pts[3].period == 64 && !b.pts[3].has_y);
	CHECK(b.pts[4].random && b.pts[4].y == 0.5);
	dat = plot_branch_dat(&b);
	CHECK_STR(dat,
		"# pmulab plot: branch patterns, a line per family=branch bench; ? = not measured\n"
		"# period branch_misses_per_iteration # bench\n"
		"1 0.001 # branch-always\n"
		"2 0 # branch-alternate\n"
		"8 0.002 # branch-period-8\n"
		"64 ? # branch-period-64\n"
		"\n\n"
		"# random pattern: a level line across the plot\n"
		"0.5 0.5 # branch-random\n"
		"16 0.5\n");
	gp = plot_branch_script(&b, "svg");
	CHECK_STR(gp,
		"# pmulab plot: branch mispredictions against the period of the pattern.\n"
		"# Draw it again in this directory: gnuplot branch.gp\n"
		"set encoding utf8\n"
		"set terminal svg size 900,540 dynamic noenhanced font 'sans,11' "
		"background '#ffffff' name 'branch'\n"
		"set output 'branch.svg'\n"
		"set datafile missing '?'\n"
		"set key below\n"
		"set offsets 0, 0, graph 0.05, 0\n"
		"set grid\n"
		"set title 'branch patterns: branch-misses per iteration (PMU)'\n"
		"set xlabel 'period of the pattern (branch outcomes before it repeats)'\n"
		"set logscale x 2\n"
		"set xrange [0.5:16]\n"
		"set xtics ('1' 1, '2' 2, '4' 4, '8' 8, '16' 16)\n"
		"set ylabel 'branch-misses per iteration'\n"
		"set yrange [0:*]\n"
		"plot 'branch.dat' index 0 using 1:2 with linespoints lw 2 pt 7 "
		"title 'repeating pattern (always = 1, alternate = 2)', \\\n"
		"     'branch.dat' index 1 using 1:2 with lines dt 2 lw 2 "
		"title 'random pattern (period 4096)'\n");
	free(dat);
	free(gp);
	plot_branch_free(&b);
	stream_free(s);
}

/* No branch-miss counts: TSC ticks per iteration, and the title gives the
 * first reason, its hostile bytes made harmless for gnuplot. Only random:
 * its level line is the first data block. */
static void test_branch_tsc(void)
{
	static const char *const bodies[] = {
		"cpu hypervisor=TCGTCGTCGTCG",
		BRANCH("r", "random", "4096", "20000"),
		NULL,
	};
	static const char *const none[] = {
		BRANCH("p", "period", "4", "7000"),
		NULL,
	};
	struct stream *s;
	struct branch_plot b;
	char *dat, *gp;
	struct rec r;

	rec_begin(&r, "counter");
	rec_str(&r, "bench", "r");
	rec_str(&r, "event", "branch-misses");
	rec_str(&r, "src", "none");
	rec_str(&r, "reason", "it's <b>#1\\\n");
	rec_end(&r);
	s = stream_of(bodies);
	plot_branch(s, &b);
	CHECK(!b.misses && b.tcg && b.npts == 1 && b.pts[0].has_y && b.pts[0].y == 20);
	dat = plot_branch_dat(&b);
	CHECK_STR(dat,
		"# pmulab plot: branch patterns, a line per family=branch bench; ? = not measured\n"
		"# period tsc_ticks_per_iteration # bench\n"
		"# random pattern: a level line across the plot\n"
		"2048 20 # r\n"
		"8192 20\n");
	gp = plot_branch_script(&b, "svg");
	CHECK(strstr(gp, "\nset title 'branch patterns: TSC ticks per iteration (no "
			 "branch-miss counts: it\\x27s \\x3cb\\x3e\\x231\\x5c\\x0a)'"
			 ".\"\\n\".'QEMU TCG: emulated timing — no branch predictor is "
			 "modelled here'\n") != NULL);
	CHECK(strstr(gp, "\nset ylabel 'TSC ticks per iteration'\n") != NULL);
	CHECK(strstr(gp, "\nplot 'branch.dat' index 0 using 1:2 with lines dt 2 lw 2 "
			 "title 'random pattern (period 4096)'\n") != NULL);
	free(dat);
	free(gp);
	plot_branch_free(&b);
	stream_free(s);

	s = stream_of(none);
	plot_branch(s, &b);
	CHECK(!b.misses && b.reason_len == strlen("no branch-misses counter records") &&
	      memcmp(b.reason, "no branch-misses counter records", b.reason_len) == 0);
	plot_branch_free(&b);
	stream_free(s);
}

/* Under TCG with the reference model: its misses per load, the latency
 * left out, the model's L1d and LL sizes marked (not the CPU's: no curve
 * of it is drawn), the source in the title. */
static void test_chase_model(void)
{
	static const char *const bodies[] = {
		"cpu vendor=GenuineIntel hypervisor=TCGTCGTCGTCG",
		"cache level=1 type=data size=32768 ways=8 line=64 sets=64",
		CHASE("chase-4KiB", "4096", "192000"),
		"counter bench=chase-4KiB event=L1-dcache-load-misses src=none reason=no-arch-pmu",
		CHASE("chase-64KiB", "65536", "192000"),
		"end count=9",
		"reference plugin=pmulab-plugin I1=32768,8,64 D1=32768,8,64 LL=8388608,16,64 "
		"predictor=cachegrind",
		"counter bench=chase-4KiB event=L1-dcache-load-misses src=model value=0",
		"counter bench=chase-4KiB event=LLC-load-misses src=model value=0",
		"counter bench=chase-64KiB event=L1-dcache-load-misses src=model value=2000",
		"counter bench=chase-64KiB event=LLC-load-misses src=model value=-1",
		NULL,
	};
	struct stream *s = stream_of(bodies);
	struct chase_plot c;
	char *dat, *gp;

	plot_chase(s, &c);
	CHECK(c.tcg && c.has_lat && c.model_l1 == 32768 && c.model_ll == 8388608);
	CHECK(!plot_chase_has_misses(&c, PLOT_PMU) && plot_chase_has_misses(&c, PLOT_MODEL));
	dat = plot_chase_dat(&c);
	CHECK_STR(dat,
		"# pmulab plot: pointer chase, a line per family=chase bench; ? = not measured\n"
		"# ws_bytes tsc_ticks_per_load L1-dcache-load-misses_per_load "
		"LLC-load-misses_per_load cache-misses_per_load "
		"model_L1-dcache-load-misses_per_load model_LLC-load-misses_per_load "
		"model_cache-misses_per_load # bench\n"
		"4096 96 ? ? ? 0 0 ? # chase-4KiB\n"
		"65536 96 ? ? ? 1 -0.0005 ? # chase-64KiB\n");
	gp = plot_chase_script(&c, "svg");
	CHECK(strstr(gp, "\nset title 'pointer chase: misses per load (reference model: "
			 "cachegrind-style caches)'.\"\\n\".'QEMU TCG: misses from the reference "
			 "model, emulated latency not drawn'\n") != NULL);
	/* 32K is inside [2K, 128K], 8M is not */
	CHECK(strstr(gp, "\nset arrow from 32768, graph 0 to 32768, graph 1 nohead front "
			 "lw 2 dt 2 lc rgb '#606060'\nset label 'model L1d 32K' at 32768, graph 0.97 "
			 "right offset -0.5, 0 tc rgb '#606060'\n") != NULL);
	CHECK(strstr(gp, "label 'model LL") == NULL);
	CHECK(strstr(gp, "CPU L1d") == NULL);
	CHECK(strstr(gp, "\nset ylabel 'misses per load'\nset yrange [*:*]\n"
			 "plot 'chase.dat' using 1:6 axes x1y1 with linespoints lw 2 pt 7 "
			 "title 'model L1-dcache-load-misses per load', \\\n"
			 "     'chase.dat' using 1:7 axes x1y1 with linespoints lw 2 pt 5 "
			 "title 'model LLC-load-misses per load'\n") != NULL);
	free(dat);
	free(gp);
	plot_chase_free(&c);
	stream_free(s);
}

/* The model's branch misses beside the PMU's: a curve and a level line
 * each, in one unit. */
static void test_branch_model(void)
{
	static const char *const bodies[] = {
		BRANCH("branch-always", "always", "1", "5000"),
		"counter bench=branch-always event=branch-misses src=pmu value=1",
		"counter bench=branch-always event=branch-misses src=model value=0",
		BRANCH("branch-period-32", "period", "32", "5000"),
		"counter bench=branch-period-32 event=branch-misses src=model value=40",
		BRANCH("branch-random", "random", "4096", "9000"),
		"counter bench=branch-random event=branch-misses src=model value=500",
		NULL,
	};
	struct stream *s = stream_of(bodies);
	struct branch_plot b;
	char *dat, *gp;

	plot_branch(s, &b);
	CHECK(b.misses && b.model && !b.reason);
	dat = plot_branch_dat(&b);
	CHECK_STR(dat,
		"# pmulab plot: branch patterns, a line per family=branch bench; ? = not measured\n"
		"# period branch_misses_per_iteration model_branch_misses_per_iteration # bench\n"
		"1 0.001 0 # branch-always\n"
		"32 ? 0.04 # branch-period-32\n"
		"\n\n"
		"# random pattern: a level line across the plot\n"
		"0.5 ? 0.5 # branch-random\n"
		"64 ? 0.5\n");
	gp = plot_branch_script(&b, "svg");
	CHECK(strstr(gp, "\nset title 'branch patterns: branch-misses per iteration (PMU and "
			 "reference model)'\n") != NULL);
	CHECK(strstr(gp, "\nplot 'branch.dat' index 0 using 1:2 with linespoints lw 2 pt 7 "
			 "title 'repeating pattern (always = 1)', \\\n"
			 "     'branch.dat' index 0 using 1:3 with linespoints lw 2 pt 5 "
			 "title 'model repeating pattern (always = 1)', \\\n"
			 "     'branch.dat' index 1 using 1:3 with lines dt 3 lw 2 "
			 "title 'model random pattern (period 4096)'\n") != NULL);
	free(dat);
	free(gp);
	plot_branch_free(&b);
	stream_free(s);
}

static void test_labels(void)
{
	static const struct { unsigned k; const char *label; } cases[] = {
		{ 0, "1" }, { 9, "512" }, { 10, "1K" }, { 12, "4K" }, { 16, "64K" },
		{ 20, "1M" }, { 28, "256M" }, { 30, "1G" }, { 40, "1T" },
	};
	char buf[16];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		plot_size_label(buf, sizeof(buf), cases[i].k);
		CHECK_STR(buf, cases[i].label);
	}
}

static bool exists(const char *dir, const char *name)
{
	char path[4096];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return stat(path, &st) == 0 && st.st_size > 0;
}

static void cleanup(const char *dir)
{
	static const char *const names[] = {
		"chase.dat", "chase.gp", "chase.svg", "chase.png",
		"branch.dat", "branch.gp", "branch.svg", "branch.png", NULL,
	};
	char path[4096];

	for (const char *const *n = names; *n; n++) {
		snprintf(path, sizeof(path), "%s/%s", dir, *n);
		unlink(path);
	}
	rmdir(dir);
}

/* gnuplot takes both scripts in both formats (skipped without gnuplot). */
static void test_gnuplot(void)
{
	static const char *const bodies[] = {
		"cpu hypervisor=KVMKVMKVM",
		CHASE("c4", "4096", "8000"),
		"counter bench=c4 event=cycles src=pmu value=8000",
		"counter bench=c4 event=L1-dcache-load-misses src=pmu value=1",
		CHASE("c64", "65536", "24000"),
		"counter bench=c64 event=cycles src=pmu value=24000",
		"counter bench=c64 event=L1-dcache-load-misses src=pmu value=1900",
		BRANCH("b1", "always", "1", "5000"),
		"counter bench=b1 event=branch-misses src=pmu value=1",
		BRANCH("b8", "period", "8", "5000"),
		"counter bench=b8 event=branch-misses src=pmu value=3",
		BRANCH("br", "random", "4096", "9000"),
		"counter bench=br event=branch-misses src=pmu value=500",
		NULL,
	};
	struct plot_file files[PLOT_KINDS];
	struct stream *s = stream_of(bodies);
	const char *gnuplot = plot_gnuplot();
	char dir[] = "/tmp/pmulab-test-plot-XXXXXX";

	if (!gnuplot) {
		printf("test_plot: no gnuplot, drawing not tested: %s\n", plot_gnuplot_missing());
		stream_free(s);
		return;
	}
	CHECK(mkdtemp(dir) != NULL);
	CHECK(plot_write(s, dir, "svg", gnuplot, "test_plot", files) == 2);
	CHECK(plot_write(s, dir, "png", gnuplot, "test_plot", files) == 2);
	CHECK(files[PLOT_CHASE].drawn && files[PLOT_BRANCH].drawn);
	CHECK(strstr(files[PLOT_BRANCH].image, "/branch.png") != NULL);
	CHECK(exists(dir, "chase.svg") && exists(dir, "chase.png") && exists(dir, "chase.gp"));
	CHECK(exists(dir, "branch.svg") && exists(dir, "branch.png") && exists(dir, "branch.dat"));
	cleanup(dir);
	stream_free(s);
}

int main(void)
{
	streams_init();
	test_chase_pmu();
	test_chase_tcg();
	test_chase_partial();
	test_branch_pmu();
	test_branch_tsc();
	test_chase_model();
	test_branch_model();
	test_labels();
	test_gnuplot();
	return unit_done("plot");
}
