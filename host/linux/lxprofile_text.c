/* pmulab linux --profile's pure parts (lxprofile.h): what perf record says,
 * the source names of the records, and what a call graph mode needs. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "host/linux/lxprofile.h"

long long lxp_recorded(const char *log)
{
	/* tools/perf/builtin-record.c: "[ perf record: Captured and wrote
	 * %.3f MB %s (%zu samples) ]"; the last such line counts, and in it
	 * the last '(' (the path may hold one). */
	const char *p = log, *hit = NULL, *open = NULL;
	long long n;
	char *end;

	while ((p = strstr(p, "[ perf record: Captured and wrote "))) {
		hit = p;
		p++;
	}
	if (!hit)
		return -1;
	for (p = hit; *p && *p != '\n'; p++)
		if (*p == '(')
			open = p;
	if (!open || !isdigit((unsigned char)open[1]))
		return -1;
	n = strtoll(open + 1, &end, 10);
	return strncmp(end, " samples)", 9) ? -1 : n;
}

const char *lxp_src(const char *event, char *buf, size_t len, const char **why)
{
	size_t n = strcspn(event, ":");

	if (!n) {
		*why = "an empty event name";
		return NULL;
	}
	/* perf names (cycles, cpu-clock, L1-dcache-load-misses): the record
	 * format's value characters, with no '/' or '=' of a PMU term. */
	for (size_t i = 0; i < n; i++) {
		if (!isalnum((unsigned char)event[i]) && event[i] != '-' && event[i] != '_' &&
		    event[i] != '.') {
			*why = "use a perf event name (cycles, instructions, cpu-clock, ...), "
			       "not a PMU term or raw syntax";
			return NULL;
		}
	}
	if ((size_t)snprintf(buf, len, "perf-%.*s", (int)n, event) >= len) {
		*why = "too long";
		return NULL;
	}
	return buf;
}

const char *lxp_call_graph_check(const char *mode, bool pmu, unsigned lbr_depth)
{
	if (!strcmp(mode, "fp") || !strcmp(mode, "dwarf"))
		return NULL;
	if (strcmp(mode, "lbr"))
		return "use fp, lbr or dwarf";
	if (!pmu)
		return "lbr needs a hardware PMU with a branch stack (Intel LBR); this "
		       "machine has no PMU for perf: use --call-graph dwarf or fp";
	if (!lbr_depth)
		return "lbr needs a PMU with LBR (/sys/bus/event_source/devices/cpu/caps/"
		       "branches); this one has none: use --call-graph dwarf or fp";
	return NULL;
}

const char *lxp_paranoid_check(int level, bool privileged)
{
	/* Documentation/admin-guide/perf-security.rst: at 2 an unprivileged
	 * process may still profile itself in user mode (the :u events used
	 * here); above 2 (Debian's 3) only CAP_PERFMON or root may. */
	if (privileged || level <= 2)
		return NULL;
	return "kernel.perf_event_paranoid is above 2: run as root, give perf "
	       "CAP_PERFMON, or `sysctl kernel.perf_event_paranoid=2`";
}
