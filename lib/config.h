/* \pmulab\config.txt: `key=value` lines, `#` comments. Pure parsing, no UEFI,
 * so it is unit-tested on the host (tests/unit/lib/test_config.c). A bad line is
 * reported through the callback and leaves that setting at its default. */
#ifndef PMULAB_CONFIG_H
#define PMULAB_CONFIG_H

#include "lib/types.h"

#define CONFIG_LINE_MAX 256
#define CONFIG_FILE_MAX 65536
#define CONFIG_STR_MAX 200
#define CONFIG_OFF 0xffffffffu		/* an optional number that is off */
#define CONFIG_LESSONS 10		/* lesson=1..10 (kernel-side/lessons/lesson.h) */

/* suite= names, a bit each. */
#define SUITE_PMU_CHECK BIT(0)
#define SUITE_QUICK	BIT(1)
#define SUITE_FULL	BIT(2)
#define SUITE_FTRACE	BIT(3)
#define SUITE_PROBES	BIT(4)
#define SUITE_SAMPLE	BIT(5)

/* skip= names, a bit each: parts unknown hardware may not take well. */
#define SKIP_PMU	BIT(0)	/* no PMU MSR writes: nothing is counted */
#define SKIP_LBR	BIT(1)	/* no LBR MSR access at all */
#define SKIP_PROBES	BIT(2)	/* no INT3 probes or debug-register breakpoints */

enum cfg_exit { EXIT_AUTO, EXIT_QEMU, EXIT_SHUTDOWN, EXIT_REBOOT, EXIT_RETURN };
enum cfg_ring { RING_OVERWRITE, RING_STOP };

/* Settings are u32s (a list of names is a bit mask) or one string, so one
 * table can describe them all (config.c). */
struct config {
	u32 serial;		/* use a 16550 when one answers */
	u32 serial_port;	/* its I/O base */
	u32 results;		/* write \pmulab\results.txt */
	u32 exit;		/* enum cfg_exit */
	u32 exit_wait;		/* seconds to show the summary before power-off */
	u32 inject_fault;	/* enum inject_fault (selftest.h) */
	u32 suite;		/* SUITE_* */
	char benches[CONFIG_STR_MAX];	/* more benches (suites.h syntax), or "none" */
	char events[CONFIG_STR_MAX];	/* perf event names for counter records */
	u32 seed;		/* for chase orders and branch patterns */
	u32 skip;		/* SKIP_* */
	char ftrace_filter[CONFIG_STR_MAX];	/* globs of functions to trace */
	char ftrace_notrace[CONFIG_STR_MAX];	/* globs not to, or "none" */
	u32 ftrace_ring;	/* enum cfg_ring: what a full trace ring does */
	u32 icount_shift;	/* QEMU -icount shift the host launched with, or CONFIG_OFF */
	u32 sample_src;		/* enum sample_want (sample_suite.h) */
	u32 sample_period;	/* events (PMI) or LAPIC timer ticks */
	u32 sample_random;	/* draw each period from period +- 1/8 */
	u32 explain;		/* narrate every MSR access and code patch (explain.h) */
	u32 lesson;		/* 0: none; N: run lesson N instead of the suites */
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

#endif
