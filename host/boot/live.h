/* Live progress on stderr while records stream in (run, collect): what is
 * happening, by phase (starting QEMU, firmware booting, payload hello,
 * section k/n: name, from the payload's section records) with the elapsed
 * time. On a terminal one status line
 * redrawn in place, and each error record on a line of its own as it
 * arrives; off a terminal one line per phase. */
#ifndef PMULAB_LIVE_H
#define PMULAB_LIVE_H

#include <stdbool.h>
#include <stdio.h>
#include "host/stream/parse.h"

struct live {
	FILE *out;
	bool tty;
	size_t records;
	char phase[192];	/* what is happening, as shown */
	char section[64];	/* the section running */
	char where[24];		/* its "k/n", as its section record says */
	unsigned benches;	/* bench records seen in this section */
	double start;		/* monotonic seconds at live_init */
	double drawn_at;	/* ... at the latest redraw, < 0 before the first */
};

void live_init(struct live *lv);
/* A phase the records cannot show: the host's own steps before the first
 * record ("starting QEMU", "firmware booting"). */
void live_phase(struct live *lv, const char *phase);
/* A record_cb for parser_new; ctx is the struct live. */
void live_on_record(const struct record *rec, void *ctx);
/* Refreshes the elapsed time while no record arrives (call it on a poll
 * timeout); cheap, it redraws at most ten times a second. */
void live_tick(struct live *lv);
/* Draws the final state and ends the status line. */
void live_done(struct live *lv);

#endif
