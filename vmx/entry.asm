; The world switch. vmx_run(vcpu) behaves like a function call: it enters the
; guest and returns after an exit that the scheduler must see (an exit_action,
; 0 or more), or -1 (VMfailInvalid) / -2 (VMfailValid) when VMLAUNCH or
; VMRESUME itself fails.
;
; The exit stub holds no policy. It reads the TSC, saves the guest's registers
; into the vCPU and calls the vCPU's exit function (vmx_exit() in vmx/exit.c,
; the one exit path, or its traced copy while tracing); when that says the
; guest may go on at once (EXIT_RESUME_NOW), the stub reloads the registers C
; may have changed and resumes without unwinding to the scheduler, otherwise
; vmx_run returns the action.
;
; Which registers those are: the ones a C call may clobber (RAX, RCX, RDX,
; RSI, RDI, R8-R11) and RBX, which CPUID writes. RBP and R12-R15 still hold
; the guest's values when C returns, since C keeps them for its caller (the
; SysV ABI's callee-saved registers); a handler that writes one of them in
; the vCPU also sets its gprs_written hold (vcpu_write_gpr), which sends the
; guest back through the scheduler and vmx_run, where every register is loaded.
;
; One exception, documented as the bare-transition baseline: HC_NULL_STUB
; (VMCALL with RAX = HC_NULL_STUB, docs/hypercalls.md) is answered here,
; counted but not timed, so that the cost of the transition alone can be
; measured against a full exit.
bits 64
default rel
%include "asm_offsets.inc"

; Load the guest GPRs C may have changed from the vCPU at RDI (see above); RDI last.
; The ones it leaves out are GPRS_KEPT_BY_C's (vmx/vcpu.h), which vcpu_write_gpr marks:
; RBP and R12-R15, 5 and 12-15 in the SDM's numbering.
%if GPRS_KEPT_BY_C_MASK != (1 << 5 | 1 << 12 | 1 << 13 | 1 << 14 | 1 << 15)
%error "LOAD_GUEST_CHANGED must reload every register outside GPRS_KEPT_BY_C"
%endif
%macro LOAD_GUEST_CHANGED 0
	mov rax, [rdi + VCPU_RAX]
	mov rbx, [rdi + VCPU_RBX]
	mov rcx, [rdi + VCPU_RCX]
	mov rdx, [rdi + VCPU_RDX]
	mov rsi, [rdi + VCPU_RSI]
	mov r8,  [rdi + VCPU_R8]
	mov r9,  [rdi + VCPU_R9]
	mov r10, [rdi + VCPU_R10]
	mov r11, [rdi + VCPU_R11]
	mov rdi, [rdi + VCPU_RDI]
%endmacro

; Load every guest GPR but RSP (in the VMCS) from the vCPU at RDI; RDI last.
%macro LOAD_GUEST 0
	mov rbp, [rdi + VCPU_RBP]
	mov r12, [rdi + VCPU_R12]
	mov r13, [rdi + VCPU_R13]
	mov r14, [rdi + VCPU_R14]
	mov r15, [rdi + VCPU_R15]
	LOAD_GUEST_CHANGED
%endmacro

section .text
global vmx_run
global vmx_exit_entry

vmx_run:
	push rbp
	push rbx
	push r12
	push r13
	push r14
	push r15
	push rdi                        ; the exit stub finds the vCPU at [rsp]; RSP is 16-byte aligned here
	mov rax, VMCS_FIELD_HOST_RSP
	vmwrite rax, rsp
	jbe .fail
	mov byte [rdi + VCPU_GPRS_WRITTEN], 0   ; every register is loaded below
	cmp byte [rdi + VCPU_LAUNCHED], 0
	jne .resume
	; Launched from here on, so that exits need not say so; undone if VMLAUNCH fails.
	mov byte [rdi + VCPU_LAUNCHED], 1
	LOAD_GUEST
	vmlaunch
	mov rdi, [rsp]                  ; MOVs leave VMLAUNCH's CF and ZF for .fail
	mov byte [rdi + VCPU_LAUNCHED], 0
	jmp .fail
.resume:
	LOAD_GUEST
	vmresume
.fail:
	mov eax, -2                     ; VMfailValid unless CF says invalid
	jnc .out
	mov eax, -1
.out:
	pop rdi
	pop r15
	pop r14
	pop r13
	pop r12
	pop rbx
	pop rbp
	ret

; RSP is HOST_RSP: [rsp] is the vCPU.
vmx_exit_entry:
	cmp rax, HC_NULL_STUB_NR
	je .maybe_stub
.timed:
	push rdi
	mov rdi, [rsp + 8]
	mov [rdi + VCPU_RAX], rax
	mov [rdi + VCPU_RDX], rdx
	rdtsc
	shl rdx, 32
	or rax, rdx
	mov [rdi + VCPU_EXIT_TSC], rax
	pop qword [rdi + VCPU_RDI]
	mov [rdi + VCPU_RBX], rbx
	mov [rdi + VCPU_RCX], rcx
	mov [rdi + VCPU_RSI], rsi
	mov [rdi + VCPU_RBP], rbp
	mov [rdi + VCPU_R8],  r8
	mov [rdi + VCPU_R9],  r9
	mov [rdi + VCPU_R10], r10
	mov [rdi + VCPU_R11], r11
	mov [rdi + VCPU_R12], r12
	mov [rdi + VCPU_R13], r13
	mov [rdi + VCPU_R14], r14
	mov [rdi + VCPU_R15], r15
	call [rdi + VCPU_EXIT_ENTRY]    ; RSP is 16-byte aligned, as at vmx_run's VM entry
	cmp eax, EXIT_RESUME_NOW_NR
	jne vmx_run.out                 ; the scheduler acts on EAX
	mov rdi, [rsp]
	LOAD_GUEST_CHANGED
	vmresume
	jmp vmx_run.fail                ; [rsp] is the vCPU, as vmx_run expects

.maybe_stub:                        ; RAX says HC_NULL_STUB: is it a VMCALL C need not see?
	push rax
	push rdx
	; Guest RAX and RDX stay on the stack until the end: every way out goes to C
	; with them. A failing VMREAD/VMWRITE does too, and C reports its error.
	mov rdx, [rsp + 16]
	cmp byte [rdx + VCPU_IRQ_PENDING], 0
	jne .to_c                       ; an interrupt to inject: only C enters then
	mov edx, VMCS_FIELD_EXIT_REASON
	vmread rax, rdx
	jbe .to_c
	cmp eax, EXIT_REASON_VMCALL_NR
	jne .to_c
	mov edx, VMCS_FIELD_GUEST_INTERRUPTIBILITY
	vmread rax, rdx
	jbe .to_c
	test al, INTERRUPTIBILITY_BLOCKING
	jnz .to_c                       ; STI or MOV-SS blocking to end: vcpu_skip_insn's work
	mov edx, VMCS_FIELD_EXIT_INSTRUCTION_LEN
	vmread rax, rdx                 ; prefixes included
	jbe .to_c
	mov edx, VMCS_FIELD_GUEST_RIP
	vmread rdx, rdx
	jbe .to_c
	add rax, rdx
	mov edx, VMCS_FIELD_GUEST_RIP
	vmwrite rdx, rax
	jbe .to_c
	mov rdx, [rsp + 16]
	inc qword [rdx + VCPU_STUB_CALLS]
	pop rdx
	add rsp, 8                      ; the guest's RAX: the result replaces it
	xor eax, eax
	vmresume
	jmp vmx_run.fail
.to_c:
	pop rdx
	pop rax
	jmp .timed

section .note.GNU-stack noalloc noexec nowrite progbits
