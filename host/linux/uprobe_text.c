/* The texts the uprobe cross-check reads (uprobe.h): /proc/self/maps and
 * tracefs's uprobe_profile. Pure, unit-tested
 * (tests/unit/host/test_uprobe.c). */
#include <stdio.h>
#include <string.h>
#include "host/linux/uprobe.h"

int uprobe_file_offset(const char *maps, uintptr_t addr, char *path, size_t len,
		       uint64_t *offset)
{
	const char *line = maps;

	while (line && *line) {
		unsigned long long lo, hi, off;
		char perms[8];
		int n = 0;

		if (sscanf(line, "%llx-%llx %7s %llx %*s %*s%n", &lo, &hi, perms, &off, &n) == 4 &&
		    addr >= lo && addr < hi) {
			const char *p = line + n, *e;

			while (*p == ' ')
				p++;
			e = strchr(p, '\n');
			if (*p != '/')
				return -1;
			snprintf(path, len, "%.*s", (int)(e ? e - p : (long)strlen(p)), p);
			*offset = addr - lo + off;
			return 0;
		}
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	return -1;
}

long long uprobe_profile_hits(const char *profile, const char *event)
{
	const char *line = profile;

	while (line && *line) {
		char file[4096], ev[256];
		long long hits;

		if (sscanf(line, " %4095s %255s %lld", file, ev, &hits) == 3 && !strcmp(ev, event))
			return hits;
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	return -1;
}
