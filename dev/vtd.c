/*
 * The remapping unit's model. Registers are 32 bits wide or pairs of them;
 * a 64-bit access is its two halves, low first, so a command that a
 * register's high half holds (CCMD's ICC, IOTLB's IVT) runs when that half
 * is written, as a 32-bit driver writes it last. Other access sizes are
 * undefined by the specification: reads take the bytes of the registers,
 * writes do nothing. The capability registers say what the model does;
 * what they do not offer (advanced fault logging, write-buffer flushing,
 * protected memory regions, device TLBs, posted interrupts, scalable mode)
 * reads as absent, and its bits stay reserved.
 *
 * A request from a device (a DMA, an MSI) carries its requester ID; the I/O
 * APIC's messages carry none (VTD_NO_SID) as in QEMU's q35, since no ACPI
 * table names the I/O APIC's source ID to the guest.
 */
#include "dev/vtd.h"
#include "lib/string.h"

#define VTD_IOTLB_BASE    0x100u   /* IVA_REG, then IOTLB_REG */
#define VTD_FRCD_BASE     0x200u
#define VTD_MGAW          48u
#define VTD_ADDR_MASK     0x000ffffffffff000ULL   /* address bits of a paging entry */
#define LEVEL_BITS        9u
#define LEVEL_MASK        511u
#define PAGE_SHIFT_4K     12u
#define ENTRY_BYTES       16u      /* root, context, IRTE and invalidation descriptors */
#define IQ_ENTRIES_PER_QS 256u

static const uint64_t cap = VTD_CAP_ND_256 | VTD_CAP_SAGAW_39 | VTD_CAP_SAGAW_48 |
                            (uint64_t)(VTD_MGAW - 1) << VTD_CAP_MGAW_SHIFT |
                            (uint64_t)(VTD_FRCD_BASE / 16) << VTD_CAP_FRO_SHIFT |
                            VTD_CAP_SLLPS_2M | VTD_CAP_SLLPS_1G;
static const uint64_t ecap = VTD_ECAP_C | VTD_ECAP_QI | VTD_ECAP_IR | VTD_ECAP_EIM | VTD_ECAP_PT |
                             (uint64_t)(VTD_IOTLB_BASE / 16) << VTD_ECAP_IRO_SHIFT;

#define FAULT_CONDITIONS  (VTD_FSTS_PFO | VTD_FSTS_IQE | VTD_FSTS_ICE | VTD_FSTS_ITE)

void vtd_init(struct vtd *v, struct vtd_env env)
{
	memset(v, 0, sizeof *v);
	v->env = env;
	v->fault.ctl = VTD_ECTL_IM;
	v->inv.ctl = VTD_ECTL_IM;
}

static bool mem_read(struct vtd *v, uint64_t gpa, void *buf, uint32_t len)
{
	return v->env.mem(v->env.ctx, gpa, buf, len, false);
}

/* An event interrupt, sent now or held as pending while masked. */
static void raise_event(struct vtd *v, struct vtd_event_regs *e)
{
	if (e->ctl & VTD_ECTL_IM) {
		e->ctl |= (uint32_t)VTD_ECTL_IP;
		return;
	}
	e->ctl &= ~(uint32_t)VTD_ECTL_IP;
	v->env.event(v->env.ctx, (uint64_t)e->uaddr << 32 | e->addr, e->data);
}

static void fault_event(struct vtd *v)
{
	raise_event(v, &v->fault);
}

/* A primary fault: into the one recording register if it is free, else an overflow. */
static void record_fault(struct vtd *v, uint16_t sid, uint8_t reason, uint64_t info, bool read)
{
	if (v->frcd[1] & VTD_FRCD_F) {
		v->fsts |= (uint32_t)VTD_FSTS_PFO;
		return;
	}
	v->frcd[0] = info;
	v->frcd[1] = sid | (uint64_t)reason << VTD_FRCD_FR_SHIFT | (read ? VTD_FRCD_T : 0) | VTD_FRCD_F;
	fault_event(v);
}

