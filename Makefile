# pmulab: one non-recursive Makefile for the payload, the host tool and the tests.
#   make          payload (build/pmulab.efi), host CLI (build/pmulab), ESP (build/esp/);
#                 installs nothing (a missing tool is named, with the command that
#                 installs it)
#   make run      install what is missing, build, boot the payload under QEMU
#   make test     install what is missing, build, the C unit tests (in parallel),
#                 the quick mutation check (mutate-quick), the layer check, a
#                 short run of every fuzz target, the end-to-end QEMU boots
#                 (pytest-xdist), make lava when root; prints the time each
#                 stage took
#   make mutate   every driver constant of tests/unit/mutations.txt moved in
#                 turn: the unit tests must fail (scripts/mutate.sh)
#   make bench    boot-to-end wall time of the default and full TCG runs,
#                 pmulab linux's cpu-clock profile, valgrind and uprobe costs,
#                 and the host reading 1, 10 and 100 MB captures
#   make crosscheck  payload vs Linux perf on a machine with a PMU, compared,
#                 the parity checks' verdicts, packed to send back
#   make fuzz     libFuzzer on every host input, FUZZ_SECONDS each (default 60)
#   make image    build/pmulab.img, the USB stick image for real hardware
#   make lessons  rewrite the transcripts in docs/lessons/ from fresh TCG runs
#   make docs     rewrite the figures README and docs/ take from runs (TCG
#                 boots, -icount) and from docs/bench/, and the parity tables
#   make lava     as root: lava-dispatcher's lava-run boots the QEMU job of lava/
#                 and the board jobs are validated (docs/lava.md); make test
#                 runs it too when root
#
# Objects come from each folder's wildcard: a new file in a folder is built
# and linked with no line here. docs/internals.md "Build" says which folder
# builds into which target.

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

all: $(BUILD)/pmulab.efi $(BUILD)/pmulab $(BUILD)/esp $(BUILD)/pmulab-plugin.so

# The targets that install first (deps) build in a second make once deps is
# done; beside other goals (make -j2 all image) they must not race them.
INSTALLING_GOALS := run test image fuzz bench docs lessons lava crosscheck
ifneq ($(filter $(INSTALLING_GOALS),$(MAKECMDGOALS)),)
.NOTPARALLEL:
endif

# ----------------------------------------------------------------- layers ----
# Every include names its root folder ("lib/record.h"). A folder's objects are
# compiled against a directory holding only the roots that folder may use, so
# an include the wrong way does not compile (scripts/layers.sh checks calls):
#   lib < microbench < kernel-side < firmware      (the payload)
#   lib < microbench < host                         (the host tool)
# scripts/layers.sh holds the table, so the build and the check agree.
ROOTSETS := lib microbench kernel-side firmware host plugin tests models
$(foreach s,$(ROOTSETS),$(eval ROOTS_$(s) := $(shell scripts/layers.sh roots $(s))))
ROOT_STAMPS := $(foreach s,$(ROOTSETS),$(BUILD)/roots/$(s)/.stamp)
roots = -I$(BUILD)/roots/$(1)

# Relative links: a copy of the checkout and its build folder still works.
$(BUILD)/roots/%/.stamp: Makefile scripts/layers.sh
	$(Q)rm -rf $(@D) && mkdir -p $(@D)
	$(Q)for r in $(ROOTS_$*); do ln -s "$$(realpath -m --relative-to=$(@D) $$r)" $(@D)/$$r; done
	$(Q)touch $@

# ------------------------------------------------------------------ tools ----
# `make` installs nothing; these say what is missing and how to get it.
EFI_INC := /usr/include/efi
EFI_LIB := /usr/lib
TOOLS_MISSING = $(strip $(if $(wildcard $(EFI_INC)/efi.h),,gnu-efi) \
	$(if $(shell command -v $(NASM)),,nasm))
tools:
	@if [ -n "$(TOOLS_MISSING)" ]; then \
		echo "*** missing: $(TOOLS_MISSING). Install them with scripts/deps.sh" \
		     "(as root), or run make run / make test, which do." >&2; exit 1; fi

