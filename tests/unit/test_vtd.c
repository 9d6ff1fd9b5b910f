/*
 * Host tests for the VT-d model through its registers on a bus, with guest
 * memory an array: the capability and status registers, root pointer and
 * table latching, register-based invalidation completing, 3- and 4-level
 * walks with 4 KiB, 2 MiB and 1 GiB pages, each fault reason the walk and
 * the root and context entries can give and its fault record (FI, SID, T,
 * F, PPF, PFO) and event, fault processing disabled, pass-through,
 * interrupt remapping (the entry's fields in xAPIC and x2APIC mode, each of
 * its faults, source-ID checks, compatibility format blocked or allowed), and the invalidation
 * queue (wait descriptors' status writes and completion events, an invalid
 * descriptor stopping the queue with IQE).
 */
#include <string.h>

#include "dev/vtd.h"
#include "check.h"
#include "fake_ram.h"

#define RAM_SIZE (4u << 20)

static uint8_t ram[RAM_SIZE];
static struct vtd v;
static struct bus bus;
static struct spinlock lock = SPINLOCK_INIT;
static struct { unsigned count; uint64_t addr; uint32_t data; } events;

static bool mem(void *ctx, uint64_t gpa, void *buf, uint32_t len, bool write)
{
	CHECK(ctx == &ram);
	return fake_ram_rw(ram, RAM_SIZE, gpa, buf, len, write);
}

static void event(void *ctx, uint64_t addr, uint32_t data)
{
	CHECK(ctx == &ram);
	events.count++;
	events.addr = addr;
	events.data = data;
}

static uint32_t rd32(unsigned off)
{
	return (uint32_t)bus_mmio_read(bus_find(&bus.mmio, VTD_DEFAULT_BASE + off), 0, VTD_DEFAULT_BASE + off, 4);
}

static uint64_t rd64(unsigned off)
{
	return bus_mmio_read(bus_find(&bus.mmio, VTD_DEFAULT_BASE + off), 0, VTD_DEFAULT_BASE + off, 8);
}

static void wr32(unsigned off, uint32_t val)
{
	bus_mmio_write(bus_find(&bus.mmio, VTD_DEFAULT_BASE + off), 0, VTD_DEFAULT_BASE + off, 4, val);
}

static void wr64(unsigned off, uint64_t val)
{
	bus_mmio_write(bus_find(&bus.mmio, VTD_DEFAULT_BASE + off), 0, VTD_DEFAULT_BASE + off, 8, val);
}

static void put64(uint64_t gpa, uint64_t val)
{
	memcpy(ram + gpa, &val, sizeof val);
}

static uint64_t get64(uint64_t gpa)
{
	uint64_t val;
	memcpy(&val, ram + gpa, sizeof val);
	return val;
}

static void setup(void)
{
	memset(ram, 0, sizeof ram);
	memset(&events, 0, sizeof events);
	vtd_init(&v, (struct vtd_env){ mem, event, &ram });
	bus_init(&bus);
	CHECK_EQ(bus_add(&bus.mmio, VTD_DEFAULT_BASE, VTD_MMIO_SIZE, &vtd_bus_device, &v, &lock), 0);
}

static void command(uint32_t bit)
{
	wr32(VTD_GCMD_REG, (rd32(VTD_GSTS_REG) & ~(uint32_t)(VTD_GCMD_SRTP | VTD_GCMD_SIRTP)) | bit);
}

/* Tables: root at 0x1000, bus 0's context table at 0x2000, second-level tables from 0x10000. */
#define ROOT   0x1000u
#define CTX    0x2000u
#define SL     0x10000u
#define SID    0x0010u   /* 00:02.0 */

static void context(uint16_t sid, uint64_t lo, uint64_t hi)
{
	put64(ROOT + (sid >> 8) * 16, CTX | VTD_ROOT_P);
	put64(CTX + (sid & 0xff) * 16, lo);
	put64(CTX + (sid & 0xff) * 16 + 8, hi);
}

