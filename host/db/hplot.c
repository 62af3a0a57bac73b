/* pmulab history --plot: the values over time, a line per bench, machine
 * and source, drawn by gnuplot as pmulab plot draws (host/report/plot.h). */
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "host/cli.h"
#include "host/db/hplot.h"
#include "host/report/plot.h"

static bool same_series(const struct hist_row *a, const struct hist_row *b)
{
	return !strcmp(a->bench, b->bench) && !strcmp(a->machine, b->machine) &&
	       !strcmp(a->src, b->src);
}

static void put(FILE *f, const char *s)
{
	plot_put_safe(f, s, strlen(s));
}

/* NAME.dat: a block per series (gnuplot's index), a line per value:
 * seconds since 1970, the value, the run. */
static int write_dat(const char *path, const struct hist *h)
{
	FILE *f = fopen(path, "w");
	size_t n = 0;

	if (!f)
		return -1;
	for (size_t i = 0; i < h->n; i++) {
		const struct hist_row *r = &h->rows[i];

		if (!r->has_num)
			continue;
		if (n++ && !same_series(r, &h->rows[i - 1]))
			fputs("\n\n", f);
		fprintf(f, "%lld %s %lld\n", (long long)r->at, r->value, (long long)r->run);
	}
	return fclose(f);
}

static int write_gp(const char *path, const char *name, const char *ext,
		    const struct hist_query *q, const struct hist *h)
{
	FILE *f = fopen(path, "w");
	int block = 0;
	const struct hist_row *prev = NULL;

	if (!f)
		return -1;
	fprintf(f, "# pmulab history --plot. Draw it again in this directory: gnuplot %s.gp\n",
		name);
	if (!strcmp(ext, "png"))
		fputs("set terminal pngcairo size 900,540 noenhanced font 'sans,10' "
		      "background '#ffffff'\n", f);
	else
		fputs("set terminal svg size 900,540 dynamic noenhanced font 'sans,11' "
		      "background '#ffffff'\n", f);
	fprintf(f, "set output '%s.%s'\nset key below\nset grid\nset xdata time\n"
		"set timefmt '%%s'\nset format x \"%%Y-%%m-%%d\\n%%H:%%M\"\nset xlabel 'run (UTC)'\n"
		"set title '", name, ext);
	put(f, q->name);
	fputs(h->checks ? " (check value) over runs'\n" : " over runs'\n", f);
	fputs("plot", f);
	for (size_t i = 0; i < h->n; i++) {
		const struct hist_row *r = &h->rows[i];

		if (!r->has_num || (prev && same_series(r, prev)))
			continue;
		fprintf(f, "%s '%s.dat' index %d using 1:2 with linespoints title '",
			prev ? ", \\\n    " : " ", name, block++);
		if (!h->checks) {
			put(f, r->bench);
			fputs(" - ", f);
		}
		put(f, r->machine);
		fputs(" (", f);
		put(f, r->src);
		fputs(")'", f);
		prev = r;
	}
	fputc('\n', f);
	return fclose(f);
}

int hist_plot(const char *file, const struct hist_query *q, const struct hist *h)
{
	char dirbuf[4096], basebuf[4096], dat[4300], gp[4300], name[4096];
	const char *gnuplot = plot_gnuplot(), *ext, *dir, *base;
	size_t nums = 0;
	int rc;

	snprintf(dirbuf, sizeof(dirbuf), "%s", file);
	snprintf(basebuf, sizeof(basebuf), "%s", file);
	dir = dirname(dirbuf);
	base = basename(basebuf);
	ext = strrchr(base, '.');
	for (size_t i = 0; i < h->n; i++)
		nums += h->rows[i].has_num;
	if (!nums) {
		fprintf(stderr, "%s history: --plot: no value is a number: nothing to draw\n",
			pmulab_progname);
		return -1;
	}
	if (!gnuplot) {
		fprintf(stderr, "%s history: --plot: %s\n", pmulab_progname, plot_gnuplot_missing());
		return -1;
	}
	snprintf(name, sizeof(name), "%.*s", (int)(ext - base), base);
	snprintf(dat, sizeof(dat), "%s/%s.dat", dir, name);
	snprintf(gp, sizeof(gp), "%s/%s.gp", dir, name);
	if (write_dat(dat, h) < 0 || write_gp(gp, name, ext + 1, q, h) < 0) {
		fprintf(stderr, "%s history: --plot: cannot write %s and %s: %s\n",
			pmulab_progname, dat, gp, strerror(errno));
		return -1;
	}
	snprintf(name + strlen(name), sizeof(name) - strlen(name), ".gp");
	rc = plot_gnuplot_run(gnuplot, dir, name);
	if (rc != 0) {
		fprintf(stderr, "%s history: --plot: %s %s failed (%d)\n", pmulab_progname, gnuplot,
			gp, rc);
		return -1;
	}
	printf("%s\n", file);
	return 0;
}
