/*
 * A vCPU's virtual local APIC in xAPIC mode: its register file as the guest
 * sees it at 0xFEE00000 (or where IA32_APIC_BASE moves it), that MSR, and the interrupt state
 * behind them: IRR and ISR, the processor priority, fixed IPIs and the timer
 * setting IRR bits, EOI. It decides which vector is deliverable; putting it
 * into the guest is vmx/inject.c's work, routing an IPI to another vCPU the
 * caller's, as is starting a vCPU an INIT and a STARTUP IPI reach. Pure code;
 * docs/platform-apic.md describes what a guest can rely on.
 */
#ifndef DEV_LAPIC_H
#define DEV_LAPIC_H

#include <stdbool.h>
#include <stdint.h>
#include "dev/bus.h"
#include "hw/apic.h"

/* The LVT entries the model has, in register order from 0x320 (CMCI at 0x2f0 is not offered). */
enum lapic_lvt {
	LAPIC_LVT_TIMER, LAPIC_LVT_THERMAL, LAPIC_LVT_PERF,
	LAPIC_LVT_LINT0, LAPIC_LVT_LINT1, LAPIC_LVT_ERROR,
	LAPIC_LVT_COUNT,
};

/* Register offsets the model adds to hw/apic.h's (SDM "Local APIC Register Address Map"). */
#define LAPIC_MMIO_SIZE       0x1000
#define LAPIC_REG_STRIDE      0x10    /* registers sit on 16-byte boundaries */
#define LAPIC_REG_WIDTH       4       /* and are accessed as aligned 32-bit words */

/* Version register: version 0x14 (an integrated APIC), max LVT entry 5 (six LVTs), as QEMU reports. */
#define LAPIC_VERSION         0x14u
#define LAPIC_MAX_LVT_SHIFT   16
#define LAPIC_VERSION_VALUE   (LAPIC_VERSION | ((uint32_t)(LAPIC_LVT_COUNT - 1) << LAPIC_MAX_LVT_SHIFT))

/* The 256 vectors as eight 32-bit words, as the ISR/TMR/IRR registers show them. */
#define LAPIC_VECTOR_WORDS    8
/* Vectors 0-15 are reserved: a fixed interrupt with one is never accepted ("Valid Interrupt Vectors"). */
#define LAPIC_FIRST_VECTOR    16
/*
 * The shortest period, in TSC cycles, at which a periodic timer expires. A
 * shorter one would end every entry at once with the next expiry's exit,
 * leaving its guest no time to run (not even with the vector pending and
 * interrupts off, where hardware runs on); KVM bounds periods likewise.
 */
#define LAPIC_MIN_PERIOD_TSC  8192u
#define LAPIC_PRIO_CLASS(v)   ((uint32_t)(v) & 0xf0u)   /* priority class: vector bits 7:4 */
/* xAPIC broadcast destination ("all"), physical mode. */
#define LAPIC_DEST_ALL        0xffu   /* xAPIC physical broadcast */
#define LAPIC_BROADCAST       0xffffffffu   /* a route's "every APIC": x2APIC's broadcast, and xAPIC's widened */

/* What the guest did with the ICR. */
struct vlapic_ipi_log {
	uint32_t count;          /* ICR-low writes (each one an IPI on hardware) */
	uint32_t last_icr_lo, last_icr_hi;
	uint32_t init, startup;  /* of those, INIT and SIPI deliveries */
	uint32_t self;           /* fixed IPIs this APIC accepted from itself */
};

/* What an IPI for other APICs carries (the ICR's delivery modes the model routes). */
enum lapic_route_mode {
	LAPIC_ROUTE_FIXED,     /* `vector` into the target's IRR */
	LAPIC_ROUTE_INIT,      /* reset the target into wait-for-SIPI */
	LAPIC_ROUTE_STARTUP,   /* start a target waiting for SIPI at `vector` << 8 : 0 */
	LAPIC_ROUTE_NMI,       /* an NMI for the target (the vector is ignored) */
};

/*
 * An IPI for other APICs of the domain, left by an ICR write for the caller
 * to deliver (vlapic_take_route) to every other APIC that
 * vlapic_is_destination(dest, logical) names: the shorthands "all" and a
 * physical broadcast leave LAPIC_BROADCAST. dest is 32 bits, as x2APIC's.
 */
