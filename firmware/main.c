/* pmulab payload entry: read the config, open the output channels, say
 * hello, run the lab (kernel-side/lab/), report, and exit with the run's
 * status. And what the sections need from UEFI: pages, flushes, a pause. */
#include "firmware/config_file.h"
#include "firmware/exit.h"
#include "firmware/hello.h"
#include "firmware/output.h"
#include "firmware/summary.h"
#include "firmware/uefi.h"
#include "firmware/volume.h"
#include "kernel-side/bench/suite_run.h"
#include "lib/check.h"
#include "lib/record.h"

extern char ImageBase[];	/* firmware/pmulab.lds: the image's first byte */
extern char _text[], _etext[];	/* and its code */

static struct config cfg;
static struct lab lab;

/* As much of want as UEFI gives, halving the request down to a page. */
static void *pages(u64 want, u64 *got)
{
	EFI_PHYSICAL_ADDRESS addr;

	for (*got = want; *got >= EFI_PAGE_SIZE; *got /= 2) {
		if (!EFI_ERROR(BS->AllocatePages(AllocateAnyPages, EfiLoaderData,
						 EFI_SIZE_TO_PAGES(*got), &addr)))
			return (void *)(uintptr_t)addr;
	}
	*got = 0;
	return NULL;
}

static void free_pages(void *p, u64 size)
{
	BS->FreePages((EFI_PHYSICAL_ADDRESS)(uintptr_t)p, EFI_SIZE_TO_PAGES(size));
}

/* On real hardware the learner reads each step before the next: a key, or
 * LESSON_WAIT_S seconds for a machine nobody sits at (UEFI spec 12.3
 * WaitForKey, 7.1 CreateEvent). Under QEMU nothing waits. */
#define LESSON_WAIT_S 120

static void pause(void)
{
	EFI_EVENT events[2] = { ST->ConIn->WaitForKey, NULL };
	EFI_INPUT_KEY key;
	UINTN which;

	if (lab.on_qemu)
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
	lab_report_fault(&lab, "leave", f, true);
	report_end(STATUS_ERROR);
	pmulab_exit_now(STATUS_ERROR, lab.on_qemu);
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
	const char *source;
	enum run_status st;

	InitializeLib(image, systab);
	/* Boot managers arm a 5-minute watchdog for each boot option (UEFI spec
	 * 7.5 SetWatchdogTimer); a long measurement must not be reset by it. */
	BS->SetWatchdogTimer(0, 0, 0, NULL);

	config_defaults(&cfg);
	source = config_load(&cfg, volume_open(image));
	output_init(&cfg);
	owned_set_panic(panic);
	owned_set_stack_top(__builtin_frame_address(0));
	lab = (struct lab){
		.cfg = &cfg,
		.image = { (u64)(uintptr_t)ImageBase, (u64)(uintptr_t)_text,
			   (u64)(uintptr_t)_etext },
		.platform = { pages, free_pages, output_flush, pause },
	};

	hello(systab, &lab);
	output_open_results();
	config_report(&cfg, source);
	output_flush();

	lab_run(&lab);
	output_flush();

	st = rec_error_count() || check_count(CHECK_FAIL) ? STATUS_ERROR : STATUS_OK;
	report_end(st);
	output_flush();
	summary_show(&(struct summary){ &lab.cpu, &lab.pmu, st, results_file(),
					benches_finished() });
	output_close();
	return pmulab_exit(st, &cfg, lab.on_qemu);
}