/* Walk the context's second-level tables for addr: 0, with *gpa, or the fault reason. */
static uint8_t walk(struct vtd *v, const uint64_t ce[2], uint64_t addr, bool write, uint64_t *gpa)
{
	unsigned aw = (unsigned)(ce[1] & VTD_CTX_AW_MASK);
	if (aw != VTD_CTX_AW_39 && aw != VTD_CTX_AW_48)
		return VTD_FR_CTX_INVALID;
	unsigned levels = aw == VTD_CTX_AW_39 ? 3 : 4;
	if (addr >> (PAGE_SHIFT_4K + LEVEL_BITS * levels))
		return VTD_FR_ADDR_WIDTH;
	uint64_t table = ce[0] & VTD_ADDR_MASK;
	for (unsigned level = levels;; level--) {
		unsigned shift = PAGE_SHIFT_4K + LEVEL_BITS * (level - 1);
		uint64_t pte;
		if (!mem_read(v, table + ((addr >> shift) & LEVEL_MASK) * sizeof pte, &pte, sizeof pte))
			return VTD_FR_PAGING_ACCESS;
		if (!(pte & (write ? VTD_SL_W : VTD_SL_R)))
			return write ? VTD_FR_WRITE : VTD_FR_READ;
		bool large = level > 1 && (pte & VTD_SL_PS);
		if (large && level > 3)
			return VTD_FR_PAGING_RSVD;   /* SLLPS offers 2 MiB and 1 GiB pages, no larger */
		if (level == 1 || large) {
			uint64_t mask = (1ULL << shift) - 1;
			*gpa = (pte & VTD_ADDR_MASK & ~mask) | (addr & mask);
			return 0;
		}
		table = pte & VTD_ADDR_MASK;
	}
}

bool vtd_translate(struct vtd *v, uint16_t sid, uint64_t addr, bool write, uint64_t *gpa)
{
	if (!(v->gsts & VTD_GCMD_TE)) {
		*gpa = addr;
		return true;
	}
	uint64_t re[2], ce[2];
	uint8_t fr;
	bool fpd = false;
	if (!mem_read(v, (v->rta & VTD_ADDR_4K) + (uint64_t)(sid >> 8) * ENTRY_BYTES, re, sizeof re))
		fr = VTD_FR_ROOT_ACCESS;
	else if (!(re[0] & VTD_ROOT_P))
		fr = VTD_FR_ROOT_NP;
	else if ((re[0] & VTD_ROOT_LO_RSVD) || re[1])
		fr = VTD_FR_ROOT_RSVD;
	else if (!mem_read(v, (re[0] & VTD_ADDR_4K) + (uint64_t)(sid & 0xff) * ENTRY_BYTES, ce, sizeof ce))
		fr = VTD_FR_CTX_ACCESS;
	else if (!(ce[0] & VTD_CTX_P))
		fr = VTD_FR_CTX_NP;
	else if ((ce[0] & VTD_CTX_LO_RSVD) || (ce[1] & VTD_CTX_HI_RSVD))
		fr = VTD_FR_CTX_RSVD;
	else {
		fpd = (ce[0] & VTD_CTX_FPD) != 0;
		switch (ce[0] >> VTD_CTX_TT_SHIFT & VTD_CTX_TT_MASK) {
		case VTD_CTX_TT_MULTI_LEVEL:
			fr = walk(v, ce, addr, write, gpa);
			break;
		case VTD_CTX_TT_PASS_THROUGH:
			*gpa = addr;
			fr = 0;
			break;
		default:
			fr = VTD_FR_CTX_INVALID;   /* device-TLB translation: no device TLBs here */
			break;
		}
	}
	if (!fr)
		return true;
	if (!fpd)
		record_fault(v, sid, fr, addr & VTD_ADDR_4K, !write);
	return false;
}

/* Source-ID verification (IRTE SVT, SQ, SID) of requester sid. */
static bool sid_ok(uint64_t hi, uint32_t sid)
{
	static const uint16_t sq_mask[4] = { 0xffff, 0xfffb, 0xfff9, 0xfff8 };
	uint16_t want = (uint16_t)(hi & VTD_IRTE_SID_MASK);
	switch (hi >> VTD_IRTE_SVT_SHIFT & 3) {
	case VTD_SVT_SID:
		return ((want ^ sid) & sq_mask[hi >> VTD_IRTE_SQ_SHIFT & 3]) == 0;
	case VTD_SVT_BUS_RANGE:
		return (sid >> 8) >= (unsigned)(want >> 8) && (sid >> 8) <= (unsigned)(want & 0xff);
	default:
		return true;
	}
}

