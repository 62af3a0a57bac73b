; Known-length loops: their retired-instruction and branch counts are exact,
; so a counter (or QEMU's -icount clock) measuring them has one right answer.
; Kernel ABI (System V, as the payload and the Linux runner call C):
; rdi = iterations, at least 1; rsi = the kernel's argument (unused here).
; Each touches only the registers it names and flags.
bits 64
default rel
section .text
; Every function symbol carries its size (to the ..@NAME_end label, which
; symbol tables skip): valgrind and perf attribute code to a function only then.

; Nothing: one RET. Measured once, it is what the method itself costs.
global mb_empty:function (..@mb_empty_end - mb_empty)
mb_empty:
	ret
..@mb_empty_end:

; Per iteration: 2 instructions (dec, jnz), 1 conditional branch, taken
; every time but the last. The smallest loop x86 has.
global mb_loop:function (..@mb_loop_end - mb_loop)
mb_loop:
.next:	dec rdi
	jnz .next
	ret
..@mb_loop_end:

; Per iteration: 10 instructions (8 NOPs, dec, jnz), 1 conditional branch.
; A different instructions-per-branch ratio from mb_loop, so a counter that
; counts branches as instructions (or the reverse) cannot pass both.
global mb_nop8:function (..@mb_nop8_end - mb_nop8)
mb_nop8:
.next:	nop
	nop
	nop
	nop
	nop
	nop
	nop
	nop
	dec rdi
	jnz .next
	ret
..@mb_nop8_end:

; Per iteration: 10 instructions, 8 of them ADDs each waiting for the one
; before: cycles per iteration = 8 x the ADD latency (1 on every x86 core
; since the P6), the loop a latency bound.
global mb_add_dep:function (..@mb_add_dep_end - mb_add_dep)
mb_add_dep:
	xor eax, eax
.next:	add rax, 1
	add rax, 1
	add rax, 1
	add rax, 1
	add rax, 1
	add rax, 1
	add rax, 1
	add rax, 1
	dec rdi
	jnz .next
	ret
..@mb_add_dep_end:

; Per iteration: 10 instructions, 8 ADDs to 8 different registers, none
; waiting for another: throughput bound, so cycles per iteration = 8 / the
; number of integer ALUs (4 on Skylake and Zen). RBX is callee-saved.
global mb_add_indep:function (..@mb_add_indep_end - mb_add_indep)
mb_add_indep:
	push rbx
.next:	add rax, 1
	add rcx, 1
	add rdx, 1
	add rbx, 1
	add r8, 1
	add r9, 1
	add r10, 1
	add r11, 1
	dec rdi
	jnz .next
	pop rbx
	ret
..@mb_add_indep_end:

section .note.GNU-stack noalloc noexec nowrite progbits
