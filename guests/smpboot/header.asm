; smpboot's Multiboot 1 header, and the real-mode code its second vCPU starts
; in. The bootstrap vCPU copies [sipi_start, sipi_end) to the page a STARTUP
; IPI names; the code runs there at CS:IP = page >> 4 : 0, so it addresses
; its own data through CS's base and jumps only relative.

%include "multiboot.inc"

MB_FLAGS equ MULTIBOOT_PAGE_ALIGN | MULTIBOOT_MEMORY_INFO

section .multiboot
align 4
	dd MULTIBOOT_HEADER_MAGIC
	dd MB_FLAGS
	dd -(MULTIBOOT_HEADER_MAGIC + MB_FLAGS)

AP_MAGIC        equ 0x50a11e5e   ; written once the code runs
CPUID_FEATURES  equ 1            ; leaf 1: EBX bits 31:24 = initial APIC ID
APIC_ID_SHIFT   equ 24

; Data, not text: it is copied, never run where it is linked.
section .rodata
bits 16
global sipi_start, sipi_end, sipi_apic_id, sipi_magic, sipi_spins
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
.spin:
	; The count shows the bootstrap vCPU that this one keeps running.
	inc dword [sipi_spins - sipi_start]
	pause
	jmp .spin
align 4
sipi_apic_id: dd 0
sipi_magic:   dd 0
sipi_spins:   dd 0
sipi_end:
