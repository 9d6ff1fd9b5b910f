/*
 * The virtual local APIC's model (xAPIC and x2APIC, Intel SDM vol. 3, "Advanced
 * Programmable Interrupt Controller"): reset values, which bits of each
 * register a guest may write, what read-only and reserved registers return,
 * IA32_APIC_BASE's rules and mode changes (x2APIC's MSR interface is in
 * dev/lapic_x2apic.c), and the interrupt logic: fixed IPIs and timer
 * expiries set IRR, the highest IRR vector above the processor priority is
 * the one to deliver, delivery moves it to ISR and EOI retires the highest
 * ISR bit. IPIs of every delivery mode Linux uses (fixed, NMI, INIT,
 * STARTUP) are routed by physical or logical (flat, cluster) destination or
 * shorthand; an INIT leaves the receiving APIC waiting for a SIPI. Other
 * vCPUs post vectors, NMIs, INIT and SIPI concurrently and read ID, LDR and
 * DFR to route theirs, so those are changed with atomic operations.
 *
 * The registers live in a page laid out as the APIC's (struct vlapic's
 * regs), which with APIC virtualization is the virtual-APIC page the CPU
 * reads and updates itself: a register holds exactly what a read returns,
 * every write stores the value masked to its writable bits, and a write the
 * CPU already stored there (an APIC-write exit) is applied by writing the
 * stored value again.
 */
#include "dev/lapic.h"
#include "lib/string.h"
#include "lib/x86.h"

#define ID_MASK          0xff000000u   /* xAPIC ID: bits 31:24 */
#define TPR_MASK         0x000000ffu
#define LDR_MASK         0xff000000u   /* logical APIC ID */
#define DFR_MODEL_MASK   0xf0000000u   /* the model (flat 1111b or cluster 0000b); 27:0 read as ones */
#define DFR_MODEL_FLAT   0xf0000000u
#define DFR_RESET        0xffffffffu
#define LDR_CLUSTER_SHIFT 4            /* cluster model: logical ID bits 7:4 the cluster, 3:0 the members */
#define LDR_ALL_CLUSTERS 0xfu
#define LDR_MEMBER_MASK  0x0fu
#define SVR_VECTOR_MASK  0x000000ffu
#define SVR_APIC_ENABLE  (1u << 8)     /* software enable */
#define SVR_FOCUS_CHECK  (1u << 9)     /* focus processor checking (1: disabled) */
#define SVR_WRITABLE     (SVR_VECTOR_MASK | SVR_APIC_ENABLE | SVR_FOCUS_CHECK)
#define SVR_RESET        0x000000ffu
#define ICR_HI_DEST_MASK 0xff000000u
/* Vector, delivery mode, destination mode, level, trigger, shorthand; delivery status reads 0. */
#define ICR_LO_WRITABLE  0x000ccfffu
#define ICR_DM_MASK      (7u << 8)
#define ICR_DM_FIXED     (0u << 8)
#define ICR_DEST_LOGICAL (1u << 11)
#define ICR_SHORTHAND    (3u << 18)
#define ICR_SH_NONE      (0u << 18)
#define ICR_SH_SELF      (1u << 18)
#define ICR_SH_ALL       (2u << 18)    /* all including self */
#define ICR_SH_OTHERS    (3u << 18)    /* all excluding self */
#define ICR_HI_DEST_SHIFT 24
#define LVT_VECTOR       0x000000ffu
#define LVT_DM           0x00000700u   /* delivery mode */
#define LVT_POLARITY     (1u << 13)
#define LVT_TRIGGER      (1u << 15)
#define LVT_MASK         ((uint32_t)APIC_LVT_MASKED)
#define DCR_WRITABLE     0x0000000bu   /* bits 0, 1 and 3 */
#define DCR_HIGH_BIT     (1u << 3)
#define DCR_LOW_BITS     3u

/* Writable bits of each LVT: delivery status (bit 12) and remote IRR (bit 14) are read-only. */
static const uint32_t lvt_writable[LAPIC_LVT_COUNT] = {
	[LAPIC_LVT_TIMER]   = LVT_VECTOR | LVT_MASK | APIC_LVT_TIMER_MODE,
	[LAPIC_LVT_THERMAL] = LVT_VECTOR | LVT_DM | LVT_MASK,
	[LAPIC_LVT_PERF]    = LVT_VECTOR | LVT_DM | LVT_MASK,
	[LAPIC_LVT_LINT0]   = LVT_VECTOR | LVT_DM | LVT_POLARITY | LVT_TRIGGER | LVT_MASK,
	[LAPIC_LVT_LINT1]   = LVT_VECTOR | LVT_DM | LVT_POLARITY | LVT_TRIGGER | LVT_MASK,
	[LAPIC_LVT_ERROR]   = LVT_VECTOR | LVT_MASK,
};

#define WORD_BITS        32u

