/* emul's checks on the test device's memory (wide.c), and what they share with main.c. */
#ifndef EMUL_WIDE_H
#define EMUL_WIDE_H

#include <stdint.h>

void check_wide(void);
/* main.c: the boot tables' page-directory entry for va (2 MiB pages), and INVLPG. */
volatile uint64_t *pde_of(uint64_t va);
void invlpg(uint64_t va);

#endif
