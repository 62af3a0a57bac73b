/* \pmulab\config.txt: `key=value` lines, `#` comments. Pure parsing, no UEFI,
 * so it is unit-tested on the host (tests/unit/test_config.c). A bad line is
 * reported through the callback and leaves that setting at its default. */
#ifndef PMULAB_CONFIG_H
#define PMULAB_CONFIG_H

#include "lib/types.h"

#define CONFIG_LINE_MAX 256		/* bytes in a line, its line break not counted */
/* The largest config.txt the payload reads: it is read whole into one pool
 * allocation, and the documented template is a few KiB. The host refuses
 * a bigger one rather than make a stick that falls back to the defaults. */
#define CONFIG_FILE_MAX 65536
#define CONFIG_STR_MAX 200
#define CONFIG_OFF 0xffffffffu		/* an optional number that is off */

/* The names config.txt takes, each listed once: the enums and bits below,
 * config.c's name tables, the lessons' table (kernel-side/lessons/lessons.c)
 * and the host's lesson count are all expanded from these lists, so a new
 * suite, lesson or choice is one line here and nothing is kept in step by
 * hand. An entry's place in its list is its value (or its bit). */

/* suite=: a bit each, SUITE_PMU_CHECK and on; the sections each selects are
 * in kernel-side/lab/sections.c. */
#define SUITE_LIST(X)				\
	X(PMU_CHECK, "pmu-check")		\
	X(QUICK, "quick")			\
	X(FULL, "full")				\
	X(FTRACE, "ftrace")			\
	X(PROBES, "probes")			\
	X(SAMPLE, "sample")

/* skip=: a bit each, parts unknown hardware may not take well. */
#define SKIP_LIST(X)							\
	X(PMU, "pmu")		/* no PMU MSR writes: nothing is counted */	\
	X(LBR, "lbr")		/* no LBR MSR access at all */			\
	X(PROBES, "probes")	/* no INT3 probes or debug-register breakpoints */

/* lesson=N: numbered 1, 2, ... in order; docs/lessons/NN-name.md each. */
#define LESSON_LIST(X)							\
	X(1, cpuid) X(2, ipc) X(3, cache) X(4, branch) X(5, sampling)	\
	X(6, lbr) X(7, kprobe) X(8, hwbp) X(9, fentry) X(10, linux)	\
	X(11, optprobe)

/* inject_fault=: the exception the inject section raises on purpose. */
#define INJECT_LIST(X)							\
	X(NONE, "none") X(UD, "ud") X(GP, "gp") X(DE, "de") X(PF, "pf")	\
	X(BP, "bp")

/* inject_at=: where inject_fault= raises it: a section of its own, or the
 * middle of one that has code patched (the ftrace suite's tracers, the
 * probes suite's INT3s, lesson 9's traced calls) or the sampler running. */
#define INJECT_AT_LIST(X)						\
	X(INJECT, "inject") X(FTRACE, "ftrace") X(PROBES, "probes")	\
	X(LESSON_9, "lesson-9") X(SAMPLE, "sample")

/* sample_src=: what interrupts the sampled workload. */
#define SAMPLE_SRC_LIST(X) X(AUTO, "auto") X(PMI, "pmi") X(TIMER, "timer")

/* ftrace_ring=: what a full trace ring does. */
#define RING_LIST(X) X(OVERWRITE, "overwrite") X(STOP, "stop")

/* exit=: how the run ends. */
#define EXIT_LIST(X)							\
	X(AUTO, "auto") X(QEMU, "qemu") X(SHUTDOWN, "shutdown")	\
	X(REBOOT, "reboot") X(RETURN, "return")

enum {
#define CONFIG_ENTRY(id, name) SUITE_##id##_INDEX,
	SUITE_LIST(CONFIG_ENTRY)
#undef CONFIG_ENTRY
#define CONFIG_ENTRY(id, name) SUITE_##id = BIT(SUITE_##id##_INDEX),
	SUITE_LIST(CONFIG_ENTRY)
#undef CONFIG_ENTRY
};

