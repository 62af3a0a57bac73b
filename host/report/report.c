/* The report formats by name, each rendered by its own file: text
 * (glance.c), records, perf-stat, records-csv and json (records.c), csv (stat.c: perf stat -x,), html
 * (html.c), ftrace and trace-json (ftrace.c, trace_json.c), tap and junit
 * (tap.c, junit.c). */
#include <string.h>
#include "host/report/ci.h"
#include "host/report/glance.h"
#include "host/report/html.h"
#include "host/report/records.h"
#include "host/report/report.h"
#include "host/report/stat.h"
#include "host/report/trace.h"

static const char *const format_names[] = {
	[REPORT_TEXT] = "text",
	[REPORT_RECORDS_CSV] = "records-csv",
	[REPORT_JSON] = "json",
	[REPORT_CSV] = "csv",
	[REPORT_HTML] = "html",
	[REPORT_FTRACE] = "ftrace",
	[REPORT_TRACE_JSON] = "trace-json",
	[REPORT_TAP] = "tap",
	[REPORT_JUNIT] = "junit",
	[REPORT_RECORDS] = "records",
	[REPORT_PERF_STAT] = "perf-stat",
};

int report_format_parse(const char *name, enum report_format *out)
{
	for (size_t i = 0; i < sizeof(format_names) / sizeof(format_names[0]); i++) {
		if (strcmp(name, format_names[i]) == 0) {
			*out = (enum report_format)i;
			return 0;
		}
	}
	return -1;
}

void report_print(FILE *out, const struct stream *s, enum report_format fmt,
		  const struct report_meta *meta)
{
	switch (fmt) {
	case REPORT_TEXT:
		glance_text(out, s, meta);
		break;
	case REPORT_RECORDS:
		records_text(out, s, meta);
		break;
	case REPORT_PERF_STAT:
		records_perf_stat(out, s, meta);
		break;
	case REPORT_RECORDS_CSV:
		records_csv(out, s);
		break;
	case REPORT_JSON:
		records_json(out, s, meta);
		break;
	case REPORT_CSV:
		stat_perf_csv(out, s);
		break;
	case REPORT_HTML:
		html_report(out, s, meta);
		break;
	case REPORT_FTRACE:
		trace_ftrace(out, s);
		break;
	case REPORT_TRACE_JSON:
		trace_json(out, s);
		break;
	case REPORT_TAP:
		ci_tap(out, s, meta);
		break;
	case REPORT_JUNIT:
		ci_junit(out, s, meta);
		break;
	}
}
