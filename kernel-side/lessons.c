/* The lessons written so far, by number (lesson.h). A new lesson is its file
 * (kernel-side/lesson_NN_name.c, ending in LESSON(N, ...)), its line here and
 * in the Makefile's KERNEL_OBJS, and docs/lessons/NN-name.md. */
#include "lesson.h"

extern const struct lesson lesson_1, lesson_2, lesson_3, lesson_4, lesson_9, lesson_10;

static const struct lesson *const lessons[LESSON_MAX + 1] = {
	[1] = &lesson_1,
	[2] = &lesson_2,
	[3] = &lesson_3,
	[4] = &lesson_4,
	[9] = &lesson_9,
	[10] = &lesson_10,
};

/* The mechanism each missing lesson teaches, which it lands with. */
static const char *const lands_with[LESSON_MAX + 1] = {
	[5] = "sampling", [6] = "LBR", [7] = "kprobes", [8] = "hardware breakpoints",
};

const struct lesson *lesson_find(unsigned n)
{
	return n <= LESSON_MAX ? lessons[n] : NULL;
}

const char *lesson_lands_with(unsigned n)
{
	return n <= LESSON_MAX && lands_with[n] ? lands_with[n] : "a later mechanism";
}
