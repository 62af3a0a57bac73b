/* Live progress display. Redraws are rate-limited: a fast stream of records
 * must not cost a terminal write each. */
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
	fprintf(lv->out, "\r[pmulab] %zu record%s", lv->records, lv->records == 1 ? "" : "s");
	if (lv->records)
		fprintf(lv->out, " · last: %s", lv->last);
	fprintf(lv->out, " · %.1f s\033[K", t - lv->start);
	fflush(lv->out);
}

void live_on_record(const struct record *rec, void *ctx)
{
	struct live *lv = ctx;

	lv->records++;
	snprintf(lv->last, sizeof(lv->last), "%s", rec->type);
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
