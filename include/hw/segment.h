/*
 * Segment descriptors and VMCS access-rights encodings (Intel SDM vol. 3,
 * "Segment Descriptors" and the guest-state "access rights" format).
 */
#ifndef HW_SEGMENT_H
#define HW_SEGMENT_H

#include <stdint.h>
#include "hw/msr.h"

/* Segment registers as the SDM numbers them (instruction information, the VMCS's field order). */
enum seg_reg { SEG_ES, SEG_CS, SEG_SS, SEG_DS, SEG_FS, SEG_GS, SEG_COUNT };

/* A selector's index and table indicator: the part an error code carries (RPL is bits 1:0). */
#define SELECTOR_INDEX_TI_MASK 0xfffcu

/* Descriptor types (S=1 code/data, S=0 system). */
#define SEG_TYPE_DATA_RW_A   0x3
#define SEG_TYPE_CODE_XR_A   0xb
#define SEG_TYPE_TSS64_AVAIL 0x9
#define SEG_TYPE_TSS64_BUSY  0xb
#define SEG_TYPE_LDT         0x2
#define SEG_TYPE_DATA_RW_DOWN_A 0x7  /* expand-down read/write, accessed */
#define SEG_TYPE_TSS16_BUSY  0x3
#define SEG_TYPE_TSS32_BUSY  0xb     /* the 32-bit and the 64-bit busy TSS share the type */
/* Type bits of code and data segments. */
#define SEG_TYPE_ACCESSED    0x1
#define SEG_TYPE_READABLE    0x2     /* code segments; "writable" in data segments */
#define SEG_TYPE_CONFORMING  0x4     /* code segments; "expand-down" in data segments */
#define SEG_TYPE_CODE        0x8

/* Segment selector: requested privilege level and table indicator. */
#define SEL_RPL_MASK 0x3u
#define SEL_TI       0x4u

/* VMCS access-rights field layout. */
#define AR_TYPE(t)   ((uint32_t)(t))
#define AR_S         (1u << 4)
#define AR_DPL(d)    ((uint32_t)(d) << 5)
#define AR_P         (1u << 7)
#define AR_L         (1u << 13)
#define AR_DB        (1u << 14)
#define AR_G         (1u << 15)
#define AR_UNUSABLE  (1u << 16)
#define AR_TYPE_MASK 0xfu
#define AR_DPL_SHIFT 5
#define AR_DPL_MASK  (3u << AR_DPL_SHIFT)
#define AR_RESERVED  (0xfu << 8 | 0xfffeu << 16)   /* bits 11:8 and 31:17 */
/* A segment in virtual-8086 mode: read/write accessed data, S, DPL 3, present. */
#define AR_V8086     (AR_TYPE(SEG_TYPE_DATA_RW_A) | AR_S | AR_DPL(3) | AR_P)
#define V8086_LIMIT  0xffffu
#define V8086_BASE_SHIFT 4          /* base = selector << 4, as in real mode */
/* A limit field against G: with G set its bits 11:0 are all ones, with G clear it fits in 20 bits. */
#define SEG_LIMIT_PAGE_LOW   0xfffu
#define SEG_LIMIT_BYTE_MAX   0xfffffu

/* Raw 8-byte descriptor builders for the host GDT (same bit positions, shifted). */
#define DESC_P   BIT(47)
#define DESC_S   BIT(44)
#define DESC_L   BIT(53)
#define DESC_DB  BIT(54)
#define DESC_G   BIT(55)
#define DESC_TYPE(t) ((uint64_t)(t) << 40)
/* Fields of an 8-byte descriptor (the lower half of a 16-byte system descriptor in IA-32e mode). */
#define DESC_TYPE_OF(d)  ((unsigned)((d) >> 40) & 0xfu)
#define DESC_BUSY        BIT(41)         /* in a TSS descriptor's type */
#define DESC_AR(d)       ((uint32_t)((d) >> 40) & 0xf0ffu)   /* type, S, DPL, P, AVL, L, D/B, G: the VMCS layout */
#define DESC_LIMIT(d)    ((uint32_t)((d) & 0xffffu) | (uint32_t)((d) >> 32 & 0xf0000u))
#define DESC_BASE(d)     (((d) >> 16 & 0xffffffu) | ((d) >> 32 & 0xff000000u))
/* The upper half of a 16-byte system descriptor: base 63:32, and a type field (bits 12:8) that must be 0. */
#define DESC_HI_TYPE(h)  ((unsigned)((h) >> 40) & 0x1fu)
#define SEG_TYPE_TSS16_AVAIL 0x1
#define DESC_BYTES       8

struct __attribute__((packed)) desc_ptr {
	uint16_t limit;
	uint64_t base;
};

/* 64-bit TSS (Intel SDM "Task Management in 64-bit Mode"). */
struct __attribute__((packed)) tss64 {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
};

/* 64-bit interrupt gate. */
struct __attribute__((packed)) idt_gate {
	uint16_t offset_lo;
	uint16_t selector;
	uint8_t ist;
	uint8_t type_attr;
	uint16_t offset_mid;
	uint32_t offset_hi;
	uint32_t reserved;
};
#define IDT_GATE_INTR64 0x8e   /* present, DPL0, 64-bit interrupt gate */

#endif
