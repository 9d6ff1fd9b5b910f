/*
 * A domain's PC platform (docs/platform.md): its device bus and the state
 * of every device on it, set up in one place. The domain embeds one and
 * gives it, through struct platform_env, what the devices must not reach
 * for themselves: its console, its exit, its console lock. Which lock
 * guards which state:
 *   - the domain's console lock: the UART (its vCPUs' accesses and CPU 0's
 *     input poll), and the console line its output feeds;
 *   - `lock`: fw_cfg, the RTC/CMOS, PCI configuration and port 0x61,
 *     whose state spans several exits of any vCPU (a selector and its
 *     reads, an RTC or PCI address);
 *   - none: the PM timer (read-only after creation), the exit port
 *     (stateless), the local APICs (each touched only by its vCPU's CPU;
 *     IPIs from other vCPUs use atomics, dev/lapic.c);
 *   - `irq_lock`: the I/O APIC and the PIC/ELCR, which devices under
 *     other locks drive (the UART under the console lock), whose
 *     registers serve every vCPU, and which the local APICs' EOIs and the
 *     vCPUs' acknowledges of the PIC's interrupts reach; and the IOMMU,
 *     which every interrupt message and every DMA passes;
 *   - the ACPI PM1 registers and the reset control's RST_CNT: `lock`
 *     (the PM1 registers read the RTC's alarm as the domain sleeps); the
 *     test device: none (byte stores; its lines take irq_lock); the edu
 *     device: `lock`, with its configuration space (its DMA and MSIs take
 *     irq_lock).
 * The bus takes a range's lock around each device call, so the devices
 * themselves take none.
 *
 * Lock order: `lock` (a sleep then takes what ops->sleep takes: the
 * console lock, the scheduler's run-queue locks), the console lock, then
 * irq_lock, then whatever ops->deliver and ops->extint take (the
 * scheduler's run-queue locks). A line is driven with the console lock
 * held; the I/O APIC and the PIC call nothing but those two, and neither
 * takes the console lock or irq_lock.
 */
#ifndef DEV_PLATFORM_H
#define DEV_PLATFORM_H

#include <stdbool.h>
#include <stdint.h>
#include "dev/acpi_pm.h"
#include "dev/bus.h"
#include "dev/edu.h"
#include "dev/exit_port.h"
#include "dev/fw_cfg.h"
#include "dev/ioapic.h"
#include "dev/lapic.h"
#include "dev/nmi_sc.h"
#include "dev/pci_cfg.h"
#include "dev/pic.h"
#include "dev/pmtimer.h"
#include "dev/rtc.h"
#include "dev/reset_control.h"
#include "dev/testdev.h"
#include "dev/uart.h"
#include "dev/vtd.h"
#include "hinoki/limits.h"
#include "hw/vga.h"
#include "lib/spinlock.h"

/* What the guest asked of the platform's power: ACPI S5, or a reset through port 0xCF9. */
enum platform_power {
	PLATFORM_POWER_OFF,
	PLATFORM_POWER_RESET,
};

/* What the platform asks of the domain, which gives these as one table for all its domains. */
struct platform_ops {
	/*
	 * A fixed interrupt `vector` for vCPU `vcpu` (level: level-triggered);
	 * whether its local APIC accepted it. Called from any CPU, with
	 * irq_lock held: it must wake or kick the vCPU itself.
	 */
	bool (*deliver)(void *ctx, unsigned vcpu, unsigned vector, bool level);
	/*
	 * The PIC's INTR rose and vCPU `vcpu`'s local APIC takes ExtINT: it
	 * must look (platform_take_extint()) once its guest can take an
	 * interrupt. Called from any CPU with irq_lock held: it wakes or
	 * kicks the vCPU itself.
	 */
	void (*extint)(void *ctx, unsigned vcpu);
	void (*power)(void *ctx, enum platform_power what);   /* the guest powered off or reset its machine */
	/*
	 * ACPI S3, suspend to RAM: every processor stops as at a reset, and
	 * the first starts again at the waking vector the guest put in the
	 * FACS once the TSC reaches wake_tsc, or at `wake`; wake_tsc 0: only
	 * `wake` ends the sleep. Whether the domain sleeps (false: it ended
	 * instead, nothing being able to wake it). `lock` held.
	 */
	bool (*sleep)(void *ctx, uint64_t wake_tsc);
	/*
	 * A wake event from outside (the power button): a sleeping domain's
	 * first processor starts again at once. The wake_tsc its sleep had
	 * (PLATFORM_WAKE_NO_TIME for none), or 0 when it was not asleep.
	 * `lock` held.
	 */
	uint64_t (*wake)(void *ctx);
};

#define PLATFORM_WAKE_NO_TIME UINT64_MAX

