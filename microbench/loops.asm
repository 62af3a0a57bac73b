; Known-length loops: their retired-instruction and branch counts are exact,
; so a counter (or QEMU's -icount clock) measuring them has one right answer.
; System V ABI, the way the payload and the Linux runner call C: rdi holds
; the iteration count, at least 1. Nothing but rdi and flags is touched.
bits 64
default rel
section .text

; Per iteration: 2 instructions (dec, jnz), 1 conditional branch, taken
; every time but the last. The smallest loop x86 has.
global mb_loop:function
mb_loop:
.next:	dec rdi
	jnz .next
	ret

; Per iteration: 10 instructions (8 NOPs, dec, jnz), 1 conditional branch.
; A different instructions-per-branch ratio from mb_loop, so a counter that
; counts branches as instructions (or the reverse) cannot pass both.
global mb_nop8:function
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

section .note.GNU-stack noalloc noexec nowrite progbits
