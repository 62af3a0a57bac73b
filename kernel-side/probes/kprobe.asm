; The probe engine's out-of-line slots, where probed instructions are
; single-stepped: in .text, so they are executable wherever the image's code
; is.
bits 64
default rel
section .text

KPROBE_SLOTS equ 16		; kprobe.h
KP_SLOT_SIZE equ 16		; kprobe_insn.h

; Slots hold INT3s when free, so a free slot's bytes -- and the text
; checksum -- are the same before and after a probe.
	align 16, int3
global kprobe_slots:function hidden
kprobe_slots:
	times KPROBE_SLOTS * KP_SLOT_SIZE db 0xcc

section .note.GNU-stack noalloc noexec nowrite progbits
