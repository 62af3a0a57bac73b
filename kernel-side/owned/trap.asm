; Exception and interrupt entry, calling back into trap.c.
; SDM Vol3A 6.14: in 64-bit mode the CPU pushes SS, RSP, RFLAGS, CS, RIP and,
; for some exceptions, an error code; each stub evens that out with a dummy
; error code, pushes its vector and joins trap_common, which saves the general
; registers as a struct trapframe (trap.h) and calls trap(). One stub per
; vector, all 256: vectors 32-255 are interrupts (pmulab's LAPIC timer, PMI
; and spurious vectors among them), which push no error code.

default rel
bits 64
%include "kernel-side/owned/trapframe.inc"
section .text

extern trap

TRAP_STUB_SIZE equ 16		; idt.c computes stub addresses with this stride
global trap_stubs

%macro STUB 1
	align TRAP_STUB_SIZE, int3
%%start:
%if %1 == 3
	jmp bp_entry
%elif %1 >= 32 || !(%1 == 8 || (%1 >= 10 && %1 <= 14) || %1 == 17 || %1 == 21 || %1 == 29 || %1 == 30)
	push 0				; no error code from the CPU
%endif
%if %1 != 3
	push %1
	jmp trap_common
%endif
%if $ - %%start > TRAP_STUB_SIZE
%error "trap stub too long"
%endif
%endmacro

	align TRAP_STUB_SIZE, int3
trap_stubs:
%assign v 0
%rep 256
	STUB v
%assign v v + 1
%endrep

; #BP from ring 0 stays on the interrupted stack, so the CPU's frame sits
; right below the interrupted RSP. A probe that emulates a CALL pushes the
; return address there; as Linux's entry_64.S does for int3, the frame is
; first copied 40 bytes lower, and the old copy becomes the gap the push
; overwrites (kprobe_insn.c, kp_emulate).
bp_entry:
%rep 5
	push qword [rsp + 32]		; SS, RSP, RFLAGS, CS, RIP in turn
%endrep
	push 0
	push 3
	jmp trap_common

trap_common:
	TRAPFRAME_PUSH_GPRS
	mov rdi, rsp			; struct trapframe *
	mov rbx, rsp
	and rsp, -16			; SysV: 16-byte aligned at the call
	cld
	call trap
	mov rsp, rbx
	TRAPFRAME_POP_GPRS
	add rsp, 16			; vector and error code
	iretq

section .note.GNU-stack noalloc noexec nowrite progbits