struct platform_env {
	uint64_t ram_bytes;
	uint16_t ncpus;
	uint64_t tsc_now;              /* the PM timer reads 0 from here */
	uint32_t tsc_khz;
	uint64_t wall_secs, wall_tsc;  /* the RTC reads wall_secs (UTC, since 1970) at TSC wall_tsc */
	struct spinlock *console_lock; /* held around UART accesses: its output goes to the console line */
	uart_sink_fn console_put;      /* a byte for the domain's console; console_lock held */
	void (*end)(void *ctx, int code);   /* the guest wrote its exit code */
	const struct platform_ops *ops;
	void *ctx;                     /* for console_put, end and ops */
	bool testdev;                  /* QEMU's pc-testdev on the bus (config `testdev`) */
	uint8_t *testdev_iomem;        /* its device memory, TESTDEV_IOMEM_SIZE bytes the domain gives */
	bool viommu;                   /* a VT-d remapping unit (config `viommu`) */
	bool edu;                      /* QEMU's edu at 00:02.0 (config `edu`) */
	struct platform_pci *pci;      /* for either, PLATFORM_PCI_BYTES the domain gives; else NULL */
	/*
	 * Guest RAM for the DMA of devices and the IOMMU's tables: false when
	 * [gpa, gpa + len) is not all RAM. Called from any CPU, any lock held.
	 */
	bool (*mem)(void *ctx, uint64_t gpa, void *buf, uint32_t len, bool write);
};

/*
 * The opt-in PCI parts, apart from struct platform so that a domain
 * without them carries none of their state: struct domain stays within
 * the pages docs/architecture.md counts.
 */
struct platform_pci {
	bool (*mem)(void *ctx, uint64_t gpa, void *buf, uint32_t len, bool write);   /* env's */
	bool viommu, edu;
	struct vtd vtd;                /* under irq_lock; used only when viommu */
	struct edu dev_edu;            /* on bus 0 only when edu */
};

#define PLATFORM_PCI_BYTES sizeof(struct platform_pci)

struct platform {
	struct bus bus;
	struct spinlock lock;          /* fw_cfg, the RTC/CMOS, PCI configuration, port 0x61 */
	struct uart16550 uart;         /* COM1: the domain's console */
	struct fw_cfg fw_cfg;
	struct pmtimer pmtimer;
	struct exit_port exit_port;
	struct rtc rtc;
	struct pci_cfg pci_cfg;
	struct nmi_sc nmi_sc;
	struct acpi_pm acpi_pm;
	struct reset_control reset_control;
	struct testdev testdev;        /* on the bus only when the env asks for it */
	struct vlapic *lapic[HINOKI_MAX_VCPUS];   /* each in its struct vcpu */
	struct spinlock irq_lock;      /* the I/O APIC, the PIC/ELCR and the VT-d unit */
	struct ioapic ioapic;
	struct pic pic;
	struct platform_pci *pci;      /* env's; NULL: no PCI function, no IOMMU */
	unsigned ncpus;
	const struct platform_ops *ops;   /* env's */
	void *ctx;                     /* env's, for ops and the PCI parts' mem */
};

/*
 * The guest-physical range inside RAM that the platform claims for the
 * legacy VGA window (open bus, docs/platform.md): the domain's EPT leaves
 * it unmapped so that accesses reach the bus.
 */
#define PLATFORM_RAM_HOLE_BASE VGA_WINDOW_BASE
#define PLATFORM_RAM_HOLE_SIZE VGA_WINDOW_SIZE

/*
 * A domain with a PCI function or an IOMMU keeps its RAM below the host
 * bridge's memory window (PCI_CFG_WINDOW_BASE). edu's INTA# is wired to the
 * I/O APIC's first input after the ISA ones, as q35's PIRQ lines are.
 */
#define PLATFORM_EDU_DEVFN       PCI_DEVFN(2, 0)
#define PLATFORM_EDU_GSI         16u

/*
 * Every device reset and on the bus. 0, or -1 when the bus refused a range
 * or edu or viommu came without env->pci (broken invariants).
 */
int platform_init(struct platform *p, const struct platform_env *env);
/*
 * vCPU `vcpu`'s local APIC, which its accesses to the APIC page reach and
 * the I/O APIC's messages for its destination; its EOIs of level-triggered
 * vectors go to the I/O APIC.
 */
void platform_set_lapic(struct platform *p, unsigned vcpu, struct vlapic *l);

/*
 * A press of the domain's ACPI power button (HC_DOMCTL_TRIGGER): the SCI
 * when the guest enabled the event, and a wake when the domain sleeps in
 * S3. Takes `lock`.
 */
void platform_power_button(struct platform *p);

/*
 * Whether the PIC's INTR is high: an interrupt waits for a processor whose
 * local APIC takes ExtINT. One load, no lock: for the code that enters the
 * guest and asks whether a halted vCPU must wake.
 */
static inline bool platform_extint(const struct platform *p)
{
	return pic_intr(&p->pic);
}

/*
 * The interrupt acknowledge of a processor that takes ExtINT, once its
 * guest can take an interrupt: the PIC's vector, or false when INTR has
 * fallen meanwhile (another vCPU took it, the guest masked it). Takes
 * irq_lock.
 */
bool platform_take_extint(struct platform *p, uint8_t *vector);

#endif
