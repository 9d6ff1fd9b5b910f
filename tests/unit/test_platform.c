/*
 * Host tests for the platform as a guest reaches it through the bus: every
 * device at its ports (UART output to the console function, the PM timer,
 * fw_cfg, the PIC), the exit port ending the domain through the function
 * the domain gave, unclaimed ports, each vCPU reaching its own local APIC
 * at the same address, and the interrupt path: the UART's IRQ 4 through
 * I/O APIC pin 4 to the local APICs its entry's destination names
 * (physical, logical flat and cluster, lowest priority to the first), with
 * the domain's delivery function called under the locks the lock order
 * says, and a local APIC's EOI of a level-triggered vector back at the I/O
 * APIC; the same line at the 8259A pair, whose INTR reaches the vCPUs
 * whose LINT0 takes ExtINT (the BSP in virtual-wire mode, an APIC
 * disabled in IA32_APIC_BASE) and whose acknowledge gives the vector; the
 * test device only when asked for, its lines reaching both controllers;
 * ACPI S5 and the 0xCF9 reset reaching the domain's power function; and
 * the edu device and the VT-d unit only when asked for, edu's DMA reaching
 * guest RAM through the unit's translation, its MSIs and its INTx (through
 * an I/O APIC entry in remappable format) through the unit's interrupt
 * remapping to the vCPU the table entry names, and a fault's event
 * reaching a vCPU.
 */
#include <string.h>

#include "dev/platform.h"
#include "hw/ioapic.h"
#include "hinoki/hypercall.h"
#include "hw/fw_cfg.h"
#include "hw/pci.h"
#include "hw/msr.h"
#include "hw/reset_control.h"
#include "hw/uart.h"
#include "lib/x86.h"
#include "check.h"
#include "fake_ram.h"

static struct platform p;
static struct spinlock con_lock = SPINLOCK_INIT;
static struct vlapic apic[2];
static uint32_t apic_regs[2][LAPIC_REG_WORDS] __attribute__((aligned(LAPIC_MMIO_SIZE)));
static struct {
	char out[64];
	unsigned len;
	int ended, code, locked, offs, resets, power_locked, sleeps, wakes;
	uint64_t wake_tsc;
	uint64_t asleep_until;   /* what the domain's wake answers: its sleep's wake time, 0 awake */
	bool cannot_wake;        /* the domain ends at a sleep with no alarm: no one to press its button */
} dom;
/* What the domain's delivery function saw: per vCPU, the count and last vector and trigger. */
static struct { unsigned count[2], vector[2], level[2]; bool irq_locked, con_locked; } irqs;

static void console_put(void *ctx, uint8_t byte)
{
	CHECK(ctx == &dom);
	dom.locked = spin_is_locked(&con_lock);
	if (dom.len < sizeof dom.out)
		dom.out[dom.len++] = (char)byte;
}

static void end(void *ctx, int code)
{
	CHECK(ctx == &dom);
	dom.ended++;
	dom.code = code;
}

/* As the domain does: the vCPU's local APIC accepts it. */
static bool deliver(void *ctx, unsigned vcpu, unsigned vector, bool level)
{
	CHECK(ctx == &dom);
	CHECK(vcpu < 2);
	irqs.irq_locked = spin_is_locked(&p.irq_lock);
	irqs.con_locked = spin_is_locked(&con_lock);
	irqs.count[vcpu]++;
	irqs.vector[vcpu] = vector;
	irqs.level[vcpu] = level;
	return vlapic_accept_irq(&apic[vcpu], vector, level);
}

/* What the domain's ExtINT function saw, per vCPU. */
static struct { unsigned count[2]; bool irq_locked; } extints;

static void extint(void *ctx, unsigned vcpu)
{
	CHECK(ctx == &dom);
	CHECK(vcpu < 2);
	extints.irq_locked = spin_is_locked(&p.irq_lock);
	extints.count[vcpu]++;
}

static void power(void *ctx, enum platform_power what)
{
	CHECK(ctx == &dom);
	dom.power_locked = spin_is_locked(&p.lock);
	if (what == PLATFORM_POWER_OFF)
		dom.offs++;
	else if (what == PLATFORM_POWER_RESET)
		dom.resets++;
}

/* As the domain does: it sleeps until wake_tsc, or until its power button (0) if someone can press it. */
static bool sleep_until(void *ctx, uint64_t wake_tsc)
{
	CHECK(ctx == &dom);
	CHECK(spin_is_locked(&p.lock));
	dom.sleeps++;
	dom.wake_tsc = wake_tsc;
	if (!wake_tsc && dom.cannot_wake)
		return false;
	dom.asleep_until = wake_tsc ? wake_tsc : PLATFORM_WAKE_NO_TIME;
	return true;
}

static uint64_t wake(void *ctx)
{
	CHECK(ctx == &dom);
	CHECK(spin_is_locked(&p.lock));
	dom.wakes++;
	uint64_t was = dom.asleep_until;
	dom.asleep_until = 0;
	return was;
}

