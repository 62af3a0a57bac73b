/* The lessons, by number (lesson.h). A new lesson is its file
 * (kernel-side/lesson_NN_name.c, ending in LESSON(N, ...)), its line here and
 * in the Makefile's KERNEL_OBJS, and docs/lessons/NN-name.md. */
#include "kernel-side/lessons/lesson.h"

extern const struct lesson lesson_1, lesson_2, lesson_3, lesson_4, lesson_5,
	lesson_6, lesson_7, lesson_8, lesson_9, lesson_10;

static const struct lesson *const lessons[LESSON_MAX + 1] = {
	[1] = &lesson_1,
	[2] = &lesson_2,
	[3] = &lesson_3,
	[4] = &lesson_4,
	[5] = &lesson_5,
	[6] = &lesson_6,
	[7] = &lesson_7,
	[8] = &lesson_8,
	[9] = &lesson_9,
	[10] = &lesson_10,
};

const struct lesson *lesson_find(unsigned n)
{
	return n <= LESSON_MAX ? lessons[n] : NULL;
}
