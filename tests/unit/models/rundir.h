/* Run directories for the run-history tests: records.txt written as the
 * host writes it (each line with its CRC-32), and planted changes. */
#ifndef PMULAB_RUNDIR_H
#define PMULAB_RUNDIR_H

/* dir (created) with a records.txt of a complete run: hello, cpu, config
 * with seed=SEED, a bench "loop" with instructions=INSNS (src=pmu) and
 * cycles, two checks, end. Runs with different seeds or counts differ. */
void rundir_make(const char *dir, unsigned seed, long long insns);
/* A copy of from's records.txt into to (created) with the first line that
 * holds match changed: old replaced by new, its CRC recomputed. 0, or -1
 * when no line holds both. */
int rundir_plant(const char *from, const char *to, const char *match, const char *old,
		 const char *new_text);
/* A temporary directory (mkdtemp) into buf; rundir_rm() removes it with
 * everything in it. */
void rundir_tmp(char *buf, unsigned long len);
void rundir_rm(const char *dir);

#endif