static const struct platform_ops ops = { deliver, extint, power, sleep_until, wake };

/* Guest RAM for the devices' DMA and the IOMMU's tables. */
static uint8_t ram[1u << 20];

static bool mem(void *ctx, uint64_t gpa, void *buf, uint32_t len, bool write)
{
	CHECK(ctx == &dom);
	return fake_ram_rw(ram, sizeof ram, gpa, buf, len, write);
}

static struct platform_pci pci_parts;

static void setup_env(bool testdev, bool pci)
{
	memset(&dom, 0, sizeof dom);
	memset(&irqs, 0, sizeof irqs);
	memset(&extints, 0, sizeof extints);
	memset(&p, 0x5a, sizeof p);
	struct platform_env env = { .ram_bytes = 32ULL << 20, .ncpus = 2, .tsc_now = 0, .tsc_khz = 1000,
	                            .console_lock = &con_lock, .console_put = console_put, .end = end,
	                            .ops = &ops, .ctx = &dom,
	                            .testdev = testdev, .viommu = pci, .edu = pci, .pci = &pci_parts, .mem = mem };
	CHECK_EQ(platform_init(&p, &env), 0);
	for (unsigned i = 0; i < 2; i++) {
		vlapic_init(&apic[i], apic_regs[i], i, i == 0);
		platform_set_lapic(&p, i, &apic[i]);
	}
}

static void setup_with(bool testdev)
{
	setup_env(testdev, false);
}

static void setup(void)
{
	setup_with(false);
}

static uint32_t in(uint16_t port, unsigned size) { return bus_port_in(&p.bus, 0, port, size); }
static enum bus_result out(uint16_t port, unsigned size, uint32_t v) { return bus_port_out(&p.bus, 0, port, size, v); }

static void test_ports(void)
{
	setup();
	out(UART_COM1_BASE + UART_THR, 1, 'h');
	out(UART_COM1_BASE + UART_THR, 1, 'i');
	CHECK_EQ(dom.len, 2);
	CHECK(memcmp(dom.out, "hi", 2) == 0);
	CHECK(dom.locked);                                   /* the UART runs under the console lock */
	CHECK(!spin_is_locked(&con_lock));
	CHECK_EQ(in(UART_COM1_BASE + UART_LSR, 1), UART_LSR_THRE | UART_LSR_TEMT);
	/* The UART's registers are bytes: a 16-bit access reaches THR/RBR and IER. */
	out(UART_COM1_BASE + UART_SCR - 1, 2, 0x4200);
	CHECK_EQ(in(UART_COM1_BASE + UART_SCR, 1), 0x42);
	CHECK_EQ(in(UART_COM1_BASE + UART_LSR, 2), 0xb060);
	/* fw_cfg's signature, the PM timer's 24 bits, the PIC's mask. */
	out(FW_CFG_PORT_SEL, 2, FW_CFG_SIGNATURE);
	CHECK_EQ(in(FW_CFG_PORT_DATA, 1), 'Q');
	CHECK_EQ(in(PMTIMER_PORT, 4) >> 24, 0);
	CHECK_EQ(in(PIC_MASTER_DATA, 1), 0xfb);
	out(PIC_MASTER_DATA, 1, 0xff);
	CHECK_EQ(in(PIC_MASTER_DATA, 1), 0xff);
	/* Nothing at 0x80. */
	CHECK_EQ(in(0x80, 1), 0xff);
	CHECK_EQ(in(0x80, 4), 0xffffffffu);
	CHECK_EQ(out(0x80, 1, 0), BUS_OK);
	CHECK_EQ(dom.ended, 0);
}

static void test_exit_port(void)
{
	setup();
	CHECK_EQ(in(HINOKI_PORT_EXIT, 1), 0xff);
	CHECK_EQ(out(HINOKI_PORT_EXIT, 4, 0x1234), BUS_DOMAIN_ENDED);
	CHECK_EQ(dom.ended, 1);
	CHECK_EQ(dom.code, 0x34);                            /* the low byte, as isa-debug-exit */
}

/* An access by vCPU `vcpu`: its own APIC's page first, then the bus, as the exit path looks it up. */
static const struct bus_range *find(unsigned vcpu, uint64_t addr)
{
	return bus_find_local(&p.bus.mmio, vlapic_mmio(&apic[vcpu]), addr);
}

