; Entry of a 32-bit Multiboot 1 guest, shared by every header variant (the
; header itself lives with each guest). The loader enters in protected mode
; with paging off, EAX = 0x2BADB002 and EBX = the information structure, but
; GDTR and ESP are undefined, so this sets up its own flat GDT and a stack in
; bss before calling mb_main(magic, info); mb_main's result goes to port 0xf4.

bits 32

; Segment descriptor fields (SDM "Segment Descriptors").
DESC_ACCESS_PRESENT  equ 0x80
DESC_ACCESS_CODEDATA equ 0x10   ; S: code or data, not system
DESC_ACCESS_EXEC     equ 0x08
DESC_ACCESS_RW       equ 0x02   ; readable code / writable data
DESC_FLAG_GRAN_4K    equ 0x8
DESC_FLAG_DB_32      equ 0x4

; A flat 4 GiB descriptor: base 0, limit 0xfffff pages.
%define FLAT_DESC(access) ((((DESC_FLAG_GRAN_4K | DESC_FLAG_DB_32) << 4 | 0xf) << 48) | ((access) << 40) | 0xffff)

SEL_CODE equ 0x08
SEL_DATA equ 0x10

STACK_SIZE equ 16384

section .text
global _start
extern mb_main
extern guest_exit

_start:
	cli
	cld
	mov esp, stack_top
	lgdt [gdt_pointer]
	jmp SEL_CODE:.flat
.flat:
	mov ecx, SEL_DATA
	mov ds, ecx
	mov es, ecx
	mov fs, ecx
	mov gs, ecx
	mov ss, ecx
	sub esp, 8              ; keep ESP 16-aligned at the call, as the i386 ABI wants
	push ebx                ; struct mb_info *
	push eax                ; magic
	call mb_main
	add esp, 16
	push eax
	call guest_exit         ; does not return
.hang:
	cli
	hlt
	jmp .hang

; In .data, not .rodata: loading a segment register sets the descriptor's accessed bit.
section .data
align 8
gdt:
	dq 0
	dq FLAT_DESC(DESC_ACCESS_PRESENT | DESC_ACCESS_CODEDATA | DESC_ACCESS_EXEC | DESC_ACCESS_RW)
	dq FLAT_DESC(DESC_ACCESS_PRESENT | DESC_ACCESS_CODEDATA | DESC_ACCESS_RW)
gdt_end:

align 4
gdt_pointer:
	dw gdt_end - gdt - 1
	dd gdt

section .bss
align 16
stack:
	resb STACK_SIZE
stack_top:
