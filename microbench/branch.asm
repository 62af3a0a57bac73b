; Branch patterns. rdi = iterations (at least 1), rsi points at struct
; mb_branch_arg { u64 pattern, period; } (microbench/kernels.h): pattern is
; an array of period bytes, 0 or 1, read in a cycle.
;
; Per iteration: 10 instructions, 1 load, 3 branches of which 2 conditional:
; the JNZ under test, a JMP, and the loop's JNZ. Both ways through the JNZ
; under test run the same number of instructions and branches (an ADD and a
; JMP each), so the counts are exact whatever the pattern; only the branch
; predictor's work differs: a pattern of period k is learnt when k fits its
; history, and a random one mispredicts half the time.
bits 64
default rel
section .text
; Every function symbol carries its size (to the ..@NAME_end label, which
; symbol tables skip): valgrind and perf attribute code to a function only then.

global mb_branch:function (..@mb_branch_end - mb_branch)
mb_branch:
	mov r8, [rsi]		; pattern
	mov r9, [rsi + 8]	; period
	xor ecx, ecx		; index into the pattern
	xor edx, edx
	xor r10d, r10d
.next:	movzx eax, byte [r8 + rcx]
	test eax, eax
	jnz .one		; the branch under test
	add rdx, 2
	jmp .join
.one:	add rdx, 3
	jmp .join		; to the next instruction: balances the paths
.join:	inc rcx
	cmp rcx, r9
	cmovae rcx, r10		; wrap without a branch
	dec rdi
	jnz .next
	ret
..@mb_branch_end:

section .note.GNU-stack noalloc noexec nowrite progbits
