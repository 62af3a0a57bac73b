/* pmulab payload entry: read the config, open the output channels, run each
 * section in the owned world, report, and exit with the run's status. */
#include "lib/config.h"
#include "kernel-side/cpu/cpuinfo.h"
#include "kernel-side/cpu/debugreg.h"
#include "firmware/uefi.h"
#include "kernel-side/cpu/exception.h"
#include "firmware/exit.h"
#include "kernel-side/explain/explain.h"
#include "kernel-side/ftrace/ftrace_suite.h"
#include "lib/fmt.h"
#include "kernel-side/lbr/lbr.h"
#include "kernel-side/lbr/lbr_check.h"
#include "kernel-side/lessons/lesson.h"
#include "lib/libc.h"
#include "microbench/kernels.h"
#include "firmware/output.h"
#include "kernel-side/cpu/owned.h"
#include "kernel-side/pmu/pmu.h"
#include "kernel-side/pmu/pmu_check.h"
#include "kernel-side/probes/probes_suite.h"
#include "lib/check.h"
#include "lib/record.h"
#include "kernel-side/sample/sample_suite.h"
#include "kernel-side/cpu/selftest.h"
#include "firmware/smbios.h"
#include "kernel-side/bench/suite_run.h"
#include "firmware/summary.h"
#include "lib/symtab.h"
#include "firmware/volume.h"

#define CONFIG_PATH L"\\pmulab\\config.txt"
#define CONFIG_ERRORS_MAX 32

extern char ImageBase[];	/* firmware/pmulab.lds: the image's first byte */
extern char _text[], _etext[];	/* and its code */

struct config_error {
	unsigned line;
	char key[64], reason[24], detail[128];
};

static struct config cfg;
static struct config_error cfg_errors[CONFIG_ERRORS_MAX];
static unsigned cfg_nerrors, cfg_nerrors_total;
static bool on_qemu;

static struct cpu_info cpu;
static struct pmu_caps pmu;
static struct lbr_caps lbr;
static struct debug_caps dbg;
static struct apic_info apic;
static unsigned benches_run;
static u64 tsc_hz;
static struct ftrace_env ftrace_env;
static struct probes_env probes_env;
static struct sample_env sample_env;


