; Memory kernels. rdi = iterations (at least 1), rsi = the argument.
bits 64
default rel
section .text
; Every function symbol carries its size (to the ..@NAME_end label, which
; symbol tables skip): valgrind and perf attribute code to a function only then.

; Pointer chase: rsi points at struct mb_chase_arg { void *node; }
; (microbench/kernels.h), the node to start from; each node's first quadword
; is the address of the next. The node it stops at is written back, so the
; next call walks on along the cycle. Per iteration: 3 instructions, 1 load,
; 1 conditional branch. Every load's address comes from the load before, so
; nothing overlaps: time per iteration is the load latency of wherever the
; nodes live (L1, L2, LLC, DRAM), and misses per load show which level that is.
global mb_chase:function (..@mb_chase_end - mb_chase)
mb_chase:
	mov rax, [rsi]
.next:	mov rax, [rax]
	dec rdi
	jnz .next
	mov [rsi], rax
	ret
..@mb_chase_end:

; Stream over a buffer: rsi points at struct mb_stream_arg { u64 base,
; stride, mask; } (microbench/kernels.h); offset = (offset + stride) & mask.
; Per iteration: 5 instructions, 1 load, 1 conditional branch. The loads are
; independent: a stride the prefetchers follow (64 bytes: the next line)
; hides latency, one they do not (4160: a new page and line each time)
; does not.
global mb_stream:function (..@mb_stream_end - mb_stream)
mb_stream:
	mov r8, [rsi]		; base
	mov r9, [rsi + 8]	; stride
	mov r10, [rsi + 16]	; mask
	xor ecx, ecx
	xor eax, eax
.next:	add rax, [r8 + rcx]
	add rcx, r9
	and rcx, r10
	dec rdi
	jnz .next
	ret
..@mb_stream_end:

section .note.GNU-stack noalloc noexec nowrite progbits
