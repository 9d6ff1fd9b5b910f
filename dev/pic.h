/*
 * The legacy interrupt controllers' registers a guest touches while taking
 * them out of the way: the two 8259A PICs (command ports 0x20/0xa0, data
 * ports 0x21/0xa1) and the PIIX edge/level control registers (ELCR, ports
 * 0x4d0/0x4d1). Nothing is ever raised through them: Hinoki delivers no
 * legacy interrupts, so the model keeps what a guest can read back (the
 * masks through the initialisation sequence, the ELCR bits) and no more.
 * Pure code; unit-tested on the host.
 */
#ifndef DEV_PIC_H
#define DEV_PIC_H

#include <stdint.h>
#include "dev/bus.h"
#include "hw/pic.h"
#include "lib/spinlock.h"


/* Where an 8259A is in the initialisation sequence a write to ICW1 starts. */
enum pic_init_step { PIC_READY, PIC_WANT_ICW2, PIC_WANT_ICW3, PIC_WANT_ICW4 };

struct pic8259 {
	uint8_t imr;             /* interrupt mask register (OCW1) */
	uint8_t icw1;            /* the last ICW1: whether ICW3 and ICW4 follow */
	uint8_t step;            /* enum pic_init_step */
	uint8_t elcr;            /* this chip's edge/level control register */
};

struct pic {
	struct pic8259 chip[2];  /* master, slave */
};

void pic_init(struct pic *p);
/*
 * Claim the three port pairs on bus b, byte-wide (BUS_BYTE_REGS), each call
 * under `lock`: the masks and an ICW sequence are shared by the domain's vCPUs.
 * 0, or -1 when a port is taken.
 */
int pic_add_to_bus(struct bus *b, struct pic *p, struct spinlock *lock);

#endif
