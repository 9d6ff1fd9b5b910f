/*
 * A vCPU's virtual local APIC in xAPIC mode: its register file as the guest
 * sees it at 0xFEE00000 and its IA32_APIC_BASE MSR. A register model only:
 * no interrupt is ever delivered (Hinoki has no virtual interrupts yet), so
 * IPIs written to the ICR are recorded, not sent, ISR/IRR/TMR read 0 and the
 * timer counts but never fires. Pure code; docs/platform-apic.md describes
 * what a guest can rely on.
 */
#ifndef DEV_LAPIC_H
#define DEV_LAPIC_H

#include <stdbool.h>
#include <stdint.h>
#include "hw/apic.h"

/* The LVT entries the model has, in register order from 0x320 (CMCI at 0x2f0 is not offered). */
enum lapic_lvt {
	LAPIC_LVT_TIMER, LAPIC_LVT_THERMAL, LAPIC_LVT_PERF,
	LAPIC_LVT_LINT0, LAPIC_LVT_LINT1, LAPIC_LVT_ERROR,
	LAPIC_LVT_COUNT,
};

/* Register offsets the model adds to hw/apic.h's (SDM "Local APIC Register Address Map"). */
#define LAPIC_REG_VERSION     0x030
#define LAPIC_REG_TPR         0x080
#define LAPIC_REG_APR         0x090
#define LAPIC_REG_PPR         0x0a0
#define LAPIC_REG_RRD         0x0c0
#define LAPIC_REG_LDR         0x0d0
#define LAPIC_REG_DFR         0x0e0
#define LAPIC_REG_ISR0        0x100
#define LAPIC_REG_IRR7_END    0x280   /* ISR, TMR and IRR: 0x100-0x270 */
#define LAPIC_REG_ESR         0x280
#define LAPIC_REG_TIMER_ICR   0x380   /* initial count */
#define LAPIC_REG_TIMER_CCR   0x390   /* current count */
#define LAPIC_REG_TIMER_DCR   0x3e0   /* divide configuration */
#define LAPIC_MMIO_SIZE       0x1000
#define LAPIC_REG_STRIDE      0x10    /* registers sit on 16-byte boundaries */
#define LAPIC_REG_WIDTH       4       /* and are accessed as aligned 32-bit words */

/* Version register: version 0x14 (an integrated APIC), max LVT entry 5 (six LVTs), as QEMU reports. */
#define LAPIC_VERSION         0x14u
#define LAPIC_MAX_LVT_SHIFT   16
#define LAPIC_VERSION_VALUE   (LAPIC_VERSION | ((uint32_t)(LAPIC_LVT_COUNT - 1) << LAPIC_MAX_LVT_SHIFT))

/* What the guest did with the ICR: recorded, never delivered. */
struct vlapic_ipi_log {
	uint32_t count;          /* ICR-low writes (each one an IPI on hardware) */
	uint32_t last_icr_lo, last_icr_hi;
	uint32_t init, startup;  /* of those, INIT and SIPI deliveries */
};

struct vlapic {
	uint64_t apic_base;      /* IA32_APIC_BASE: address | enable | BSP */
	uint32_t id;             /* ID register (the id in bits 31:24) */
	uint32_t tpr, ldr, dfr, svr, esr;
	uint32_t icr_lo, icr_hi;
	uint32_t lvt[LAPIC_LVT_COUNT];
	uint32_t timer_initial, timer_dcr;
	uint64_t timer_start;    /* TSC when the initial count was written */
	uint32_t eoi_count;
	struct vlapic_ipi_log ipi;
};

/* Power-up state for vCPU `apic_id` (SDM "Local APIC State After Power-Up or Reset"). */
void vlapic_init(struct vlapic *l, uint32_t apic_id, bool bsp);

/* IA32_APIC_BASE's enable bit: false makes the page an empty bus (reads all ones). */
static inline bool vlapic_hw_enabled(const struct vlapic *l) { return (l->apic_base & APIC_BASE_ENABLE) != 0; }

/*
 * A guest write of IA32_APIC_BASE. Only the enable bit may change; the BSP
 * flag is read-only, x2APIC mode is not offered and the base cannot move.
 * Returns 0, or -1 where hardware would raise #GP (nothing changed then).
 */
int vlapic_set_base(struct vlapic *l, uint64_t val);

/* An access at offset `off` of the APIC page. `now` is the TSC (the timer counts down from it). */
uint32_t vlapic_read(const struct vlapic *l, uint32_t off, unsigned size, uint64_t now);
void vlapic_write(struct vlapic *l, uint32_t off, unsigned size, uint32_t val, uint64_t now);

#endif
