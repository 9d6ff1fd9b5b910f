; Exiting instructions run with a known value in every GPR but RSP, so that
; the caller sees what the exit left in each: void around_NAME(uint64_t r[16])
; loads r[] (SDM register numbering, r[4] unused) into the registers, runs
; the instruction and stores every register back into r[].

bits 64
default rel

section .text

; MOVs from device memory at RAX into the registers that C code keeps for its
; caller (RBP, R12-R15): each is an EPT violation the hypervisor emulates.
%macro MMIO_LOADS 0
	mov rbp, [rax]
	mov r12, [rax + 8]
	mov r13, [rax + 16]
	mov r14, [rax + 24]
	mov r15, [rax + 32]
%endmacro

%macro AROUND 2
global around_%1
around_%1:
	push rbx
	push rbp
	push r12
	push r13
	push r14
	push r15
	push rdi
	mov rax, [rdi + 0 * 8]
	mov rcx, [rdi + 1 * 8]
	mov rdx, [rdi + 2 * 8]
	mov rbx, [rdi + 3 * 8]
	mov rbp, [rdi + 5 * 8]
	mov rsi, [rdi + 6 * 8]
	mov r8,  [rdi + 8 * 8]
	mov r9,  [rdi + 9 * 8]
	mov r10, [rdi + 10 * 8]
	mov r11, [rdi + 11 * 8]
	mov r12, [rdi + 12 * 8]
	mov r13, [rdi + 13 * 8]
	mov r14, [rdi + 14 * 8]
	mov r15, [rdi + 15 * 8]
	mov rdi, [rdi + 7 * 8]
	%2
	xchg rdi, [rsp]
	mov [rdi + 0 * 8], rax
	mov [rdi + 1 * 8], rcx
	mov [rdi + 2 * 8], rdx
	mov [rdi + 3 * 8], rbx
	mov [rdi + 5 * 8], rbp
	mov [rdi + 6 * 8], rsi
	mov [rdi + 8 * 8], r8
	mov [rdi + 9 * 8], r9
	mov [rdi + 10 * 8], r10
	mov [rdi + 11 * 8], r11
	mov [rdi + 12 * 8], r12
	mov [rdi + 13 * 8], r13
	mov [rdi + 14 * 8], r14
	mov [rdi + 15 * 8], r15
	pop qword [rdi + 7 * 8]
	pop r15
	pop r14
	pop r13
	pop r12
	pop rbp
	pop rbx
	ret
%endmacro

AROUND cpuid, cpuid
AROUND vmcall, vmcall
AROUND inb, {in al, dx}
AROUND mmio_loads, MMIO_LOADS

section .note.GNU-stack noalloc noexec nowrite progbits