/* A 3-level context for SID mapping iova 0x5000 to 0x123000 read-write and 0x6000 to 0x7000 read-only. */
static void setup_translation(void)
{
	setup();
	context(SID, SL | VTD_CTX_P, VTD_CTX_AW_39 | 7 << 8);
	put64(SL, (SL + 0x1000) | VTD_SL_R | VTD_SL_W);
	put64(SL + 0x1000, (SL + 0x2000) | VTD_SL_R | VTD_SL_W);
	put64(SL + 0x2000 + 5 * 8, 0x123000 | VTD_SL_R | VTD_SL_W);
	put64(SL + 0x2000 + 6 * 8, 0x7000 | VTD_SL_R);
	wr64(VTD_RTADDR_REG, ROOT);
	command(VTD_GCMD_SRTP);
	command(VTD_GCMD_TE);
}

static void test_registers(void)
{
	setup();
	CHECK_EQ(rd32(VTD_VER_REG), 0x10);
	uint64_t cap = rd64(VTD_CAP_REG), ecap = rd64(VTD_ECAP_REG);
	CHECK(cap & VTD_CAP_SAGAW_39);
	CHECK(cap & VTD_CAP_SAGAW_48);
	CHECK_EQ(cap & (VTD_CAP_SLLPS_2M | VTD_CAP_SLLPS_1G), VTD_CAP_SLLPS_2M | VTD_CAP_SLLPS_1G);
	CHECK_EQ(rd32(VTD_CAP_REG + 4), cap >> 32);
	CHECK_EQ(ecap & (VTD_ECAP_QI | VTD_ECAP_IR | VTD_ECAP_EIM | VTD_ECAP_PT),
	         VTD_ECAP_QI | VTD_ECAP_IR | VTD_ECAP_EIM | VTD_ECAP_PT);
	CHECK_EQ(rd32(VTD_GSTS_REG), 0);
	CHECK_EQ(rd32(VTD_FSTS_REG), 0);
	CHECK_EQ(rd32(VTD_FECTL_REG), VTD_ECTL_IM);
	/* The root pointer is latched by SRTP, not by the write. */
	wr32(VTD_RTADDR_REG, 0x345fff);
	wr32(VTD_RTADDR_REG + 4, 0x1);
	CHECK_EQ(rd64(VTD_RTADDR_REG), 0x100345000ULL);
	CHECK_EQ(v.rta, 0);
	wr32(VTD_GCMD_REG, (uint32_t)VTD_GCMD_SRTP);
	CHECK_EQ(v.rta, 0x100345000ULL);
	CHECK_EQ(rd32(VTD_GSTS_REG), VTD_GCMD_SRTP);
	CHECK_EQ(rd32(VTD_GCMD_REG), 0);
	/* Status bits follow their commands. */
	command(VTD_GCMD_QIE);
	command(VTD_GCMD_IRE);
	CHECK_EQ(rd32(VTD_GSTS_REG), VTD_GCMD_SRTP | VTD_GCMD_QIE | VTD_GCMD_IRE);
	wr32(VTD_GCMD_REG, (uint32_t)VTD_GCMD_IRE);
	CHECK_EQ(rd32(VTD_GSTS_REG), VTD_GCMD_SRTP | VTD_GCMD_IRE);
	/* Register-based invalidation completes at once, at the granularity asked. */
	wr64(VTD_CCMD_REG, VTD_CCMD_ICC | 2ULL << VTD_CCMD_CIRG_SHIFT | 5ULL << 16);
	CHECK_EQ(rd64(VTD_CCMD_REG), 2ULL << VTD_CCMD_CIRG_SHIFT | 2ULL << VTD_CCMD_CAIG_SHIFT | 5ULL << 16);
	unsigned iotlb = (unsigned)((ecap >> VTD_ECAP_IRO_SHIFT & 0x3ff) * 16) + 8;
	wr64(iotlb, VTD_IOTLB_IVT | 1ULL << VTD_IOTLB_IIRG_SHIFT);
	CHECK_EQ(rd64(iotlb), 1ULL << VTD_IOTLB_IIRG_SHIFT | 1ULL << VTD_IOTLB_IAIG_SHIFT);
	/* Narrow writes are undefined and change nothing; reserved registers read 0. */
	bus_mmio_write(bus_find(&bus.mmio, VTD_DEFAULT_BASE), 0, VTD_DEFAULT_BASE + VTD_GCMD_REG, 1, 0x80);
	CHECK_EQ(rd32(VTD_GSTS_REG), VTD_GCMD_SRTP | VTD_GCMD_IRE);
	CHECK_EQ(rd32(0x48), 0);
}

