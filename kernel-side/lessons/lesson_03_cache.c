/* Lesson 3: cache misses and the working-set sweep -- the chase kernel
 * (microbench/memory.asm) over growing working sets. */
#include "lib/fmt.h"
#include "kernel-side/lessons/lesson.h"

#define LOADS	2000
#define EVENTS	"cycles,L1-dcache-load-misses,LLC-load-misses"

static const u64 sizes[] = { 8 << 10, 128 << 10, 2 << 20, 32 << 20 };

static struct lesson_result res[ARRAY_SIZE(sizes)];
static bool ran[ARRAY_SIZE(sizes)];

static void chase(const struct lab *lab)
{
	u64 size;

	lesson_say("The chase kernel follows pointers: each load's address is the "
		   "value the previous load returned (`mov rax, [rax]`), so no two "
		   "loads overlap and each costs the full latency of wherever its line "
		   "lives. The lines of the working set are linked into one cycle in "
		   "a random order, so no prefetcher can guess the next one.");
	lesson_say("A working set that fits the L1 data cache (32-48 KiB) hits "
		   "there; one that fits L2 (256 KiB-2 MiB) misses L1 and hits L2; "
		   "past the last-level cache every load goes to DRAM, and past what "
		   "the TLBs map, each also walks the page tables.");
	lesson_memory(&size);
	lesson_say("This lesson has %llu KiB of memory for working sets.",
		   (unsigned long long)(size >> 10));
}

static void sweep(const struct lab *lab)
{
	char per[16], name[32];
	u64 size;
	u8 *mem = lesson_memory(&size);

	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		struct mb_chase_arg at;

		if (sizes[i] > size) {
			lesson_code("%6llu KiB: skipped, not enough memory",
				   (unsigned long long)(sizes[i] >> 10));
			continue;
		}
		at.node = mb_chase_init(mem, sizes[i], lab->seed);
		fmt_snprintf(name, sizeof(name), "lesson3-chase-%lluKiB",
			     (unsigned long long)(sizes[i] >> 10));
		lesson_measure(lab, name, mb_chase, &at, LOADS, EVENTS, &res[i]);
		ran[i] = true;
		lesson_code("%6llu KiB: %s TSC ticks a load%s", (unsigned long long)(sizes[i] >> 10),
			   lesson_ratio(res[i].tsc, (s64)res[i].iters, per, sizeof(per)),
			   res[i].icount ? "" : " (no -icount)");
		for (unsigned e = 0; e < res[i].nev; e++) {
			if (res[i].ev[e].reason)
				continue;
			lesson_code("           %s a load: %s", res[i].ev[e].name,
				   lesson_ratio(res[i].ev[e].value, (s64)res[i].iters, per,
						sizeof(per)));
		}
	}
	if (!lesson_event(&res[0], "cycles"))
		lesson_say("No cache event was counted: %s.", res[0].nev && res[0].ev[0].reason ?
			   res[0].ev[0].reason : "no PMU");
}

static void meaning(const struct lab *lab)
{
	lesson_real_vs_tcg("about 4-5 cycles a load in L1, 12-16 in L2, 40-70 in L3 and "
			   "80-120 ns from DRAM; L1-dcache-load-misses goes from 0 to "
			   "about 1 a load once the set outgrows L1, LLC-load-misses "
			   "once it outgrows the last level.",
			   "the same TSC ticks a load at every size. TCG models no cache: "
			   "a guest load is a host load through QEMU's software TLB, and "
			   "under -icount time is counted in instructions, the same "
			   "few a load at every size, so the latency curve is flat and "
			   "there are no misses to count.");
}

static void question(const struct lab *lab)
{
	size_t lo = ARRAY_SIZE(sizes), hi = 0;
	char a[16], b[16], x[16];

	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		if (!ran[i])
			continue;
		if (lo == ARRAY_SIZE(sizes))
			lo = i;
		hi = i;
	}
	lesson_question("How much slower is a load from the largest working set than "
			"from the smallest?");
	if (lo == ARRAY_SIZE(sizes)) {
		lesson_answer("not measured: no working set fitted the memory.");
		return;
	}
	lesson_answer("%s TSC ticks a load at %llu KiB against %s at %llu KiB: %s times. "
		      "%s", lesson_ratio(res[hi].tsc, (s64)res[hi].iters, a, sizeof(a)),
		      (unsigned long long)(sizes[hi] >> 10),
		      lesson_ratio(res[lo].tsc, (s64)res[lo].iters, b, sizeof(b)),
		      (unsigned long long)(sizes[lo] >> 10),
		      lesson_ratio(res[hi].tsc, res[lo].tsc, x, sizeof(x)),
		      res[hi].tsc == res[lo].tsc ?
		      "The same: this machine (QEMU TCG) has no cache to miss." :
		      "The difference is the memory hierarchy.");
}

static const struct lesson_step steps[] = {
	{ "The pointer chase", chase },
	{ "Sweeping the working set", sweep },
	{ "What the hardware shows", meaning },
	{ "Question", question },
};

LESSON(3, "Cache misses and the working-set sweep", 32 << 20, steps);