# Installs missing Debian packages and fetches QEMU's plugin header once; a
# no-op when everything is present.
deps:
	@scripts/deps.sh plugin

# ---------------------------------------------------------------- payload ----
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
	-isystem $(EFI_INC) -isystem $(EFI_INC)/x86_64
# -fpic: the image relocates itself at load time (firmware/reloc.c).
# -fshort-wchar: UEFI strings are UCS-2 (CHAR16 == wchar_t).
# -mno-red-zone: exceptions in the owned world push onto the running stack,
#   below RSP, where the red zone would be.
# -mgeneral-regs-only: the trap entry saves only general registers, so no C code
#   may keep live values in SSE registers across a fault fixup.
# -fno-omit-frame-pointer: RBP chains give call stacks in fault and sample records.
# -fvisibility=hidden: nasm code calls C directly (PC32 relocations) in a -shared link.
# GNU_EFI_USE_MS_ABI: call firmware services directly with ms_abi, no wrapper.
# -I./: %include names its file from the top, as #include does.
NASMFLAGS := -f elf64 -g -F dwarf -I./
# nasm 2.16's -MD leaves %include'd files out of the dependencies it writes
# (and its -M pass cannot evaluate trap.asm's $-relative %if): every
# assembly object depends on every include, a few files rebuilt for nothing.
ASM_INCS := $(shell find kernel-side microbench -name '*.inc')
NASM_OBJ = $(NASM) $(NASMFLAGS) -MD $(@:.o=.d) $< -o $@