static void test_translation_off(void)
{
	setup();
	uint64_t gpa = 0;
	CHECK(vtd_translate(&v, SID, 0x12345678, true, &gpa));
	CHECK_EQ(gpa, 0x12345678);
}

static unsigned frcd_base(void)
{
	return (unsigned)(rd64(VTD_CAP_REG) >> VTD_CAP_FRO_SHIFT & 0x3ff) * 16;
}

static void test_walk_4k(void)
{
	setup_translation();
	uint64_t gpa = 0;
	CHECK(vtd_translate(&v, SID, 0x5abc, false, &gpa));
	CHECK_EQ(gpa, 0x123abc);
	CHECK(vtd_translate(&v, SID, 0x5000, true, &gpa));
	CHECK_EQ(gpa, 0x123000);
	CHECK(vtd_translate(&v, SID, 0x6008, false, &gpa));
	CHECK_EQ(gpa, 0x7008);
	CHECK_EQ(rd32(VTD_FSTS_REG), 0);
	/* A write to the read-only page: reason 5, a write (T clear), recorded with the page and the SID. */
	CHECK(!vtd_translate(&v, SID, 0x6008, true, &gpa));
	unsigned fr = frcd_base();
	CHECK_EQ(rd64(fr), 0x6000);
	CHECK_EQ(rd64(fr + 8), VTD_FRCD_F | (uint64_t)VTD_FR_WRITE << 32 | SID);
	CHECK_EQ(rd32(VTD_FSTS_REG), VTD_FSTS_PPF);
	CHECK_EQ(rd32(VTD_FECTL_REG), VTD_ECTL_IM | VTD_ECTL_IP);   /* masked: pending */
	CHECK_EQ(events.count, 0);
	/* A second fault while the register is full: overflow. */
	CHECK(!vtd_translate(&v, SID, 0x9000, false, &gpa));
	CHECK_EQ(rd32(VTD_FSTS_REG), VTD_FSTS_PPF | VTD_FSTS_PFO);
	CHECK_EQ(rd64(fr), 0x6000);
	/* Cleared by software: F, then PFO; the pending event goes with the last condition. */
	wr32(fr + 12, (uint32_t)(VTD_FRCD_F >> 32));
	CHECK_EQ(rd32(VTD_FSTS_REG), VTD_FSTS_PFO);
	CHECK(rd32(VTD_FECTL_REG) & VTD_ECTL_IP);
	wr32(VTD_FSTS_REG, (uint32_t)VTD_FSTS_PFO);
	CHECK_EQ(rd32(VTD_FSTS_REG), 0);
	CHECK_EQ(rd32(VTD_FECTL_REG), VTD_ECTL_IM);
	/* Unmasked, a fault sends its event: a read of a page that is not there, reason 6, T set. */
	wr32(VTD_FEDATA_REG, 0x45);
	wr32(VTD_FEADDR_REG, 0xfee01000);
	wr32(VTD_FECTL_REG, 0);
	CHECK(!vtd_translate(&v, SID, 0x9000, false, &gpa));
	CHECK_EQ(rd64(fr + 8), VTD_FRCD_F | VTD_FRCD_T | (uint64_t)VTD_FR_READ << 32 | SID);
	CHECK_EQ(events.count, 1);
	CHECK_EQ(events.addr, 0xfee01000);
	CHECK_EQ(events.data, 0x45);
	/* Masked, then unmasked with a fault pending: the event goes then. */
	wr32(fr + 12, (uint32_t)(VTD_FRCD_F >> 32));
	wr32(VTD_FECTL_REG, (uint32_t)VTD_ECTL_IM);
	CHECK(!vtd_translate(&v, SID, 0x9000, true, &gpa));
	CHECK_EQ(events.count, 1);
	wr32(VTD_FECTL_REG, 0);
	CHECK_EQ(events.count, 2);
	CHECK_EQ(rd32(VTD_FECTL_REG), 0);
}

