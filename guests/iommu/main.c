/*
 * iommu: the domain's VT-d unit and edu device (viommu = 1, edu = 1) driven
 * as a driver would and as a hostile guest would, each answer checked
 * against the VT-d specification or docs/platform.md. First what works:
 * edu at 00:02.0 with its BAR in the PCI window, DMA with translation off,
 * a 3-level context translating an IOVA, an MSI in remappable format and
 * the fault event arriving as interrupts, a wait descriptor's status write.
 * Then what a guest may try: DMA to an IOVA its tables lack, to RAM past
 * its end, onto the VT-d unit's registers, into the local APIC page;
 * tables, queues and remapping tables beyond its RAM; an interrupt entry
 * naming an APIC no vCPU has or a delivery mode the platform does not send;
 * narrow register accesses. Each must be refused the way the specification
 * says (a fault record, an invalidation queue error) or come to nothing,
 * and the domain keeps running: its last line is the summary.
 */
#include "check.h"
#include "guest.h"
#include "hw/apic.h"
#include "hw/edu.h"
#include "hw/pci.h"
#include "hw/vtd.h"
#include "io.h"
#include "irq.h"

#define TAG "iommu: "

#define EDU_DEVFN   0x10u                  /* 00:02.0 */
#define EDU_BAR     0xfe000000ULL
#define PAST_RAM    0x7ff00000ULL           /* far beyond a domain of a few MiB: no memory there */
#define PAGE        4096u

static uint8_t root[PAGE] __attribute__((aligned(PAGE)));
static uint8_t ctx[PAGE] __attribute__((aligned(PAGE)));
static uint64_t sl[3][512] __attribute__((aligned(PAGE)));
static uint8_t data[2][PAGE] __attribute__((aligned(PAGE)));
static uint64_t irt[256][2] __attribute__((aligned(PAGE)));
static uint64_t queue[256][2] __attribute__((aligned(PAGE)));
static volatile uint32_t status_word;

static inline uint32_t rd32(uint64_t a) { return *(volatile uint32_t *)(uintptr_t)a; }
static inline uint64_t rd64(uint64_t a) { return *(volatile uint64_t *)(uintptr_t)a; }
static inline void wr32(uint64_t a, uint32_t v) { *(volatile uint32_t *)(uintptr_t)a = v; }
static inline void wr64(uint64_t a, uint64_t v) { *(volatile uint64_t *)(uintptr_t)a = v; }

static uint32_t vtd32(unsigned reg) { return rd32(VTD_DEFAULT_BASE + reg); }
static uint64_t vtd64(unsigned reg) { return rd64(VTD_DEFAULT_BASE + reg); }
static void vtd_w32(unsigned reg, uint32_t v) { wr32(VTD_DEFAULT_BASE + reg, v); }
static void vtd_w64(unsigned reg, uint64_t v) { wr64(VTD_DEFAULT_BASE + reg, v); }

static uint32_t cfg32(unsigned reg)
{
	outl(PCI_CFG_ENABLE | EDU_DEVFN << PCI_CFG_DEVFN_SHIFT | reg, PCI_CONFIG_ADDRESS);
	return inl(PCI_CONFIG_DATA);
}

static void cfg_w32(unsigned reg, uint32_t v)
{
	outl(PCI_CFG_ENABLE | EDU_DEVFN << PCI_CFG_DEVFN_SHIFT | reg, PCI_CONFIG_ADDRESS);
	outl(v, PCI_CONFIG_DATA);
}

static uintptr_t pa(const volatile void *p)
{
	return (uintptr_t)p;   /* identity-mapped */
}

/* A DMA of n bytes: to_ram from the buffer to addr, else from addr to the buffer at offset 0. */
static void edu_dma(uint64_t addr, uint32_t n, bool to_ram)
{
	wr64(EDU_BAR + EDU_DMA_SRC, to_ram ? EDU_DMA_BUF : addr);
	wr64(EDU_BAR + EDU_DMA_DST, to_ram ? addr : EDU_DMA_BUF);
	wr64(EDU_BAR + EDU_DMA_COUNT, n);
	wr32(EDU_BAR + EDU_DMA_CMD, EDU_DMA_RUN | (to_ram ? EDU_DMA_TO_RAM : 0));
	if (rd32(EDU_BAR + EDU_DMA_CMD) & EDU_DMA_RUN)
		fail("DMA still running after its command");
}

