# pmulab: one non-recursive Makefile for the payload, the host tool and the tests.
#   make          payload (build/pmulab.efi), host CLI (build/pmulab), ESP (build/esp/)
#   make run      boot the payload under QEMU and print the report
#   make test     C unit tests, then the end-to-end QEMU boots (pytest)
#   make bench    boot-to-end wall time of the default TCG run
#   make crosscheck  payload vs Linux perf on a machine with a PMU, compared
#   make fuzz     libFuzzer on the record parser (FUZZ_SECONDS, default 60)
#   make image    build/pmulab.img, the USB stick image for real hardware
#   make lessons  rewrite the transcripts in docs/lessons/ from fresh TCG runs

VERSION := 0.1.0
BUILD := build
CC := gcc
NASM := nasm
LD := ld
OBJCOPY := objcopy
PYTEST := /usr/bin/python3 -m pytest
# Warnings are errors everywhere, CI included; `make WERROR=` to relax locally.
WERROR ?= -Werror
WARN := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wno-unused-parameter $(WERROR)

# Quiet by default, one line per step; `make V=1` shows the commands.
ifeq ($(V),)
Q := @
E := @echo
else
Q :=
E := @:
endif

all: deps $(BUILD)/pmulab.efi $(BUILD)/pmulab $(BUILD)/esp $(BUILD)/pmulab-plugin.so

# Installs missing Debian packages; a no-op when everything is present.
deps:
	@scripts/deps.sh

# ---------------------------------------------------------------- payload ----
EFI_INC := /usr/include/efi
EFI_LIB := /usr/lib
EFI_CFLAGS := -std=gnu11 -O2 -g $(WARN) -MMD -MP \
	-ffreestanding \
	-fpic \
	-fshort-wchar \
	-mno-red-zone \
	-mgeneral-regs-only \
	-fno-stack-protector \
	-fno-strict-aliasing \
	-fno-asynchronous-unwind-tables \
	-fno-omit-frame-pointer \
	-fvisibility=hidden \
	-DGNU_EFI_USE_MS_ABI \
	-DPMULAB_VERSION='"$(VERSION)"' \
	-isystem $(EFI_INC) -isystem $(EFI_INC)/x86_64 -Ikernel-side -Ifirmware -Imicrobench
# -fpic: GNU-EFI images are relocated by crt0's _relocate at load time.
# -fshort-wchar: UEFI strings are UCS-2 (CHAR16 == wchar_t).
# -mno-red-zone: exceptions in the owned world push onto the running stack,
#   below RSP, where the red zone would be.
# -mgeneral-regs-only: the trap entry saves only general registers, so no C code
#   may keep live values in SSE registers across a fault fixup.
# -fno-omit-frame-pointer: RBP chains give call stacks in fault and sample records.
# -fvisibility=hidden: nasm code calls C directly (PC32 relocations) in a -shared link.
# GNU_EFI_USE_MS_ABI: call firmware services directly with ms_abi, no wrapper.
NASMFLAGS := -f elf64 -g -F dwarf -Ikernel-side/

FIRMWARE_OBJS := \
	firmware/main.o \
	firmware/serial.o \
	firmware/console.o \
	firmware/config.o \
	firmware/uefi.o \
	firmware/volume.o \
	firmware/output.o \
	firmware/smbios.o \
	firmware/exit.o \
	firmware/summary.o