bool vtd_remap(struct vtd *v, uint32_t sid, const struct irq_msg *m, struct irq_msg *out)
{
	if (!(v->gsts & VTD_GCMD_IRE) || (!m->remappable && (v->gsts & VTD_GCMD_CFI))) {
		*out = *m;
		return true;
	}
	uint64_t e[2] = { 0, 0 };
	uint8_t fr;
	bool x2apic = (v->irta & VTD_IRTA_EIME) != 0;
	if (!m->remappable)
		fr = VTD_FR_IR_COMPAT;
	else if (m->index >= 2ULL << (v->irta & VTD_IRTA_S))
		fr = VTD_FR_IR_INDEX;
	else if (!mem_read(v, (v->irta & VTD_ADDR_4K) + (uint64_t)m->index * ENTRY_BYTES, e, sizeof e))
		fr = VTD_FR_IR_ACCESS;
	else if (!(e[0] & VTD_IRTE_P))
		fr = VTD_FR_IR_NP;
	else if ((e[0] & (VTD_IRTE_LO_RSVD | VTD_IRTE_IM | (x2apic ? 0 : VTD_IRTE_DST_XAPIC_RSVD))) ||
	         (e[1] & VTD_IRTE_HI_RSVD) || (e[1] >> VTD_IRTE_SVT_SHIFT & 3) == 3)
		fr = VTD_FR_IR_RSVD;
	else if (sid != VTD_NO_SID && !sid_ok(e[1], sid))
		fr = VTD_FR_IR_SID;
	else {
		*out = (struct irq_msg){
			.vector = (uint8_t)(e[0] >> VTD_IRTE_V_SHIFT),
			.delmod = (uint8_t)(e[0] >> VTD_IRTE_DLM_SHIFT & VTD_IRTE_DLM_MASK),
			.dest = x2apic ? (uint32_t)(e[0] >> VTD_IRTE_DST_SHIFT) : (uint8_t)(e[0] >> VTD_IRTE_DST_XAPIC_SHIFT),
			.x2apic_dest = x2apic,
			.logical = (e[0] & VTD_IRTE_DM) != 0,
			.level = (e[0] & VTD_IRTE_TM) != 0,
		};
		return true;
	}
	if (!(e[0] & VTD_IRTE_FPD))
		record_fault(v, sid == VTD_NO_SID ? 0 : (uint16_t)sid, fr, (uint64_t)m->index << VTD_FRCD_FI_IR_SHIFT,
		             false);
	return false;
}

/* A wait descriptor: its status write and its completion event. False when the write went nowhere. */
static bool inv_wait(struct vtd *v, const uint64_t d[2])
{
	if (d[0] & VTD_INV_WAIT_SW) {
		uint32_t status = (uint32_t)(d[0] >> VTD_INV_WAIT_SD_SHIFT);
		if (!v->env.mem(v->env.ctx, d[1] & VTD_INV_WAIT_SA_MASK, &status, sizeof status, true))
			return false;
	}
	if (d[0] & VTD_INV_WAIT_IF) {
		v->ics |= (uint32_t)VTD_ICS_IWC;
		raise_event(v, &v->inv);
	}
	return true;
}

/*
 * Fetch and carry out descriptors from the head to the tail. An invalid
 * one stops the queue with IQE, the head left on it, until the guest
 * clears IQE and writes the tail again.
 */
static void run_queue(struct vtd *v)
{
	if (!(v->gsts & VTD_GCMD_QIE) || (v->fsts & VTD_FSTS_IQE))
		return;
	uint64_t n = (uint64_t)IQ_ENTRIES_PER_QS << (v->iqa & VTD_IQA_QS);
	uint64_t head = v->iqh >> VTD_IQ_INDEX_SHIFT, tail = v->iqt >> VTD_IQ_INDEX_SHIFT;
	bool ok = tail < n;
	while (ok && head != tail) {
		uint64_t d[2];
		ok = mem_read(v, (v->iqa & VTD_ADDR_4K) + head * ENTRY_BYTES, d, sizeof d);
		switch (ok ? d[0] & VTD_INV_TYPE_MASK : 0) {
		case VTD_INV_CC:
		case VTD_INV_IOTLB:
		case VTD_INV_IEC:
			break;   /* nothing cached */
		case VTD_INV_WAIT:
			ok = inv_wait(v, d);
			break;
		default:
			ok = false;
			break;
		}
		if (ok) {
			head = (head + 1) % n;
			v->iqh = head << VTD_IQ_INDEX_SHIFT;
		}
	}
	if (!ok) {
		v->fsts |= (uint32_t)VTD_FSTS_IQE;
		fault_event(v);
	}
}

static void global_command(struct vtd *v, uint32_t val)
{
	const uint32_t follow = (uint32_t)(VTD_GCMD_TE | VTD_GCMD_QIE | VTD_GCMD_IRE | VTD_GCMD_CFI);
	bool qi_on = !(v->gsts & VTD_GCMD_QIE) && (val & VTD_GCMD_QIE);
	v->gsts = (v->gsts & ~follow) | (val & follow);
	if (val & VTD_GCMD_SRTP) {
		v->rta = v->rtaddr;
		v->gsts |= (uint32_t)VTD_GCMD_SRTP;
	}
	if (val & VTD_GCMD_SIRTP) {
		v->irta = v->irtaddr;
		v->gsts |= (uint32_t)VTD_GCMD_SIRTP;
	}
	if (qi_on) {
		v->iqh = 0;
		run_queue(v);
	}
}

