/* Live progress display. Redraws are rate-limited: a fast stream of records
 * must not cost a terminal write each. The payload writes a section record
 * (k of n) as each section begins and flushes it before the section's work,
 * so the section shown is the one running. */
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "host/boot/live.h"
#include "host/report/fields.h"

#define REDRAW_S 0.1

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

void live_init(struct live *lv)
{
	memset(lv, 0, sizeof(*lv));
	lv->out = stderr;
	lv->tty = isatty(fileno(stderr));
	lv->start = now();
	lv->drawn_at = -1;
}

static void draw(struct live *lv, bool force)
{
	double t = now();

	if (!lv->tty || (!force && lv->drawn_at >= 0 && t - lv->drawn_at < REDRAW_S))
		return;
	lv->drawn_at = t;
	fprintf(lv->out, "\r[pmulab] %s · %zu record%s · %.1f s\033[K",
		lv->phase[0] ? lv->phase : "waiting for records", lv->records,
		lv->records == 1 ? "" : "s", t - lv->start);
	fflush(lv->out);
}

void live_phase(struct live *lv, const char *phase)
{
	if (!strcmp(lv->phase, phase))
		return;
	snprintf(lv->phase, sizeof(lv->phase), "%s", phase);
	if (lv->tty) {
		draw(lv, true);
		return;
	}
	fprintf(lv->out, "[pmulab] %.1f s: %s\n", now() - lv->start, phase);
	fflush(lv->out);
}

/* A section record: "section k/n: name". */
static void enter_section(struct live *lv, const struct record *rec)
{
	const char *name = record_get(rec, "name"), *k = record_get(rec, "k");
	const char *n = record_get(rec, "n");
	char phase[sizeof(lv->phase)];

	snprintf(lv->section, sizeof(lv->section), "%s", name ? name : "?");
	snprintf(lv->where, sizeof(lv->where), "%s/%s", k ? k : "?", n ? n : "?");
	lv->benches = 0;
	snprintf(phase, sizeof(phase), "section %s: %s", lv->where, lv->section);
	live_phase(lv, phase);
}

static void follow_phase(struct live *lv, const struct record *rec)
{
	const char *v;

	if (!strcmp(rec->type, "hello")) {
		live_phase(lv, "payload hello");
	} else if (!strcmp(rec->type, "bench")) {
		char phase[sizeof(lv->phase)];

		lv->benches++;
		/* Per bench on the status line only: off a terminal a line
		 * each would be the whole suite again. */
		if (lv->tty && (v = record_get(rec, "name"))) {
			snprintf(phase, sizeof(phase), "section %s: %s · bench %u: %s",
				 lv->where, lv->section, lv->benches, v);
			snprintf(lv->phase, sizeof(lv->phase), "%s", phase);
		}
	} else if (!strcmp(rec->type, "section")) {
		enter_section(lv, rec);
	} else if (!strcmp(rec->type, "end")) {
		live_phase(lv, "end");
	}
}

void live_on_record(const struct record *rec, void *ctx)
{
	struct live *lv = ctx;

	lv->records++;
	follow_phase(lv, rec);
	if (lv->tty && strcmp(rec->type, "error") == 0) {
		fprintf(lv->out, "\r\033[K[pmulab] ERROR seq %llu:", (unsigned long long)rec->seq);
		report_fields(lv->out, rec, NULL);
		fputc('\n', lv->out);
		draw(lv, true);
		return;
	}
	draw(lv, false);
}

void live_tick(struct live *lv)
{
	draw(lv, false);
}

void live_done(struct live *lv)
{
	if (!lv->tty)
		return;
	draw(lv, true);
	fputc('\n', lv->out);
	fflush(lv->out);
}
