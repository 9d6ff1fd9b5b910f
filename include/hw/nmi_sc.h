/*
 * Port 0x61, the PCH's NMI Status and Control register (NMI_SC), the PC/AT's
 * port B: speaker gate and data, the NMI sources' enables and status, and the
 * refresh toggle firmware times delays by.
 */
#ifndef HW_NMI_SC_H
#define HW_NMI_SC_H

#ifndef BIT
#define BIT(n)   (1ULL << (n))
#endif

#define NMI_SC_PORT          0x61u

#define NMI_SC_SERR_NMI_STS  BIT(7)   /* read-only */
#define NMI_SC_IOCHK_NMI_STS BIT(6)   /* read-only */
#define NMI_SC_TMR2_OUT_STS  BIT(5)   /* read-only: the 8254's counter 2 output */
#define NMI_SC_REF_TOGGLE    BIT(4)   /* read-only: flips every 15.085 us */
#define NMI_SC_IOCHK_NMI_EN  BIT(3)   /* 1 disables */
#define NMI_SC_PCI_SERR_EN   BIT(2)   /* 1 disables */
#define NMI_SC_SPKR_DAT_EN   BIT(1)
#define NMI_SC_TIM_CNT2_EN   BIT(0)   /* gate of the 8254's counter 2 */
#define NMI_SC_WRITABLE      0x0fu

#define NMI_SC_REF_TOGGLE_NS 15085u

#endif
