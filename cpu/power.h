/* Ending the machine: emulator exit ports first, then the firmware's ResetSystem. */
#ifndef CPU_POWER_H
#define CPU_POWER_H

enum power_status { POWER_SUCCESS = 0, POWER_FAILURE = 1 };

/* Runtime services table from the firmware, kept for ResetSystem after ExitBootServices. */
void power_set_runtime(void *efi_runtime_services);
void power_off(enum power_status status) __attribute__((noreturn));

#endif