/*
 * An event's four registers, off bytes from its control register (FECTL,
 * IECTL): unmasking sends what was pending.
 */
static void write_event(struct vtd *v, struct vtd_event_regs *e, unsigned off, uint32_t val)
{
	switch (off) {
	case 0:
		e->ctl = (e->ctl & ~(uint32_t)VTD_ECTL_IM) | (val & (uint32_t)VTD_ECTL_IM);
		if (!(e->ctl & VTD_ECTL_IM) && (e->ctl & VTD_ECTL_IP))
			raise_event(v, e);
		break;
	case 4:  e->data = val; break;
	case 8:  e->addr = val & ~3u; break;
	default: e->uaddr = val; break;
	}
}

static uint32_t read_event(const struct vtd_event_regs *e, unsigned off)
{
	switch (off) {
	case 0:  return e->ctl;
	case 4:  return e->data;
	case 8:  return e->addr;
	default: return e->uaddr;
	}
}

/* CCMD's ICC, IOTLB's IVT: the invalidation is done at once, the granularity asked reported as the one done. */
static void complete_invalidation(uint64_t *reg, uint64_t busy, unsigned req_shift, unsigned done_shift)
{
	if (*reg & busy)
		*reg = (*reg & ~(busy | 3ULL << done_shift)) | (*reg >> req_shift & 3) << done_shift;
}

/* Software cleared fault conditions: with none left, a pending fault event is withdrawn. */
static void faults_cleared(struct vtd *v)
{
	if (!(v->fsts & FAULT_CONDITIONS) && !(v->frcd[1] & VTD_FRCD_F))
		v->fault.ctl &= ~(uint32_t)VTD_ECTL_IP;
}

static void set_half(uint64_t *reg, bool high, uint32_t val)
{
	unsigned shift = high ? 32 : 0;
	*reg = (*reg & ~(0xffffffffULL << shift)) | (uint64_t)val << shift;
}

static uint32_t half(uint64_t reg, unsigned off)
{
	return (uint32_t)(reg >> (off & 4 ? 32 : 0));
}

static uint32_t read32(const struct vtd *v, unsigned off)
{
	switch (off & ~3u) {
	case VTD_VER_REG:                       return VTD_VER_1_0;
	case VTD_CAP_REG: case VTD_CAP_REG + 4: return half(cap, off);
	case VTD_ECAP_REG: case VTD_ECAP_REG + 4: return half(ecap, off);
	case VTD_GSTS_REG:                      return v->gsts;
	case VTD_RTADDR_REG: case VTD_RTADDR_REG + 4: return half(v->rtaddr, off);
	case VTD_CCMD_REG: case VTD_CCMD_REG + 4: return half(v->ccmd, off);
	case VTD_FSTS_REG:                      return v->fsts | ((v->frcd[1] & VTD_FRCD_F) ? (uint32_t)VTD_FSTS_PPF : 0);
	case VTD_FECTL_REG: case VTD_FEDATA_REG: case VTD_FEADDR_REG: case VTD_FEUADDR_REG:
		return read_event(&v->fault, (off & ~3u) - VTD_FECTL_REG);
	case VTD_IQH_REG: case VTD_IQH_REG + 4: return half(v->iqh, off);
	case VTD_IQT_REG: case VTD_IQT_REG + 4: return half(v->iqt, off);
	case VTD_IQA_REG: case VTD_IQA_REG + 4: return half(v->iqa, off);
	case VTD_ICS_REG:                       return v->ics;
	case VTD_IECTL_REG: case VTD_IEDATA_REG: case VTD_IEADDR_REG: case VTD_IEUADDR_REG:
		return read_event(&v->inv, (off & ~3u) - VTD_IECTL_REG);
	case VTD_IRTA_REG: case VTD_IRTA_REG + 4: return half(v->irtaddr, off);
	case VTD_IOTLB_BASE + VTD_IVA_REG_OFF: case VTD_IOTLB_BASE + VTD_IVA_REG_OFF + 4: return half(v->iva, off);
	case VTD_IOTLB_BASE + VTD_IOTLB_REG_OFF: case VTD_IOTLB_BASE + VTD_IOTLB_REG_OFF + 4: return half(v->iotlb, off);
	case VTD_FRCD_BASE: case VTD_FRCD_BASE + 4: return half(v->frcd[0], off);
	case VTD_FRCD_BASE + 8: case VTD_FRCD_BASE + 12: return half(v->frcd[1], off);
	default:                                return 0;   /* GCMD and the reserved registers */
	}
}

