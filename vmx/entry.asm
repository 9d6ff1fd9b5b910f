; The world switch. vmx_run(vcpu) behaves like a function call: it enters the
; guest and returns 0 after the next VM exit, or 1 (VMfailInvalid) / 2
; (VMfailValid) when VMLAUNCH/VMRESUME itself fails.
;
; The exit stub answers some exits itself, without returning to C, unless the
; vCPU has an interrupt waiting to be injected (irq_pending: only the C path
; injects):
; - HC_NULL_STUB: the bare-transition baseline, counted but not timed;
; - when the vCPU's fastpath flag is set: CPUID of a leaf the hypervisor does
;   not edit (and of leaves above the highest basic one, which the CPU answers
;   with that leaf, when that leaf is not edited), the HC_NULL and
;   HC_VERSION hypercalls at CPL 0, single-byte reads of the UART's line
;   status register (while no error is latched), accesses to its scratch
;   register and 32-bit reads of the PM timer (dev/pmtimer.h): answered,
;   counted and timed into the same statistics as the C path (not broken
;   down by sub-key). The UART fields are read and written without its lock: a
;   status read is a snapshot, and the scratch register has no other state.
; Every other exit reads the TSC (the stub's fifth instruction), saves the
; guest's registers into the vCPU and returns to the scheduler.
bits 64
default rel
%include "asm_offsets.inc"

; Finish a fast-path exit of reason %3: advance the guest RIP by the
; instruction length (%2), record the root-mode cycles in the exit_stat at
; vCPU offset %1 and, while the domain is traced, the exit in the trace ring,
; restore the three scratch registers and resume. Stack on entry: [rsp] guest
; RDX, [rsp+8] guest RAX (results already stored there), [rsp+16] vCPU.
%macro FAST_FINISH 3
	push rcx
	FAST_FINISH_PUSHED %1, %2, %3
%endmacro

; The same, when the path already pushed RCX: [rsp] guest RCX, [rsp+8] RDX,
; [rsp+16] RAX, [rsp+24] vCPU. %2 may be RAX (free until the TSC is read).
; A traced exit has its own copy of the statistics code: no jump back.
%macro FAST_FINISH_PUSHED 3
	mov ecx, VMCS_FIELD_GUEST_RIP
	vmread rdx, rcx
	add rdx, %2
	vmwrite rcx, rdx
	mov rcx, [rsp + 24]
%if EXIT_STATS_FULL
	rdtsc
	shl rdx, 32
	or rax, rdx
	cmp byte [rcx + VCPU_FASTPATH], FASTPATH_TRACED
	je %%trace
%endif
	FAST_STATS %1
	FAST_RESUME
%if EXIT_STATS_FULL
%%trace:
	FAST_TRACE %2, %3
	FAST_STATS %1
	FAST_RESUME
%endif
%endmacro

; The root-mode cycles into the exit_stat at vCPU offset %1 (total, min,
; max, log2 histogram, whose sum is the count: what exit_stat_add does in C;
; the count alone in the counts-only build). RAX = the TSC now, RCX = vCPU.
%macro FAST_STATS 1
%if EXIT_STATS_FULL
	sub rax, [rcx + VCPU_EXIT_TSC]
	add [rcx + %1 + STAT_CYCLES], rax
	cmp rax, [rcx + %1 + STAT_MIN]
	jae %%not_min
	mov [rcx + %1 + STAT_MIN], rax
%%not_min:
	cmp rax, [rcx + %1 + STAT_MAX]
	jbe %%not_max
	mov [rcx + %1 + STAT_MAX], rax
%%not_max:
	or rax, 1                           ; BSR of 0 is undefined; 0 and 1 share slot 0
	bsr rax, rax                        ; a slot per bit: no clamp
	inc qword [rcx + %1 + STAT_HIST + rax * 8]
%else
	inc qword [rcx + %1 + STAT_COUNT]
%endif
%endmacro

%macro FAST_RESUME 0
	pop rcx
	pop rdx
	pop rax
	vmresume
	jmp vmx_run.fail                    ; VMRESUME failed: [rsp] is the vCPU, as vmx_run expects
%endmacro

; The exit's trace entry, what exit_trace_record does in C, for an
; instruction of length %1 and reason %2. RAX = the TSC now (the entry's),
; RCX = vCPU, both kept; RDX clobbered. CPUID and VMCALL exits have no exit
; qualification (the CPU clears the field): 0 is written without reading it.
; The guest RIP was already advanced: less the length, it is the
; instruction's.
%macro FAST_TRACE 2
	mov rdx, [rcx + VCPU_TRACE_OFFSET]
	add qword [rcx + VCPU_TRACE_OFFSET], TRACE_ENTRY_SIZE
	and edx, TRACE_OFFSET_MASK
	add rdx, [rcx + VCPU_TRACE_RING]    ; RDX = this exit's entry
	mov [rdx + TE_ENTRY_TSC], rax
	mov rcx, [rcx + VCPU_EXIT_TSC]
	mov [rdx + TE_EXIT_TSC], rcx
	mov qword [rdx + TE_REASON], %2     ; and 0 in the reserved word after it
	mov ecx, VMCS_FIELD_GUEST_RIP
	vmread [rdx + TE_RIP], rcx
%ifidni %1, rax                         ; I/O: a qualification, and a length only the VMCS still holds
	mov ecx, VMCS_FIELD_EXIT_QUALIFICATION
	vmread [rdx + TE_QUAL], rcx
	mov ecx, VMCS_FIELD_EXIT_INSTRUCTION_LEN
	vmread rcx, rcx
	sub [rdx + TE_RIP], rcx
%else
	mov qword [rdx + TE_QUAL], 0
	sub qword [rdx + TE_RIP], %1
%endif
	mov rcx, [rsp + 24]
%endmacro

section .text
extern vmx_caps
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

; Stack while in the stub: [rsp] guest RDX, [rsp+8] guest RAX, [rsp+16] vCPU.
vmx_exit_entry:
	push rax
	push rdx
	cmp rax, HC_NULL_STUB_NR
	je .maybe_stub
.timed:
	rdtsc
	shl rdx, 32
	or rax, rdx
	mov rdx, [rsp + 16]             ; vCPU pointer pushed by vmx_run
	mov [rdx + VCPU_EXIT_TSC], rax
	cmp byte [rdx + VCPU_FASTPATH], 0
	jne .fast
.full:
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
	mov rdx, [rsp + 16]
	cmp byte [rdx + VCPU_IRQ_PENDING], 0
	jne .timed                          ; an interrupt to inject: only C enters then
	mov edx, VMCS_FIELD_EXIT_REASON
	vmread rax, rdx
	cmp eax, EXIT_REASON_VMCALL_NR
	jne .timed                          ; guest RAX and RDX are still on the stack
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

;; Fast path. In: RDX = vCPU, guest RAX/RDX on the stack, every other guest
;; register live. Anything it does not answer goes to .full with RDX intact,
;; and so does every exit while an interrupt waits for injection.
.fast:
	cmp byte [rdx + VCPU_IRQ_PENDING], 0
	jne .full
	mov eax, VMCS_FIELD_EXIT_REASON
	vmread rax, rax
	cmp eax, EXIT_REASON_CPUID_NR
	je .fast_cpuid
	cmp eax, EXIT_REASON_IO_NR
	je .fast_io
	cmp eax, EXIT_REASON_VMCALL_NR
	jne .full
	mov eax, VMCS_FIELD_GUEST_SS_AR     ; a hypercall is a VMCALL at CPL 0 (SS.DPL): C refuses the others
	vmread rax, rax
	test al, AR_DPL_MASK
	jnz .full
	cmp qword [rsp + 8], HC_NULL_NR
	je .hc_null
	cmp qword [rsp + 8], HC_VERSION_NR
	jne .full
	mov qword [rsp + 8], HC_VERSION_VALUE
	FAST_FINISH VCPU_STAT_VMCALL, VMCALL_INSN_LEN, EXIT_REASON_VMCALL_NR
.hc_null:
	mov qword [rsp + 8], 0              ; HC_NULL returns 0
	FAST_FINISH VCPU_STAT_VMCALL, VMCALL_INSN_LEN, EXIT_REASON_VMCALL_NR

.fast_cpuid:
	mov rax, [rsp + 8]                  ; EAX is the leaf; RCX (the subleaf) is still the guest's
	cmp eax, 32
	jae .cpuid_high
	bt dword [rel cpuid_fast_leaves], eax
	jnc .full
.cpuid_answer:
	cpuid
	mov [rsp + 8], rax
	mov [rsp], rdx
	FAST_FINISH VCPU_STAT_CPUID, CPUID_INSN_LEN, EXIT_REASON_CPUID_NR

.cpuid_high:                            ; above the highest basic leaf: the CPU answers with that one
	cmp eax, CPUID_HYPERVISOR_LEAVES
	jae .full
	cmp byte [rel vmx_caps + CAPS_CPUID_HIGH_FAST], 0
	jne .cpuid_answer
	jmp .full

.fast_io:
	mov eax, VMCS_FIELD_EXIT_QUALIFICATION
	vmread rax, rax
	push rcx
	cmp eax, (PMTIMER_PORT_NR << 16) | IO_QUAL_IN | IO_QUAL_SIZE4   ; IN EAX, DX from the PM timer
	je .io_pmtimer
	test al, IO_QUAL_SIZE_STRING
	jnz .io_slow
	mov rcx, [rdx + VCPU_DOM]
	add rcx, DOMAIN_UART                ; RCX = the domain's UART
	mov edx, eax
	shr edx, 16                         ; the port
	cmp edx, UART_PORT_SCR
	je .io_scr
	cmp edx, UART_PORT_LSR
	jne .io_slow
	test al, IO_QUAL_IN
	jz .io_slow
	cmp byte [rcx + UART_OFF_LSR_ERRORS], 0
	jne .io_slow                        ; reading clears latched errors: C does that
	mov dl, UART_LSR_IDLE
	cmp byte [rcx + UART_OFF_RX_COUNT], 0
	je .io_lsr
	or dl, UART_LSR_DATA_READY
.io_lsr:
	mov [rsp + 16], dl                  ; the guest's AL; the rest of RAX is kept
	jmp .io_finish
.io_scr:
	test al, IO_QUAL_IN
	jz .io_scr_write
	mov dl, [rcx + UART_OFF_SCR]
	mov [rsp + 16], dl
	jmp .io_finish
.io_scr_write:
	mov dl, [rsp + 16]
	mov [rcx + UART_OFF_SCR], dl
.io_finish:
	shr eax, IO_QUAL_IMM_SHIFT
	and eax, 1
	inc eax                             ; IN/OUT with DX is 1 byte, with an immediate port 2
	FAST_FINISH_PUSHED VCPU_STAT_IO, rax, EXIT_REASON_IO_NR
; The PM timer, a 32-bit read: floor((TSC - origin) * 3579545 / TSC Hz), the
; low 24 bits, as dev/pmtimer.c computes it. The quotient fits 64 bits, so
; DIV cannot fault, only while the TSC runs at least as fast as the timer.
.io_pmtimer:
	mov rcx, [rdx + VCPU_DOM]
	cmp qword [rcx + DOMAIN_PMT_HZ], PMTIMER_RATE
	jb .io_slow
	rdtsc
	shl rdx, 32
	or rax, rdx
	sub rax, [rcx + DOMAIN_PMT_ORIGIN]
	mov edx, PMTIMER_RATE
	mul rdx
	div qword [rcx + DOMAIN_PMT_HZ]
	and eax, PMTIMER_VALUE_MASK
	mov [rsp + 16], rax                 ; the guest's RAX: a 32-bit IN clears its upper half
	mov eax, 1                          ; IN EAX, DX is one byte
	FAST_FINISH_PUSHED VCPU_STAT_IO, rax, EXIT_REASON_IO_NR
.io_slow:
	pop rcx
	mov rdx, [rsp + 16]                 ; the vCPU, as .full expects
	jmp .full

section .rodata
cpuid_fast_leaves: dd CPUID_FAST_LEAVES

section .note.GNU-stack noalloc noexec nowrite progbits
