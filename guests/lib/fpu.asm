; XMM0-XMM15 to and from memory for 64-bit Hinoki guests, so C code built
; without SSE can set a register pattern, make hypercalls or take exits, and
; read the pattern back. Needs sse_enable() (cpu.h) first.

bits 64
default rel

section .text

; void xmm_load_all(const void *src = rdi)   256 bytes, XMM0 first
global xmm_load_all
xmm_load_all:
%assign i 0
%rep 16
	movdqu xmm %+ i, [rdi + i * 16]
%assign i i + 1
%endrep
	ret

; void xmm_store_all(void *dst = rdi)
global xmm_store_all
xmm_store_all:
%assign i 0
%rep 16
	movdqu [rdi + i * 16], xmm %+ i
%assign i i + 1
%endrep
	ret