static void test_lapic_per_vcpu(void)
{
	setup();
	const uint64_t id = APIC_DEFAULT_PHYS_BASE + APIC_REG_ID;
	const struct bus_range *r0 = find(0, id), *r1 = find(1, id);
	CHECK(r0 != 0 && r1 != 0 && r0 != r1);
	CHECK(find(0, APIC_DEFAULT_PHYS_BASE + LAPIC_MMIO_SIZE) == 0);
	CHECK(find(0, 0) == 0);
	CHECK_EQ(bus_mmio_read(r0, 0, id, 4), 0u << APIC_ID_SHIFT);
	CHECK_EQ(bus_mmio_read(r1, 1, id, 4), 1u << APIC_ID_SHIFT);
	CHECK_EQ(bus_mmio_write(r1, 1, APIC_DEFAULT_PHYS_BASE + APIC_REG_TPR, 4, 0x20), BUS_OK);
	CHECK_EQ(vlapic_read(&apic[1], APIC_REG_TPR, 4, 0), 0x20);
	CHECK_EQ(vlapic_read(&apic[0], APIC_REG_TPR, 4, 0), 0);
	/* vCPU 1 moves its APIC: there it answers vCPU 1 only; its old page is the bus's empty one */
	const uint64_t moved = 0xfed40000ULL;
	CHECK_EQ(vlapic_set_base(&apic[1], moved | APIC_BASE_ENABLE, TEST_PHYS_BITS), 0);
	CHECK(find(1, moved + APIC_REG_ID) == vlapic_mmio(&apic[1]));
	CHECK_EQ(bus_mmio_read(find(1, moved + APIC_REG_ID), 1, moved + APIC_REG_ID, 4), 1u << APIC_ID_SHIFT);
	CHECK(find(0, moved + APIC_REG_ID) == 0);
	CHECK(find(0, id) == r0);
	CHECK_EQ(bus_mmio_read(find(1, id), 1, id, 4), 0xffffffffu);
	/* a vCPU whose APIC is disabled in IA32_APIC_BASE sees the empty bus at the default page */
	CHECK_EQ(vlapic_set_base(&apic[1], APIC_DEFAULT_PHYS_BASE, TEST_PHYS_BITS), 0);
	CHECK(find(1, moved) == 0);
	CHECK_EQ(bus_mmio_read(find(1, id), 1, id, 4), 0xffffffffu);
	CHECK_EQ(bus_mmio_write(find(1, id), 1, APIC_DEFAULT_PHYS_BASE + APIC_REG_TPR, 4, 0x10), BUS_OK);
	CHECK_EQ(vlapic_read(&apic[0], APIC_REG_TPR, 4, 0), 0);
}

static void mmio_wr(uint64_t addr, unsigned vcpu, uint32_t val)
{
	const struct bus_range *r = find(vcpu, addr);
	CHECK(r != 0);
	if (r)
		CHECK_EQ(bus_mmio_write(r, vcpu, addr, 4, val), BUS_OK);
}

static void ioapic_rte(unsigned pin, uint64_t rte)
{
	mmio_wr(IOAPIC_DEFAULT_BASE + IOAPIC_IOREGSEL, 0, IOAPIC_IOREDTBL0 + 2 * pin + 1);
	mmio_wr(IOAPIC_DEFAULT_BASE + IOAPIC_IOWIN, 0, (uint32_t)(rte >> 32));
	mmio_wr(IOAPIC_DEFAULT_BASE + IOAPIC_IOREGSEL, 0, IOAPIC_IOREDTBL0 + 2 * pin);
	mmio_wr(IOAPIC_DEFAULT_BASE + IOAPIC_IOWIN, 0, (uint32_t)rte);
}

/* Both APICs software-enabled, so that they accept interrupts. */
static void enable_apics(void)
{
	for (unsigned i = 0; i < 2; i++)
		mmio_wr(APIC_DEFAULT_PHYS_BASE + APIC_REG_SVR, i, 0x1ff);
}

/* The UART's THRE interrupt toggled: its line falls (IIR read) and rises (IER rewritten). */
static void uart_edge(void)
{
	in(UART_COM1_BASE + UART_IIR, 1);
	out(UART_COM1_BASE + UART_IER, 1, 0);
	out(UART_COM1_BASE + UART_IER, 1, UART_IER_ETBEI);
}

static void test_uart_irq_line(void)
{
	setup();
	enable_apics();
	/* The I/O APIC, with the ID after the two CPUs', masks everything at power-up. */
	CHECK_EQ(p.ioapic.id, 2u << 24);
	out(UART_COM1_BASE + UART_IER, 1, UART_IER_ETBEI);
	CHECK_EQ(p.ioapic.asserted, 1u << 4);
	CHECK_EQ(irqs.count[0] + irqs.count[1], 0);
	/* Pin 4 to APIC 1, physical: unmasked while the UART still asserts it, it sends the edge it saw masked, to vCPU 1. */
	ioapic_rte(4, 0x34 | 1ULL << 56);
	CHECK_EQ(irqs.count[1], 1);
	CHECK_EQ(irqs.count[0], 0);
	CHECK_EQ(irqs.vector[1], 0x34);
	CHECK(!irqs.level[1]);
	CHECK(irqs.irq_locked);
	CHECK(!irqs.con_locked);
	CHECK_EQ(vlapic_irr_word(&apic[1], 1), 1u << (0x34 - 32));
	/* The UART's next rising edge, under the console lock, then the I/O APIC's lock. */
	uart_edge();
	CHECK_EQ(irqs.count[1], 2);
	CHECK(irqs.irq_locked);
	CHECK(irqs.con_locked);
	CHECK(!spin_is_locked(&p.irq_lock));
	CHECK(!spin_is_locked(&con_lock));
	/* An edge whose line fell again while the pin was masked is gone. */
	ioapic_rte(4, 0x34 | IOAPIC_RTE_MASK | 1ULL << 56);
	uart_edge();
	in(UART_COM1_BASE + UART_IIR, 1);
	CHECK_EQ(p.ioapic.asserted, 0);
	ioapic_rte(4, 0x34 | 1ULL << 56);
	CHECK_EQ(irqs.count[1], 2);
	/* ISA IRQ 0 is wired to pin 2, every other IRQ to its own pin. */
	CHECK_EQ(isa_irq_gsi(0), 2);
	CHECK_EQ(isa_irq_gsi(4), 4);
	CHECK_EQ(isa_irq_gsi(15), 15);
}