static void write32(struct vtd *v, unsigned off, uint32_t val)
{
	bool high = off & 4;
	switch (off) {
	case VTD_GCMD_REG:        global_command(v, val); break;
	case VTD_RTADDR_REG:      set_half(&v->rtaddr, false, val & (uint32_t)VTD_ADDR_4K); break;
	case VTD_RTADDR_REG + 4:  set_half(&v->rtaddr, true, val); break;
	case VTD_CCMD_REG:        set_half(&v->ccmd, false, val); break;
	case VTD_CCMD_REG + 4:
		set_half(&v->ccmd, true, val);
		complete_invalidation(&v->ccmd, VTD_CCMD_ICC, VTD_CCMD_CIRG_SHIFT, VTD_CCMD_CAIG_SHIFT);
		break;
	case VTD_FSTS_REG:
		v->fsts &= ~(val & (uint32_t)FAULT_CONDITIONS);
		faults_cleared(v);
		break;
	case VTD_FECTL_REG: case VTD_FEDATA_REG: case VTD_FEADDR_REG: case VTD_FEUADDR_REG:
		write_event(v, &v->fault, off - VTD_FECTL_REG, val);
		break;
	case VTD_IQT_REG:
		v->iqt = val & VTD_IQ_INDEX_MASK;
		run_queue(v);
		break;
	case VTD_IQA_REG:         set_half(&v->iqa, false, val & (uint32_t)(VTD_ADDR_4K | VTD_IQA_QS)); break;
	case VTD_IQA_REG + 4:     set_half(&v->iqa, true, val); break;
	case VTD_ICS_REG:
		if (val & VTD_ICS_IWC) {
			v->ics &= ~(uint32_t)VTD_ICS_IWC;
			v->inv.ctl &= ~(uint32_t)VTD_ECTL_IP;
		}
		break;
	case VTD_IECTL_REG: case VTD_IEDATA_REG: case VTD_IEADDR_REG: case VTD_IEUADDR_REG:
		write_event(v, &v->inv, off - VTD_IECTL_REG, val);
		break;
	case VTD_IRTA_REG:
		set_half(&v->irtaddr, false, val & (uint32_t)(VTD_ADDR_4K | VTD_IRTA_EIME | VTD_IRTA_S));
		break;
	case VTD_IRTA_REG + 4:    set_half(&v->irtaddr, true, val); break;
	case VTD_IOTLB_BASE + VTD_IVA_REG_OFF:
	case VTD_IOTLB_BASE + VTD_IVA_REG_OFF + 4: set_half(&v->iva, high, val); break;
	case VTD_IOTLB_BASE + VTD_IOTLB_REG_OFF: set_half(&v->iotlb, false, val); break;
	case VTD_IOTLB_BASE + VTD_IOTLB_REG_OFF + 4:
		set_half(&v->iotlb, true, val);
		complete_invalidation(&v->iotlb, VTD_IOTLB_IVT, VTD_IOTLB_IIRG_SHIFT, VTD_IOTLB_IAIG_SHIFT);
		break;
	case VTD_FRCD_BASE + 12:
		if (val & (uint32_t)(VTD_FRCD_F >> 32)) {
			v->frcd[1] &= ~VTD_FRCD_F;
			faults_cleared(v);
		}
		break;
	default:
		break;   /* read-only and reserved registers */
	}
}

static uint64_t vtd_bus_read(void *dev, unsigned vcpu, uint64_t off, unsigned size)
{
	const struct vtd *v = dev;
	(void)vcpu;
	uint64_t val = read32(v, (unsigned)off & ~3u) | (uint64_t)read32(v, ((unsigned)off & ~3u) + 4) << 32;
	return (val >> (8 * (off & 3))) & bus_open(size);
}

static enum bus_result vtd_bus_write(void *dev, unsigned vcpu, uint64_t off, unsigned size, uint64_t val)
{
	struct vtd *v = dev;
	(void)vcpu;
	if ((size != 4 && size != 8) || (off & (size - 1)))
		return BUS_OK;
	write32(v, (unsigned)off, (uint32_t)val);
	if (size == 8)
		write32(v, (unsigned)off + 4, (uint32_t)(val >> 32));
	return BUS_OK;
}

const struct bus_device vtd_bus_device = { "VT-d remapping unit", vtd_bus_read, vtd_bus_write, 0 };
