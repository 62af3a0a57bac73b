/* A run's provenance for the database (runmeta.h). */
#include <stdio.h>
#include <time.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "host/cli.h"
#include "host/db/runmeta.h"
#include "host/report/plot.h"

static const char *get(const struct record *r, const char *key)
{
	const char *v = r ? record_get(r, key) : NULL;

	return v ? v : "";
}

/* The word after " OPT " in QEMU's command line, as pmulab run wrote it. */
static void qemu_arg(const char *cmdline, const char *opt, char *out, size_t len)
{
	const char *p = strstr(cmdline, opt);

	if (p)
		snprintf(out, len, "%.*s", (int)strcspn(p + strlen(opt), " \n"), p + strlen(opt));
}

static void read_cmdline(const char *dir, struct run_meta *m, bool *found)
{
	char path[4200], line[8192] = "";
	FILE *f;

	*found = false;
	if (cli_path(path, sizeof(path), dir, "cmdline.txt") < 0 || !(f = fopen(path, "r")))
		return;
	*found = fgets(line, sizeof(line), f) != NULL;
	fclose(f);
	qemu_arg(line, " -accel ", m->accel, sizeof(m->accel));
	qemu_arg(line, " -cpu ", m->qemu_cpu, sizeof(m->qemu_cpu));
}

static bool has_file(const char *dir, const char *name)
{
	char path[4200];

	return cli_path(path, sizeof(path), dir, name) == 0 && access(path, F_OK) == 0;
}

/* The config record's fields exactly as received: its line between the
 * type and the CRC. */
static void settings(const struct record *config, char *out, size_t len)
{
	char line[PARSE_LINE_MAX + 1];
	const char *body, *crc;

	if (!config)
		return;
	body = strstr(record_line(config, line), " config ");
	crc = strrchr(line, '*');
	if (body && crc && crc > body + 8)
		snprintf(out, len, "%.*s", (int)(crc - 1 - (body + 8)), body + 8);
}

/* The second its started.txt names (cli_stamp_run), or 0. */
static time_t started_at(const char *dir)
{
	char path[4200], line[64];
	struct tm tm = { 0 };
	const char *end;
	FILE *f;

	if (cli_path(path, sizeof(path), dir, CLI_STARTED) < 0 || !(f = fopen(path, "r")))
		return 0;
	end = fgets(line, sizeof(line), f) ? strptime(line, "%Y-%m-%dT%H:%M:%S", &tm) : NULL;
	fclose(f);
	return end ? timegm(&tm) : 0;
}

void run_meta(const struct stream *s, const char *dir, struct run_meta *m)
{
	const char *boot, *hv;
	char path[4200];
	struct stat st;
	bool cmdline;

	memset(m, 0, sizeof(*m));
	m->hello = stream_find(s, "hello");
	m->cpu = stream_find(s, "cpu");
	m->config = stream_find(s, "config");
	m->linux_rec = stream_find(s, "linux");
	m->end = stream_find(s, "end");
	boot = get(m->hello, "boot");
	hv = get(m->cpu, "hypervisor");
	read_cmdline(dir, m, &cmdline);
	snprintf(m->kind, sizeof(m->kind), "%s", !strcmp(boot, "linux") ? "linux" :
		 cmdline ? "run" : has_file(dir, "lava.log") ? "lava" :
		 has_file(dir, "serial.log") ? "collect" : "import");
	if (!*m->accel)
		snprintf(m->accel, sizeof(m->accel), "%s", !strcmp(hv, PLOT_TCG_SIGNATURE) ? "tcg" :
			 !strncmp(hv, "KVMKVMKVM", 9) ? "kvm" : !strcmp(boot, "hw") ? "hw" :
			 !strcmp(boot, "linux") ? "native" : "");
	if (gethostname(m->host, sizeof(m->host) - 1) < 0)
		m->host[0] = '\0';
	m->run_at = started_at(dir);
	if (!m->run_at && cli_path(path, sizeof(path), dir, "records.txt") == 0 &&
	    stat(path, &st) == 0)
		m->run_at = st.st_mtime;
	settings(m->config, m->settings, sizeof(m->settings));
	if (m->config)
		snprintf(m->suites, sizeof(m->suites), "suite=%s benches=%s",
			 get(m->config, "suite"), get(m->config, "benches"));
	/* A machine is what the counts depend on: QEMU's accelerator and CPU
	 * model, or the real machine and its CPU. */
	if (!strcmp(boot, "linux"))
		snprintf(m->machine, sizeof(m->machine), "%s / %s", m->host,
			 get(m->linux_rec, "cpu_model"));
	else if (!strcmp(boot, "qemu"))
		snprintf(m->machine, sizeof(m->machine), "qemu %s / %s", m->accel,
			 get(m->cpu, "brand"));
	else
		snprintf(m->machine, sizeof(m->machine), "%s %s / %s",
			 get(m->hello, "system_vendor"), get(m->hello, "system_product"),
			 get(m->cpu, "brand"));
}
