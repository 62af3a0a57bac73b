/* Live progress (host/boot/live.c) from a records stream: off a terminal a
 * line per phase, "section k/n: name" from the payload's section records;
 * on one a status line naming the section and its bench. */
#include <stdlib.h>
#include <string.h>
#include "host/boot/live.h"
#include "tests/unit/models/streams.h"
#include "tests/unit/unit.h"

static const char *const run[] = {
	"hello format=1 payload=0.1.0 firmware=EDK_II boot=qemu",
	"config source=file suite=quick",
	"plan sections=3 names=caps,pmu-check,benches",
	"section k=1 n=3 name=caps",
	"cpu vendor=GenuineIntel",
	"check name=owned.restore.caps result=pass section=caps",
	"section k=2 n=3 name=pmu-check",
	"check name=pmu.width result=skip section=pmu-check reason=no-arch-pmu",
	"section k=3 n=3 name=benches",
	"bench name=loop suite=quick iters=10",
	"check name=owned.restore.loop result=pass section=loop",
	"bench name=nop8 suite=quick iters=10",
	"end count=12 status=ok",
	NULL,
};

/* The phases drawn for the records of run, tty or not, as one string;
 * the phase as the record with section=stop_at left it into stop_phase. */
static char *follow(bool tty, const char *stop_at, char *stop_phase, size_t size)
{
	struct stream *s = stream_of(run);
	struct live lv;
	char *buf = NULL;
	size_t len = 0;

	live_init(&lv);
	lv.out = open_memstream(&buf, &len);
	lv.tty = tty;
	live_phase(&lv, "starting QEMU");
	live_phase(&lv, "firmware booting");
	for (size_t i = 0; i < s->nrecs; i++) {
		const char *section = record_get(&s->recs[i], "section");

		live_on_record(&s->recs[i], &lv);
		if (stop_at && section && !strcmp(section, stop_at))
			snprintf(stop_phase, size, "%s", lv.phase);
	}
	live_done(&lv);
	fclose(lv.out);
	stream_free(s);
	return buf;
}

/* text without each "[pmulab] N.N s: " prefix. */
static void strip_times(char *text)
{
	char *w = text;

	for (const char *r = text; *r;) {
		if (!strncmp(r, "[pmulab] ", 9) && strstr(r, " s: ")) {
			r = strstr(r, " s: ") + 4;
			continue;
		}
		while (*r && *r != '\n')
			*w++ = *r++;
		if (*r)
			*w++ = *r++;
	}
	*w = '\0';
}

static void test_off_a_terminal(void)
{
	char *text = follow(false, NULL, NULL, 0);

	strip_times(text);
	CHECK_STR(text, "starting QEMU\nfirmware booting\npayload hello\n"
			"section 1/3: caps\nsection 2/3: pmu-check\nsection 3/3: benches\nend\n");
	free(text);
}

/* The status line names the section k/n (drawn at once) and, in it, the
 * bench running (at the next redraw); a check's section= (a part's name)
 * moves nothing. */
static void test_on_a_terminal(void)
{
	char phase[256] = "";
	char *text = follow(true, "loop", phase, sizeof(phase));

	CHECK(strstr(text, "\r[pmulab] section 2/3: pmu-check · ") != NULL);
	CHECK(strstr(text, "\r[pmulab] section 3/3: benches · ") != NULL);
	CHECK_STR(phase, "section 3/3: benches · bench 1: loop");
	CHECK(strstr(text, "\r[pmulab] end · ") != NULL);
	CHECK(strstr(text, "\n[pmulab]") == NULL);
	free(text);
}

int main(void)
{
	streams_init();
	test_off_a_terminal();
	test_on_a_terminal();
	return unit_done("live");
}
