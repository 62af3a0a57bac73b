/* Run directories for the run-history tests (rundir.h). */
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "lib/crc32.h"
#include "tests/unit/models/rundir.h"

static void line(FILE *f, unsigned seq, const char *body)
{
	char buf[1024];
	int n = snprintf(buf, sizeof(buf), "@PL1 %u %s", seq, body);

	fprintf(f, "%s *%08x\n", buf, crc32_update(0, buf, (size_t)n));
}

void rundir_make(const char *dir, unsigned seed, long long insns)
{
	char path[4200], body[256];
	unsigned seq = 0;
	FILE *f;

	mkdir(dir, 0777);
	snprintf(path, sizeof(path), "%s/records.txt", dir);
	f = fopen(path, "w");
	if (!f) {
		perror(path);
		exit(1);
	}
	line(f, seq++, "hello format=1 payload=0.1.0 firmware=EDK%20II boot=qemu "
	     "system_vendor=QEMU system_product=Standard%20PC");
	snprintf(body, sizeof(body), "config source=file suite=quick benches=none seed=%u", seed);
	line(f, seq++, body);
	line(f, seq++, "cpu vendor=GenuineIntel family=6 model=0x5e stepping=3 "
	     "brand=Intel%20Core%20Processor%20(Skylake) hypervisor=TCGTCGTCGTCG");
	line(f, seq++, "bench name=loop suite=pmu-check iters=1000 runs=5");
	snprintf(body, sizeof(body), "counter bench=loop event=instructions src=pmu value=%lld "
		 "enabled=100 running=100", insns);
	line(f, seq++, body);
	line(f, seq++, "counter bench=loop event=cycles src=pmu value=4100");
	line(f, seq++, "check name=loop.insns result=pass value=1000 expect=1000");
	line(f, seq++, "check name=pmu.present result=skip reason=no-arch-pmu");
	snprintf(body, sizeof(body), "end count=%u status=ok", seq);
	line(f, seq, body);
	fclose(f);
}

int rundir_plant(const char *from, const char *to, const char *match, const char *old,
		 const char *new_text)
{
	char path[4200], buf[2048];
	FILE *in, *out;
	int done = -1;

	snprintf(path, sizeof(path), "%s/records.txt", from);
	in = fopen(path, "r");
	mkdir(to, 0777);
	snprintf(path, sizeof(path), "%s/records.txt", to);
	out = fopen(path, "w");
	if (!in || !out) {
		perror(path);
		exit(1);
	}
	while (fgets(buf, sizeof(buf), in)) {
		char *at = strstr(buf, old), body[2048];
		int n;

		if (done < 0 && strstr(buf, match) && at) {
			/* The line without its " *crc" and line end, edited. */
			*strrchr(buf, '*') = '\0';
			n = snprintf(body, sizeof(body), "%.*s%s%s", (int)(at - buf), buf, new_text,
				     at + strlen(old));
			body[--n] = '\0';
			fprintf(out, "%s *%08x\n", body, crc32_update(0, body, (size_t)n));
			done = 0;
		} else {
			fputs(buf, out);
		}
	}
	fclose(in);
	fclose(out);
	return done;
}

void rundir_tmp(char *buf, unsigned long len)
{
	snprintf(buf, len, "/tmp/pmulab-unit-XXXXXX");
	if (!mkdtemp(buf)) {
		perror("mkdtemp");
		exit(1);
	}
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

void rundir_rm(const char *dir)
{
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}