KERNEL_OBJS := \
	kernel-side/crc32.o \
	kernel-side/fmt.o \
	kernel-side/record.o \
	kernel-side/string.o \
	kernel-side/hw.o \
	kernel-side/msr.o \
	kernel-side/idt.o \
	kernel-side/owned.o \
	kernel-side/exception.o \
	kernel-side/trap.o \
	kernel-side/entry.o \
	kernel-side/symtab.o \
	kernel-side/cpuinfo.o \
	kernel-side/pmu.o \
	kernel-side/pmu_intel.o \
	kernel-side/pmu_amd.o \
	kernel-side/events.o \
	kernel-side/explain.o \
	kernel-side/count.o \
	kernel-side/bench.o \
	kernel-side/pmu_check.o \
	kernel-side/paging.o \
	kernel-side/text_poke.o \
	kernel-side/ftrace.o \
	kernel-side/ftrace_tracers.o \
	kernel-side/ftrace_entry.o \
	kernel-side/ftrace_suite.o \
	kernel-side/kprobe_insn.o \
	kernel-side/kprobe.o \
	kernel-side/kretprobe.o \
	kernel-side/kprobe_entry.o \
	kernel-side/probes_suite.o \
	kernel-side/probes_ret.o \
	kernel-side/probes_dr.o \
	kernel-side/suites.o \
	kernel-side/suite_run.o \
	kernel-side/suite_describe.o \
	kernel-side/lbr.o \
	kernel-side/lbr_stack.o \
	kernel-side/lbr_check.o \
	kernel-side/debugreg.o \
	kernel-side/apic.o \
	kernel-side/sample.o \
	kernel-side/sample_suite.o \
	kernel-side/sampled_step.o \
	kernel-side/selftest.o \
	kernel-side/insn.o \
	kernel-side/lesson.o \
	kernel-side/lessons.o \
	kernel-side/lesson_01_cpuid.o \
	kernel-side/lesson_02_ipc.o \
	kernel-side/lesson_03_cache.o \
	kernel-side/lesson_04_branch.o \
	kernel-side/lesson_05_sampling.o \
	kernel-side/lesson_06_lbr.o \
	kernel-side/lesson_07_kprobe.o \
	kernel-side/lesson_08_hwbp.o \
	kernel-side/lesson_09_fentry.o \
	kernel-side/lesson_10_linux.o

MICROBENCH_OBJS := \
	microbench/kernels.o \
	microbench/traced.o \
	microbench/sampled.o \
	microbench/lbr_chain.o \
	microbench/loops.o \
	microbench/memory.o \
	microbench/branch.o \
	microbench/calls.o \
	microbench/probe_targets.o

# The kernels, also run natively by the host tool's config check and the
# unit tests.
KERNEL_ASM := microbench/loops.asm microbench/memory.asm microbench/branch.asm \
	microbench/calls.asm

PAYLOAD_OBJS := $(addprefix $(BUILD)/efi/,$(FIRMWARE_OBJS) $(KERNEL_OBJS) $(MICROBENCH_OBJS))

# The traceable code: each function starts with 5 bytes the function tracer
# patches (kernel-side/ftrace.h). -fpatchable-function-entry works with
# GNU-EFI's -fpic, where -mfentry -mnop-mcount would need -fno-pic. Only code
# the tracer itself never runs while tracing.
TRACED_OBJS := microbench/traced.o kernel-side/fmt.o kernel-side/crc32.o
$(addprefix $(BUILD)/efi/,$(TRACED_OBJS)): EFI_CFLAGS += -fpatchable-function-entry=5
# The LBR call chain: no frame pointers, so only the LBR can give its stack
# (microbench/lbr_chain.h). The unit tests link the same code built the same way.
LBR_CHAIN_CFLAGS := -fomit-frame-pointer
$(BUILD)/efi/microbench/lbr_chain.o: EFI_CFLAGS += $(LBR_CHAIN_CFLAGS)
EFI_LDFLAGS := -shared -Bsymbolic -nostdlib -znocombreloc -T firmware/pmulab.lds
EFI_LIBS := $(EFI_LIB)/crt0-efi-x86_64.o
EFI_LIBS_AFTER := -L$(EFI_LIB) -lefi -lgnuefi

$(BUILD)/efi/%.o: %.c
	@mkdir -p $(@D)
	$(E) "  CC      $<"
	$(Q)$(CC) $(EFI_CFLAGS) -c $< -o $@

