; smpboot's Multiboot 1 header, and the code its second vCPU starts in. The
; bootstrap vCPU copies [sipi_start, sipi_end) to SIPI_PAGE, the page its
; STARTUP IPI names; the code starts there in real mode at CS:IP =
; page >> 4 : 0 and addresses its own data through CS's base, then, with
; flat segments, through absolute addresses in the copy (AT()).

%include "multiboot.inc"

MULTIBOOT_ELF_HEADER MULTIBOOT_PAGE_ALIGN | MULTIBOOT_MEMORY_INFO

AP_MAGIC        equ 0x50a11e5e   ; written once the code runs
LONG_MAGIC      equ 0x10e6a0de   ; written once it runs in 64-bit mode
CPUID_FEATURES  equ 1            ; leaf 1: EBX bits 31:24 = initial APIC ID
APIC_ID_SHIFT   equ 24
SIPI_PAGE       equ 0x8000       ; where main.c copies the code (SIPI vector 0x08)
CR0_PE          equ 1 << 0
CR0_PG          equ 1 << 31
CR4_PAE         equ 1 << 5
MSR_EFER        equ 0xc0000080
EFER_LME        equ 1 << 8
SEL_CODE32      equ 0x08         ; the GDT below
SEL_DATA        equ 0x10
SEL_CODE64      equ 0x18
APIC_SVR        equ 0xfee000f0   ; mapped by main.c's page tables
APIC_EOI        equ 0xfee000b0
SVR_ENABLED     equ 0x1ff        ; software-enabled, spurious vector 0xff
IPI_VECTOR      equ 0x50         ; main.c sends it
GATE_INT64      equ 0x8e         ; present, DPL 0, 64-bit interrupt gate

; The address of a trampoline label in the copy the AP runs.
%define AT(label) (SIPI_PAGE + (label) - sipi_start)

; Data, not text: it is copied, never run where it is linked. The AP then
; goes on as kvm-unit-tests' APs do: GDT, protected mode, PAE paging with the
; page tables main.c built (sipi_cr3), EFER.LME, paging on: IA-32e mode, where
; it records EFER and spins; when main.c sets sipi_halt it halts with
; interrupts on, counting HLT returns and the interrupts it takes.
section .rodata
bits 16
global sipi_start, sipi_end, sipi_apic_id, sipi_magic, sipi_spins, sipi_cr3, sipi_long_magic, sipi_efer
global sipi_halt, sipi_hlt_returns, sipi_irqs
align 16
sipi_start:
	cli
	mov ax, cs
	mov ds, ax
	mov eax, CPUID_FEATURES
	cpuid
	shr ebx, APIC_ID_SHIFT
	mov [sipi_apic_id - sipi_start], ebx
	mov dword [sipi_magic - sipi_start], AP_MAGIC
	lgdt [sipi_gdtr - sipi_start]
	mov eax, cr0
	or eax, CR0_PE
	mov cr0, eax
	jmp dword SEL_CODE32:AT(.pm32)
bits 32
.pm32:
	mov ax, SEL_DATA
	mov ds, ax
	mov es, ax
	mov ss, ax
	mov eax, cr4
	or eax, CR4_PAE
	mov cr4, eax
	mov eax, [AT(sipi_cr3)]
	mov cr3, eax
	mov ecx, MSR_EFER
	rdmsr
	or eax, EFER_LME
	wrmsr
	mov eax, cr0
	or eax, CR0_PG
	mov cr0, eax
	jmp SEL_CODE64:AT(.long)
bits 64
.long:
	mov ecx, MSR_EFER
	rdmsr
	mov [abs AT(sipi_efer)], eax
	mov esp, AT(sipi_stack_top)
	lidt [abs AT(sipi_idtr)]
	mov eax, APIC_SVR
	mov dword [rax], SVR_ENABLED
	mov dword [abs AT(sipi_long_magic)], LONG_MAGIC
.spin:
	; The count shows the bootstrap vCPU that this one keeps running.
	inc dword [abs AT(sipi_spins)]
	pause
	cmp dword [abs AT(sipi_halt)], 0
	je .spin
.halt:
	sti
	hlt
	inc dword [abs AT(sipi_hlt_returns)]
	jmp .halt
.irq:
	push rax
	inc dword [abs AT(sipi_irqs)]
	mov eax, APIC_EOI
	mov dword [rax], 0
	pop rax
	iretq
align 8
sipi_gdt:
	dq 0
	dq 0x00cf9a000000ffff            ; SEL_CODE32: flat 32-bit code
	dq 0x00cf92000000ffff            ; SEL_DATA: flat data
	dq 0x00af9a000000ffff            ; SEL_CODE64: 64-bit code
sipi_gdtr:
	dw sipi_gdtr - sipi_gdt - 1
	dd AT(sipi_gdt)
align 16
sipi_idt:                                ; vectors below IPI_VECTOR: not present
	times IPI_VECTOR * 16 db 0
	dw AT(sipi_start.irq) & 0xffff                 ; IPI_VECTOR's gate: offset 15:0
	dw SEL_CODE64
	db 0, GATE_INT64
	dw AT(sipi_start.irq) >> 16                    ; offset 31:16
	dd 0, 0                              ; offset 63:32, reserved
sipi_idtr:
	dw sipi_idtr - sipi_idt - 1
	dq AT(sipi_idt)
align 16
	times 256 db 0
sipi_stack_top:
align 4
sipi_apic_id:    dd 0
sipi_magic:      dd 0
sipi_spins:      dd 0
sipi_cr3:        dd 0
sipi_long_magic: dd 0
sipi_efer:       dd 0
sipi_halt:       dd 0
sipi_hlt_returns: dd 0
sipi_irqs:       dd 0
sipi_end:
