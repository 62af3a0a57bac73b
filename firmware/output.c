/* Record output channels: serial, the console when no UART answers, and the
 * results file (docs/record-format.md). The sink runs wherever a record is
 * made, the owned world included, so it only touches the UART and memory;
 * UEFI services wait for output_flush(). */
#include "firmware/console.h"
#include "firmware/uefi.h"
#include "lib/libc.h"
#include "firmware/output.h"
#include "lib/record.h"
#include "firmware/serial.h"
#include "firmware/volume.h"

#define PENDING_MAX (1u << 20)	/* bytes between flushes */

static char *pending;
static size_t pending_len;
static u64 pending_dropped;	/* lines lost from file/console: buffer full */
static bool use_serial, use_results, results_failed;
static u16 serial_port;

static void sink(const char *line, size_t len, void *ctx)
{
	if (use_serial) {
		serial_write(line, len);
		serial_write("\r\n", 2);
	}
	if (!pending || pending_len + len + 2 > PENDING_MAX) {
		pending_dropped++;
		return;
	}
	memcpy(pending + pending_len, line, len);
	memcpy(pending + pending_len + len, "\r\n", 2);
	pending_len += len + 2;
}

void output_init(const struct config *cfg)
{
	serial_port = (u16)cfg->serial_port;
	use_serial = cfg->serial && serial_init(serial_port);
	/* The firmware may have left its own output mid-line (a cursor escape,
	 * a banner): start on a line of our own. */
	if (use_serial)
		serial_write("\r\n", 2);
	pending = AllocatePool(PENDING_MAX);
	use_results = cfg->results;
	rec_set_sink(sink, NULL);
}

static void report_results_error(const char *op, EFI_STATUS st)
{
	struct rec r;
	char buf[24];

	rec_begin(&r, "error");
	rec_str(&r, "kind", "results");
	rec_str(&r, "op", op);
	rec_str(&r, "path", results_file() ? results_file() : "\\pmulab\\results-NNN.txt");
	rec_str(&r, "status", efi_status_name(st, buf));
	rec_end(&r);
}

void output_open_results(void)
{
	EFI_STATUS st;

	if (!use_results)
		return;
	/* Chained from TFTP: nowhere to write, and not an error -- the UART
	 * carries every record, as on a board farm. */
	if (!volume_present()) {
		rec_narrate("no boot volume (loaded over the network): no results file, the "
			    "records go to serial only");
		use_results = false;
		return;
	}
	st = results_open();
	if (EFI_ERROR(st)) {
		results_failed = true;
		report_results_error("open", st);
	}
}

void output_flush(void)
{
	EFI_STATUS st;

	if (!use_serial && pending_len)
		console_write(pending, pending_len);
	if (use_results && !results_failed && pending_len) {
		st = results_append(pending, pending_len);
		if (EFI_ERROR(st)) {
			results_failed = true;
			pending_len = 0;
			report_results_error("write", st);
			output_flush();
			return;
		}
	}
	pending_len = 0;
	if (pending_dropped) {
		struct rec r;
		u64 n = pending_dropped;

		pending_dropped = 0;
		rec_begin(&r, "error");
		rec_str(&r, "kind", "output");
		rec_str(&r, "reason", "buffer-full");
		rec_u64(&r, "lines_dropped", n);
		rec_str(&r, "lost_from", use_serial ? "results-file" : "console,results-file");
		rec_end(&r);
		output_flush();
	}
}

void output_close(void)
{
	results_close();
}

const char *output_channel(void)
{
	return use_serial ? "serial" : "uefi";
}

bool output_serial(void)
{
	return use_serial;
}

u16 output_serial_port(void)
{
	return serial_port;
}
