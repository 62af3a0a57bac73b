/* A section of a run: the work between two flushes, run in the owned world
 * (kernel-side/owned/owned.h) so a fault costs that section and no more. The
 * table of sections (sections.c) is the run, in order; the runner (run.c)
 * goes through it. */
#ifndef PMULAB_SECTION_H
#define PMULAB_SECTION_H

#include "kernel-side/lab/lab.h"
#include "lib/suites.h"

/* The owned.restore check after a section: for it (or each of its parts),
 * or once for all its parts. */
enum section_restore { RESTORE_EACH, RESTORE_ALL };

/* A part's name: a bench's is the longest (lesson-N-step-K is shorter). */
#define SECTION_NAME_MAX SUITE_NAME_MAX

/* Sections a run can have: room for the table's (sections.c asserts it). */
#define LAB_SECTIONS_MAX 16

struct section {
	const char *name;
	u32 suites;		/* SUITE_* bits that select it; 0: every run */
	/* Whether the run has it, from the config alone, where its suites do
	 * not say (NULL: they do): the run's plan is known before any section
	 * begins, and stated (run.c). */
	bool (*wanted)(const struct config *cfg);
	/* Before it, outside the owned world: takes what it needs from the
	 * platform. False leaves it out (having said why, when it should). */
	bool (*begin)(const struct lab *lab);
	/* The owned-world body: arg is the lab, or the part's. */
	void (*run)(void *arg);
	/* A section of parts, each its own owned section: part i's arg and
	 * name, NULL past the last. An aborted part ends its section; an
	 * aborted section without parts ends the run. */
	void *(*part)(const struct lab *lab, unsigned i, char *name, size_t size);
	/* After it, or each of its parts, finished: its reports. */
	void (*report)(const struct lab *lab);
	/* After it, however it ended: gives back what begin took, and what
	 * an aborted run left in. */
	void (*cleanup)(const struct lab *lab);
	enum section_restore restore;
	bool last;		/* a run that has it ends with it */
};

extern const struct section lab_sections[];
extern const unsigned lab_nsections;

#endif
