/* What the database keeps about a run beside its records: where it came
 * from and on what (docs/db.md "runs"), from the hello, cpu, config and
 * linux records and the run directory's files. */
#ifndef PMULAB_RUNMETA_H
#define PMULAB_RUNMETA_H

#include <stdint.h>
#include "host/stream/parse.h"

struct run_meta {
	char kind[16];		/* run, import, lava, collect, linux */
	char accel[16];		/* tcg, kvm, hw, native */
	char qemu_cpu[64];	/* cmdline.txt's -cpu, "" when none */
	char machine[512];	/* what history and db machines group by */
	char host[256];		/* the host that added the run */
	char settings[4096];	/* the config record's fields, as received */
	char suites[256];	/* its suite= and benches= */
	int64_t run_at;		/* started.txt, else records.txt's mtime: s since 1970 */
	const struct record *hello, *cpu, *config, *linux_rec, *end;
};

/* Fills m from s, the run's records, and dir; never fails: what is not
 * known stays empty (NULL in the database). */
void run_meta(const struct stream *s, const char *dir, struct run_meta *m);

#endif
