/* The function tracer's boot step and suite=ftrace (ftrace_suite.c). */
#ifndef PMULAB_FTRACE_SUITE_H
#define PMULAB_FTRACE_SUITE_H

#include "kernel-side/lab/lab.h"

/* Owned-world bodies; arg is the const struct lab. */
void ftrace_boot(void *arg);
void ftrace_suite_run(void *arg);

#endif
