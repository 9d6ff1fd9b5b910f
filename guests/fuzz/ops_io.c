/*
 * Port I/O and MMIO operations. Ports are drawn half from the ones the
 * platform has devices on (docs/platform.md), half from anywhere; MMIO
 * goes to the device pages the domain has (local APIC, I/O APIC, the VGA
 * window), at any offset and width, by plain moves, read-modify-write
 * instructions and string instructions.
 */
#include "fuzz.h"
#include "hinoki/hypercall.h"
#include "hw/apic.h"
#include "hw/ioapic.h"
#include "hw/reset_control.h"
#include "hw/uart.h"
#include "hw/vga.h"

/* The ACPI sleep registers (docs/platform.md, "I/O ports"): SLP_EN there powers the domain off. */
#define ACPI_SLEEP_PORT_FIRST 0xb00c
#define ACPI_SLEEP_PORT_LAST  0xb00d

static const uint16_t device_ports[] = {
	0x20, 0x21, 0xa0, 0xa1, 0x61, 0x70, 0x71, 0xcf8, 0xcfc, 0xcfd, 0xcfe, 0xcff,
	0x4d0, 0x4d1, 0x510, 0x511, 0xb008, 0xb00a, 0x80, 0x60, 0x64, 0x3b0, 0x3d4,
	0x40, 0x43, 0x92, 0xe0, 0xe4, 0x2000, 0x2010,
};

static bool overlaps(uint16_t port, unsigned width, unsigned first, unsigned last)
{
	return port <= last && (unsigned)port + width > first;
}

bool port_write_forbidden(uint16_t port, unsigned width)
{
	return overlaps(port, width, HINOKI_PORT_EXIT, HINOKI_PORT_EXIT) ||
	       overlaps(port, width, RST_CNT_PORT, RST_CNT_PORT) ||
	       overlaps(port, width, ACPI_SLEEP_PORT_FIRST, ACPI_SLEEP_PORT_LAST) ||
	       overlaps(port, width, UART_COM1_BASE, UART_COM1_BASE + UART_NPORTS - 1);
}

static uint16_t pick_port(struct fz_cpu *c)
{
	if (rnd_chance(c, 2))
		return (uint16_t)(device_ports[rnd_below(c, sizeof device_ports / sizeof device_ports[0])] +
		                  rnd_below(c, 4));
	return (uint16_t)rnd(c);
}

static void string_io(struct fz_cpu *c, uint16_t port, unsigned width, bool out)
{
	uint64_t count = rnd_chance(c, 4) ? 1 : rnd_below(c, 64);
	/* In the scratch window, often near an end so that a count runs off it into a #PF. */
	uint64_t buf = scratch_va(c->id) + rnd_below(c, SCRATCH_BYTES + 64) - 32;
	bool rep = !rnd_chance(c, 4);
	if (rnd_chance(c, 4))
		__asm__ volatile("std");
	if (!rep)
		count = 1;
#define STR(insn, reg) __asm__ volatile("rep " insn : "+c"(count), "+" reg(buf) : "d"(port) : "memory")
	if (out) {
		if (width == 1) STR("outsb", "S"); else if (width == 2) STR("outsw", "S"); else STR("outsl", "S");
	} else {
		if (width == 1) STR("insb", "D"); else if (width == 2) STR("insw", "D"); else STR("insl", "D");
	}
#undef STR
	__asm__ volatile("cld");
}

void op_io(struct fz_cpu *c)
{
	uint16_t port = pick_port(c);
	unsigned width = 1u << rnd_below(c, 3);
	bool out = rnd_chance(c, 2);
	if (out && port_write_forbidden(port, width))
		out = false;
	if (rnd_chance(c, 6)) {
		/* A string access reads or writes each element: the same ports must stay unwritten. */
		if (port_write_forbidden(port, width))
			return;
		string_io(c, port, width, out);
		return;
	}
	uint32_t v = (uint32_t)rnd_value(c);
	if (out) {
		if (width == 1) outb((uint8_t)v, port);
		else if (width == 2) outw((uint16_t)v, port);
		else outl(v, port);
	} else {
		if (width == 1) (void)inb(port);
		else if (width == 2) (void)inw(port);
		else (void)inl(port);
	}
}

uint64_t icr_tame(struct fz_cpu *c, uint64_t icr, bool x2apic)
{
	uint64_t mode = icr & (7u << 8);
	if (mode != APIC_ICR_DM_INIT && mode != APIC_ICR_DM_STARTUP)
		return icr;
	/*
	 * INIT and STARTUP would take one of this domain's own vCPUs out of
	 * the run: send them only to APIC ids it does not have, with no
	 * shorthand (bits 19:18) and physical destination (bit 11).
	 */
	uint64_t dest = fz_nvcpus + rnd_below(c, 200);
	icr &= ~((3ULL << 18) | (1ULL << 11));
	if (x2apic)
		return (icr & 0xffffffffULL) | dest << APIC_ICR_X2APIC_DEST_SHIFT;
	return icr;   /* xAPIC: the caller writes dest to ICR_HIGH first */
}