static uint32_t *reg(struct vlapic *l, uint32_t off)
{
	return &l->regs[off / LAPIC_REG_WIDTH];
}

static uint32_t reg_get(const struct vlapic *l, uint32_t off)
{
	return __atomic_load_n(&l->regs[off / LAPIC_REG_WIDTH], __ATOMIC_RELAXED);
}

static void reg_set(struct vlapic *l, uint32_t off, uint32_t val)
{
	__atomic_store_n(reg(l, off), val, __ATOMIC_RELAXED);
}

/* Word w (vectors 32w..32w+31) of the ISR, TMR or IRR that starts at `base`. */
static uint32_t *vec_word(struct vlapic *l, uint32_t base, unsigned w)
{
	return reg(l, base + w * LAPIC_REG_STRIDE);
}

static uint32_t vec_get(const struct vlapic *l, uint32_t base, unsigned w)
{
	return reg_get(l, base + w * LAPIC_REG_STRIDE);
}

static uint32_t lvt_get(const struct vlapic *l, enum lapic_lvt i)
{
	return reg_get(l, APIC_REG_LVT_TIMER + (uint32_t)i * LAPIC_REG_STRIDE);
}

static void lvt_set(struct vlapic *l, enum lapic_lvt i, uint32_t val)
{
	reg_set(l, APIC_REG_LVT_TIMER + (uint32_t)i * LAPIC_REG_STRIDE, val);
}

static void attn_set(struct vlapic *l, uint8_t bits)
{
	__atomic_fetch_or(&l->attention, bits, __ATOMIC_SEQ_CST);
}

static void attn_clear(struct vlapic *l, uint8_t bits)
{
	__atomic_fetch_and(&l->attention, (uint8_t)~bits, __ATOMIC_SEQ_CST);
}

static int highest_bit(unsigned w, uint32_t bits)
{
	return (int)(w * WORD_BITS + (WORD_BITS - 1)) - __builtin_clz(bits);
}

/* Highest vector set in the ISR or IRR that starts at `base` (with the posted vectors if `posted`), or -1. */
static int highest_vector(const struct vlapic *l, uint32_t base, bool posted)
{
	for (unsigned w = LAPIC_VECTOR_WORDS; w-- > 0;) {
		uint32_t bits = vec_get(l, base, w) | (posted ? __atomic_load_n(&l->pir[w], __ATOMIC_RELAXED) : 0);
		if (bits)
			return highest_bit(w, bits);
	}
	return -1;
}

uint32_t vlapic_irr_word(const struct vlapic *l, unsigned w)
{
	return vec_get(l, APIC_REG_IRR0, w) | __atomic_load_n(&l->pir[w], __ATOMIC_RELAXED);
}

int vlapic_highest_irr(const struct vlapic *l)
{
	return highest_vector(l, APIC_REG_IRR0, false);
}

int vlapic_highest_isr(const struct vlapic *l)
{
	return highest_vector(l, APIC_REG_ISR0, false);
}

uint32_t vlapic_tmr_word(const struct vlapic *l, unsigned w)
{
	return vec_get(l, APIC_REG_TMR0, w);
}

bool vlapic_sync_irr(struct vlapic *l)
{
	bool moved = false;
	for (unsigned w = 0; w < LAPIC_VECTOR_WORDS; w++) {
		if (__atomic_load_n(&l->pir[w], __ATOMIC_RELAXED)) {
			*vec_word(l, APIC_REG_IRR0, w) |= __atomic_exchange_n(&l->pir[w], 0, __ATOMIC_SEQ_CST);
			moved = true;
		}
	}
	return moved;
}

/*
 * The registers an INIT or a hardware disable brings back to power-up
 * values. The ID stays (the caller of a disable restores the initial one),
 * and in x2APIC mode, which an INIT keeps, so does the logical ID derived
 * from it.
 */
static void reset_registers(struct vlapic *l)
{
	uint32_t id = reg_get(l, APIC_REG_ID);
	uint32_t ldr = vlapic_x2apic(l) ? reg_get(l, APIC_REG_LDR) : 0;
	for (unsigned i = 0; i < LAPIC_REG_WORDS; i++)
		__atomic_store_n(&l->regs[i], 0, __ATOMIC_RELAXED);
	for (unsigned i = 0; i < LAPIC_VECTOR_WORDS; i++)
		__atomic_store_n(&l->pir[i], 0, __ATOMIC_RELAXED);
	reg_set(l, APIC_REG_ID, id);
	reg_set(l, APIC_REG_LDR, ldr);
	reg_set(l, APIC_REG_VERSION, LAPIC_VERSION_VALUE);
	reg_set(l, APIC_REG_DFR, DFR_RESET);
	reg_set(l, APIC_REG_SVR, SVR_RESET);
	__atomic_store_n(&l->nmi_pending, 0, __ATOMIC_SEQ_CST);
	for (unsigned i = 0; i < LAPIC_LVT_COUNT; i++)
		lvt_set(l, (enum lapic_lvt)i, LVT_MASK);
	l->timer_lvt = LVT_MASK;
	l->timer_start = l->timer_deadline = 0;
	l->route.pending = 0;
	attn_clear(l, LAPIC_ATTN_ROUTE | LAPIC_ATTN_TIMER | LAPIC_ATTN_NMI);
	attn_set(l, LAPIC_ATTN_EVAL);
}

