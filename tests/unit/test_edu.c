/*
 * Host tests for the edu device behind PCI configuration mechanism #1 and
 * the host bridge's memory window: its configuration header (IDs, class,
 * BAR 0 sizing, the MSI capability, the interrupt pin and line), its
 * registers and their access widths, the factorial, DMA in both directions
 * through its upstream with its failures (outside the buffer, bus
 * mastering off, upstream refusing), and its interrupts: INTx as a level
 * that INTX_DISABLE and MSI hold down, MSI with the address and data the
 * guest programmed, only with bus mastering on. Moving BAR 0 or turning
 * memory decoding off moves or ends what the window shows.
 */
#include <string.h>

#include "dev/edu.h"
#include "check.h"
#include "fake_ram.h"

#define WINDOW PCI_CFG_WINDOW_BASE
#define GSI    16u
#define DEVFN  0x10u
#define MEM_SIZE 0x10000u

static struct edu e;
static struct pci_cfg c;
static struct bus bus;
static struct spinlock lock = SPINLOCK_INIT;
static uint8_t mem[MEM_SIZE];
static int intx;
static struct { unsigned count; uint16_t rid; uint64_t addr; uint32_t data; } msi;
static bool refuse_dma;

static bool dma(void *ctx, uint16_t rid, uint64_t addr, void *buf, uint32_t len, bool write)
{
	CHECK(ctx == &e);
	CHECK_EQ(rid, DEVFN);
	return !refuse_dma && fake_ram_rw(mem, MEM_SIZE, addr, buf, len, write);
}

static void msi_out(void *ctx, uint16_t rid, uint64_t addr, uint32_t data)
{
	CHECK(ctx == &e);
	msi.count++;
	msi.rid = rid;
	msi.addr = addr;
	msi.data = data;
}

static void set_line(void *ctx, unsigned irq, bool level)
{
	CHECK(ctx == &e);
	CHECK_EQ(irq, GSI);
	intx = level;
}

static void setup(void)
{
	memset(mem, 0, sizeof mem);
	memset(&msi, 0, sizeof msi);
	intx = -1;
	refuse_dma = false;
	edu_init(&e, DEVFN, (uint32_t)WINDOW, (struct pci_upstream){ dma, msi_out, &e, DEVFN }, (struct irq_line){ set_line, &e, GSI });
	pci_cfg_init(&c);
	CHECK_EQ(pci_cfg_attach(&c, &e.fn), 0);
	bus_init(&bus);
	CHECK_EQ(pci_cfg_add_to_bus(&bus, &c, &lock), 0);
	CHECK_EQ(pci_cfg_add_window(&bus, &c, &lock), 0);
}

static uint32_t cfg_rd(unsigned reg, unsigned size)
{
	bus_port_out(&bus, 0, PCI_CONFIG_ADDRESS, 4, PCI_CFG_ENABLE | DEVFN << 8 | (reg & 0xfc));
	return bus_port_in(&bus, 0, (uint16_t)(PCI_CONFIG_DATA + (reg & 3)), size);
}

static void cfg_wr(unsigned reg, unsigned size, uint32_t val)
{
	bus_port_out(&bus, 0, PCI_CONFIG_ADDRESS, 4, PCI_CFG_ENABLE | DEVFN << 8 | (reg & 0xfc));
	bus_port_out(&bus, 0, (uint16_t)(PCI_CONFIG_DATA + (reg & 3)), size, val);
}

static uint64_t rd(uint64_t addr, unsigned size)
{
	return bus_mmio_read(bus_find(&bus.mmio, addr), 0, addr, size);
}

static void wr(uint64_t addr, unsigned size, uint64_t val)
{
	bus_mmio_write(bus_find(&bus.mmio, addr), 0, addr, size, val);
}

