/* Exit paths. isa-debug-exit is a QEMU device (-device isa-debug-exit,
 * iobase=0xf4,iosize=0x04); a port write on real hardware could reach
 * anything, so it is only used when SMBIOS says the machine is QEMU. */
#include "firmware/console.h"
#include "kernel-side/cpu/cpu.h"
#include "firmware/exit.h"
#include "lib/fmt.h"

#define QEMU_DEBUG_EXIT_PORT 0xf4

const char *run_status_name(enum run_status st)
{
	static const char *const names[] = { "ok", "partial", "error" };

	return names[st];
}

static void qemu_debug_exit(enum run_status st)
{
	outl(QEMU_DEBUG_EXIT_PORT, st);
}

void pmulab_exit_now(enum run_status st, bool qemu)
{
	if (qemu)
		qemu_debug_exit(st);
	RT->ResetSystem(EfiResetShutdown, EFI_SUCCESS, 0, NULL);
	for (;;)
		asm volatile("hlt");
}

EFI_STATUS pmulab_exit(enum run_status st, const struct config *cfg, bool qemu)
{
	enum cfg_exit how = cfg->exit;
	char line[160];
	size_t n;

	if (how == EXIT_AUTO)
		how = qemu ? EXIT_QEMU : EXIT_SHUTDOWN;
	if (how == EXIT_QEMU) {
		qemu_debug_exit(st);
		/* No such device: fall through to powering off. */
		how = EXIT_SHUTDOWN;
	}
	if (!qemu && how != EXIT_RETURN && cfg->exit_wait) {
		n = fmt_snprintf(line, sizeof(line),
				 "\r\npmulab: finished, status=%s. Press a key to %s "
				 "(or wait %u s).\r\n", run_status_name(st),
				 how == EXIT_REBOOT ? "reboot" : "power off", cfg->exit_wait);
		console_write(line, n);
		console_wait_key(cfg->exit_wait);
	}
	if (how == EXIT_RETURN)
		return st == STATUS_OK ? EFI_SUCCESS : EFI_ABORTED;
	RT->ResetSystem(how == EXIT_REBOOT ? EfiResetCold : EfiResetShutdown,
			EFI_SUCCESS, 0, NULL);
	return EFI_DEVICE_ERROR;
}
