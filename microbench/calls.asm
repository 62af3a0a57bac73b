; Call chains of known depth: mb_calls calls the chain entry given in rsi
; once per iteration; chain_d calls chain_(d-1) ... down to chain_1, which
; returns. Depth d (1 to 16) per iteration: 2d + 2 instructions (d CALLs,
; d RETs, dec, jnz), 2d + 1 branches. Stack depth and return-address
; prediction (the RSB holds 16 on Skylake-era cores) are what d moves; LBR,
; kprobes and function tracing use these as known call graphs.
bits 64
default rel
section .text
; Every function symbol carries its size (to the ..@NAME_end label, which
; symbol tables skip): valgrind and perf attribute code to a function only then.

global mb_calls:function (..@mb_calls_end - mb_calls)
mb_calls:
.next:	call rsi
	dec rdi
	jnz .next
	ret
..@mb_calls_end:

%assign i 16
%rep 15
global mb_chain_ %+ i:function (..@mb_chain_ %+ i %+ _end - mb_chain_ %+ i)
mb_chain_ %+ i:
%assign j i-1
	call mb_chain_ %+ j
	ret
..@mb_chain_ %+ i %+ _end:
%assign i i-1
%endrep

global mb_chain_1:function (..@mb_chain_1_end - mb_chain_1)
mb_chain_1:
	ret
..@mb_chain_1_end:

section .note.GNU-stack noalloc noexec nowrite progbits
