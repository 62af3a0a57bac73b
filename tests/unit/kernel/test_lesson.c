/* The lesson runner and lessons 1 and 2 against the simulated PMU, the path
 * real hardware takes (TCG, with no PMU, is the e2e test's): the step
 * records, explain mode on for the steps and back off after, the driver's
 * writes narrated decoded, the counted region's writes narrated after it,
 * and an answer from the run's numbers. */
#include "kernel-side/lessons/lesson.h"
#include "kernel-side/explain/explain.h"
#include "host/stream/parse.h"
#include "tests/unit/models/pmu_sim.h"
#include "lib/record.h"
#include "tests/unit/unit.h"

extern const struct lesson lesson_1, lesson_2;

#define LINES_MAX 256

static char lines[LINES_MAX][300];
static unsigned nlines;

static void sink(const char *line, size_t len, void *ctx)
{
	if (nlines < LINES_MAX && len < sizeof(lines[0])) {
		memcpy(lines[nlines], line, len);
		lines[nlines][len] = '\0';
		nlines++;
	}
}

static int find(const char *prefix, unsigned from)
{
	for (unsigned i = from; i < nlines; i++)
		if (!strncmp(lines[i], prefix, strlen(prefix)))
			return (int)i;
	return -1;
}

static void run(const struct lesson *l, const struct lab *lab)
{
	nlines = 0;
	lesson_begin(l);
	for (unsigned i = 0; i < l->nsteps; i++) {
		struct lesson_job job = { .l = l, .step = i, .lab = lab };

		lesson_run_step(&job);
	}
}

static void test_lesson_2_intel(void)
{
	static struct lab lab = { .icount_shift = BENCH_NO_ICOUNT };
	unsigned restored;
	int start, stop, held;

	pmu_sim_install(&pmu_sim_intel_v4);
	cpu_probe(&lab.cpu);
	pmu_probe(&lab.cpu, &lab.pmu);
	msr_restore_all(&restored);
	CHECK(lab.pmu.present);
	run(&lesson_2, &lab);
	CHECK(!explain_enabled());
	CHECK(find("# Lesson 2: Counting instructions and cycles, IPC", 0) == 1);
	CHECK(strstr(lines[0], " lesson n=2 step=0 name=ipc ") != NULL);
	CHECK(find("# Step 5: Question", 0) > 0);
	/* Step 1: real encodings, from this PMU, not the stand-in's. */
	CHECK(find("# This CPU has no PMU", 0) < 0);
	CHECK(find("#   IA32_PERFEVTSEL0 <- 0x004300c0  event=0xc0 umask=0x00 USR OS EN  = "
		   "instructions", 0) > 0);
	/* Step 2: the driver's writes, fixed counters first, then the start
	 * and stop of the counted region, narrated only at count_read(). */
	CHECK(find("# wrmsr IA32_FIXED_CTR_CTRL (0x38d) <- 0x00000003  fixed0=OS|USR", 0) > 0);
	CHECK(find("# wrmsr IA32_FIXED_CTR_CTRL (0x38d) <- 0x00000033  fixed0=OS|USR "
		   "fixed1=OS|USR", 0) > 0);
	start = find("# wrmsr IA32_PERF_GLOBAL_CTRL (0x38f) <- 0x300000000  fixed0 fixed1", 0);
	stop = find("# wrmsr IA32_PERF_GLOBAL_CTRL (0x38f) <- 0x00000000  none", start);
	held = find("# rdmsr IA32_FIXED_CTR0 (0x309) -> ", stop);
	CHECK(start > 0 && stop == start + 1 && held == stop + 1);
	CHECK(find("# instructions: 0 for 1000 iterations", 0) > 0);
	/* Step 3: the bench's many runs are not narrated. */
	CHECK(find("# wrmsr", find("# Step 3:", 0)) < 0);
	CHECK(find("# Answer: ", 0) > 0);
	CHECK(find("# On real hardware: ", 0) > 0 && find("# Under QEMU TCG: ", 0) > 0);
	msr_restore_all(&restored);
}

static void test_lesson_1_intel_v5(void)
{
	static struct lab lab = { .icount_shift = BENCH_NO_ICOUNT };
	unsigned restored;

	pmu_sim_install(&pmu_sim_intel_v5);
	cpu_probe(&lab.cpu);
	pmu_probe(&lab.cpu, &lab.pmu);
	msr_restore_all(&restored);
	run(&lesson_1, &lab);
	CHECK(find("# Decoded: version 5, ", 0) > 0);
	CHECK(find("#   bit 1 instructions     available", 0) > 0);
	CHECK(find("# rdmsr IA32_PERF_CAPABILITIES (0x345) -> 0x", 0) > 0);
	CHECK(find("# Answer: ", 0) > 0);
	CHECK(find("# Answer: none", 0) < 0);
}

int main(void)
{
	rec_set_sink(sink, NULL);
	test_lesson_2_intel();
	test_lesson_1_intel_v5();
	return unit_done("lesson");
}
