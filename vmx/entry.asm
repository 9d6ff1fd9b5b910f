; The world switch. vmx_run(vcpu) behaves like a function call: it enters the
; guest and returns 0 after the next VM exit, or 1 (VMfailInvalid) / 2
; (VMfailValid) when VMLAUNCH/VMRESUME itself fails. The exit stub first
; answers HC_NULL_STUB itself (the bare-transition baseline: no C, no
; statistics but a count), then reads the TSC (its sixth instruction on
; other exits) and saves the guest's registers into the vCPU.
bits 64
default rel
%include "asm_offsets.inc"

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
	push rdi                        ; the exit stub finds the vCPU at [rsp]
	mov rax, VMCS_FIELD_HOST_RSP
	vmwrite rax, rsp
	jbe .fail
	cmp byte [rdi + VCPU_LAUNCHED], 0   ; flags survive the loads below
	mov rax, [rdi + VCPU_RAX]
	mov rbx, [rdi + VCPU_RBX]
	mov rcx, [rdi + VCPU_RCX]
	mov rdx, [rdi + VCPU_RDX]
	mov rsi, [rdi + VCPU_RSI]
	mov rbp, [rdi + VCPU_RBP]
	mov r8,  [rdi + VCPU_R8]
	mov r9,  [rdi + VCPU_R9]
	mov r10, [rdi + VCPU_R10]
	mov r11, [rdi + VCPU_R11]
	mov r12, [rdi + VCPU_R12]
	mov r13, [rdi + VCPU_R13]
	mov r14, [rdi + VCPU_R14]
	mov r15, [rdi + VCPU_R15]
	mov rdi, [rdi + VCPU_RDI]
	je .launch
	vmresume
	jmp .fail
.launch:
	vmlaunch
.fail:
	mov eax, 2                      ; VMfailValid unless CF says invalid
	jnc .out
	mov eax, 1
.out:
	pop rdi
	pop r15
	pop r14
	pop r13
	pop r12
	pop rbx
	pop rbp
	ret

vmx_exit_entry:
	push rax
	push rdx
	cmp rax, HC_NULL_STUB_NR
	je .maybe_stub
.full:
	rdtsc
	shl rdx, 32
	or rax, rdx
	mov rdx, [rsp + 16]             ; vCPU pointer pushed by vmx_run
	mov [rdx + VCPU_EXIT_TSC], rax
	pop qword [rdx + VCPU_RDX]
	pop qword [rdx + VCPU_RAX]
	mov [rdx + VCPU_RBX], rbx
	mov [rdx + VCPU_RCX], rcx
	mov [rdx + VCPU_RSI], rsi
	mov [rdx + VCPU_RDI], rdi
	mov [rdx + VCPU_RBP], rbp
	mov [rdx + VCPU_R8],  r8
	mov [rdx + VCPU_R9],  r9
	mov [rdx + VCPU_R10], r10
	mov [rdx + VCPU_R11], r11
	mov [rdx + VCPU_R12], r12
	mov [rdx + VCPU_R13], r13
	mov [rdx + VCPU_R14], r14
	mov [rdx + VCPU_R15], r15
	xor eax, eax
	jmp vmx_run.out

.maybe_stub:                            ; RAX says HC_NULL_STUB: is it a VMCALL?
	mov edx, VMCS_FIELD_EXIT_REASON
	vmread rax, rdx
	cmp eax, EXIT_REASON_VMCALL_NR
	jne .full                           ; guest RAX and RDX are still on the stack
	mov edx, VMCS_FIELD_GUEST_RIP
	vmread rax, rdx
	add rax, VMCALL_INSN_LEN
	vmwrite rdx, rax
	mov rdx, [rsp + 16]
	inc qword [rdx + VCPU_STUB_CALLS]
	pop rdx
	add rsp, 8                          ; the guest's RAX: the result replaces it
	xor eax, eax
	vmresume
	jmp vmx_run.fail                    ; VMRESUME failed: [rsp] is the vCPU, as vmx_run expects

section .note.GNU-stack noalloc noexec nowrite progbits
