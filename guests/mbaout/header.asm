; mbaout's Multiboot 1 header with the a.out kludge: the image is a flat
; binary, so the header tells the loader where it goes. The file's first byte
; is load_addr; the header's offset in the file is header_addr - load_addr;
; the loader copies load_end_addr - load_addr bytes, zeroes up to
; bss_end_addr and jumps to entry_addr. The addresses come from link.ld.

%include "multiboot.inc"

MB_FLAGS equ MULTIBOOT_PAGE_ALIGN | MULTIBOOT_MEMORY_INFO | MULTIBOOT_AOUT_KLUDGE

extern __load_start, __load_end, __bss_end, _start

section .multiboot
align 4
multiboot_header:
	dd MULTIBOOT_HEADER_MAGIC
	dd MB_FLAGS
	dd -(MULTIBOOT_HEADER_MAGIC + MB_FLAGS)
	dd multiboot_header     ; header_addr
	dd __load_start         ; load_addr
	dd __load_end           ; load_end_addr
	dd __bss_end            ; bss_end_addr
	dd _start               ; entry_addr

; The name mb_main prints its lines under.
section .rodata
global mb_guest_name
mb_guest_name: db "mbaout", 0
