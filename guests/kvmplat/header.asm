; kvmplat's Multiboot 1 header: an ELF32 kernel, so only the magic, the
; flags (page-aligned modules, memory information) and the checksum, as
; kvm-unit-tests' x86 kernels carry.

%include "multiboot.inc"

MB_FLAGS equ MULTIBOOT_PAGE_ALIGN | MULTIBOOT_MEMORY_INFO

section .multiboot
align 4
	dd MULTIBOOT_HEADER_MAGIC
	dd MB_FLAGS
	dd -(MULTIBOOT_HEADER_MAGIC + MB_FLAGS)
