/* Linux perf counters for the Linux runner (pmulab linux): perf's generic
 * event names and raw:0x... resolved to perf_event_attr, opened as groups
 * pinned to one CPU, user mode only, read with read_format
 * GROUP | TOTAL_TIME_ENABLED | TOTAL_TIME_RUNNING and scaled as perf stat
 * scales a multiplexed event. */
#ifndef PMULAB_PERF_H
#define PMULAB_PERF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PERF_EVENTS_MAX		24
/* Events a group holds: 4 general-purpose counters is what every x86 core
 * since Nehalem gives a process (8 without SMT on Intel, 6 on Zen), so a
 * group of 4 is always schedulable; more events make more groups, which the
 * kernel multiplexes (time_running < time_enabled). */
#define PERF_GROUP_MAX		4
#define PERF_NAME_MAX		32

struct perf_event_attr;

/* name[len] -> attr's type and config; NULL when known, else the reason
 * ("unknown-event", "bad-raw-encoding"). */
const char *perf_event_config(const char *name, size_t len, uint32_t *type,
			      uint64_t *config);

/* One read of a group leader with read_format GROUP | TOTAL_TIME_ENABLED |
 * TOTAL_TIME_RUNNING: { nr, time_enabled, time_running, value[nr] }. Fills
 * val[0..nr) and the times; -1 when buf (words u64s) is short or nr is not
 * the nexpect events the group was opened with. */
int perf_parse_group(const uint64_t *buf, size_t words, unsigned nexpect, uint64_t *val,
		     uint64_t *enabled, uint64_t *running);

/* perf stat's estimate for a multiplexed count: value * enabled / running;
 * false when the event never ran (running == 0): nothing was counted. */
bool perf_scale(uint64_t value, uint64_t enabled, uint64_t running, uint64_t *scaled);

struct perf_count {
	uint64_t value, enabled, running;	/* times in ns, as perf gives them */
	bool counted;				/* it ran: running > 0 */
};

struct perf_set {
	unsigned n, ngroups;
	char name[PERF_EVENTS_MAX][PERF_NAME_MAX];
	const char *reason[PERF_EVENTS_MAX];	/* NULL: opened */
	uint32_t type[PERF_EVENTS_MAX];
	uint64_t config[PERF_EVENTS_MAX];
	unsigned group[PERF_EVENTS_MAX];
	unsigned gsize[PERF_EVENTS_MAX];	/* events in each group */
	int fd[PERF_EVENTS_MAX];
	int leader[PERF_EVENTS_MAX];		/* each group's leader fd */
	/* Each group's times when it was last started: RESET zeroes the
	 * counts but not time_enabled/running, which run from the open. */
	uint64_t t_enabled[PERF_EVENTS_MAX], t_running[PERF_EVENTS_MAX];
	unsigned dropped;			/* names past PERF_EVENTS_MAX */
};

/* Opens the comma-separated list on cpu for this process. Returns 0, or
 * -errno of the first perf_event_open when the kernel has no PMU for this
 * process at all (ENOENT, EOPNOTSUPP, ENODEV, EACCES, EPERM): then nothing
 * is open. Events the PMU refuses one by one get a reason and stay out. */
int perf_set_open(struct perf_set *s, const char *list, int cpu);
/* Resets every group, notes its times and enables it / disables them. */
void perf_set_start(struct perf_set *s);
void perf_set_stop(struct perf_set *s);
/* Reads each group into c[event], its times since perf_set_start(); -1
 * when a read fails. */
int perf_set_read(struct perf_set *s, struct perf_count *c);
void perf_set_close(struct perf_set *s);

#endif
