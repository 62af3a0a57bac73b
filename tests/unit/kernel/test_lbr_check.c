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

/* The model with fault f: the check at index `fails` fails, the others pass
 * (a fault shows in its own check, not by accident in all of them). */
static void faulty(const struct lbr_sim_spec *s, struct lbr_sim_fault f, unsigned fails,
		   bool others_pass)
{
	run(s, &f);
	CHECK_STR(result[fails], "fail");
	for (unsigned i = 0; others_pass && i < CHECKS; i++)
		if (i != fails)
			CHECK_STR(result[i], "pass");
}

int main(void)
{
	lbr_set_image(ADDR(__executable_start), ADDR(__executable_start), ADDR(_etext));
	right_model();
	for (unsigned k = 0; k < ARRAY_SIZE(specs); k++) {
		const struct lbr_sim_spec *s = specs[k];

		/* depth-fewer, depth-more: the probe's depth is not the ring's. */
		faulty(s, (struct lbr_sim_fault){ .entries = s->depth / 2 }, 0, false);
		faulty(s, (struct lbr_sim_fault){ .entries = s->depth + 8 }, 0, true);
		/* tos-stuck: each branch overwrites the newest entry. */
		faulty(s, (struct lbr_sim_fault){ .tos_stuck = true }, 1, false);
		/* from-to-swapped. */
		faulty(s, (struct lbr_sim_fault){ .from_to_swapped = true }, 1, false);
		/* select-ignored: returns recorded while calls only are asked. */
		faulty(s, (struct lbr_sim_fault){ .select_ignored = true }, 2, true);
	}
	return unit_done("lbr_check");
}
