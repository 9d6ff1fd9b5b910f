/*
 * The PC's two cascaded 8259A interrupt controllers and the edge/level
 * control registers (ELCR) beside them: their I/O ports and the bits of
 * their command words (Intel 8259A data sheet, "Initialization Command
 * Words" and "Operation Command Words"; the ELCR as the PIIX/ICH chipsets
 * place it).
 */
#ifndef HW_PIC_H
#define HW_PIC_H

/* Same definition as hw/msr.h, so either header may come first. */
#ifndef BIT
#define BIT(n)   (1ULL << (n))
#endif

#define PIC_MASTER_CMD   0x20
#define PIC_MASTER_DATA  0x21
#define PIC_SLAVE_CMD    0xa0
#define PIC_SLAVE_DATA   0xa1
#define PIC_ELCR_MASTER  0x4d0   /* IRQ 0-7 */
#define PIC_ELCR_SLAVE   0x4d1   /* IRQ 8-15 */
#define PIC_PORTS        2       /* command and data; the ELCR pair */

#define PIC_IRQS         8       /* IR0-IR7 on each chip */
#define PIC_SPURIOUS_IR  7       /* the level a chip answers an acknowledge with when nothing requests */
#define PIC_CASCADE_IR   2       /* on a PC the slave's INT drives the master's IR2 */

/* ICW1, written to the command port with bit 4 set. */
#define PIC_ICW1_IC4     BIT(0)  /* ICW4 follows */
#define PIC_ICW1_SNGL    BIT(1)  /* single 8259A: no ICW3 */
#define PIC_ICW1_LTIM    BIT(3)  /* level-triggered inputs: the ELCR decides on a PIIX, not this bit */
#define PIC_ICW1_SELECT  BIT(4)  /* tells ICW1 from OCW2 and OCW3 on the command port */

/* ICW2: the vector base, bits 7:3. */
#define PIC_ICW2_BASE    0xf8u

/* ICW4. */
#define PIC_ICW4_UPM     BIT(0)  /* 8086/8088 mode */
#define PIC_ICW4_AEOI    BIT(1)  /* automatic EOI at the acknowledge */
#define PIC_ICW4_SFNM    BIT(4)  /* special fully nested mode */

/* OCW2: bit 4 and bit 3 clear. R, SL and EOI select the command, L2-L0 a level. */
#define PIC_OCW2_LEVEL   0x07u
#define PIC_OCW2_EOI     BIT(5)
#define PIC_OCW2_SL      BIT(6)
#define PIC_OCW2_R       BIT(7)

/* OCW3: bit 4 clear, bit 3 set. */
#define PIC_OCW3_RIS     BIT(0)  /* with RR: read the ISR (else the IRR) */
#define PIC_OCW3_RR      BIT(1)
#define PIC_OCW3_P       BIT(2)  /* poll: the next command-port read acknowledges */
#define PIC_OCW3_SELECT  BIT(3)
#define PIC_OCW3_SMM     BIT(5)  /* with ESMM: special mask mode on (else off) */
#define PIC_OCW3_ESMM    BIT(6)

#define PIC_POLL_INT     BIT(7)  /* the poll word: an interrupt was pending, its level in bits 2:0 */

/*
 * How a PC BIOS leaves the pair, and the vectors its real-mode interrupt
 * table expects: IRQ 0-7 at 0x08-0x0f, IRQ 8-15 at 0x70-0x77.
 */
#define PIC_BIOS_MASTER_BASE 0x08
#define PIC_BIOS_SLAVE_BASE  0x70

#endif
