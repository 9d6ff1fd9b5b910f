; step_run(): RFLAGS.TF set by POPF, then CPUID (which exits: the hypervisor
; completes it), a NOP, a taken JMP and a NOP. Without IA32_DEBUGCTL.BTF the
; first single-step #DB comes after CPUID (RIP step_after_cpuid), raised by
; the hypervisor as it completes the instruction; with BTF, after the branch
; (RIP step_target) on a CPU that steps on branches only, after the NOP (RIP
; step_after_nop) on one that ignores BTF, never after CPUID. step_db_entry,
; the #DB gate while it runs, notes each #DB's RIP and clears TF in the frame
; it returns to, so the first is the only one.
bits 64
default rel

%define RFLAGS_TF 0x100

section .text
global step_run, step_after_cpuid, step_after_nop, step_target, step_db_entry
step_run:
	push rbx
	xor eax, eax
	pushfq
	or qword [rsp], RFLAGS_TF
	popfq
	cpuid
step_after_cpuid:
	nop
step_after_nop:
	jmp step_target
	nop
step_target:
	nop
	pop rbx
	ret

; Frame: RIP, CS, RFLAGS, RSP, SS above the saved RAX.
step_db_entry:
	push rax
	mov rax, [rsp + 8]
	mov [step_db_rip], rax
	inc dword [step_db_count]
	and qword [rsp + 24], ~RFLAGS_TF
	pop rax
	iretq

section .bss
global step_db_rip, step_db_count
align 8
step_db_rip:   resq 1
step_db_count: resd 1
