/*
 * The Intel 440FX host bridge (82441FX PMC, bus 0 device 0 function 0), the
 * chipset of Bochs and QEMU's pc machine: the Programmable Attribute Map
 * registers that make the BIOS area [0xC0000, 0x100000) read from and write
 * to DRAM rather than ROM (82441FX datasheet, PAM0-PAM6), reached through
 * PCI configuration mechanism #1.
 */
#ifndef HW_I440FX_H
#define HW_I440FX_H

#define PCI_CONFIG_ADDRESS     0xcf8
#define PCI_CONFIG_DATA        0xcfc
#define PCI_CONFIG_ENABLE      (1u << 31)

#define I440FX_PAM0            0x59   /* bits 5:4: 0xF0000-0xFFFFF */
#define I440FX_PAM5            0x5e   /* bits 1:0: 0xE0000-0xE3FFF, bits 5:4: 0xE4000-0xE7FFF */
#define I440FX_PAM6            0x5f   /* bits 1:0: 0xE8000-0xEBFFF, bits 5:4: 0xEC000-0xEFFFF */
#define I440FX_PAM_HI_SHIFT    4
#define I440FX_PAM_RE          0x1u   /* reads go to DRAM */
#define I440FX_PAM_WE          0x2u   /* writes go to DRAM */
#define I440FX_PAM_DRAM        (I440FX_PAM_RE | I440FX_PAM_WE)

#endif
