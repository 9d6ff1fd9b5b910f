/*
 * The I/O APIC's registers (Intel 82093AA I/O APIC datasheet; the EOI
 * register of version 0x20 parts as the ICH/PCH datasheets place it): the
 * two memory-mapped registers that reach the indirect ones, the indirect
 * registers, and the fields of a redirection table entry.
 */
#ifndef HW_IOAPIC_H
#define HW_IOAPIC_H

#define IOAPIC_DEFAULT_BASE  0xfec00000ULL   /* the PC chipset's first I/O APIC */

/* Memory-mapped registers, offsets from the base; each is one aligned 32-bit word. */
#define IOAPIC_IOREGSEL      0x00   /* index of the indirect register IOWIN reaches */
#define IOAPIC_IOWIN         0x10
#define IOAPIC_EOIR          0x40   /* ICH/PCH: write a vector to end a level-triggered interrupt */

/* Indirect registers, by IOREGSEL index. */
#define IOAPIC_IOAPICID      0x00
#define IOAPIC_IOAPICVER     0x01
#define IOAPIC_IOAPICARB     0x02
#define IOAPIC_IOREDTBL0     0x10   /* entry n: low word at 0x10 + 2n, high word at 0x11 + 2n */

#define IOAPIC_ID_SHIFT      24
#define IOAPIC_ID_MASK       0x0f000000u   /* IOAPICID and IOAPICARB: bits 27:24 */
#define IOAPIC_VER_MASK      0x000000ffu
#define IOAPIC_VER_MRE_SHIFT 16            /* maximum redirection entry: pins - 1 */

/* Redirection table entry (64 bits). */
#define IOAPIC_RTE_INTVEC       0xffULL
#define IOAPIC_RTE_DELMOD_SHIFT 8
#define IOAPIC_RTE_DELMOD       (7ULL << IOAPIC_RTE_DELMOD_SHIFT)
#define IOAPIC_RTE_DESTMOD      (1ULL << 11)   /* 1: logical destination */
#define IOAPIC_RTE_DELIVS       (1ULL << 12)   /* delivery status, read-only */
#define IOAPIC_RTE_INTPOL       (1ULL << 13)   /* 1: active low */
#define IOAPIC_RTE_REMOTE_IRR   (1ULL << 14)   /* read-only */
#define IOAPIC_RTE_TRIGGER_MODE (1ULL << 15)   /* 1: level */
#define IOAPIC_RTE_MASK         (1ULL << 16)
#define IOAPIC_RTE_DEST_SHIFT   56
#define IOAPIC_RTE_DEST         (0xffULL << IOAPIC_RTE_DEST_SHIFT)
/*
 * The ICH/PCH I/O APIC's extended destination ID, bits 55:48: in VT-d's
 * remappable format (bit 48 set) bits 63:49 carry the interrupt's index
 * bits 14:0 and bit 11 (the destination mode's place) its bit 15.
 */
#define IOAPIC_RTE_EDID         (0xffULL << 48)
#define IOAPIC_RTE_IF           (1ULL << 48)
#define IOAPIC_RTE_INDEX_SHIFT  49

/* DELMOD values. */
enum ioapic_delmod {
	IOAPIC_DELMOD_FIXED    = 0,
	IOAPIC_DELMOD_LOWEST   = 1,   /* lowest priority */
	IOAPIC_DELMOD_SMI      = 2,
	IOAPIC_DELMOD_NMI      = 4,
	IOAPIC_DELMOD_INIT     = 5,
	IOAPIC_DELMOD_EXTINT   = 7,
};

#endif
