; The timer storm's interrupt handler: counts the tick and, once the TSC
; has passed storm_deadline, masks the local APIC timer's LVT entry, so that
; a storm with interrupts on ends even though the interrupted code can no
; longer run (a count-1 periodic timer is due again by the IRETQ, on
; hardware too). Then EOI. RAX, RCX and RDX are saved.

bits 64
default rel

%define APIC_LVT_TIMER 0xfee00320
%define APIC_EOI       0xfee000b0
%define LVT_MASKED     0x10000

section .bss
align 8
global storm_ticks, storm_deadline, storm_vector
storm_ticks:    resq 1
storm_deadline: resq 1
storm_vector:   resd 1

section .text
global storm_tick
storm_tick:
	push rax
	push rcx
	push rdx
	lock inc qword [storm_ticks]
	rdtsc
	shl rdx, 32
	or rax, rdx
	cmp rax, [storm_deadline]
	jb .eoi
	mov eax, [storm_vector]
	or eax, LVT_MASKED
	mov rcx, APIC_LVT_TIMER
	mov [rcx], eax
.eoi:
	mov rcx, APIC_EOI
	mov dword [rcx], 0
	pop rdx
	pop rcx
	pop rax
	iretq