static bus_read_fn lapic_bus_read;
static bus_write_fn lapic_bus_write;

/* The register page at IA32_APIC_BASE's address. */
static void place_page(struct vlapic *l)
{
	uint64_t base = l->apic_base & APIC_BASE_ADDR_MASK;
	l->mmio = (struct bus_range){ base, base + LAPIC_MMIO_SIZE - 1, lapic_bus_read, lapic_bus_write, l, 0,
	                              &lapic_bus_device };
}

void vlapic_init(struct vlapic *l, uint32_t *regs, uint32_t apic_id, bool bsp)
{
	memset(l, 0, sizeof *l);
	l->regs = regs;
	l->initial_id = apic_id;
	l->apic_base = APIC_DEFAULT_PHYS_BASE | APIC_BASE_ENABLE | (bsp ? APIC_BASE_BSP : 0);
	place_page(l);
	reg_set(l, APIC_REG_ID, apic_id << APIC_ID_SHIFT);
	reset_registers(l);
}

void vlapic_virtual_wire(struct vlapic *l)
{
	reg_set(l, APIC_REG_SVR, SVR_APIC_ENABLE | SVR_VECTOR_MASK);
	lvt_set(l, LAPIC_LVT_LINT0, APIC_LVT_DM_EXTINT);
	lvt_set(l, LAPIC_LVT_LINT1, APIC_LVT_DM_NMI);
	attn_set(l, LAPIC_ATTN_EVAL);
}

void vlapic_extint_raised(struct vlapic *l)
{
	attn_set(l, LAPIC_ATTN_EVAL);
}

bool vlapic_takes_extint(const struct vlapic *l)
{
	if (!(__atomic_load_n(&l->apic_base, __ATOMIC_SEQ_CST) & APIC_BASE_ENABLE))
		return true;
	uint32_t lvt0 = __atomic_load_n(&l->regs[(APIC_REG_LVT_TIMER + LAPIC_LVT_LINT0 * LAPIC_REG_STRIDE) / LAPIC_REG_WIDTH],
	                                __ATOMIC_SEQ_CST);
	return !(lvt0 & LVT_MASK) && (lvt0 & APIC_LVT_DM_MASK) == APIC_LVT_DM_EXTINT;
}

/* The APIC's state as IA32_APIC_BASE's enable and x2APIC bits give it (SDM "x2APIC Modes"). */
enum apic_mode { APIC_MODE_DISABLED, APIC_MODE_INVALID, APIC_MODE_XAPIC, APIC_MODE_X2APIC };

static enum apic_mode apic_mode(uint64_t base)
{
	return (enum apic_mode)(((base & APIC_BASE_ENABLE) ? 2 : 0) + ((base & APIC_BASE_X2APIC) ? 1 : 0));
}

int vlapic_set_base(struct vlapic *l, uint64_t val, unsigned phys_bits)
{
	uint64_t allowed = (APIC_BASE_ADDR_MASK & ((1ULL << phys_bits) - 1)) | APIC_BASE_ENABLE | APIC_BASE_BSP |
	                   (l->x2apic_hidden ? 0 : APIC_BASE_X2APIC);
	if (val & ~allowed)
		return -1;
	enum apic_mode from = apic_mode(l->apic_base), to = apic_mode(val);
	if (to == APIC_MODE_INVALID || (from == APIC_MODE_X2APIC && to == APIC_MODE_XAPIC) ||
	    (from == APIC_MODE_DISABLED && to == APIC_MODE_X2APIC))
		return -1;
	/* The BSP flag is the hardware's: a write does not change it. Atomic: vlapic_takes_extint() reads it from any CPU. */
	__atomic_store_n(&l->apic_base, (l->apic_base & APIC_BASE_BSP) | (val & ~(uint64_t)APIC_BASE_BSP), __ATOMIC_SEQ_CST);
	place_page(l);
	if (from != APIC_MODE_DISABLED && to == APIC_MODE_DISABLED) {
		/* "Enabling or Disabling the Local APIC": it comes back in its power-up state, initial ID included. */
		reset_registers(l);
		reg_set(l, APIC_REG_ID, l->initial_id << APIC_ID_SHIFT);
		/* A disabled APIC forgets the INIT and a held SIPI. */
		__atomic_store_n(&l->wait_sipi, 0, __ATOMIC_SEQ_CST);
		__atomic_store_n(&l->sipi, 0, __ATOMIC_SEQ_CST);
	} else if (from == APIC_MODE_XAPIC && to == APIC_MODE_X2APIC) {
		/* "x2APIC Initialization": the ID becomes the 32-bit initial one and the logical ID follows from it. */
		reg_set(l, APIC_REG_ID, l->initial_id);
		reg_set(l, APIC_REG_LDR, x2apic_logical_id(l->initial_id));
		reg_set(l, APIC_REG_ICR_HIGH, 0);
	}
	return 0;
}

