/*
 * Host tests for the protection-key policy (vmx/guest_pkeys.h): PKU offered
 * only with both the CPUID bit and CR4.PKE allowed in VMX operation; CR4.PKE
 * reserved without it and the guest's own bit with it, CR4.PKS, VMXE, SMXE
 * and OSXSAVE reserved either way; CPUID.(7,0):ECX with PKU as offered,
 * OSPKE following the guest's CR4.PKE and never the host's, PKS, AVX-512
 * cleared and the other bits passed on.
 */
#include "vmx/guest_pkeys.h"
#include "check.h"

#define FIXED1_WITH_PKE    (0x3727ffULL | CR4_PKE)   /* a CPU's CR4_FIXED1 with PKE allowed */
#define FIXED1_WITHOUT_PKE 0x3727ffULL                /* as Bochs' Skylake-X model's */
#define OTHER_ECX          (BIT(2) | BIT(22))        /* UMIP, RDPID: passed on */

static void test_offerable(void)
{
	CHECK(pku_offerable(CPUID_7_ECX_PKU, FIXED1_WITH_PKE));
	CHECK(pku_offerable(CPUID_7_ECX_PKU | CPUID_7_ECX_OSPKE | CPUID_7_ECX_PKS, FIXED1_WITH_PKE));
	CHECK(!pku_offerable(0, FIXED1_WITH_PKE));
	CHECK(!pku_offerable(CPUID_7_ECX_PKU, FIXED1_WITHOUT_PKE));
	CHECK(!pku_offerable(CPUID_7_ECX_OSPKE | CPUID_7_ECX_PKS, FIXED1_WITH_PKE));
}

static void test_cr4_hidden(void)
{
	const uint64_t always = CR4_VMXE | CR4_SMXE | CR4_OSXSAVE | CR4_PKS;
	CHECK_EQ(cr4_hidden_features(false), always | CR4_PKE);
	CHECK_EQ(cr4_hidden_features(true), always);
	/* Nothing a guest is always allowed to set is among them. */
	const uint64_t plain = CR4_PAE | CR4_PGE | CR4_OSFXSR | CR4_OSXMMEXCPT | CR4_SMEP | CR4_SMAP | CR4_PCIDE;
	CHECK_EQ(cr4_hidden_features(false) & plain, 0);
}

static void test_cpuid_without_pku(void)
{
	uint32_t host = CPUID_7_ECX_PKU | CPUID_7_ECX_OSPKE | CPUID_7_ECX_PKS | CPUID_7_ECX_AVX512_ALL | OTHER_ECX;
	CHECK_EQ(cpuid7_ecx_for_guest(host, false, 0), OTHER_ECX);
	CHECK_EQ(cpuid7_ecx_for_guest(host, false, CR4_PKE), OTHER_ECX);
}

static void test_cpuid_with_pku(void)
{
	/* The host's CR4.PKE is on (for RDPKRU), so its OSPKE is too: the guest's CR4 decides. */
	uint32_t host = CPUID_7_ECX_PKU | CPUID_7_ECX_OSPKE | CPUID_7_ECX_PKS | CPUID_7_ECX_AVX512_ALL | OTHER_ECX;
	CHECK_EQ(cpuid7_ecx_for_guest(host, true, CR4_PAE), OTHER_ECX | CPUID_7_ECX_PKU);
	CHECK_EQ(cpuid7_ecx_for_guest(host, true, CR4_PAE | CR4_PKE), OTHER_ECX | CPUID_7_ECX_PKU | CPUID_7_ECX_OSPKE);
	/* PKS is never said, whatever the guest's CR4. */
	CHECK_EQ(cpuid7_ecx_for_guest(CPUID_7_ECX_PKS, true, CR4_PKE | CR4_PKS) & CPUID_7_ECX_PKS, 0);
}

int main(void)
{
	RUN(test_offerable);
	RUN(test_cr4_hidden);
	RUN(test_cpuid_without_pku);
	RUN(test_cpuid_with_pku);
	return CHECK_EXIT();
}