$(BUILD)/efi/%.o: %.asm
	@mkdir -p $(@D)
	$(E) "  NASM    $<"
	$(Q)$(NASM) $(NASMFLAGS) -MD $(@:.o=.d) $< -o $@

# The embedded symbol table is generated from a first link and compiled into a
# second one. It lives in .data, which the linker script places after .text, so
# no function moves between the links; mksymtab.sh --check proves it.
$(BUILD)/pass1.so: $(PAYLOAD_OBJS) $(BUILD)/efi/symtab-empty.o firmware/pmulab.lds
	$(E) "  LD      $@"
	$(Q)$(LD) $(EFI_LDFLAGS) $(EFI_LIBS) $(PAYLOAD_OBJS) $(BUILD)/efi/symtab-empty.o \
		$(EFI_LIBS_AFTER) -o $@

$(BUILD)/efi/symtab-empty.c: scripts/mksymtab.sh
	@mkdir -p $(@D)
	$(Q)scripts/mksymtab.sh /dev/null > $@

$(BUILD)/efi/symtab-data.c: $(BUILD)/pass1.so scripts/mksymtab.sh
	$(E) "  SYMTAB  $@"
	$(Q)scripts/mksymtab.sh $< > $@

$(BUILD)/efi/symtab-%.o: $(BUILD)/efi/symtab-%.c
	$(Q)$(CC) $(EFI_CFLAGS) -c $< -o $@

$(BUILD)/pmulab.so: $(PAYLOAD_OBJS) $(BUILD)/efi/symtab-data.o $(BUILD)/pass1.so
	$(E) "  LD      $@"
	$(Q)$(LD) $(EFI_LDFLAGS) $(EFI_LIBS) $(PAYLOAD_OBJS) $(BUILD)/efi/symtab-data.o \
		$(EFI_LIBS_AFTER) -o $@
	$(Q)scripts/mksymtab.sh --check $(BUILD)/pass1.so $@

$(BUILD)/pmulab.efi: $(BUILD)/pmulab.so
	$(E) "  EFI     $@"
	$(Q)$(OBJCOPY) -j .text -j .sdata -j .data -j .dynamic -j .dynsym -j .rel \
		-j .rela -j .rel.* -j .rela.* -j .reloc \
		--target efi-app-x86_64 --subsystem=10 $< $@

$(BUILD)/esp: $(BUILD)/pmulab.efi images/config.txt images/README.txt images/mkesp.sh
	$(E) "  ESP     $@"
	$(Q)images/mkesp.sh $(BUILD)/pmulab.efi images/config.txt images/README.txt $@
	@touch $@

# The USB stick image for real hardware (docs/real-hardware.md).
image: all $(BUILD)/pmulab.img

$(BUILD)/pmulab.img: $(BUILD)/pmulab $(BUILD)/esp
	$(E) "  IMAGE   $@"
	$(Q)$(BUILD)/pmulab image -o $@ --config $(BUILD)/esp/pmulab/config.txt > /dev/null

# ------------------------------------------------------------------- host ----
HOST_CFLAGS := -std=gnu11 -O2 -g $(WARN) -MMD -MP -D_GNU_SOURCE \
	-DPMULAB_VERSION='"$(VERSION)"' -Ikernel-side -Ihost -Ihost/qemu-plugin -Ifirmware \
	-Imicrobench
