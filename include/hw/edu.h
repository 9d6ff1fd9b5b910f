/*
 * QEMU's educational PCI device, "edu" (QEMU's docs/specs/edu.rst): its
 * identity, the registers behind its one memory BAR and its DMA engine,
 * whose buffer sits at EDU_DMA_BUF in the device's own address view.
 */
#ifndef HW_EDU_H
#define HW_EDU_H

#define PCI_VENDOR_ID_QEMU      0x1234u
#define PCI_DEVICE_ID_EDU       0x11e8u
#define EDU_REVISION            0x10u
#define EDU_BAR_SIZE            0x100000u   /* BAR 0: 1 MiB of registers */

#define EDU_ID                  0x00u       /* read-only: 0xRRrr00ed, version 1.0 */
#define EDU_ID_VALUE            0x010000edu
#define EDU_LIVENESS            0x04u       /* reads the inverse of what was written */
#define EDU_FACTORIAL           0x08u
#define EDU_STATUS              0x20u
#define EDU_STATUS_COMPUTING    0x01u
#define EDU_STATUS_IRQFACT      0x80u       /* raise interrupt 0x1 when a factorial is done */
#define EDU_INTR_STATUS         0x24u
#define EDU_INTR_RAISE          0x60u
#define EDU_INTR_ACK            0x64u
#define EDU_DMA_SRC             0x80u
#define EDU_DMA_DST             0x88u
#define EDU_DMA_COUNT           0x90u
#define EDU_DMA_CMD             0x98u
#define EDU_DMA_RUN             0x01u
#define EDU_DMA_TO_RAM          0x02u       /* direction: 0 RAM to the buffer, 1 the buffer to RAM */
#define EDU_DMA_IRQ             0x04u       /* raise interrupt EDU_IRQ_DMA when done */
#define EDU_IRQ_FACT            0x001u
#define EDU_IRQ_DMA             0x100u

#define EDU_WIDE_REGS           0x80u       /* below: 32-bit accesses only; from here also 64-bit */
#define EDU_DMA_BUF             0x40000u
#define EDU_DMA_BUF_SIZE        0x1000u
#define EDU_MSI_CAP             0x40u       /* configuration space: the MSI capability, the only one */
#define EDU_DMA_MASK            0x0fffffffULL   /* the device drives 28 address bits */

#endif
