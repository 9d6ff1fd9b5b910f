; The attack guest's NMI handler: counts the NMI for the vCPU that took it
; (its APIC ID, read from the xAPIC at 0xFEE00000, indexes nmi_count) and
; returns. RAX is saved; IRETQ restores the flags.

bits 64
default abs

%define APIC_ID_REG 0xfee00020
%define NMI_SLOTS 8

section .bss
align 8
global nmi_count
nmi_count: resq NMI_SLOTS

section .text
global nmi_stub
nmi_stub:
	push rax
	mov rax, APIC_ID_REG
	mov eax, [rax]
	shr eax, 24
	and eax, NMI_SLOTS - 1
	lock inc qword [nmi_count + rax * 8]
	pop rax
	iretq
