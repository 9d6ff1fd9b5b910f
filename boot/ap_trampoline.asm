; The first instructions of an application processor. A Startup IPI starts
; a CPU in real mode at vector * 4 KiB, so boot/smp.c copies everything from
; ap_trampoline_start to ap_trampoline_end into one page below 1 MiB and sends
; that page's number as the vector. From there: real mode -> 32-bit protected
; mode (flat, no paging) -> PAE + EFER.LME + paging with the host's CR3 ->
; 64-bit mode -> call the 64-bit entry with the per-CPU pointer in RDI, on the
; per-CPU stack (Intel SDM "Initializing IA-32e Mode").
;
; The code holds no absolute address: the page is found from CS, and every
; reference is an offset from ap_trampoline_start, so it runs in whatever page
; it is copied to and needs no relocation. The parameter block at the end is
; filled by the BSP before each Startup IPI; C finds each field as
; (ap_param_X - ap_trampoline_start), never as a written-out number.
bits 16
section .text

global ap_trampoline_start, ap_trampoline_end
global ap_param_cr3, ap_param_efer, ap_param_entry, ap_param_stack, ap_param_pcpu

%define CR0_PE        (1 << 0)
%define CR0_PG        (1 << 31)
%define CR4_PAE       (1 << 5)
%define MSR_IA32_EFER 0xc0000080
%define PAGE_SIZE     4096

; Flat descriptors (Intel SDM "Segment Descriptors"): base 0, limit 4 GiB.
%define DESC_TYPE(t)  ((t) << 40)
%define DESC_S        (1 << 44)
%define DESC_P        (1 << 47)
%define DESC_L        (1 << 53)
%define DESC_DB       (1 << 54)
%define DESC_G        (1 << 55)
%define DESC_LIMIT_4G (0xffff | (0xf << 48))
%define SEG_TYPE_CODE_XR 0xa
%define SEG_TYPE_DATA_RW 0x2

SEL_CODE32 equ 1 * 8
SEL_DATA   equ 2 * 8
SEL_CODE64 equ 3 * 8

%define OFF(label) ((label) - ap_trampoline_start)

ap_trampoline_start:
	cli
	cld
	mov ax, cs
	mov ds, ax
	mov ss, ax
	mov sp, PAGE_SIZE               ; scratch stack at the top of the trampoline page
	movzx ebx, ax
	shl ebx, 4                      ; EBX = linear address of the page, kept to the end

	; The GDT's linear address depends on the page: complete the GDTR here.
	lea eax, [ebx + OFF(gdt)]
	mov [OFF(gdtr) + 2], eax
	o32 lgdt [OFF(gdtr)]

	mov eax, cr0
	or eax, CR0_PE
	mov cr0, eax
	; A far return loads CS from the new GDT; its target, too, depends on the page.
	push dword SEL_CODE32
	lea eax, [ebx + OFF(protected32)]
	push eax
	o32 retf

bits 32
protected32:
	mov ax, SEL_DATA
	mov ds, ax
	mov es, ax
	mov ss, ax
	lea esp, [ebx + PAGE_SIZE]

	mov eax, cr4
	or eax, CR4_PAE
	mov cr4, eax
	; The host PML4 is allocated below 4 GiB (mm/paging.c): a 32-bit CR3 reaches it.
	mov eax, [ebx + OFF(ap_param_cr3)]
	mov cr3, eax
	mov ecx, MSR_IA32_EFER
	mov eax, [ebx + OFF(ap_param_efer)]
	mov edx, [ebx + OFF(ap_param_efer) + 4]
	wrmsr                           ; the BSP's EFER: LME (and NXE, SCE as it has them)
	mov eax, cr0
	or eax, CR0_PG | CR0_PE
	mov cr0, eax                    ; IA-32e mode, compatibility submode

	push SEL_CODE64
	lea eax, [ebx + OFF(long64)]
	push eax
	retf

bits 64
long64:
	mov ebx, ebx                    ; upper halves are undefined after the mode switch
	mov ax, SEL_DATA
	mov ds, ax
	mov es, ax
	mov ss, ax
	mov rsp, [rbx + OFF(ap_param_stack)]
	mov rdi, [rbx + OFF(ap_param_pcpu)]
	mov rax, [rbx + OFF(ap_param_entry)]
	xor ebp, ebp
	call rax                        ; ap_entry(struct pcpu *): never returns
.hang:
	cli
	hlt
	jmp .hang

align 8
gdt:
	dq 0
	dq DESC_TYPE(SEG_TYPE_CODE_XR) | DESC_S | DESC_P | DESC_DB | DESC_G | DESC_LIMIT_4G
	dq DESC_TYPE(SEG_TYPE_DATA_RW) | DESC_S | DESC_P | DESC_DB | DESC_G | DESC_LIMIT_4G
	dq DESC_TYPE(SEG_TYPE_CODE_XR) | DESC_S | DESC_P | DESC_L | DESC_G | DESC_LIMIT_4G
gdt_end:

align 4
	dw 0                            ; pads the GDTR so its base is 4-byte aligned
gdtr:
	dw gdt_end - gdt - 1
	dd 0                            ; base, written above

; Parameter block, filled by boot/smp.c for one AP at a time.
align 8
ap_param_cr3:   dq 0                ; host PML4, below 4 GiB
ap_param_efer:  dq 0                ; EFER to load before paging (LMA clear)
ap_param_entry: dq 0                ; 64-bit C entry, ap_entry()
ap_param_stack: dq 0                ; top of the AP's host stack (16-byte aligned)
ap_param_pcpu:  dq 0                ; its struct pcpu, the entry's argument
ap_trampoline_end:

section .note.GNU-stack noalloc noexec nowrite progbits
