/*
 * CPUID: the host's answer, minus what a guest must not see or use (VMX, SMX,
 * MONITOR/MWAIT, which exit; XSAVE and the AVX families, whose state (XCR0,
 * the upper vector registers) the scheduler does not switch: it saves x87/SSE
 * and PKRU only; MPX, protection keys for supervisor pages (PKS) and the other
 * features whose MSRs are not emulated, so that a guest never meets a #GP it
 * was told it would not get: debug store, thermal and power (leaf 6
 * keeps only ARAT: the virtual APIC timer never stops), MTRRs, performance
 * monitoring, the speculation-control MSRs, and PAT where the VMCS cannot
 * switch it; vmx/msr_table.c is the other side), plus the hypervisor-present
 * bit and Hinoki's own leaves at 0x40000000, the range hypervisors
 * conventionally use. IA32_MISC_ENABLE's "limit CPUID maxval" and "XD bit
 * disable" act as on hardware (leaf 0's EAX at most 2, NX clear). Machine
 * check is offered whatever the host has, as an architecture with no bank.
 * Protection keys for user pages (PKU) are offered where the CPU has them,
 * with OSPKE saying the guest's own CR4.PKE (vmx/guest_pkeys.h): PKRU is
 * switched with the vCPU (vmx/fpu.c). x2APIC is offered whatever the host
 * has, unless the domain's config hides it: the virtual APIC's x2APIC mode
 * is the model's (dev/lapic_x2apic.c).
 * The APIC feature bit follows the
 * vCPU's IA32_APIC_BASE global enable, as the CPU's own does. APIC IDs are
 * the vCPU's (leaf 1 and the x2APIC topology leaves 0xB and 0x1F), never
 * the host CPU's.
 *
 * A leaf above the host's highest basic or extended leaf is answered, as the
 * CPU answers it, with the highest basic leaf's data: the same edits apply.
 *
 * Time: leaves 0x15 and 0x16 give the TSC rate the hypervisor measured (the
 * one in its own leaf 0x40000001), not the host CPU's nominal one, with the
 * core crystal clock equal to it: the virtual local APIC's timer counts at
 * the TSC rate, and a kernel takes the APIC timer's rate from the crystal.
 * So a guest needs no calibration against devices it may not have, and its
 * TSC, its APIC timer and the hypervisor agree. A rate that does not fit
 * leaf 0x15's 32 bits of hertz leaves it zero (not enumerated).
 *
 * The answers of leaves that ignore ECX are kept per vCPU
 * (vmx/cpuid_cache.h) until an input above that the guest can change
 * changes: IA32_MISC_ENABLE and IA32_APIC_BASE, whose writers clear them.
 */
#include "hinoki/hypercall.h"
#include "hw/cpuid.h"
#include "hw/msr.h"
#include "lib/x86.h"
#include "vmx/caps.h"
#include "vmx/cpuid_cache.h"
#include "vmx/exit.h"
#include "vmx/guest.h"
#include "vmx/guest_cr.h"
#include "vmx/guest_pkeys.h"

/* Out of line: the hot leaves are the host's. */
static __attribute__((noinline)) void hypervisor_leaf(struct vcpu *v, uint32_t leaf, uint64_t *r)
{
	static const char sig[12] = HINOKI_CPUID_SIGNATURE;
	uint32_t w[4] = { 0, 0, 0, 0 };   /* EAX, EBX, ECX, EDX */
	if (leaf == HINOKI_CPUID_BASE) {
		w[0] = HINOKI_CPUID_MAX_LEAF;
		__builtin_memcpy(&w[1], sig, sizeof sig);
	} else if (leaf == HINOKI_CPUID_MAX_LEAF) {
		w[0] = HINOKI_VERSION;
		w[1] = v->guest->id;
		w[2] = v->guest->tsc_khz;
	}
	r[GPR_RAX] = w[0];
	r[GPR_RBX] = w[1];
	r[GPR_RCX] = w[2];
	r[GPR_RDX] = w[3];
}

/* TSC = crystal * 1 / 1: the crystal is the TSC itself (see the top of the file). */
static void time_leaf_15(uint64_t tsc_khz, uint64_t *r)
{
	uint64_t hz = tsc_khz * 1000;
	bool fits = hz && hz <= UINT32_MAX;
	r[GPR_RAX] = r[GPR_RBX] = fits;
	r[GPR_RCX] = fits ? hz : 0;
	r[GPR_RDX] = 0;
}

/*
 * The policy's answer for (leaf, sub), written into the guest's registers
 * and edited there; false when the answer is another leaf's (one beyond the
 * host's highest reads as the highest basic leaf).
 */
