/* QEMU launch details. The machine follows the recipe that boots OVMF: q35,
 * OVMF code read-only and a private copy of its variable store as pflash,
 * the ESP as a disk, isa-debug-exit for the status, the UART to a file. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "host/boot/qemu.h"

/* linux/kvm.h: KVMIO 0xAE */
#define KVM_GET_API_VERSION	0xae00
#define KVM_CREATE_VM		0xae01
#define KVM_API_VERSION		12

static const char *const ovmf_pairs[][2] = {
	{ "/usr/share/OVMF/OVMF_CODE_4M.fd", "/usr/share/OVMF/OVMF_VARS_4M.fd" },
	{ "/usr/share/OVMF/OVMF_CODE.fd", "/usr/share/OVMF/OVMF_VARS.fd" },
};

static const char *first(const char *a, const char *b)
{
	return a && *a ? a : b && *b ? b : NULL;
}

int qemu_find_ovmf(const char *code_opt, const char *vars_opt, const char **code,
		   const char **vars, char *err, size_t errlen)
{
	*code = first(code_opt, getenv("PMULAB_OVMF_CODE"));
	*vars = first(vars_opt, getenv("PMULAB_OVMF_VARS"));
	for (size_t i = 0; !*code && i < sizeof(ovmf_pairs) / sizeof(ovmf_pairs[0]); i++) {
		if (access(ovmf_pairs[i][0], R_OK) == 0) {
			*code = ovmf_pairs[i][0];
			if (!*vars)
				*vars = ovmf_pairs[i][1];
		}
	}
	if (!*code) {
		snprintf(err, errlen, "no OVMF firmware: install Debian's ovmf package "
			 "(scripts/deps.sh) or give --ovmf-code FILE");
		return -1;
	}
	if (!*vars) {
		snprintf(err, errlen, "no OVMF variable store to go with %s: give "
			 "--ovmf-vars FILE", *code);
		return -1;
	}
	if (access(*code, R_OK) < 0 || access(*vars, R_OK) < 0) {
		const char *bad = access(*code, R_OK) < 0 ? *code : *vars;
		snprintf(err, errlen, "cannot read %s: %s", bad, strerror(errno));
		return -1;
	}
	return 0;
}

/* A host that runs KVM guests with hardware virtualization lists vmx or svm;
 * some sandboxes offer a /dev/kvm that QEMU cannot use without them. */
static bool cpu_has_virt(void)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[8192];
	bool found = false;

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		if (!strncmp(line, "flags", 5))
			found = strstr(line, " vmx") || strstr(line, " svm");
	fclose(f);
	return found;
}

bool qemu_kvm_usable(char *why, size_t len)
{
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC), vm;

	if (fd < 0) {
		snprintf(why, len, "/dev/kvm: %s", strerror(errno));
		return false;
	}
	if (ioctl(fd, KVM_GET_API_VERSION, 0) != KVM_API_VERSION) {
		snprintf(why, len, "/dev/kvm: unexpected API version");
		close(fd);
		return false;
	}
	vm = ioctl(fd, KVM_CREATE_VM, 0);
	if (vm < 0) {
		snprintf(why, len, "/dev/kvm: cannot create a VM: %s", strerror(errno));
		close(fd);
		return false;
	}
	close(vm);
	close(fd);
	if (!cpu_has_virt()) {
		snprintf(why, len, "/proc/cpuinfo lists neither vmx nor svm");
		return false;
	}
	return true;
}

/* QEMU splits -drive/-chardev options at commas; a comma in a path is
 * written twice. */
static char *opt_path(const char *prefix, const char *path)
{
	size_t n = strlen(prefix), len = n + 2 * strlen(path) + 1;
	char *s = malloc(len), *p;

	if (!s)
		return NULL;
	memcpy(s, prefix, n);
	p = s + n;
	for (; *path; path++) {
		if (*path == ',')
			*p++ = ',';
		*p++ = *path;
	}
	*p = '\0';
	return s;
}

char **qemu_argv(const struct qemu_cfg *c)
{
	char icount[64], cpu[256];
	/* 1 GiB: suite=full chases through 256 MiB of UEFI pages. */
	const char *fixed_head[] = {
		c->qemu, "-machine", "q35", "-m", "1024", "-smp", "1", "-no-reboot",
		"-display", "none", "-monitor", "none", "-net", "none",
		"-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
	};
	size_t n = 0, max = sizeof(fixed_head) / sizeof(fixed_head[0]) + 24;
	char **argv = calloc(max, sizeof(char *));

	if (!argv)
		return NULL;
	for (size_t i = 0; i < sizeof(fixed_head) / sizeof(fixed_head[0]); i++)
		argv[n++] = strdup(fixed_head[i]);
	qemu_cpu(c, cpu, sizeof(cpu));
	if (c->kvm) {
		argv[n++] = strdup("-accel");
		argv[n++] = strdup("kvm");
		argv[n++] = strdup("-cpu");
		argv[n++] = strdup(cpu);
	} else {
		snprintf(icount, sizeof(icount), "shift=%u,sleep=off", c->icount);
		argv[n++] = strdup("-accel");
		argv[n++] = strdup("tcg");
		argv[n++] = strdup("-cpu");
		argv[n++] = strdup(cpu);
		argv[n++] = strdup("-icount");
		argv[n++] = strdup(icount);
		if (c->plugin) {
			argv[n++] = strdup("-plugin");
			argv[n++] = strdup(c->plugin);
		}
	}
	argv[n++] = strdup("-drive");
	argv[n++] = opt_path("if=pflash,format=raw,readonly=on,file=", c->ovmf_code);
	argv[n++] = strdup("-drive");
	argv[n++] = opt_path("if=pflash,format=raw,file=", c->ovmf_vars);
	argv[n++] = strdup("-drive");
	argv[n++] = opt_path("format=raw,file=", c->disk);
	argv[n++] = strdup("-chardev");
	argv[n++] = opt_path("file,id=serial0,path=", c->serial_log);
	argv[n++] = strdup("-serial");
	argv[n++] = strdup("chardev:serial0");
	for (size_t i = 0; i < n; i++) {
		if (!argv[i]) {
			qemu_argv_free(argv);
			return NULL;
		}
	}
	return argv;
}

void qemu_argv_free(char **argv)
{
	for (size_t i = 0; argv && argv[i]; i++)
		free(argv[i]);
	free(argv);
}

void qemu_cpu(const struct qemu_cfg *c, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s%s", c->cpu, c->kvm ? ",pmu=on" : "",
		 c->cpu_flags ? "," : "", c->cpu_flags ? c->cpu_flags : "");
}

void qemu_mode(const struct qemu_cfg *c, char *buf, size_t len)
{
	char cpu[256];

	qemu_cpu(c, cpu, sizeof(cpu));
	if (c->kvm)
		snprintf(buf, len, "kvm cpu=%s", cpu);
	else
		snprintf(buf, len, "tcg cpu=%s icount-shift=%u", cpu, c->icount);
}
