/* The Linux runner under valgrind (valgrind.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>
#include "host/cli.h"
#include "host/proc.h"
#include "lib/record.h"
#include "host/linux/valgrind.h"
#include "host/linux/vgparse.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

bool vg_available(char *buf, size_t len)
{
	FILE *p = popen("valgrind --version 2>/dev/null", "r");
	bool ok;

	if (!p)
		return false;
	ok = fgets(buf, len, p) != NULL;
	buf[strcspn(buf, "\n")] = '\0';
	return pclose(p) == 0 && ok && !strncmp(buf, "valgrind-", 9);
}

static void fail(const char *what, const char *detail)
{
	struct rec r;

	fprintf(stderr, "%s linux: %s: %s\n", pmulab_progname, what, detail);
	rec_begin(&r, "error");
	rec_str(&r, "kind", "valgrind");
	rec_str(&r, "what", what);
	rec_str(&r, "detail", detail);
	rec_end(&r);
}

/* Starts valgrind TOOL-OPTIONS... self child_args... EXTRA..., its output
 * into log; the pid, or -1. */
static pid_t start_tool(struct vg_run *v, char **tool, char **extra, const char *log)
{
	char *argv[64];
	int n = 0, fd;
	pid_t pid;

	argv[n++] = "valgrind";
	for (char **t = tool; *t; t++)
		argv[n++] = *t;
	argv[n++] = (char *)v->self;
	for (char **a = v->child_args; *a && n < 56; a++)
		argv[n++] = *a;
	for (char **a = extra; *a && n < 62; a++)
		argv[n++] = *a;
	argv[n] = NULL;
	fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	pid = proc_spawn(argv, fd);
	close(fd);
	v->processes += pid > 0;
	return pid;
}

/* Median, min, max of the n2 - n1 instruction differences of bench b's
 * measured runs (or of n1 alone when single). */
static void emit_callgrind(const struct suite_spec *sp, unsigned b, const struct vg_region *rg,
			   long nrg, unsigned warmup)
{
	int64_t d[64];
	unsigned nd = 0;
	struct rec r;

	for (long i = 0; i < nrg && nd < 64; i++) {
		if (rg[i].bench != b || rg[i].run < warmup || rg[i].n != (sp->single ? sp->n : 2 * sp->n))
			continue;
		if (sp->single) {
			d[nd++] = (int64_t)rg[i].ir;
			continue;
		}
		/* The n1 call comes right after its n2 call (lxbench.c). */
		if (i + 1 < nrg && rg[i + 1].bench == b && rg[i + 1].run == rg[i].run &&
		    rg[i + 1].n == sp->n)
			d[nd++] = (int64_t)rg[i].ir - (int64_t)rg[i + 1].ir;
	}
	rec_begin(&r, "counter");
	rec_str(&r, "bench", sp->name);
	rec_str(&r, "event", "instructions");
	if (!nd) {
		rec_str(&r, "src", "none");
		rec_str(&r, "reason", "no-callgrind-parts");
		rec_end(&r);
		return;
	}
	for (unsigned i = 1; i < nd; i++)
		for (unsigned j = i; j > 0 && d[j - 1] > d[j]; j--) {
			int64_t t = d[j];

			d[j] = d[j - 1];
			d[j - 1] = t;
		}
	rec_str(&r, "src", "valgrind");
	rec_s64(&r, "value", d[nd / 2]);
	rec_str(&r, "tool", "callgrind");
	rec_s64(&r, "min", d[0]);
	rec_s64(&r, "median", d[nd / 2]);
	rec_s64(&r, "max", d[nd - 1]);
	rec_u64(&r, "runs", nd);
	rec_end(&r);
}

/* The kernel's own functions: its entry, and for calls the chain. */
struct want_ctx {
	char sym[40];
	bool chain;
};

static bool want(const char *fn, void *ctx)
{
	const struct want_ctx *w = ctx;
	size_t n = strlen(w->sym);

	/* nasm's local labels are symbols too: mb_loop.next is mb_loop's. */
	return (!strncmp(fn, w->sym, n) && (!fn[n] || fn[n] == '.')) ||
	       (w->chain && !strncmp(fn, "mb_chain_", 9));
}

static void want_init(struct want_ctx *w, const struct suite_spec *sp)
{
	/* "add-dep" is mb_add_dep (microbench/loops.asm). */
	snprintf(w->sym, sizeof(w->sym), "mb_%s", sp->k->name);
	for (char *p = w->sym; *p; p++)
		if (*p == '-')
			*p = '_';
	w->chain = sp->k->param == MB_DEPTH;
}

struct cg_job {
	char out[4200], log[4200], opt[4300], child[64];
	pid_t pid;
};

