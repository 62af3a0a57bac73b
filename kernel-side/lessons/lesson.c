/* The lesson runner and what every lesson says with (lesson.h). */
#include <stdarg.h>
#include "kernel-side/explain/explain.h"
#include "lib/fmt.h"
#include "lib/libc.h"
#include "kernel-side/lessons/lesson.h"
#include "lib/record.h"

#define WRAP	76
#define SAY_MAX	1024

static const struct lesson_job *running;	/* the step in its section */

void lesson_begin(const struct lesson *l)
{
	struct rec r;

	rec_begin(&r, "lesson");
	rec_u64(&r, "n", l->n);
	rec_u64(&r, "step", 0);
	rec_str(&r, "name", config_lesson_name(l->n));
	rec_str(&r, "title", l->title);
	rec_u64(&r, "steps", l->nsteps);
	rec_end(&r);
	rec_narrate("Lesson %u: %s", l->n, l->title);
}

u8 *lesson_memory(u64 *size)
{
	*size = running->mem_size;
	return running->mem;
}

/* Explain mode is on for every step, then back as it was. */
void lesson_run_step(void *arg)
{
	const struct lesson_job *job = arg;
	const struct lesson_step *st = &job->l->steps[job->step];
	bool was = explain_enabled();
	struct rec r;

	running = job;
	rec_begin(&r, "lesson");
	rec_u64(&r, "n", job->l->n);
	rec_u64(&r, "step", job->step + 1);
	rec_str(&r, "title", st->title);
	rec_end(&r);
	rec_narrate("%s", "");
	rec_narrate("Step %u: %s", job->step + 1, st->title);
	explain_enable(true);
	st->run(job->lab);
	explain_enable(was);
}

/* Breaks text at blanks into lines of at most WRAP columns (a longer word
 * gets a line of its own); each line after the first starts with indent. */
static void wrap(const char *text, const char *indent)
{
	const char *p = text;
	size_t ind = strlen(indent);
	bool first = true;

	while (*p) {
		size_t room = WRAP - (first ? 0 : ind), n = strlen(p), cut = n;
		char line[SAY_MAX];

		if (n > room) {
			for (cut = room; cut > 0 && p[cut] != ' '; cut--)
				;
			if (!cut)
				for (cut = room; p[cut] && p[cut] != ' '; cut++)
					;
		}
		memcpy(line, p, cut);
		line[cut] = '\0';
		rec_narrate("%s%s", first ? "" : indent, line);
		p += cut;
		while (*p == ' ')
			p++;
		first = false;
	}
}

static void say(const char *indent, const char *fmt, va_list ap)
{
	char buf[SAY_MAX];

	fmt_vsnprintf(buf, sizeof(buf), fmt, ap);
	wrap(buf, indent);
}

void lesson_say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say("", fmt, ap);
	va_end(ap);
}

void lesson_code(const char *fmt, ...)
{
	char buf[SAY_MAX];
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	rec_narrate("  %s", buf);
}

static void say_indented(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say_indented(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say("  ", fmt, ap);
	va_end(ap);
}

void lesson_real_vs_tcg(const char *real, const char *tcg)
{
	say_indented("On real hardware: %s", real);
	say_indented("Under QEMU TCG: %s", tcg);
}

void lesson_question(const char *q)
{
	lesson_say("Question: %s", q);
}

void lesson_answer(const char *fmt, ...)
{
	char buf[SAY_MAX];
	va_list ap;
	size_t n = fmt_snprintf(buf, sizeof(buf), "Answer: ");

	va_start(ap, fmt);
	fmt_vsnprintf(buf + n, sizeof(buf) - n, fmt, ap);
	va_end(ap);
	wrap(buf, "");
}

void lesson_measure(const struct lab *lab, const char *name, mb_fn *fn,
		    const void *arg, u64 n, const char *events, struct lesson_result *r)
{
	static struct count_set set;
	static struct bench_result res;
	struct bench b = {
		.name = name, .suite = "lesson", .fn = fn, .arg = arg, .n1 = n, .n2 = 2 * n,
		.warmup = 1, .reps = 3,
	};
	bool was = explain_enabled();

	explain_enable(false);
	count_init(&set, &lab->cpu, &lab->pmu, events);
	bench_run(&b, &set, &res);
	bench_report(&b, &set, &res, lab->icount_shift);
	explain_enable(was);

	memset(r, 0, sizeof(*r));
	r->iters = n;
	r->tsc = res.tsc.median;
	r->icount = lab->icount_shift != BENCH_NO_ICOUNT &&
		    bench_icount(&res, lab->icount_shift, &r->insns);
	for (unsigned i = 0; i < set.n && r->nev < LESSON_EVENTS_MAX; i++) {
		const struct count_slot *sl = &set.slot[i];

		r->ev[r->nev].name = sl->ev.name;	/* set is static: it lasts */
		if (!sl->counted || res.err || !res.ev[i].runs)
			r->ev[r->nev].reason = sl->ev.reason ? sl->ev.reason :
					       res.err ? "driver-error" : "not-run";
		r->ev[r->nev].value = res.ev[i].median;
		r->nev++;
	}
}

const s64 *lesson_event(const struct lesson_result *r, const char *name)
{
	for (unsigned i = 0; i < r->nev; i++)
		if (!strcmp(r->ev[i].name, name))
			return r->ev[i].reason ? NULL : &r->ev[i].value;
	return NULL;
}

const char *lesson_ratio(s64 x, s64 y, char *buf, size_t size)
{
	s64 hundredths;

	if (!y) {
		fmt_snprintf(buf, size, "n/a");
		return buf;
	}
	hundredths = (x * 100 + y / 2) / y;
	fmt_snprintf(buf, size, "%lld.%02lld", (long long)(hundredths / 100),
		     (long long)(hundredths % 100));
	return buf;
}

const char *lesson_hex(const u8 *b, size_t n, char *buf, size_t size)
{
	size_t k = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n && k + 4 <= size; i++)
		k += fmt_snprintf(buf + k, size - k, "%s%02x", i ? " " : "", b[i]);
	return buf;
}
