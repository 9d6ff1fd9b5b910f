; fuzz's exception and interrupt entry, and fuzz_try. Every one of the 256
; vectors has a stub here (gates on IST stacks, env.c): an operation may leave RSP
; anywhere, so the CPU must switch to a stack of the vCPU's own before it
; pushes anything. The frame is guests/lib/trap.h's struct trap_frame;
; fuzz_trap (trap.c) decides whether to return to the interrupted code or,
; for an exception in an operation, to rewrite the frame so that IRETQ lands
; in fuzz_recover, which returns 1 from the fuzz_try that started it.

bits 64
default rel

%include "trap_regs.inc"

section .text

extern fuzz_trap
extern fz_main_cr3
extern fz_sandbox_cr3

%define HAS_ERROR_CODE(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21 || (v) == 29 || (v) == 30)

%macro STUB 1
fz_stub_%1:
%if %1 >= 32 || !HAS_ERROR_CODE(%1)
	push 0
%endif
	push %1
	jmp fz_common
%endmacro

%assign v 0
%rep 256
STUB v
%assign v v + 1
%endrep

fz_common:
	TRAP_SAVE_REGS
	cld
	; The handler runs on the main page tables (env.c): random instructions
	; run on a read-only sandbox. fuzz_trap returns the CR3 to go back with.
	mov rsi, cr3
	mov rax, [fz_main_cr3]
	cmp rax, rsi
	je .on_main
	mov cr3, rax
.on_main:
	mov rdi, rsp
	call fuzz_trap
	mov rsi, cr3
	cmp rax, rsi
	je .back
	mov cr3, rax
.back:
	TRAP_RESTORE_REGS
	add rsp, 16
	iretq

; int fuzz_try(struct fz_cpu *c, void (*op)(struct fz_cpu *c))
%define JB_RBX 0
%define JB_RBP 8
%define JB_R12 16
%define JB_R13 24
%define JB_R14 32
%define JB_R15 40
%define JB_RSP 48
%define IN_OP  56
global fuzz_try
fuzz_try:
	mov [rdi + JB_RBX], rbx
	mov [rdi + JB_RBP], rbp
	mov [rdi + JB_R12], r12
	mov [rdi + JB_R13], r13
	mov [rdi + JB_R14], r14
	mov [rdi + JB_R15], r15
	mov [rdi + JB_RSP], rsp
	mov qword [rdi + IN_OP], 1
	push rdi                ; keeps RSP 16-aligned at the call, as on entry less 8
	call rsi
	pop rdi
	mov qword [rdi + IN_OP], 0
	xor eax, eax
	ret

; Reached by IRETQ from fuzz_trap with RDI = the vCPU's struct and RSP = the
; one fuzz_try saved, which points at fuzz_try's return address.
global fuzz_recover
fuzz_recover:
	mov rbx, [rdi + JB_RBX]
	mov rbp, [rdi + JB_RBP]
	mov r12, [rdi + JB_R12]
	mov r13, [rdi + JB_R13]
	mov r14, [rdi + JB_R14]
	mov r15, [rdi + JB_R15]
	mov qword [rdi + IN_OP], 0
	mov eax, 1
	ret

; Runs random instruction bytes at RIP = rdi with every general register
; from the array at rsi (rax, rbx, rcx, rdx, rsi, rdi, rbp, rsp, r8-r15),
; RFLAGS = rdx, on the sandbox page tables (env.c). IRETQ sets RSP, RFLAGS and RIP at once, so RSP may be
; anything and a TF in rdx traps after the first random instruction, not
; before. It never comes back here: the bytes end in an exception, which
; fuzz_trap turns into a return from fuzz_try.
global fuzz_jump
fuzz_jump:
	push 0x10               ; SS: KERNEL_DS
	push qword [rsi + 56]   ; RSP
	push rdx                ; RFLAGS
	push 0x08               ; CS: KERNEL_CS
	push rdi                ; RIP
	mov rax, [fz_sandbox_cr3]
	mov cr3, rax            ; the code, the frame and the registers stay readable there
	mov r15, rsi
	mov rax, [r15 + 0]
	mov rbx, [r15 + 8]
	mov rcx, [r15 + 16]
	mov rdx, [r15 + 24]
	mov rsi, [r15 + 32]
	mov rdi, [r15 + 40]
	mov rbp, [r15 + 48]
	mov r8,  [r15 + 64]
	mov r9,  [r15 + 72]
	mov r10, [r15 + 80]
	mov r11, [r15 + 88]
	mov r12, [r15 + 96]
	mov r13, [r15 + 104]
	mov r14, [r15 + 112]
	mov r15, [r15 + 120]
	iretq

section .rodata
align 8
global fz_stubs
fz_stubs:
%assign v 0
%rep 256
	dq fz_stub_ %+ v
%assign v v + 1
%endrep