static void test_config_header(void)
{
	setup();
	CHECK_EQ(cfg_rd(PCI_VENDOR_ID, 4), 0x11e81234);
	CHECK_EQ(cfg_rd(PCI_CLASS_DEVICE, 2), 0xff00);
	CHECK_EQ(cfg_rd(PCI_REVISION_ID, 1), 0x10);
	CHECK_EQ(cfg_rd(PCI_COMMAND, 2), PCI_COMMAND_MEMORY);   /* as firmware leaves it */
	CHECK_EQ(cfg_rd(PCI_STATUS, 2), PCI_STATUS_CAP_LIST);
	CHECK_EQ(cfg_rd(PCI_INTERRUPT_LINE, 1), GSI);
	CHECK_EQ(cfg_rd(PCI_INTERRUPT_PIN, 1), 1);
	/* BAR 0: at the window's base; all ones written read back its size, 1 MiB; the other BARs are absent. */
	CHECK_EQ(cfg_rd(PCI_BASE_ADDRESS_0, 4), WINDOW);
	cfg_wr(PCI_BASE_ADDRESS_0, 4, 0xffffffffu);
	CHECK_EQ(cfg_rd(PCI_BASE_ADDRESS_0, 4), 0xfff00000u);
	cfg_wr(PCI_BASE_ADDRESS_0, 4, (uint32_t)WINDOW);
	cfg_wr(PCI_BASE_ADDRESS_0 + 4, 4, 0xffffffffu);
	CHECK_EQ(cfg_rd(PCI_BASE_ADDRESS_0 + 4, 4), 0);
	/* The capability list: MSI at 0x40, 64-bit, the last. */
	unsigned cap = cfg_rd(PCI_CAPABILITY_LIST, 1);
	CHECK_EQ(cap, 0x40);
	CHECK_EQ(cfg_rd(cap, 2), PCI_CAP_ID_MSI);
	CHECK_EQ(cfg_rd(cap + PCI_MSI_FLAGS, 2), PCI_MSI_FLAGS_64BIT);
	/* Read-only fields keep their values; writable ones take only their bits. */
	cfg_wr(PCI_VENDOR_ID, 4, 0);
	CHECK_EQ(cfg_rd(PCI_VENDOR_ID, 4), 0x11e81234);
	cfg_wr(PCI_COMMAND, 2, 0xffff);
	CHECK_EQ(cfg_rd(PCI_COMMAND, 2),
	         PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER | PCI_COMMAND_SERR | PCI_COMMAND_INTX_DISABLE);
	cfg_wr(cap + PCI_MSI_ADDRESS_LO, 4, 0xffffffffu);
	CHECK_EQ(cfg_rd(cap + PCI_MSI_ADDRESS_LO, 4), 0xfffffffcu);
	/* A dword at register 0xff, through CONFIG_ADDRESS bits 1:0: one byte inside, the rest past the end. */
	bus_port_out(&bus, 0, PCI_CONFIG_ADDRESS, 4, PCI_CFG_ENABLE | DEVFN << 8 | 0xff);
	bus_port_out(&bus, 0, PCI_CONFIG_DATA, 4, 0xffffffffu);
	CHECK_EQ(bus_port_in(&bus, 0, PCI_CONFIG_DATA, 4), 0xffffff00u);
	/* Other slots stay empty. */
	bus_port_out(&bus, 0, PCI_CONFIG_ADDRESS, 4, PCI_CFG_ENABLE | 0x18 << 8);
	CHECK_EQ(bus_port_in(&bus, 0, PCI_CONFIG_DATA, 4), 0xffffffffu);
	/* The host bridge's slot is its own, and the bus holds one function. */
	static struct edu other;
	edu_init(&other, 0, (uint32_t)WINDOW, e.up, e.intx);
	pci_cfg_init(&c);
	CHECK_EQ(pci_cfg_attach(&c, &other.fn), -1);
	other.fn.devfn = DEVFN + 8;
	CHECK_EQ(pci_cfg_attach(&c, &e.fn), 0);
	CHECK_EQ(pci_cfg_attach(&c, &other.fn), -1);
}

