/* The lessons by number, expanded from LESSON_LIST (lib/config.h), and the
 * lesson section's hooks (lesson.h). A new lesson is its file
 * (lesson_NN_name.c, ending in LESSON(N, ...)), its line in that list and
 * docs/lessons/NN-name.md. */
#include "kernel-side/lessons/lesson.h"
#include "kernel-side/probes/probes_suite.h"
#include "lib/fmt.h"

#define DECLARE(n, name) extern const struct lesson lesson_##n;
LESSON_LIST(DECLARE)
#undef DECLARE

#define ENTRY(n, name) &lesson_##n,
static const struct lesson *const lessons[LESSON_COUNT] = { LESSON_LIST(ENTRY) };
#undef ENTRY

static struct lesson_job part;		/* what lesson_part() hands out */

bool lesson_section_begin(const struct lab *lab)
{
	const struct lesson *l = lessons[lab->cfg->lesson - 1];

	part = (struct lesson_job){ .l = l, .lab = lab };
	part.mem = l->mem ? lab->platform.pages(l->mem, &part.mem_size) : NULL;
	lesson_begin(l);
	return true;
}

/* Step i; before each step but the first, the platform's pause, so that on
 * real hardware the learner reads one step before the next. */
void *lesson_part(const struct lab *lab, unsigned i, char *name, size_t size)
{
	if (i >= part.l->nsteps)
		return NULL;
	if (i)
		lab->platform.pause();
	fmt_snprintf(name, size, "lesson-%u-step-%u", part.l->n, i + 1);
	part.step = i;
	return &part;
}

/* Lessons 7 and 8 put probes in; none outlives the lesson. */
void lesson_close(const struct lab *lab)
{
	probes_cleanup(lab);
	if (part.mem)
		lab->platform.free_pages(part.mem, part.mem_size);
	part.mem = NULL;
}
