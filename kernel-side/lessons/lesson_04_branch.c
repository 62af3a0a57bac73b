/* Lesson 4: branch mispredictions -- the branch kernel (microbench/branch.asm)
 * taking one branch by a pattern the predictor has to learn. */
#include "lib/fmt.h"
#include "kernel-side/lessons/lesson.h"

#define ITERS	MB_RANDOM_PERIOD
#define EVENTS	"branch-misses,branches,cycles"

static const struct {
	enum mb_pattern p;
	u64 period;
} patterns[] = {
	{ MB_ALWAYS, 1 }, { MB_ALTERNATE, 2 }, { MB_PERIOD_K, 16 }, { MB_RANDOM, MB_RANDOM_PERIOD },
};

static struct lesson_result res[ARRAY_SIZE(patterns)];
static u8 pattern[MB_RANDOM_PERIOD];

static void kernel(const struct lab *lab)
{
	const struct mb_kernel *k = mb_kernel_find("branch", 6);

	lesson_say("The branch kernel runs %u instructions an iteration, %u of them "
		   "branches; one of them is taken or not by the next byte of a "
		   "pattern. Either way the same instructions retire, so only the "
		   "predictor's guesses make one pattern slower than another.",
		   k->insns, k->branches);
	lesson_say("A predictor learns from history: always-taken and alternating "
		   "are learnt at once, a repeating pattern of 16 random bits once the "
		   "history holds it, and %u random bits not at all: about half the "
		   "guesses are wrong, each costing a pipeline flush of 15-20 cycles.",
		   MB_RANDOM_PERIOD);
}

static void sweep(const struct lab *lab)
{
	char a[16], b[16], name[32];

	for (size_t i = 0; i < ARRAY_SIZE(patterns); i++) {
		struct mb_branch_arg arg;
		const s64 *miss;

		arg.period = mb_pattern_init(pattern, patterns[i].p, patterns[i].period, lab->seed);
		arg.pattern = (u64)(uintptr_t)pattern;
		fmt_snprintf(name, sizeof(name), "lesson4-branch-%s", mb_pattern_name(patterns[i].p));
		lesson_measure(lab, name, mb_branch, &arg, ITERS, EVENTS, &res[i]);
		miss = lesson_event(&res[i], "branch-misses");
		lesson_code("%-9s (repeats every %4llu): %s TSC ticks an iteration, branch-misses %s",
			   mb_pattern_name(patterns[i].p), (unsigned long long)arg.period,
			   lesson_ratio(res[i].tsc, (s64)res[i].iters, a, sizeof(a)),
			   miss ? lesson_ratio(*miss, (s64)res[i].iters, b, sizeof(b)) :
				  res[i].ev[0].reason);
	}
}

static void meaning(const struct lab *lab)
{
	lesson_real_vs_tcg("branch-misses near 0 an iteration for always, alternate "
			   "and the 16-bit pattern, about 0.5 for random, and the "
			   "random pattern's iterations several cycles slower.",
			   "every pattern costs the same ticks, and branch-misses is not "
			   "counted. TCG has no branch predictor: it translates each "
			   "guest block once and jumps between translations, so nothing "
			   "is ever mispredicted, and under -icount time counts "
			   "instructions, which are the same for every pattern.");
}

static void question(const struct lab *lab)
{
	const size_t last = ARRAY_SIZE(patterns) - 1;
	const s64 *m0 = lesson_event(&res[0], "branch-misses");
	const s64 *m1 = lesson_event(&res[last], "branch-misses");
	char a[16], b[16], c[16];

	lesson_question("What does a random pattern cost over an always-taken one?");
	if (m0 && m1)
		lesson_answer("%s more branch-misses an iteration (%s against %s), and %s TSC "
			      "ticks an iteration against %s.",
			      lesson_ratio(*m1 - *m0, (s64)res[last].iters, a, sizeof(a)),
			      lesson_ratio(*m1, (s64)res[last].iters, b, sizeof(b)),
			      lesson_ratio(*m0, (s64)res[0].iters, c, sizeof(c)),
			      lesson_ratio(res[last].tsc, (s64)res[last].iters, a, sizeof(a)),
			      lesson_ratio(res[0].tsc, (s64)res[0].iters, b, sizeof(b)));
	else
		lesson_answer("nothing here: %s TSC ticks an iteration for random and %s "
			      "for always (%lld and %lld for %llu iterations)%s, and no "
			      "branch-misses counted (%s).",
			      lesson_ratio(res[last].tsc, (s64)res[last].iters, a, sizeof(a)),
			      lesson_ratio(res[0].tsc, (s64)res[0].iters, b, sizeof(b)),
			      (long long)res[last].tsc, (long long)res[0].tsc,
			      (unsigned long long)res[0].iters,
			      res[last].tsc == res[0].tsc ? ": the same instructions, no predictor" : "",
			      res[0].ev[0].reason ? res[0].ev[0].reason : "no PMU");
}

static const struct lesson_step steps[] = {
	{ "A branch taken by a pattern", kernel },
	{ "Four patterns", sweep },
	{ "What the hardware shows", meaning },
	{ "Question", question },
};

LESSON(4, "Branch mispredictions", 0, steps);
