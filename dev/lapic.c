/*
 * The virtual local APIC's register model (xAPIC, Intel SDM vol. 3,
 * "Advanced Programmable Interrupt Controller"): reset values, which bits of
 * each register a guest may write, what read-only and reserved registers
 * return, and IA32_APIC_BASE's rules. Nothing here delivers an interrupt:
 * ICR writes are recorded, EOI is counted, ISR/TMR/IRR stay 0 and the timer
 * counts down from the TSC without ever firing.
 */
#include "dev/lapic.h"
#include "lib/string.h"

#define ID_MASK          0xff000000u   /* xAPIC ID: bits 31:24 */
#define TPR_MASK         0x000000ffu
#define LDR_MASK         0xff000000u   /* logical APIC ID */
#define DFR_MODEL_MASK   0xf0000000u   /* the model (flat 1111b or cluster 0000b); 27:0 read as ones */
#define DFR_RESET        0xffffffffu
#define SVR_VECTOR_MASK  0x000000ffu
#define SVR_APIC_ENABLE  (1u << 8)     /* software enable */
#define SVR_FOCUS_CHECK  (1u << 9)     /* focus processor checking (1: disabled) */
#define SVR_WRITABLE     (SVR_VECTOR_MASK | SVR_APIC_ENABLE | SVR_FOCUS_CHECK)
#define SVR_RESET        0x000000ffu
#define ICR_HI_DEST_MASK 0xff000000u
/* Vector, delivery mode, destination mode, level, trigger, shorthand; delivery status reads 0. */
#define ICR_LO_WRITABLE  0x000ccfffu
#define ICR_DM_MASK      (7u << 8)
#define LVT_VECTOR       0x000000ffu
#define LVT_DM           0x00000700u   /* delivery mode */
#define LVT_POLARITY     (1u << 13)
#define LVT_TRIGGER      (1u << 15)
#define LVT_MASK         ((uint32_t)APIC_LVT_MASKED)
#define LVT_TIMER_MODE   (3u << 17)    /* one-shot, periodic, TSC-deadline */
#define LVT_TIMER_PERIODIC (1u << 17)
#define DCR_WRITABLE     0x0000000bu   /* bits 0, 1 and 3 */
#define DCR_HIGH_BIT     (1u << 3)
#define DCR_LOW_BITS     3u

/* Writable bits of each LVT: delivery status (bit 12) and remote IRR (bit 14) are read-only. */
static const uint32_t lvt_writable[LAPIC_LVT_COUNT] = {
	[LAPIC_LVT_TIMER]   = LVT_VECTOR | LVT_MASK | LVT_TIMER_MODE,
	[LAPIC_LVT_THERMAL] = LVT_VECTOR | LVT_DM | LVT_MASK,
	[LAPIC_LVT_PERF]    = LVT_VECTOR | LVT_DM | LVT_MASK,
	[LAPIC_LVT_LINT0]   = LVT_VECTOR | LVT_DM | LVT_POLARITY | LVT_TRIGGER | LVT_MASK,
	[LAPIC_LVT_LINT1]   = LVT_VECTOR | LVT_DM | LVT_POLARITY | LVT_TRIGGER | LVT_MASK,
	[LAPIC_LVT_ERROR]   = LVT_VECTOR | LVT_MASK,
};

/* The registers a reset or a hardware disable brings back to power-up values; ID and base stay. */
static void reset_registers(struct vlapic *l)
{
	l->tpr = l->ldr = l->esr = l->icr_lo = l->icr_hi = 0;
	l->dfr = DFR_RESET;
	l->svr = SVR_RESET;
	for (unsigned i = 0; i < LAPIC_LVT_COUNT; i++)
		l->lvt[i] = LVT_MASK;
	l->timer_initial = l->timer_dcr = 0;
	l->timer_start = 0;
}

void vlapic_init(struct vlapic *l, uint32_t apic_id, bool bsp)
{
	memset(l, 0, sizeof *l);
	l->apic_base = APIC_DEFAULT_PHYS_BASE | APIC_BASE_ENABLE | (bsp ? APIC_BASE_BSP : 0);
	l->id = apic_id << APIC_ID_SHIFT;
	reset_registers(l);
}

int vlapic_set_base(struct vlapic *l, uint64_t val)
{
	/* Reserved bits (7:0, 9 and above the address) and the x2APIC bit fault, as does a move. */
	uint64_t allowed = APIC_BASE_ADDR_MASK | APIC_BASE_ENABLE | APIC_BASE_BSP;
	if ((val & ~allowed) || (val & APIC_BASE_ADDR_MASK) != APIC_DEFAULT_PHYS_BASE)
		return -1;
	bool was = vlapic_hw_enabled(l);
	/* The BSP flag is the hardware's: a write does not change it. */
	l->apic_base = (l->apic_base & APIC_BASE_BSP) | (val & ~(uint64_t)APIC_BASE_BSP);
	/* "Enabling or Disabling the Local APIC": a disabled APIC may come back in its power-up state. */
	if (was && !vlapic_hw_enabled(l))
		reset_registers(l);
	return 0;
}

