; The code of suite=probes' #DB cases (probes_db.c, dbcase.c): each returns
; the address the case's log is told from, the offsets of dbcase.c's table
; being fixed by the encodings noted beside them. The single-step ones set
; TF with POPF and clear it with POPF, so TF is on for a known run of
; instructions; each puts RFLAGS back as it found them (IF included).
bits 64
default rel

section .text

; Sets TF in RAX's image of RFLAGS and loads it; RAX keeps the image, TF set.
%macro tf_on 0
	pushfq
	pop rax
	or rax, 0x100
	push rax
%endmacro

; u64 db_ss_basic(void): after the POPF that sets TF, one instruction
; (the AND) runs before the first single step (SDM Vol3B 18.3.1.4).
global db_ss_basic:function hidden
db_ss_basic:
	pushfq
	tf_on
	popfq
	and rax, ~0x100			; 6 bytes
.start:	push rax			; +0, 1 byte
	popfq				; +1, 1 byte: TF off, still stepped
	lea rax, [.start]		; +2
	popfq
	ret

; u64 db_ss_emulated(void): CPUID and IN, which a hypervisor emulates.
global db_ss_emulated:function hidden
db_ss_emulated:
	push rbx
	pushfq
	tf_on
	popfq
	and rax, ~0x100
.start:	push rax			; +0
	xor rax, rax			; +1, 3 bytes
	cpuid				; +4, 2 bytes
	mov edx, 0x3fd			; +6, 5 bytes: COM1's line status
	in al, dx			; +11, 1 byte
	popfq				; +12
	lea rax, [.start]		; +13
	popfq
	pop rbx
	ret

; u64 db_ss_sti(void): STI's interrupt shadow does not hold off the single
; step of the instruction after it (SDM Vol3A 6.8.3 blocks interrupts only).
global db_ss_sti:function hidden
db_ss_sti:
	pushfq
	cli
	tf_on
	popfq
	sti
.start:	and rax, ~0x100			; +0, 6 bytes
	push rax			; +6
	popfq				; +7
	lea rax, [.start]		; +8
	popfq
	ret

; u64 db_ss_sti_hlt(void), with the caller's one-shot timer to wake the
; HLT: the step after STI, then the HLT's once the interrupt is handled.
global db_ss_sti_hlt:function hidden
db_ss_sti_hlt:
	pushfq
	cli
	tf_on
	popfq
	sti
.start:	hlt				; +0, 1 byte
	and rax, ~0x100			; +1, 6 bytes
	push rax			; +7
	popfq				; +8
	lea rax, [.start]		; +9
	popfq
	ret

; u64 db_ss_movss(void): MOV SS holds off the single step of itself: the
; first #DB comes after the instruction following it (SDM Vol3A 6.8.3).
global db_ss_movss:function hidden
db_ss_movss:
	pushfq
	tf_on
	mov cx, ss
	popfq
	mov ss, cx			; 2 bytes
	and rax, ~0x100
.start:	push rax			; +0
	popfq				; +1
	lea rax, [.start]		; +2
	popfq
	ret

; u64 db_ss_movss_icebp(void): ICEBP (INT1) in MOV SS's shadow: a trap-like
; #DB all the same, without BS; its own single step is not reported.
global db_ss_movss_icebp:function hidden
db_ss_movss_icebp:
	pushfq
	tf_on
	mov cx, ss
	popfq
	mov ss, cx
	db 0xf1
.start:	db 0xf1				; +0
	and rax, ~0x100			; +1, 6 bytes
	push rax			; +7
	popfq				; +8
	lea rax, [.start]		; +9
	popfq
	ret

; u64 db_ss_movss_gd(void), with DR7.GD set by the caller: the MOV to DR6
; faults with BD although in MOV SS's shadow (general detect is a fault),
; the CPU clears GD, and the MOV runs again when the handler returns.
global db_ss_movss_gd:function hidden
db_ss_movss_gd:
	pushfq
	xor edx, edx
	tf_on
	mov cx, ss
	popfq
	mov ss, cx
.start:	mov dr6, rdx			; +0, 3 bytes
	and rax, ~0x100			; +3, 6 bytes
	push rax			; +9
	popfq				; +10
	lea rax, [.start]		; +11
	popfq
	ret

; u64 db_int3(void): #BP is a trap: RIP past the INT3.
global db_int3:function hidden
db_int3:
	int3
.start:	lea rax, [.start]
	ret

; u64 db_icebp(void): ICEBP's #DB is a trap, DR6 reporting no condition.
global db_icebp:function hidden
db_icebp:
	db 0xf1
.start:	lea rax, [.start]
	ret

; void db_exec_site(void): the execute breakpoint's target.
global db_exec_site:function hidden
db_exec_site:
	nop
	ret

; u64 db_store(u64 *p): an 8-byte store; a data breakpoint is a trap, RIP
; past the store.
global db_store:function hidden
db_store:
	mov eax, 42
	mov [rdi], rax
.start:	lea rax, [.start]
	ret

; u64 db_movss_icebp(u16 *sel), db_movss_int1(u16 *sel),
; db_movss_int3(u16 *sel): MOV SS loads *sel, which a read/write
; watchpoint covers; its #DB is held to the next instruction's end
; (SDM Vol3A 6.8.3). ICEBP's #DB takes it along; INT n and INT3 are
; delivered first and it comes at their handler's first instruction.
global db_movss_icebp:function hidden
db_movss_icebp:
	mov ss, [rdi]			; 2 bytes
.start:	db 0x2e, 0x2e, 0xf1		; +0
	lea rax, [.start]		; +3
	ret

global db_movss_int1:function hidden
db_movss_int1:
	mov ss, [rdi]
.start:	int 1				; +0, 2 bytes
	lea rax, [.start]		; +2
	ret

global db_movss_int3:function hidden
db_movss_int3:
	mov ss, [rdi]
.start:	db 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0xcc
	lea rax, [.start]		; +12
	ret

; u64 db_split_lock(u64 *p, u64 v): LOCK CMPXCHG of 0 -> v at p, which the
; caller puts across a cache line: a bus lock, which raises nothing at
; CPL 0 while split-lock #AC and bus-lock #DB are not enabled.
global db_split_lock:function hidden
db_split_lock:
	xor eax, eax
	lock cmpxchg [rdi], rsi
	mov rax, [rdi]
	ret

section .note.GNU-stack noalloc noexec nowrite progbits
