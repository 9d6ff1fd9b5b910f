/*
 * Ports and addresses of PC devices, and of emulators' control ports, that
 * Hinoki's platform does not emulate (docs/platform.md): a guest reaching
 * for them gets the empty bus, or, for memory, its domain stopped. Named
 * here for the guests that check exactly that.
 */
#ifndef HW_PC_DEVICES_H
#define HW_PC_DEVICES_H

/* ATA (IDE) channels: command block base, device/head at +6, status/command at +7, control block. */
#define ATA_PRIMARY_BASE      0x1f0u
#define ATA_PRIMARY_CTRL      0x3f6u    /* alternate status */
#define ATA_SECONDARY_BASE    0x170u
#define ATA_SECONDARY_CTRL    0x376u
#define ATA_REG_DEVICE        6u
#define ATA_REG_STATUS        7u        /* read: status; write: command */
#define ATA_DEVICE_MASTER     0xa0u     /* device/head: master, CHS, obsolete bits set */
#define ATA_CMD_IDENTIFY      0xecu
#define ATA_SECTOR_WORDS      256u

/* The 8042 keyboard controller. */
#define KBC_DATA              0x60u
#define KBC_CMD               0x64u
#define KBC_CMD_WRITE_OUTPUT  0xd1u     /* the next data byte goes to the output port (bit 0: CPU reset) */
#define KBC_CMD_PULSE_RESET   0xfeu     /* pulse the CPU reset line */

/* System Control Port A: bit 0 fast reset, bit 1 A20. */
#define PORT_A                0x92u
#define PORT_A_FAST_RESET     0x01u

/*
 * ACPI PM1a control blocks of the chipsets emulators give: PIIX4 (PM base
 * 0xb000, where Hinoki's own PM1 registers are too) and ICH9 (0x600).
 * SLP_EN with SLP_TYP 0 is S5 on both.
 */
#define PIIX4_PM1A_CNT        0xb004u
#define ICH9_PM1A_CNT         0x604u

/* Emulators' control ports. */
#define BOCHS_SHUTDOWN_PORT   0x8900u   /* "Shutdown" written byte by byte powers Bochs off */
#define BOCHS_DEBUG_PORT      0x8a00u   /* debugger commands */
#define BOCHS_DEBUG_ENABLE    0x8a00u
#define BOCHS_DEBUG_PROMPT    0x8ae0u   /* return to the debugger prompt */
#define QEMU_DEBUG_EXIT_PORT  0x501u    /* isa-debug-exit at QEMU's default iobase */

/* Memory-mapped ones. */
#define HPET_BASE             0xfed00000ULL
#define FIRMWARE_FLASH_BASE   0xffe00000ULL   /* the top 2 MiB, where a PC maps its flash */

#endif