LIB_SRCS := $(sort $(wildcard lib/*.c))
# string.c is the payload's own; hosted builds take libc's.
LIB_HOSTED_SRCS := $(filter-out lib/string.c,$(LIB_SRCS))
MB_SRCS := $(sort $(wildcard microbench/*.c microbench/*.asm))
KERNEL_SRCS := $(sort $(wildcard kernel-side/*.c kernel-side/*/*.c kernel-side/*/*.asm))
FIRMWARE_SRCS := $(sort $(wildcard firmware/*.c))
PAYLOAD_SRCS := $(FIRMWARE_SRCS) $(KERNEL_SRCS) $(LIB_SRCS) $(MB_SRCS)
# An assembly file's object is x.asm.o: a trampoline may share its base name
# with the C it calls back (kernel-side/owned/trap.c and trap.asm).
objs = $(patsubst %.asm,$(1)/%.asm.o,$(patsubst %.c,$(1)/%.o,$(2)))
PAYLOAD_OBJS := $(call objs,$(BUILD)/efi,$(PAYLOAD_SRCS))

$(BUILD)/efi/lib/%.o: ROOTSET := lib
$(BUILD)/efi/microbench/%.o: ROOTSET := microbench
$(BUILD)/efi/kernel-side/%.o: ROOTSET := kernel-side
$(BUILD)/efi/firmware/%.o: ROOTSET := firmware
$(BUILD)/efi/symtab-%.o: ROOTSET := lib

# The traceable code: each function starts with 5 bytes the function tracer
# patches (kernel-side/ftrace/ftrace.h). -fpatchable-function-entry works with
# GNU-EFI's -fpic, where -mfentry -mnop-mcount would need -fno-pic. Only code
# the tracer itself never runs while tracing.
TRACED_SRCS := microbench/traced.c lib/fmt.c lib/crc32.c
$(call objs,$(BUILD)/efi,$(TRACED_SRCS)): EFI_CFLAGS += -fpatchable-function-entry=5
# The LBR call chain: no frame pointers, so only the LBR can give its stack
# (microbench/lbr_chain.h). The unit tests link the same code built the same way.
LBR_CHAIN_CFLAGS := -fomit-frame-pointer
$(BUILD)/efi/microbench/lbr_chain.o: EFI_CFLAGS += $(LBR_CHAIN_CFLAGS)
# lib/string.c's byte loops stay loops, not calls to memcpy/memset (itself).
$(BUILD)/efi/lib/string.o: EFI_CFLAGS += -fno-tree-loop-distribute-patterns
# -z pack-relative-relocs: the load-address fix-ups as RELR, which
# firmware/reloc.c applies (GNU-EFI's _relocate reads only RELA). GNU-EFI's
# libraries are not linked: firmware/efilib.c and lib/string.c give what the
# payload used of them, and keep the image under PAYLOAD_MAX.
EFI_LDFLAGS := -shared -Bsymbolic -nostdlib -znocombreloc -z pack-relative-relocs \
	-T firmware/pmulab.lds
EFI_LIBS := $(EFI_LIB)/crt0-efi-x86_64.o

$(BUILD)/efi/%.o: %.c | tools $(ROOT_STAMPS)
	@mkdir -p $(@D)
	$(E) "  CC      $<"
	$(Q)$(CC) $(EFI_CFLAGS) $(call roots,$(ROOTSET)) -c $< -o $@

$(BUILD)/efi/%.asm.o: %.asm $(ASM_INCS) | tools
	@mkdir -p $(@D)
	$(E) "  NASM    $<"
	$(Q)$(NASM_OBJ)

# The embedded symbol table is generated from a first link and compiled into a
# second one. It lives in .data, which the linker script places after .text, so
# no function moves between the links; mksymtab.sh --check proves it.
$(BUILD)/pass1.so: $(PAYLOAD_OBJS) $(BUILD)/efi/symtab-empty.o firmware/pmulab.lds
	$(E) "  LD      $@"
	$(Q)$(LD) $(EFI_LDFLAGS) $(EFI_LIBS) $(PAYLOAD_OBJS) $(BUILD)/efi/symtab-empty.o -o $@

$(BUILD)/efi/symtab-empty.c: scripts/mksymtab.sh
	@mkdir -p $(@D)
	$(Q)scripts/mksymtab.sh /dev/null > $@

$(BUILD)/efi/symtab-data.c: $(BUILD)/pass1.so scripts/mksymtab.sh
	$(E) "  SYMTAB  $@"
	$(Q)scripts/mksymtab.sh $< > $@

$(BUILD)/efi/symtab-%.o: $(BUILD)/efi/symtab-%.c | $(ROOT_STAMPS)
	$(Q)$(CC) $(EFI_CFLAGS) $(call roots,lib) -c $< -o $@

$(BUILD)/pmulab.so: $(PAYLOAD_OBJS) $(BUILD)/efi/symtab-data.o $(BUILD)/pass1.so
	$(E) "  LD      $@"
	$(Q)$(LD) $(EFI_LDFLAGS) $(EFI_LIBS) $(PAYLOAD_OBJS) $(BUILD)/efi/symtab-data.o -o $@
	$(Q)scripts/mksymtab.sh --check $(BUILD)/pass1.so $@

# The PE file holds code, initialised data and relocations (244 KiB in all
# when this limit was set); buffers are .bss, which takes no room in it
# (firmware/pmulab.lds). An image over 256 KiB stores buffers as zeros again,
# or links code it never runs: `nm --size-sort -S build/pmulab.so` shows which
# (docs/internals.md, "Image size").
PAYLOAD_MAX := 262144
# The image relocates itself and has no loader to resolve a symbol it lacks:
# a call the compiler makes behind the code's back (__divti3 for a 128-bit
# division) would jump to address 0. None may be left undefined.
$(BUILD)/pmulab.efi: $(BUILD)/pmulab.so
	$(E) "  EFI     $@"
	$(Q)undef=$$(nm -u $< | awk '{print $$2}'); if [ -n "$$undef" ]; then \
		echo "*** $< calls what it does not define:" $$undef >&2; exit 1; fi
	$(Q)$(OBJCOPY) -j .text -j .sdata -j .data -j .bss -j .dynamic -j .dynsym -j .rel \
		-j .rela -j .rel.* -j .rela.* -j .relr -j .reloc --strip-all \
		--target efi-app-x86_64 --subsystem=10 $< $@.tmp
	$(Q)size=$$(stat -c %s $@.tmp); if [ $$size -gt $(PAYLOAD_MAX) ]; then \
		echo "*** $@ is $$size bytes, over PAYLOAD_MAX ($(PAYLOAD_MAX));" \
		     "see docs/internals.md, \"Image size\"" >&2; rm -f $@.tmp $@; exit 1; fi
	$(Q)mv $@.tmp $@

$(BUILD)/esp: $(BUILD)/pmulab.efi images/config.txt images/README.txt images/mkesp.sh
	$(E) "  ESP     $@"
	$(Q)images/mkesp.sh $(BUILD)/pmulab.efi images/config.txt images/README.txt $@
	@touch $@

# The USB stick image for real hardware (docs/real-hardware.md).
image: deps
	@$(MAKE) --no-print-directory $(BUILD)/pmulab.img

$(BUILD)/pmulab.img: $(BUILD)/pmulab $(BUILD)/esp
	$(E) "  IMAGE   $@"
	$(Q)$(BUILD)/pmulab image -o $@ --config $(BUILD)/esp/pmulab/config.txt > /dev/null

# ------------------------------------------------------------------- host ----
HOST_CFLAGS := -std=gnu11 -O2 -g $(WARN) -MMD -MP -D_GNU_SOURCE \
	-DPMULAB_VERSION='"$(VERSION)"'
# The plugin is a QEMU module of its own (host/plugin/pmulab-plugin.c).
HOST_SRCS := $(filter-out host/plugin/pmulab-plugin.c,\
	$(sort $(wildcard host/*.c host/*/*.c)))
