/*
 * The PC's pair of 8259A interrupt controllers (the slave's INT on the
 * master's IR2) and the PIIX edge/level control registers (ELCR, ports
 * 0x4d0/0x4d1): ISA IRQ lines 0-15 come in, and the master's INT output
 * (INTR) goes out to whoever the platform connected it to, the local
 * APICs' LINT0 on a PC. The processor's interrupt acknowledge is
 * pic_ack(): it gives the vector and moves the request into service.
 * Command and data ports, masks, in-service and request registers,
 * priorities, EOIs and polling are as the 8259A data sheet has them
 * (dev/pic.c says where the model departs). Pure code; unit-tested on the
 * host.
 */
#ifndef DEV_PIC_H
#define DEV_PIC_H

#include <stdbool.h>
#include <stdint.h>
#include "dev/bus.h"
#include "hw/pic.h"
#include "lib/spinlock.h"

/* Where an 8259A is in the initialisation sequence a write to ICW1 starts. */
enum pic_init_step { PIC_READY, PIC_WANT_ICW2, PIC_WANT_ICW3, PIC_WANT_ICW4 };

struct pic8259 {
	uint8_t irr;             /* interrupt request register */
	uint8_t isr;             /* in-service register */
	uint8_t imr;             /* interrupt mask register (OCW1) */
	uint8_t line;            /* the IR inputs' levels, for edge detection and level-triggered requests */
	uint8_t elcr;            /* this chip's edge/level control register: 1 level-triggered */
	uint8_t base;            /* ICW2: the vector of IR0 */
	uint8_t icw1, icw3, icw4;
	uint8_t step;            /* enum pic_init_step */
	uint8_t lowest;          /* the IR with the lowest priority (7 in fixed priority; rotation moves it) */
	bool read_isr;           /* OCW3: command-port reads return the ISR, else the IRR */
	bool poll;               /* OCW3 poll: the next command-port read is an acknowledge */
	bool special_mask;       /* OCW3 special mask mode: masked levels do not inhibit lower ones */
	bool rotate_aeoi;        /* OCW2: rotate on automatic EOI */
};

/* Called when INTR goes from low to high (the platform's lock held). */
typedef void pic_intr_fn(void *ctx);

struct pic {
	struct pic8259 chip[2];  /* master, slave */
	uint8_t intr;            /* the master's INT output; read without the lock by pic_intr() */
	pic_intr_fn *raise;
	void *ctx;
};

/*
 * The pair as a PC BIOS leaves it (docs/platform.md, "PIC and ELCR"):
 * initialised in cascade mode with ICW4 (8086 mode), IRQ 0-7 at vectors
 * 0x08-0x0f and IRQ 8-15 at 0x70-0x77, the master masked but for the
 * cascade, the slave unmasked, every line edge-triggered. `raise` hears
 * INTR's rising edges.
 */
void pic_init(struct pic *p, pic_intr_fn *raise, void *ctx);

/*
 * ISA IRQ `irq`'s line goes to `level`: IRQ 0-7 are the master's IR0-IR7,
 * 8-15 the slave's; IRQ 2 is the cascade, so no ISA line reaches it, and
 * lines beyond 15 are not wired to the pair.
 */
void pic_set_irq(struct pic *p, unsigned irq, bool level);

/* The master's INT output: some unmasked request outranks what is in service. Safe without the lock. */
static inline bool pic_intr(const struct pic *p)
{
	return __atomic_load_n(&p->intr, __ATOMIC_SEQ_CST) != 0;
}

/*
 * The interrupt acknowledge cycle: the vector of the highest request,
 * which goes in service (unless auto-EOI); through IR2 the slave
 * answers. With nothing left to acknowledge a chip answers with IR7, the
 * spurious level, and sets nothing in service.
 */
uint8_t pic_ack(struct pic *p);

/*
 * Claim the three port pairs on bus b, byte-wide (BUS_BYTE_REGS), each call
 * under `lock`: the lock that also guards pic_set_irq() and pic_ack().
 * 0, or -1 when a port is taken.
 */
int pic_add_to_bus(struct bus *b, struct pic *p, struct spinlock *lock);

#endif