static bool cpuid_policy(struct vcpu *v, uint32_t leaf, uint32_t sub, uint64_t *r)
{
	uint32_t asked = leaf;
	if ((leaf & 0xf0000000u) == HINOKI_CPUID_BASE) {
		hypervisor_leaf(v, leaf, r);
		return true;
	}
	cpuid64(leaf, sub, &r[GPR_RAX], &r[GPR_RBX], &r[GPR_RCX], &r[GPR_RDX]);
	if (leaf >= CPUID_LEAF_EXT_MAX ? leaf > vmx_caps.cpuid_max_ext : leaf > vmx_caps.cpuid_max_basic)
		leaf = vmx_caps.cpuid_max_basic;
	switch (leaf) {
	case CPUID_LEAF_BASIC_MAX:
		if ((v->misc_enable & MISC_ENABLE_LIMIT_CPUID) && r[GPR_RAX] > CPUID_LIMITED_MAX_LEAF)
			r[GPR_RAX] = CPUID_LIMITED_MAX_LEAF;
		break;
	case CPUID_LEAF_EXT_FEATURES:
		if (v->misc_enable & MISC_ENABLE_XD_BIT_DISABLE)
			r[GPR_RDX] &= ~(uint64_t)CPUID_80000001_EDX_NX;
		break;
	case CPUID_LEAF_FEATURES:
		r[GPR_RCX] &= ~(uint64_t)(CPUID_1_ECX_VMX | CPUID_1_ECX_SMX | CPUID_1_ECX_MONITOR |
		                          CPUID_1_ECX_XSAVE | CPUID_1_ECX_OSXSAVE | CPUID_1_ECX_AVX |
		                          CPUID_1_ECX_FMA | CPUID_1_ECX_F16C | CPUID_1_ECX_DTES64 |
		                          CPUID_1_ECX_DS_CPL | CPUID_1_ECX_EIST | CPUID_1_ECX_TM2 |
		                          CPUID_1_ECX_XTPR | CPUID_1_ECX_PDCM);
		/* The virtual APIC's TSC-deadline and x2APIC modes are software: offered whatever the host has. */
		r[GPR_RCX] |= CPUID_1_ECX_HYPERVISOR | CPUID_1_ECX_TSC_DEADLINE | CPUID_1_ECX_X2APIC;
		if (v->vlapic.x2apic_hidden)
			r[GPR_RCX] &= ~(uint64_t)CPUID_1_ECX_X2APIC;   /* config x2apic = 0 */
		r[GPR_RDX] &= ~(uint64_t)(CPUID_1_EDX_MTRR | CPUID_1_EDX_DS | CPUID_1_EDX_ACPI | CPUID_1_EDX_TM);
		r[GPR_RDX] |= CPUID_1_EDX_MCE | CPUID_1_EDX_MCA;   /* with no bank (vmx/msr_table.c) */
		if (!vlapic_hw_enabled(&v->vlapic))
			r[GPR_RDX] &= ~(uint64_t)CPUID_1_EDX_APIC;   /* as the CPU says of its own APIC */
		if (!vmx_has_guest_pat())
			r[GPR_RDX] &= ~(uint64_t)CPUID_1_EDX_PAT;
		r[GPR_RBX] = (r[GPR_RBX] & 0x00ffffffu) | (uint64_t)v->id << 24;   /* initial APIC ID = vCPU id */
		break;
	case CPUID_LEAF_STRUCT_EXT:
		if (sub == 0) {
			r[GPR_RBX] &= ~(uint64_t)(CPUID_7_EBX_AVX2 | CPUID_7_EBX_AVX512_ALL | CPUID_7_EBX_MPX);
			r[GPR_RCX] = cpuid7_ecx_for_guest((uint32_t)r[GPR_RCX], vmx_caps.pku,
			                                  vmx_caps.pku ? guest_cr4() : 0);
			r[GPR_RDX] &= ~(uint64_t)CPUID_7_EDX_SPEC_MSRS;
		}
		break;
	case CPUID_LEAF_TOPOLOGY:
	case CPUID_LEAF_TOPOLOGY_V2:
		r[GPR_RDX] = v->id;   /* x2APIC ID */
		break;
	case CPUID_LEAF_TSC:
		time_leaf_15(v->guest->tsc_khz, r);
		break;
	case CPUID_LEAF_FREQ:
		r[GPR_RAX] = r[GPR_RBX] = r[GPR_RCX] = v->guest->tsc_khz / 1000;   /* base, maximum, bus */
		r[GPR_RDX] = 0;
		break;
	case CPUID_LEAF_THERMAL:
		r[GPR_RAX] = CPUID_6_EAX_ARAT;
		r[GPR_RBX] = r[GPR_RCX] = r[GPR_RDX] = 0;
		break;
	case CPUID_LEAF_EXT_STATE:
	case CPUID_LEAF_PERFMON:
		r[GPR_RAX] = r[GPR_RBX] = r[GPR_RCX] = r[GPR_RDX] = 0;
		break;
	}
	return leaf == asked;
}

_Static_assert(GPR_RAX == 0 && GPR_RCX == 1 && GPR_RDX == 2 && GPR_RBX == 3, "the cache's order");

/* A leaf the cache does not hold: the policy's answer, kept where it may be. Out of line: most leaves are held. */
static __attribute__((noinline)) enum exit_action cpuid_by_policy(struct vcpu *v)
{
	uint64_t *r = v->gpr;
	uint32_t leaf = (uint32_t)r[GPR_RAX];
	cpuid_cache_put(&v->cpuid, leaf, cpuid_policy(v, leaf, (uint32_t)r[GPR_RCX], r), r);
	vcpu_skip_insn(v);
	return EXIT_RESUME;
}

enum exit_action exit_cpuid(struct vcpu *v)
{
	uint64_t *r = v->gpr;
	const uint32_t *kept = cpuid_cache_find(&v->cpuid, (uint32_t)r[GPR_RAX]);
	if (__builtin_expect(!kept, 0))
		return cpuid_by_policy(v);
	r[GPR_RAX] = kept[GPR_RAX];
	r[GPR_RCX] = kept[GPR_RCX];
	r[GPR_RDX] = kept[GPR_RDX];
	r[GPR_RBX] = kept[GPR_RBX];
	vcpu_skip_insn(v);
	return EXIT_RESUME;
}