static void command(uint32_t bit)
{
	vtd_w32(VTD_GCMD_REG, (vtd32(VTD_GSTS_REG) & ~(uint32_t)(VTD_GCMD_SRTP | VTD_GCMD_SIRTP)) | bit);
}

static unsigned frcd(void)
{
	return (unsigned)(vtd64(VTD_CAP_REG) >> VTD_CAP_FRO_SHIFT & 0x3ff) * 16;
}

/* The fault reason recorded since the last call (0: none), the record cleared. */
static unsigned take_fault(void)
{
	uint64_t hi = vtd64(frcd() + 8);
	if (!(hi & VTD_FRCD_F))
		return 0;
	vtd_w32(frcd() + 12, (uint32_t)(VTD_FRCD_F >> 32));
	vtd_w32(VTD_FSTS_REG, (uint32_t)(VTD_FSTS_PFO | VTD_FSTS_IQE));
	if ((hi & VTD_FRCD_SID_MASK) != EDU_DEVFN && (hi >> VTD_FRCD_FR_SHIFT & 0xff) < VTD_FR_IR_INDEX)
		fail("fault record names SID 0x%lx, not edu's", (unsigned long)(hi & VTD_FRCD_SID_MASK));
	return (unsigned)(hi >> VTD_FRCD_FR_SHIFT & 0xff);
}

static void expect(bool ok, const char *what)
{
	gprintf(TAG "%s: %s\n", what, ok ? "ok" : "WRONG");
	if (!ok)
		fail("%s", what);
}

