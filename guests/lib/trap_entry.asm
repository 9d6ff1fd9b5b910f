; Exception entry stubs of 64-bit Hinoki guests: one per vector 0-31, each
; making the frame uniform (a zero where the CPU pushes no error code, then
; the vector) before the common path saves the general registers and calls
; trap_dispatch(struct trap_frame *). The layout pushed here is
; struct trap_frame in trap.h, last field first.
;
; Stack depth at the call: the CPU aligns RSP to 16 before pushing SS, RSP,
; RFLAGS, CS, RIP (40 bytes); error code and vector add 16, the 15 registers
; 120: 176 bytes in all, so the C call sees the 16-byte alignment it expects.

bits 64
default rel

%include "trap_regs.inc"

section .text

extern trap_dispatch

; Vectors for which the CPU pushes an error code ("Exception and Interrupt
; Reference", Table "Protected-Mode Exceptions and Interrupts").
%define HAS_ERROR_CODE(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21 || (v) == 29 || (v) == 30)

%macro TRAP_STUB 1
trap_stub_%1:
%if !HAS_ERROR_CODE(%1)
	push 0
%endif
	push %1
	jmp trap_common
%endmacro

%assign v 0
%rep 32
TRAP_STUB v
%assign v v + 1
%endrep

trap_common:
	TRAP_SAVE_REGS
	cld
	mov rdi, rsp
	call trap_dispatch
	TRAP_RESTORE_REGS
	add rsp, 16             ; vector and error code
	iretq

; The stub addresses, in vector order, for trap_init to put in the gates.
section .rodata
align 8
global trap_stubs
trap_stubs:
%assign v 0
%rep 32
	dq trap_stub_ %+ v
%assign v v + 1
%endrep
