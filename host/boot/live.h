/* Live progress on stderr while records stream in (run, collect): on a terminal
 * one status line redrawn in place, and each error record on a line of its
 * own as it arrives; nothing at all when stderr is not a terminal. */
#ifndef PMULAB_LIVE_H
#define PMULAB_LIVE_H

#include <stdbool.h>
#include <stdio.h>
#include "host/stream/parse.h"

struct live {
	FILE *out;
	bool tty;
	size_t records;
	char last[32];		/* type of the latest record */
	double start;		/* monotonic seconds at live_init */
	double drawn_at;	/* ... at the latest redraw, < 0 before the first */
};

void live_init(struct live *lv);
/* A record_cb for parser_new; ctx is the struct live. */
void live_on_record(const struct record *rec, void *ctx);
/* Refreshes the elapsed time while no record arrives (call it on a poll
 * timeout); cheap, it redraws at most ten times a second. */
void live_tick(struct live *lv);
/* Draws the final state and ends the status line. */
void live_done(struct live *lv);

#endif
