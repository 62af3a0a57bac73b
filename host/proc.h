/* Child processes for the host tool: QEMU and the mtools. */
#ifndef PMULAB_PROC_H
#define PMULAB_PROC_H

#include <sys/types.h>

/* Starts argv[0] (searched in PATH) with stdin from /dev/null and stdout and
 * stderr into out_fd; -1 (errno set) when it cannot be started. */
pid_t proc_spawn(char *const argv[], int out_fd);
/* The same for a child that must not outlive this process (QEMU): in its
 * own process group (signal it as -pid), killed with SIGKILL when this
 * process dies by any means (PR_SET_PDEATHSIG). */
pid_t proc_spawn_tied(char *const argv[], int out_fd);
/* The exit code of pid, or -1 when it died of a signal or was not there. */
int proc_wait(pid_t pid);
/* Runs argv to its end: its exit code, or -1 when it could not run or died
 * of a signal. */
int proc_run(char *const argv[], int out_fd);
/* "a 'b c'" -- argv quoted for a POSIX shell, into buf. */
void proc_cmdline(char *buf, size_t len, char *const argv[]);

#endif