/* A 4-level context with a 1 GiB page at 1 GiB and a 2 MiB page at 2 MiB, under the 39-bit limit and above it. */
static void test_walk_large(void)
{
	setup();
	context(SID, SL | VTD_CTX_P, VTD_CTX_AW_48);
	put64(SL + 1 * 8, (SL + 0x1000) | VTD_SL_R | VTD_SL_W);              /* PML4E 1: 512 GiB up */
	put64(SL + 0x1000 + 1 * 8, 0x40000000 | VTD_SL_PS | VTD_SL_R);       /* 1 GiB page at 513 GiB */
	put64(SL + 0x1000 + 0 * 8, (SL + 0x2000) | VTD_SL_R | VTD_SL_W);
	put64(SL + 0x2000 + 1 * 8, 0x200000 | VTD_SL_PS | VTD_SL_R | VTD_SL_W);   /* 2 MiB page at 512 GiB + 2 MiB */
	wr64(VTD_RTADDR_REG, ROOT);
	command(VTD_GCMD_SRTP);
	command(VTD_GCMD_TE);
	uint64_t gpa = 0, g512 = 512ULL << 30;
	CHECK(vtd_translate(&v, SID, g512 + (1ULL << 30) + 0x12345678 % (1u << 30), false, &gpa));
	CHECK_EQ(gpa, 0x40000000 + 0x12345678 % (1u << 30));
	CHECK(vtd_translate(&v, SID, g512 + 0x200000 + 0x1abcd, true, &gpa));
	CHECK_EQ(gpa, 0x21abcd);
	CHECK(!vtd_translate(&v, SID, g512 + (1ULL << 30), true, &gpa));   /* the 1 GiB page is read-only */
	/* Above 48 bits: reason 4. */
	CHECK(!vtd_translate(&v, SID, 1ULL << 48, false, &gpa));
	CHECK_EQ(rd64(frcd_base() + 8) >> 32 & 0xff, VTD_FR_WRITE);   /* the first fault stays recorded */
	wr32(frcd_base() + 12, (uint32_t)(VTD_FRCD_F >> 32));
	CHECK(!vtd_translate(&v, SID, 1ULL << 48, false, &gpa));
	CHECK_EQ(rd64(frcd_base() + 8) >> 32 & 0xff, VTD_FR_ADDR_WIDTH);
	/* A large-page bit in a PML4E is reserved. */
	put64(SL + 2 * 8, VTD_SL_PS | VTD_SL_R);
	wr32(frcd_base() + 12, (uint32_t)(VTD_FRCD_F >> 32));
	CHECK(!vtd_translate(&v, SID, 1024ULL << 30, false, &gpa));
	CHECK_EQ(rd64(frcd_base() + 8) >> 32 & 0xff, VTD_FR_PAGING_RSVD);
}

static uint8_t fault_of(uint16_t sid, uint64_t addr)
{
	uint64_t gpa;
	wr32(frcd_base() + 12, (uint32_t)(VTD_FRCD_F >> 32));
	CHECK(!vtd_translate(&v, sid, addr, false, &gpa));
	return (rd64(frcd_base() + 8) & VTD_FRCD_F) ? (uint8_t)(rd64(frcd_base() + 8) >> 32) : 0;
}

