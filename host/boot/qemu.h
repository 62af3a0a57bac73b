/* What `pmulab run` needs to start QEMU: firmware, accelerator, command line. */
#ifndef PMULAB_QEMU_H
#define PMULAB_QEMU_H

#include <stdbool.h>
#include <stddef.h>

struct qemu_cfg {
	const char *qemu;	/* binary */
	bool kvm;		/* else TCG */
	const char *cpu;	/* CPU model: host under KVM, else a TCG model */
	const char *cpu_flags;	/* CPU properties after it (pmu=off), or NULL */
	unsigned icount;	/* TCG -icount shift */
	const char *ovmf_code, *ovmf_vars;	/* vars: this run's writable copy */
	const char *disk;	/* the ESP image */
	const char *serial_log;
	const char *plugin;	/* a TCG plugin and its arguments (-plugin), or NULL */
};

/* OVMF code and variable-store template: the options, else PMULAB_OVMF_CODE /
 * PMULAB_OVMF_VARS, else Debian's ovmf package. 0, or -1 with err set. */
int qemu_find_ovmf(const char *code_opt, const char *vars_opt, const char **code,
		   const char **vars, char *err, size_t errlen);
/* Whether KVM can run a guest here; when not, why (into why). */
bool qemu_kvm_usable(char *why, size_t len);
/* The argument vector (malloc'd strings, NULL-terminated); free with
 * qemu_argv_free. */
char **qemu_argv(const struct qemu_cfg *c);
void qemu_argv_free(char **argv);
/* "tcg cpu=Skylake-Client icount-shift=5" or "kvm cpu=host,pmu=on". */
/* The -cpu value: the model, then pmu=on under KVM (where it is off by
 * default), then cpu_flags, which win over it. */
void qemu_cpu(const struct qemu_cfg *c, char *buf, size_t len);
void qemu_mode(const struct qemu_cfg *c, char *buf, size_t len);

#endif