static unsigned timer_shift(uint32_t dcr)
{
	unsigned v = (dcr & DCR_LOW_BITS) | ((dcr & DCR_HIGH_BIT) >> 1);
	return (v + 1) & 7;   /* 000b divides by 2 ... 110b by 128, 111b by 1 */
}

static uint32_t timer_mode(const struct vlapic *l)
{
	return l->timer_lvt & APIC_LVT_TIMER_MODE;
}

/* One-shot or periodic: the modes that count the initial count down (not TSC-deadline, not reserved 11b). */
static bool timer_counting_mode(const struct vlapic *l)
{
	return timer_mode(l) == 0 || timer_mode(l) == APIC_LVT_TIMER_PERIODIC;
}

/*
 * One timer tick is one TSC cycle through the divider. A timer not armed
 * reads 0: TSC-deadline mode, no initial count, or a one-shot count that
 * reached 0, which a change to periodic mode does not restart.
 */
static uint32_t timer_current(const struct vlapic *l, uint64_t now)
{
	uint32_t initial = reg_get(l, APIC_REG_TIMER_ICR);
	if (!initial || !timer_counting_mode(l) || !l->timer_deadline)
		return 0;
	uint64_t elapsed = now > l->timer_start ? (now - l->timer_start) >> timer_shift(reg_get(l, APIC_REG_TIMER_DCR)) : 0;
	if (timer_mode(l) == APIC_LVT_TIMER_PERIODIC)
		return initial - (uint32_t)(elapsed % initial);
	return elapsed >= initial ? 0 : initial - (uint32_t)elapsed;
}

/* TSC cycles of one full count: initial count ticks through the divider; periodic, at least LAPIC_MIN_PERIOD_TSC. */
static uint64_t timer_period(const struct vlapic *l)
{
	uint64_t p = (uint64_t)reg_get(l, APIC_REG_TIMER_ICR) << timer_shift(reg_get(l, APIC_REG_TIMER_DCR));
	return timer_mode(l) == APIC_LVT_TIMER_PERIODIC && p < LAPIC_MIN_PERIOD_TSC ? LAPIC_MIN_PERIOD_TSC : p;
}

/* (Re)start counting from timer_start: the first expiry is one full count after it. */
static void timer_arm(struct vlapic *l)
{
	if (reg_get(l, APIC_REG_TIMER_ICR) && timer_counting_mode(l)) {
		l->timer_deadline = l->timer_start + timer_period(l);
		attn_set(l, LAPIC_ATTN_TIMER | LAPIC_ATTN_TIMER_NEW);
	} else {
		l->timer_deadline = 0;
		attn_clear(l, LAPIC_ATTN_TIMER);
	}
}

/*
 * A new LVT timer value. Moving into or out of TSC-deadline mode disarms the
 * timer ("TSC-Deadline Mode"); the initial count goes to 0 with it, so the
 * new mode starts stopped and the current count reads 0 until a guest write
 * starts it. Between one-shot and periodic the count goes on in the new mode
 * from the same start.
 */
static void timer_lvt_written(struct vlapic *l, uint32_t old)
{
	uint32_t v = l->timer_lvt;
	bool was_deadline = (old & APIC_LVT_TIMER_MODE) == APIC_LVT_TIMER_TSC_DEADLINE;
	if (was_deadline != (timer_mode(l) == APIC_LVT_TIMER_TSC_DEADLINE)) {
		reg_set(l, APIC_REG_TIMER_ICR, 0);
		l->timer_deadline = 0;
		attn_clear(l, LAPIC_ATTN_TIMER);
	} else if (l->timer_deadline) {
		if ((old ^ v) & APIC_LVT_TIMER_MODE)
			timer_arm(l);
		else if ((old ^ v) & LVT_MASK)
			attn_set(l, LAPIC_ATTN_TIMER_NEW);   /* vlapic_next_deadline() changes with the mask */
	}
}

void vlapic_write_tsc_deadline(struct vlapic *l, uint64_t deadline, uint64_t now)
{
	if (timer_mode(l) != APIC_LVT_TIMER_TSC_DEADLINE)
		return;
	l->timer_deadline = deadline;
	if (!deadline) {
		attn_clear(l, LAPIC_ATTN_TIMER);
		return;
	}
	attn_set(l, LAPIC_ATTN_TIMER | LAPIC_ATTN_TIMER_NEW);
	vlapic_tick(l, now);   /* a deadline already passed fires at once */
}

