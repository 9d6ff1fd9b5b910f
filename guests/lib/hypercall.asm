; The VMCALL gate for 64-bit Hinoki guests: moves the System V arguments into
; the hypercall registers (RAX, RDI, RSI, RDX, R10), executes VMCALL and
; returns RAX. Only caller-saved registers are touched.

bits 64
default rel

section .text

; long hc_call(nr = rdi, a0 = rsi, a1 = rdx, a2 = rcx, a3 = r8)
global hc_call
hc_call:
	mov rax, rdi
	mov rdi, rsi
	mov rsi, rdx
	mov rdx, rcx
	mov r10, r8
	vmcall
	ret