struct vlapic_route {
	uint8_t pending, mode, vector, logical;
	uint32_t dest;
};

/*
 * Reasons for the code that enters the guest to look at this APIC again,
 * set by the model and cleared by that code (atomically: another CPU may set
 * LAPIC_ATTN_EVAL while it reads).
 */
enum {
	LAPIC_ATTN_EVAL  = 1,   /* IRR, ISR, TPR or the enable changed: re-evaluate what is deliverable */
	LAPIC_ATTN_ROUTE = 2,   /* route.pending: an IPI waits to be routed */
	LAPIC_ATTN_TIMER = 4,   /* the timer is counting towards an expiry (timer_deadline) */
	/*
	 * The guest (re)started the timer or unmasked it: what
	 * vlapic_next_deadline() says changed other than by vlapic_tick(), and
	 * the code that enters the guest has not seen it. Apart from
	 * LAPIC_ATTN_TIMER, so that a timer that only goes on counting towards a
	 * deadline already seen asks for nothing before an entry (vmx/inject.h,
	 * vcpu_may_resume_now).
	 */
	LAPIC_ATTN_TIMER_NEW = 8,
	LAPIC_ATTN_NMI   = 16,  /* nmi_pending: an NMI waits to be injected */
	LAPIC_ATTN_INIT  = 32,  /* an INIT arrived while the vCPU ran: its CPU resets it (vlapic_post_init) */
};

/*
 * Where an EOI of a level-triggered vector goes (to the I/O APIC, through
 * the platform, which connects them); fn NULL: nowhere.
 */
struct vlapic_eoi_hook {
	void (*fn)(void *ctx, unsigned vector);
	void *ctx;
};

/* The register file as 32-bit words: the register at APIC-page offset `off` is regs[off / LAPIC_REG_WIDTH]. */
#define LAPIC_REG_WORDS       (LAPIC_MMIO_SIZE / LAPIC_REG_WIDTH)

struct vlapic {
	/*
	 * The registers, laid out as the APIC page (SDM "Local APIC Register
	 * Address Map"), which is also the layout of VMX's virtual-APIC page:
	 * with APIC virtualization the CPU reads this page for the guest and
	 * changes TPR, PPR, IRR, ISR and EOI in it while the guest runs
	 * (vmx/apicv.c). So only the vCPU's own CPU writes IRR: other CPUs
	 * post vectors in `pir`, which that CPU moves into IRR before an entry
	 * (vlapic_sync_irr). A page of its own (LAPIC_MMIO_SIZE bytes, aligned
	 * to it), given by vlapic_init's caller.
	 */
	uint32_t *regs;
	uint32_t pir[LAPIC_VECTOR_WORDS];   /* accepted vectors not yet in IRR; set atomically by any CPU */
	uint64_t apic_base;      /* IA32_APIC_BASE: address | enable | BSP | x2APIC mode */
	struct bus_range mmio;   /* its register page at apic_base's address (vlapic_mmio) */
	bool x2apic_hidden;      /* CPUID hides x2APIC (config x2apic = 0): the mode bit is reserved */
	uint32_t initial_id;     /* the APIC ID at power-up (CPUID's), which a hardware disable brings back */
	uint32_t timer_lvt;      /* the LVT timer entry as the timer last acted on it (a trapped write replaced the register already) */
	uint64_t timer_start;    /* TSC when the initial count was written */
	uint64_t timer_deadline; /* TSC of the next expiry (IA32_TSC_DEADLINE's); 0: not counting (one-shot done, stopped) */
	uint32_t timer_fired;    /* expiries that set IRR */
	uint32_t eoi_count;      /* EOIs the model saw (with virtual-interrupt delivery, those of level-triggered vectors only) */
	struct vlapic_eoi_hook eoi_hook;
	uint8_t attention;       /* LAPIC_ATTN_* */
	uint8_t wait_sipi;       /* an INIT arrived: the next STARTUP IPI starts the vCPU */
	uint16_t sipi;           /* LAPIC_SIPI_LATCHED | vector: a STARTUP IPI not yet acted on; 0 none */
	uint8_t nmi_pending;     /* NMIs arrived and not yet injected: up to LAPIC_NMI_HELD_MAX (vlapic_accept_nmi) */
	struct vlapic_route route;
	struct vlapic_ipi_log ipi;
};