static void check_discovery(void)
{
	expect(cfg32(PCI_VENDOR_ID) == (PCI_DEVICE_ID_EDU << 16 | PCI_VENDOR_ID_QEMU), "edu at 00:02.0");
	expect(cfg32(PCI_BASE_ADDRESS_0) == EDU_BAR, "its BAR at the PCI window's base");
	expect(rd32(EDU_BAR + EDU_ID) == EDU_ID_VALUE, "its identification register");
	cfg_w32(PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	expect(vtd32(VTD_VER_REG) == VTD_VER_1_0 && (vtd64(VTD_ECAP_REG) & VTD_ECAP_IR), "VT-d 1.0 with interrupt remapping");
}

static void check_translation(void)
{
	data[0][0] = 0x5a;
	edu_dma(pa(data[0]), 4, false);
	edu_dma(pa(data[1]), 4, true);
	expect(data[1][0] == 0x5a, "DMA with translation off goes to the address itself");
	/* IOVA 0 to data[1], read-write; IOVA 0x1000 to data[0], read-only. */
	uint64_t *re = (uint64_t *)root, *ce = (uint64_t *)ctx;
	re[0] = pa(ctx) | VTD_ROOT_P;
	ce[EDU_DEVFN * 2] = pa(sl[0]) | VTD_CTX_P;
	ce[EDU_DEVFN * 2 + 1] = VTD_CTX_AW_39 | 1 << 8;
	sl[0][0] = pa(sl[1]) | VTD_SL_R | VTD_SL_W;
	sl[1][0] = pa(sl[2]) | VTD_SL_R | VTD_SL_W;
	sl[2][0] = pa(data[1]) | VTD_SL_R | VTD_SL_W;
	sl[2][1] = pa(data[0]) | VTD_SL_R;
	vtd_w64(VTD_RTADDR_REG, pa(root));
	command(VTD_GCMD_SRTP);
	command(VTD_GCMD_TE);
	data[0][0] = 0xa5;
	edu_dma(0x1000, 4, false);
	edu_dma(0x0, 4, true);
	expect(data[1][0] == 0xa5 && take_fault() == 0, "DMA through the second-level table");
	edu_dma(0x1000, 4, true);
	expect(take_fault() == VTD_FR_WRITE, "DMA write to a read-only IOVA: fault 5");
	edu_dma(0x5000, 4, true);
	expect(take_fault() == VTD_FR_WRITE, "DMA to an IOVA the table lacks: fault 5");
	edu_dma(1ULL << 39, 4, false);
	/* The device drives 28 address bits: 2^39 arrives as IOVA 0, which is mapped. */
	expect(take_fault() == 0, "DMA address cut to the device's 28 bits");
}

/* Leaves that point where no RAM is: the DMA comes to nothing, the unit and the domain unchanged. */
static void check_hostile_dma(void)
{
	uint32_t gsts = vtd32(VTD_GSTS_REG);
	static const uint64_t targets[] = { PAST_RAM, VTD_DEFAULT_BASE, APIC_DEFAULT_PHYS_BASE, EDU_BAR };
	for (unsigned i = 0; i < sizeof targets / sizeof targets[0]; i++) {
		sl[2][2] = targets[i] | VTD_SL_R | VTD_SL_W;
		edu_dma(0x2000, 16, true);
		edu_dma(0x2000, 16, false);
	}
	expect(vtd32(VTD_GSTS_REG) == gsts && take_fault() == 0 && rd32(EDU_BAR + EDU_ID) == EDU_ID_VALUE,
	       "DMA onto memory-mapped devices and past RAM comes to nothing");
	/* Tables beyond RAM: the root's access fails (reason 8), then the context's (9). */
	vtd_w64(VTD_RTADDR_REG, PAST_RAM);
	command(VTD_GCMD_SRTP);
	edu_dma(0x0, 4, true);
	expect(take_fault() == VTD_FR_ROOT_ACCESS, "root table beyond RAM: fault 8");
	((uint64_t *)root)[0] = PAST_RAM | VTD_ROOT_P;
	vtd_w64(VTD_RTADDR_REG, pa(root));
	command(VTD_GCMD_SRTP);
	edu_dma(0x0, 4, true);
	expect(take_fault() == VTD_FR_CTX_ACCESS, "context table beyond RAM: fault 9");
	((uint64_t *)root)[0] = pa(ctx) | VTD_ROOT_P;
	/* A table that maps itself: each level finds the same page, which the DMA then reaches. */
	sl[2][3] = pa(sl[2]) | VTD_SL_R;
	edu_dma(0x3000, 8, false);
	expect(take_fault() == 0, "a table mapping itself is read like any page");
	command(0);   /* translation off */
}

static void check_queue(void)
{
	vtd_w64(VTD_IQA_REG, PAST_RAM | VTD_IQA_QS);
	vtd_w64(VTD_IQT_REG, 0);
	command(VTD_GCMD_QIE);
	vtd_w64(VTD_IQT_REG, 32767u << VTD_IQ_INDEX_SHIFT);
	expect((vtd32(VTD_FSTS_REG) & VTD_FSTS_IQE) && vtd64(VTD_IQH_REG) == 0, "a queue beyond RAM stops at its head");
	vtd_w32(VTD_FSTS_REG, (uint32_t)VTD_FSTS_IQE);
	command(0);
	vtd_w64(VTD_IQA_REG, pa(queue));
	command(VTD_GCMD_QIE);
	for (unsigned i = 0; i < 255; i++) {
		queue[i][0] = VTD_INV_WAIT | VTD_INV_WAIT_SW | (uint64_t)(i + 1) << VTD_INV_WAIT_SD_SHIFT;
		queue[i][1] = pa(&status_word);
	}
	queue[200][1] = PAST_RAM;
	vtd_w64(VTD_IQT_REG, 255u << VTD_IQ_INDEX_SHIFT);
	expect(status_word == 200 && (vtd32(VTD_FSTS_REG) & VTD_FSTS_IQE) && vtd64(VTD_IQH_REG) == 200u << 4,
	       "255 wait descriptors, one writing beyond RAM: 200 done, then IQE");
	queue[200][1] = pa(&status_word);
	vtd_w32(VTD_FSTS_REG, (uint32_t)VTD_FSTS_IQE);
	vtd_w64(VTD_IQT_REG, 255u << VTD_IQ_INDEX_SHIFT);
	expect(status_word == 255 && !(vtd32(VTD_FSTS_REG) & VTD_FSTS_IQE), "the queue runs on once IQE is cleared");
	command(0);
}

static void wait_irq(unsigned i, uint64_t before, const char *what)
{
	for (unsigned n = 0; n < 1000000 && irq_count[i] == before; n++)
		cpu_pause();
	expect(irq_count[i] == before + 1, what);
}

static void check_interrupts(void)
{
	irq_init();
	wr32(APIC_DEFAULT_PHYS_BASE + APIC_REG_SVR, 0x1ff);
	irq_enable();
	/* Entry 1: vector IRQ_VEC_A to APIC 0; entry 2 to APIC 7, which no vCPU has; entry 3 an NMI. */
	irt[1][0] = VTD_IRTE_P | (uint64_t)IRQ_VEC_A << VTD_IRTE_V_SHIFT;
	irt[2][0] = VTD_IRTE_P | (uint64_t)IRQ_VEC_A << VTD_IRTE_V_SHIFT | 7ULL << VTD_IRTE_DST_XAPIC_SHIFT;
	irt[3][0] = VTD_IRTE_P | 4ULL << VTD_IRTE_DLM_SHIFT | (uint64_t)IRQ_VEC_A << VTD_IRTE_V_SHIFT;
	vtd_w64(VTD_IRTA_REG, pa(irt) | 3);   /* 16 entries */
	command(VTD_GCMD_SIRTP);
	command(VTD_GCMD_IRE);
	cfg_w32(0x40 + PCI_MSI_ADDRESS_HI, 0);
	cfg_w32(0x40 + PCI_MSI_DATA_64, 0);
	cfg_w32(0x40 + PCI_MSI_FLAGS, PCI_MSI_FLAGS_ENABLE);
	for (unsigned index = 1; index <= 4; index++) {
		uint64_t before = irq_count[0];
		cfg_w32(0x40 + PCI_MSI_ADDRESS_LO, 0xfee00000u | index << VTD_MSI_HANDLE_SHIFT | (uint32_t)VTD_MSI_IF);
		wr32(EDU_BAR + EDU_INTR_RAISE, 1);
		wr32(EDU_BAR + EDU_INTR_ACK, 1);
		if (index == 1)
			wait_irq(0, before, "MSI through interrupt remapping entry 1");
		else
			expect(irq_count[0] == before, index == 2 ? "an entry naming APIC 7: delivered nowhere"
			                                          : index == 3 ? "an NMI entry: not sent" : "entry 4, not present: blocked");
	}
	expect(take_fault() == VTD_FR_IR_NP, "the absent entry's fault: 0x22");
	/* Index 16 is past the table's 16 entries; a table beyond RAM cannot be read. */
	cfg_w32(0x40 + PCI_MSI_ADDRESS_LO, 0xfee00000u | 16 << VTD_MSI_HANDLE_SHIFT | (uint32_t)VTD_MSI_IF);
	wr32(EDU_BAR + EDU_INTR_RAISE, 1);
	wr32(EDU_BAR + EDU_INTR_ACK, 1);
	expect(take_fault() == VTD_FR_IR_INDEX, "an index past the table: fault 0x21");
	vtd_w64(VTD_IRTA_REG, PAST_RAM | 3);
	command(VTD_GCMD_SIRTP);
	cfg_w32(0x40 + PCI_MSI_ADDRESS_LO, 0xfee00000u | 1 << VTD_MSI_HANDLE_SHIFT | (uint32_t)VTD_MSI_IF);
	wr32(EDU_BAR + EDU_INTR_RAISE, 1);
	wr32(EDU_BAR + EDU_INTR_ACK, 1);
	expect(take_fault() == VTD_FR_IR_ACCESS, "a remapping table beyond RAM: fault 0x23");
	/* The fault event, unmasked: IRQ_VEC_B at APIC 0 for the next fault. */
	uint64_t before = irq_count[1];
	vtd_w32(VTD_FEDATA_REG, IRQ_VEC_B);
	vtd_w32(VTD_FEADDR_REG, 0xfee00000u);
	vtd_w32(VTD_FECTL_REG, 0);
	wr32(EDU_BAR + EDU_INTR_RAISE, 1);
	wr32(EDU_BAR + EDU_INTR_ACK, 1);
	wait_irq(1, before, "the fault event interrupt");
	take_fault();
	vtd_w32(VTD_FECTL_REG, (uint32_t)VTD_ECTL_IM);
	cfg_w32(0x40 + PCI_MSI_FLAGS, 0);
	command(0);
	irq_disable();
}

static void check_narrow_accesses(void)
{
	uint32_t gsts = vtd32(VTD_GSTS_REG);
	*(volatile uint16_t *)(uintptr_t)(VTD_DEFAULT_BASE + VTD_GCMD_REG + 2) = 0xffff;
	*(volatile uint8_t *)(uintptr_t)(VTD_DEFAULT_BASE + VTD_GCMD_REG + 3) = 0xff;
	uint8_t ver = *(volatile uint8_t *)(uintptr_t)(VTD_DEFAULT_BASE + VTD_VER_REG);
	expect(vtd32(VTD_GSTS_REG) == gsts && ver == VTD_VER_1_0, "byte and word accesses: reads answer, writes do nothing");
}

int guest_main(const struct hinoki_bootinfo *bi)
{
	(void)bi;
	serial_init();
	gprintf(TAG "started\n");
	check_discovery();
	check_translation();
	check_hostile_dma();
	check_queue();
	check_interrupts();
	check_narrow_accesses();
	int code = check_summary(TAG);
	gprintf(TAG "exit code %d\n", code);
	return code;
}