HOST_OBJS := $(call objs,$(BUILD)/host,$(HOST_SRCS))
# Debian's libsqlite3 (libsqlite3-dev): the run history, host/db/.
HOST_LIBS := -lsqlite3
# What the host shares with the payload, hosted: the linker takes the members
# the tool calls (the config check needs the kernels' table, pmulab linux the
# kernels themselves).
HOST_SHARED_OBJS := $(call objs,$(BUILD)/host,$(LIB_HOSTED_SRCS) $(MB_SRCS))

$(BUILD)/host/lib/%.o: ROOTSET := lib
$(BUILD)/host/microbench/%.o: ROOTSET := microbench
$(BUILD)/host/host/%.o: ROOTSET := host

$(BUILD)/host/%.o: %.c | $(ROOT_STAMPS)
	@mkdir -p $(@D)
	$(E) "  HOSTCC  $<"
	$(Q)$(CC) $(HOST_CFLAGS) $(call roots,$(ROOTSET)) -c $< -o $@

# Debug info: valgrind names the kernels' functions from it (pmulab linux).
$(BUILD)/host/%.asm.o: %.asm $(ASM_INCS) | tools
	@mkdir -p $(@D)
	$(E) "  NASM    $<"
	$(Q)$(NASM_OBJ)

# pmulab linux probes tr_leaf with a uprobe: built as the payload builds it,
# the same entry hook before its first instruction.
$(BUILD)/host/microbench/traced.o: HOST_CFLAGS += -fpatchable-function-entry=5
# pmulab linux --profile samples the payload's sampling workload with perf
# record -g: frame pointers, as in the payload, in it and in its callers.
$(BUILD)/host/microbench/sampled.o $(BUILD)/host/host/linux/lxprofile.o \
	$(BUILD)/host/host/linux/linux.o $(BUILD)/host/host/main.o: \
	HOST_CFLAGS += -fno-omit-frame-pointer

$(BUILD)/host/libshared.a: $(HOST_SHARED_OBJS)
	$(Q)rm -f $@ && ar rcs $@ $^

$(BUILD)/pmulab: $(HOST_OBJS) $(BUILD)/host/libshared.a $(BUILD)/tolerances.txt
	$(E) "  LINK    $@"
	$(Q)$(CC) $(HOST_CFLAGS) $(HOST_OBJS) $(BUILD)/host/libshared.a -o $@ -lm $(HOST_LIBS)

