; drcheck's Multiboot 1 header: an ELF32 kernel, so only the magic, the
; flags (page-aligned modules, memory information) and the checksum.

%include "multiboot.inc"

MULTIBOOT_ELF_HEADER MULTIBOOT_PAGE_ALIGN | MULTIBOOT_MEMORY_INFO
