; Functions whose instructions suite=probes puts probes on, one per kind the
; probe engine treats differently (kernel-side/probes/kprobe_insn.c): a RIP-relative
; load and push (stepped out of line with the disp32 fixed), a call rel32, a
; jcc, a ret and a loop (emulated), an indirect call (stepped, return address
; fixed), and a writer and a reader of pt_var for the data watchpoints. The
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

section .note.GNU-stack noalloc noexec nowrite progbits
