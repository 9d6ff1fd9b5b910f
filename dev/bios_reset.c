/*
 * The instructions at F000:FFF0 that reset a domain whose kernel jumps to
 * the firmware's reset entry: the value the FADT's reset register asks
 * for, written to the Reset Control Register, which ends the domain at
 * once; the HLT loop after it is never reached.
 */
#include "dev/acpi_tables.h"
#include "dev/bios_reset.h"
#include "hw/acpi.h"
#include "hw/reset_control.h"
#include "hw/x86_insn.h"
#include "lib/string.h"

static const uint8_t reset_entry[] = {
	X86_OP_MOV_R8_IMM8 + X86_REG_AL, RST_CNT_COLD_RESET,                        /* mov al, 6 */
	X86_OP_MOV_R_IMM + X86_REG_DX, (uint8_t)RST_CNT_PORT, RST_CNT_PORT >> 8,   /* mov dx, 0xcf9 */
	X86_OP_OUT_DX_AL,                                                           /* out dx, al */
	X86_OP_HLT,                                                                 /* 1: hlt */
	X86_OP_JMP_REL8, (uint8_t)-3,                                               /* jmp 1b */
};

_Static_assert(sizeof reset_entry <= BIOS_RESET_BYTES, "the reset entry ends past the first MiB");
_Static_assert(BIOS_RESET_GPA + BIOS_RESET_BYTES == ACPI_TABLES_AREA_END, "the reset entry ends the BIOS area");
_Static_assert(ACPI_TABLES_GPA_RSDP + ACPI_RSDP_V2_LEN <= BIOS_RESET_GPA, "the RSDP overlaps the reset entry");

int bios_reset_build(struct guest_mem *mem)
{
	if (!mem || !mem->base || mem->size < BIOS_RESET_GPA + BIOS_RESET_BYTES)
		return -1;
	memcpy(mem->base + BIOS_RESET_GPA, reset_entry, sizeof reset_entry);
	return 0;
}
