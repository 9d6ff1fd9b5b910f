; kvmplat's Multiboot 1 header: an ELF32 kernel, so only the magic, the
; flags (page-aligned modules, memory information) and the checksum, as
; kvm-unit-tests' x86 kernels carry.

%include "multiboot.inc"

MULTIBOOT_ELF_HEADER MULTIBOOT_PAGE_ALIGN | MULTIBOOT_MEMORY_INFO