static void test_registers(void)
{
	setup();
	CHECK_EQ(rd(WINDOW + EDU_ID, 4), 0x010000ed);
	wr(WINDOW + EDU_LIVENESS, 4, 0x12345678);
	CHECK_EQ(rd(WINDOW + EDU_LIVENESS, 4), 0xedcba987);
	wr(WINDOW + EDU_FACTORIAL, 4, 5);
	CHECK_EQ(rd(WINDOW + EDU_FACTORIAL, 4), 120);
	wr(WINDOW + EDU_FACTORIAL, 4, 12);
	CHECK_EQ(rd(WINDOW + EDU_FACTORIAL, 4), 479001600);
	wr(WINDOW + EDU_FACTORIAL, 4, 13);
	CHECK_EQ(rd(WINDOW + EDU_FACTORIAL, 4), 6227020800ULL & 0xffffffffu);
	wr(WINDOW + EDU_FACTORIAL, 4, 0xffffffffu);
	CHECK_EQ(rd(WINDOW + EDU_FACTORIAL, 4), 0);
	CHECK_EQ(rd(WINDOW + EDU_STATUS, 4), 0);
	/* Below 0x80 only 32-bit accesses; above, 64-bit ones too. */
	CHECK_EQ(rd(WINDOW + EDU_ID, 2), 0xffff);
	CHECK_EQ(rd(WINDOW + EDU_ID, 8), ~0ULL);
	wr(WINDOW + EDU_LIVENESS, 2, 0);
	CHECK_EQ(rd(WINDOW + EDU_LIVENESS, 4), 0xedcba987);
	wr(WINDOW + EDU_DMA_SRC, 8, 0x123456789aULL);
	CHECK_EQ(rd(WINDOW + EDU_DMA_SRC, 8), 0x123456789aULL);
	CHECK_EQ(rd(WINDOW + EDU_DMA_SRC, 2), 0xffff);
	CHECK_EQ(rd(WINDOW + 0x30, 4), 0xffffffffu);   /* no register */
	/* Past the BAR, in the window: a master abort. */
	CHECK_EQ(rd(WINDOW + EDU_BAR_SIZE, 4), 0xffffffffu);
}

static void dma_cmd(uint64_t src, uint64_t dst, uint64_t count, uint32_t cmd)
{
	wr(WINDOW + EDU_DMA_SRC, 8, src);
	wr(WINDOW + EDU_DMA_DST, 8, dst);
	wr(WINDOW + EDU_DMA_COUNT, 8, count);
	wr(WINDOW + EDU_DMA_CMD, 4, cmd | EDU_DMA_RUN);
}

