/*
 * The emulators' power-off ports, unused on real machines: QEMU's
 * isa-debug-exit device (at the port run-qemu.sh gives it; QEMU exits with
 * status (value << 1) | 1) and Bochs' shutdown port, which powers off on
 * the string "Shutdown".
 */
#ifndef HW_EMULATOR_EXIT_H
#define HW_EMULATOR_EXIT_H

#define ISA_DEBUG_EXIT_PORT 0xf4
#define BOCHS_SHUTDOWN_PORT 0x8900

#endif
