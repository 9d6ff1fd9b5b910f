/*
 * EPT violations and misconfigurations. A violation outside the guest RAM
 * the EPT maps (beyond its end, or in the platform's hole below 1 MiB, the
 * VGA window) is an access to a device on the domain's bus, carried out by
 * vmx/mmio_emulate.c, or, claimed by none, stops the domain with the
 * address and the kind of access.
 */
#include "dev/bus.h"
#include "hw/ept.h"
#include "lib/log.h"
#include "vmx/exit.h"
#include "vmx/guest.h"
#include "vmx/vmx.h"
#include "vmx/vmx_ops.h"

enum exit_action exit_ept_violation(struct vcpu *v)
{
	uint64_t gpa = vmcs_read64(VMCS_GUEST_PHYSICAL_ADDRESS);
	uint64_t q = exit_qual();
	exit_set_key(v, (uint32_t)(gpa >> 12));
	const struct bus_range *r = vcpu_mmio_find(v, gpa);
	if (r) {
		uint64_t rip = vmcs_readnat(VMCS_GUEST_RIP);
		if (ept_qual_is_fetch(q))
			return exit_stop(v, "MMIO instruction fetch at 0x%lx (%s): code cannot run from a device "
			                 "at rip 0x%lx", gpa, r->kind->name, rip);
		if (ept_qual_gla_valid(q) && !(q & EPT_QUAL_GLA_TRANSLATED))
			return exit_stop(v, "MMIO %s at 0x%lx (%s): guest page tables in device memory at rip 0x%lx",
			                 ept_qual_is_write(q) ? "write" : "read", gpa, r->kind->name, rip);
		/* The access was the delivery of an event (a stack or descriptor table in device memory), not RIP's. */
		uint32_t vectoring = vmcs_read32(VMCS_IDT_VECTORING_INFO);
		if (vectoring & INTR_INFO_VALID)
			return exit_stop(v, "MMIO %s at 0x%lx (%s) while delivering vector %u: event delivery through "
			                 "device memory is not emulated, at rip 0x%lx", ept_qual_is_write(q) ? "write" : "read",
			                 gpa, r->kind->name, vectoring & INTR_INFO_VECTOR_MASK, rip);
		return vcpu_emulate_mmio(v, gpa, ept_qual_is_write(q));
	}
	const char *what = ept_qual_is_fetch(q) ? "instruction fetch" : ept_qual_is_write(q) ? "write" : "read";
	return exit_stop(v, "EPT violation: %s at guest-physical 0x%lx, outside its %lu MiB of RAM "
	                 "and claimed by no device", what, gpa, v->guest->ram_bytes >> 20);
}

/* A misconfigured EPT entry is the hypervisor's fault, but only this domain depends on it. */
enum exit_action exit_ept_misconfig(struct vcpu *v)
{
	uint64_t gpa = vmcs_read64(VMCS_GUEST_PHYSICAL_ADDRESS);
	log_err("EPT misconfiguration at guest-physical 0x%lx in domain %s\n", gpa, v->guest->name);
	vmcs_dump();
	return exit_stop(v, "EPT misconfiguration at guest-physical 0x%lx", gpa);
}
