/*
 * The command line of a Hinoki ELF64 guest (bootinfo.cmdline_gpa), or any
 * other line such as a Multiboot kernel's: words separated by spaces, some
 * of them KEY=VALUE settings such as `units=500`.
 */
#ifndef GUEST_CMDLINE_H
#define GUEST_CMDLINE_H

#include <stdbool.h>
#include <stdint.h>

#include "hinoki/bootinfo.h"

/* The command line, or "" when the boot information holds none within RAM. */
const char *cmdline_get(const struct hinoki_bootinfo *bi);

/* Whether `word` is one of the words. */
bool cmdline_has(const struct hinoki_bootinfo *bi, const char *word);

/*
 * The value of the last `key=N` word, N decimal or 0x-prefixed hex, in
 * *out. Returns false, leaving *out alone, when the key is absent or its
 * value is not a number that fits.
 */
bool cmdline_u64(const struct hinoki_bootinfo *bi, const char *key, uint64_t *out);

/* `key=A-B` (or `key=N`, both N) in [*lo, *hi], each number as for cmdline_u64. */
bool cmdline_range(const struct hinoki_bootinfo *bi, const char *key, uint64_t *lo, uint64_t *hi);

/* The same on a line given directly (a Multiboot kernel's command line). */
bool cmdline_line_u64(const char *line, const char *key, uint64_t *out);

#endif
