/*
 * Memory-mapped devices that answer without ending the domain
 * (docs/platform.md "Memory-mapped devices"): the VGA window is open bus,
 * the I/O APIC at 0xFEC00000 is the emulated one, never the machine's. The
 * addresses that end the domain are in end.c.
 */
#include "attack.h"
#include "hw/ioapic.h"
#include "hw/vga.h"

#define IOAPIC_VERSION  0x00170020u   /* version 0x20, 24 entries */

static volatile uint32_t *ioapic_reg(unsigned off)
{
	return (volatile uint32_t *)(uintptr_t)(IOAPIC_DEFAULT_BASE + off);
}

static uint32_t ioapic_read(uint32_t index)
{
	*ioapic_reg(IOAPIC_IOREGSEL) = index;
	return *ioapic_reg(IOAPIC_IOWIN);
}

static void vga_window(const void *arg, struct verdict *v)
{
	(void)arg;
	volatile uint8_t *b = (volatile uint8_t *)(uintptr_t)VGA_WINDOW_BASE;
	volatile uint32_t *last = (volatile uint32_t *)(uintptr_t)(VGA_WINDOW_BASE + VGA_WINDOW_SIZE - 4);
	answer(v->expected, "0xff, 0xff after writing 0x5a, 0xffffffff at the end");
	uint8_t first = *b;
	*b = 0x5a;
	uint8_t after = *b;
	answer(v->got, "0x%x, 0x%x after writing 0x5a, 0x%x at the end", first, after, *last);
}

static void ioapic_version(const void *arg, struct verdict *v)
{
	(void)arg;
	answer(v->expected, "0x%x", IOAPIC_VERSION);
	answer(v->got, "0x%x", ioapic_read(IOAPIC_IOAPICVER));
}

/* After the vCPUs' APIC IDs, as the MADT says: the emulated I/O APIC, not the machine's. */
static void ioapic_id(const void *arg, struct verdict *v)
{
	(void)arg;
	answer(v->expected, "0x%x", (attack_vcpus() << IOAPIC_ID_SHIFT) & IOAPIC_ID_MASK);
	answer(v->got, "0x%x", ioapic_read(IOAPIC_IOAPICID));
}

const struct attack_case mem_cases[] = {
	{ "VGA window 0xa0000-0xbffff (open bus)", vga_window, 0, 0 },
	{ "I/O APIC version at 0xfec00000", ioapic_version, 0, 0 },
	{ "I/O APIC ID at 0xfec00000", ioapic_id, 0, 0 },
};
const unsigned mem_case_count = sizeof mem_cases / sizeof mem_cases[0];
