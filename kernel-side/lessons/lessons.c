/* The lessons by number, expanded from LESSON_LIST (lib/config.h): a new
 * lesson is its file (lesson_NN_name.c, ending in LESSON(N, ...)), its line
 * in that list and docs/lessons/NN-name.md. */
#include "kernel-side/lessons/lesson.h"

#define DECLARE(n, name) extern const struct lesson lesson_##n;
LESSON_LIST(DECLARE)
#undef DECLARE

#define ENTRY(n, name) &lesson_##n,
static const struct lesson *const lessons[LESSON_COUNT] = { LESSON_LIST(ENTRY) };
#undef ENTRY

const struct lesson *lesson_find(unsigned n)
{
	return lessons[n - 1];
}
