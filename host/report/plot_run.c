/* pmulab plot's drawing: the data and script of each plot written into a
 * directory and gnuplot run there, found in $PMULAB_GNUPLOT or PATH. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "host/report/plot.h"

/* An executable file at path, as an absolute path into abs. */
static bool executable(const char *path, char *abs, size_t len)
{
	char cwd[PATH_MAX];
	struct stat st;

	if (stat(path, &st) < 0 || !S_ISREG(st.st_mode) || access(path, X_OK) < 0)
		return false;
	if (path[0] == '/')
		return (size_t)snprintf(abs, len, "%s", path) < len;
	/* gnuplot runs in the output directory: a relative path would break. */
	return getcwd(cwd, sizeof(cwd)) && (size_t)snprintf(abs, len, "%s/%s", cwd, path) < len;
}

const char *plot_gnuplot(void)
{
	static char found[PATH_MAX];
	const char *env = getenv("PMULAB_GNUPLOT");
	const char *name = env && *env ? env : "gnuplot";
	const char *path = getenv("PATH");
	char cand[PATH_MAX];

	if (strchr(name, '/'))
		return executable(name, found, sizeof(found)) ? found : NULL;
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	while (*path) {
		size_t n = strcspn(path, ":");
		/* An empty entry is the current directory, as for execvp. */
		if (snprintf(cand, sizeof(cand), "%.*s%s%s", (int)n, path, n ? "/" : "",
			     name) < (int)sizeof(cand) &&
		    executable(cand, found, sizeof(found)))
			return found;
		path += n + (path[n] == ':');
	}
	return NULL;
}

const char *plot_gnuplot_missing(void)
{
	static char why[PATH_MAX + 100];
	const char *env = getenv("PMULAB_GNUPLOT");

	if (env && *env)
		snprintf(why, sizeof(why), "$PMULAB_GNUPLOT names no executable file: %s", env);
	else
		snprintf(why, sizeof(why), "gnuplot is not installed (not in PATH): "
			 "scripts/deps.sh installs it, or apt-get install gnuplot-nox");
	return why;
}

int plot_gnuplot_run(const char *gnuplot, const char *dir, const char *script)
{
	int status, null;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		null = open("/dev/null", O_RDONLY);
		if (null < 0 || dup2(null, 0) < 0 || dup2(2, 1) < 0 || chdir(dir) < 0)
			_exit(126);
		execl(gnuplot, gnuplot, script, (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static bool join(char *buf, size_t len, const char *dir, const char *name, const char *ext)
{
	return (size_t)snprintf(buf, len, "%s/%s.%s", dir, name, ext) < len;
}

static bool write_text(const char *path, const char *text, const char *who)
{
	FILE *f = fopen(path, "w");
	bool ok = f && fputs(text, f) >= 0;

	if (f && fclose(f) != 0)
		ok = false;
	if (!ok)
		fprintf(stderr, "%s: cannot write %s: %s\n", who, path, strerror(errno));
	return ok;
}

static void gnuplot_failed(const char *who, const char *gnuplot, const char *gp, int rc)
{
	fprintf(stderr, "%s: %s %s: ", who, gnuplot, gp);
	if (rc == 126)
		fputs("could not be run in the output directory\n", stderr);
	else if (rc == 127)
		fputs("could not be started\n", stderr);
	else if (rc < 0)
		fputs("was killed, or could not be waited for\n", stderr);
	else
		fprintf(stderr, "failed with exit status %d\n", rc);
}

/* NAME.dat, NAME.gp, then gnuplot draws NAME.EXT; pf gets the paths of
 * what was written. */
static void draw(struct plot_file *pf, const char *dir, const char *ext, const char *dat,
		 const char *script, const char *gnuplot, const char *who)
{
	char dat_path[4096], gp_path[4096], image[4096], name[64];
	struct stat st;
	int rc;

	if (!join(dat_path, sizeof(dat_path), dir, pf->name, "dat") ||
	    !join(gp_path, sizeof(gp_path), dir, pf->name, "gp") ||
	    !join(image, sizeof(image), dir, pf->name, ext)) {
		fprintf(stderr, "%s: %s: the path is too long\n", who, dir);
		return;
	}
	if (!write_text(dat_path, dat, who))
		return;
	snprintf(pf->dat, sizeof(pf->dat), "%s", dat_path);
	if (!write_text(gp_path, script, who))
		return;
	snprintf(pf->gp, sizeof(pf->gp), "%s", gp_path);
	snprintf(name, sizeof(name), "%s.gp", pf->name);
	rc = plot_gnuplot_run(gnuplot, dir, name);
	if (rc != 0) {
		gnuplot_failed(who, gnuplot, gp_path, rc);
		/* What a failed gnuplot left is no picture of this data. */
		unlink(image);
		return;
	}
	if (stat(image, &st) < 0) {
		fprintf(stderr, "%s: %s %s: wrote no %s\n", who, gnuplot, gp_path, image);
		return;
	}
	snprintf(pf->image, sizeof(pf->image), "%s", image);
	pf->drawn = true;
}

int plot_write(const struct stream *s, const char *dir, const char *ext,
	       const char *gnuplot, const char *who, struct plot_file files[PLOT_KINDS])
{
	static const char *const needs[PLOT_KINDS] = {
		[PLOT_CHASE] = "ws, iters, loads, and tsc_median or a counted cycles "
			       "or cache-miss event",
		[PLOT_BRANCH] = "a pattern (period with period=N, always, alternate or "
				"random), iters, and tsc_median or counted branch-misses",
	};
	struct chase_plot c;
	struct branch_plot b;
	char *dat[PLOT_KINDS], *script[PLOT_KINDS];
	size_t nbenches[PLOT_KINDS];
	int drawn = 0;

	plot_chase(s, &c);
	plot_branch(s, &b);
	memset(files, 0, PLOT_KINDS * sizeof(*files));
	files[PLOT_CHASE].name = "chase";
	files[PLOT_BRANCH].name = "branch";
	files[PLOT_CHASE].drawable = plot_chase_drawable(&c);
	files[PLOT_BRANCH].drawable = plot_branch_drawable(&b);
	nbenches[PLOT_CHASE] = c.nbenches;
	nbenches[PLOT_BRANCH] = b.nbenches;
	dat[PLOT_CHASE] = plot_chase_dat(&c);
	script[PLOT_CHASE] = plot_chase_script(&c, ext);
	dat[PLOT_BRANCH] = plot_branch_dat(&b);
	script[PLOT_BRANCH] = plot_branch_script(&b, ext);
	for (int k = 0; k < PLOT_KINDS; k++) {
		struct plot_file *pf = &files[k];
		pf->wanted = nbenches[k] > 0;
		if (pf->wanted && !pf->drawable)
			fprintf(stderr, "%s: no %s plot: none of the %zu family=%s bench%s "
				"has the values it needs (%s)\n", who, pf->name, nbenches[k],
				pf->name, nbenches[k] == 1 ? "" : "es", needs[k]);
		if (pf->wanted && pf->drawable)
			draw(pf, dir, ext, dat[k], script[k], gnuplot, who);
		drawn += pf->drawn;
		free(dat[k]);
		free(script[k]);
	}
	plot_chase_free(&c);
	plot_branch_free(&b);
	return drawn;
}
