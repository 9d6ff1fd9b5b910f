; Interrupt handlers of 64-bit Hinoki guests for IRQ_VEC_A and IRQ_VEC_B
; (irq.h): count, TSC at entry, EOI to the xAPIC at 0xFEE00000 unless
; irq_hold_eoi is set, IRETQ. RAX, RDX and RCX are saved and restored, and
; no flag the interrupted code sees changes (IRETQ restores RFLAGS).

bits 64
default rel

%define APIC_EOI 0xfee000b0

section .bss
align 8
global irq_count, irq_entry_tsc, irq_hold_eoi
irq_count:     resq 2
irq_entry_tsc: resq 2
irq_hold_eoi:  resb 1

section .text

%macro IRQ_STUB 2
global %1
%1:
	push rax
	push rdx
	rdtsc
	shl rdx, 32
	or rax, rdx
	mov [irq_entry_tsc + 8 * %2], rax
	lock inc qword [irq_count + 8 * %2]
	cmp byte [irq_hold_eoi], 0
	jne %%held
	mov rax, APIC_EOI
	mov dword [rax], 0
%%held:
	pop rdx
	pop rax
	iretq
%endmacro

IRQ_STUB irq_stub_a, 0
IRQ_STUB irq_stub_b, 1
