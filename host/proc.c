/* posix_spawn with the redirections the host tool needs, and fork for the
 * child that must die with this process. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include "host/proc.h"

extern char **environ;

pid_t proc_spawn(char *const argv[], int out_fd)
{
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int err;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, out_fd, 1);
	posix_spawn_file_actions_adddup2(&fa, out_fd, 2);
	err = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (err) {
		errno = err;
		return -1;
	}
	return pid;
}

pid_t proc_spawn_tied(char *const argv[], int out_fd)
{
	pid_t parent = getpid(), pid;
	int report[2], err = 0;

	/* The child reports a failed exec through a close-on-exec pipe. */
	if (pipe2(report, O_CLOEXEC) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		int fd = open("/dev/null", O_RDONLY);

		/* Its own group: a terminal's signals go to pmulab alone, which
		 * stops it and keeps the records; a killed pmulab takes it along. */
		if (setpgid(0, 0) < 0 || prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 ||
		    getppid() != parent || fd < 0 || dup2(fd, 0) < 0 || dup2(out_fd, 1) < 0 ||
		    dup2(out_fd, 2) < 0) {
			err = getppid() != parent ? ESRCH : errno;
		} else {
			execvp(argv[0], argv);
			err = errno;
		}
		while (write(report[1], &err, sizeof(err)) < 0 && errno == EINTR)
			;
		_exit(127);
	}
	close(report[1]);
	if (pid < 0) {
		close(report[0]);
		return -1;
	}
	/* Set here too, so the group exists before anyone signals it. */
	setpgid(pid, pid);
	while (read(report[0], &err, sizeof(err)) < 0 && errno == EINTR)
		;
	close(report[0]);
	if (err) {
		waitpid(pid, NULL, 0);
		errno = err;
		return -1;
	}
	return pid;
}

int proc_wait(pid_t pid)
{
	int status;

	if (pid < 0)
		return -1;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int proc_run(char *const argv[], int out_fd)
{
	return proc_wait(proc_spawn(argv, out_fd));
}

/* Appends s to buf, keeping it terminated and n at most len - 1. */
static void append(char *buf, size_t len, size_t *n, const char *s)
{
	while (*s && *n + 1 < len)
		buf[(*n)++] = *s++;
	buf[*n] = '\0';
}

void proc_cmdline(char *buf, size_t len, char *const argv[])
{
	static const char plain_chars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
					  "0123456789-_=,./:+@%";
	size_t n = 0;

	buf[0] = '\0';
	for (int i = 0; argv[i]; i++) {
		const char *a = argv[i];
		bool plain = *a && strspn(a, plain_chars) == strlen(a);

		if (i)
			append(buf, len, &n, " ");
		if (plain) {
			append(buf, len, &n, a);
			continue;
		}
		append(buf, len, &n, "'");
		for (const char *p = a; *p; p++) {
			char c[2] = { *p, '\0' };

			append(buf, len, &n, *p == '\'' ? "'\\''" : c);
		}
		append(buf, len, &n, "'");
	}
}
