; The probe engine's code areas: the out-of-line slots where probed
; instructions are single-stepped, and the return trampoline of kretprobes.
; Both are in .text, so they are executable wherever the image's code is.
bits 64
default rel
section .text

KPROBE_SLOTS equ 16		; kprobe.h
KP_SLOT_SIZE equ 16		; kprobe_insn.h

; Slots hold INT3s when free, so a free slot's bytes -- and the text
; checksum -- are the same before and after a probe.
	align 16, int3
global kprobe_slots:function hidden
kprobe_slots:
	times KPROBE_SLOTS * KP_SLOT_SIZE db 0xcc

extern kretprobe_return

; A probed function returns here instead of to its caller (the kretprobe's
; entry handler swapped the return address). RSP is the caller's, past the
; return address. The registers a return leaves live (RAX, RDX) and the other
; caller-saved ones are kept, in case the caller is assembly that relies on
; them; kretprobe_return(rax, rsp) runs the handler and gives the real
; return address, which goes into the slot reserved first, and RET uses it.
global kretprobe_trampoline:function hidden
kretprobe_trampoline:
	push rax			; the slot for the real return address
	push rax
	push rcx
	push rdx
	push rsi
	push rdi
	push r8
	push r9
	push r10
	push r11
	push rbp
	mov rbp, rsp
	mov rdi, rax			; the return value
	lea rsi, [rbp + 88]		; RSP at the return: 11 pushes above
	and rsp, -16			; SysV: 16-byte aligned at the call
	cld
	call kretprobe_return
	mov [rbp + 80], rax		; the slot
	mov rsp, rbp
	pop rbp
	pop r11
	pop r10
	pop r9
	pop r8
	pop rdi
	pop rsi
	pop rdx
	pop rcx
	pop rax
	ret

section .note.GNU-stack noalloc noexec nowrite progbits