static void test_destinations(void)
{
	setup();
	enable_apics();
	out(UART_COM1_BASE + UART_IER, 1, UART_IER_ETBEI);
	/* Physical broadcast: both. */
	ioapic_rte(4, 0x35 | 0xffULL << 56);
	CHECK_EQ(irqs.count[0], 1);
	CHECK_EQ(irqs.count[1], 1);
	/* Logical, flat model: LDR bits 0x01 and 0x02; destination 0x02 is vCPU 1 only. */
	mmio_wr(APIC_DEFAULT_PHYS_BASE + APIC_REG_LDR, 0, 0x01000000u);
	mmio_wr(APIC_DEFAULT_PHYS_BASE + APIC_REG_LDR, 1, 0x02000000u);
	ioapic_rte(4, 0x36 | IOAPIC_RTE_DESTMOD | 0x02ULL << 56);
	uart_edge();
	CHECK_EQ(irqs.count[0], 1);
	CHECK_EQ(irqs.count[1], 2);
	CHECK_EQ(irqs.vector[1], 0x36);
	/* Lowest priority to the set 0x03: the first of it, vCPU 0. */
	ioapic_rte(4, 0x37 | (uint64_t)IOAPIC_DELMOD_LOWEST << 8 | IOAPIC_RTE_DESTMOD | 0x03ULL << 56);
	uart_edge();
	CHECK_EQ(irqs.count[0], 2);
	CHECK_EQ(irqs.count[1], 2);
	/* Cluster model: cluster 2, bits 0x1 and 0x2; destination 0x22 is vCPU 1, 0x12 nobody. */
	for (unsigned i = 0; i < 2; i++) {
		mmio_wr(APIC_DEFAULT_PHYS_BASE + APIC_REG_DFR, i, 0x0fffffffu);
		mmio_wr(APIC_DEFAULT_PHYS_BASE + APIC_REG_LDR, i, (0x20u | (1u << i)) << 24);
	}
	ioapic_rte(4, 0x38 | IOAPIC_RTE_DESTMOD | 0x22ULL << 56);
	uart_edge();
	CHECK_EQ(irqs.count[0], 2);
	CHECK_EQ(irqs.count[1], 3);
	ioapic_rte(4, 0x38 | IOAPIC_RTE_DESTMOD | 0x12ULL << 56);
	uart_edge();
	CHECK_EQ(irqs.count[0] + irqs.count[1], 5);
	/* Physical APIC 5 does not exist: nobody. */
	ioapic_rte(4, 0x39 | 5ULL << 56);
	uart_edge();
	CHECK_EQ(irqs.count[0] + irqs.count[1], 5);
}

static void test_level_eoi(void)
{
	setup();
	enable_apics();
	ioapic_rte(4, 0x44 | IOAPIC_RTE_TRIGGER_MODE);      /* level, to APIC 0 */
	out(UART_COM1_BASE + UART_IER, 1, UART_IER_ETBEI);
	CHECK_EQ(irqs.count[0], 1);
	CHECK(irqs.level[0]);
	CHECK_EQ(vlapic_tmr_word(&apic[0], 2), 1u << (0x44 - 64));         /* accepted as level-triggered */
	CHECK_EQ(p.ioapic.redtbl[4] & IOAPIC_RTE_REMOTE_IRR, IOAPIC_RTE_REMOTE_IRR);
	/* The guest takes it and ends it with the line still high: the EOI reaches the I/O APIC, which sends again. */
	vlapic_ack(&apic[0], 0x44);
	mmio_wr(APIC_DEFAULT_PHYS_BASE + APIC_REG_EOI, 0, 0);
	CHECK_EQ(irqs.count[0], 2);
	CHECK(!spin_is_locked(&p.irq_lock));
	/* Line low (IIR read), then EOI: Remote IRR cleared, nothing sent. */
	vlapic_ack(&apic[0], 0x44);
	in(UART_COM1_BASE + UART_IIR, 1);
	mmio_wr(APIC_DEFAULT_PHYS_BASE + APIC_REG_EOI, 0, 0);
	CHECK_EQ(irqs.count[0], 2);
	CHECK_EQ(p.ioapic.redtbl[4] & IOAPIC_RTE_REMOTE_IRR, 0);
	/* An edge-triggered vector's EOI does not reach the I/O APIC. */
	ioapic_rte(4, 0x45);
	out(UART_COM1_BASE + UART_IER, 1, 0);
	out(UART_COM1_BASE + UART_IER, 1, UART_IER_ETBEI);
	CHECK_EQ(irqs.count[0], 3);
	CHECK_EQ(vlapic_tmr_word(&apic[0], 2) & 1u << (0x45 - 64), 0);
	p.ioapic.redtbl[4] |= IOAPIC_RTE_REMOTE_IRR;         /* would be cleared by an EOI reaching it */
	vlapic_ack(&apic[0], 0x45);
	mmio_wr(APIC_DEFAULT_PHYS_BASE + APIC_REG_EOI, 0, 0);
	CHECK(p.ioapic.redtbl[4] & IOAPIC_RTE_REMOTE_IRR);
}

