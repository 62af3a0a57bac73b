; Functions whose instructions suite=probes puts probes on, one per kind the
; probe engine treats differently (kernel-side/probes/kprobe_insn.c): a RIP-relative
; load and push (stepped out of line with the disp32 fixed), a call rel32, a
; jcc, a ret and a loop (emulated), an indirect call (stepped, return address
; fixed), and a writer and a reader of pt_var for the data watchpoints; for
; the jump optimizer a function too short for its JMP (pt_short), and a
; caller that sets every register (pt_with_regs). The
; offsets probed are fixed by the encodings noted beside them; the suite
; checks each is the instruction it expects by decoding it.
bits 64
default rel

section .data
align 8
global pt_var:data hidden
pt_var:		dq 0			; the watched benchmark variable
pt_const:	dq 1000

section .text

; u64 pt_riprel(u64 x): x + 1000; +0 is mov rax, [rip+disp32]
global pt_riprel:function hidden
pt_riprel:
	mov rax, [rel pt_const]
	add rax, rdi
	ret

; u64 pt_push(u64 x): x + 1000; +0 is push qword [rip+disp32]
global pt_push:function hidden
pt_push:
	push qword [rel pt_const]
	pop rax
	add rax, rdi
	ret

; u64 pt_call(u64 x): 2 * (x + 1); +0 is call rel32
global pt_call:function hidden
pt_call:
	call pt_inc
	add rax, rax
	ret

; u64 pt_inc(u64 x): x + 1; +4 is the ret (lea is 4 bytes)
global pt_inc:function hidden
pt_inc:
	lea rax, [rdi + 1]
	ret

; u64 pt_jcc(u64 x): 1 if x < 10 else 2; +4 is jb rel8 (cmp is 4 bytes)
; 4 bytes: a 5-byte JMP at +0 would run into the next function.
global pt_short:function hidden
pt_short:
	mov rax, rdi			; +0, 3 bytes
	ret

global pt_jcc:function hidden
pt_jcc:
	cmp rdi, 10
	jb ..@pt_jcc_small
	mov eax, 2
	ret
..@pt_jcc_small:			; ..@: not a symbol of its own (mksymtab.sh)
	mov eax, 1
	ret

; u64 pt_icall(u64 x): x + 1 through call rax; +7 is the call (lea is 7)
global pt_icall:function hidden
pt_icall:
	lea rax, [rel pt_inc]
	call rax
	ret

; u64 pt_loop(u64 n): n (n >= 1) by loop; +8 is the loop (3 + 2 + 3 bytes)
global pt_loop:function hidden
pt_loop:
	mov rcx, rdi
	xor eax, eax
..@pt_loop_again:
	inc rax
	loop ..@pt_loop_again
	ret

; void pt_write(u64 v): pt_var = v -- the writer a watchpoint names
global pt_write:function hidden
pt_write:
	mov [rel pt_var], rdi
	ret

; u64 pt_read(void): pt_var -- a reader only read/write watchpoints see
global pt_read:function hidden
pt_read:
	mov rax, [rel pt_var]
	ret

; pt_with_regs(fn, x) = fn(x), called with every general register and the
; arithmetic flags set to known values, so the frames probes on different
; paths show of fn can be compared field by field.
global pt_with_regs:function hidden
pt_with_regs:
	push rbx
	push rbp
	push r12
	push r13
	push r14
	push r15
	mov rax, rdi
	mov rdi, rsi
	mov rsi, 0x5151515151515151
	mov rdx, 0xd1d1d1d1d1d1d1d1
	mov rcx, 0xc1c1c1c1c1c1c1c1
	mov rbx, 0xb1b1b1b1b1b1b1b1
	mov rbp, 0xb9b9b9b9b9b9b9b9
	mov r8, 0x0808080808080808
	mov r9, 0x0909090909090909
	mov r10, 0x1010101010101010
	mov r11, 0x1111111111111111
	mov r12, 0x1212121212121212
	mov r13, 0x1313131313131313
	mov r14, 0x1414141414141414
	mov r15, 0x1515151515151515
	cmp eax, eax			; ZF, PF set; CF, OF, SF, AF clear
	call rax
	pop r15
	pop r14
	pop r13
	pop r12
	pop rbp
	pop rbx
	ret

section .note.GNU-stack noalloc noexec nowrite progbits
