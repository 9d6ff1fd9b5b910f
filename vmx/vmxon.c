/*
 * Entering VMX operation (Intel SDM "Enabling and Entering VMX Operation"):
 * IA32_FEATURE_CONTROL must allow VMX outside SMX (lock it so when the
 * firmware left it unlocked), CR0/CR4 must satisfy the fixed-bit MSRs, and
 * VMXON takes a 4 KiB region stamped with the VMCS revision identifier.
 */
#include "cpu/pcpu.h"
#include "hw/cpuid.h"
#include "hw/cr.h"
#include "hw/msr.h"
#include "lib/log.h"
#include "lib/string.h"
#include "lib/x86.h"
#include "vmx/caps.h"
#include "vmx/vmx_ops.h"
#include "vmx/vmxon.h"

const char *vmx_unavailable_reason(void)
{
	uint32_t a, b, c, d;
	cpuid(CPUID_LEAF_FEATURES, 0, &a, &b, &c, &d);
	if (!(c & CPUID_1_ECX_VMX))
		return "VT-x not available: CPUID.1:ECX.VMX[bit 5] is 0 (no VMX in this CPU, "
		       "or the hypervisor below does not expose it)";
	uint64_t fc = rdmsr(MSR_IA32_FEATURE_CONTROL);
	if ((fc & FEATURE_CONTROL_LOCK) && !(fc & FEATURE_CONTROL_VMX_OUTSIDE_SMX))
		return "VT-x not available: IA32_FEATURE_CONTROL is locked with VMX disabled "
		       "(enable Intel Virtualization Technology in the firmware setup)";
	return 0;
}

int vmx_enable(struct pcpu *cpu)
{
	uint64_t fc = rdmsr(MSR_IA32_FEATURE_CONTROL);
	if (!(fc & FEATURE_CONTROL_LOCK)) {
		wrmsr(MSR_IA32_FEATURE_CONTROL, fc | FEATURE_CONTROL_VMX_OUTSIDE_SMX | FEATURE_CONTROL_LOCK);
	} else if (!(fc & FEATURE_CONTROL_VMX_OUTSIDE_SMX)) {
		log_err("cpu%u: IA32_FEATURE_CONTROL locked with VMX off\n", cpu->id);
		return -1;
	}

	uint64_t cr0 = (read_cr0() | vmx_caps.cr0_fixed0) & vmx_caps.cr0_fixed1;
	uint64_t cr4 = (read_cr4() | vmx_caps.cr4_fixed0 | CR4_VMXE) & vmx_caps.cr4_fixed1;
	/*
	 * CR4.PKE only so that the scheduler can switch the guests' PKRU with
	 * RDPKRU and WRPKRU (vmx/fpu.c); the VMCS's host CR4 (read from here)
	 * keeps it on across exits. It changes nothing for the hypervisor: PKRU
	 * governs user-mode addresses only, and every page of its own map is a
	 * supervisor page (mm/paging.c), so whichever guest's PKRU the CPU holds
	 * during an exit, no access of the hypervisor is checked against it.
	 * Until the first guest runs, PKRU is 0 (its reset value), which denies
	 * nothing on the firmware's map either.
	 */
	if (vmx_caps.pku)
		cr4 |= CR4_PKE;
	write_cr0(cr0);
	write_cr4(cr4);

	memset(cpu->vmxon_region, 0, sizeof cpu->vmxon_region);
	*(uint32_t *)cpu->vmxon_region = vmx_caps.revision;
	if (vmxon((uint64_t)(uintptr_t)cpu->vmxon_region)) {
		log_err("cpu%u: VMXON failed\n", cpu->id);
		return -1;
	}
	return 0;
}
