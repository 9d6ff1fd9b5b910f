/*
 * Real hardware through ports: what a PC's chipset, disk controllers and
 * keyboard controller answer, and the ports that reset or power off a PC or
 * the emulator under Hinoki. Every port is intercepted; docs/platform.md says
 * what each answers: the PCI configuration mechanism with one host bridge,
 * and for every port no device claims, the empty ISA bus (reads all ones,
 * writes dropped). None may reset or power off the machine, and none may
 * reach a real device: after each, the domain is still running to print its
 * answer, and the other domains and the final power-off show the machine
 * went on.
 */
#include "attack.h"
#include "hw/acpi.h"
#include "hw/pc_devices.h"
#include "hw/pci.h"
#include "hw/reset_control.h"

#define PCI_ADDR(bus, dev, fn, reg) (uint32_t) \
	(PCI_CFG_ENABLE | (bus) << PCI_CFG_BUS_SHIFT | ((dev) << 3 | (fn)) << PCI_CFG_DEVFN_SHIFT | (reg))
#define HOST_BRIDGE_ID  (PCI_DEVICE_ID_INTEL_82441 << 16 | PCI_VENDOR_ID_INTEL)

static void pci_host_bridge(const void *arg, struct verdict *v)
{
	(void)arg;
	answer(v->expected, "0x%x", HOST_BRIDGE_ID);
	outl(PCI_ADDR(0, 0, 0, 0), PCI_CONFIG_ADDRESS);
	answer(v->got, "0x%x", inl(PCI_CONFIG_DATA));
}

static const uint32_t empty_slots[] = { PCI_ADDR(0, 1, 0, 0), PCI_ADDR(0, 31, 0, 0), PCI_ADDR(255, 31, 7, 0) };

static void pci_empty_slot(const void *arg, struct verdict *v)
{
	uint32_t addr = *(const uint32_t *)arg;
	answer(v->expected, "address 0x%x, data 0xffffffff", addr);
	outl(addr, PCI_CONFIG_ADDRESS);
	uint32_t back = inl(PCI_CONFIG_ADDRESS);
	answer(v->got, "address 0x%x, data 0x%x", back, inl(PCI_CONFIG_DATA));
}

/* The bridge's command register (bus master, memory, I/O enables) reads 0 and stays so. */
static void pci_write_command(const void *arg, struct verdict *v)
{
	(void)arg;
	answer(v->expected, "0x0");
	outl(PCI_ADDR(0, 0, 0, PCI_COMMAND), PCI_CONFIG_ADDRESS);
	outl(0xffffffffu, PCI_CONFIG_DATA);
	answer(v->got, "0x%x", inl(PCI_CONFIG_DATA));
}

static void pci_disabled(const void *arg, struct verdict *v)
{
	(void)arg;
	answer(v->expected, "0xffffffff");
	outl(PCI_ADDR(0, 0, 0, 0) & ~PCI_CFG_ENABLE, PCI_CONFIG_ADDRESS);
	answer(v->got, "0x%x", inl(PCI_CONFIG_DATA));
}

/*
 * A word write at 0xcf8 whose high byte would be a reset through 0xcf9 if
 * the bus split it: CONFIG_ADDRESS takes 32-bit accesses only, RST_CNT bytes
 * only, so nothing happens and CONFIG_ADDRESS keeps its value.
 */
static void pci_word_at_cf8(const void *arg, struct verdict *v)
{
	(void)arg;
	answer(v->expected, "0x%x", PCI_ADDR(0, 0, 0, 0));
	outl(PCI_ADDR(0, 0, 0, 0), PCI_CONFIG_ADDRESS);
	outw((uint16_t)(RST_CNT_COLD_RESET | RST_CNT_FULL_RST) << 8, PCI_CONFIG_ADDRESS);
	answer(v->got, "0x%x", inl(PCI_CONFIG_ADDRESS));
}

static void rst_cnt_dword(const void *arg, struct verdict *v)
{
	(void)arg;
	answer(v->expected, "0xffffffff");
	answer(v->got, "0x%x", inl(RST_CNT_PORT));
}

struct ide_channel {
	uint16_t base, ctrl;
};

static const struct ide_channel ide0 = { ATA_PRIMARY_BASE, ATA_PRIMARY_CTRL };
static const struct ide_channel ide1 = { ATA_SECONDARY_BASE, ATA_SECONDARY_CTRL };

/* IDENTIFY DEVICE, then a sector's worth of data words: no controller, so all ones throughout. */
static void ide_identify(const void *arg, struct verdict *v)
{
	const struct ide_channel *c = arg;
	static uint16_t sector[ATA_SECTOR_WORDS];
	answer(v->expected, "status 0xff, alt 0xff, %u words of 0xffff", ATA_SECTOR_WORDS);
	outb(ATA_DEVICE_MASTER, c->base + ATA_REG_DEVICE);
	outb(ATA_CMD_IDENTIFY, c->base + ATA_REG_STATUS);
	uint8_t st = inb(c->base + ATA_REG_STATUS), alt = inb(c->ctrl);
	memset(sector, 0, sizeof sector);
	uint64_t n = ATA_SECTOR_WORDS;
	void *dst = sector;
	__asm__ volatile("cld; rep insw" : "+D"(dst), "+c"(n) : "d"(c->base) : "memory");
	unsigned ones = 0;
	for (unsigned i = 0; i < ATA_SECTOR_WORDS; i++)
		ones += sector[i] == 0xffff;
	answer(v->got, "status 0x%x, alt 0x%x, %u words of 0xffff", st, alt, ones);
}

