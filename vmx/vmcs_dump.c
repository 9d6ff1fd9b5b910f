/*
 * What a stopped domain's report shows of VMX state: the exit and the
 * guest's registers, and the whole VMCS for failed VM entries and fatal
 * exits, grouped by area. The area
 * is encoding bits 11:10 (Intel SDM "Field Encoding in VMCS"), so the groups
 * come from the same X-macro list as the field enum.
 */
#include "hw/vmcs_fields.h"
#include "lib/log.h"
#include "vmx/exit.h"
#include "vmx/guest_cr.h"
#include "vmx/vmx.h"
#include "vmx/vmx_ops.h"

#define VMCS_FIELD_AREA(enc) (((enc) >> 10) & 3)

static const struct { uint32_t enc; const char *name; } fields[] = {
#define VMCS_NAME_ENTRY_(name, enc) { enc, #name },
	VMCS_FIELDS(VMCS_NAME_ENTRY_)
#undef VMCS_NAME_ENTRY_
};

static const char *const area_names[4] = { "control", "VM-exit information", "guest state", "host state" };

void vmcs_dump(void)
{
	for (unsigned area = 0; area < 4; area++) {
		log_printf("  -- %s --\n", area_names[area]);
		for (unsigned i = 0; i < sizeof fields / sizeof fields[0]; i++) {
			if (VMCS_FIELD_AREA(fields[i].enc) != area)
				continue;
			uint64_t val;
			if (vmcs_read_raw(fields[i].enc, &val))
				log_printf("  %-36s %016lx\n", fields[i].name + 5, val);   /* drop "VMCS_" */
		}
	}
}

void vmx_dump_vcpu(const struct vcpu *v)
{
	const uint64_t *r = v->gpr;
	/* From the VMCS: the record holds one row for every reason the statistics have no name for. */
	uint32_t reason = vmcs_read32(VMCS_VM_EXIT_REASON) & EXIT_REASON_BASIC_MASK;
	log_printf("  vcpu %u: exit %s (%u) qualification 0x%lx\n", v->id, exit_reason_name(reason), reason,
	           exit_qual());
	log_printf("  rip %016lx rsp %016lx rflags %016lx\n", vmcs_readnat(VMCS_GUEST_RIP),
	           vmcs_readnat(VMCS_GUEST_RSP), vmcs_readnat(VMCS_GUEST_RFLAGS));
	log_printf("  cr0 %016lx cr3 %016lx cr4 %016lx efer %016lx\n", guest_cr0(), vmcs_readnat(VMCS_GUEST_CR3),
	           guest_cr4(), vmcs_read64(VMCS_GUEST_IA32_EFER));
	log_printf("  rax %016lx rbx %016lx rcx %016lx rdx %016lx\n", r[GPR_RAX], r[GPR_RBX], r[GPR_RCX], r[GPR_RDX]);
	log_printf("  rsi %016lx rdi %016lx rbp %016lx r8  %016lx\n", r[GPR_RSI], r[GPR_RDI], r[GPR_RBP], r[GPR_R8]);
	log_printf("  r9  %016lx r10 %016lx r11 %016lx r12 %016lx\n", r[GPR_R9], r[GPR_R10], r[GPR_R11], r[GPR_R12]);
	log_printf("  r13 %016lx r14 %016lx r15 %016lx\n", r[GPR_R13], r[GPR_R14], r[GPR_R15]);
}
