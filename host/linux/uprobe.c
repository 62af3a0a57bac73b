/* The uprobe cross-check (uprobe.h). The probe is defined in tracefs
 * (Documentation/trace/uprobetracer.rst) as "p:GROUP/EVENT PATH:OFFSET" and
 * armed in a tracefs instance of its own, so its trace entries go to a
 * buffer nobody else reads and that goes away with the instance. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "host/cli.h"
#include "lib/record.h"
#include "microbench/traced.h"
#include "host/linux/uprobe.h"

#define UPROBE_GROUP	"pmulab"
#define UPROBE_REPS	3	/* timings: the fastest of 3 */

static int put(const char *path, const char *text, int flags)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC | flags);
	int rc;

	if (fd < 0)
		return -1;
	rc = cli_write_all(fd, text, strlen(text));
	if (close(fd) < 0)
		rc = -1;
	return rc;
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* Through a volatile pointer: every call is a real call to tr_leaf. */
static u64 (*volatile leaf)(u64) = tr_leaf;
static volatile u64 sink;

static double ns_per_call(unsigned long calls)
{
	double best = 0;

	for (int r = 0; r < UPROBE_REPS; r++) {
		double t0 = now_ns(), t;
		u64 acc = 0;

		for (unsigned long i = 0; i < calls; i++)
			acc += leaf(i);
		sink = acc;
		t = (now_ns() - t0) / calls;
		if (!r || t < best)
			best = t;
	}
	return best;
}

static int need(const char *what, const char *reason)
{
	struct rec r;

	fprintf(stderr, "%s linux: --probes: %s\n", pmulab_progname, what);
	rec_begin(&r, "error");
	rec_str(&r, "kind", "uprobe");
	rec_str(&r, "reason", reason);
	rec_str(&r, "detail", what);
	rec_end(&r);
	return -1;
}

/* tracefs at UPROBE_TRACEFS, mounted when the directory is there but empty. */
static int tracefs(void)
{
	if (access(UPROBE_TRACEFS "/uprobe_events", F_OK) == 0)
		return 0;
	if (mount("nodev", UPROBE_TRACEFS, "tracefs", 0, NULL) < 0 &&
	    access(UPROBE_TRACEFS "/uprobe_events", F_OK) < 0)
		return -1;
	return access(UPROBE_TRACEFS "/uprobe_events", F_OK);
}

static void fmt2(char *buf, size_t len, double v)
{
	snprintf(buf, len, "%.2f", v);
}

int uprobe_measure(unsigned long calls)
{
	char *maps, *prof, path[4096], err[4400], def[4400], ev[64], inst[128], en[256], s[32];
	char rm[128];
	uint64_t off;
	long long before, after;
	double base, probed;
	struct rec r;

	if (geteuid() != 0)
		return need("needs root: uprobes are added through tracefs "
			    "(" UPROBE_TRACEFS "/uprobe_events); run as root, e.g. "
			    "sudo pmulab linux --probes", "needs-root");
	if (tracefs() < 0)
		return need("needs tracefs at " UPROBE_TRACEFS " with uprobe events "
			    "(CONFIG_UPROBE_EVENTS): mount -t tracefs nodev " UPROBE_TRACEFS,
			    "no-tracefs-uprobe_events");
	maps = read_text_capped("/proc/self/maps", NULL, err, sizeof(err));
	if (!maps || uprobe_file_offset(maps, (uintptr_t)tr_leaf, path, sizeof(path), &off) < 0) {
		free(maps);
		return need("cannot find tr_leaf's file offset in /proc/self/maps",
			    "no-file-offset");
	}
	free(maps);
	snprintf(ev, sizeof(ev), "tr_leaf_%d", (int)getpid());
	snprintf(def, sizeof(def), "p:" UPROBE_GROUP "/%s %s:0x%" PRIx64 "\n", ev, path, off);
	snprintf(rm, sizeof(rm), "-:" UPROBE_GROUP "/%s\n", ev);
	snprintf(inst, sizeof(inst), UPROBE_TRACEFS "/instances/pmulab-%d", (int)getpid());
	snprintf(en, sizeof(en), "%s/events/" UPROBE_GROUP "/%s/enable", inst, ev);

	base = ns_per_call(calls);
	if (put(UPROBE_TRACEFS "/uprobe_events", def, O_APPEND) < 0)
		return need("writing uprobe_events failed: the kernel needs "
			    "CONFIG_UPROBE_EVENTS", "uprobe_events-write-failed");
	if (mkdir(inst, 0755) < 0 || put(en, "1", 0) < 0) {
		rmdir(inst);
		put(UPROBE_TRACEFS "/uprobe_events", rm, O_APPEND);
		return need("cannot arm the uprobe in a tracefs instance", "enable-failed");
	}
	prof = read_text_capped(UPROBE_TRACEFS "/uprobe_profile", NULL, err, sizeof(err));
	before = prof ? uprobe_profile_hits(prof, ev) : -1;
	free(prof);
	/* One timed pass per repetition: hits = calls * UPROBE_REPS. */
	probed = ns_per_call(calls);
	prof = read_text_capped(UPROBE_TRACEFS "/uprobe_profile", NULL, err, sizeof(err));
	after = prof ? uprobe_profile_hits(prof, ev) : -1;
	free(prof);
	put(en, "0", 0);
	rmdir(inst);
	if (put(UPROBE_TRACEFS "/uprobe_events", rm, O_APPEND) < 0)
		fprintf(stderr, "%s linux: --probes: could not remove %s: remove it with: "
			"echo '-:" UPROBE_GROUP "/%s' >> " UPROBE_TRACEFS "/uprobe_events\n",
			pmulab_progname, ev, ev);
	if (before < 0 || after < 0)
		return need("uprobe_profile does not list the probe", "no-profile-entry");

	rec_begin(&r, "probe");
	rec_str(&r, "name", "uprobe-tr_leaf");
	rec_str(&r, "target", "tr_leaf+0x0");
	rec_str(&r, "kind", "uprobe");
	rec_u64(&r, "hits", (u64)(after - before));
	rec_u64(&r, "calls", (u64)calls * UPROBE_REPS);
	fmt2(s, sizeof(s), probed);
	rec_str(&r, "ns_per_hit", s);
	fmt2(s, sizeof(s), base);
	rec_str(&r, "base_ns_per_call", s);
	fmt2(s, sizeof(s), probed / base);
	rec_str(&r, "ratio", s);
	rec_str(&r, "src", "uprobe");
	rec_str(&r, "file", path);
	rec_hex(&r, "offset", off);
	rec_end(&r);
	fprintf(stderr, "%s linux: uprobe on tr_leaf: %lld hits of %lu calls, %.0f ns a hit "
		"against %.2f ns a call\n", pmulab_progname, after - before, calls * UPROBE_REPS,
		probed, base);
	return 0;
}