# pmulab compare's default tolerance table, beside the binary.
$(BUILD)/tolerances.txt: host/compare/tolerances.txt
	@mkdir -p $(@D)
	$(Q)cp $< $@

# The TCG reference plugin (docs/reference-plugin.md), built against the
# installed QEMU's qemu-plugin.h, which scripts/qemu-plugin-h.sh fetches once
# from Debian's source package into a cache folder (no QEMU code in the repo);
# `make deps` fetches it, plain make only uses it.
PLUGIN_SRCS := host/plugin/pmulab-plugin.c host/plugin/cachesim.c lib/insn.c
PLUGIN_OBJS := $(call objs,$(BUILD)/plugin,$(PLUGIN_SRCS))
$(BUILD)/plugin/%.o: %.c scripts/qemu-plugin-h.sh | $(ROOT_STAMPS)
	@mkdir -p $(@D)
	$(E) "  PLUGCC  $<"
	$(Q)hdr=$$(scripts/qemu-plugin-h.sh --cached) && \
		$(CC) -std=gnu11 -O2 -g $(WARN) -MMD -MP -fPIC $(call roots,plugin) \
		-I"$$hdr/qemu" -c $< -o $@

$(BUILD)/pmulab-plugin.so: $(PLUGIN_OBJS)
	$(E) "  PLUGIN  $@"
	$(Q)$(CC) -shared $^ -o $@.tmp && scripts/qemu-plugin-h.sh --check $@.tmp && \
		mv $@.tmp $@

# ------------------------------------------------------------- unit tests ----
# Each tests/unit/*/test_NAME.c is one binary, linked with one archive of
# everything hosted (lib, microbench, kernel-side, host, the hardware models):
# the linker takes the members a test calls. The models stand in for the
# real hardware backend, kernel-side/cpu/hw.c, which is left out.
UNIT_CFLAGS := -std=gnu11 -O1 -g $(WARN) -Wno-missing-prototypes -MMD -MP \
	-D_GNU_SOURCE -fsanitize=address,undefined -fno-sanitize-recover=undefined \
	-DPMULAB_VERSION='"$(VERSION)"'
