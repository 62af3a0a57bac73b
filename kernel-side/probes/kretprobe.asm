; The return trampoline of kretprobes: in .text, so it is executable wherever
; the image's code is; it calls back into kretprobe.c.
bits 64
default rel
section .text

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