/*
 * Power-up state for vCPU `apic_id` (SDM "Local APIC State After Power-Up
 * or Reset"), its registers in `regs`: LAPIC_MMIO_SIZE bytes aligned to
 * that size, the caller's to keep and free.
 */
void vlapic_init(struct vlapic *l, uint32_t *regs, uint32_t apic_id, bool bsp);

/* For a CPU model without x2APIC: IA32_APIC_BASE's x2APIC bit becomes reserved (#GP). */
static inline void vlapic_hide_x2apic(struct vlapic *l) { l->x2apic_hidden = true; }

/*
 * What PC firmware leaves in the BSP's APIC for virtual-wire mode (MP
 * specification, "Virtual Wire Mode"): software-enabled (SVR 0x1ff), LINT0
 * unmasked in ExtINT mode, LINT1 unmasked in NMI mode, so that the 8259A
 * pair's INTR reaches the processor (docs/platform.md, "PIC and ELCR").
 */
void vlapic_virtual_wire(struct vlapic *l);

/*
 * Whether the INTR output of the 8259A pair reaches this processor: LINT0
 * unmasked in ExtINT mode (the vector then comes from the PIC's
 * acknowledge, past IRR, ISR and the PPR), or the APIC disabled in
 * IA32_APIC_BASE, which makes LINT0 the INTR pin. Safe from any CPU.
 */
bool vlapic_takes_extint(const struct vlapic *l);

/*
 * INTR rose for a processor that takes ExtINT: LAPIC_ATTN_EVAL raised, so
 * that the code that enters the guest looks again even if it is looking
 * now (it clears the attention before it reads INTR). Safe from any CPU.
 */
void vlapic_extint_raised(struct vlapic *l);

/* IA32_APIC_BASE's enable bit: false makes the page an empty bus (reads all ones). */
static inline bool vlapic_hw_enabled(const struct vlapic *l) { return (l->apic_base & APIC_BASE_ENABLE) != 0; }
/* In x2APIC mode the registers are MSRs (vlapic_msr_read/write) and the MMIO page is off. */
static inline bool vlapic_x2apic(const struct vlapic *l) { return (l->apic_base & APIC_BASE_X2APIC) != 0; }
static inline bool vlapic_mmio_on(const struct vlapic *l) { return vlapic_hw_enabled(l) && !vlapic_x2apic(l); }

/*
 * A guest write of IA32_APIC_BASE. The enable and x2APIC bits change as the
 * SDM's "x2APIC State Transitions" allow (disabled, xAPIC, x2APIC; not back
 * from x2APIC to xAPIC but through disabled, not from disabled straight to
 * x2APIC, never x2APIC without enable); the BSP flag is read-only. The
 * register page moves to any address below 2^phys_bits (MAXPHYADDR), as
 * "Relocating the Local APIC Registers" allows. Returns 0, or -1 where
 * hardware would raise #GP: a reserved bit (7:0, 9, the address's bits from
 * MAXPHYADDR up, x2APIC where hidden) or a transition not allowed (nothing
 * changed then).
 */
int vlapic_set_base(struct vlapic *l, uint64_t val, unsigned phys_bits);

/*
 * The register page as its own CPU reaches it: a range of the local APIC
 * device at IA32_APIC_BASE's address, for that CPU's accesses only, which
 * the APIC answers before the bus sees them (bus_find_local). NULL when
 * the page is off: the APIC disabled, or in x2APIC mode, where the
 * registers are MSRs. Only the vCPU's own CPU asks, and only it moves the page.
 */
static inline const struct bus_range *vlapic_mmio(const struct vlapic *l)
{
	return vlapic_mmio_on(l) ? &l->mmio : 0;
}