static void copy_str(char *dst, size_t size, const char *src)
{
	size_t n = strlen(src);

	if (n >= size)
		n = size - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static void config_error(void *ctx, unsigned line, const char *key,
			 const char *reason, const char *detail)
{
	struct config_error *e;

	cfg_nerrors_total++;
	if (cfg_nerrors == CONFIG_ERRORS_MAX)
		return;
	e = &cfg_errors[cfg_nerrors++];
	e->line = line;
	copy_str(e->key, sizeof(e->key), key);
	copy_str(e->reason, sizeof(e->reason), reason);
	copy_str(e->detail, sizeof(e->detail), detail);
}

/* Reads and parses the config before any output exists; problems are kept
 * and reported once the stream has begun. Returns the record source. */
static const char *config_load(EFI_STATUS vol)
{
	char *text;
	size_t len;
	EFI_STATUS st = vol;
	char buf[24];

	if (!EFI_ERROR(vol))
		st = volume_read(CONFIG_PATH, &text, &len, CONFIG_FILE_MAX);
	if (st == EFI_NOT_FOUND)
		return "none";
	if (EFI_ERROR(st)) {
		config_error(NULL, 0, "", st == EFI_BUFFER_TOO_SMALL ? "file-too-large" :
			     "unreadable", efi_status_name(st, buf));
		return "unreadable";
	}
	config_parse(&cfg, text, len, config_error, NULL);
	FreePool(text);
	return "file";
}

static void config_field(void *ctx, const char *key, const char *val)
{
	rec_str(ctx, key, val);
}

static void report_config(const char *source)
{
	struct rec r;

	rec_begin(&r, "config");
	rec_str(&r, "source", source);
	rec_str(&r, "results_file", results_file() ? results_file() : "none");
	config_foreach(&cfg, config_field, &r);
	rec_end(&r);
	for (unsigned i = 0; i < cfg_nerrors; i++) {
		const struct config_error *e = &cfg_errors[i];

		rec_begin(&r, "error");
		rec_str(&r, "kind", "config");
		rec_str(&r, "path", "\\pmulab\\config.txt");
		rec_u64(&r, "line", e->line);
		rec_str(&r, "key", e->key);
		rec_str(&r, "reason", e->reason);
		if (e->detail[0])
			rec_str(&r, "detail", e->detail);
		rec_end(&r);
	}
	if (cfg_nerrors_total > cfg_nerrors)
		rec_narrate("config: %u more errors not shown", cfg_nerrors_total - cfg_nerrors);
}

/* A UEFI global variable of one byte (SecureBoot, SetupMode: UEFI spec 3.3),
 * as "0"/"1", or "none" when the firmware does not have it. */
static const char *global_flag(CHAR16 *name)
{
	UINT8 val = 0;
	UINTN size = sizeof(val);

	if (EFI_ERROR(RT->GetVariable(name, &gEfiGlobalVariableGuid, NULL, &size, &val)))
		return "none";
	return val ? "1" : "0";
}

/* TSC ticks per second against the firmware's 10 ms stall (UEFI spec 7.5
 * Stall), for trace timestamps. Coarse, and said to be (hello tsc_hz).
 * Under -icount the answer is known, and measuring it is not repeatable:
 * QEMU's TSC and virtual clock both advance 2^shift per instruction (ns and
 * ticks), so the TSC runs at 1 GHz of guest time; but the Stall polls a
 * timer that host-timed I/O completions can shift by a few instructions. */
static u64 measure_tsc_hz(void)
{
	u64 t0;

	if (cfg.icount_shift != CONFIG_OFF)
		return 1000000000;
	t0 = rdtsc();

	BS->Stall(10000);
	return (rdtsc() - t0) * 100;
}

static void report_hello(EFI_SYSTEM_TABLE *systab)
{
	char vendor[64], sys_vendor[64], sys_product[64];
	struct rec r;
	char uefi[16];

	efi_to_ascii(systab->FirmwareVendor, vendor, sizeof(vendor));
	smbios_system(sys_vendor, sizeof(sys_vendor), sys_product, sizeof(sys_product));
	on_qemu = !strcmp(sys_vendor, "QEMU");
	fmt_snprintf(uefi, sizeof(uefi), "%u.%u", systab->Hdr.Revision >> 16,
		     systab->Hdr.Revision & 0xffff);

	rec_begin(&r, "hello");
	rec_u64(&r, "format", REC_FORMAT);
	rec_str(&r, "payload", PMULAB_VERSION);
	rec_str(&r, "firmware", vendor);
	rec_hex(&r, "fw_rev", systab->FirmwareRevision);
	rec_str(&r, "uefi", uefi);
	rec_str(&r, "boot", on_qemu ? "qemu" : "hw");
	rec_str(&r, "system_vendor", sys_vendor[0] ? sys_vendor : "none");
	rec_str(&r, "system_product", sys_product[0] ? sys_product : "none");
	rec_hex(&r, "image_base", (u64)(uintptr_t)ImageBase);
	rec_str(&r, "console", output_channel());
	/* An image that runs with Secure Boot on was signed by an enrolled key;
	 * one that is refused never gets here (docs/real-hardware.md). */
	rec_u64(&r, "tsc_hz", tsc_hz);
	rec_str(&r, "tsc_hz_src", cfg.icount_shift != CONFIG_OFF ? "icount" : "stall");
	rec_str(&r, "secure_boot", global_flag(L"SecureBoot"));
	rec_str(&r, "setup_mode", global_flag(L"SetupMode"));
	if (output_serial())
		rec_hex(&r, "serial_port", output_serial_port());
	rec_end(&r);
	rec_narrate("pmulab %s on %s (%s %s): one record per line, format in "
		    "docs/record-format.md", PMULAB_VERSION, vendor, sys_vendor, sys_product);
}

static void report_fault(const char *section, const struct fault_info *f, bool nested)
{
	char sym[96], trace[FAULT_TRACE_MAX * 48];
	struct rec r;
	size_t n = 0;

	rec_begin(&r, "error");
	rec_str(&r, "kind", "exception");
	rec_str(&r, "section", section);
	rec_u64(&r, "vector", f->vector);
	rec_str(&r, "name", exc_name((unsigned)f->vector));
	rec_hex(&r, "rip", f->rip);
	symtab_format(f->rip, (u64)(uintptr_t)ImageBase, sym, sizeof(sym));
	rec_str(&r, "sym", sym);
	rec_hex(&r, "error_code", f->error_code);
	rec_hex(&r, "cr2", f->cr2);
	rec_hex(&r, "rflags", f->rflags);
	rec_hex(&r, "rsp", f->rsp);
	for (unsigned i = 0; i < f->ntrace; i++) {
		if (n)
			trace[n++] = ',';
		symtab_format(f->trace[i], (u64)(uintptr_t)ImageBase, trace + n,
			      sizeof(trace) - n);
		n += strlen(trace + n);
	}
	if (n)
		rec_str(&r, "trace", trace);
	if (nested)
		rec_u64(&r, "nested", 1);
	rec_end(&r);
	rec_narrate("exception: #%s at %s in section %s: section aborted, machine state "
		    "restored", exc_name((unsigned)f->vector), sym, section);
}

static void report_end(enum run_status st)
{
	struct rec r;

	rec_begin(&r, "end");
	rec_u64(&r, "count", rec_count());
	rec_str(&r, "status", run_status_name(st));
	rec_end(&r);
}

/* A fault while leaving the owned world: nothing to return to. Say so on the
 * channels that need no firmware, then stop the machine. */
static void panic(const struct fault_info *f)
{
	report_fault("leave", f, true);
	report_end(STATUS_ERROR);
	pmulab_exit_now(STATUS_ERROR, on_qemu);
}

/* The owned.restore check for the section that ran last. */
static void report_restore(const char *name)
{
	struct owned_stats os;

	owned_last_stats(&os);
	selftest_report_restore(name, &os);
}

/* Runs one owned section; false when an exception aborted it (reported, with
 * the state restored on the way out). */
static bool section(const char *name, void (*fn)(void *), void *arg)
{
	struct fault_info f;

	if (owned_run(fn, arg, &f) == 0)
		return true;
	report_fault(name, &f, false);
	report_restore(name);
	return false;
}

static void probe_caps(void *arg)
{
	cpu_probe(&cpu);
	if (cfg.skip & SKIP_PMU)
		pmu_probe_no_writes(&cpu, &pmu);
	else
		pmu_probe(&cpu, &pmu);
	if (cfg.skip & SKIP_LBR)
		lbr = (struct lbr_caps){ .reason = "skipped-by-config" };
	else
		lbr_probe(&cpu, &pmu, &lbr);
	debug_probe(&cpu, &dbg);
	apic_probe(&cpu, &apic);
}

static u32 icount_shift(void)
{
	return cfg.icount_shift == CONFIG_OFF ? BENCH_NO_ICOUNT : cfg.icount_shift;
}

static bool run_pmu_check(void)
{
	/* The known-length loops (microbench/loops.asm). */
	static struct pmu_check_kernel kernels[2];
	static struct pmu_check_env env;
	struct owned_stats os;

	kernels[0].k = mb_kernel_find("loop", 4);
	kernels[1].k = mb_kernel_find("nop8", 4);
	for (unsigned i = 0; i < ARRAY_SIZE(kernels); i++)
		kernels[i].fn = mb_entry(kernels[i].k);
	env = (struct pmu_check_env){
		.ci = &cpu, .pc = &pmu, .kernels = kernels, .nkernels = ARRAY_SIZE(kernels),
		.events = cfg.events, .icount_shift = icount_shift(),
	};
	if (!section("pmu-check", pmu_check_run, &env))
		return false;
	owned_last_stats(&os);
	pmu_check_report_restore(&os);
	report_restore("pmu-check");
	output_flush();
	return true;
}

/* Memory for chase and stream: the largest working set planned, or as much
 * of it as UEFI gives (halving the request): a bench that does not fit
 * reports itself skipped. Allocated outside the owned world. */
static u8 *bench_memory(u64 want, u64 *got)
{
	EFI_PHYSICAL_ADDRESS addr;

	for (*got = want; *got >= EFI_PAGE_SIZE; *got /= 2) {
		if (!EFI_ERROR(BS->AllocatePages(AllocateAnyPages, EfiLoaderData,
						 EFI_SIZE_TO_PAGES(*got), &addr)))
			return (u8 *)(uintptr_t)addr;
	}
	*got = 0;
	return NULL;
}

/* Each bench runs in its own owned section, so a fault costs one bench and
 * the results file holds every finished one. */
static void run_benches(void)
{
	static struct suite_spec plan[SUITE_PLAN_MAX];
	static struct suite_env env;
	struct owned_stats os, all = { .idt_restored = true, .if_restored = true };
	unsigned n = suite_plan(cfg.suite & SUITE_QUICK, cfg.suite & SUITE_FULL,
				!strcmp(cfg.benches, "none") ? "" : cfg.benches, plan,
				SUITE_PLAN_MAX);
	u64 want = suite_memory(plan, n);

	if (!n)
		return;
	env = (struct suite_env){
		.ci = &cpu, .pc = &pmu, .events = cfg.events, .icount_shift = icount_shift(),
		.seed = cfg.seed,
	};
	env.mem = want ? bench_memory(want, &env.mem_size) : NULL;
	rec_narrate("benches: %u to run, %llu KiB of memory for working sets (%llu asked)",
		    n, (unsigned long long)(env.mem_size >> 10),
		    (unsigned long long)(want >> 10));
	for (unsigned i = 0; i < n; i++) {
		struct suite_job job = { &env, &plan[i] };

		if (!section(plan[i].name, suite_run_bench, &job))
			break;
		benches_run++;
		owned_last_stats(&os);
		all.msrs_restored += os.msrs_restored;
		all.msrs_mismatched += os.msrs_mismatched;
		all.idt_restored &= os.idt_restored;
		all.if_restored &= os.if_restored;
		output_flush();
	}
	if (env.mem)
		BS->FreePages((EFI_PHYSICAL_ADDRESS)(uintptr_t)env.mem,
			      EFI_SIZE_TO_PAGES(env.mem_size));
	selftest_report_restore("benches", &all);
	output_flush();
}

/* suite=sample in its own section; the sample buffer is UEFI pages, taken
 * before it and given back after. */
static bool run_sample(void)
{
	u64 size = SAMPLE_BUF_MAX * sizeof(struct sample), got;
	bool ok;

	sample_env = (struct sample_env){
		.image_base = (u64)(uintptr_t)ImageBase, .text_lo = (u64)(uintptr_t)_text,
		.text_hi = (u64)(uintptr_t)_etext, .ci = &cpu, .pc = &pmu, .apic = &apic,
		.lc = &lbr, .events = cfg.events, .icount_shift = icount_shift(),
		.want = cfg.sample_src,
		.period = cfg.sample_period, .random = cfg.sample_random, .seed = cfg.seed,
	};
	sample_env.buf = (struct sample *)bench_memory(size, &got);
	sample_env.max = got / sizeof(struct sample);
	ok = section("sample", sample_suite_run, &sample_env);
	if (ok)
		report_restore("sample");
	if (sample_env.buf)
		BS->FreePages((EFI_PHYSICAL_ADDRESS)(uintptr_t)sample_env.buf,
			      EFI_SIZE_TO_PAGES(got));
	output_flush();
	return ok;
}

static void explain_symbol(u64 addr, char *buf, size_t size)
{
	symtab_format(addr, (u64)(uintptr_t)ImageBase, buf, size);
}

/* On real hardware the learner reads each step before the next: a key, or
 * LESSON_WAIT_S seconds for a machine nobody sits at (UEFI spec 12.3
 * WaitForKey, 7.1 CreateEvent). Under QEMU nothing waits. */
#define LESSON_WAIT_S 120

static void lesson_pause(void)
{
	EFI_EVENT events[2] = { ST->ConIn->WaitForKey, NULL };
	EFI_INPUT_KEY key;
	UINTN which;

	if (on_qemu)
		return;
	rec_narrate("(press a key for the next step; it goes on by itself in %u s)",
		    LESSON_WAIT_S);
	output_flush();
	if (EFI_ERROR(BS->CreateEvent(EVT_TIMER, 0, NULL, NULL, &events[1])))
		return;
	BS->SetTimer(events[1], TimerRelative, LESSON_WAIT_S * 10000000ull);
	BS->WaitForEvent(2, events, &which);
	BS->CloseEvent(events[1]);
	if (which == 0)
		ST->ConIn->ReadKeyStroke(ST->ConIn, &key);
}

/* lesson=N: the lesson's steps instead of the suites, each its own owned
 * section, a pause between them on real hardware. */
static void run_lesson(void)
{
	static struct lesson_env env;
	const struct lesson *l = lesson_find(cfg.lesson);

	env = (struct lesson_env){
		.ci = &cpu, .pc = &pmu, .lc = &lbr, .apic = &apic,
		.image_base = (u64)(uintptr_t)ImageBase, .text_lo = (u64)(uintptr_t)_text,
		.text_hi = (u64)(uintptr_t)_etext,
		.icount_shift = icount_shift(), .seed = cfg.seed, .on_qemu = on_qemu,
	};
	env.mem = l->mem ? bench_memory(l->mem, &env.mem_size) : NULL;
	lesson_begin(l);
	output_flush();
	for (unsigned i = 0; i < l->nsteps; i++) {
		struct lesson_job job = { l, i, &env };
		char name[32];

		fmt_snprintf(name, sizeof(name), "lesson-%u-step-%u", l->n, i + 1);
		if (!section(name, lesson_run_step, &job))
			break;
		report_restore(name);
		output_flush();
		if (i + 1 < l->nsteps)
			lesson_pause();
	}
	/* Lessons 7 and 8 put probes in; none outlives the lesson. */
	probes_cleanup();
	if (env.mem)
		BS->FreePages((EFI_PHYSICAL_ADDRESS)(uintptr_t)env.mem,
			      EFI_SIZE_TO_PAGES(env.mem_size));
}

/* suite=probes in its own section; whatever happens in it, no probe or
 * breakpoint outlives it. */
static bool run_probes(void)
{
	bool ok;

	if (cfg.skip & SKIP_PROBES) {
		check_skip("probes", "skipped-by-config");
		return true;
	}
	probes_env = (struct probes_env){
		.image_base = (u64)(uintptr_t)ImageBase, .text = (const u8 *)_text,
		.etext = (const u8 *)_etext, .ci = &cpu, .pc = &pmu, .events = cfg.events,
		.icount_shift = icount_shift(),
	};
	ok = section("probes", probes_suite_run, &probes_env);
	probes_cleanup();
	if (ok)
		report_restore("probes");
	output_flush();
	return ok;
}

/* Each section's records are flushed before the next one starts, so the
 * results file keeps them whatever happens later. */
static void run_sections(void)
{
	static struct selftest st;
	enum inject_fault inject = cfg.inject_fault;

	explain_set_symbolizer(explain_symbol);
	explain_enable(cfg.explain);
	lbr_set_image((u64)(uintptr_t)ImageBase, (u64)(uintptr_t)_text,
		      (u64)(uintptr_t)_etext);
	if (!section("caps", probe_caps, NULL))
		return;
	cpu_report(&cpu);
	pmu_report(&cpu, &pmu);
	lbr_report(&cpu, &lbr);
	debug_report(&dbg, &apic);
	report_restore("caps");
	output_flush();

	if (!section("selftest", selftest_run, &st))
		return;
	selftest_report(&st, &pmu);
	report_restore("selftest");
	output_flush();

	/* Every hooked function's 5 reserved bytes become the NOP, as Linux
	 * does at boot, whatever the suite. */
	ftrace_env = (struct ftrace_env){
		.image_base = (u64)(uintptr_t)ImageBase, .text = (const u8 *)_text,
		.etext = (const u8 *)_etext, .tsc_hz = tsc_hz, .filter = cfg.ftrace_filter,
		.notrace = cfg.ftrace_notrace, .overwrite = cfg.ftrace_ring == RING_OVERWRITE, .ci = &cpu, .pc = &pmu, .events = cfg.events,
		.icount_shift = icount_shift(),
	};
	if (!section("ftrace-init", ftrace_boot, &ftrace_env))
		return;
	output_flush();
	if (cfg.lesson) {
		run_lesson();
		return;
	}

	if (cfg.suite & SUITE_PMU_CHECK && !run_pmu_check())
		return;
	if (cfg.suite & SUITE_PMU_CHECK) {
		if (!section("lbr-check", lbr_check_run, &lbr))
			return;
		report_restore("lbr-check");
		output_flush();
	}
	run_benches();
	if (cfg.suite & SUITE_FTRACE) {
		if (!section("ftrace", ftrace_suite_run, &ftrace_env))
			return;
		report_restore("ftrace");
		output_flush();
	}

	if (cfg.suite & SUITE_PROBES && !run_probes())
		return;
	if (cfg.suite & SUITE_SAMPLE && !run_sample())
		return;

	if (inject != INJECT_NONE) {
		rec_narrate("inject_fault: raising an exception no fixup covers, on purpose");
		if (!section("inject", selftest_inject, &inject))
			return;
		report_restore("inject");
	}
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
	EFI_STATUS vol;
	const char *source;
	enum run_status st;

	InitializeLib(image, systab);
	/* Boot managers arm a 5-minute watchdog for each boot option (UEFI spec
	 * 7.5 SetWatchdogTimer); a long measurement must not be reset by it. */
	BS->SetWatchdogTimer(0, 0, 0, NULL);

	config_defaults(&cfg);
	vol = volume_open(image);
	source = config_load(vol);
	output_init(&cfg);
	owned_set_panic(panic);
	owned_set_stack_top(__builtin_frame_address(0));

	tsc_hz = measure_tsc_hz();
	report_hello(systab);
	output_open_results();
	report_config(source);
	output_flush();

	run_sections();
	output_flush();

	st = rec_error_count() || check_count(CHECK_FAIL) ? STATUS_ERROR : STATUS_OK;
	report_end(st);
	output_flush();
	summary_show(&(struct summary){ &cpu, &pmu, st, results_file(), benches_run });
	output_close();
	return pmulab_exit(st, &cfg, on_qemu);
}
