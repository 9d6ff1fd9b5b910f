/* The probes of probe.h and the one way they are run. */
#include "fmt.h"
#include "mem.h"
#include "probe.h"
#include "trap.h"

#define STR_(...) #__VA_ARGS__

/* fn runs the instruction encoded by the bytes; fn##_bytes holds the same bytes. */
#define DEFINE_PROBE(fn, ...)                                                        \
	static const uint8_t fn##_bytes[] = { __VA_ARGS__ };                             \
	static uintptr_t fn(struct probe_regs *r)                                        \
	{                                                                                \
		uintptr_t at;                                                                \
		__asm__ volatile("lea 1f(%%rip), %[at]\n1:\t.byte " STR_(__VA_ARGS__)        \
		                 : [at] "=&r"(at), "+a"(r->rax), "+c"(r->rcx), "+d"(r->rdx)  \
		                 : : "memory");                                              \
		return at;                                                                   \
	}

#define PROBE(fn, name) { name, fn##_bytes, sizeof fn##_bytes, fn }

DEFINE_PROBE(run_rdmsr, 0x0f, 0x32)                    /* rdmsr */
DEFINE_PROBE(run_wrmsr, 0x0f, 0x30)                    /* wrmsr */
DEFINE_PROBE(run_mov_cr4, 0x0f, 0x22, 0xe0)            /* mov cr4, rax */
DEFINE_PROBE(run_vmxon, 0xf3, 0x0f, 0xc7, 0x30)        /* vmxon [rax] */
DEFINE_PROBE(run_vmxoff, 0x0f, 0x01, 0xc4)             /* vmxoff */
DEFINE_PROBE(run_vmclear, 0x66, 0x0f, 0xc7, 0x30)      /* vmclear [rax] */
DEFINE_PROBE(run_vmptrld, 0x0f, 0xc7, 0x30)            /* vmptrld [rax] */
DEFINE_PROBE(run_vmptrst, 0x0f, 0xc7, 0x38)            /* vmptrst [rax] */
DEFINE_PROBE(run_vmread, 0x0f, 0x78, 0xc8)             /* vmread rax, rcx */
DEFINE_PROBE(run_vmwrite, 0x0f, 0x79, 0xc8)            /* vmwrite rcx, rax */
DEFINE_PROBE(run_vmlaunch, 0x0f, 0x01, 0xc2)           /* vmlaunch */
DEFINE_PROBE(run_vmresume, 0x0f, 0x01, 0xc3)           /* vmresume */
DEFINE_PROBE(run_invept, 0x66, 0x0f, 0x38, 0x80, 0x08) /* invept rcx, [rax] */
DEFINE_PROBE(run_invvpid, 0x66, 0x0f, 0x38, 0x81, 0x08)/* invvpid rcx, [rax] */
DEFINE_PROBE(run_vmfunc, 0x0f, 0x01, 0xd4)             /* vmfunc (EAX = function) */
DEFINE_PROBE(run_getsec, 0x0f, 0x37)                   /* getsec (EAX = leaf) */
DEFINE_PROBE(run_xsetbv, 0x0f, 0x01, 0xd1)             /* xsetbv (ECX = XCR, EDX:EAX) */

const struct probe probe_rdmsr = PROBE(run_rdmsr, "rdmsr");
const struct probe probe_wrmsr = PROBE(run_wrmsr, "wrmsr");
const struct probe probe_mov_cr4 = PROBE(run_mov_cr4, "mov cr4");

const struct probe probe_vmx[] = {
	PROBE(run_vmxon, "vmxon"),       PROBE(run_vmxoff, "vmxoff"),
	PROBE(run_vmclear, "vmclear"),   PROBE(run_vmptrld, "vmptrld"),
	PROBE(run_vmptrst, "vmptrst"),   PROBE(run_vmread, "vmread"),
	PROBE(run_vmwrite, "vmwrite"),   PROBE(run_vmlaunch, "vmlaunch"),
	PROBE(run_vmresume, "vmresume"), PROBE(run_invept, "invept"),
	PROBE(run_invvpid, "invvpid"),
};
const size_t probe_vmx_count = sizeof probe_vmx / sizeof probe_vmx[0];

const struct probe probe_vmfunc = PROBE(run_vmfunc, "vmfunc");
const struct probe probe_getsec = PROBE(run_getsec, "getsec");
const struct probe probe_xsetbv = PROBE(run_xsetbv, "xsetbv");

struct probe_result probe_run(const struct probe *p, struct probe_regs *r)
{
	struct probe_result res = { 0 };
	trap_expect(p->len);
	uintptr_t at = p->run(r);
	if (!trap_done())
		return res;
	res.faulted = true;
	res.vector = (unsigned)trap_last.vector;
	res.error_code = trap_last.error_code;
	res.at_insn = trap_last.rip == at && memcmp((const void *)at, p->bytes, p->len) == 0;
	return res;
}

void probe_describe(const struct probe_result *res, char *buf, size_t size)
{
	if (!res->faulted) {
		gsnprintf(buf, size, "no exception");
		return;
	}
	int n = gsnprintf(buf, size, "%s", trap_name(res->vector));
	if (res->error_code && n >= 0 && (size_t)n < size)
		n += gsnprintf(buf + n, size - (size_t)n, "(0x%lx)", res->error_code);
	if (!res->at_insn && n >= 0 && (size_t)n < size)
		gsnprintf(buf + n, size - (size_t)n, " away from the instruction");
}
