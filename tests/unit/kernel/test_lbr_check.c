/* The LBR checks themselves (kernel-side/lbr/lbr_check.c: lbr.depth,
 * lbr.callchain, lbr.filter), run as the payload runs them, against the LBR
 * model of each kind: every check passes on a right model, and a model
 * faulty in exactly one property makes the check of that property fail
 * (docs/lbr.md, "Parity with kvm-unit-tests"). The chain runs natively; at
 * the hook's freeze the model retires what the run did (lbr_replay.c). */
#include "kernel-side/lbr/lbr_check.h"
#include "kernel-side/cpu/msr.h"
#include "tests/unit/models/lbr_replay.h"
#include "host/stream/parse.h"
#include "lib/record.h"
#include "tests/unit/unit.h"

extern char __executable_start[], _etext[];	/* GNU ld: this program's code */

#define ADDR(f) ((u64)(uintptr_t)(f))

static const struct lbr_sim_spec
	snb = { LBR_SIM_LEGACY, 0x2a, LBR_FORMAT_EIP_FLAGS, 16, 3, false },
	hsw = { LBR_SIM_LEGACY, 0x3c, LBR_FORMAT_EIP_FLAGS2, 16, 3, true },
	skl = { LBR_SIM_LEGACY, 0x5e, LBR_FORMAT_INFO, 32, 4, true },
	arch16 = { LBR_SIM_ARCH, 0, 0, 16, 5, false },
	arch32 = { LBR_SIM_ARCH, 0, 0, 32, 5, true },
	zen4 = { LBR_SIM_AMD, 0, 0, 16, 0, false };
static const struct lbr_sim_spec *const specs[] = { &snb, &hsw, &skl, &arch16, &arch32, &zen4 };

#define CHECKS 3
static const char *const names[CHECKS] = { "lbr.depth", "lbr.callchain", "lbr.filter" };
static char result[CHECKS][8];

static struct parser *parser;

static void sink(const char *line, size_t len, void *ctx)
{
	parser_feed(parser, line, len);
	parser_feed(parser, "\n", 1);
}

/* Installs s, applies the fault, runs the checks; result[i] is names[i]'s. */
static void run(const struct lbr_sim_spec *s, const struct lbr_sim_fault *f)
{
	struct cpu_info ci;
	struct lab lab = { .image = { .base = ADDR(__executable_start) } };
	struct stream *st;
	unsigned restored;

	lbr_sim_install(s);
	cpu_probe(&ci);
	pmu_probe(&ci, &lab.pmu);
	lbr_probe(&ci, &lab.pmu, &lab.lbr);
	msr_restore_all(&restored);
	CHECK(lab.lbr.present);
	lbr_sim_fault = *f;
	lbr_sim_on_stop = lbr_replay_run;
	parser = parser_new(NULL, NULL);
	rec_set_sink(sink, NULL);
	lbr_check_run(&lab);
	rec_set_sink(NULL, NULL);
	lbr_sim_on_stop = NULL;
	msr_restore_all(&restored);
	st = parser_finish(parser);
	for (unsigned i = 0; i < CHECKS; i++) {
		snprintf(result[i], sizeof(result[i]), "none");
		for (size_t k = 0; k < st->nrecs; k++)
			if (!strcmp(st->recs[k].type, "check") &&
			    !strcmp(record_get(&st->recs[k], "name"), names[i]))
				snprintf(result[i], sizeof(result[i]), "%s",
					 record_get(&st->recs[k], "result"));
	}
	stream_free(st);
}

/* Each check, on a right model of every kind: pass. */
static void right_model(void)
{
	static const struct lbr_sim_fault none;

	for (unsigned k = 0; k < ARRAY_SIZE(specs); k++) {
		run(specs[k], &none);
		for (unsigned i = 0; i < CHECKS; i++)
			CHECK_STR(result[i], "pass");
	}
}

/* A model faulty in one property, by name (docs/lbr.md's parity table
 * names them): the check at index `fails` fails; with others_pass the other
 * checks pass, so the fault shows in its own check, not by accident. */
struct fault_case {
	const char *name;
	struct lbr_sim_fault (*fault)(const struct lbr_sim_spec *s);
	unsigned fails;
	bool others_pass;
};

/* The probe's depth is not the ring's: fewer MSRs (lbr_start() itself then
 * faults, so the chain checks skip), or more. */
static struct lbr_sim_fault depth_fewer(const struct lbr_sim_spec *s)
{
	return (struct lbr_sim_fault){ .entries = s->depth / 2 };
}

static struct lbr_sim_fault depth_more(const struct lbr_sim_spec *s)
{
	return (struct lbr_sim_fault){ .entries = s->depth + 8 };
}

/* Each branch overwrites the newest entry. */
static struct lbr_sim_fault tos_stuck(const struct lbr_sim_spec *s)
{
	return (struct lbr_sim_fault){ .tos_stuck = true };
}

static struct lbr_sim_fault from_to_swapped(const struct lbr_sim_spec *s)
{
	return (struct lbr_sim_fault){ .from_to_swapped = true };
}

/* Returns recorded while calls only are asked for. */
static struct lbr_sim_fault select_ignored(const struct lbr_sim_spec *s)
{
	return (struct lbr_sim_fault){ .select_ignored = true };
}

static const struct fault_case cases[] = {
	{ "depth-fewer", depth_fewer, 0, false },
	{ "depth-more", depth_more, 0, true },
	{ "tos-stuck", tos_stuck, 1, false },
	{ "from-to-swapped", from_to_swapped, 1, false },
	{ "select-ignored", select_ignored, 2, true },
};

static void faulty(const struct lbr_sim_spec *s, const struct fault_case *c)
{
	struct lbr_sim_fault f = c->fault(s);
	unsigned before = unit_failures;

	run(s, &f);
	CHECK_STR(result[c->fails], "fail");
	for (unsigned i = 0; c->others_pass && i < CHECKS; i++)
		if (i != c->fails)
			CHECK_STR(result[i], "pass");
	if (unit_failures != before)
		printf("  in case %s\n", c->name);
}

int main(void)
{
	lbr_set_image(ADDR(__executable_start), ADDR(__executable_start), ADDR(_etext));
	right_model();
	for (unsigned k = 0; k < ARRAY_SIZE(specs); k++)
		for (unsigned c = 0; c < ARRAY_SIZE(cases); c++)
			faulty(specs[k], &cases[c]);
	return unit_done("lbr_check");
}
