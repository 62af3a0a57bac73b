/* On-screen summary (summary.h). Plain lines, no colour: a firmware console
 * may be 80 columns of anything. */
#include "firmware/console.h"
#include "lib/fmt.h"
#include "lib/check.h"
#include "lib/record.h"
#include "firmware/summary.h"
#include "firmware/volume.h"

static void line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void line(const char *fmt, ...)
{
	char buf[160];
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	n = fmt_vsnprintf(buf, sizeof(buf) - 2, fmt, ap);
	va_end(ap);
	if (n > sizeof(buf) - 3)
		n = sizeof(buf) - 3;
	buf[n++] = '\r';
	buf[n++] = '\n';
	console_write(buf, n);
}

static void pmu_line(const struct pmu_caps *pc)
{
	if (!pc->present)
		line("  PMU      none usable (%s): hardware counts are reported as src=none",
		     pc->reason);
	else if (pc->vendor == VENDOR_INTEL)
		line("  PMU      Intel architectural perfmon v%u: %u general counters of %u bits, "
		     "%u fixed", pc->version, pc->gp_counters, pc->gp_width, pc->fixed_counters);
	else
		line("  PMU      AMD: %u counters of 48 bits%s", pc->amd_counters,
		     pc->perfmon_v2 ? ", PerfMonV2" : "");
}

void summary_show(const struct summary *s)
{
	const struct cpu_info *ci = s->ci;
	const char *name;

	console_write("\r\n", 2);
	line("pmulab %s: finished, status=%s", PMULAB_VERSION, run_status_name(s->status));
	line("  CPU      %s (%s family 0x%x model 0x%x)%s%s", ci->brand[0] ? ci->brand : "?",
	     ci->vendor, ci->family, ci->model, ci->hypervisor ? ", under " : "",
	     ci->hypervisor ? ci->hv_signature : "");
	pmu_line(s->pc);
	line("  checks   %llu pass, %llu fail, %llu skip",
	     (unsigned long long)check_count(CHECK_PASS),
	     (unsigned long long)check_count(CHECK_FAIL),
	     (unsigned long long)check_count(CHECK_SKIP));
	for (unsigned i = 0; (name = check_failed(i)); i++)
		line("    FAIL   %s", name);
	if (check_count(CHECK_FAIL) > CHECK_FAILED_KEPT)
		line("    ...    and %llu more",
		     (unsigned long long)(check_count(CHECK_FAIL) - CHECK_FAILED_KEPT));
	line("  benches  %u run", s->benches);
	line("  records  %llu, %llu of them errors", (unsigned long long)rec_count(),
	     (unsigned long long)rec_error_count());
	if (s->results_file)
		line("  results  %s on this boot volume (pmulab import reads it)", s->results_file);
	else if (!volume_present())
		line("  results  none: no boot volume, the records went to serial only");
	else
		line("  results  no results file was written (see the error records)");
}
