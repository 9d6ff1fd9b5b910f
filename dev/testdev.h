/*
 * QEMU's pc-testdev as kvm-unit-tests use it, for domains whose config
 * asks for it (`testdev = 1`, docs/config.md): a 32-bit scratch register
 * at port 0xe0, the page-flush port 0xe4 (accepted, nothing to flush: the
 * CPU's own TLB rules hold under VT-x), and at 0x2000-0x2017 one byte port
 * per interrupt line, 0 to 23: writing non-zero raises the line, zero
 * lowers it. Lines go out through struct irq_line, as any device's do.
 * And 64 KiB of device memory at 0xff000000 that reads back what was
 * written, where kvm-unit-tests' emulator test runs instructions on
 * memory the hypervisor must carry out (vmx/mmio_emulate.c). Pure code;
 * unit-tested on the host.
 */
#ifndef DEV_TESTDEV_H
#define DEV_TESTDEV_H

#include <stdint.h>
#include "dev/bus.h"
#include "dev/irq_line.h"
#include "hw/testdev.h"

struct testdev {
	uint8_t scratch[TESTDEV_PORT_FLUSH - TESTDEV_PORT_SCRATCH];   /* the register's bytes, little-endian */
	struct irq_line line0;   /* line n is irq_line_above(line0, n): one line kept, not 24 */
	uint8_t *iomem;          /* TESTDEV_IOMEM_SIZE bytes, the caller's; NULL: no device memory */
};

/*
 * The scratch register 0; `line0` is line 0, and the 23 lines numbered
 * after it follow; `iomem` the device memory (cleared here), or NULL.
 */
void testdev_init(struct testdev *t, struct irq_line line0, uint8_t *iomem);

/*
 * Claim 0xe0-0xe7 and 0x2000-0x2017 on bus b, byte-wide, and the device
 * memory if it has one, without a lock of its own. 0, or -1 when a range
 * is taken.
 */
int testdev_add_to_bus(struct bus *b, struct testdev *t);

#endif
