; The function tracer's trampolines (ftrace.h): ftrace_caller and
; function_graph's return hook, which call back into ftrace_tracers.c.
bits 64
default rel
section .text

extern ftrace_entry
extern ftrace_graph_return
extern ftrace_fast, ftrace_ring, ftrace_head, ftrace_count, ftrace_written, ftrace_lost

RING_MAX	equ 4096	; FTRACE_RING_MAX (ftrace.h), a power of two
EVENT		equ 40		; sizeof(struct ftrace_event): ts, ip, parent, duration, depth|type

; Reached by the CALL rel32 patched into a traced function's first 5 bytes:
; [rsp] is the address after the site (the function's own code), [rsp + 8]
; the return address into the function's caller. Saves what a C call may
; clobber and the function's arguments, calls ftrace_entry(site, &slot),
; restores them, and returns into the function.
global ftrace_caller:function
ftrace_caller:
	cmp byte [rel ftrace_fast], 0
	je .slow
	; The function tracer into an overwriting ring, the common case, done
	; here -- 34 instructions a call with the site's CALL, 33 more than a
	; disabled site (check ftrace.function-cost) -- instead of through C:
	; the same entry ftrace_tracers.c's ring_slot() would write.
	push rax
	push rcx
	push rdx
	push r11
	rdtsc
	shl rdx, 32
	or rdx, rax
	mov ecx, [rel ftrace_head]
	lea rcx, [rcx + rcx * 4]
	lea r11, [rel ftrace_ring]
	lea r11, [r11 + rcx * 8]
	mov [r11], rdx			; ts
	mov rax, [rsp + 32]
	sub rax, 5
	mov [r11 + 8], rax		; ip: the site
	mov rax, [rsp + 40]
	mov [r11 + 16], rax		; parent: the return address into the caller
	mov qword [r11 + 32], 0		; depth 0, type FT_CALL
	mov eax, [rel ftrace_head]
	inc eax
	and eax, RING_MAX - 1
	mov [rel ftrace_head], eax
	inc qword [rel ftrace_written]
	cmp dword [rel ftrace_count], RING_MAX
	je .full
	inc dword [rel ftrace_count]
	jmp .done
.full:	inc qword [rel ftrace_lost]	; the oldest entry was overwritten
.done:	pop r11
	pop rdx
	pop rcx
	pop rax
	ret

.slow:	push rax
	push rdi
	push rsi
	push rdx
	push rcx
	push r8
	push r9
	push r10
	push r11
	mov rdi, [rsp + 72]
	sub rdi, 5
	lea rsi, [rsp + 80]
	; At the function's entry RSP was 8 mod 16 (System V), the CALL made
	; it 0, nine pushes 8: realign for the C call.
	sub rsp, 8
	call ftrace_entry
	add rsp, 8
	pop r11
	pop r10
	pop r9
	pop r8
	pop rcx
	pop rdx
	pop rsi
	pop rdi
	pop rax
	ret

; function_graph put this address in place of the traced function's return
; address: the function returns here, with its result in rax:rdx and RSP
; back at the caller's (16-byte aligned, as before the caller's CALL). The
; slot that held the address was just below: [rsp - 8].
global ftrace_return_to_handler:function
ftrace_return_to_handler:
	push rax
	push rdx
	lea rdi, [rsp + 8]
	call ftrace_graph_return
	mov r11, rax		; scratch at a return: the caller keeps nothing in it
	pop rdx
	pop rax
	jmp r11

section .note.GNU-stack noalloc noexec nowrite progbits
