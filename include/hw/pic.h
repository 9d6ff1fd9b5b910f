/*
 * The PC's two cascaded 8259A interrupt controllers and the edge/level
 * control registers (ELCR) beside them: their I/O ports (Intel 8259A data
 * sheet; the ELCR as the PIIX/ICH chipsets place it).
 */
#ifndef HW_PIC_H
#define HW_PIC_H

#define PIC_MASTER_CMD   0x20
#define PIC_MASTER_DATA  0x21
#define PIC_SLAVE_CMD    0xa0
#define PIC_SLAVE_DATA   0xa1
#define PIC_ELCR_MASTER  0x4d0   /* IRQ 0-7 */
#define PIC_ELCR_SLAVE   0x4d1   /* IRQ 8-15 */
#define PIC_PORTS        2       /* command and data; the ELCR pair */

#endif
