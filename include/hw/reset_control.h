/*
 * The PC's Reset Control Register at port 0xCF9 (Intel PCH datasheets:
 * RST_CNT), which the FADT's reset register names on Hinoki as on PCs. It
 * is a byte register: wider accesses to 0xCF8 reach PCI CONFIG_ADDRESS.
 */
#ifndef HW_RESET_CONTROL_H
#define HW_RESET_CONTROL_H

#define RST_CNT_PORT     0xcf9
#define RST_CNT_SYS_RST  (1u << 1)   /* the reset is a hard one (PLTRST#), not an INIT */
#define RST_CNT_RST_CPU  (1u << 2)   /* written as 1: the reset happens (SYS_RST and FULL_RST say which) */
#define RST_CNT_FULL_RST (1u << 3)   /* the reset power-cycles the platform */
/* What Linux and firmware write for a cold reset: SYS_RST | RST_CPU. */
#define RST_CNT_COLD_RESET (RST_CNT_SYS_RST | RST_CNT_RST_CPU)

#endif
