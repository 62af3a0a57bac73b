/* Linux perf counters (perf.h). */
#include <errno.h>
#include <linux/perf_event.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "host/linux/perf.h"

/* perf's own names (tools/perf/util/parse-events.c event_symbols_hw and the
 * hw-cache table), the ones the payload also knows (lib/events.c). */
#define CACHE(id, op, res) \
	(PERF_COUNT_HW_CACHE_##id | PERF_COUNT_HW_CACHE_OP_##op << 8 | \
	 PERF_COUNT_HW_CACHE_RESULT_##res << 16)

static const struct {
	const char *name;
	uint32_t type;
	uint64_t config;
} perf_names[] = {
	{ "cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES },
	{ "instructions", PERF_TYPE_HARDWARE, PERF_COUNT_HW_INSTRUCTIONS },
	{ "ref-cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_REF_CPU_CYCLES },
	{ "branches", PERF_TYPE_HARDWARE, PERF_COUNT_HW_BRANCH_INSTRUCTIONS },
	{ "branch-misses", PERF_TYPE_HARDWARE, PERF_COUNT_HW_BRANCH_MISSES },
	{ "cache-references", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CACHE_REFERENCES },
	{ "cache-misses", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CACHE_MISSES },
	{ "stalled-cycles-frontend", PERF_TYPE_HARDWARE,
	  PERF_COUNT_HW_STALLED_CYCLES_FRONTEND },
	{ "stalled-cycles-backend", PERF_TYPE_HARDWARE,
	  PERF_COUNT_HW_STALLED_CYCLES_BACKEND },
	{ "L1-dcache-loads", PERF_TYPE_HW_CACHE, CACHE(L1D, READ, ACCESS) },
	{ "L1-dcache-load-misses", PERF_TYPE_HW_CACHE, CACHE(L1D, READ, MISS) },
	{ "LLC-loads", PERF_TYPE_HW_CACHE, CACHE(LL, READ, ACCESS) },
	{ "LLC-load-misses", PERF_TYPE_HW_CACHE, CACHE(LL, READ, MISS) },
	{ "dTLB-load-misses", PERF_TYPE_HW_CACHE, CACHE(DTLB, READ, MISS) },
	/* The kernel's own counts, which need no PMU: they run the perf path
	 * where there is none (tests/e2e/test_linux.py). */
	{ "task-clock", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_TASK_CLOCK },
	{ "page-faults", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS },
	{ "context-switches", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CONTEXT_SWITCHES },
};

const char *perf_event_config(const char *name, size_t len, uint32_t *type,
			      uint64_t *config)
{
	uint64_t v = 0;

	for (size_t i = 0; i < sizeof(perf_names) / sizeof(perf_names[0]); i++) {
		if (strlen(perf_names[i].name) == len && !memcmp(perf_names[i].name, name, len)) {
			*type = perf_names[i].type;
			*config = perf_names[i].config;
			return NULL;
		}
	}
	if (len < 7 || memcmp(name, "raw:0x", 6))
		return "unknown-event";
	/* raw:0xHEX is the event selector's bits, as perf's rNNN. */
	for (size_t i = 6; i < len; i++) {
		char c = name[i];
		unsigned d = c >= '0' && c <= '9' ? c - '0' :
			     c >= 'a' && c <= 'f' ? c - 'a' + 10 :
			     c >= 'A' && c <= 'F' ? c - 'A' + 10 : 16;

		if (d == 16 || i >= 6 + 16)
			return "bad-raw-encoding";
		v = v << 4 | d;
	}
	*type = PERF_TYPE_RAW;
	*config = v;
	return NULL;
}

int perf_parse_group(const uint64_t *buf, size_t words, unsigned nexpect, uint64_t *val,
		     uint64_t *enabled, uint64_t *running)
{
	if (words < 3 || buf[0] != nexpect || words < 3 + nexpect)
		return -1;
	*enabled = buf[1];
	*running = buf[2];
	for (unsigned i = 0; i < nexpect; i++)
		val[i] = buf[3 + i];
	return 0;
}

bool perf_scale(uint64_t value, uint64_t enabled, uint64_t running, uint64_t *scaled)
{
	if (!running)
		return false;
	*scaled = running >= enabled ? value :
		  (uint64_t)((unsigned __int128)value * enabled / running);
	return true;
}

static int open_event(uint32_t type, uint64_t config, int cpu, int group_fd)
{
	struct perf_event_attr a;

	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.type = type;
	a.config = config;
	a.disabled = group_fd < 0;
	a.exclude_kernel = 1;
	a.exclude_hv = 1;
	a.read_format = PERF_FORMAT_GROUP | PERF_FORMAT_TOTAL_TIME_ENABLED |
			PERF_FORMAT_TOTAL_TIME_RUNNING;
	/* This process (pid 0) on the one CPU it is pinned to. */
	return (int)syscall(SYS_perf_event_open, &a, 0, cpu, group_fd, PERF_FLAG_FD_CLOEXEC);
}

static bool no_pmu(int e)
{
	return e == ENOENT || e == EOPNOTSUPP || e == ENODEV || e == EACCES || e == EPERM;
}

static const char *open_reason(int e)
{
	switch (e) {
	case ENOENT: return "perf-ENOENT-event-not-supported";
	case EOPNOTSUPP: return "perf-EOPNOTSUPP";
	case EINVAL: return "perf-EINVAL";
	case EACCES: case EPERM: return "perf-EACCES";
	case ENOSPC: return "perf-ENOSPC-no-counter";
	}
	return "perf-open-failed";
}

/* The events of list into s, resolved, not opened. */
static void parse_list(struct perf_set *s, const char *list)
{
	const char *p = list;

	while (*p) {
		const char *e = p;

		while (*e && *e != ',')
			e++;
		if (e > p && s->n == PERF_EVENTS_MAX) {
			s->dropped++;
		} else if (e > p) {
			unsigned i = s->n++;
			size_t len = (size_t)(e - p) < PERF_NAME_MAX - 1 ? (size_t)(e - p) :
				     PERF_NAME_MAX - 1;

			memcpy(s->name[i], p, len);
			s->name[i][len] = '\0';
			s->reason[i] = perf_event_config(p, e - p, &s->type[i], &s->config[i]);
		}
		p = *e ? e + 1 : e;
	}
}

int perf_set_open(struct perf_set *s, const char *list, int cpu)
{
	bool pmu = false;

	memset(s, 0, sizeof(*s));
	for (unsigned i = 0; i < PERF_EVENTS_MAX; i++)
		s->fd[i] = s->leader[i] = -1;
	parse_list(s, list);
	for (unsigned i = 0; i < s->n; i++)
		pmu |= !s->reason[i] && s->type[i] != PERF_TYPE_SOFTWARE;
	/* Instructions, which every PMU counts: its failure means no PMU
	 * for this process, not one event the PMU lacks. */
	if (pmu) {
		int probe = open_event(PERF_TYPE_HARDWARE, PERF_COUNT_HW_INSTRUCTIONS, cpu, -1);

		if (probe < 0 && no_pmu(errno))
			return -errno;
		if (probe >= 0)
			close(probe);
	}
	for (unsigned i = 0; i < s->n; i++) {
		unsigned g = s->ngroups ? s->ngroups - 1 : 0;
		int fd;

		if (s->reason[i])
			continue;
		if (!s->ngroups || s->gsize[g] == PERF_GROUP_MAX)
			g = s->ngroups++;
		fd = open_event(s->type[i], s->config[i], cpu, s->leader[g]);
		if (fd < 0 && s->gsize[g] == 0)
			s->ngroups--;
		if (fd < 0) {
			s->reason[i] = open_reason(errno);
			continue;
		}
		s->fd[i] = fd;
		s->group[i] = g;
		if (s->gsize[g]++ == 0)
			s->leader[g] = fd;
	}
	return 0;
}

/* One group's read: values and times. */
static int read_group(struct perf_set *s, unsigned g, uint64_t *val, uint64_t *en,
		      uint64_t *run)
{
	uint64_t buf[3 + PERF_GROUP_MAX];
	ssize_t n = read(s->leader[g], buf, sizeof(buf));

	if (n < 0)
		return -1;
	return perf_parse_group(buf, (size_t)n / 8, s->gsize[g], val, en, run);
}

void perf_set_start(struct perf_set *s)
{
	uint64_t val[PERF_GROUP_MAX];

	for (unsigned g = 0; g < s->ngroups; g++) {
		ioctl(s->leader[g], PERF_EVENT_IOC_RESET, PERF_IOC_FLAG_GROUP);
		if (read_group(s, g, val, &s->t_enabled[g], &s->t_running[g]) < 0)
			s->t_enabled[g] = s->t_running[g] = 0;
	}
	for (unsigned g = 0; g < s->ngroups; g++)
		ioctl(s->leader[g], PERF_EVENT_IOC_ENABLE, PERF_IOC_FLAG_GROUP);
}

void perf_set_stop(struct perf_set *s)
{
	for (unsigned g = 0; g < s->ngroups; g++)
		ioctl(s->leader[g], PERF_EVENT_IOC_DISABLE, PERF_IOC_FLAG_GROUP);
}

int perf_set_read(struct perf_set *s, struct perf_count *c)
{
	for (unsigned g = 0; g < s->ngroups; g++) {
		uint64_t val[PERF_GROUP_MAX], en, run;
		unsigned k = 0;

		if (read_group(s, g, val, &en, &run) < 0)
			return -1;
		en -= s->t_enabled[g];
		run -= s->t_running[g];
		/* Group members come back in the order they were opened. */
		for (unsigned i = 0; i < s->n; i++) {
			if (s->fd[i] < 0 || s->group[i] != g)
				continue;
			c[i] = (struct perf_count){ val[k++], en, run, run > 0 };
		}
	}
	return 0;
}

void perf_set_close(struct perf_set *s)
{
	for (unsigned i = 0; i < s->n; i++)
		if (s->fd[i] >= 0)
			close(s->fd[i]);
	s->ngroups = 0;
}
