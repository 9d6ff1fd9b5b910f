/*
 * What a Multiboot loader hands a 32-bit guest at entry (EAX's magic, EBX's
 * information structure), read the same way by every Multiboot test kernel.
 */
#ifndef GUEST_MBINFO_H
#define GUEST_MBINFO_H

#include <stdint.h>

#include "hw/multiboot.h"

/*
 * Checks the boot magic (a CHECK FAILED line under `tag` when wrong) and
 * returns the command line, "" when there is none or the magic is wrong;
 * prints it as "TAGcmdline '...'".
 */
const char *mb_cmdline(const char *tag, uint32_t magic, const struct mb_info *mbi);

#endif
