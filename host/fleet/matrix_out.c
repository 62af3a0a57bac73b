/* What a matrix gives: the configuration x result table on stdout, and one
 * JUnit file with a testsuite per configuration for a CI system. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "host/fleet/matrix.h"
#include "host/report/ci.h"

/* "tcg cpu=Skylake-Client,pmu=off": how a configuration runs. */
static void mode(const struct matrix_cfg *c, char *buf, size_t len)
{
	snprintf(buf, len, "%s cpu=%s%s%s%s", c->kvm ? "kvm" : "tcg", c->cpu,
		 c->kvm ? ",pmu=on" : "", c->flags[0] ? "," : "", c->flags);
}

/* The result column: the run's verdict, or why it did not run. */
static const char *result(const struct matrix_cfg *c)
{
	switch (c->state) {
	case MATRIX_RAN:
		return c->stream ? ci_status(c->stream) : "no records";
	case MATRIX_NO_MODEL:
		return "not in this QEMU";
	case MATRIX_NO_KVM:
		return "unavailable";
	case MATRIX_NOT_STARTED:
		return "not started";
	default:
		return "not run";
	}
}

void matrix_table(FILE *out, const struct matrix_cfg *cfg, int n)
{
	fprintf(out, "%-22s %-5s %-30s %-17s %6s %5s %5s %5s %8s\n", "configuration", "accel",
		"cpu", "result", "checks", "pass", "fail", "skip", "time");
	for (int i = 0; i < n; i++) {
		const struct matrix_cfg *c = &cfg[i];
		char cpu[MATRIX_VAL_MAX * 2];
		size_t count[4] = { 0 };

		snprintf(cpu, sizeof(cpu), "%s%s%s", c->cpu, c->flags[0] ? "," : "", c->flags);
		fprintf(out, "%-22s %-5s %-30s %-17s", c->name, c->kvm ? "kvm" : "tcg", cpu,
			result(c));
		if (!c->stream) {
			fprintf(out, " %6s %5s %5s %5s %8s", "-", "-", "-", "-", "-");
			if (c->why[0])
				fprintf(out, "  %s", c->why);
			fputc('\n', out);
			continue;
		}
		for (size_t r = 0; r < c->stream->nrecs; r++)
			if (!strcmp(c->stream->recs[r].type, "check"))
				count[report_check_result(&c->stream->recs[r])]++;
		fprintf(out, " %6zu %5zu %5zu %5zu %6.1f s\n",
			count[0] + count[1] + count[2] + count[3], count[0], count[1], count[2],
			c->seconds);
	}
}

int matrix_junit(const char *path, const struct matrix_cfg *cfg, int n)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	      "<testsuites name=\"pmulab matrix\">\n", f);
	for (int i = 0; i < n; i++) {
		const struct matrix_cfg *c = &cfg[i];
		char m[MATRIX_VAL_MAX * 3], why[MATRIX_VAL_MAX * 2];

		mode(c, m, sizeof(m));
		if (c->stream) {
			struct report_meta meta = { .source = c->dir, .mode = m,
						    .boot_to_end_s = -1 };

			ci_junit_suite(f, c->name, c->stream, &meta);
		} else {
			snprintf(why, sizeof(why), "%s%s%s", result(c), c->why[0] ? ": " : "",
				 c->why);
			ci_junit_unrun(f, c->name, m, why);
		}
	}
	fputs("</testsuites>\n", f);
	if (ferror(f)) {
		fclose(f);
		errno = EIO;
		return -1;
	}
	return fclose(f);
}
