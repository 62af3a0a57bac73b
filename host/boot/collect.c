/* pmulab collect: records from a serial device, a capture file or stdin.
 * Every byte read goes to serial.log at once, so a crash of this tool or of
 * the machine loses nothing that had arrived. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include "host/cli.h"
#include "host/boot/live.h"

static const struct {
	unsigned long baud;
	speed_t speed;
} bauds[] = {
	{ 50, B50 }, { 75, B75 }, { 110, B110 }, { 134, B134 }, { 150, B150 },
	{ 200, B200 }, { 300, B300 }, { 600, B600 }, { 1200, B1200 },
	{ 1800, B1800 }, { 2400, B2400 }, { 4800, B4800 }, { 9600, B9600 },
	{ 19200, B19200 }, { 38400, B38400 }, { 57600, B57600 },
	{ 115200, B115200 }, { 230400, B230400 }, { 460800, B460800 },
	{ 500000, B500000 }, { 576000, B576000 }, { 921600, B921600 },
	{ 1000000, B1000000 }, { 1152000, B1152000 }, { 1500000, B1500000 },
	{ 2000000, B2000000 }, { 2500000, B2500000 }, { 3000000, B3000000 },
	{ 3500000, B3500000 }, { 4000000, B4000000 },
};

/* Records kept for the report: a run's take tens of KiB. A capture past
 * this (a soak, a day of serial output) is counted, not kept, so collect
 * reads any length in bounded memory; pmulab report DIR then reads its
 * serial.log whole. */
#define COLLECT_KEEP_MAX (8u << 20)

struct collect {
	struct live live;
	bool got_end;
	bool over;		/* stopped at PARSE_FILE_MAX */
};

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

static void on_record(const struct record *rec, void *ctx)
{
	struct collect *c = ctx;

	live_on_record(rec, &c->live);
	if (strcmp(rec->type, "end") == 0)
		c->got_end = true;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static speed_t baud_speed(unsigned long baud)
{
	for (size_t i = 0; i < sizeof(bauds) / sizeof(bauds[0]); i++)
		if (bauds[i].baud == baud)
			return bauds[i].speed;
	cli_usage_error("collect", "--baud '%lu': not a serial line speed "
			"(9600, 19200, 38400, 57600, 115200, 230400, ...)", baud);
}

/* Raw 8N1 at speed; CLOCAL so that reading needs no modem carrier. */
static int tty_setup(int fd, speed_t speed, struct termios *saved)
{
	struct termios t;

	if (tcgetattr(fd, saved) < 0)
		return -1;
	t = *saved;
	cfmakeraw(&t);
	t.c_cflag |= CLOCAL | CREAD;
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	if (cfsetispeed(&t, speed) < 0 || cfsetospeed(&t, speed) < 0)
		return -1;
	return tcsetattr(fd, TCSANOW, &t);
}

/* Reads until the end record (tty only), the deadline, EOF or a signal. */
static void read_loop(int in, bool tty, int log, const char *log_path,
		      double timeout, struct parser *p, struct collect *c)
{
	double deadline = timeout > 0 ? now() + timeout : 0;
	unsigned long long total = 0;
	bool log_ok = true;
	char buf[65536];

	while (!stop_signal && !(tty && c->got_end)) {
		struct pollfd pfd = { .fd = in, .events = POLLIN };
		ssize_t n;

		if (deadline && now() >= deadline) {
			live_done(&c->live);
			fprintf(stderr, "%s collect: stopped reading after %g s (--timeout)\n",
				pmulab_progname, timeout);
			return;
		}
		/* Short waits keep the clock on the status line moving. */
		if (poll(&pfd, 1, 100) <= 0) {
			live_tick(&c->live);
			continue;
		}
		n = read(in, buf, sizeof(buf));
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0) {
			live_done(&c->live);
			fprintf(stderr, "%s collect: read: %s\n", pmulab_progname, strerror(errno));
			return;
		}
		if (n == 0)
			break;
		/* A device that never ends (/dev/zero, a line of noise) stops
		 * where a file would be refused. */
		if ((total += n) > PARSE_FILE_MAX) {
			live_done(&c->live);
			fprintf(stderr, "%s collect: stopped reading after %llu MiB "
				"(PARSE_FILE_MAX), reporting what arrived\n",
				pmulab_progname, PARSE_FILE_MAX >> 20);
			c->over = true;
			return;
		}
		if (log_ok && cli_write_all(log, buf, n) < 0) {
			fprintf(stderr, "%s collect: %s: %s\n", pmulab_progname, log_path,
				strerror(errno));
			log_ok = false;
		}
		parser_feed(p, buf, n);
	}
	live_done(&c->live);
	if (stop_signal)
		fprintf(stderr, "%s collect: interrupted, reporting what arrived\n",
			pmulab_progname);
}