uint64_t vlapic_read_tsc_deadline(const struct vlapic *l)
{
	return timer_mode(l) == APIC_LVT_TIMER_TSC_DEADLINE ? l->timer_deadline : 0;
}

bool vlapic_tick(struct vlapic *l, uint64_t now)
{
	if (!l->timer_deadline || now < l->timer_deadline)
		return false;
	if (timer_mode(l) == APIC_LVT_TIMER_PERIODIC) {
		/* Expiries missed while nobody looked collapse into one: IRR holds one bit per vector. */
		uint64_t period = timer_period(l);
		l->timer_deadline += period * ((now - l->timer_deadline) / period + 1);
	} else {
		l->timer_deadline = 0;   /* one-shot done; in TSC-deadline mode IA32_TSC_DEADLINE reads 0 */
		attn_clear(l, LAPIC_ATTN_TIMER);
	}
	if (l->timer_lvt & LVT_MASK)
		return false;   /* a masked timer counts on but raises nothing */
	bool got = vlapic_accept(l, l->timer_lvt & LVT_VECTOR);
	if (got)
		l->timer_fired++;
	return got;
}

bool vlapic_sw_enabled(const struct vlapic *l)
{
	return (reg_get(l, APIC_REG_SVR) & SVR_APIC_ENABLE) != 0;
}

bool vlapic_accept_irq(struct vlapic *l, unsigned vector, bool level)
{
	if (!vlapic_hw_enabled(l) || !vlapic_sw_enabled(l) || vector < LAPIC_FIRST_VECTOR || vector > LVT_VECTOR)
		return false;
	uint32_t bit = 1u << (vector % WORD_BITS);
	uint32_t *tmr = vec_word(l, APIC_REG_TMR0, vector / WORD_BITS);
	if (level)
		__atomic_fetch_or(tmr, bit, __ATOMIC_SEQ_CST);
	else
		__atomic_fetch_and(tmr, ~bit, __ATOMIC_SEQ_CST);
	__atomic_fetch_or(&l->pir[vector / WORD_BITS], bit, __ATOMIC_SEQ_CST);
	attn_set(l, LAPIC_ATTN_EVAL);
	return true;
}

uint32_t vlapic_ppr(const struct vlapic *l)
{
	int isrv = vlapic_highest_isr(l);
	uint32_t isr_class = isrv < 0 ? 0 : LAPIC_PRIO_CLASS(isrv);
	uint32_t tpr = reg_get(l, APIC_REG_TPR);
	return LAPIC_PRIO_CLASS(tpr) >= isr_class ? tpr : isr_class;
}

int vlapic_pending_vector(const struct vlapic *l)
{
	if (!vlapic_hw_enabled(l) || !vlapic_sw_enabled(l))
		return -1;
	int v = highest_vector(l, APIC_REG_IRR0, true);
	if (v < 0 || LAPIC_PRIO_CLASS(v) <= LAPIC_PRIO_CLASS(vlapic_ppr(l)))
		return -1;
	return v;
}

void vlapic_ack(struct vlapic *l, unsigned vector)
{
	vector &= LVT_VECTOR;
	vlapic_sync_irr(l);
	*vec_word(l, APIC_REG_IRR0, vector / WORD_BITS) &= ~(1u << (vector % WORD_BITS));
	*vec_word(l, APIC_REG_ISR0, vector / WORD_BITS) |= 1u << (vector % WORD_BITS);
}

/*
 * EOI retires the highest-priority in-service vector ("End-of-Interrupt
 * Register"); one that was level-triggered (its TMR bit set) is also
 * announced to the I/O APIC. Directed EOI is not offered, so it always is.
 */
void vlapic_eoi_done(struct vlapic *l, unsigned vector)
{
	l->eoi_count++;
	attn_set(l, LAPIC_ATTN_EVAL);
	vector &= LVT_VECTOR;
	if ((vlapic_tmr_word(l, vector / WORD_BITS) & (1u << (vector % WORD_BITS))) && l->eoi_hook.fn)
		l->eoi_hook.fn(l->eoi_hook.ctx, vector);
}

static void eoi(struct vlapic *l)
{
	int v = vlapic_highest_isr(l);
	if (v < 0) {
		l->eoi_count++;
		return;
	}
	*vec_word(l, APIC_REG_ISR0, (unsigned)v / WORD_BITS) &= ~(1u << (v % WORD_BITS));
	vlapic_eoi_done(l, (unsigned)v);
}

bool vlapic_take_route(struct vlapic *l, struct vlapic_route *out)
{
	attn_clear(l, LAPIC_ATTN_ROUTE);
	if (!l->route.pending)
		return false;
	*out = l->route;
	l->route.pending = 0;
	return true;
}

static void route_out(struct vlapic *l, uint8_t mode, uint8_t vector, uint32_t dest, bool logical)
{
	l->route = (struct vlapic_route){ 1, mode, vector, logical, dest };
	attn_set(l, LAPIC_ATTN_ROUTE);
}

