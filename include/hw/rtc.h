/*
 * The PC's real-time clock and CMOS RAM: the Motorola MC146818A as the PCH
 * datasheet's "Real Time Clock" describes it. Register numbers and bits as
 * the MC146818A datasheet names them (Linux's mc146818rtc.h uses the same).
 */
#ifndef HW_RTC_H
#define HW_RTC_H

#ifndef BIT
#define BIT(n)   (1ULL << (n))
#endif

#define RTC_PORT_INDEX     0x70u   /* write: bit 7 NMI disable, bits 6:0 the register */
#define RTC_PORT_DATA      0x71u
#define RTC_PORTS          2u
#define RTC_IRQ            8u

#define RTC_INDEX_NMI_DISABLE  0x80u
#define RTC_INDEX_MASK         0x7fu
#define RTC_CMOS_BYTES         128u

/* Time and alarm registers (bytes 0x00-0x09), then the four control registers. */
#define RTC_SECONDS        0x00u
#define RTC_SECONDS_ALARM  0x01u
#define RTC_MINUTES        0x02u
#define RTC_MINUTES_ALARM  0x03u
#define RTC_HOURS          0x04u
#define RTC_HOURS_ALARM    0x05u
#define RTC_DAY_OF_WEEK    0x06u   /* 1 = Sunday */
#define RTC_DAY_OF_MONTH   0x07u
#define RTC_MONTH          0x08u
#define RTC_YEAR           0x09u   /* two digits */
#define RTC_REG_A          0x0au
#define RTC_REG_B          0x0bu
#define RTC_REG_C          0x0cu
#define RTC_REG_D          0x0du
#define RTC_CENTURY        0x32u   /* the ACPI FADT's default CENTURY index */

/* Register A */
#define RTC_A_UIP          BIT(7)  /* update in progress: the time registers are about to change */
#define RTC_A_DV_32KHZ     0x20u   /* divider bits 6:4 = 010: 32.768 kHz time base, running */
#define RTC_A_RS_1024HZ    0x06u   /* rate select bits 3:0 = 0110: the periodic rate firmware sets */
#define RTC_A_WRITABLE     0x7fu
/* The update cycle: UIP rises this long before the registers change (MC146818A: 244 us). */
#define RTC_UIP_US         244u

/* Register B */
#define RTC_B_SET          BIT(7)  /* updates halted: software is setting the time */
#define RTC_B_PIE          BIT(6)  /* periodic interrupt enable */
#define RTC_B_AIE          BIT(5)  /* alarm interrupt enable */
#define RTC_B_UIE          BIT(4)  /* update-ended interrupt enable */
#define RTC_B_SQWE         BIT(3)
#define RTC_B_DM_BINARY    BIT(2)  /* data mode: 1 binary, 0 BCD */
#define RTC_B_24H          BIT(1)  /* 1: 24-hour mode; 0: 12-hour with bit 7 of the hours for PM */
#define RTC_B_DSE          BIT(0)  /* daylight-saving enable */

/* Register C: interrupt flags, cleared by reading it. */
#define RTC_C_IRQF         BIT(7)
#define RTC_C_PF           BIT(6)
#define RTC_C_AF           BIT(5)
#define RTC_C_UF           BIT(4)

/* Register D */
#define RTC_D_VRT          BIT(7)  /* valid RAM and time: the battery is good */

#define RTC_HOURS_PM       0x80u   /* 12-hour mode */
/* An alarm register with both top bits set matches every value ("don't care"). */
#define RTC_ALARM_DONT_CARE 0xc0u

#endif
