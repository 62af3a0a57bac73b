/* pmulab plot (docs/host.md): the pointer-chase working-set sweep
 * (family=chase benches) and the branch-pattern sweep (family=branch) as
 * gnuplot draws them. Extraction (stream to points, plot_points.c) and the
 * data and script texts (plot_script.c) are pure functions, so tests check
 * them; plot_write() (plot_run.c) puts them in a directory and runs gnuplot
 * there. */
#ifndef PMULAB_PLOT_H
#define PMULAB_PLOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "host/stream/parse.h"

/* The cache-miss events the chase plot draws on its right axis, in the
 * order of the data file's columns and the legend. */
#define CHASE_NMISS 3
extern const char *const chase_miss_events[CHASE_NMISS];

/* Where a miss count comes from: the CPU's PMU (src=pmu) or the reference
 * model (src=model, the TCG plugin's cachegrind-style caches and predictor). */
enum plot_src { PLOT_PMU, PLOT_MODEL, PLOT_NSRC };

/* The CPU's cache levels a chase plot marks: L1 data, L2, L3. */
#define PLOT_CPU_CACHES 3

/* The cpu record's hypervisor signature under QEMU TCG. */
#define PLOT_TCG_SIGNATURE "TCGTCGTCGTCG"

struct chase_point {
	const struct record *bench;
	uint64_t ws;			/* working set, bytes */
	bool has_lat;
	double lat;			/* cycles or TSC ticks per load */
	bool has_miss[PLOT_NSRC][CHASE_NMISS];
	double miss[PLOT_NSRC][CHASE_NMISS];	/* misses per load */
};

struct chase_plot {
	struct chase_point *pts;	/* by ws, then stream order */
	size_t npts;
	size_t nbenches;	/* family=chase benches, with or without a ws */
	/* Latency from src=pmu cycles: only when no bench that has a latency
	 * lacks one, so one curve never mixes cycles and TSC ticks. */
	bool cycles;
	bool some_cycles;	/* a bench had pmu cycles (cycles false: not all) */
	bool has_lat;		/* a point has a latency */
	bool series[PLOT_NSRC][CHASE_NMISS];	/* a point has this source's event */
	bool tcg;
	/* The model's L1d and LL sizes (the reference record's D1 and LL), 0
	 * when not known: marked on the x axis. */
	uint64_t model_l1, model_ll;
	/* The CPU's L1d, L2 and L3 sizes (its cache records), 0 when not
	 * known: marked when a curve the CPU measured is drawn. */
	uint64_t cpu_cache[PLOT_CPU_CACHES];
};

struct branch_point {
	const struct record *bench;
	bool random;		/* pattern=random: a level line, not a point */
	bool has_period;
	uint64_t period;	/* x: the period; always is 1, alternate 2 */
	bool has_y;
	double y;		/* branch-misses or TSC ticks per iteration */
	bool has_model;
	double model;		/* the reference model's branch-misses per iteration */
};

struct branch_plot {
	struct branch_point *pts;	/* repeating patterns by period, then
					 * the random ones in stream order */
	size_t npts;
	size_t nbenches;	/* family=branch benches, of any pattern */
	bool misses;		/* y is branch-misses (a bench has a src=pmu
				 * count), else TSC ticks (none has a model count
				 * either) */
	bool model;		/* a bench has a src=model branch-misses count */
	const char *reason;	/* why there are no miss counts: a counter
				 * record's reason (decoded), or the tool's */
	size_t reason_len;
	bool has_always, has_alternate;
	bool tcg;
};

/* The points of a stream; free them with plot_*_free(). */
void plot_chase(const struct stream *s, struct chase_plot *c);
void plot_branch(const struct stream *s, struct branch_plot *b);
void plot_chase_free(struct chase_plot *c);
void plot_branch_free(struct branch_plot *b);
/* Whether a point has a miss count, of any of the chase_miss_events (of
 * source src; PLOT_NSRC: of any). */
bool plot_chase_has_misses(const struct chase_plot *c, enum plot_src src);
/* Whether the plot has anything to draw. */
bool plot_chase_drawable(const struct chase_plot *c);
bool plot_branch_drawable(const struct branch_plot *b);

/* The texts of NAME.dat and NAME.gp (malloc'd). The script reads NAME.dat
 * and writes NAME.EXT from the directory it runs in; ext is "svg" or "png". */
char *plot_chase_dat(const struct chase_plot *c);
char *plot_chase_script(const struct chase_plot *c, const char *ext);
char *plot_branch_dat(const struct branch_plot *b);
char *plot_branch_script(const struct branch_plot *b, const char *ext);

/* "4K" for log2 12: a power of two (bytes, or a period) as a tick label;
 * log2 below 64. */
void plot_size_label(char *buf, size_t len, unsigned log2);

/* Whether s has a family=chase or family=branch bench record. */
bool plot_has_benches(const struct stream *s);

/* The gnuplot to run: $PMULAB_GNUPLOT when set, else gnuplot in PATH, as
 * an absolute path in a static buffer; NULL when it is not there. */
const char *plot_gnuplot(void);
/* Why plot_gnuplot() found none and how to get it, as a sentence. */
const char *plot_gnuplot_missing(void);
/* Runs gnuplot on script in dir, its stdout to our stderr (a report on
 * stdout stays clean), stdin from /dev/null: its exit code, 126 when it
 * could not be set up, 127 when it could not be started, -1 when it died. */
int plot_gnuplot_run(const char *gnuplot, const char *dir, const char *script);
/* Record bytes for a gnuplot file: letters, digits and " +,-./:=@_()[]" as
 * they are, anything else (quotes, '#', '\\', control bytes) as a visible
 * \xHH. Inside a single-quoted gnuplot string a backslash is literal, so
 * this never ends the string, and a data file's comment never ends early. */
void plot_put_safe(FILE *f, const char *val, size_t len);

enum plot_kind { PLOT_CHASE, PLOT_BRANCH, PLOT_KINDS };

/* What plot_write did for one plot. */
struct plot_file {
	const char *name;	/* "chase", "branch" */
	bool wanted;		/* the stream has benches of its family */
	bool drawable;		/* ... with values to draw */
	bool drawn;		/* gnuplot wrote the image */
	char dat[4096], gp[4096], image[4096];	/* "" when not written */
};

/* For each plot the stream has data for: writes NAME.dat and NAME.gp into
 * dir and runs gnuplot (the path) there to draw NAME.EXT. Problems go to
 * stderr, each starting with who ("pmulab plot"). Returns the number of
 * images drawn. */
int plot_write(const struct stream *s, const char *dir, const char *ext,
	       const char *gnuplot, const char *who, struct plot_file files[PLOT_KINDS]);

#endif