enum {
#define CONFIG_ENTRY(id, name) SKIP_##id##_INDEX,
	SKIP_LIST(CONFIG_ENTRY)
#undef CONFIG_ENTRY
#define CONFIG_ENTRY(id, name) SKIP_##id = BIT(SKIP_##id##_INDEX),
	SKIP_LIST(CONFIG_ENTRY)
#undef CONFIG_ENTRY
};

/* LESSON_COUNT; lesson N's slot is N - 1 (config.c checks the numbering). */
enum {
#define CONFIG_ENTRY(n, name) LESSON_SLOT_##n,
	LESSON_LIST(CONFIG_ENTRY)
#undef CONFIG_ENTRY
	LESSON_COUNT
};

enum inject_fault {
#define CONFIG_ENTRY(id, name) INJECT_##id,
	INJECT_LIST(CONFIG_ENTRY)
#undef CONFIG_ENTRY
};

enum inject_at {
#define CONFIG_ENTRY(id, name) INJECT_AT_##id,
	INJECT_AT_LIST(CONFIG_ENTRY)
#undef CONFIG_ENTRY
};

enum sample_want {
#define CONFIG_ENTRY(id, name) SAMPLE_WANT_##id,
	SAMPLE_SRC_LIST(CONFIG_ENTRY)
#undef CONFIG_ENTRY
};

enum cfg_ring {
#define CONFIG_ENTRY(id, name) RING_##id,
	RING_LIST(CONFIG_ENTRY)
#undef CONFIG_ENTRY
};

enum cfg_exit {
#define CONFIG_ENTRY(id, name) EXIT_##id,
	EXIT_LIST(CONFIG_ENTRY)
#undef CONFIG_ENTRY
};

/* Settings are u32s (a list of names is a bit mask) or one string, so one
 * table can describe them all (config.c). */
struct config {
	u32 serial;		/* use a 16550 when one answers */
	u32 serial_port;	/* its I/O base */
	u32 results;		/* write \pmulab\results.txt */
	u32 exit;		/* enum cfg_exit */
	u32 exit_wait;		/* seconds to show the summary before power-off */
	u32 inject_fault;	/* enum inject_fault */
	u32 suite;		/* SUITE_* */
	char benches[CONFIG_STR_MAX];	/* more benches (suites.h syntax), or "none" */
	char events[CONFIG_STR_MAX];	/* perf event names for counter records */
	u32 seed;		/* for chase orders and branch patterns */
	u32 skip;		/* SKIP_* */
	char ftrace_filter[CONFIG_STR_MAX];	/* globs of functions to trace */
	char ftrace_notrace[CONFIG_STR_MAX];	/* globs not to, or "none" */
	u32 ftrace_ring;	/* enum cfg_ring: what a full trace ring does */
	u32 icount_shift;	/* QEMU -icount shift the host launched with, or CONFIG_OFF */
	u32 sample_src;		/* enum sample_want */
	u32 sample_period;	/* events (PMI) or LAPIC timer ticks */
	u32 sample_random;	/* draw each period from period +- 1/8 */
	u32 explain;		/* narrate every MSR access and code patch (explain.h) */
	u32 lesson;		/* 0: none; N: run lesson N instead of the suites */
	u32 inject_at;		/* enum inject_at */
};

/* line is 1-based; key may be "" when the line has none. */
typedef void (*config_error_fn)(void *ctx, unsigned line, const char *key,
				const char *reason, const char *detail);
typedef void (*config_value_fn)(void *ctx, const char *key, const char *val);

void config_defaults(struct config *c);
/* Returns the number of errors reported. */
unsigned config_parse(struct config *c, const char *text, size_t len,
		      config_error_fn err, void *ctx);
/* Calls fn for each setting, in a fixed order, with its value as text. */
void config_foreach(const struct config *c, config_value_fn fn, void *ctx);
/* Lesson n's name, n in 1..LESSON_COUNT: "cpuid" for docs/lessons/01-cpuid.md. */
const char *config_lesson_name(unsigned n);

#endif
