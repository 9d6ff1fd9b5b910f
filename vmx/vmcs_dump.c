/*
 * VMCS dump for failed VM entries and fatal exits, grouped by area. The area
 * is encoding bits 11:10 (Intel SDM "Field Encoding in VMCS"), so the groups
 * come from the same X-macro list as the field enum.
 */
#include "hw/vmcs_fields.h"
#include "lib/log.h"
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