static unsigned timer_shift(uint32_t dcr)
{
	unsigned v = (dcr & DCR_LOW_BITS) | ((dcr & DCR_HIGH_BIT) >> 1);
	return (v + 1) & 7;   /* 000b divides by 2 ... 110b by 128, 111b by 1 */
}

/* One timer tick is one TSC cycle through the divider; the count never raises an interrupt. */
static uint32_t timer_current(const struct vlapic *l, uint64_t now)
{
	uint32_t mode = l->lvt[LAPIC_LVT_TIMER] & LVT_TIMER_MODE;
	if (!l->timer_initial || (mode != 0 && mode != LVT_TIMER_PERIODIC))
		return 0;
	uint64_t elapsed = now > l->timer_start ? (now - l->timer_start) >> timer_shift(l->timer_dcr) : 0;
	if (mode == LVT_TIMER_PERIODIC)
		return l->timer_initial - (uint32_t)(elapsed % l->timer_initial);
	return elapsed >= l->timer_initial ? 0 : l->timer_initial - (uint32_t)elapsed;
}

static bool valid_access(uint32_t off, unsigned size)
{
	return size == LAPIC_REG_WIDTH && off < LAPIC_MMIO_SIZE && (off & (LAPIC_REG_STRIDE - 1)) == 0;
}

static int lvt_index(uint32_t off)
{
	if (off < APIC_REG_LVT_TIMER || off > APIC_REG_LVT_ERROR)
		return -1;
	return (int)((off - APIC_REG_LVT_TIMER) / LAPIC_REG_STRIDE);
}

uint32_t vlapic_read(const struct vlapic *l, uint32_t off, unsigned size, uint64_t now)
{
	if (!valid_access(off, size))
		return 0;
	int lvt = lvt_index(off);
	if (lvt >= 0)
		return l->lvt[lvt];
	switch (off) {
	case APIC_REG_ID:          return l->id;
	case LAPIC_REG_VERSION:    return LAPIC_VERSION_VALUE;
	case LAPIC_REG_TPR:        return l->tpr;
	case LAPIC_REG_PPR:        return l->tpr;   /* nothing is in service: PPR is the TPR */
	case LAPIC_REG_LDR:        return l->ldr;
	case LAPIC_REG_DFR:        return l->dfr;
	case APIC_REG_SVR:         return l->svr;
	case LAPIC_REG_ESR:        return l->esr;
	case APIC_REG_ICR_LOW:     return l->icr_lo;   /* delivery status 0: every IPI is "sent" */
	case APIC_REG_ICR_HIGH:    return l->icr_hi;
	case LAPIC_REG_TIMER_ICR:  return l->timer_initial;
	case LAPIC_REG_TIMER_CCR:  return timer_current(l, now);
	case LAPIC_REG_TIMER_DCR:  return l->timer_dcr;
	default:                   return 0;   /* APR, ISR/TMR/IRR, EOI, reserved */
	}
}

static void record_ipi(struct vlapic *l)
{
	struct vlapic_ipi_log *p = &l->ipi;
	p->count++;
	p->last_icr_lo = l->icr_lo;
	p->last_icr_hi = l->icr_hi;
	uint32_t dm = l->icr_lo & ICR_DM_MASK;
	if (dm == APIC_ICR_DM_INIT)
		p->init++;
	else if (dm == APIC_ICR_DM_STARTUP)
		p->startup++;
}

void vlapic_write(struct vlapic *l, uint32_t off, unsigned size, uint32_t val, uint64_t now)
{
	if (!valid_access(off, size))
		return;
	int lvt = lvt_index(off);
	if (lvt >= 0) {
		uint32_t v = val & lvt_writable[lvt];
		/* A software-disabled APIC keeps every LVT masked ("Spurious-Interrupt Vector Register"). */
		if (!(l->svr & SVR_APIC_ENABLE))
			v |= LVT_MASK;
		l->lvt[lvt] = v;
		return;
	}
	switch (off) {
	case APIC_REG_ID:      l->id = val & ID_MASK; break;
	case LAPIC_REG_TPR:    l->tpr = val & TPR_MASK; break;
	case APIC_REG_EOI:     l->eoi_count++; break;
	case LAPIC_REG_LDR:    l->ldr = val & LDR_MASK; break;
	case LAPIC_REG_DFR:    l->dfr = (val & DFR_MODEL_MASK) | ~DFR_MODEL_MASK; break;
	case APIC_REG_SVR:
		l->svr = val & SVR_WRITABLE;
		if (!(l->svr & SVR_APIC_ENABLE))
			for (unsigned i = 0; i < LAPIC_LVT_COUNT; i++)
				l->lvt[i] |= LVT_MASK;
		break;
	case LAPIC_REG_ESR:    l->esr = 0; break;   /* no error is ever detected */
	case APIC_REG_ICR_HIGH: l->icr_hi = val & ICR_HI_DEST_MASK; break;
	case APIC_REG_ICR_LOW:
		l->icr_lo = val & ICR_LO_WRITABLE;
		record_ipi(l);
		break;
	case LAPIC_REG_TIMER_ICR:
		l->timer_initial = val;
		l->timer_start = now;
		break;
	case LAPIC_REG_TIMER_DCR: l->timer_dcr = val & DCR_WRITABLE; break;
	default: break;   /* read-only and reserved registers ignore writes */
	}
}