/* The UART's IRQ 4 at the PIC: INTR to the vCPUs that take ExtINT, the vector from the acknowledge. */
static void test_extint(void)
{
	uint8_t vector = 0;
	setup();
	vlapic_virtual_wire(&apic[0]);
	CHECK(vlapic_takes_extint(&apic[0]));
	CHECK(!vlapic_takes_extint(&apic[1]));
	/* IRQ 4 is masked as the platform starts. */
	out(UART_COM1_BASE + UART_IER, 1, UART_IER_ETBEI);
	CHECK(!platform_extint(&p));
	CHECK_EQ(extints.count[0], 0);
	CHECK(!platform_take_extint(&p, &vector));
	out(PIC_MASTER_DATA, 1, 0xeb);
	CHECK(platform_extint(&p));
	CHECK_EQ(extints.count[0], 1);
	CHECK_EQ(extints.count[1], 0);
	CHECK(extints.irq_locked);
	CHECK(platform_take_extint(&p, &vector));
	CHECK_EQ(vector, PIC_BIOS_MASTER_BASE + 4);
	CHECK(!platform_extint(&p));
	CHECK(!spin_is_locked(&p.irq_lock));
	/* The I/O APIC's pin 4 saw the same line, masked: nothing went to the local APICs. */
	CHECK_EQ(p.ioapic.asserted, 1u << 4);
	CHECK_EQ(irqs.count[0] + irqs.count[1], 0);
	/* EOI; the next edge reaches vCPU 0, and vCPU 1 too once its APIC is disabled (LINT0 is then INTR). */
	out(PIC_MASTER_CMD, 1, 0x20);
	CHECK_EQ(vlapic_set_base(&apic[1], APIC_DEFAULT_PHYS_BASE, TEST_PHYS_BITS), 0);
	CHECK(vlapic_takes_extint(&apic[1]));
	uart_edge();
	CHECK_EQ(extints.count[0], 2);
	CHECK_EQ(extints.count[1], 1);
	CHECK(platform_take_extint(&p, &vector));
	CHECK(!platform_take_extint(&p, &vector));   /* the first acknowledge took it */
	/* LINT0 masked by the guest: not told. */
	out(PIC_MASTER_CMD, 1, 0x20);
	mmio_wr(APIC_DEFAULT_PHYS_BASE + APIC_REG_LVT_LINT0, 0, 0x10700);
	CHECK(!vlapic_takes_extint(&apic[0]));
	uart_edge();
	CHECK_EQ(extints.count[0], 2);
	CHECK_EQ(extints.count[1], 2);
}

/* kvm-unit-tests' realmode sequence: IRQ 11 pulsed through the test device, vector 0x73 from the slave. */
static void test_testdev(void)
{
	uint8_t vector = 0;
	setup();
	CHECK(bus_find(&p.bus.port, TESTDEV_PORT_IRQ) == 0);
	CHECK(bus_find(&p.bus.port, TESTDEV_PORT_SCRATCH) == 0);
	setup_with(true);
	vlapic_virtual_wire(&apic[0]);
	out(TESTDEV_PORT_SCRATCH, 4, 0xdeadbeef);
	CHECK_EQ(in(TESTDEV_PORT_SCRATCH, 4), 0xdeadbeef);
	out(TESTDEV_PORT_IRQ + 11, 4, 1);
	CHECK_EQ(p.ioapic.asserted, 1u << 11);
	out(TESTDEV_PORT_IRQ + 11, 4, 0);
	CHECK_EQ(p.ioapic.asserted, 0);
	CHECK_EQ(extints.count[0], 1);
	CHECK(platform_take_extint(&p, &vector));
	CHECK_EQ(vector, 0x73);
	/* Lines 16-23 reach the I/O APIC only; line 0 reaches its pin 2. */
	out(TESTDEV_PORT_IRQ + 20, 1, 1);
	out(TESTDEV_PORT_IRQ + 0, 1, 1);
	CHECK_EQ(p.ioapic.asserted, 1u << 20 | 1u << 2);
	CHECK_EQ(extints.count[0], 1);
}

