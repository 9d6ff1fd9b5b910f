/*
 * Host tests for the BIOS area's reset entry: at F000:FFF0 (0xFFFF0) it
 * holds `mov al, 6; mov dx, 0xcf9; out dx, al; hlt; jmp` in the encoding
 * the SDM's opcode map gives (spelled out here as bytes, independent of the
 * names the builder uses), the reset value being the FADT's and the port
 * the Reset Control Register's; it sits after the ACPI tables without
 * touching them (the RSDP is still found and whole) or anything outside its
 * 16 bytes; RAM that ends below 1 MiB is refused with nothing written.
 */
#include <stdlib.h>
#include <string.h>

#include "dev/acpi_tables.h"
#include "dev/bios_reset.h"
#include "hw/acpi.h"
#include "check.h"

#define RAM_SIZE (1u << 20)

static uint8_t *ram, *before;
static struct guest_mem gm;

static void setup(void)
{
	if (!ram) {
		ram = malloc(RAM_SIZE);
		before = malloc(RAM_SIZE);
	}
	memset(ram, 0xcc, RAM_SIZE);
	gm.base = ram;
	gm.size = RAM_SIZE;
}

static void test_entry(void)
{
	static const uint8_t expect[] = { 0xb0, 0x06, 0xba, 0xf9, 0x0c, 0xee, 0xf4, 0xeb, 0xfd };
	setup();
	CHECK_EQ(BIOS_RESET_GPA, 0xffff0);
	CHECK_EQ(acpi_tables_build(&gm, 2, false), 0);
	memcpy(before, ram, RAM_SIZE);
	CHECK_EQ(bios_reset_build(&gm), 0);
	CHECK(!memcmp(ram + 0xffff0, expect, sizeof expect));
	/* The jump's target is the HLT: its displacement counts from the next instruction. */
	CHECK_EQ(7 + 2 + (int8_t)ram[0xffff0 + 8], 6);
	CHECK_EQ(ram[0xffff0 + 6], 0xf4);
	/* Everything else is as the ACPI tables left it, the RSDP among it. */
	CHECK(!memcmp(ram, before, 0xffff0));
	CHECK(!memcmp(ram + 0xffff0 + sizeof expect, before + 0xffff0 + sizeof expect, 16 - sizeof expect));
	CHECK(!memcmp(ram + ACPI_TABLES_GPA_RSDP, ACPI_RSDP_SIGNATURE, 8));
}

static void test_too_small(void)
{
	setup();
	gm.size = 0xffff0 + 15;
	CHECK_EQ(bios_reset_build(&gm), -1);
	for (unsigned i = 0xffff0; i < RAM_SIZE; i++)
		CHECK_EQ(ram[i], 0xcc);
	CHECK_EQ(bios_reset_build(0), -1);
	gm.base = 0;
	gm.size = RAM_SIZE;
	CHECK_EQ(bios_reset_build(&gm), -1);
}

int main(void)
{
	RUN(test_entry);
	RUN(test_too_small);
	return CHECK_EXIT();
}
