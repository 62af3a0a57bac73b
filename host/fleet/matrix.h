/* pmulab matrix: configurations from an ini-like file (matrix_cfg.c), in
 * the spirit of kvm-unit-tests' unittests.cfg, run by pmulab run two at a
 * time (matrix.c), and their table and JUnit file (matrix_out.c). */
#ifndef PMULAB_MATRIX_H
#define PMULAB_MATRIX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include "host/stream/parse.h"

/* More configurations than a CPU-model sweep needs (tests/matrix/tcg.cfg
 * has 22); a file with more is refused, not cut short. */
#define MATRIX_MAX	64
#define MATRIX_SETS_MAX	16	/* set = lines of one configuration */
#define MATRIX_NAME_MAX	48
#define MATRIX_VAL_MAX	256

enum matrix_state {
	MATRIX_PENDING,
	MATRIX_RAN,		/* pmulab run ran it: exit code and records */
	MATRIX_NO_MODEL,	/* QEMU lists no such CPU model */
	MATRIX_NO_KVM,		/* accel = kvm on a host without usable KVM */
	MATRIX_NOT_STARTED,	/* pmulab run could not be started */
};

struct matrix_cfg {
	char name[MATRIX_NAME_MAX];
	unsigned line;			/* of its [name], for messages */
	bool kvm;
	char cpu[MATRIX_VAL_MAX];	/* "" until given: the accelerator's default */
	char flags[MATRIX_VAL_MAX];	/* --cpu-flags, "" for none */
	char suite[MATRIX_VAL_MAX];	/* "" : the payload's default */
	char sets[MATRIX_SETS_MAX][MATRIX_VAL_MAX];
	unsigned nsets;
	unsigned icount;		/* TCG's shift */
	unsigned timeout;		/* seconds; 0: run's default */

	/* What running it gave. */
	enum matrix_state state;
	char why[MATRIX_VAL_MAX];	/* unavailable, or not started: why */
	int rc;				/* pmulab run's exit code */
	double seconds;
	struct stream *stream;		/* its records.txt, NULL when none */
	char dir[4096];			/* its run directory */
};

/* The configurations of path into cfg (at most MATRIX_MAX); how many, or -1
 * after printing "FILE:LINE: problem" for each bad line. */
int matrix_parse(const char *path, struct matrix_cfg *cfg);

/* The table on out: a row per configuration. */
void matrix_table(FILE *out, const struct matrix_cfg *cfg, int n);
/* One JUnit file: a testsuite per configuration, its checks as testcases,
 * or one skipped testcase saying why it did not run. 0, or -1 (errno). */
int matrix_junit(const char *path, const struct matrix_cfg *cfg, int n);

#endif
