/* pmulab linux's record stream, shared by the bench run (linux.c) and the
 * profile run (lxprofile.c): records.txt in the run directory as the sink,
 * the hello, error and end records, and the report of records.txt at the
 * end. */
#ifndef PMULAB_LXRECORDS_H
#define PMULAB_LXRECORDS_H

#include <stddef.h>
#include "host/report/report.h"

/* dir/records.txt as the sink of every record from now on, each flushed as
 * it is written; -1 after a message. */
int lx_open_records(const char *dir);
/* Closes records.txt: no record may follow. */
void lx_close_records(void);
void lx_hello(void);
/* The CPU's model name as /proc/cpuinfo gives it, else "unknown". */
void lx_cpu_model(char *buf, size_t len);
void lx_error_rec(const char *kind, const char *reason);
/* The end record: the count so far and the status (error after any error
 * record). */
void lx_end(void);
/* Closes records.txt, reports it on stdout in fmt and returns the exit code. */
int lx_conclude(const char *dir, enum report_format fmt);

#endif