/* This APIC's ID as destinations name it: 8 bits in xAPIC mode, 32 in x2APIC mode. */
static uint32_t own_id(const struct vlapic *l)
{
	uint32_t id = reg_get(l, APIC_REG_ID);
	return vlapic_x2apic(l) ? id : id >> APIC_ID_SHIFT;
}

/*
 * A destination in x2APIC mode is 32 bits: physical the x2APIC ID, logical
 * a cluster in bits 31:16 and a bit per member in 15:0 (SDM "Logical
 * Destination Mode in x2APIC Mode"). An 8-bit one (an I/O APIC's, or an
 * xAPIC's) is taken as it stands, cluster 0, as KVM takes it. In xAPIC mode
 * a destination beyond 8 bits names nobody.
 */
bool vlapic_is_destination(const struct vlapic *l, uint32_t dest, bool logical)
{
	if (dest == LAPIC_BROADCAST)
		return true;   /* x2APIC's broadcast, physical or logical; xAPIC's physical 0xff widened */
	uint32_t ldr = reg_get(l, APIC_REG_LDR);
	if (vlapic_x2apic(l)) {
		if (!logical)
			return dest == own_id(l);
		return (dest >> X2APIC_CLUSTER_SHIFT) == (ldr >> X2APIC_CLUSTER_SHIFT) && (dest & ldr & X2APIC_MEMBER_MASK) != 0;
	}
	if (dest > LAPIC_DEST_ALL)
		return false;
	if (!logical)
		return dest == LAPIC_DEST_ALL || dest == own_id(l);
	uint8_t d = (uint8_t)dest, lid = (uint8_t)(ldr >> APIC_ID_SHIFT);
	if ((reg_get(l, APIC_REG_DFR) & DFR_MODEL_MASK) == DFR_MODEL_FLAT)
		return (d & lid) != 0;
	uint8_t cluster = d >> LDR_CLUSTER_SHIFT;
	return (cluster == LDR_ALL_CLUSTERS || cluster == lid >> LDR_CLUSTER_SHIFT) &&
	       (d & lid & LDR_MEMBER_MASK) != 0;
}

bool vlapic_receive_init(struct vlapic *l)
{
	if (!vlapic_post_init(l))
		return false;
	attn_clear(l, LAPIC_ATTN_INIT);   /* nobody runs the vCPU: the reset is done here */
	vlapic_init_reset(l);
	return true;
}

bool vlapic_post_init(struct vlapic *l)
{
	if (!vlapic_hw_enabled(l))
		return false;
	__atomic_store_n(&l->sipi, 0, __ATOMIC_SEQ_CST);
	__atomic_store_n(&l->wait_sipi, 1, __ATOMIC_SEQ_CST);
	attn_set(l, LAPIC_ATTN_INIT);
	return true;
}

void vlapic_init_reset(struct vlapic *l)
{
	reset_registers(l);
}

bool vlapic_receive_sipi(struct vlapic *l, uint8_t vector)
{
	if (!vlapic_hw_enabled(l) || !__atomic_exchange_n(&l->wait_sipi, 0, __ATOMIC_SEQ_CST))
		return false;
	__atomic_store_n(&l->sipi, (uint16_t)(LAPIC_SIPI_LATCHED | vector), __ATOMIC_SEQ_CST);
	return true;
}

bool vlapic_take_sipi(struct vlapic *l, uint8_t *vector)
{
	uint16_t s = __atomic_exchange_n(&l->sipi, 0, __ATOMIC_SEQ_CST);
	*vector = (uint8_t)s;
	return (s & LAPIC_SIPI_LATCHED) != 0;
}

/*
 * Up to two NMIs are held: the CPU would have delivered the first at once
 * and latched the second while its handler ran; here both may arrive before
 * the vCPU's next entry injects the first (vmx/inject.c holds only one
 * while the guest is in its NMI handler, as the CPU does).
 */
bool vlapic_accept_nmi(struct vlapic *l)
{
	if (!vlapic_hw_enabled(l))
		return false;
	uint8_t n = __atomic_load_n(&l->nmi_pending, __ATOMIC_SEQ_CST);
	while (n < LAPIC_NMI_HELD_MAX &&
	       !__atomic_compare_exchange_n(&l->nmi_pending, &n, (uint8_t)(n + 1), false, __ATOMIC_SEQ_CST,
	                                    __ATOMIC_SEQ_CST))
		;
	attn_set(l, LAPIC_ATTN_NMI);
	return true;
}

bool vlapic_take_nmi(struct vlapic *l)
{
	uint8_t n = __atomic_load_n(&l->nmi_pending, __ATOMIC_SEQ_CST);
	while (n && !__atomic_compare_exchange_n(&l->nmi_pending, &n, (uint8_t)(n - 1), false, __ATOMIC_SEQ_CST,
	                                         __ATOMIC_SEQ_CST))
		;
	return n != 0;
}