struct port_write {
	uint16_t port;
	uint8_t width;   /* 1, 2 or 4 */
	uint32_t value;
};

/* Writes that would reset or power off a PC or the emulator, then a read of the first port. */
struct reset_try {
	struct port_write w[8];
	const char *expected;
};

static void write_port(const struct port_write *w)
{
	if (w->width == 1)
		outb((uint8_t)w->value, w->port);
	else if (w->width == 2)
		outw((uint16_t)w->value, w->port);
	else
		outl(w->value, w->port);
}

static void reset_try(const void *arg, struct verdict *v)
{
	const struct reset_try *t = arg;
	answer(v->expected, "still running, 0x%x reads %s", t->w[0].port, t->expected);
	for (unsigned i = 0; i < 8 && t->w[i].width; i++)
		write_port(&t->w[i]);
	const struct port_write *r = &t->w[0];
	uint32_t got = r->width == 1 ? inb(r->port) : r->width == 2 ? inw(r->port) : inl(r->port);
	answer(v->got, "still running, 0x%x reads 0x%x", r->port, got);
}

#define B(p, val) { p, 1, val }
#define W(p, val) { p, 2, val }

static const struct reset_try kbc_reset = { { B(KBC_CMD, KBC_CMD_PULSE_RESET) }, "0xff" };
static const struct reset_try kbc_output = { { B(KBC_CMD, KBC_CMD_WRITE_OUTPUT), B(KBC_DATA, 0x00) }, "0xff" };
static const struct reset_try port_a = { { B(PORT_A, PORT_A_FAST_RESET) }, "0xff" };
static const struct reset_try bochs_shutdown = {
	{ B(BOCHS_SHUTDOWN_PORT, 'S'), B(BOCHS_SHUTDOWN_PORT, 'h'), B(BOCHS_SHUTDOWN_PORT, 'u'), B(BOCHS_SHUTDOWN_PORT, 't'),
	  B(BOCHS_SHUTDOWN_PORT, 'd'), B(BOCHS_SHUTDOWN_PORT, 'o'), B(BOCHS_SHUTDOWN_PORT, 'w'), B(BOCHS_SHUTDOWN_PORT, 'n') },
	"0xff" };
static const struct reset_try bochs_debugger = { { W(BOCHS_DEBUG_PORT, BOCHS_DEBUG_ENABLE), W(BOCHS_DEBUG_PORT, BOCHS_DEBUG_PROMPT) }, "0xffff" };
/* Hinoki's PM1a: a sleep state its DSDT does not offer (S1's 2) wakes at once, SLP_TYP kept, SCI_EN set. */
static const struct reset_try piix4_s1 = { { W(PIIX4_PM1A_CNT, PM1_CNT_SLP_EN | 2u << PM1_CNT_SLP_TYP_SHIFT) },
                                           "0x801" };
static const struct reset_try ich9_s5 = { { W(ICH9_PM1A_CNT, PM1_CNT_SLP_EN) }, "0xffff" };
static const struct reset_try qemu_exit = { { B(QEMU_DEBUG_EXIT_PORT, 0x01) }, "0xff" };

const struct attack_case port_cases[] = {
	{ "PCI 00:00.0 ID (the emulated host bridge)", pci_host_bridge, 0, 0 },
	{ "PCI 00:01.0 (empty slot)", pci_empty_slot, &empty_slots[0], 0 },
	{ "PCI 00:1f.0 (the PCH's LPC bridge on a PC)", pci_empty_slot, &empty_slots[1], 0 },
	{ "PCI ff:1f.7", pci_empty_slot, &empty_slots[2], 0 },
	{ "PCI 00:00.0 command register written all ones", pci_write_command, 0, 0 },
	{ "PCI data with CONFIG_ADDRESS disabled", pci_disabled, 0, 0 },
	{ "PCI word write at 0xcf8 with reset bits in 0xcf9's byte", pci_word_at_cf8, 0, 0 },
	{ "0xcf9 dword read", rst_cnt_dword, 0, 0 },
	{ "IDE primary IDENTIFY", ide_identify, &ide0, 0 },
	{ "IDE secondary IDENTIFY", ide_identify, &ide1, 0 },
	{ "keyboard controller reset (0x64 <- 0xfe)", reset_try, &kbc_reset, 0 },
	{ "keyboard controller output port reset (0xd1, 0x00)", reset_try, &kbc_output, 0 },
	{ "port 0x92 fast reset", reset_try, &port_a, 0 },
	{ "Bochs shutdown port 0x8900", reset_try, &bochs_shutdown, 0 },
	{ "Bochs debugger port 0x8a00", reset_try, &bochs_debugger, 0 },
	{ "PIIX4 PM1a S1, a state the DSDT does not offer (0xb004)", reset_try, &piix4_s1, 0 },
	{ "ICH9 PM1a S5 (0x604)", reset_try, &ich9_s5, 0 },
	{ "QEMU debug exit 0x501", reset_try, &qemu_exit, 0 },
};
const unsigned port_case_count = sizeof port_cases / sizeof port_cases[0];