/* An access at offset `off` of the APIC page. `now` is the TSC (the timer counts down from it). */
uint32_t vlapic_read(const struct vlapic *l, uint32_t off, unsigned size, uint64_t now);
void vlapic_write(struct vlapic *l, uint32_t off, unsigned size, uint32_t val, uint64_t now);

/* The software-enable bit of the SVR: clear, the APIC accepts and delivers nothing. */
bool vlapic_sw_enabled(const struct vlapic *l);

/*
 * A fixed interrupt with `vector` arrives (an IPI, the timer, an I/O APIC
 * message): IRR bit set, the TMR bit set for a level-triggered one and
 * cleared otherwise ("Trigger Mode Register"), LAPIC_ATTN_EVAL raised. Safe
 * against other CPUs doing the same. Returns false, and sets nothing, when
 * the APIC is disabled (hardware or software) or the vector is reserved
 * (0-15).
 */
bool vlapic_accept_irq(struct vlapic *l, unsigned vector, bool level);

/*
 * The vCPU's own CPU moves the posted vectors into IRR: before an entry, so
 * that IRR in the page is what the CPU (or vmx/inject.c) delivers from.
 * True when there were any.
 */
bool vlapic_sync_irr(struct vlapic *l);

/* IRR word w (vectors 32w..32w+31), posted vectors included, as a read of the register returns it. */
uint32_t vlapic_irr_word(const struct vlapic *l, unsigned w);
/* TMR word w: the level-triggered vectors. */
uint32_t vlapic_tmr_word(const struct vlapic *l, unsigned w);
/* Highest vector in IRR (posted ones not counted until synced) or ISR; -1 if none. */
int vlapic_highest_irr(const struct vlapic *l);
int vlapic_highest_isr(const struct vlapic *l);

/*
 * An EOI of `vector` whose ISR bit is already clear (the CPU's EOI
 * virtualization did it): counted, and announced through the EOI hook if
 * the vector was level-triggered. An EOI register write does the same after
 * clearing the highest ISR bit itself.
 */
void vlapic_eoi_done(struct vlapic *l, unsigned vector);

/* A guest write the CPU already stored in the register (an APIC-write VM exit): the model applies it. */
static inline void vlapic_apply_stored_write(struct vlapic *l, uint32_t off, uint64_t now)
{
	vlapic_write(l, off, LAPIC_REG_WIDTH, l->regs[off / LAPIC_REG_WIDTH], now);
}

/* An edge-triggered one: IPIs and the timer. */
static inline bool vlapic_accept(struct vlapic *l, unsigned vector)
{
	return vlapic_accept_irq(l, vector, false);
}

/* Processor priority (SDM "Processor Priority Register"): the TPR, or the in-service class if higher. */
uint32_t vlapic_ppr(const struct vlapic *l);

/*
 * The vector the APIC would deliver to the CPU now: the highest in IRR whose
 * priority class is above the PPR's, while the APIC is enabled; -1 if none.
 */
int vlapic_pending_vector(const struct vlapic *l);

/* The CPU took `vector` (it was delivered): IRR bit to ISR bit (posted vectors synced first). */
void vlapic_ack(struct vlapic *l, unsigned vector);

/*
 * Timer expiry at TSC `now`: when the deadline has passed, sets the LVT
 * timer's vector in IRR (unless masked) and moves the deadline on (periodic)
 * or stops (one-shot). Returns true when IRR got the vector.
 */
bool vlapic_tick(struct vlapic *l, uint64_t now);

/*
 * IA32_TSC_DEADLINE ("TSC-Deadline Mode"), in the TSC `now` is read in. While
 * the LVT timer is in TSC-deadline mode a write arms the timer to expire at
 * `deadline` (at once when it has passed) and 0 disarms it; an expiry sets
 * the vector in IRR (unless masked) and the MSR back to 0. In the other
 * modes writes are ignored and it reads 0.
 */
void vlapic_write_tsc_deadline(struct vlapic *l, uint64_t deadline, uint64_t now);
uint64_t vlapic_read_tsc_deadline(const struct vlapic *l);

/*
 * TSC at which the timer will next set IRR, or 0: not counting, masked, or
 * the APIC disabled. The scheduler wakes or preempts the vCPU then.
 */