static int open_source(const char *src, bool *tty)
{
	struct stat st;
	int fd;

	*tty = false;
	if (strcmp(src, "-") == 0)
		return STDIN_FILENO;
	/* O_NONBLOCK: opening a serial port may otherwise wait for carrier. */
	fd = open(src, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0) {
		fprintf(stderr, "%s collect: %s: %s\n", pmulab_progname, src, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (S_ISDIR(st.st_mode)) {
		fprintf(stderr, "%s collect: %s: a directory: give a capture file, a TTY or - "
			"(pmulab report reads a run directory)\n", pmulab_progname, src);
		close(fd);
		return -1;
	}
	*tty = S_ISCHR(st.st_mode) && isatty(fd);
	return fd;
}

int cmd_collect(int argc, char **argv)
{
	const char *src = NULL, *out = NULL, *v;
	unsigned long baud = 115200;
	double timeout = 0;
	enum report_format fmt = REPORT_TEXT;
	char dir[4096], log_path[4096], mode[64];
	struct report_meta meta = { .boot_to_end_s = -1 };
	struct sigaction sa = { .sa_handler = on_signal }, old_int, old_term;
	struct termios saved;
	struct collect c;
	struct parser *p;
	speed_t speed;
	bool tty;
	int in, log, code;

	for (int i = 1; i < argc; i++) {
		if ((v = cli_opt(argc, argv, &i, "collect", "--baud")))
			baud = cli_uint("collect", "--baud", v);
		else if ((v = cli_opt(argc, argv, &i, "collect", "--timeout")))
			timeout = cli_seconds("collect", "--timeout", v);
		else if ((v = cli_opt(argc, argv, &i, "collect", "--out")))
			out = v;
		else if ((v = cli_opt(argc, argv, &i, "collect", "--format")))
			fmt = cli_format("collect", v);
		else if (argv[i][0] == '-' && argv[i][1])
			cli_usage_error("collect", "unknown option '%s'", argv[i]);
		else if (!src)
			src = argv[i];
		else
			cli_usage_error("collect", "one FILE, TTY or - only, not also '%s'",
					argv[i]);
	}
	if (!src)
		cli_usage_error("collect", "missing FILE, TTY or -");

	speed = baud_speed(baud);
	in = open_source(src, &tty);
	if (in < 0 || cli_out_dir(out, "collect", dir, sizeof(dir)) < 0)
		return EXIT_ERROR;
	cli_mark_latest(dir);
	cli_stamp_run(dir);
	/* A reused DIR: its old records.txt must not outlive a new serial.log
	 * if this collect is killed before writing its own. */
	if (cli_path(log_path, sizeof(log_path), dir, "records.txt") == 0)
		unlink(log_path);
	if (cli_path(log_path, sizeof(log_path), dir, "serial.log") < 0 ||
	    (log = open(log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666)) < 0) {
		fprintf(stderr, "%s collect: %s: %s\n", pmulab_progname, log_path,
			strerror(errno));
		return EXIT_ERROR;
	}
	if (tty && tty_setup(in, speed, &saved) < 0) {
		fprintf(stderr, "%s collect: %s: %s\n", pmulab_progname, src, strerror(errno));
		return EXIT_ERROR;
	}

	/* No SA_RESTART: a signal must wake the read loop, not resume it. */
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	live_init(&c.live);
	c.got_end = c.over = false;
	p = parser_new(on_record, &c);
	parser_keep_max(p, COLLECT_KEEP_MAX);
	read_loop(in, tty, log, log_path, timeout, p, &c);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	if (tty)
		tcsetattr(in, TCSANOW, &saved);
	if (in != STDIN_FILENO)
		close(in);
	close(log);

	meta.source = strcmp(src, "-") ? src : "stdin";
	if (tty) {
		snprintf(mode, sizeof(mode), "serial %lu baud", baud);
		meta.mode = mode;
	}
	meta.out_dir = dir;
	code = cli_conclude(parser_finish(p), dir, fmt, &meta);
	/* Stopped by hand or at the size limit: what did arrive may look
	 * complete, the capture is not. */
	return (stop_signal || c.over) && code == EXIT_OK ? EXIT_PARTIAL : code;
}
