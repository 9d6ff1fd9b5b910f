; mbhello's Multiboot 1 header: an ELF32 kernel, so only the magic, the
; flags (page-aligned modules, memory information) and the checksum.

%include "multiboot.inc"

MULTIBOOT_ELF_HEADER MULTIBOOT_PAGE_ALIGN | MULTIBOOT_MEMORY_INFO

; The name mb_main prints its lines under.
section .rodata
global mb_guest_name
mb_guest_name: db "mbhello", 0