static inline uint64_t vlapic_next_deadline(const struct vlapic *l)
{
	return (l->timer_lvt & APIC_LVT_MASKED) ? 0 : l->timer_deadline;
}

/*
 * The local APIC as a bus device (vlapic_mmio's ranges): dev is the struct
 * vlapic, reached only by its own vCPU, so no lock; the timer reads the
 * current TSC.
 */
extern const struct bus_device lapic_bus_device;

/* A STARTUP IPI's vector as vlapic_receive_sipi() holds it until the vCPU is started. */
#define LAPIC_SIPI_LATCHED 0x100u

/* Hands over the IPI an ICR write left for other APICs; false if there is none. */
bool vlapic_take_route(struct vlapic *l, struct vlapic_route *out);

/*
 * Whether an IPI to `dest` reaches this APIC (SDM "Determining IPI
 * Destination"). Physical: its ID, or 0xff for all. Logical, by the DFR's
 * model: flat, any bit shared with the LDR's logical ID; cluster, the
 * cluster (bits 7:4, 0xf for all clusters) and any member bit (3:0) in
 * common. Reads another CPU's APIC safely (atomic loads).
 */
bool vlapic_is_destination(const struct vlapic *l, uint32_t dest, bool logical);

/*
 * x2APIC mode's MSRs (X2APIC_MSR_BASE + register offset / 16, SDM "x2APIC
 * Register Address Space"), dev/lapic_x2apic.c: 0, or -1 where the CPU
 * raises #GP (not in x2APIC mode, no such register, a read of a write-only
 * one or a write of a read-only one, reserved bits set where the SDM says
 * they fault).
 */
int vlapic_msr_read(const struct vlapic *l, uint32_t msr, uint64_t *val, uint64_t now);
int vlapic_msr_write(struct vlapic *l, uint32_t msr, uint64_t val, uint64_t now);
/* x2APIC's logical ID of an x2APIC ID: cluster (ID bits 19:4) in 31:16, one bit (ID bits 3:0) in 15:0. */
uint32_t x2apic_logical_id(uint32_t id);

/*
 * An INIT IPI arrives for a vCPU that is not running ("INIT Reset"): the
 * registers go back to their power-up values (ID and IA32_APIC_BASE stay)
 * and the APIC waits for a STARTUP IPI. Returns false, changing nothing,
 * when IA32_APIC_BASE has the APIC disabled: it receives no IPIs then.
 */
bool vlapic_receive_init(struct vlapic *l);

/*
 * An INIT IPI arrives for a vCPU that may be running on another CPU: the APIC
 * waits for a SIPI at once (one sent right after is not lost), and
 * LAPIC_ATTN_INIT asks the vCPU's own CPU to reset it (vlapic_init_reset) and
 * stop running it. A SIPI held from before is dropped. False, changing
 * nothing, when the APIC is disabled in IA32_APIC_BASE.
 */
bool vlapic_post_init(struct vlapic *l);

/* The INIT reset of the registers, on the vCPU's own CPU after vlapic_post_init(). */
void vlapic_init_reset(struct vlapic *l);

/*
 * A STARTUP IPI with `vector` arrives: true, once, if an INIT put the APIC in
 * wait-for-SIPI; the vector is then held (`sipi`) for vlapic_take_sipi(). A
 * SIPI at any other time is ignored, as on hardware. Safe against other CPUs
 * sending at the same time.
 */
bool vlapic_receive_sipi(struct vlapic *l, uint8_t vector);

/* Takes the held STARTUP vector (once, whichever CPU asks first); false if none. */
bool vlapic_take_sipi(struct vlapic *l, uint8_t *vector);

#define LAPIC_NMI_HELD_MAX 2

/*
 * An NMI arrives (an NMI IPI): held until injected, at most two, even by a
 * software-disabled APIC; false when it is disabled in IA32_APIC_BASE.
 */
bool vlapic_accept_nmi(struct vlapic *l);

/* Takes one held NMI for injection; false if none. */
bool vlapic_take_nmi(struct vlapic *l);

/* The guest is in its NMI handler: the CPU would latch one NMI more, not two. */
void vlapic_hold_one_nmi(struct vlapic *l);

#endif