static void put64(uint64_t gpa, uint64_t val)
{
	memcpy(ram + gpa, &val, sizeof val);
}

static uint64_t bar_rd(uint64_t addr, unsigned size)
{
	return bus_mmio_read(bus_find(&p.bus.mmio, addr), 0, addr, size);
}

static void bar_wr(uint64_t addr, unsigned size, uint64_t val)
{
	bus_mmio_write(bus_find(&p.bus.mmio, addr), 0, addr, size, val);
}

static void cfg_wr(unsigned reg, unsigned size, uint32_t val)
{
	out(PCI_CONFIG_ADDRESS, 4, PCI_CFG_ENABLE | PLATFORM_EDU_DEVFN << 8 | (reg & 0xfc));
	out((uint16_t)(PCI_CONFIG_DATA + (reg & 3)), size, val);
}

static void edu_dma(uint64_t iova, uint32_t cmd)
{
	uint64_t bar = PCI_CFG_WINDOW_BASE;
	bar_wr(bar + EDU_DMA_SRC, 8, cmd & EDU_DMA_TO_RAM ? EDU_DMA_BUF : iova);
	bar_wr(bar + EDU_DMA_DST, 8, cmd & EDU_DMA_TO_RAM ? iova : EDU_DMA_BUF);
	bar_wr(bar + EDU_DMA_COUNT, 8, 4);
	bar_wr(bar + EDU_DMA_CMD, 4, cmd | EDU_DMA_RUN);
}

