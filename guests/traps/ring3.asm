; user_vmcalls(nrs, results, n): drop to CPL 3 with SYSRET, make one VMCALL
; per hypercall number, storing each RAX, and come back with SYSCALL. The
; caller has made this code, both arrays and user_stack user-accessible and
; set EFER.SCE; STAR, LSTAR and FMASK are set here (the caller restores
; them). Interrupts stay off at CPL 3: no TSS holds a stack to come back on.
bits 64
default rel

%define MSR_STAR   0xc0000081
%define MSR_LSTAR  0xc0000082
%define MSR_FMASK  0xc0000084
%define KERNEL_CS  0x08          ; SYSCALL: CS 0x08, SS 0x10 (the boot GDT's)
%define SYSRET_SEL 0x18          ; SYSRET: SS 0x20|3, CS 0x28|3 (not read from the GDT)
%define FMASK_BITS 0x47700       ; TF, IF, DF, IOPL, NT, AC cleared on SYSCALL
%define USER_RFLAGS 0x2          ; the fixed bit only: IF clear

section .text
global user_vmcalls
user_vmcalls:
	push rbx
	push rbp
	push r12
	push r13
	push r14
	push r15
	mov [kernel_rsp], rsp
	mov r12, rdi
	mov r13, rsi
	mov r14, rdx
	mov ecx, MSR_STAR
	xor eax, eax
	mov edx, (SYSRET_SEL << 16) | KERNEL_CS
	wrmsr
	mov ecx, MSR_LSTAR
	lea rax, [back_in_ring0]
	mov rdx, rax
	shr rdx, 32
	wrmsr
	mov ecx, MSR_FMASK
	mov eax, FMASK_BITS
	xor edx, edx
	wrmsr
	lea rcx, [ring3]
	mov r11d, USER_RFLAGS
	lea rsp, [user_stack_top]
	o64 sysret

ring3:
	xor ebx, ebx
.next:
	cmp rbx, r14
	jae .done
	mov rax, [r12 + rbx * 8]
	vmcall
	mov [r13 + rbx * 8], rax
	inc rbx
	jmp .next
.done:
	syscall

back_in_ring0:
	mov rsp, [kernel_rsp]
	pop r15
	pop r14
	pop r13
	pop r12
	pop rbp
	pop rbx
	ret

section .bss
align 4096
global user_stack
user_stack:
	resb 4096
user_stack_top:
kernel_rsp:
	resq 1

section .note.GNU-stack noalloc noexec nowrite progbits