static void test_dma(void)
{
	setup();
	cfg_wr(PCI_COMMAND, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	memcpy(mem + 0x100, "hinoki!", 8);
	dma_cmd(0x100, EDU_DMA_BUF + 0x10, 8, 0);
	CHECK_EQ(rd(WINDOW + EDU_DMA_CMD, 4), 0);   /* done */
	CHECK(memcmp(e.buf + 0x10, "hinoki!", 8) == 0);
	dma_cmd(EDU_DMA_BUF + 0x10, 0x200, 8, EDU_DMA_TO_RAM);
	CHECK(memcmp(mem + 0x200, "hinoki!", 8) == 0);
	/* The device drives 28 address bits. */
	dma_cmd(EDU_DMA_BUF + 0x10, 0x10000300, 4, EDU_DMA_TO_RAM);
	CHECK(memcmp(mem + 0x300, "hino", 4) == 0);
	/* Outside the buffer, or past its end: nothing moves. */
	dma_cmd(EDU_DMA_BUF + EDU_DMA_BUF_SIZE - 4, 0x400, 8, EDU_DMA_TO_RAM);
	dma_cmd(0x100, EDU_DMA_BUF - 8, 8, 0);
	CHECK_EQ(mem[0x400], 0);
	/* Completion interrupt 0x100 when asked for, and only for a DMA that moved its data. */
	dma_cmd(0x100, EDU_DMA_BUF, 8, EDU_DMA_IRQ);
	CHECK_EQ(rd(WINDOW + EDU_INTR_STATUS, 4), EDU_IRQ_DMA);
	CHECK_EQ(intx, 1);
	wr(WINDOW + EDU_INTR_ACK, 4, EDU_IRQ_DMA);
	refuse_dma = true;
	dma_cmd(0x100, EDU_DMA_BUF, 8, EDU_DMA_IRQ);
	CHECK_EQ(rd(WINDOW + EDU_INTR_STATUS, 4), 0);
	/* Without bus mastering no DMA. */
	refuse_dma = false;
	cfg_wr(PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
	dma_cmd(EDU_DMA_BUF + 0x10, 0x500, 8, EDU_DMA_TO_RAM);
	CHECK_EQ(mem[0x500], 0);
}

static void test_interrupts(void)
{
	setup();
	/* INTx: a level the raise register asserts and the acknowledge register drops. */
	wr(WINDOW + EDU_INTR_RAISE, 4, 0x3);
	CHECK_EQ(intx, 1);
	CHECK_EQ(rd(WINDOW + EDU_INTR_STATUS, 4), 3);
	CHECK(cfg_rd(PCI_STATUS, 2) & PCI_STATUS_INTERRUPT);
	wr(WINDOW + EDU_INTR_ACK, 4, 0x1);
	CHECK_EQ(intx, 1);
	wr(WINDOW + EDU_INTR_ACK, 4, 0x2);
	CHECK_EQ(intx, 0);
	CHECK(!(cfg_rd(PCI_STATUS, 2) & PCI_STATUS_INTERRUPT));
	/* INTX_DISABLE holds it down; cleared, the pending interrupt asserts again. */
	wr(WINDOW + EDU_INTR_RAISE, 4, 0x1);
	cfg_wr(PCI_COMMAND, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_INTX_DISABLE);
	CHECK_EQ(intx, 0);
	cfg_wr(PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
	CHECK_EQ(intx, 1);
	wr(WINDOW + EDU_INTR_ACK, 4, 0x1);
	/* A factorial's interrupt when the status register asks for it. */
	wr(WINDOW + EDU_STATUS, 4, EDU_STATUS_IRQFACT | 0x1);
	CHECK_EQ(rd(WINDOW + EDU_STATUS, 4), EDU_STATUS_IRQFACT);
	wr(WINDOW + EDU_FACTORIAL, 4, 3);
	CHECK_EQ(rd(WINDOW + EDU_INTR_STATUS, 4), EDU_IRQ_FACT);
	wr(WINDOW + EDU_INTR_ACK, 4, EDU_IRQ_FACT);
	/* MSI: enabled, the line stays low and each raise sends the programmed message, with bus mastering. */
	cfg_wr(0x40 + PCI_MSI_ADDRESS_LO, 4, 0xfee00010);
	cfg_wr(0x40 + PCI_MSI_ADDRESS_HI, 4, 0);
	cfg_wr(0x40 + PCI_MSI_DATA_64, 4, 0x123456ee);
	cfg_wr(0x40 + PCI_MSI_FLAGS, 2, PCI_MSI_FLAGS_ENABLE);
	CHECK_EQ(cfg_rd(0x40 + PCI_MSI_FLAGS, 2), PCI_MSI_FLAGS_64BIT | PCI_MSI_FLAGS_ENABLE);
	wr(WINDOW + EDU_INTR_RAISE, 4, 0x1);
	CHECK_EQ(msi.count, 0);
	CHECK_EQ(intx, 0);
	cfg_wr(PCI_COMMAND, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	wr(WINDOW + EDU_INTR_RAISE, 4, 0x1);
	CHECK_EQ(msi.count, 1);
	CHECK_EQ(msi.rid, DEVFN);
	CHECK_EQ(msi.addr, 0xfee00010);
	CHECK_EQ(msi.data, 0x56ee);   /* the data register is 16 bits */
	CHECK_EQ(intx, 0);
	/* MSI disabled with an interrupt pending: INTx takes it. */
	cfg_wr(0x40 + PCI_MSI_FLAGS, 2, 0);
	CHECK_EQ(intx, 1);
}

static void test_window(void)
{
	setup();
	cfg_wr(PCI_BASE_ADDRESS_0, 4, (uint32_t)WINDOW + 0x400000);
	CHECK_EQ(rd(WINDOW + EDU_ID, 4), 0xffffffffu);
	CHECK_EQ(rd(WINDOW + 0x400000 + EDU_ID, 4), 0x010000ed);
	cfg_wr(PCI_COMMAND, 2, 0);
	CHECK_EQ(rd(WINDOW + 0x400000 + EDU_ID, 4), 0xffffffffu);
	wr(WINDOW + 0x400000 + EDU_LIVENESS, 4, 0);
	cfg_wr(PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
	CHECK_EQ(rd(WINDOW + 0x400000 + EDU_LIVENESS, 4), 0);   /* the write above went nowhere */
}

int main(void)
{
	RUN(test_config_header);
	RUN(test_registers);
	RUN(test_dma);
	RUN(test_interrupts);
	RUN(test_window);
	return CHECK_EXIT();
}