static void cachegrind_start(struct vg_run *v, unsigned b, uint64_t n, struct cg_job *j)
{
	char *tool[] = { "--tool=cachegrind", "--cache-sim=yes", "--branch-sim=yes",
			 "--I1=" VG_I1, "--D1=" VG_D1, "--LL=" VG_LL, j->opt, NULL };
	char *extra[] = { "--child", j->child, NULL };

	snprintf(j->out, sizeof(j->out), "%s/cachegrind.%u.%llu.out", v->dir, b,
		 (unsigned long long)n);
	snprintf(j->log, sizeof(j->log), "%s/cachegrind.%u.%llu.log", v->dir, b,
		 (unsigned long long)n);
	snprintf(j->opt, sizeof(j->opt), "--cachegrind-out-file=%s", j->out);
	snprintf(j->child, sizeof(j->child), "cachegrind:%u:%llu", b, (unsigned long long)n);
	j->pid = start_tool(v, tool, extra, j->log);
}

static int cachegrind_finish(struct vg_run *v, unsigned b, struct cg_job *j,
			     struct vg_costs *c)
{
	char err[4400], *text;
	struct want_ctx w;
	FILE *f;
	int rc = proc_wait(j->pid);

	if (rc != 0) {
		snprintf(err, sizeof(err), "exited %d, see %s", rc, j->log);
		fail("cachegrind", err);
		return -1;
	}
	want_init(&w, &v->plan[b]);
	if (!(f = fopen_capped(j->out, &text, err, sizeof(err)))) {
		fail("cachegrind", err);
		return -1;
	}
	rc = vg_cachegrind_sum(f, want, &w, c, err, sizeof(err));
	fclose(f);
	free(text);
	if (rc == 0 && !c->fns) {
		snprintf(err, sizeof(err), "no function %s in %s", w.sym, j->out);
		rc = -1;
	}
	if (rc < 0)
		fail("cachegrind", err);
	return rc;
}

/* perf-style names for what cachegrind simulates (docs/crosscheck.md):
 * each the sum of the listed cachegrind events. */
static const struct {
	const char *event;
	const char *sum[3];
} model_events[] = {
	{ "instructions", { "Ir" } },
	{ "branches-conditional", { "Bc" } },
	{ "branch-misses-conditional", { "Bcm" } },
	{ "branches-indirect", { "Bi" } },
	{ "branch-misses-indirect", { "Bim" } },
	{ "branch-misses", { "Bcm", "Bim" } },
	{ "L1-dcache-loads", { "Dr" } },
	{ "L1-dcache-load-misses", { "D1mr" } },
	{ "L1-dcache-stores", { "Dw" } },
	{ "L1-dcache-store-misses", { "D1mw" } },
	{ "L1-icache-load-misses", { "I1mr" } },
	{ "LLC-load-misses", { "DLmr" } },
	{ "cache-references", { "I1mr", "D1mr", "D1mw" } },
	{ "cache-misses", { "ILmr", "DLmr", "DLmw" } },
};

static bool model_value(const struct vg_costs *c, unsigned e, uint64_t *v)
{
	*v = 0;
	for (unsigned i = 0; i < 3 && model_events[e].sum[i]; i++) {
		uint64_t x;

		if (!vg_cost(c, model_events[e].sum[i], &x))
			return false;
		*v += x;
	}
	return true;
}

static void emit_model(const struct suite_spec *sp, const struct vg_costs *c1,
		       const struct vg_costs *c2)
{
	struct want_ctx w;

	want_init(&w, sp);
	for (unsigned e = 0; e < sizeof(model_events) / sizeof(model_events[0]); e++) {
		uint64_t v1, v2;
		struct rec r;

		rec_begin(&r, "counter");
		rec_str(&r, "bench", sp->name);
		rec_str(&r, "event", model_events[e].event);
		if (!model_value(c1, e, &v1) || !model_value(c2, e, &v2)) {
			rec_str(&r, "src", "none");
			rec_str(&r, "reason", "not-in-cachegrind-profile");
			rec_end(&r);
			continue;
		}
		rec_str(&r, "src", "model");
		rec_s64(&r, "value", (int64_t)(v2 - v1));
		rec_str(&r, "model", "cachegrind");
		rec_str(&r, "I1", VG_I1);
		rec_str(&r, "D1", VG_D1);
		rec_str(&r, "LL", VG_LL);
		rec_str(&r, "branch_sim", "cachegrind");
		rec_u64(&r, "at_n1", v1);
		rec_u64(&r, "at_n2", v2);
		rec_u64(&r, "warmup", 0);
		rec_str(&r, "function", w.chain ? "mb_calls+mb_chain_*" : w.sym);
		rec_end(&r);
	}
}

