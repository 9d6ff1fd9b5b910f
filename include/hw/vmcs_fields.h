/*
 * VMCS field encodings (Intel SDM vol. 3, appendix "Field Encoding in VMCS").
 * One X-macro list generates the enum and the names used when dumping a VMCS.
 * The width is part of the encoding (bits 14:13), so accessors can check it.
 */
#ifndef HW_VMCS_FIELDS_H
#define HW_VMCS_FIELDS_H

#define VMCS_FIELDS(X) \
	X(VMCS_VPID,                        0x0000) \
	X(VMCS_GUEST_ES_SELECTOR,           0x0800) \
	X(VMCS_GUEST_CS_SELECTOR,           0x0802) \
	X(VMCS_GUEST_SS_SELECTOR,           0x0804) \
	X(VMCS_GUEST_DS_SELECTOR,           0x0806) \
	X(VMCS_GUEST_FS_SELECTOR,           0x0808) \
	X(VMCS_GUEST_GS_SELECTOR,           0x080a) \
	X(VMCS_GUEST_LDTR_SELECTOR,         0x080c) \
	X(VMCS_GUEST_TR_SELECTOR,           0x080e) \
	X(VMCS_GUEST_INTERRUPT_STATUS,      0x0810) \
	X(VMCS_HOST_ES_SELECTOR,            0x0c00) \
	X(VMCS_HOST_CS_SELECTOR,            0x0c02) \
	X(VMCS_HOST_SS_SELECTOR,            0x0c04) \
	X(VMCS_HOST_DS_SELECTOR,            0x0c06) \
	X(VMCS_HOST_FS_SELECTOR,            0x0c08) \
	X(VMCS_HOST_GS_SELECTOR,            0x0c0a) \
	X(VMCS_HOST_TR_SELECTOR,            0x0c0c) \
	X(VMCS_IO_BITMAP_A,                 0x2000) \
	X(VMCS_IO_BITMAP_B,                 0x2002) \
	X(VMCS_MSR_BITMAP,                  0x2004) \
	X(VMCS_TSC_OFFSET,                  0x2010) \
	X(VMCS_VIRTUAL_APIC_PAGE_ADDR,      0x2012) \
	X(VMCS_APIC_ACCESS_ADDR,            0x2014) \
	X(VMCS_EPT_POINTER,                 0x201a) \
	X(VMCS_EOI_EXIT_BITMAP0,            0x201c) \
	X(VMCS_EOI_EXIT_BITMAP1,            0x201e) \
	X(VMCS_EOI_EXIT_BITMAP2,            0x2020) \
	X(VMCS_EOI_EXIT_BITMAP3,            0x2022) \
	X(VMCS_GUEST_PHYSICAL_ADDRESS,      0x2400) \
	X(VMCS_VMCS_LINK_POINTER,           0x2800) \
	X(VMCS_GUEST_IA32_DEBUGCTL,         0x2802) \
	X(VMCS_GUEST_IA32_PAT,              0x2804) \
	X(VMCS_GUEST_IA32_EFER,             0x2806) \
	X(VMCS_GUEST_PDPTE0,                0x280a) \
	X(VMCS_GUEST_PDPTE1,                0x280c) \
	X(VMCS_GUEST_PDPTE2,                0x280e) \
	X(VMCS_GUEST_PDPTE3,                0x2810) \
	X(VMCS_HOST_IA32_PAT,               0x2c00) \
	X(VMCS_HOST_IA32_EFER,              0x2c02) \
	X(VMCS_PIN_BASED_VM_EXEC_CONTROL,   0x4000) \
	X(VMCS_CPU_BASED_VM_EXEC_CONTROL,   0x4002) \
	X(VMCS_EXCEPTION_BITMAP,            0x4004) \
	X(VMCS_PAGE_FAULT_ERROR_CODE_MASK,  0x4006) \
	X(VMCS_PAGE_FAULT_ERROR_CODE_MATCH, 0x4008) \
	X(VMCS_CR3_TARGET_COUNT,            0x400a) \
	X(VMCS_VM_EXIT_CONTROLS,            0x400c) \
	X(VMCS_VM_EXIT_MSR_STORE_COUNT,     0x400e) \
	X(VMCS_VM_EXIT_MSR_LOAD_COUNT,      0x4010) \
	X(VMCS_VM_ENTRY_CONTROLS,           0x4012) \
	X(VMCS_VM_ENTRY_MSR_LOAD_COUNT,     0x4014) \
	X(VMCS_VM_ENTRY_INTR_INFO,          0x4016) \
	X(VMCS_VM_ENTRY_EXCEPTION_ERROR_CODE, 0x4018) \
	X(VMCS_VM_ENTRY_INSTRUCTION_LEN,    0x401a) \
	X(VMCS_TPR_THRESHOLD,               0x401c) \
	X(VMCS_SECONDARY_VM_EXEC_CONTROL,   0x401e) \
	X(VMCS_VM_INSTRUCTION_ERROR,        0x4400) \
	X(VMCS_VM_EXIT_REASON,              0x4402) \
	X(VMCS_VM_EXIT_INTR_INFO,           0x4404) \
	X(VMCS_VM_EXIT_INTR_ERROR_CODE,     0x4406) \
	X(VMCS_IDT_VECTORING_INFO,          0x4408) \
	X(VMCS_IDT_VECTORING_ERROR_CODE,    0x440a) \
	X(VMCS_VM_EXIT_INSTRUCTION_LEN,     0x440c) \
	X(VMCS_VM_EXIT_INSTRUCTION_INFO,    0x440e) \
	X(VMCS_GUEST_ES_LIMIT,              0x4800) \
	X(VMCS_GUEST_CS_LIMIT,              0x4802) \
	X(VMCS_GUEST_SS_LIMIT,              0x4804) \
	X(VMCS_GUEST_DS_LIMIT,              0x4806) \
	X(VMCS_GUEST_FS_LIMIT,              0x4808) \
	X(VMCS_GUEST_GS_LIMIT,              0x480a) \
	X(VMCS_GUEST_LDTR_LIMIT,            0x480c) \
	X(VMCS_GUEST_TR_LIMIT,              0x480e) \
	X(VMCS_GUEST_GDTR_LIMIT,            0x4810) \
	X(VMCS_GUEST_IDTR_LIMIT,            0x4812) \
	X(VMCS_GUEST_ES_AR_BYTES,           0x4814) \
	X(VMCS_GUEST_CS_AR_BYTES,           0x4816) \
	X(VMCS_GUEST_SS_AR_BYTES,           0x4818) \
	X(VMCS_GUEST_DS_AR_BYTES,           0x481a) \
	X(VMCS_GUEST_FS_AR_BYTES,           0x481c) \
	X(VMCS_GUEST_GS_AR_BYTES,           0x481e) \
	X(VMCS_GUEST_LDTR_AR_BYTES,         0x4820) \
	X(VMCS_GUEST_TR_AR_BYTES,           0x4822) \
	X(VMCS_GUEST_INTERRUPTIBILITY_INFO, 0x4824) \
	X(VMCS_GUEST_ACTIVITY_STATE,        0x4826) \
	X(VMCS_GUEST_SYSENTER_CS,           0x482a) \
	X(VMCS_VMX_PREEMPTION_TIMER_VALUE,  0x482e) \
	X(VMCS_HOST_IA32_SYSENTER_CS,       0x4c00) \
	X(VMCS_CR0_GUEST_HOST_MASK,         0x6000) \
	X(VMCS_CR4_GUEST_HOST_MASK,         0x6002) \
	X(VMCS_CR0_READ_SHADOW,             0x6004) \
	X(VMCS_CR4_READ_SHADOW,             0x6006) \
	X(VMCS_EXIT_QUALIFICATION,          0x6400) \
	X(VMCS_GUEST_LINEAR_ADDRESS,        0x640a) \
	X(VMCS_GUEST_CR0,                   0x6800) \
	X(VMCS_GUEST_CR3,                   0x6802) \
	X(VMCS_GUEST_CR4,                   0x6804) \
	X(VMCS_GUEST_ES_BASE,               0x6806) \
	X(VMCS_GUEST_CS_BASE,               0x6808) \
	X(VMCS_GUEST_SS_BASE,               0x680a) \
	X(VMCS_GUEST_DS_BASE,               0x680c) \
	X(VMCS_GUEST_FS_BASE,               0x680e) \
	X(VMCS_GUEST_GS_BASE,               0x6810) \
	X(VMCS_GUEST_LDTR_BASE,             0x6812) \
	X(VMCS_GUEST_TR_BASE,               0x6814) \
	X(VMCS_GUEST_GDTR_BASE,             0x6816) \
	X(VMCS_GUEST_IDTR_BASE,             0x6818) \
	X(VMCS_GUEST_DR7,                   0x681a) \
	X(VMCS_GUEST_RSP,                   0x681c) \
	X(VMCS_GUEST_RIP,                   0x681e) \
	X(VMCS_GUEST_RFLAGS,                0x6820) \
	X(VMCS_GUEST_PENDING_DBG_EXCEPTIONS, 0x6822) \
	X(VMCS_GUEST_SYSENTER_ESP,          0x6824) \
	X(VMCS_GUEST_SYSENTER_EIP,          0x6826) \
	X(VMCS_HOST_CR0,                    0x6c00) \
	X(VMCS_HOST_CR3,                    0x6c02) \
	X(VMCS_HOST_CR4,                    0x6c04) \
	X(VMCS_HOST_FS_BASE,                0x6c06) \
	X(VMCS_HOST_GS_BASE,                0x6c08) \
	X(VMCS_HOST_TR_BASE,                0x6c0a) \
	X(VMCS_HOST_GDTR_BASE,              0x6c0c) \
	X(VMCS_HOST_IDTR_BASE,              0x6c0e) \
	X(VMCS_HOST_IA32_SYSENTER_ESP,      0x6c10) \
	X(VMCS_HOST_IA32_SYSENTER_EIP,      0x6c12) \
	X(VMCS_HOST_RSP,                    0x6c14) \
	X(VMCS_HOST_RIP,                    0x6c16)

#define VMCS_ENUM_ENTRY_(name, enc) name = enc,
enum vmcs_field { VMCS_FIELDS(VMCS_ENUM_ENTRY_) };
#undef VMCS_ENUM_ENTRY_

/* Width, from encoding bits 14:13. */
enum vmcs_width { VMCS_W16 = 0, VMCS_W64 = 1, VMCS_W32 = 2, VMCS_WNAT = 3 };
#define VMCS_FIELD_WIDTH(enc) (((enc) >> 13) & 3)

#endif
