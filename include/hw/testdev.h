/*
 * QEMU's pc-testdev, the test device kvm-unit-tests' x86 tests drive: its
 * I/O ports and its memory, as QEMU's `pc` machine places them.
 */
#ifndef HW_TESTDEV_H
#define HW_TESTDEV_H

#define TESTDEV_PORT_SCRATCH  0xe0     /* a 32-bit register that reads back what was written */
#define TESTDEV_PORT_FLUSH    0xe4     /* page flush: a 32-bit guest-physical address, acted on by TCG only */
#define TESTDEV_IOPORTS       8        /* 0xe0-0xe7: the two above */
#define TESTDEV_PORT_IRQ      0x2000   /* byte port n drives ISA IRQ line n: non-zero raises it, zero lowers it */
#define TESTDEV_IRQ_LINES     24
#define TESTDEV_IOMEM_BASE    0xff000000ULL   /* device memory that reads back what was written */
#define TESTDEV_IOMEM_SIZE    0x10000

#endif