/* The asked-for events neither callgrind nor cachegrind gives (cycles,
 * all branches, ...): src=none, so a comparison says why. */
static void emit_unmodelled(const struct suite_spec *sp, const char *events)
{
	const char *p = events;

	while (*p) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		bool known = len == 12 && !memcmp(p, "instructions", 12);
		struct rec r;

		for (unsigned i = 0; i < sizeof(model_events) / sizeof(model_events[0]); i++)
			known |= strlen(model_events[i].event) == len &&
				 !memcmp(model_events[i].event, p, len);
		if (!known && len) {
			rec_begin(&r, "counter");
			rec_str(&r, "bench", sp->name);
			rec_strn(&r, "event", p, len);
			rec_str(&r, "src", "none");
			rec_str(&r, "reason", "not-modelled-by-valgrind");
			rec_end(&r);
		}
		p += len + (e != NULL);
	}
}

/* Copies a parsed record into the stream being written, under a new seq. */
static void reemit(const struct record *rec)
{
	struct rec r;

	rec_begin(&r, rec->type);
	for (size_t i = 0; i < rec->nfields; i++)
		rec_strn(&r, field_key(&rec->fields[i]), field_val(&rec->fields[i]), rec->fields[i].len);
	rec_end(&r);
}

static int bench_pass(struct vg_run *v, const struct stream *s, const struct vg_region *rg,
		      long nrg)
{
	unsigned b = 0;
	int rc = 0;

	for (size_t i = 0; i < s->nrecs; i++) {
		const struct record *rec = &s->recs[i];
		const struct suite_spec *sp;
		struct vg_costs c1, c2;

		if (strcmp(rec->type, "bench")) {
			if (strcmp(rec->type, "hello") && strcmp(rec->type, "end"))
				reemit(rec);
			continue;
		}
		reemit(rec);
		if (b >= v->nplan || !field_is(record_field(rec, "name"), v->plan[b].name)) {
			fail("callgrind", "the child's benches are not the plan's");
			return -1;
		}
		sp = &v->plan[b];
		if (!record_field(rec, "skipped")) {
			emit_callgrind(sp, b, rg, nrg, v->warmup);
			if (!sp->single) {
				double t0 = now();
				struct cg_job j1, j2;
				int r1, r2;

				/* The two runs at once: they share nothing. */
				cachegrind_start(v, b, sp->n, &j1);
				cachegrind_start(v, b, 2 * sp->n, &j2);
				r1 = cachegrind_finish(v, b, &j1, &c1);
				r2 = cachegrind_finish(v, b, &j2, &c2);
				if (r1 == 0 && r2 == 0)
					emit_model(sp, &c1, &c2);
				else
					rc = -1;
				v->cachegrind_s += now() - t0;
			}
			emit_unmodelled(sp, v->events);
		}
		b++;
	}
	return rc;
}

int vg_measure(struct vg_run *v)
{
	char out[4200], log[4200], opt[4300], childdir[4200], recs[4300], err[4400];
	char *tool[] = { "--tool=callgrind", "--collect-atstart=no", "--combine-dumps=yes",
			 opt, NULL };
	char *extra[] = { "--child", "callgrind", "--out", childdir, NULL };
	struct vg_region *rg = NULL;
	struct stream *s;
	double t0 = now();
	long nrg;
	char *text;
	FILE *f;
	int rc;

	snprintf(out, sizeof(out), "%s/callgrind.out", v->dir);
	snprintf(log, sizeof(log), "%s/callgrind.log", v->dir);
	snprintf(opt, sizeof(opt), "--callgrind-out-file=%s", out);
	snprintf(childdir, sizeof(childdir), "%s/callgrind-run", v->dir);
	rc = proc_wait(start_tool(v, tool, extra, log));
	v->callgrind_s = now() - t0;
	if (rc != 0) {
		snprintf(err, sizeof(err), "exited %d, see %s", rc, log);
		fail("callgrind", err);
		return -1;
	}
	snprintf(recs, sizeof(recs), "%s/records.txt", childdir);
	if (!(s = parse_file(recs, err, sizeof(err)))) {
		fail("callgrind", err);
		return -1;
	}
	if (!(f = fopen_capped(out, &text, err, sizeof(err)))) {
		fail("callgrind", err);
		stream_free(s);
		return -1;
	}
	nrg = vg_callgrind_regions(f, &rg, err, sizeof(err));
	fclose(f);
	free(text);
	if (nrg < 0) {
		fail("callgrind", err);
		stream_free(s);
		return -1;
	}
	rc = bench_pass(v, s, rg, nrg);
	free(rg);
	stream_free(s);
	return rc;
}