static void test_entries(void)
{
	setup_translation();
	uint64_t gpa;
	CHECK_EQ(fault_of(0x0100, 0x5000), VTD_FR_ROOT_NP);                  /* bus 1 */
	CHECK_EQ(fault_of(0x0018, 0x5000), VTD_FR_CTX_NP);                   /* 00:03.0 */
	CHECK_EQ(fault_of(SID, 1ULL << 39), VTD_FR_ADDR_WIDTH);              /* 3 levels: 39 bits */
	put64(ROOT + 8, 1);
	CHECK_EQ(fault_of(SID, 0x5000), VTD_FR_ROOT_RSVD);
	put64(ROOT + 8, 0);
	put64(CTX + SID * 16 + 8, VTD_CTX_AW_39 | 1ULL << 40);
	CHECK_EQ(fault_of(SID, 0x5000), VTD_FR_CTX_RSVD);
	put64(CTX + SID * 16 + 8, 3);
	CHECK_EQ(fault_of(SID, 0x5000), VTD_FR_CTX_INVALID);                 /* AW 3: 5 levels, not offered */
	put64(CTX + SID * 16 + 8, VTD_CTX_AW_39);
	put64(CTX + SID * 16, SL | VTD_CTX_P | 1 << VTD_CTX_TT_SHIFT);
	CHECK_EQ(fault_of(SID, 0x5000), VTD_FR_CTX_INVALID);                 /* device TLBs: not offered */
	/* Pass-through: the address as it is. */
	put64(CTX + SID * 16, VTD_CTX_P | (uint64_t)VTD_CTX_TT_PASS_THROUGH << VTD_CTX_TT_SHIFT);
	CHECK(vtd_translate(&v, SID, 0x9876543, true, &gpa));
	CHECK_EQ(gpa, 0x9876543);
	/* Fault processing disabled: blocked, not recorded. */
	put64(CTX + SID * 16, SL | VTD_CTX_P | VTD_CTX_FPD);
	CHECK_EQ(fault_of(SID, 0x9000), 0);
	CHECK(vtd_translate(&v, SID, 0x5000, false, &gpa));
	/* A root table where no memory is. */
	wr64(VTD_RTADDR_REG, 0x7fff0000);
	command(VTD_GCMD_SRTP);
	CHECK_EQ(fault_of(SID, 0x5000), VTD_FR_ROOT_ACCESS);
	/* Translation off again: the address as it is. */
	wr32(VTD_GCMD_REG, 0);
	CHECK(vtd_translate(&v, SID, 0x5000, false, &gpa));
	CHECK_EQ(gpa, 0x5000);
}

#define IRT 0x30000u

static void irte(unsigned index, uint64_t lo, uint64_t hi)
{
	put64(IRT + index * 16, lo);
	put64(IRT + index * 16 + 8, hi);
}

static struct irq_msg remappable(uint16_t index)
{
	return (struct irq_msg){ .vector = 0x30, .remappable = true, .index = index };
}

static uint8_t ir_fault(uint32_t sid, struct irq_msg m)
{
	struct irq_msg out;
	wr32(frcd_base() + 12, (uint32_t)(VTD_FRCD_F >> 32));
	CHECK(!vtd_remap(&v, sid, &m, &out));
	return (rd64(frcd_base() + 8) & VTD_FRCD_F) ? (uint8_t)(rd64(frcd_base() + 8) >> 32) : 0;
}

