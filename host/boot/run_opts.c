/* pmulab run's options (host/boot/run_opts.h): each checked as it is read,
 * the settings as a whole before the boot. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "host/boot/budget.h"
#include "host/boot/esp.h"
#include "host/boot/run_opts.h"

/* A cache geometry as cachegrind takes it: SIZE,ASSOC,LINE in bytes. */
static void cache_opt(const char *opt, const char *v, struct cs_geom *g)
{
	const char *why;

	if (cs_geom_parse(v, g) == 0)
		return;
	why = cs_geom_check(g);
	cli_usage_error("run", "%s '%s': %s", opt, v, why ? why : "not SIZE,ASSOC,LINE");
}

/* The config the payload will read, parsed here first with the payload's own
 * parser: a bad value is refused in an instant, not after a whole boot of the
 * default suite. */
static void check_settings(const struct run_opts *o)
{
	char tmpl_buf[4096], err[4400];
	const char *tmpl = esp_beside_self("esp/pmulab/config.txt", tmpl_buf, sizeof(tmpl_buf));
	char *text = esp_config(tmpl && access(tmpl, R_OK) == 0 ? tmpl : NULL, o->sets,
				o->nsets, err, sizeof(err));
	unsigned problems;

	if (!text) {
		fprintf(stderr, "%s: run: %s\n", pmulab_progname, err);
		exit(EXIT_ERROR);
	}
	problems = esp_check_config("run", text);
	free(text);
	if (problems)
		cli_usage_error("run", "%u bad setting%s: nothing booted", problems,
				problems == 1 ? "" : "s");
}

/* A payload setting: key=value, the key a config word, one line. */
void run_parse_opts(int argc, char **argv, struct run_opts *o)
{
	const char *v;

	/* timeout < 0: not given, it follows the settings (run_timeout_for). */
	*o = (struct run_opts){ .icount = 5, .timeout = -1, .reference = -1 };
	reference_defaults(&o->ref);
	/* One more slot: the icount_shift the launcher adds (build_esp()). */
	o->sets = calloc(argc + 1, sizeof(char *));
	if (!o->sets) {
		perror(pmulab_progname);
		exit(EXIT_ERROR);
	}
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--kvm")) {
			o->accel = 1;
		} else if (!strcmp(argv[i], "--tcg")) {
			o->accel = 2;
		} else if ((v = cli_opt(argc, argv, &i, "run", "--cpu"))) {
			if (!*v || strpbrk(v, " ,"))
				cli_usage_error("run", "--cpu '%s': not a QEMU CPU model name", v);
			o->cpu = v;
		} else if ((v = cli_opt(argc, argv, &i, "run", "--cpu-flags"))) {
			if (!*v || strchr(v, ' '))
				cli_usage_error("run", "--cpu-flags '%s': not QEMU CPU properties "
						"(pmu=off,+pdcm)", v);
			o->cpu_flags = v;
		} else if ((v = cli_opt(argc, argv, &i, "run", "--icount"))) {
			o->icount = cli_uint("run", "--icount", v);
			if (o->icount > 10)
				cli_usage_error("run", "--icount '%s': QEMU takes a shift of 0..10", v);
		} else if (!strcmp(argv[i], "--explain")) {
			o->sets[o->nsets++] = "explain=1";
		} else if ((v = cli_opt(argc, argv, &i, "run", "--set"))) {
			esp_check_set("run", v);
			o->sets[o->nsets++] = (char *)v;
		} else if ((v = cli_opt(argc, argv, &i, "run", "--timeout"))) {
			o->timeout = cli_seconds("run", "--timeout", v);
		} else if ((v = cli_opt(argc, argv, &i, "run", "--out"))) {
			o->out = v;
		} else if ((v = cli_opt(argc, argv, &i, "run", "--format"))) {
			o->fmt = cli_format("run", v);
		} else if ((v = cli_opt(argc, argv, &i, "run", "--efi"))) {
			o->efi = v;
		} else if ((v = cli_opt(argc, argv, &i, "run", "--ovmf-code"))) {
			o->ovmf_code = v;
		} else if ((v = cli_opt(argc, argv, &i, "run", "--ovmf-vars"))) {
			o->ovmf_vars = v;
		} else if ((v = cli_opt(argc, argv, &i, "run", "--qemu"))) {
			o->qemu = v;
		} else if (!strcmp(argv[i], "--verbose")) {
			o->verbose = true;
		} else if (!strcmp(argv[i], "--keep-esp")) {
			o->keep_esp = true;
		} else if (!strcmp(argv[i], "--reference")) {
			o->reference = 1;
		} else if (!strcmp(argv[i], "--no-reference")) {
			o->reference = 0;
		} else if ((v = cli_opt(argc, argv, &i, "run", "--I1"))) {
			cache_opt("--I1", v, &o->ref.i1);
		} else if ((v = cli_opt(argc, argv, &i, "run", "--D1"))) {
			cache_opt("--D1", v, &o->ref.d1);
		} else if ((v = cli_opt(argc, argv, &i, "run", "--LL"))) {
			cache_opt("--LL", v, &o->ref.ll);
		} else {
			cli_usage_error("run", "unexpected argument '%s'", argv[i]);
		}
	}
	check_settings(o);
	if (o->timeout < 0)
		o->timeout = run_timeout_for(o->sets, o->nsets);
	if (o->timeout == 0)
		cli_usage_error("run", "--timeout must be more than 0 s");
	if (o->reference == 1 && o->accel == 1)
		cli_usage_error("run", "--reference needs TCG: the reference plugin is a QEMU TCG "
				"plugin, which KVM does not run; drop --kvm");
	if (o->reference != 0 && (o->ref.i1.line != o->ref.ll.line || o->ref.d1.line != o->ref.ll.line))
		cli_usage_error("run", "--I1, --D1 and --LL need one line size");
	if (o->reference == 1)
		o->accel = 2;
	if (o->accel == 1)
		o->reference = 0;
}
