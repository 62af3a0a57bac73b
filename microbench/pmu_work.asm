; Workloads of suite=pmu-check's checks that need more than a loop: a line
; missing every cache, and transactions (microbench/kernels.h). rdi =
; iterations (at least 1), rsi = the argument.
bits 64
default rel
section .text
; Every function symbol carries its size (to the ..@NAME_end label, which
; symbol tables skip): valgrind and perf attribute code to a function only then.

; rsi: a cache line. Per iteration: 5 instructions, 1 load, 1 conditional
; branch. CLFLUSH evicts the line from every level of the hierarchy (SDM
; Vol2A CLFLUSH) and MFENCE keeps the load behind it, so every load misses
; the last-level cache and fills from memory.
global mb_flush_load:function (..@mb_flush_load_end - mb_flush_load)
mb_flush_load:
.next:	clflush [rsi]
	mfence
	mov rax, [rsi]
	dec rdi
	jnz .next
	ret
..@mb_flush_load_end:

; Per iteration: a transaction that commits (XBEGIN, XEND) and one that
; XABORT ends, so cycles pass inside both kinds. Needs RTM
; (CPUID.(EAX=7,ECX=0):EBX[11]): without it XBEGIN is #UD. A transaction
; that aborts on its own resumes at its fallback, the same next step.
global mb_tx:function (..@mb_tx_end - mb_tx)
mb_tx:
.next:	xbegin .committed
	xend
.committed:
	xbegin .aborted
	xabort 1
.aborted:
	dec rdi
	jnz .next
	ret
..@mb_tx_end:

section .note.GNU-stack noalloc noexec nowrite progbits