static void test_interrupt_remapping(void)
{
	setup();
	struct irq_msg out, compat = { .vector = 0x41, .dest = 3 };
	/* Off: every message as it is. */
	CHECK(vtd_remap(&v, SID, &compat, &out));
	CHECK_EQ(out.vector, 0x41);
	CHECK_EQ(out.dest, 3);
	wr64(VTD_IRTA_REG, IRT | 3);   /* 16 entries */
	command(VTD_GCMD_SIRTP);
	command(VTD_GCMD_IRE);
	CHECK_EQ(rd32(VTD_GSTS_REG), VTD_GCMD_SIRTP | VTD_GCMD_IRE);
	/* Entry 5: vector 0xee, lowest priority, logical, level, APIC 0x02; SID verified with SQ ignoring the function. */
	irte(5, VTD_IRTE_P | VTD_IRTE_DM | VTD_IRTE_TM | 1ULL << VTD_IRTE_DLM_SHIFT | 0xeeULL << VTD_IRTE_V_SHIFT |
	        0x02ULL << VTD_IRTE_DST_XAPIC_SHIFT,
	     SID | 3ULL << VTD_IRTE_SQ_SHIFT | (uint64_t)VTD_SVT_SID << VTD_IRTE_SVT_SHIFT);
	CHECK(vtd_remap(&v, SID | 7, &(struct irq_msg){ .vector = 1, .dest = 9, .remappable = true, .index = 5 }, &out));
	CHECK_EQ(out.vector, 0xee);
	CHECK_EQ(out.delmod, 1);
	CHECK(out.logical);
	CHECK(out.level);
	CHECK_EQ(out.dest, 2);
	CHECK(!out.remappable);
	CHECK(vtd_remap(&v, VTD_NO_SID, &(struct irq_msg){ .remappable = true, .index = 5 }, &out));
	CHECK_EQ(ir_fault(0x0018, remappable(5)), VTD_FR_IR_SID);
	/* Bus-range verification: buses 1 to 3. */
	irte(6, VTD_IRTE_P, 0x0103 | (uint64_t)VTD_SVT_BUS_RANGE << VTD_IRTE_SVT_SHIFT);
	CHECK(vtd_remap(&v, 0x0210, &(struct irq_msg){ .remappable = true, .index = 6 }, &out));
	CHECK_EQ(ir_fault(0x0410, remappable(6)), VTD_FR_IR_SID);
	/* Each fault, with the index in FI[63:48]. */
	CHECK_EQ(ir_fault(SID, remappable(16)), VTD_FR_IR_INDEX);
	CHECK_EQ(rd64(frcd_base()), 16ULL << 48);
	CHECK_EQ(ir_fault(SID, remappable(7)), VTD_FR_IR_NP);
	irte(7, VTD_IRTE_P | VTD_IRTE_IM, 0);
	CHECK_EQ(ir_fault(SID, remappable(7)), VTD_FR_IR_RSVD);   /* posted: not offered */
	irte(7, VTD_IRTE_P | 1ULL << 32, 0);
	CHECK_EQ(ir_fault(SID, remappable(7)), VTD_FR_IR_RSVD);   /* xAPIC mode: DST bits 39:32 reserved */
	irte(7, VTD_IRTE_P | VTD_IRTE_FPD | 1ULL << 32, 0);
	CHECK_EQ(ir_fault(SID, remappable(7)), 0);                /* fault processing disabled */
	/* Compatibility format: blocked while CFIS is clear, as it is when CFI is set. */
	CHECK_EQ(ir_fault(VTD_NO_SID, compat), VTD_FR_IR_COMPAT);
	command(VTD_GCMD_CFI);
	CHECK(vtd_remap(&v, VTD_NO_SID, &compat, &out));
	CHECK_EQ(out.vector, 0x41);
	/* x2APIC mode: the destination is DST's 32 bits, which xAPIC mode reserves in part. */
	irte(8, VTD_IRTE_P | 0x31ULL << VTD_IRTE_V_SHIFT | 0x000100ffULL << VTD_IRTE_DST_SHIFT, 0);
	CHECK_EQ(ir_fault(SID, remappable(8)), VTD_FR_IR_RSVD);
	wr64(VTD_IRTA_REG, IRT | VTD_IRTA_EIME | 3);
	CHECK_EQ(rd64(VTD_IRTA_REG), IRT | VTD_IRTA_EIME | 3);
	command(VTD_GCMD_SIRTP);
	CHECK(vtd_remap(&v, SID, &(struct irq_msg){ .remappable = true, .index = 8 }, &out));
	CHECK_EQ(out.vector, 0x31);
	CHECK_EQ(out.dest, 0x000100ff);
	CHECK(out.x2apic_dest);
	CHECK(vtd_remap(&v, SID, &(struct irq_msg){ .remappable = true, .index = 5 }, &out));
	CHECK_EQ(out.dest, 0x0200);   /* entry 5's DST as x2APIC reads it */
	/* A table where no memory is. */
	wr64(VTD_IRTA_REG, 0x7ff00000 | 3);
	command(VTD_GCMD_SIRTP);
	CHECK_EQ(ir_fault(SID, remappable(1)), VTD_FR_IR_ACCESS);
}

#define IQ 0x40000u

static void descriptor(unsigned index, uint64_t lo, uint64_t hi)
{
	put64(IQ + index * 16, lo);
	put64(IQ + index * 16 + 8, hi);
}

