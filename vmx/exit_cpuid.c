/*
 * CPUID: the host's answer, minus what a guest must not see or use (VMX, SMX,
 * MONITOR/MWAIT, which exit; XSAVE, the AVX families and protection keys,
 * whose state (XCR0, the upper vector registers, PKRU) the scheduler does not
 * switch: it saves x87/SSE only; MPX and the other features whose MSRs are
 * not emulated, so that a guest never meets a #GP it was told it would not
 * get: x2APIC, TSC-deadline, debug store, thermal and power, performance
 * monitoring, the speculation-control MSRs), plus the
 * hypervisor-present bit and Hinoki's own leaves at 0x40000000, the range
 * hypervisors conventionally use. APIC IDs are the vCPU's (leaf 1 and the
 * x2APIC topology leaves 0xB and 0x1F), never the host CPU's.
 *
 * A leaf above the host's highest basic or extended leaf is answered, as the
 * CPU answers it, with the highest basic leaf's data: the same edits apply.
 */
#include "hinoki/hypercall.h"
#include "hw/cpuid.h"
#include "lib/x86.h"
#include "vmx/caps.h"
#include "vmx/exit.h"
#include "vmx/guest.h"

static void hypervisor_leaf(struct vcpu *v, uint32_t leaf, uint32_t *a, uint32_t *b, uint32_t *c, uint32_t *d)
{
	static const char sig[12] = HINOKI_CPUID_SIGNATURE;
	*a = *b = *c = *d = 0;
	if (leaf == HINOKI_CPUID_BASE) {
		*a = HINOKI_CPUID_MAX_LEAF;
		__builtin_memcpy(b, sig, 4);
		__builtin_memcpy(c, sig + 4, 4);
		__builtin_memcpy(d, sig + 8, 4);
	} else if (leaf == HINOKI_CPUID_MAX_LEAF) {
		*a = HINOKI_VERSION;
		*b = v->guest->id;
		*c = v->guest->tsc_khz;
	}
}

enum exit_action exit_cpuid(struct vcpu *v)
{
	uint32_t leaf = (uint32_t)v->gpr[GPR_RAX], sub = (uint32_t)v->gpr[GPR_RCX];
	uint32_t a, b, c, d;

	if ((leaf & 0xf0000000u) == HINOKI_CPUID_BASE) {
		hypervisor_leaf(v, leaf, &a, &b, &c, &d);
	} else {
		cpuid(leaf, sub, &a, &b, &c, &d);
		if (leaf >= CPUID_LEAF_EXT_MAX ? leaf > vmx_caps.cpuid_max_ext : leaf > vmx_caps.cpuid_max_basic)
			leaf = vmx_caps.cpuid_max_basic;
		if (leaf == CPUID_LEAF_FEATURES) {
			c &= ~(uint32_t)(CPUID_1_ECX_VMX | CPUID_1_ECX_SMX | CPUID_1_ECX_MONITOR |
			                 CPUID_1_ECX_XSAVE | CPUID_1_ECX_OSXSAVE | CPUID_1_ECX_AVX |
			                 CPUID_1_ECX_FMA | CPUID_1_ECX_F16C | CPUID_1_ECX_DTES64 |
			                 CPUID_1_ECX_DS_CPL | CPUID_1_ECX_EIST | CPUID_1_ECX_TM2 |
			                 CPUID_1_ECX_XTPR | CPUID_1_ECX_PDCM | CPUID_1_ECX_X2APIC |
			                 CPUID_1_ECX_TSC_DEADLINE);
			c |= (uint32_t)CPUID_1_ECX_HYPERVISOR;
			b = (b & 0x00ffffffu) | (v->id << 24);   /* initial APIC ID = vCPU id */
		} else if (leaf == CPUID_LEAF_STRUCT_EXT && sub == 0) {
			b &= ~(uint32_t)(CPUID_7_EBX_AVX2 | CPUID_7_EBX_AVX512_ALL | CPUID_7_EBX_MPX);
			c &= ~(uint32_t)(CPUID_7_ECX_AVX512_ALL | CPUID_7_ECX_PKU | CPUID_7_ECX_OSPKE);
			d &= ~(uint32_t)CPUID_7_EDX_SPEC_MSRS;
		} else if (leaf == CPUID_LEAF_TOPOLOGY || leaf == CPUID_LEAF_TOPOLOGY_V2) {
			d = v->id;   /* x2APIC ID */
		} else if (leaf == CPUID_LEAF_EXT_STATE || leaf == CPUID_LEAF_PERFMON) {
			a = b = c = d = 0;
		}
	}
	v->gpr[GPR_RAX] = a;
	v->gpr[GPR_RBX] = b;
	v->gpr[GPR_RCX] = c;
	v->gpr[GPR_RDX] = d;
	vcpu_skip_insn(v);
	return EXIT_RESUME;
}
