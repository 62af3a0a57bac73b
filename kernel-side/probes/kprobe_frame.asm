; The probe engine's CALL targets for its faster paths (kprobe_path.h): at a
; function tracer site and from a detour buffer. Each builds the struct
; trapframe (trap.h) an INT3 at the probe would have made, calls the C its
; path set (kprobe_path.h) and loads the registers back from the frame. Also
; the detour buffers themselves.
bits 64
default rel
section .text

KP_DETOURS	equ 8		; kprobe_opt.h
KP_DETOUR_SIZE	equ 32
%include "kernel-side/owned/trapframe.inc"	; kprobe_ftrace.c asserts its offsets
BP_VECTOR	equ 3		; the frame an INT3's #BP would give

; Entered by a CALL: [rsp] is the address after it, RSP + 8 the probed
; code's RSP. Only LEA, PUSH and MOV run before PUSHFQ, so RFLAGS is the
; probed code's. The handler gets (the pushed address, the frame); RIP in the
; frame is its to set. RSP is not loaded back: the RET goes where the CALL
; came from.
%macro PROBE_FRAME 1
	lea rsp, [rsp - (TF_SIZE - TF_VECTOR)]
	TRAPFRAME_PUSH_GPRS
	pushfq
	pop qword [rsp + TF_RFLAGS]	; addressed after the pop (SDM Vol2B POP)
	lea rax, [rsp + TF_SIZE + 8]
	mov [rsp + TF_RSP], rax
	mov eax, cs
	mov [rsp + TF_CS], rax
	mov eax, ss
	mov [rsp + TF_SS], rax
	mov qword [rsp + TF_VECTOR], BP_VECTOR
	mov qword [rsp + TF_ERROR], 0
	mov rdi, [rsp + TF_SIZE]
	mov rsi, rsp
	mov rbx, rsp
	and rsp, -16			; SysV: 16-byte aligned at the call
	call [rel %1]
	mov rsp, rbx
	push qword [rsp + TF_RFLAGS]
	popfq
	TRAPFRAME_POP_GPRS
	lea rsp, [rsp + (TF_SIZE - TF_VECTOR)]
	ret
%endmacro

; A site's CALL, in place of its 5-byte NOP: returns into the function.
global kprobe_ftrace_caller:function hidden
kprobe_ftrace_caller:
	PROBE_FRAME kprobe_ftrace_handler

; A detour buffer's CALL: returns to the relocated instructions after it.
global kprobe_opt_caller:function hidden
kprobe_opt_caller:
	PROBE_FRAME kprobe_opt_handler

; INT3s while free, as the slots (kprobe.asm): the text checksum is the same
; before and after an optimized probe. In .text: executable, and a rel32 from
; any code of the image reaches it.
	align 16, int3
global kprobe_detours:function hidden
kprobe_detours:
	times KP_DETOURS * KP_DETOUR_SIZE db 0xcc

section .data
align 8
global kprobe_ftrace_handler:data hidden, kprobe_opt_handler:data hidden
kprobe_ftrace_handler:	dq 0
kprobe_opt_handler:	dq 0

section .note.GNU-stack noalloc noexec nowrite progbits
