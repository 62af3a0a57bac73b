/* pmulab run's options: what the command line asks for, checked, the
 * payload's settings parsed with the payload's own parser before any boot. */
#ifndef PMULAB_RUN_OPTS_H
#define PMULAB_RUN_OPTS_H

#include <stdbool.h>
#include "host/cli.h"
#include "host/plugin/reference.h"

struct run_opts {
	int accel;			/* 0 auto, 1 kvm, 2 tcg */
	const char *cpu;		/* NULL: Skylake-Client, host under KVM */
	const char *cpu_flags;		/* appended to -cpu, or NULL */
	unsigned icount;
	char **sets;
	int nsets;
	double timeout;
	const char *out, *efi, *ovmf_code, *ovmf_vars, *qemu;
	enum report_format fmt;
	int reference;			/* the TCG reference plugin: -1 under TCG when built, 0 off, 1 on */
	bool keep_esp;			/* leave esp.img in the run directory */
	bool verbose;			/* text report: every check and sample */
	struct reference ref;
};

/* Fills o from run's arguments; a usage error exits 2 with the reason. */
void run_parse_opts(int argc, char **argv, struct run_opts *o);

#endif
