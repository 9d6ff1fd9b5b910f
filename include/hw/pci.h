/*
 * PCI configuration mechanism #1 (PCI Local Bus Specification, "Configuration
 * Mechanism #1"; the PCH datasheet's CONFIG_ADDRESS and CONFIG_DATA) and the
 * configuration-header offsets a host bridge fills.
 */
#ifndef HW_PCI_H
#define HW_PCI_H

#ifndef BIT
#define BIT(n)   (1ULL << (n))
#endif

#define PCI_CONFIG_ADDRESS      0xcf8u   /* only a 32-bit access reaches it */
#define PCI_CONFIG_DATA         0xcfcu   /* 0xcfc-0xcff: the dword CONFIG_ADDRESS selects */
#define PCI_CONFIG_DATA_PORTS   4u

/* CONFIG_ADDRESS */
#define PCI_CFG_ENABLE          BIT(31)  /* CFGE: data-port accesses become configuration cycles */
#define PCI_CFG_BUS_SHIFT       16
#define PCI_CFG_DEVFN_SHIFT     8
#define PCI_CFG_REG_MASK        0xfcu    /* dword-aligned register; bits 1:0 are reserved, read 0 */
#define PCI_CFG_LOW_BITS        0x03u
#define PCI_CFG_WRITABLE        0x80fffffcu   /* bits 30:24 and 1:0 are reserved on the PCH and read 0 */

/* Type 0 configuration header */
#define PCI_VENDOR_ID           0x00u
#define PCI_DEVICE_ID           0x02u
#define PCI_COMMAND             0x04u    /* I/O, memory and bus-master enables */
#define PCI_STATUS              0x06u
#define PCI_REVISION_ID         0x08u
#define PCI_CLASS_PROG          0x09u
#define PCI_CLASS_DEVICE        0x0au    /* sub-class, then base class at 0x0b */
#define PCI_HEADER_TYPE         0x0eu
#define PCI_BASE_ADDRESS_0      0x10u
#define PCI_SUBSYSTEM_VENDOR_ID 0x2cu
#define PCI_SUBSYSTEM_ID        0x2eu
#define PCI_CAPABILITY_LIST     0x34u
#define PCI_INTERRUPT_LINE      0x3cu
#define PCI_INTERRUPT_PIN       0x3du    /* 1: INTA# */
#define PCI_CONFIG_SPACE_SIZE   256u

#define PCI_COMMAND_MEMORY      0x0002u
#define PCI_COMMAND_MASTER      0x0004u
#define PCI_COMMAND_SERR        0x0100u
#define PCI_COMMAND_INTX_DISABLE 0x0400u
#define PCI_STATUS_INTERRUPT    0x0008u  /* the function asserts INTx# */
#define PCI_STATUS_CAP_LIST     0x0010u
#define PCI_BASE_ADDRESS_MEM_MASK 0xfffffff0u   /* bits 3:0 say memory, 32-bit, not prefetchable: 0 */
#define PCI_INTERRUPT_PIN_INTA  1u

/* The MSI capability, 64-bit addresses, one vector (PCI Local Bus Specification, "Message Signaled Interrupts") */
#define PCI_CAP_ID_MSI          0x05u
#define PCI_MSI_FLAGS           0x02u
#define PCI_MSI_FLAGS_ENABLE    0x0001u
#define PCI_MSI_FLAGS_64BIT     0x0080u
#define PCI_MSI_ADDRESS_LO      0x04u
#define PCI_MSI_ADDRESS_HI      0x08u
#define PCI_MSI_DATA_64         0x0cu
#define PCI_MSI_CAP_SIZE_64     0x0eu

#define PCI_CLASS_BRIDGE_HOST   0x0600u
#define PCI_CLASS_OTHERS        0xff00u
#define PCI_HEADER_TYPE_NORMAL  0x00u

/* The host bridge QEMU's pc machine has at 00:00.0: the Intel 440FX PMC. */
#define PCI_VENDOR_ID_INTEL     0x8086u
#define PCI_DEVICE_ID_INTEL_82441 0x1237u
#define PCI_REVISION_82441      0x02u

/* Configuration addresses: device 0-31, function 0-7 */
#define PCI_DEVFN(dev, fn)      ((dev) << 3 | (fn))

#endif