static void test_pci_iommu(void)
{
	setup();
	CHECK(bus_find(&p.bus.mmio, VTD_DEFAULT_BASE) == 0);
	CHECK(bus_find(&p.bus.mmio, PCI_CFG_WINDOW_BASE) == 0);
	out(PCI_CONFIG_ADDRESS, 4, PCI_CFG_ENABLE | PLATFORM_EDU_DEVFN << 8);
	CHECK_EQ(in(PCI_CONFIG_DATA, 4), 0xffffffffu);
	memset(ram, 0, sizeof ram);
	setup_env(false, true);
	out(PCI_CONFIG_ADDRESS, 4, PCI_CFG_ENABLE | PLATFORM_EDU_DEVFN << 8);
	CHECK_EQ(in(PCI_CONFIG_DATA, 4), PCI_DEVICE_ID_EDU << 16 | PCI_VENDOR_ID_QEMU);
	cfg_wr(PCI_COMMAND, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	/* Translation: IOVA 0 of 00:02.0 to 0x3000, through a root table at 0x1000 and a 3-level table at 0x10000. */
	put64(0x1000, 0x2000 | VTD_ROOT_P);
	put64(0x2000 + PLATFORM_EDU_DEVFN * 16, 0x10000 | VTD_CTX_P);
	put64(0x2000 + PLATFORM_EDU_DEVFN * 16 + 8, VTD_CTX_AW_39);
	put64(0x10000, 0x11000 | VTD_SL_R | VTD_SL_W);
	put64(0x11000, 0x12000 | VTD_SL_R | VTD_SL_W);
	put64(0x12000, 0x3000 | VTD_SL_R | VTD_SL_W);
	bar_wr(VTD_DEFAULT_BASE + VTD_RTADDR_REG, 8, 0x1000);
	bar_wr(VTD_DEFAULT_BASE + VTD_GCMD_REG, 4, VTD_GCMD_SRTP);
	bar_wr(VTD_DEFAULT_BASE + VTD_GCMD_REG, 4, VTD_GCMD_SRTP | VTD_GCMD_TE);
	memcpy(ram + 0x3000, "dma!", 4);
	edu_dma(0, 0);
	edu_dma(8, EDU_DMA_TO_RAM);
	CHECK(memcmp(ram + 0x3008, "dma!", 4) == 0);
	CHECK(memcmp(ram + 0x8, "dma!", 4) != 0);
	/* An IOVA the table lacks: blocked, and the fault's event goes to vCPU 1 once unmasked. */
	bar_wr(VTD_DEFAULT_BASE + VTD_FEDATA_REG, 4, 0x45);
	bar_wr(VTD_DEFAULT_BASE + VTD_FEADDR_REG, 4, 0xfee01000);
	bar_wr(VTD_DEFAULT_BASE + VTD_FECTL_REG, 4, 0);
	edu_dma(0x5000, EDU_DMA_TO_RAM);
	CHECK_EQ(bar_rd(VTD_DEFAULT_BASE + VTD_FSTS_REG, 4), VTD_FSTS_PPF);
	CHECK_EQ(irqs.count[1], 1);
	CHECK_EQ(irqs.vector[1], 0x45);
	CHECK(irqs.irq_locked);
	/* Interrupt remapping: entry 1 vector 0xee to APIC 1, entry 2 vector 0xed to APIC 0. */
	put64(0x20000 + 16, VTD_IRTE_P | 0xeeULL << VTD_IRTE_V_SHIFT | 1ULL << VTD_IRTE_DST_XAPIC_SHIFT);
	put64(0x20000 + 32, VTD_IRTE_P | 0xedULL << VTD_IRTE_V_SHIFT);
	bar_wr(VTD_DEFAULT_BASE + VTD_IRTA_REG, 8, 0x20000 | 0xf);
	bar_wr(VTD_DEFAULT_BASE + VTD_GCMD_REG, 4, VTD_GCMD_TE | VTD_GCMD_SIRTP);
	bar_wr(VTD_DEFAULT_BASE + VTD_GCMD_REG, 4, VTD_GCMD_TE | VTD_GCMD_IRE);
	/* edu's INTA# at pin 16, its entry remappable with index 2. */
	bar_wr(IOAPIC_DEFAULT_BASE + IOAPIC_IOREGSEL, 4, IOAPIC_IOREDTBL0 + 2 * PLATFORM_EDU_GSI);
	bar_wr(IOAPIC_DEFAULT_BASE + IOAPIC_IOWIN, 4, 0xed);
	bar_wr(IOAPIC_DEFAULT_BASE + IOAPIC_IOREGSEL, 4, IOAPIC_IOREDTBL0 + 2 * PLATFORM_EDU_GSI + 1);
	bar_wr(IOAPIC_DEFAULT_BASE + IOAPIC_IOWIN, 4, (uint32_t)((IOAPIC_RTE_IF | 2ULL << IOAPIC_RTE_INDEX_SHIFT) >> 32));
	bar_wr(PCI_CFG_WINDOW_BASE + EDU_INTR_RAISE, 4, 1);
	CHECK_EQ(irqs.count[0], 1);
	CHECK_EQ(irqs.vector[0], 0xed);
	bar_wr(PCI_CFG_WINDOW_BASE + EDU_INTR_ACK, 4, 1);
	CHECK_EQ(p.ioapic.asserted, 0);
	/* edu's MSI in remappable format, handle 1: vector 0xee at vCPU 1. */
	cfg_wr(0x40 + PCI_MSI_ADDRESS_LO, 4, 0xfee00000 | 1 << VTD_MSI_HANDLE_SHIFT | VTD_MSI_IF);
	cfg_wr(0x40 + PCI_MSI_FLAGS, 2, PCI_MSI_FLAGS_ENABLE);
	bar_wr(PCI_CFG_WINDOW_BASE + EDU_INTR_RAISE, 4, 1);
	CHECK_EQ(irqs.count[1], 2);
	CHECK_EQ(irqs.vector[1], 0xee);
	CHECK_EQ(irqs.count[0], 1);
	/* A message the table does not have: blocked. */
	cfg_wr(0x40 + PCI_MSI_ADDRESS_LO, 4, 0xfee00000 | 3 << VTD_MSI_HANDLE_SHIFT | VTD_MSI_IF);
	bar_wr(PCI_CFG_WINDOW_BASE + EDU_INTR_RAISE, 4, 1);
	CHECK_EQ(irqs.count[0] + irqs.count[1], 3);
}

static void test_power(void)
{
	setup();
	CHECK_EQ(out(0xb004, 2, 0x2000), BUS_DOMAIN_ENDED);    /* PM1_CNT: SLP_TYP 0 (S5) | SLP_EN */
	CHECK_EQ(dom.offs, 1);
	CHECK_EQ(dom.resets, 0);
	CHECK_EQ(out(RST_CNT_PORT, 1, RST_CNT_COLD_RESET), BUS_DOMAIN_ENDED);
	CHECK_EQ(dom.resets, 1);
	CHECK(dom.power_locked);                               /* RST_CNT is state under the platform lock */
	CHECK(!spin_is_locked(&p.lock));
	CHECK_EQ(out(0xcf8, 4, 0x80000400u), BUS_OK);          /* CONFIG_ADDRESS, never a reset */
	CHECK_EQ(dom.offs + dom.resets + dom.ended, 2);
}

/*
 * S3 through PM1_CNT: the domain is asked to sleep until the RTC's alarm
 * when RTC_EN lets that wake it, and told 0 (only its power button wakes
 * it) otherwise. On the way to sleep WAK_STS, and RTC_STS with an alarm,
 * are set, and with RTC_EN the SCI on IRQ 9 rises, at the I/O APIC and
 * the PIC, until RTC_STS is cleared.
 */
static void test_sleep(void)
{
	setup();
	out(0x70, 1, 0x0b);
	out(0x71, 1, 0x02 | 0x20);                              /* register B: 24-hour, AIE */
	for (unsigned reg = 1; reg <= 5; reg += 2) {
		out(0x70, 1, reg);
		out(0x71, 1, 0xc0);                                 /* every alarm field "don't care": each second */
	}
	dom.cannot_wake = true;                                 /* no one to press the button: it ends, no status */
	CHECK_EQ(out(0xb004, 2, 0x2400), BUS_DOMAIN_ENDED);
	CHECK_EQ(in(0xb000, 2), 0);
	dom.cannot_wake = false;
	dom.sleeps--;
	CHECK_EQ(out(0xb004, 2, 0x2400), BUS_OK);              /* S3 without RTC_EN: until the power button */
	CHECK_EQ(dom.sleeps, 1);
	CHECK_EQ(dom.wake_tsc, 0);
	CHECK_EQ(in(0xb000, 2), 0x8000);                        /* WAK_STS alone */
	platform_power_button(&p);                              /* wakes it: PWRBTN_STS, no SCI (PWRBTN_EN clear) */
	CHECK_EQ(dom.wakes, 1);
	CHECK_EQ(dom.asleep_until, 0);
	CHECK_EQ(in(0xb000, 2), 0x8100);
	CHECK_EQ(p.ioapic.asserted & 1u << 9, 0);
	CHECK_EQ(out(0xb000, 2, 0x8100), BUS_OK);

	CHECK_EQ(out(0xb002, 2, 0x0400), BUS_OK);              /* RTC_EN */
	CHECK_EQ(in(0xb002, 2), 0x0400);
	uint64_t before = rdtsc();
	CHECK_EQ(out(0xb004, 2, 0x2400), BUS_OK);              /* S3: it sleeps */
	CHECK_EQ(dom.sleeps, 2);
	/* The next second's update, at most a second of TSC (1 MHz here) away. */
	CHECK(dom.wake_tsc > before && dom.wake_tsc <= rdtsc() + 1000000);
	CHECK_EQ(dom.offs + dom.resets + dom.ended, 0);
	CHECK_EQ(in(0xb000, 2), 0x8400);                        /* WAK_STS | RTC_STS */
	CHECK_EQ(in(0xb004, 2), 0x0401);                        /* SLP_TYP kept, SLP_EN reads 0, SCI_EN 1 */
	dom.asleep_until = 0;                                   /* the alarm woke it */
	CHECK(p.ioapic.asserted & 1u << 9);
	CHECK(p.pic.chip[1].line & 1u << 1);                   /* the slave's IR1 */
	CHECK_EQ(out(0xb000, 2, 0x0400), BUS_OK);              /* clear RTC_STS: the SCI falls */
	CHECK_EQ(p.ioapic.asserted & 1u << 9, 0);
	CHECK_EQ(p.pic.chip[1].line & 1u << 1, 0);
	CHECK_EQ(in(0xb000, 2), 0x8000);
	CHECK_EQ(out(0xb001, 1, 0x80), BUS_OK);                /* WAK_STS, cleared by its own byte */
	CHECK_EQ(in(0xb000, 4), 0x04000000u);                  /* PM1_EN in the high half */

	/* The power button while it runs, with PWRBTN_EN: the SCI; the domain is not asleep. */
	CHECK_EQ(out(0xb002, 2, 0x0500), BUS_OK);
	platform_power_button(&p);
	CHECK_EQ(dom.wakes, 2);
	CHECK_EQ(in(0xb000, 2), 0x0100);
	CHECK(p.ioapic.asserted & 1u << 9);
	CHECK_EQ(out(0xb000, 2, 0x0100), BUS_OK);
	CHECK_EQ(p.ioapic.asserted & 1u << 9, 0);
	/* Asleep until an alarm a day away, woken by the button: RTC_STS taken back. */
	CHECK_EQ(out(0xb004, 2, 0x2400), BUS_OK);
	CHECK_EQ(dom.sleeps, 3);
	CHECK_EQ(in(0xb000, 2), 0x8400);
	dom.asleep_until = rdtsc() + 86400ull * 1000000;
	platform_power_button(&p);
	CHECK_EQ(in(0xb000, 2), 0x8100);
	CHECK(p.ioapic.asserted & 1u << 9);                     /* PWRBTN_STS with PWRBTN_EN */
	CHECK_EQ(out(0xb000, 2, 0x8100), BUS_OK);
	CHECK_EQ(out(0xb002, 2, 0x0400), BUS_OK);

	/* A sleep type \_S3 and \_S5 do not name (S1's 2) wakes at once: WAK_STS, no call, no SCI. */
	CHECK_EQ(out(0xb004, 2, 0x2800), BUS_OK);
	CHECK_EQ(dom.sleeps, 3);
	CHECK_EQ(in(0xb000, 2), 0x8000);
	CHECK_EQ(p.ioapic.asserted & 1u << 9, 0);
	/* SLP_TYP without SLP_EN does nothing. */
	CHECK_EQ(out(0xb004, 2, 0x0400), BUS_OK);
	CHECK_EQ(dom.sleeps, 3);
}

int main(void)
{
	RUN(test_ports);
	RUN(test_sleep);
	RUN(test_exit_port);
	RUN(test_lapic_per_vcpu);
	RUN(test_uart_irq_line);
	RUN(test_destinations);
	RUN(test_level_eoi);
	RUN(test_extint);
	RUN(test_testdev);
	RUN(test_power);
	RUN(test_pci_iommu);
	return CHECK_EXIT();
}