void vlapic_hold_one_nmi(struct vlapic *l)
{
	uint8_t n = LAPIC_NMI_HELD_MAX;
	__atomic_compare_exchange_n(&l->nmi_pending, &n, (uint8_t)1, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
}

/*
 * An ICR write ("Issuing Interprocessor Interrupts"): fixed and NMI IPIs
 * reach this APIC itself at once when the destination names it, the others
 * through the route. INIT and STARTUP IPIs go only to other APICs: a vCPU
 * cannot reset or start itself. An INIT with the level bit clear is the
 * INIT Level De-assert of old APICs, which current processors ignore.
 * Lowest priority and SMI go nowhere.
 */
static void send_ipi(struct vlapic *l)
{
	uint32_t icr_lo = reg_get(l, APIC_REG_ICR_LOW);
	uint8_t vector = (uint8_t)(icr_lo & APIC_ICR_VECTOR_MASK);
	uint32_t hi = reg_get(l, APIC_REG_ICR_HIGH);
	bool logical = (icr_lo & ICR_DEST_LOGICAL) != 0;
	uint32_t dest = vlapic_x2apic(l) ? hi : hi >> ICR_HI_DEST_SHIFT;
	if (!logical && dest == (vlapic_x2apic(l) ? LAPIC_BROADCAST : LAPIC_DEST_ALL))
		dest = LAPIC_BROADCAST;
	uint8_t mode;
	switch (icr_lo & ICR_DM_MASK) {
	case ICR_DM_FIXED:        mode = LAPIC_ROUTE_FIXED; break;
	case APIC_ICR_DM_NMI:     mode = LAPIC_ROUTE_NMI; break;
	case APIC_ICR_DM_STARTUP: mode = LAPIC_ROUTE_STARTUP; break;
	case APIC_ICR_DM_INIT:
		if (!(icr_lo & APIC_ICR_LEVEL_ASSERT))
			return;
		mode = LAPIC_ROUTE_INIT;
		break;
	default:
		return;
	}
	bool to_self = false;
	switch (icr_lo & ICR_SHORTHAND) {
	case ICR_SH_SELF:
		to_self = true;
		break;
	case ICR_SH_ALL:
		to_self = true;
		route_out(l, mode, vector, LAPIC_BROADCAST, false);
		break;
	case ICR_SH_OTHERS:
		route_out(l, mode, vector, LAPIC_BROADCAST, false);
		break;
	default:
		to_self = vlapic_is_destination(l, dest, logical);
		/* Only this APIC has its x2APIC ID; an xAPIC ID is writable, so others may share it. */
		if (logical || !vlapic_x2apic(l) || dest != own_id(l))
			route_out(l, mode, vector, dest, logical);
		break;
	}
	if (!to_self)
		return;
	if (mode == LAPIC_ROUTE_FIXED && vlapic_accept(l, vector))
		l->ipi.self++;
	else if (mode == LAPIC_ROUTE_NMI)
		vlapic_accept_nmi(l);
}

static bool valid_access(uint32_t off, unsigned size)
{
	return size == LAPIC_REG_WIDTH && off < LAPIC_MMIO_SIZE && (off & (LAPIC_REG_STRIDE - 1)) == 0;
}

/*
 * A read may also be narrower, within a register's first 4 bytes: those
 * bytes are returned, as the CPU's APIC-register virtualization returns
 * them (and as processors that permit such reads do), so a guest sees the
 * same with and without it.
 */
static bool valid_read(uint32_t off, unsigned size)
{
	return (size == 1 || size == 2 || size == LAPIC_REG_WIDTH) && off < LAPIC_MMIO_SIZE &&
	       (off & (LAPIC_REG_STRIDE - 1)) + size <= LAPIC_REG_WIDTH;
}

static int lvt_index(uint32_t off)
{
	if (off < APIC_REG_LVT_TIMER || off > APIC_REG_LVT_ERROR)
		return -1;
	return (int)((off - APIC_REG_LVT_TIMER) / LAPIC_REG_STRIDE);
}

static uint32_t read_register(const struct vlapic *l, uint32_t off, uint64_t now)
{
	switch (off) {
	case APIC_REG_PPR:        return vlapic_ppr(l);
	case APIC_REG_EOI:        return 0;   /* write-only */
	case APIC_REG_TIMER_CCR:  return timer_current(l, now);
	default: break;
	}
	if (off >= APIC_REG_IRR0 && off < APIC_REG_IRR7_END)
		return vlapic_irr_word(l, (off - APIC_REG_IRR0) / LAPIC_REG_STRIDE);
	/* Every other register holds what a read returns (reserved ones 0); ICR's delivery status reads 0. */
	return reg_get(l, off);
}

#define BYTE_BITS 8u

uint32_t vlapic_read(const struct vlapic *l, uint32_t off, unsigned size, uint64_t now)
{
	if (!valid_read(off, size))
		return 0;
	uint32_t within = off & (LAPIC_REG_WIDTH - 1);
	uint32_t val = read_register(l, off - within, now) >> (within * BYTE_BITS);
	return size == LAPIC_REG_WIDTH ? val : val & ((1u << (size * BYTE_BITS)) - 1);
}

static void record_ipi(struct vlapic *l)
{
	struct vlapic_ipi_log *p = &l->ipi;
	p->count++;
	p->last_icr_lo = reg_get(l, APIC_REG_ICR_LOW);
	p->last_icr_hi = reg_get(l, APIC_REG_ICR_HIGH);
	uint32_t dm = p->last_icr_lo & ICR_DM_MASK;
	if (dm == APIC_ICR_DM_INIT)
		p->init++;
	else if (dm == APIC_ICR_DM_STARTUP)
		p->startup++;
}

/*
 * An LVT write: the register keeps only its writable bits, and a
 * software-disabled APIC keeps it masked. A timer expiry already due
 * happened under the old value: it is taken first, so that a one-shot count
 * that reached 0 stays there in the new mode.
 */
static void write_lvt(struct vlapic *l, enum lapic_lvt lvt, uint32_t val, uint64_t now)
{
	uint32_t v = val & lvt_writable[lvt];
	if (!vlapic_sw_enabled(l))
		v |= LVT_MASK;   /* "Spurious-Interrupt Vector Register" */
	lvt_set(l, lvt, v);
	if (lvt == LAPIC_LVT_LINT0)
		attn_set(l, LAPIC_ATTN_EVAL);   /* an ExtINT the PIC holds may reach the processor now */
	if (lvt != LAPIC_LVT_TIMER)
		return;
	vlapic_tick(l, now);
	uint32_t old = l->timer_lvt;
	l->timer_lvt = v;
	timer_lvt_written(l, old);
}

void vlapic_write(struct vlapic *l, uint32_t off, unsigned size, uint32_t val, uint64_t now)
{
	if (!valid_access(off, size))
		return;
	int lvt = lvt_index(off);
	if (lvt >= 0) {
		write_lvt(l, (enum lapic_lvt)lvt, val, now);
		return;
	}
	switch (off) {
	/* ID, LDR and DFR are read by other vCPUs' CPUs routing IPIs (reg_set is atomic). */
	case APIC_REG_ID:      reg_set(l, off, val & ID_MASK); break;
	case APIC_REG_TPR:
		reg_set(l, off, val & TPR_MASK);
		attn_set(l, LAPIC_ATTN_EVAL);
		break;
	case APIC_REG_EOI:     reg_set(l, off, 0); eoi(l); break;
	case APIC_REG_LDR:     reg_set(l, off, val & LDR_MASK); break;
	case APIC_REG_DFR:     reg_set(l, off, (val & DFR_MODEL_MASK) | ~DFR_MODEL_MASK); break;
	case APIC_REG_SVR:
		reg_set(l, off, val & SVR_WRITABLE);
		if (!vlapic_sw_enabled(l))
			for (unsigned i = 0; i < LAPIC_LVT_COUNT; i++)
				write_lvt(l, (enum lapic_lvt)i, lvt_get(l, (enum lapic_lvt)i), now);
		attn_set(l, LAPIC_ATTN_EVAL);
		break;
	case APIC_REG_ESR:     reg_set(l, off, 0); break;   /* no error is ever detected */
	case APIC_REG_ICR_HIGH: reg_set(l, off, vlapic_x2apic(l) ? val : val & ICR_HI_DEST_MASK); break;
	case APIC_REG_ICR_LOW:
		reg_set(l, off, val & ICR_LO_WRITABLE);
		record_ipi(l);
		send_ipi(l);
		break;
	case APIC_REG_TIMER_ICR:
		if (timer_mode(l) == APIC_LVT_TIMER_TSC_DEADLINE) {
			reg_set(l, off, 0);   /* ignored in TSC-deadline mode, where it stays 0 (a trapped write stored it) */
			break;
		}
		reg_set(l, off, val);
		l->timer_start = now;
		timer_arm(l);
		break;
	case APIC_REG_TIMER_DCR:
		reg_set(l, off, val & DCR_WRITABLE);
		if (l->timer_deadline && timer_counting_mode(l))
			timer_arm(l);
		break;
	default: break;   /* read-only and reserved registers ignore writes */
	}
}

static uint64_t lapic_bus_read(void *dev, unsigned vcpu, uint64_t off, unsigned size)
{
	(void)vcpu;
	return vlapic_read(dev, (uint32_t)off, size, rdtsc());
}

static enum bus_result lapic_bus_write(void *dev, unsigned vcpu, uint64_t off, unsigned size, uint64_t val)
{
	(void)vcpu;
	vlapic_write(dev, (uint32_t)off, size, (uint32_t)val, rdtsc());
	return BUS_OK;
}

const struct bus_device lapic_bus_device = { "local APIC", lapic_bus_read, lapic_bus_write, 0 };
