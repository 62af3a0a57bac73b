/* Lessons: numbered steps that narrate what is done and what the hardware
 * answered, with explain mode on (explain.h), so every register write and
 * every patched byte shows. A lesson is data -- a title and a table of steps
 * -- in one small file (lesson_NN_name.c), plus its line in LESSON_LIST
 * (lib/config.h) and its text in docs/lessons/NN-name.md. Each step runs in
 * its own owned section, so on real hardware the firmware can wait for a key
 * between steps; the records are `lesson n=N step=K title=...`
 * (docs/record-format.md). Each lesson says what real hardware shows and
 * what QEMU TCG shows instead, and why; its last step asks one question and
 * answers it with the run's numbers. */
#ifndef PMULAB_LESSON_H
#define PMULAB_LESSON_H

#include "kernel-side/bench/bench.h"
#include "kernel-side/lab/lab.h"
#include "microbench/kernels.h"

#define LESSON_EVENTS_MAX 6

struct lesson_step {
	const char *title;
	void (*run)(const struct lab *lab);	/* owned world */
};

struct lesson {
	unsigned n;			/* its name: config_lesson_name(n) */
	const char *title;
	u64 mem;			/* bytes of working-set memory it wants */
	const struct lesson_step *steps;
	unsigned nsteps;
};

#define LESSON(num, ttl, memory, step_table) \
	const struct lesson lesson_##num = { num, ttl, memory, step_table, \
					     ARRAY_SIZE(step_table) }

/* The lesson section's hooks (kernel-side/lab/section.h; lessons.c). With
 * lesson=N, lesson N runs instead of the suites: begin takes the memory it
 * asked for and writes its first record; each step is a part, a pause
 * between them; at the close no probe a lesson put in stays, and the memory
 * goes back. */
bool lesson_section_begin(const struct lab *lab);
void *lesson_part(const struct lab *lab, unsigned i, char *name, size_t size);
void lesson_close(const struct lab *lab);

/* The `lesson n=N step=0` record and the title. */
void lesson_begin(const struct lesson *l);
/* A step's owned section: its record and title, then its run with explain
 * mode on. */
struct lesson_job {
	const struct lesson *l;
	unsigned step;			/* 0-based index into l->steps */
	const struct lab *lab;
	u8 *mem;			/* working sets: l->mem bytes, or fewer */
	u64 mem_size;
};
void lesson_run_step(void *arg);	/* arg: struct lesson_job * */
/* The working sets of the lesson running: NULL, or *size bytes. */
u8 *lesson_memory(u64 *size);

/* Prose, wrapped at 76 columns into narration lines. */
void lesson_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A line as it is, not wrapped: a command, a register decoded. */
void lesson_code(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "On real hardware: ..." and "Under QEMU TCG: ...". */
void lesson_real_vs_tcg(const char *real, const char *tcg);
void lesson_question(const char *q);
void lesson_answer(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* One measurement with the bench method (bench.h): fn at n and 2n
 * iterations, events counted where the PMU can; a bench record goes out
 * too. Explain mode is quiet meanwhile: every run repeats the same writes. */
struct lesson_result {
	u64 iters;			/* n2 - n1 */
	s64 tsc;			/* median TSC ticks for iters */
	bool icount;			/* insns is exact (under -icount) */
	u64 insns;
	unsigned nev;
	struct {
		const char *name;
		const char *reason;	/* NULL: counted */
		s64 value;		/* median for iters */
	} ev[LESSON_EVENTS_MAX];
};
void lesson_measure(const struct lab *lab, const char *name, mb_fn *fn,
		    const void *arg, u64 n, const char *events, struct lesson_result *r);
/* The result of event name, or NULL when it was not counted. */
const s64 *lesson_event(const struct lesson_result *r, const char *name);
/* n bytes as "0f 1f 44 00 00". */
const char *lesson_hex(const u8 *b, size_t n, char *buf, size_t size);
/* x/y with two decimals, "n/a" when y is 0. */
const char *lesson_ratio(s64 x, s64 y, char *buf, size_t size);

#endif
