; The owned world's call/abort pair (owned.c): a section runs inside
; owned_call, and an exception that aborts it comes back out through
; owned_abort.

default rel
bits 64
section .text

; int owned_call(struct owned_jmp *jmp, void (*fn)(void *), void *arg)
; Saves the callee-saved registers, stack pointer and return address in *jmp,
; runs fn(arg) and returns 0; owned_abort(jmp) returns 1 from it instead.
global owned_call
owned_call:
	mov [rdi + 0], rbx
	mov [rdi + 8], rbp
	mov [rdi + 16], r12
	mov [rdi + 24], r13
	mov [rdi + 32], r14
	mov [rdi + 40], r15
	lea rax, [rsp + 8]
	mov [rdi + 48], rax		; RSP after our return
	mov rax, [rsp]
	mov [rdi + 56], rax		; our return address
	push rbp			; keep the frame-pointer chain walkable
	mov rbp, rsp
	mov rax, rsi
	mov rdi, rdx
	call rax
	pop rbp
	xor eax, eax
	ret

; void owned_abort(struct owned_jmp *jmp) -- does not return
global owned_abort
owned_abort:
	mov rbx, [rdi + 0]
	mov rbp, [rdi + 8]
	mov r12, [rdi + 16]
	mov r13, [rdi + 24]
	mov r14, [rdi + 32]
	mov r15, [rdi + 40]
	mov rsp, [rdi + 48]
	mov eax, 1
	jmp [rdi + 56]

section .note.GNU-stack noalloc noexec nowrite progbits