# The host checks configs with the payload's own parser (pmulab image), which
# knows the event names and the benches= syntax, hence the kernels' table.
HOST_SRCS := $(wildcard host/*.c) kernel-side/crc32.c firmware/config.c \
	kernel-side/events.c kernel-side/suites.c kernel-side/fmt.c microbench/kernels.c \
	kernel-side/record.c kernel-side/suite_describe.c microbench/traced.c microbench/sampled.c \
	host/qemu-plugin/cachesim.c kernel-side/insn.c
HOST_OBJS := $(patsubst %.c,$(BUILD)/host/%.o,$(HOST_SRCS)) \
	$(patsubst %.asm,$(BUILD)/host/%.o,$(KERNEL_ASM))

$(BUILD)/host/%.o: %.c
	@mkdir -p $(@D)
	$(E) "  HOSTCC  $<"
	$(Q)$(CC) $(HOST_CFLAGS) -c $< -o $@

# Debug info: valgrind names the kernels' functions from it (pmulab linux).
$(BUILD)/host/%.o: %.asm
	@mkdir -p $(@D)
	$(E) "  NASM    $<"
	$(Q)$(NASM) -f elf64 -g -F dwarf $< -o $@

# pmulab linux probes tr_leaf with a uprobe: built as the payload builds it,
# the same entry hook before its first instruction.
$(BUILD)/host/microbench/traced.o: HOST_CFLAGS += -fpatchable-function-entry=5
# pmulab linux --profile samples the payload's sampling workload with perf
# record -g: frame pointers, as in the payload, in it and in its callers.
$(BUILD)/host/microbench/sampled.o $(BUILD)/host/host/lxprofile.o $(BUILD)/host/host/linux.o \
	$(BUILD)/host/host/main.o: HOST_CFLAGS += -fno-omit-frame-pointer

$(BUILD)/pmulab: $(HOST_OBJS) $(BUILD)/tolerances.txt
	$(E) "  LINK    $@"
	$(Q)$(CC) $(HOST_CFLAGS) $(HOST_OBJS) -o $@ -lm

# pmulab compare's default tolerance table, beside the binary.
$(BUILD)/tolerances.txt: host/tolerances.txt
	@mkdir -p $(@D)
	$(Q)cp $< $@

# The TCG reference plugin (docs/reference-plugin.md), built against the
# installed QEMU's qemu-plugin.h, which scripts/qemu-plugin-h.sh fetches once
# from Debian's source package into a cache folder (no QEMU code in the repo).
PLUGIN_SRCS := host/qemu-plugin/pmulab-plugin.c host/qemu-plugin/cachesim.c kernel-side/insn.c
$(BUILD)/pmulab-plugin.so: $(PLUGIN_SRCS) host/qemu-plugin/cachesim.h kernel-side/insn.h \
		scripts/qemu-plugin-h.sh
	@mkdir -p $(@D)
	$(E) "  PLUGIN  $@"
	$(Q)hdr=$$(scripts/qemu-plugin-h.sh) && \
		$(CC) -std=gnu11 -O2 -g $(WARN) -fPIC -shared -Ihost/qemu-plugin -Ikernel-side \
		-I"$$hdr/qemu" $(PLUGIN_SRCS) -o $@.tmp && \
		scripts/qemu-plugin-h.sh --check $@.tmp && mv $@.tmp $@

# ------------------------------------------------------------- unit tests ----
# Each tests/unit/test_NAME.c links with unit_NAME_SRCS, built with sanitizers.
UNIT_CFLAGS := -std=gnu11 -O1 -g $(WARN) -Wno-missing-prototypes -MMD -MP \
	-D_GNU_SOURCE -fsanitize=address,undefined -fno-sanitize-recover=undefined \
	-DPMULAB_VERSION='"$(VERSION)"' -Ikernel-side -Ihost -Ihost/qemu-plugin -Ifirmware -Imicrobench -Itests/unit
UNIT_TESTS := crc32 fmt record parse config msr caps symtab stat pmu_sim pmu \
	kernels paging plot html disk ftrace trace insn lbr compare perf vg uprobe \
	explain lesson kprobe cachesim reference sample profile lxprofile
unit_crc32_SRCS := kernel-side/crc32.c
unit_fmt_SRCS := kernel-side/fmt.c
unit_record_SRCS := kernel-side/record.c kernel-side/fmt.c kernel-side/crc32.c \
	host/parse.c
unit_parse_SRCS := host/parse.c kernel-side/crc32.c \
	kernel-side/record.c kernel-side/fmt.c
unit_config_SRCS := firmware/config.c kernel-side/events.c kernel-side/suites.c \
	microbench/kernels.c kernel-side/fmt.c $(KERNEL_ASM)
unit_kernels_SRCS := microbench/kernels.c kernel-side/suites.c kernel-side/fmt.c \
	$(KERNEL_ASM)
unit_paging_SRCS := kernel-side/paging.c
unit_msr_SRCS := kernel-side/msr.c kernel-side/exception.c kernel-side/fmt.c \
	tests/unit/hw_sim.c
unit_caps_SRCS := kernel-side/cpuinfo.c kernel-side/pmu.c kernel-side/pmu_intel.c \
	kernel-side/pmu_amd.c kernel-side/lbr.c kernel-side/insn.c \
	kernel-side/debugreg.c kernel-side/apic.c kernel-side/msr.c \
	kernel-side/exception.c \
	kernel-side/record.c kernel-side/fmt.c kernel-side/crc32.c \
	tests/unit/hw_sim.c host/parse.c
unit_symtab_SRCS := kernel-side/symtab.c kernel-side/fmt.c
unit_pmu_sim_SRCS := tests/unit/pmu_sim.c tests/unit/hw_sim.c
unit_pmu_SRCS := kernel-side/pmu_check.c kernel-side/bench.c kernel-side/count.c \
	kernel-side/events.c kernel-side/pmu.c kernel-side/pmu_intel.c \
	kernel-side/pmu_amd.c kernel-side/cpuinfo.c kernel-side/msr.c \
	kernel-side/exception.c kernel-side/record.c kernel-side/fmt.c \
	kernel-side/crc32.c host/parse.c tests/unit/pmu_sim.c tests/unit/hw_sim.c \
	tests/unit/tsc_sim.c
unit_sample_SRCS := kernel-side/sample.c kernel-side/apic.c kernel-side/pmu.c \
	kernel-side/pmu_intel.c kernel-side/pmu_amd.c kernel-side/cpuinfo.c \
	kernel-side/lbr.c kernel-side/lbr_stack.c kernel-side/insn.c kernel-side/symtab.c \
	kernel-side/msr.c kernel-side/exception.c kernel-side/record.c kernel-side/fmt.c \
	kernel-side/crc32.c tests/unit/lbr_sim.c tests/unit/pmu_sim.c tests/unit/hw_sim.c
# The report renderers, html's page and the plots it embeds included.
REPORT_SRCS := host/report.c host/stat.c host/html.c host/plot.c host/parse.c host/trace.c
# The report tests write their streams with the payload's writer (streams.c).
REPORT_TEST_SRCS := $(REPORT_SRCS) tests/unit/streams.c \
	kernel-side/record.c kernel-side/fmt.c kernel-side/crc32.c
unit_stat_SRCS := $(REPORT_TEST_SRCS)
unit_plot_SRCS := $(REPORT_TEST_SRCS)
unit_html_SRCS := $(REPORT_TEST_SRCS)
unit_trace_SRCS := $(REPORT_TEST_SRCS)
unit_profile_SRCS := $(REPORT_TEST_SRCS) host/profile.c host/profile_rec.c host/profile_share.c host/pair.c \
	host/profile_text.c host/flamegraph.c
unit_disk_SRCS := host/disk.c
unit_explain_SRCS := kernel-side/explain.c kernel-side/text_poke.c kernel-side/events.c kernel-side/msr.c \
	kernel-side/debugreg.c kernel-side/apic.c \
	kernel-side/pmu.c kernel-side/pmu_intel.c kernel-side/pmu_amd.c \
	kernel-side/cpuinfo.c kernel-side/exception.c kernel-side/record.c \
	kernel-side/fmt.c kernel-side/crc32.c tests/unit/pmu_sim.c tests/unit/hw_sim.c
# Lessons 1 and 2 only: the others need the payload's memory and code.
unit_lesson_SRCS := kernel-side/lesson.c kernel-side/lesson_01_cpuid.c \
	kernel-side/lesson_02_ipc.c kernel-side/explain.c kernel-side/text_poke.c \
	kernel-side/debugreg.c kernel-side/apic.c \
	kernel-side/bench.c kernel-side/count.c kernel-side/events.c kernel-side/pmu.c \
	kernel-side/pmu_intel.c kernel-side/pmu_amd.c kernel-side/cpuinfo.c \
	kernel-side/msr.c kernel-side/exception.c kernel-side/record.c kernel-side/fmt.c \
	kernel-side/crc32.c microbench/kernels.c tests/unit/pmu_sim.c tests/unit/hw_sim.c \
	tests/unit/tsc_sim.c $(KERNEL_ASM)
unit_kprobe_SRCS := kernel-side/kprobe_insn.c kernel-side/insn.c kernel-side/debugreg.c kernel-side/apic.c \
	kernel-side/cpuinfo.c \
	kernel-side/msr.c kernel-side/exception.c kernel-side/record.c kernel-side/fmt.c \
	kernel-side/crc32.c tests/unit/hw_sim.c
unit_compare_SRCS := host/pair.c host/parse.c tests/unit/streams.c kernel-side/record.c \
	kernel-side/fmt.c kernel-side/crc32.c
unit_perf_SRCS := host/perf.c
unit_vg_SRCS := host/vgparse.c
unit_uprobe_SRCS := host/uprobe_text.c
unit_lxprofile_SRCS := host/lxprofile_text.c
unit_cachesim_SRCS := host/qemu-plugin/cachesim.c kernel-side/insn.c
unit_reference_SRCS := host/reference.c host/qemu-plugin/cachesim.c kernel-side/insn.c \
	host/parse.c tests/unit/streams.c kernel-side/record.c kernel-side/fmt.c kernel-side/crc32.c
unit_ftrace_SRCS := kernel-side/ftrace_tracers.c kernel-side/ftrace_entry.asm \
	tests/unit/tsc_sim.c
unit_lbr_SRCS := kernel-side/lbr.c kernel-side/lbr_stack.c kernel-side/insn.c \
	kernel-side/pmu.c kernel-side/pmu_intel.c kernel-side/pmu_amd.c \
	kernel-side/cpuinfo.c kernel-side/msr.c kernel-side/exception.c \
	kernel-side/symtab.c kernel-side/record.c kernel-side/fmt.c kernel-side/crc32.c \
	host/parse.c tests/unit/lbr_sim.c tests/unit/pmu_sim.c tests/unit/hw_sim.c

unit_insn_SRCS := kernel-side/insn.c

# Sources may include nasm kernels: the unit tests run them natively.
unit_objs = $(patsubst %.asm,$(BUILD)/unit/%.o,$(filter %.asm,$(1)))
define unit_rule
$(BUILD)/unit/test_$(1): tests/unit/test_$(1).c $$(filter %.c,$$(unit_$(1)_SRCS)) \
		$$(call unit_objs,$$(unit_$(1)_SRCS)) tests/unit/unit.h tests/unit/streams.h
	@mkdir -p $$(@D)
	$$(E) "  UNIT    $$@"
	$$(Q)$$(CC) $$(UNIT_CFLAGS) $$(filter %.c %.o,$$^) -o $$@
endef
$(foreach t,$(UNIT_TESTS),$(eval $(call unit_rule,$(t))))

# The chain under study is built with the payload's -O2 and frame pointers
# omitted, without sanitizers: its code is what the LBR model replays.
$(BUILD)/unit/test_lbr: $(BUILD)/unit/microbench/lbr_chain.o
$(BUILD)/unit/microbench/lbr_chain.o: microbench/lbr_chain.c microbench/lbr_chain.h
	@mkdir -p $(@D)
	$(E) "  CC      $<"
	$(Q)$(CC) -std=gnu11 -O2 -g $(WARN) $(LBR_CHAIN_CFLAGS) -Ikernel-side -c $< -o $@

$(BUILD)/unit/%.o: %.asm
	@mkdir -p $(@D)
	$(E) "  NASM    $<"
	$(Q)$(NASM) -f elf64 -g -F dwarf $< -o $@

# The decoder's oracle (docs/insn.md): gen_insn writes a gas corpus and random
# bytes; objdump disassembles both, -M intel64 for Intel's reading of 66 on near
# branches. Generated at build time, never committed.
INSN_OBJDUMP := objdump -D -b binary -m i386:x86-64 -M intel64 -w
INSN_RANDOM_SEED ?= 1
INSN_RANDOM_COUNT ?= 100000
$(BUILD)/unit/gen_insn: tests/unit/gen_insn.c
	@mkdir -p $(@D)
	$(E) "  HOSTCC  $@"
	$(Q)$(CC) $(HOST_CFLAGS) $< -o $@

$(BUILD)/unit/insn_corpus.dump: $(BUILD)/unit/gen_insn
	$(E) "  GEN     $@"
	$(Q)$< asm > $(@:.dump=.s)
	$(Q)as --64 -W $(@:.dump=.s) -o $(@:.dump=.o)
	$(Q)$(OBJCOPY) -O binary -j .text $(@:.dump=.o) $(@:.dump=.bin)
	$(Q)$(INSN_OBJDUMP) $(@:.dump=.bin) > $@

$(BUILD)/unit/insn_random.dump: $(BUILD)/unit/gen_insn
	$(E) "  GEN     $@"
	$(Q)$< random $(INSN_RANDOM_SEED) $(INSN_RANDOM_COUNT) > $(@:.dump=.bin)
	$(Q)$(INSN_OBJDUMP) $(@:.dump=.bin) > $@

$(BUILD)/unit/test_insn: $(BUILD)/unit/insn_corpus.dump $(BUILD)/unit/insn_random.dump
$(BUILD)/unit/test_insn: UNIT_CFLAGS += -DINSN_CORPUS='"$(BUILD)/unit/insn_corpus.dump"' \
	-DINSN_RANDOM='"$(BUILD)/unit/insn_random.dump"'

unit: $(addprefix $(BUILD)/unit/test_,$(UNIT_TESTS))
	@set -e; for t in $^; do $$t; done

# ------------------------------------------------------------------ tests ----
test: all image unit
	$(PYTEST) -q tests/e2e

run: all
	$(BUILD)/pmulab run

bench: all
	scripts/bench.sh $(BUILD)/pmulab

lessons: all
	scripts/lessons.sh $(BUILD)/pmulab

# Payload against Linux perf on this machine's PMU (docs/crosscheck.md);
# refuses without one. PAYLOAD=DIR compares an imported stick run instead of
# booting under KVM.
crosscheck: all
	scripts/crosscheck.sh $(BUILD)/pmulab $(PAYLOAD)

FUZZ_SECONDS ?= 60
fuzz: deps
	@scripts/deps.sh fuzz
	@mkdir -p $(BUILD)/fuzz/corpus
	clang -std=c11 -O1 -g -D_GNU_SOURCE -fsanitize=fuzzer,address,undefined \
		-DPMULAB_VERSION='"$(VERSION)"' \
		-Ikernel-side -Ihost tests/fuzz/fuzz_parse.c $(REPORT_SRCS) \
		kernel-side/crc32.c -lm -o $(BUILD)/fuzz/fuzz_parse
	cp tests/fuzz/seeds/* $(BUILD)/fuzz/corpus/
	$(BUILD)/fuzz/fuzz_parse -max_total_time=$(FUZZ_SECONDS) -max_len=16384 \
		$(BUILD)/fuzz/corpus

clean:
	rm -rf $(BUILD)

.PHONY: all deps unit test run bench lessons crosscheck fuzz image clean
-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