UNIT_LIB_SRCS := $(LIB_HOSTED_SRCS) \
	$(filter-out microbench/lbr_chain.c,$(MB_SRCS)) \
	$(filter-out kernel-side/cpu/hw.c,$(KERNEL_SRCS)) \
	$(HOST_SRCS) \
	$(filter-out host/main.c,$(sort $(wildcard tests/unit/models/*.c)))
UNIT_LIB_SRCS := $(filter-out host/main.c,$(UNIT_LIB_SRCS))
UNIT_LIB_OBJS := $(call objs,$(BUILD)/unit,$(UNIT_LIB_SRCS)) \
	$(BUILD)/unit/microbench/lbr_chain.o
UNIT_TEST_SRCS := $(sort $(wildcard tests/unit/*/test_*.c))
UNIT_BINS := $(addprefix $(BUILD)/unit/,$(basename $(notdir $(UNIT_TEST_SRCS))))
# The hardware models compile without the drivers' headers (scripts/layers.sh
# "models"): their register numbers are their own (tests/unit/models/spec.h).
# hw_iface.c, which checks that they implement hw.h's interface, sees both.
UNIT_ROOTSET := tests
$(BUILD)/unit/tests/unit/models/%.o: UNIT_ROOTSET := models
$(BUILD)/unit/tests/unit/models/hw_iface.o: UNIT_ROOTSET := tests

$(BUILD)/unit/%.o: %.c | $(ROOT_STAMPS)
	@mkdir -p $(@D)
	$(E) "  UNITCC  $<"
	$(Q)$(CC) $(UNIT_CFLAGS) $(call roots,$(UNIT_ROOTSET)) -c $< -o $@

$(BUILD)/unit/%.asm.o: %.asm $(ASM_INCS) | tools
	@mkdir -p $(@D)
	$(E) "  NASM    $<"
	$(Q)$(NASM_OBJ)

# The chain under study is built with the payload's -O2 and frame pointers
# omitted, without sanitizers: its code is what the LBR model replays.
$(BUILD)/unit/microbench/lbr_chain.o: microbench/lbr_chain.c | $(ROOT_STAMPS)
	@mkdir -p $(@D)
	$(E) "  CC      $<"
	$(Q)$(CC) -std=gnu11 -O2 -g $(WARN) -MMD -MP $(LBR_CHAIN_CFLAGS) \
		$(call roots,microbench) -c $< -o $@
$(BUILD)/unit/microbench/traced.o: UNIT_CFLAGS += -fpatchable-function-entry=5

$(BUILD)/unit/libunit.a: $(UNIT_LIB_OBJS)
	$(E) "  AR      $@"
	$(Q)rm -f $@ && ar rcs $@ $^

define unit_test
$(BUILD)/unit/$(basename $(notdir $(1))): $(BUILD)/unit/$(1:.c=.o) $(BUILD)/unit/libunit.a
	$$(E) "  UNIT    $$@"
	$$(Q)$$(CC) $$(UNIT_CFLAGS) $$(filter %.o %.a,$$^) -o $$@ -lm $$(HOST_LIBS)
endef
# The tests whose code under test names functions through the symbol table
# (the LBR checks derive what the ring must hold from it, lbr_expect.c) get
# their own, made as the payload's is: a first link with an empty table, the
# table from it, a second link, and mksymtab.sh --check that nothing moved.
# The table's object is built without sanitizers: it holds data only.
UNIT_SYMTAB_TESTS := tests/unit/kernel/test_lbr.c tests/unit/kernel/test_lbr_check.c
define unit_test_symtab
$(BUILD)/unit/$(basename $(notdir $(1))).pass1: $(BUILD)/unit/$(1:.c=.o) $(BUILD)/unit/libunit.a \
		$(BUILD)/unit/symtab-empty.o
	$$(Q)$$(CC) $$(UNIT_CFLAGS) $$(filter %.o %.a,$$^) -o $$@ -lm $$(HOST_LIBS)
$(BUILD)/unit/symtab-$(basename $(notdir $(1))).c: $(BUILD)/unit/$(basename $(notdir $(1))).pass1 \
		scripts/mksymtab.sh
	$$(Q)scripts/mksymtab.sh $$< > $$@
$(BUILD)/unit/$(basename $(notdir $(1))): $(BUILD)/unit/$(1:.c=.o) $(BUILD)/unit/libunit.a \
		$(BUILD)/unit/symtab-$(basename $(notdir $(1))).o $(BUILD)/unit/$(basename $(notdir $(1))).pass1
	$$(E) "  UNIT    $$@"
	$$(Q)$$(CC) $$(UNIT_CFLAGS) $$(filter %.o %.a,$$^) -o $$@ -lm $$(HOST_LIBS)
	$$(Q)scripts/mksymtab.sh --check $$(BUILD)/unit/$(basename $(notdir $(1))).pass1 $$@
endef
$(foreach t,$(filter-out $(UNIT_SYMTAB_TESTS),$(UNIT_TEST_SRCS)),$(eval $(call unit_test,$(t))))
$(foreach t,$(UNIT_SYMTAB_TESTS),$(eval $(call unit_test_symtab,$(t))))
$(BUILD)/unit/symtab-empty.c: scripts/mksymtab.sh
	@mkdir -p $(@D)
	$(Q)scripts/mksymtab.sh /dev/null > $@
$(BUILD)/unit/symtab-%.o: $(BUILD)/unit/symtab-%.c | $(ROOT_STAMPS)
	$(Q)$(CC) -std=gnu11 -O1 $(WARN) -c $(call roots,lib) $< -o $@

# The decoder's oracle (docs/insn.md): gen_insn writes a gas corpus and random
# bytes; objdump disassembles both, -M intel64 for Intel's reading of 66 on near
# branches. Generated at build time, never committed.
INSN_OBJDUMP := objdump -D -b binary -m i386:x86-64 -M intel64 -w
INSN_RANDOM_SEED ?= 1
INSN_RANDOM_COUNT ?= 100000
$(BUILD)/unit/gen_insn: tests/unit/lib/gen_insn.c | $(ROOT_STAMPS)
	@mkdir -p $(@D)
	$(E) "  HOSTCC  $@"
	$(Q)$(CC) $(HOST_CFLAGS) $(call roots,lib) $< -o $@

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
$(BUILD)/unit/tests/unit/lib/test_insn.o: UNIT_CFLAGS += \
	-DINSN_CORPUS='"$(BUILD)/unit/insn_corpus.dump"' \
	-DINSN_RANDOM='"$(BUILD)/unit/insn_random.dump"'

# Each unit-test binary is a target of its own, so `make -jN unit` runs N at
# once; -O keeps each one's output together.
UNIT_RUNS := $(addsuffix .run,$(UNIT_BINS))
unit: $(UNIT_RUNS)
$(UNIT_RUNS): %.run: %
	@$<

# The mutation run (scripts/mutate.sh, tests/unit/mutations.txt): each listed
# driver constant moved in a copy of its header, the unit tests that see it
# rebuilt apart in build/mutate/ and run; every mutation must fail a test.
# mutate-quick (in make test) runs test_spec and the tests the list names.
mutate mutate-quick: export CC := $(CC)
mutate mutate-quick: export BUILD := $(BUILD)
mutate mutate-quick: export UNIT_CFLAGS := $(UNIT_CFLAGS)
mutate mutate-quick: export UNIT_ROOTS := $(call roots,tests)
mutate mutate-quick: export UNIT_LIBS := -lm $(HOST_LIBS)
MUTATIONS ?= tests/unit/mutations.txt
mutate: $(UNIT_BINS)
	@scripts/mutate.sh $(MUTATIONS)
mutate-quick: $(UNIT_BINS)
	@scripts/mutate.sh --quick $(MUTATIONS)

# ------------------------------------------------------------------ tests ----
# The e2e boots are single-threaded QEMU TCG: one pytest-xdist worker a core.
# Workers share boots through a file lock (tests/e2e/conftest.py); a module
# stays on one worker (loadfile), so its own module-scoped setup runs once.
JOBS ?= $(shell nproc)
STAGES := $(BUILD)/stages.txt
test: deps
	@scripts/deps.sh fuzz browser
	@rm -f $(STAGES)
	@scripts/stage.sh $(STAGES) build $(MAKE) --no-print-directory -j$(JOBS) \
		all $(BUILD)/pmulab.img $(UNIT_BINS) fuzz-build
	@scripts/stage.sh $(STAGES) unit $(MAKE) --no-print-directory -j$(JOBS) -O unit
	@scripts/stage.sh $(STAGES) mutate $(MAKE) --no-print-directory mutate-quick
	@scripts/stage.sh $(STAGES) layers scripts/layers.sh check $(BUILD)
	@scripts/stage.sh $(STAGES) fuzz scripts/fuzz.sh $(BUILD)/fuzz $(FUZZ_TEST_SECONDS) \
		$(FUZZ_ALL)
	@scripts/stage.sh $(STAGES) e2e $(PYTEST) -q -n $(JOBS) --dist loadfile tests/e2e \
		--ignore=tests/e2e/test_lava.py
	@if [ "$$(id -u)" = 0 ]; then \
		scripts/stage.sh $(STAGES) lava $(MAKE) --no-print-directory lava; fi
	@echo "make test: time per stage"; scripts/stage.sh --summary $(STAGES)

# lava-run needs root; test_lava.py skips its lava-run cases without it.
lava: deps
	@scripts/deps.sh lava
	@$(MAKE) --no-print-directory all $(BUILD)/pmulab.img
	$(PYTEST) -q tests/e2e/test_lava.py

run: deps
	@$(MAKE) --no-print-directory all
	$(BUILD)/pmulab run

bench: deps
	@$(MAKE) --no-print-directory all
	scripts/bench.sh $(BUILD)/pmulab > $(BUILD)/bench.txt.tmp
	@mv $(BUILD)/bench.txt.tmp $(BUILD)/bench.txt && cat $(BUILD)/bench.txt

# Between their markers (scripts/docs.sh); tests/e2e/test_docs.py fails when
# a committed figure is not what today's runs give.
docs: deps
	@$(MAKE) --no-print-directory all $(BUILD)/unit/test_insn
	scripts/docs.sh $(BUILD)/pmulab

lessons: deps
	@$(MAKE) --no-print-directory all
	scripts/lessons.sh $(BUILD)/pmulab

# Payload against Linux perf on this machine's PMU (docs/crosscheck.md), and
# the kvm-unit-tests parity checks' verdicts (docs/real-hardware.md);
# refuses without one. PAYLOAD=DIR compares an imported stick run instead of
# booting under KVM.
crosscheck: deps
	@$(MAKE) --no-print-directory all
	scripts/crosscheck.sh $(BUILD)/pmulab $(PAYLOAD)

# libFuzzer targets, one per host input (tests/fuzz/fuzz_NAME.c, seeds in
# tests/fuzz/seeds/NAME/; docs/internals.md "Fuzzing"). The host code they
# reach is built once more with clang and the sanitizers into an archive, so a
# target links only what it calls. `make fuzz` lists the targets and runs
# each FUZZ_SECONDS (FUZZ_TARGETS picks some); make test runs each briefly.
FUZZ_SECONDS ?= 60
# make test's share: each target briefly, two at a time, to catch a crash on
# the seeds or close to them.
FUZZ_TEST_SECONDS := 3
FUZZ_ALL := $(patsubst tests/fuzz/fuzz_%.c,%,$(sort $(wildcard tests/fuzz/fuzz_*.c)))
FUZZ_TARGETS ?= $(FUZZ_ALL)
FUZZ_CFLAGS := -std=gnu11 -O1 -g -D_GNU_SOURCE -DPMULAB_VERSION='"$(VERSION)"' \
	-fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_LIB_SRCS := $(filter-out host/main.c,$(HOST_SRCS)) $(LIB_HOSTED_SRCS) \
	$(filter %.c,$(MB_SRCS))
FUZZ_LIB_OBJS := $(call objs,$(BUILD)/fuzz/obj,$(FUZZ_LIB_SRCS)) \
	$(filter %.asm.o,$(call objs,$(BUILD)/host,$(MB_SRCS)))
FUZZ_BINS := $(addprefix $(BUILD)/fuzz/fuzz_,$(FUZZ_ALL))

$(BUILD)/fuzz/obj/%.o: %.c | $(ROOT_STAMPS)
	@mkdir -p $(@D)
	$(E) "  FUZZCC  $<"
	$(Q)clang $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP $(call roots,tests) \
		-c $< -o $@

$(BUILD)/fuzz/libfuzz.a: $(FUZZ_LIB_OBJS)
	$(Q)rm -f $@ && ar rcs $@ $^

$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(wildcard tests/fuzz/*.h) $(BUILD)/fuzz/libfuzz.a
	$(E) "  FUZZLD  $@"
	$(Q)clang $(FUZZ_CFLAGS) -fsanitize=fuzzer $(call roots,tests) $< \
		$(BUILD)/fuzz/libfuzz.a -lm -o $@

fuzz-build: $(FUZZ_BINS)

fuzz: deps
	@scripts/deps.sh fuzz
	@$(MAKE) --no-print-directory fuzz-build
	scripts/fuzz.sh $(BUILD)/fuzz $(FUZZ_SECONDS) $(FUZZ_TARGETS)

clean:
	rm -rf $(BUILD)

.PHONY: all deps tools unit $(UNIT_RUNS) mutate mutate-quick test run bench docs lessons lava crosscheck fuzz \
	fuzz-build image clean
-include $(shell find $(BUILD) -name '*.d' -type f 2>/dev/null)
