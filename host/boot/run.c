/* pmulab run: boot the payload under QEMU and collect its records live.
 * The serial log is a file QEMU writes and this loop follows, so every byte
 * is on disk the moment QEMU has it, whatever happens to either process. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "host/cli.h"
#include "host/boot/esp.h"
#include "host/db/db.h"
#include "host/boot/live.h"
#include "host/boot/run_opts.h"
#include "host/proc.h"
#include "host/boot/qemu.h"
#include "host/plugin/reference.h"

#define RUN_POLL_NS	50000000L	/* 50 ms between looks at the serial log */
#define RUN_END_GRACE_S	15.0		/* after `end`, time for QEMU to exit */
#define RUN_KILL_GRACE_S 2.0		/* SIGTERM to SIGKILL */
#define RUN_QEMU_MSG_LINES 20		/* of QEMU's own failure: its message, not a flood */


struct run_state {
	struct live live;
	double start, end_at;		/* end_at < 0 until the end record */
	double hello_at;		/* < 0 until the payload's hello */
	size_t records;
};

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

/* What a run writes into DIR. A reused DIR loses the previous run's copies
 * first, so a run that fails or is killed never leaves an old records.txt
 * beside its own serial.log. (esp/ is rewritten whole by esp_make.) */
static const char *const run_outputs[] = {
	"records.txt", "results.txt", "serial.log", "qemu.log", "cmdline.txt", "esp.img",
	"ovmf-vars.fd", "reference.txt",
};

