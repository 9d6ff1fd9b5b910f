; Entry of a Hinoki ELF64 guest (include/hinoki/bootinfo.h). The hypervisor
; enters here in long mode, identity-mapped, interrupts off, RSP set and RDI =
; guest-physical address of struct hinoki_bootinfo, which is passed straight
; through as guest_main's argument and kept in guest_bootinfo. The exception
; IDT (trap.c) is loaded first, so a fault names itself instead of ending in
; a triple fault. guest_main's return value is the exit code.

bits 64
default rel

section .text.entry
global _start
extern guest_main
extern trap_init
extern hc_exit

_start:
	mov [guest_bootinfo], rdi
	cld                     ; the C calling convention wants DF clear
	and rsp, -16            ; and RSP 16-aligned at the call
	push rdi
	push rdi                ; two pushes keep the alignment
	call trap_init
	pop rdi
	pop rdi
	call guest_main
	movzx edi, al
	call hc_exit            ; does not return
.hang:
	cli
	hlt
	jmp .hang

; In .data rather than .bss so that every guest's data segment has file
; contents: no guest ships an empty PT_LOAD.
section .data
align 8
global guest_bootinfo
guest_bootinfo:
	dq 0