static void test_queue(void)
{
	setup();
	wr64(VTD_IQA_REG, IQ);   /* 256 descriptors */
	wr64(VTD_IQT_REG, 0);
	command(VTD_GCMD_QIE);
	CHECK_EQ(rd32(VTD_GSTS_REG), VTD_GCMD_QIE);
	/* Context, IOTLB and interrupt-entry invalidations, then a wait writing 0x5a5a to 0x50000. */
	descriptor(0, VTD_INV_CC | 1 << 4, 0);
	descriptor(1, VTD_INV_IOTLB | 1 << 4, 0);
	descriptor(2, VTD_INV_IEC, 0);
	descriptor(3, VTD_INV_WAIT | VTD_INV_WAIT_SW | 0x5a5aULL << VTD_INV_WAIT_SD_SHIFT, 0x50000);
	wr64(VTD_IQT_REG, 4 << 4);
	CHECK_EQ(get64(0x50000), 0x5a5a);
	CHECK_EQ(rd64(VTD_IQH_REG), 4 << 4);
	CHECK_EQ(rd32(VTD_ICS_REG), 0);
	/* A wait with IF: ICS.IWC, and the completion event once unmasked. */
	wr32(VTD_IEDATA_REG, 0x51);
	wr32(VTD_IEADDR_REG, 0xfee00000);
	descriptor(4, VTD_INV_WAIT | VTD_INV_WAIT_IF, 0);
	wr64(VTD_IQT_REG, 5 << 4);
	CHECK_EQ(rd32(VTD_ICS_REG), VTD_ICS_IWC);
	CHECK_EQ(rd32(VTD_IECTL_REG), VTD_ECTL_IM | VTD_ECTL_IP);
	CHECK_EQ(events.count, 0);
	wr32(VTD_IECTL_REG, 0);
	CHECK_EQ(events.count, 1);
	CHECK_EQ(events.data, 0x51);
	wr32(VTD_ICS_REG, (uint32_t)VTD_ICS_IWC);
	CHECK_EQ(rd32(VTD_ICS_REG), 0);
	/* An unknown descriptor stops the queue on itself with IQE; later ones wait. */
	descriptor(5, 0xf, 0);
	descriptor(6, VTD_INV_WAIT | VTD_INV_WAIT_SW | 0x77ULL << VTD_INV_WAIT_SD_SHIFT, 0x50000);
	wr64(VTD_IQT_REG, 7 << 4);
	CHECK_EQ(rd32(VTD_FSTS_REG), VTD_FSTS_IQE);
	CHECK_EQ(rd64(VTD_IQH_REG), 5 << 4);
	CHECK_EQ(get64(0x50000), 0x5a5a);
	/* Fixed and IQE cleared, the tail written again: the queue runs on. */
	descriptor(5, VTD_INV_IEC, 0);
	wr32(VTD_FSTS_REG, (uint32_t)VTD_FSTS_IQE);
	wr64(VTD_IQT_REG, 7 << 4);
	CHECK_EQ(rd64(VTD_IQH_REG), 7 << 4);
	CHECK_EQ(get64(0x50000), 0x77);
	/* A tail past the queue's end is an error too. */
	wr64(VTD_IQT_REG, 256 << 4);
	CHECK_EQ(rd32(VTD_FSTS_REG), VTD_FSTS_IQE);
}

static void test_msi_decode(void)
{
	struct irq_msg m;
	CHECK(!msi_decode(0xfed00000, 0x30, &m));
	CHECK(!msi_decode(0x1fee00000ULL, 0x30, &m));
	CHECK(msi_decode(0xfee0300c, 0x80f1 | 1 << 8, &m));
	CHECK_EQ(m.vector, 0xf1);
	CHECK_EQ(m.delmod, 1);
	CHECK_EQ(m.dest, 3);
	CHECK(m.logical);
	CHECK(m.level);
	CHECK(!m.remappable);
	/* Remappable: handle 0x8123 (bit 15 in address bit 2), with the subhandle added under SHV. */
	CHECK(msi_decode(0xfee00000 | 0x123 << 5 | VTD_MSI_IF | VTD_MSI_HANDLE15, 0x5, &m));
	CHECK(m.remappable);
	CHECK_EQ(m.index, 0x8123);
	CHECK(msi_decode(0xfee00000 | 0x123 << 5 | VTD_MSI_IF | VTD_MSI_SHV, 0x5, &m));
	CHECK_EQ(m.index, 0x128);
}

int main(void)
{
	RUN(test_registers);
	RUN(test_translation_off);
	RUN(test_walk_4k);
	RUN(test_walk_large);
	RUN(test_entries);
	RUN(test_interrupt_remapping);
	RUN(test_queue);
	RUN(test_msi_decode);
	return CHECK_EXIT();
}