static volatile uint8_t *pick_mmio(struct fz_cpu *c, uint64_t *page_out)
{
	static const uint64_t pages[] = { APIC_DEFAULT_PHYS_BASE, IOAPIC_DEFAULT_BASE, VGA_WINDOW_BASE };
	uint64_t page = pages[rnd_below(c, sizeof pages / sizeof pages[0])];
	*page_out = page;
	uint64_t off = rnd_chance(c, 4) ? rnd_below(c, 4096) : rnd_below(c, 4096 / 16) * 16;
	if (page == VGA_WINDOW_BASE)
		off = rnd_below(c, VGA_WINDOW_SIZE);
	return (volatile uint8_t *)(uintptr_t)(page + off);
}

/*
 * The local APIC's ICR (0x300-0x31f) and the register before it, from which
 * a wide or string access reaches into it: only whole, aligned 32-bit
 * accesses, INIT and STARTUP aimed away from the domain's own vCPUs.
 */
#define ICR_GUARD_FIRST (APIC_REG_ICR_LOW - 0x10)
#define ICR_GUARD_END   (APIC_REG_ICR_HIGH + 0x10)

static bool apic_icr_write(struct fz_cpu *c, uint64_t off, uint64_t v)
{
	if (off < ICR_GUARD_FIRST || off >= ICR_GUARD_END)
		return false;
	if (off == APIC_REG_ICR_LOW) {
		uint64_t tamed = icr_tame(c, v, false);
		if (tamed != v || (v & (7u << 8)) == APIC_ICR_DM_INIT || (v & (7u << 8)) == APIC_ICR_DM_STARTUP)
			*(volatile uint32_t *)(APIC_DEFAULT_PHYS_BASE + APIC_REG_ICR_HIGH) =
				(uint32_t)(fz_nvcpus + rnd_below(c, 200)) << APIC_ICR_XAPIC_DEST_SHIFT;
		*(volatile uint32_t *)(APIC_DEFAULT_PHYS_BASE + off) = (uint32_t)tamed;
	} else {
		(void)*(volatile uint32_t *)(APIC_DEFAULT_PHYS_BASE + (off & ~3ULL));
	}
	return true;
}

void op_mmio(struct fz_cpu *c)
{
	uint64_t page;
	volatile uint8_t *p = pick_mmio(c, &page);
	uint64_t v = rnd_value(c);
	if (page == APIC_DEFAULT_PHYS_BASE && apic_icr_write(c, (uintptr_t)p - page, v))
		return;
	switch (rnd_below(c, 12)) {
	case 0: (void)*(volatile uint8_t *)p; break;
	case 1: (void)*(volatile uint16_t *)p; break;
	case 2: (void)*(volatile uint32_t *)p; break;
	case 3: (void)*(volatile uint64_t *)p; break;
	case 4: *(volatile uint8_t *)p = (uint8_t)v; break;
	case 5: *(volatile uint16_t *)p = (uint16_t)v; break;
	case 6: *(volatile uint32_t *)p = (uint32_t)v; break;
	case 7: *(volatile uint64_t *)p = v; break;
	case 8: __asm__ volatile("orl %1, %0" : "+m"(*(volatile uint32_t *)p) : "r"((uint32_t)v)); break;
	case 9: {
		uint32_t x = (uint32_t)v;
		__asm__ volatile("xchgl %0, %1" : "+r"(x), "+m"(*(volatile uint32_t *)p));
		break;
	}
	case 10: {
		/* A string move from the device page into scratch, or back. */
		uint64_t n = rnd_below(c, 8) + 1;
		uint64_t s = scratch_va(c->id), d = (uintptr_t)p;
		if (page == APIC_DEFAULT_PHYS_BASE || rnd_chance(c, 2)) {
			uint64_t t = s;   /* into the APIC only from itself: scratch holds anything, an INIT too */
			s = d;
			d = t;
		}
		__asm__ volatile("rep movsl" : "+c"(n), "+S"(s), "+D"(d) : : "memory");
		break;
	}
	default: {
		uint64_t n = rnd_below(c, 4) + 1, d = (uintptr_t)p;
		__asm__ volatile("rep stosl" : "+c"(n), "+D"(d) : "a"((uint32_t)v) : "memory");
		break;
	}
	}
}
