; Host exception and interrupt entry stubs, one per vector, each 16 bytes so
; that the IDT builder computes addresses instead of reading a table of
; pointers. Vectors where the CPU pushes no error code push a zero, so every
; frame has the same shape (struct trap_frame in cpu/trap.h). trap_dispatch
; never returns for an exception; for an interrupt it does, and the frame is
; unwound with IRETQ.
bits 64
default rel
section .text

extern trap_dispatch
global trap_stubs

%define HAS_ERRCODE(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21 || (v) == 29 || (v) == 30)

align 16
trap_stubs:
%assign v 0
%rep 256
	align 16
%if !HAS_ERRCODE(v)
	push qword 0
%endif
	push qword v
	jmp trap_common
%assign v v+1
%endrep

trap_common:
	push rax
	push rbx
	push rcx
	push rdx
	push rsi
	push rdi
	push rbp
	push r8
	push r9
	push r10
	push r11
	push r12
	push r13
	push r14
	push r15
	mov rdi, rsp
	mov rbx, rsp                    ; callee-saved: the frame, across the call
	and rsp, -16
	call trap_dispatch
	mov rsp, rbx
	pop r15
	pop r14
	pop r13
	pop r12
	pop r11
	pop r10
	pop r9
	pop r8
	pop rbp
	pop rdi
	pop rsi
	pop rdx
	pop rcx
	pop rbx
	pop rax
	add rsp, 16                     ; vector and error code
	iretq

section .note.GNU-stack noalloc noexec nowrite progbits
