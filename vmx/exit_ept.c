/*
 * EPT violations and misconfigurations. A violation outside the guest RAM
 * the EPT maps (beyond its end, or in the platform's hole below 1 MiB, the
 * VGA window) is an access to a device on the domain's bus (the instruction
 * is fetched through the guest's page tables, decoded and emulated) or,
 * claimed by none, stops the domain with the address and the kind of access.
 */
#include "dev/bus.h"
#include "hw/cr.h"
#include "hw/ept.h"
#include "hw/segment.h"
#include "hw/x86_insn.h"
#include "lib/fmt.h"
#include "lib/log.h"
#include "mm/mem.h"
#include "vmx/exit.h"
#include "vmx/guest.h"
#include "vmx/mmio_decode.h"
#include "vmx/vmx.h"
#include "vmx/vmx_ops.h"

#define MMIO_REPORT_BYTES 8         /* instruction bytes named when one cannot be emulated */

/* The guest's paging mode as the CPU sees it: CR0.PG, EFER.LMA, CR4.PAE/PSE/LA57. */
static struct mmio_paging_state guest_paging(uint64_t efer)
{
	struct mmio_paging_state ps = { MMIO_PAGING_OFF, vmcs_readnat(VMCS_GUEST_CR3), false };
	uint64_t cr4 = vmcs_readnat(VMCS_GUEST_CR4);
	if (!(vmcs_readnat(VMCS_GUEST_CR0) & CR0_PG))
		return ps;
	if (efer & EFER_LMA)
		ps.mode = cr4 & CR4_LA57 ? MMIO_PAGING_UNSUPPORTED : MMIO_PAGING_4LEVEL;
	else if (cr4 & CR4_PAE)
		ps.mode = MMIO_PAGING_PAE;
	else
		ps.mode = MMIO_PAGING_32, ps.pse = (cr4 & CR4_PSE) != 0;
	return ps;
}

static enum exit_action mmio_stop(struct vcpu *v, const char *what, uint64_t gpa, const struct bus_range *r,
                                  uint64_t rip, const char *why, const uint8_t *bytes, unsigned n)
{
	char hex[3 * MMIO_REPORT_BYTES + 1] = "";
	unsigned at = 0;
	for (unsigned i = 0; i < n && i < MMIO_REPORT_BYTES; i++)
		at += (unsigned)fmt_snprintf(hex + at, sizeof hex - at, "%s%02x", i ? " " : "", bytes[i]);
	return exit_stop(v, "MMIO %s at 0x%lx (%s): %s%s%s at rip 0x%lx", what, gpa, r->kind->name,
	                 why, n ? ", bytes " : "", hex, rip);
}

/*
 * An access to a device region: fetch the instruction through the guest's
 * page tables, decode it, do the access, write a load's register and step
 * over it. Neither an EPT violation nor an APIC-access exit gives the
 * instruction's length, so the decoded length moves RIP.
 */
static enum exit_action mmio_emulate(struct vcpu *v, const struct bus_range *r, uint64_t gpa, bool write)
{
	const char *what = write ? "write" : "read";
	uint64_t rip = vmcs_readnat(VMCS_GUEST_RIP);
	uint8_t bytes[X86_MAX_INSN_LEN];
	unsigned got = 0;

	uint32_t cs_ar = vmcs_read32(VMCS_GUEST_CS_AR_BYTES);
	uint64_t efer = vmcs_read64(VMCS_GUEST_IA32_EFER);
	bool long_mode = (efer & EFER_LMA) && (cs_ar & AR_L);
	if (!long_mode && !(cs_ar & AR_DB))
		return mmio_stop(v, what, gpa, r, rip, "16-bit code", 0, 0);
	uint64_t linear = long_mode ? rip : (uint32_t)(vmcs_readnat(VMCS_GUEST_CS_BASE) + rip);

	const struct vmx_guest *g = v->guest;
	struct mmio_guest_ram ram = { phys_to_virt(g->ram_hpa), g->ram_bytes };
	struct mmio_paging_state ps = guest_paging(efer);
	enum mmio_walk_err we;
	const uint8_t *code = mmio_insn_bytes(&ram, &ps, linear, bytes, &got, &we);
	struct mmio_insn in;
	enum mmio_decode_err de = mmio_decode(code, got, long_mode ? MMIO_MODE_64 : MMIO_MODE_32, &in);
	if (de != MMIO_DECODE_OK) {
		/* A fetch that stopped short is the reason when the bytes it got were not enough. */
		const char *why = de == MMIO_DECODE_TRUNCATED && we ? mmio_walk_err_name(we) : mmio_decode_err_name(de);
		return mmio_stop(v, what, gpa, r, rip, why, code, got);
	}
	if (in.write != write)
		return mmio_stop(v, what, gpa, r, rip, "the instruction does not match the access", code, in.len);

	if (in.write) {
		uint64_t val = mmio_store_value(&in, in.has_imm ? 0 : vcpu_read_gpr(v, in.reg));
		if (bus_mmio_write(r, v->id, gpa, in.size, val) != BUS_OK)
			return EXIT_STOPPED;
	} else {
		uint64_t val = bus_mmio_read(r, v->id, gpa, in.size);
		vcpu_write_gpr(v, in.reg, mmio_load_result(&in, vcpu_read_gpr(v, in.reg), val));
	}
	vcpu_retire_insn(in.len);   /* an EPT violation reports no instruction length */
	return EXIT_RESUME;
}

enum exit_action vcpu_emulate_mmio(struct vcpu *v, uint64_t gpa, bool write)
{
	const struct bus_range *r = bus_find(&v->guest->bus->mmio, gpa);
	if (!r)
		return exit_stop(v, "MMIO %s at 0x%lx: claimed by no device", write ? "write" : "read", gpa);
	return mmio_emulate(v, r, gpa, write);
}

enum exit_action exit_ept_violation(struct vcpu *v)
{
	uint64_t gpa = vmcs_read64(VMCS_GUEST_PHYSICAL_ADDRESS);
	uint64_t q = exit_qual();
	exit_set_key(v, (uint32_t)(gpa >> 12));
	const struct bus_range *r = bus_find(&v->guest->bus->mmio, gpa);
	if (r) {
		uint64_t rip = vmcs_readnat(VMCS_GUEST_RIP);
		if (ept_qual_is_fetch(q))
			return mmio_stop(v, "instruction fetch", gpa, r, rip, "code cannot run from a device", 0, 0);
		if (ept_qual_gla_valid(q) && !(q & EPT_QUAL_GLA_TRANSLATED))
			return mmio_stop(v, ept_qual_is_write(q) ? "write" : "read", gpa, r, rip,
			                 "guest page tables in device memory", 0, 0);
		return mmio_emulate(v, r, gpa, ept_qual_is_write(q));
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