static int clear_outputs(const char *dir)
{
	char path[4096];

	for (size_t i = 0; i < sizeof(run_outputs) / sizeof(run_outputs[0]); i++) {
		if (cli_path(path, sizeof(path), dir, run_outputs[i]) < 0 ||
		    (unlink(path) < 0 && errno != ENOENT)) {
			fprintf(stderr, "%s: run: cannot remove the previous run's %s: %s\n",
				pmulab_progname, path, strerror(errno));
			return -1;
		}
	}
	return 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static const char *first_of(const char *a, const char *b, const char *c)
{
	return a && *a ? a : b && *b ? b : c;
}

static void on_record(const struct record *rec, void *ctx)
{
	struct run_state *rs = ctx;

	rs->records++;
	live_on_record(rec, &rs->live);
	if (!strcmp(rec->type, "end") && rs->end_at < 0)
		rs->end_at = now();
	if (!strcmp(rec->type, "hello") && rs->hello_at < 0)
		rs->hello_at = now();
}


/* QEMU leads its own process group (proc_spawn_tied): the group is
 * signalled, so nothing it started is left either. */
static void stop_qemu(pid_t pid)
{
	double t0 = now();

	kill(-pid, SIGTERM);
	while (now() - t0 < RUN_KILL_GRACE_S) {
		if (waitpid(pid, NULL, WNOHANG) == pid)
			return;
		nanosleep(&(struct timespec){ 0, RUN_POLL_NS }, NULL);
	}
	kill(-pid, SIGKILL);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}

/* Follows the serial log until QEMU exits, the timeout passes or a signal
 * comes. Returns QEMU's wait status, or -1 when it had to be killed. */
static int follow(pid_t pid, int log_fd, struct parser *p, struct run_state *rs,
		  double timeout, const char **why_killed)
{
	char buf[65536];
	unsigned long long total = 0;
	int status = -1;
	bool exited = false;

	for (;;) {
		ssize_t n;

		while ((n = read(log_fd, buf, sizeof(buf))) > 0) {
			parser_feed(p, buf, n);
			total += n;
		}
		if (exited)
			return status;
		if (waitpid(pid, &status, WNOHANG) == pid) {
			exited = true;	/* one more read drains the log */
			continue;
		}
		if (total > PARSE_FILE_MAX) {
			*why_killed = "serial output over PARSE_FILE_MAX";
		} else if (stop_signal) {
			*why_killed = "interrupted";
		} else if (now() - rs->start > timeout) {
			*why_killed = "timeout";
		} else if (rs->end_at >= 0 && now() - rs->end_at > RUN_END_GRACE_S) {
			*why_killed = "no exit after the end record";
		} else {
			live_tick(&rs->live);
			nanosleep(&(struct timespec){ 0, RUN_POLL_NS }, NULL);
			continue;
		}
		stop_qemu(pid);
		while ((n = read(log_fd, buf, sizeof(buf))) > 0)
			parser_feed(p, buf, n);
		return -1;
	}
}

/* QEMU's exit code: isa-debug-exit makes it (status << 1) | 1. */
static void describe_exit(int status, const char *why_killed, char *buf, size_t len)
{
	static const char *const payload[] = { "ok", "partial", "error" };

	if (status < 0)
		snprintf(buf, len, "killed (%s)", why_killed);
	else if (WIFSIGNALED(status))
		snprintf(buf, len, "died of signal %d", WTERMSIG(status));
	else if (WEXITSTATUS(status) == 0)
		snprintf(buf, len, "exited 0 (guest powered off)");
	else if ((WEXITSTATUS(status) & 1) && WEXITSTATUS(status) >> 1 < 3)
		snprintf(buf, len, "exited %d (isa-debug-exit: status=%s)", WEXITSTATUS(status),
			 payload[WEXITSTATUS(status) >> 1]);
	else
		snprintf(buf, len, "exited %d (QEMU error, see qemu.log)", WEXITSTATUS(status));
}

struct boot {
	int status;
	const char *why_killed;
	struct stream *stream;
	double boot_to_end, boot_to_hello;
	off_t qemu_out_at;		/* where QEMU's own output starts in qemu.log */
};

/* QEMU refused to start (an unknown -cpu model, a bad option, no KVM): it
 * exits non-zero before the guest wrote a byte. isa-debug-exit codes are
 * odd too, so the code alone cannot tell this from the payload's status;
 * an empty serial log can. */
static bool qemu_failed(const struct boot *b, const char *serial)
{
	struct stat st;

	return b->status >= 0 && WIFEXITED(b->status) && WEXITSTATUS(b->status) != 0 &&
	       b->stream->nrecs == 0 && stat(serial, &st) == 0 && st.st_size == 0;
}

/* What QEMU itself printed (qemu.log from b->qemu_out_at), on stderr. */
static void show_qemu_output(const char *dir, const struct boot *b)
{
	char path[4096], line[1024];
	unsigned shown = 0;
	FILE *f;

	cli_path(path, sizeof(path), dir, "qemu.log");
	f = fopen(path, "r");
	if (f && fseeko(f, b->qemu_out_at, SEEK_SET) == 0)
		while (shown < RUN_QEMU_MSG_LINES && fgets(line, sizeof(line), f) && ++shown)
			fprintf(stderr, "  %s%s", line, strchr(line, '\n') ? "" : "\n");
	if (!shown)
		fprintf(stderr, "  (QEMU printed nothing)\n");
	if (f)
		fclose(f);
}

/* The run's ESP, config from the template plus --set lines plus, last so it
 * wins, what the payload must know about how it is launched: under TCG the
 * icount shift, which makes RDTSC an exact instruction count (src=icount). */
static int build_esp(const char *dir, const char *efi, const struct run_opts *o,
		     const struct qemu_cfg *qc, char *err, size_t errlen)
{
	char tmpl_buf[4096], path[4096], icount[32];
	const char *tmpl;
	char *config;
	int qlog, rc = -1;

	snprintf(icount, sizeof(icount), qc->kvm ? "icount_shift=off" : "icount_shift=%u",
		 qc->icount);
	o->sets[o->nsets] = icount;
	/* The built ESP's config (images/config.txt) is the template: its
	 * comments document every key for whoever opens the run's copy. */
	tmpl = esp_beside_self("esp/pmulab/config.txt", tmpl_buf, sizeof(tmpl_buf));
	config = esp_config(tmpl && access(tmpl, R_OK) == 0 ? tmpl : NULL, o->sets,
			    o->nsets + 1, err, errlen);
	o->sets[o->nsets] = NULL;
	cli_path(path, sizeof(path), dir, "qemu.log");
	qlog = open(path, O_WRONLY | O_CREAT | O_APPEND, 0644);
	if (config && qlog < 0)
		snprintf(err, errlen, "%s", strerror(errno));
	else if (config)
		rc = esp_make(dir, efi, config, qlog, err, errlen);
	free(config);
	if (qlog >= 0)
		close(qlog);
	return rc;
}

static int boot_once(const struct qemu_cfg *qc, const char *dir, double timeout,
		     struct boot *b)
{
	char path[4096], cmdline[8192];
	struct run_state rs = { .end_at = -1, .hello_at = -1 };
	struct parser *p;
	char **argv = qemu_argv(qc);
	int log_fd, qlog;
	pid_t pid;

	b->why_killed = NULL;
	if (!argv)
		return -1;
	proc_cmdline(cmdline, sizeof(cmdline), argv);
	cli_path(path, sizeof(path), dir, "cmdline.txt");
	strcat(cmdline, "\n");
	cli_write_file(path, cmdline);

	/* QEMU opens the log itself; create it first so we can follow it. */
	log_fd = open(qc->serial_log, O_RDONLY | O_CREAT | O_TRUNC, 0644);
	cli_path(path, sizeof(path), dir, "qemu.log");
	qlog = open(path, O_WRONLY | O_CREAT | O_APPEND, 0644);
	if (log_fd < 0 || qlog < 0) {
		fprintf(stderr, "%s: cannot open %s: %s\n", pmulab_progname,
			log_fd < 0 ? qc->serial_log : path, strerror(errno));
		qemu_argv_free(argv);
		return -1;
	}

	live_init(&rs.live);
	live_phase(&rs.live, "starting QEMU");
	p = parser_new(on_record, &rs);
	rs.start = now();
	b->qemu_out_at = lseek(qlog, 0, SEEK_END);
	pid = proc_spawn_tied(argv, qlog);
	if (pid < 0) {
		fprintf(stderr, "%s: cannot start %s: %s\n", pmulab_progname, argv[0],
			strerror(errno));
		qemu_argv_free(argv);
		close(log_fd);
		close(qlog);
		b->stream = parser_finish(p);
		return -1;
	}
	/* Until the payload's hello, the firmware is booting: most of a
	 * short run under TCG. */
	live_phase(&rs.live, "firmware booting");
	b->status = follow(pid, log_fd, p, &rs, timeout, &b->why_killed);
	live_done(&rs.live);
	b->stream = parser_finish(p);
	b->boot_to_end = rs.end_at >= 0 ? rs.end_at - rs.start : -1;
	b->boot_to_hello = rs.hello_at >= 0 ? rs.hello_at - rs.start : -1;
	qemu_argv_free(argv);
	close(log_fd);
	close(qlog);
	return 0;
}

int cmd_run(int argc, char **argv)
{
	struct run_opts o;
	struct qemu_cfg qc = { 0 };
	struct report_meta meta = { .boot_to_end_s = -1 };
	struct boot b = { 0 };
	char dir[4096], efi_buf[4096], vars[4096], disk[4096], ref_file[4096], plugin_buf[4096],
	     serial[4096], path[4096], why[256], err[512], mode[128], exit_desc[128];
	const char *efi, *code, *vars_tmpl;
	int qlog, rc;
	bool kvm_auto, ref_failed = false;

	run_parse_opts(argc, argv, &o);
	efi = first_of(o.efi, getenv("PMULAB_EFI"), esp_beside_self("pmulab.efi", efi_buf,
								   sizeof(efi_buf)));
	if (!efi || access(efi, R_OK) < 0) {
		fprintf(stderr, "%s: run: no payload at %s: build it with 'make', or give "
			"--efi FILE\n", pmulab_progname, efi ? efi : "(unknown)");
		free(o.sets);
		return EXIT_ERROR;
	}
	if (o.reference) {
		o.ref.plugin = first_of(getenv("PMULAB_PLUGIN"), NULL,
					esp_beside_self("pmulab-plugin.so", plugin_buf,
							sizeof(plugin_buf)));
		/* By default the model runs wherever the plugin was built. */
		if (o.reference < 0 && (!o.ref.plugin || access(o.ref.plugin, R_OK) < 0))
			o.reference = 0;
	}
	if (o.reference > 0 && (!o.ref.plugin || access(o.ref.plugin, R_OK) < 0)) {
		fprintf(stderr, "%s: run: --reference: no plugin at %s: build it with "
			"'make' (it needs QEMU's qemu-plugin.h, docs/reference-plugin.md)\n",
			pmulab_progname, o.ref.plugin ? o.ref.plugin : "(unknown)");
		free(o.sets);
		return EXIT_ERROR;
	}
	if (qemu_find_ovmf(o.ovmf_code, o.ovmf_vars, &code, &vars_tmpl, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s: run: %s\n", pmulab_progname, err);
		free(o.sets);
		return EXIT_ERROR;
	}
	qc.qemu = first_of(o.qemu, getenv("PMULAB_QEMU"), "qemu-system-x86_64");
	qc.icount = o.icount;
	kvm_auto = o.accel == 0;
	qc.kvm = o.accel == 1 || (kvm_auto && qemu_kvm_usable(why, sizeof(why)));
	qc.cpu = o.cpu ? o.cpu : qc.kvm ? "host" : "Skylake-Client";
	qc.cpu_flags = o.cpu_flags;
	/* The plugin is TCG's; a KVM retry that falls back to TCG runs without it. */
	if (qc.kvm)
		o.reference = 0;
	if (o.accel == 1 && !qemu_kvm_usable(why, sizeof(why))) {
		fprintf(stderr, "%s: run: --kvm: KVM is not usable here: %s\n",
			pmulab_progname, why);
		free(o.sets);
		return EXIT_ERROR;
	}

	if (cli_out_dir(o.out, "run", dir, sizeof(dir)) < 0 || clear_outputs(dir) < 0) {
		free(o.sets);
		return EXIT_ERROR;
	}
	cli_mark_latest(dir);
	cli_stamp_run(dir);
	if (build_esp(dir, efi, &o, &qc, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s: run: %s\n", pmulab_progname, err);
		free(o.sets);
		return EXIT_ERROR;
	}

	cli_path(vars, sizeof(vars), dir, "ovmf-vars.fd");
	cli_path(disk, sizeof(disk), dir, "esp.img");
	cli_path(serial, sizeof(serial), dir, "serial.log");
	if (cli_copy_file(vars_tmpl, vars) < 0) {
		fprintf(stderr, "%s: run: cannot copy %s to %s: %s\n", pmulab_progname,
			vars_tmpl, vars, strerror(errno));
		free(o.sets);
		return EXIT_ERROR;
	}
	qc.ovmf_code = code;
	qc.ovmf_vars = vars;
	qc.disk = disk;
	qc.serial_log = serial;
	if (o.reference) {
		cli_path(ref_file, sizeof(ref_file), dir, "reference.txt");
		qc.plugin = reference_plugin_arg(&o.ref, ref_file);
	}

	/* Each stops QEMU and still writes what came (follow()); no SA_RESTART,
	 * so a signal cuts a wait short. */
	sigaction(SIGINT, &(struct sigaction){ .sa_handler = on_signal }, NULL);
	sigaction(SIGTERM, &(struct sigaction){ .sa_handler = on_signal }, NULL);
	sigaction(SIGHUP, &(struct sigaction){ .sa_handler = on_signal }, NULL);
	qemu_mode(&qc, mode, sizeof(mode));
	if (kvm_auto && !qc.kvm)
		fprintf(stderr, "%s: run: KVM not usable (%s): using TCG\n", pmulab_progname, why);
	fprintf(stderr, "%s: run: %s, output in %s\n", pmulab_progname, mode, dir);
	rc = boot_once(&qc, dir, o.timeout, &b);
	/* A /dev/kvm that QEMU cannot use shows as an early failure with no
	 * record at all: try again without it rather than give up. */
	if (rc == 0 && kvm_auto && qc.kvm && b.stream->nrecs == 0 && !stop_signal &&
	    b.status >= 0 && (qemu_failed(&b, serial) ||
			      !(WIFEXITED(b.status) && (WEXITSTATUS(b.status) & 1)))) {
		fprintf(stderr, "%s: run: KVM boot produced nothing; retrying with TCG\n",
			pmulab_progname);
		stream_free(b.stream);
		qc.kvm = false;
		qemu_mode(&qc, mode, sizeof(mode));
		cli_copy_file(vars_tmpl, vars);
		rc = build_esp(dir, efi, &o, &qc, err, sizeof(err));
		if (rc < 0)
			fprintf(stderr, "%s: run: %s\n", pmulab_progname, err);
		else
			rc = boot_once(&qc, dir, o.timeout, &b);
	}
	free(o.sets);
	if (rc < 0) {
		if (b.stream)
			stream_free(b.stream);
		if (!o.keep_esp)
			unlink(disk);
		return EXIT_ERROR;
	}

	if (qemu_failed(&b, serial)) {
		fprintf(stderr, "%s: run: QEMU failed to start the guest (exit %d); it said:\n",
			pmulab_progname, WEXITSTATUS(b.status));
		show_qemu_output(dir, &b);
		cli_path(path, sizeof(path), dir, "records.txt");
		if (stream_write_records(b.stream, path) < 0)
			fprintf(stderr, "%s: run: %s: %s\n", pmulab_progname, path,
				strerror(errno));
		stream_free(b.stream);
		free((char *)qc.plugin);
		if (!o.keep_esp)
			unlink(disk);
		return EXIT_ERROR;
	}
	describe_exit(b.status, b.why_killed, exit_desc, sizeof(exit_desc));
	fprintf(stderr, "%s: run: QEMU %s\n", pmulab_progname, exit_desc);
	if (b.why_killed && !b.stream->has_end)
		fprintf(stderr, "%s: run: stopped before the end record: the run is partial\n",
			pmulab_progname);
	cli_path(path, sizeof(path), dir, "qemu.log");
	qlog = open(path, O_WRONLY | O_CREAT | O_APPEND, 0644);
	cli_path(path, sizeof(path), dir, "results.txt");
	/* The run's boot volume is new, so its first results file is this
	 * boot's (the payload numbers them, firmware/volume.c). */
	if (qlog < 0 || esp_extract(disk, "::/pmulab/results-001.txt", path, qlog) < 0)
		fprintf(stderr, "%s: run: the payload left no \\pmulab\\results-001.txt on the "
			"boot volume\n", pmulab_progname);
	if (qlog >= 0)
		close(qlog);
	/* 16 MiB a run, and everything in it is in esp/ and results.txt. */
	if (!o.keep_esp)
		unlink(disk);

	free((char *)qc.plugin);
	/* The model's records follow the payload's end record: a run cut short
	 * keeps its records as they came (reference.txt stays beside them). */
	if (o.reference && !b.stream->has_end)
		fprintf(stderr, "%s: run: reference model: not merged: the payload sent no end "
			"record\n", pmulab_progname);
	if (o.reference && b.stream->has_end) {
		struct stream *merged = reference_merge(b.stream, ref_file, &o.ref, err,
							sizeof(err));
		/* The payload's records are kept whatever the plugin left. */
		if (merged) {
			b.stream = merged;
		} else {
			fprintf(stderr, "%s: run: reference model: %s\n", pmulab_progname, err);
			ref_failed = true;
		}
	}
	meta.source = dir;
	meta.mode = mode;
	meta.boot_to_end_s = b.boot_to_end;
	meta.boot_to_hello_s = b.boot_to_hello;
	meta.verbose = o.verbose;
	rc = cli_conclude(b.stream, dir, o.fmt, &meta);
	return db_feed(dir, ref_failed && rc == EXIT_OK ? EXIT_ERROR : rc);
}
