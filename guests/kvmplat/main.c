/*
 * kvmplat: a Multiboot 1 kernel that does what kvm-unit-tests' x86 start-up
 * does with the platform (docs/platform.md) and checks each answer: fw_cfg's
 * signature, ID, CPU count and RAM size; the RSDP in the BIOS area, the RSDT,
 * the FADT's PM timer and the MADT's processors; the PM timer's steps and
 * rate against the TSC; the PIC masks and the ELCR; the legacy PC ports
 * (RTC, PCI configuration, port 0x61, POST code, VGA ports and window) as a
 * PC without VGA answers them. The expected CPU count
 * and RAM size come from its command line (`cpus=N mem=MIB`, the config's
 * `extra`). One "kvmplat: ..." line per check; it ends as those kernels do:
 * the code by a 32-bit write to port 0xf4, then "Shutdown" to port 0x8900.
 */
#include <stdbool.h>
#include <stdint.h>

#include "check.h"
#include "exit.h"
#include "fmt.h"
#include "hw/acpi.h"
#include "hw/fw_cfg.h"
#include "hw/nmi_sc.h"
#include "hw/pci.h"
#include "hw/rtc.h"
#include "hw/vga.h"
#include "io.h"
#include "mem.h"
#include "mbinfo.h"
#include "serial.h"

#define TAG "kvmplat: "

/* Where PCs keep the RSDP (ACPI specification, "Finding the RSDP on IA-PC Systems"). */
#define BIOS_AREA       0xe0000u
#define BIOS_AREA_END   0x100000u

#define PM_TIMER_HZ     3579545u
#define PM_TIMER_MASK   0xffffffu
#define PM_HALF_RANGE   0x800000u   /* a step this large mod 2^24 is a step backwards */
#define PM_STEP_READS   1000u
#define PM_WINDOW_TICKS 179000u     /* about 50 ms */
#define PM_MAX_READS    1000000u
#define KHZ_MIN         1000u       /* 1 MHz: no TSC is slower */
#define KHZ_MAX         100000000u  /* 100 GHz: none is faster */
#define RATE_TOLERANCE_PCT 1u

#define PIC_MASTER_DATA 0x21
#define PIC_SLAVE_DATA  0xa1
#define ELCR_MASTER     0x4d0
#define ELCR_SLAVE      0x4d1
#define ELCR_IRQ5       0x20        /* a line the PIIX lets software make level-triggered */
#define PIC_MASK_ALL    0xff
#define PIC_MASK_PROBE  0x5a        /* neither 0xff nor the start mask 0xfb: shows the mask is stored */
#define XAPIC_BASE      0xfee00000u /* IA32_APIC_BASE's power-on address */

#define KUT_EXIT_PORT   0xf4
#define BOCHS_SHUTDOWN_PORT 0x8900

#define HV_CPUID_BASE   0x40000000u
#define MIB             (1024u * 1024u)
#define KIB             1024u

int mb_main(uint32_t magic, const struct mb_info *mbi);

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

/* n / d by shift and subtract: a 32-bit kernel has no libgcc for 64-bit division. */
static uint64_t udiv64(uint64_t n, uint64_t d)
{
	uint64_t q = 0, r = 0;
	for (int i = 63; i >= 0; i--) {
		r = (r << 1) | ((n >> i) & 1);
		if (r >= d) {
			r -= d;
			q |= 1ULL << i;
		}
	}
	return q;
}

/* ---- the command line: "NAME cpus=N mem=MIB" ---- */

static bool cmdline_u32(const char *cl, const char *key, uint32_t *out)
{
	size_t klen = strlen(key);
	for (const char *p = cl; *p; p++) {
		if ((p != cl && p[-1] != ' ') || memcmp(p, key, klen) != 0 || p[klen] != '=')
			continue;
		uint32_t v = 0;
		const char *d = p + klen + 1;
		if (*d < '0' || *d > '9')
			return false;
		while (*d >= '0' && *d <= '9')
			v = v * 10 + (uint32_t)(*d++ - '0');
		*out = v;
		return true;
	}
	return false;
}

/* ---- fw_cfg, read as kvm-unit-tests' fwcfg_get_u does ---- */

static uint64_t fwcfg_get(uint16_t key, unsigned bytes)
{
	uint64_t v = 0;
	outw(key, FW_CFG_PORT_SEL);
	for (unsigned i = 0; i < bytes; i++)
		v |= (uint64_t)inb(FW_CFG_PORT_DATA) << (8 * i);
	return v;
}

static uint32_t check_fw_cfg(const char *cl, const struct mb_info *mbi)
{
	char sig[FW_CFG_SIGNATURE_LEN + 1] = { 0 };
	uint32_t want_cpus = 0, want_mib = 0;

	outw(FW_CFG_SIGNATURE, FW_CFG_PORT_SEL);
	for (unsigned i = 0; i < FW_CFG_SIGNATURE_LEN; i++)
		sig[i] = (char)inb(FW_CFG_PORT_DATA);
	gprintf(TAG "fw_cfg signature '%s'\n", sig);
	if (memcmp(sig, FW_CFG_SIGNATURE_STR, FW_CFG_SIGNATURE_LEN) != 0)
		fail("fw_cfg signature '%s', expected '%s'", sig, FW_CFG_SIGNATURE_STR);

	uint32_t id = (uint32_t)fwcfg_get(FW_CFG_ID, 4);
	gprintf(TAG "fw_cfg id 0x%x\n", id);
	if (id != FW_CFG_VERSION)
		fail("fw_cfg id 0x%x, expected 0x%x (traditional interface, no DMA)", id, FW_CFG_VERSION);

	uint32_t cpus = (uint32_t)fwcfg_get(FW_CFG_NB_CPUS, 2);
	gprintf(TAG "fw_cfg cpus %u\n", cpus);
	if (!cmdline_u32(cl, "cpus", &want_cpus))
		fail("no cpus=N on the command line '%s'", cl);
	else if (cpus != want_cpus)
		fail("fw_cfg cpus %u, the domain has %u", cpus, want_cpus);

	uint64_t ram = fwcfg_get(FW_CFG_RAM_SIZE, 8);
	gprintf(TAG "fw_cfg ram %llu bytes\n", (unsigned long long)ram);
	if (!cmdline_u32(cl, "mem", &want_mib))
		fail("no mem=MIB on the command line '%s'", cl);
	else if (ram != (uint64_t)want_mib * MIB)
		fail("fw_cfg ram %llu bytes, the domain has %u MiB", (unsigned long long)ram, want_mib);
	if ((mbi->flags & MB_INFO_MEMORY) && ram != ((uint64_t)mbi->mem_upper + KIB) * KIB)
		fail("fw_cfg ram %llu bytes disagrees with Multiboot mem_upper %u KiB",
		     (unsigned long long)ram, mbi->mem_upper);

	/* Keys that name no item read as zeros. */
	if (fwcfg_get(FW_CFG_UUID, 8) != 0)
		fail("fw_cfg key 0x%x reads non-zero", FW_CFG_UUID);
	return cpus;
}

/* ---- ACPI ---- */

static uint8_t sum_bytes(uint32_t addr, uint32_t len)
{
	const uint8_t *p = (const uint8_t *)(uintptr_t)addr;
	uint8_t s = 0;
	for (uint32_t i = 0; i < len; i++)
		s = (uint8_t)(s + p[i]);
	return s;
}

static const struct acpi_sdt_header *table_at(uint32_t addr, const char *sig)
{
	const struct acpi_sdt_header *h = (const void *)(uintptr_t)addr;
	if (memcmp(h->signature, sig, ACPI_SIG_LEN) != 0) {
		fail("no %s table at 0x%x", sig, addr);
		return 0;
	}
	if (h->length < sizeof *h || sum_bytes(addr, h->length) != 0) {
		fail("%s at 0x%x: length %u or checksum wrong", sig, addr, h->length);
		return 0;
	}
	return h;
}

static const struct acpi_rsdt *find_rsdt(void)
{
	uint32_t at = 0;
	for (uint32_t a = BIOS_AREA; a < BIOS_AREA_END; a += ACPI_RSDP_ALIGN)
		if (memcmp((const void *)(uintptr_t)a, ACPI_RSDP_SIGNATURE, ACPI_RSDP_SIGNATURE_LEN) == 0) {
			at = a;
			break;
		}
	if (!at) {
		fail("no RSDP in 0x%x-0x%x", BIOS_AREA, BIOS_AREA_END - 1);
		return 0;
	}
	const struct acpi_rsdp *r = (const void *)(uintptr_t)at;
	gprintf(TAG "rsdp at 0x%x revision %u\n", at, r->revision);
	if (sum_bytes(at, ACPI_RSDP_V1_LEN) != 0) {
		fail("RSDP checksum wrong");
		return 0;
	}
	const struct acpi_sdt_header *h = table_at(r->rsdt_address, ACPI_SIG_RSDT);
	if (h)
		gprintf(TAG "rsdt at 0x%x with %u tables\n", r->rsdt_address,
		        (unsigned)((h->length - sizeof *h) / sizeof(uint32_t)));
	return (const struct acpi_rsdt *)h;
}

static const struct acpi_sdt_header *rsdt_find(const struct acpi_rsdt *rsdt, const char *sig)
{
	unsigned n = (rsdt->hdr.length - sizeof rsdt->hdr) / sizeof(uint32_t);
	for (unsigned i = 0; i < n; i++) {
		const struct acpi_sdt_header *h = (const void *)(uintptr_t)rsdt->entry[i];
		if (memcmp(h->signature, sig, ACPI_SIG_LEN) == 0)
			return table_at(rsdt->entry[i], sig);
	}
	fail("the RSDT lists no %s", sig);
	return 0;
}

/* The PM timer's port, or 0. */
static uint16_t check_fadt(const struct acpi_rsdt *rsdt)
{
	const struct acpi_fadt_v1 *f = (const void *)rsdt_find(rsdt, ACPI_SIG_FADT);
	if (!f)
		return 0;
	bool ext = f->flags & FADT_F_TMR_VAL_EXT;
	gprintf(TAG "fadt revision %u: pm timer port 0x%x len %u, %u bits\n", f->hdr.revision,
	        f->pm_tmr_blk, f->pm_tmr_len, ext ? 32 : 24);
	if (!f->pm_tmr_blk || f->pm_tmr_len != FADT_PM_TMR_LEN || ext) {
		fail("FADT PM timer: port 0x%x len %u, %u bits", f->pm_tmr_blk, f->pm_tmr_len, ext ? 32 : 24);
		return 0;
	}
	return (uint16_t)f->pm_tmr_blk;
}

static void check_madt(const struct acpi_rsdt *rsdt, uint32_t cpus)
{
	const struct acpi_madt *m = (const void *)rsdt_find(rsdt, ACPI_SIG_MADT);
	if (!m)
		return;
	uint32_t addr = (uint32_t)(uintptr_t)m, end = addr + m->hdr.length;
	unsigned count = 0;
	for (uint32_t p = addr + sizeof *m; p + sizeof(struct acpi_madt_entry) <= end;) {
		const struct acpi_madt_entry *e = (const void *)(uintptr_t)p;
		if (e->length < sizeof *e) {
			fail("MADT entry at 0x%x has length %u", p, e->length);
			break;
		}
		if (e->type == MADT_TYPE_LOCAL_APIC) {
			const struct acpi_madt_local_apic *l = (const void *)e;
			if (l->flags & MADT_LAPIC_ENABLED) {
				if (l->apic_id != count)
					fail("MADT processor %u has APIC id %u", count, l->apic_id);
				count++;
			}
		}
		p += e->length;
	}
	gprintf(TAG "madt lapic 0x%x processors %u\n", m->lapic_address, count);
	if (m->lapic_address != XAPIC_BASE)
		fail("MADT local APIC address 0x%x", m->lapic_address);
	if (count != cpus)
		fail("MADT lists %u processors, fw_cfg says %u", count, cpus);
}

/* ---- the PM timer ---- */

/* The TSC rate in kHz the hypervisor states in CPUID 0x40000001 ECX, or 0. */
static uint32_t hypervisor_tsc_khz(void)
{
	struct cpuid_regs r = cpuid(HV_CPUID_BASE, 0);
	if (r.eax < HV_CPUID_BASE + 1)
		return 0;
	return cpuid(HV_CPUID_BASE + 1, 0).ecx;
}

static void check_pm_timer(uint16_t port)
{
	uint32_t prev = inl(port), first = prev, advanced = 0;

	for (unsigned i = 0; i < PM_STEP_READS; i++) {
		uint32_t v = inl(port);
		if (v & ~PM_TIMER_MASK) {
			fail("pm timer read 0x%x: bits above 23 set", v);
			return;
		}
		uint32_t step = (v - prev) & PM_TIMER_MASK;
		if (step >= PM_HALF_RANGE) {
			fail("pm timer went back from 0x%x to 0x%x", prev, v);
			return;
		}
		advanced += step;
		prev = v;
	}
	gprintf(TAG "pm timer monotonic over %u reads, %u ticks from 0x%x\n", PM_STEP_READS, advanced, first);
	if (!advanced) {
		fail("pm timer does not advance");
		return;
	}

	/* Rate: PM ticks over a window against the TSC cycles of the same window. */
	uint64_t t0 = rdtsc();
	uint32_t p0 = inl(port), ticks = 0;
	uint64_t t1 = t0;
	unsigned reads = 0;
	while (ticks < PM_WINDOW_TICKS && reads++ < PM_MAX_READS) {
		t1 = rdtsc();
		ticks = (inl(port) - p0) & PM_TIMER_MASK;
	}
	if (ticks < PM_WINDOW_TICKS) {
		fail("pm timer advanced only %u ticks in %u reads", ticks, PM_MAX_READS);
		return;
	}
	uint64_t khz = udiv64((t1 - t0) * PM_TIMER_HZ, (uint64_t)ticks * 1000);
	gprintf(TAG "pm timer: TSC %llu kHz (%u ticks in %llu cycles)\n", (unsigned long long)khz, ticks,
	        (unsigned long long)(t1 - t0));
	if (khz < KHZ_MIN || khz > KHZ_MAX)
		fail("pm timer rate implausible: the TSC would run at %llu kHz", (unsigned long long)khz);
	uint32_t hv = hypervisor_tsc_khz();
	if (hv) {
		uint64_t diff = khz > hv ? khz - hv : hv - khz;
		if (diff * 100 > (uint64_t)hv * RATE_TOLERANCE_PCT)
			fail("pm timer gives a TSC of %llu kHz, the hypervisor says %u kHz",
			     (unsigned long long)khz, hv);
		else
			gprintf(TAG "pm timer rate within %u%% of the hypervisor's %u kHz\n", RATE_TOLERANCE_PCT, hv);
	}
}

/* ---- PIC masks and ELCR ---- */

static void check_pic(void)
{
	outb(PIC_MASK_PROBE, PIC_MASTER_DATA);
	uint8_t stored = inb(PIC_MASTER_DATA);
	/* What kvm-unit-tests' start-up does: mask every line of both PICs. */
	outb(PIC_MASK_ALL, PIC_MASTER_DATA);
	outb(PIC_MASK_ALL, PIC_SLAVE_DATA);
	uint8_t m = inb(PIC_MASTER_DATA), s = inb(PIC_SLAVE_DATA);
	gprintf(TAG "pic masks 0x%x 0x%x\n", m, s);
	if (stored != PIC_MASK_PROBE)
		fail("pic mask 0x%x read back as 0x%x", PIC_MASK_PROBE, stored);
	if (m != PIC_MASK_ALL || s != PIC_MASK_ALL)
		fail("pic masks read back 0x%x 0x%x after writing 0xff", m, s);

	uint8_t e0 = inb(ELCR_MASTER), e1 = inb(ELCR_SLAVE);
	outb(e0 | ELCR_IRQ5, ELCR_MASTER);
	uint8_t set = inb(ELCR_MASTER);
	outb(e0, ELCR_MASTER);
	uint8_t back = inb(ELCR_MASTER);
	gprintf(TAG "elcr 0x%x 0x%x, irq 5 level 0x%x, restored 0x%x\n", e0, e1, set, back);
	if (set != (e0 | ELCR_IRQ5) || back != e0)
		fail("elcr writes not kept: 0x%x then 0x%x", set, back);
}

/* ---- Legacy PC ports and the VGA window ---- */

#define POST_CODE_PORT   0x80
#define VGA_STATUS_PORT  0x3da       /* input status 1 (colour) */
#define VGA_TEXT         0xb8000u    /* colour text memory */
#define CMOS_PROBE_REG   0x40
#define CMOS_PROBE       0xa5
#define TOGGLE_TSC_LIMIT 100000000u  /* far more than a 15 us toggle takes at any rate */
#define UIP_POLL_LIMIT   10000000u

static uint8_t cmos_read(uint8_t reg)
{
	outb(reg, RTC_PORT_INDEX);
	return inb(RTC_PORT_DATA);
}

static bool is_bcd(uint8_t v, unsigned max)
{
	return (v >> 4) <= 9 && (v & 0xf) <= 9 && (unsigned)((v >> 4) * 10 + (v & 0xf)) <= max;
}

static void check_rtc(void)
{
	unsigned polls = 0;
	while (cmos_read(RTC_REG_A) & RTC_A_UIP && polls < UIP_POLL_LIMIT)
		polls++;
	uint8_t sec = cmos_read(RTC_SECONDS), min = cmos_read(RTC_MINUTES), hour = cmos_read(RTC_HOURS);
	uint8_t d = cmos_read(RTC_REG_D), b = cmos_read(RTC_REG_B);
	outb(CMOS_PROBE_REG | RTC_INDEX_NMI_DISABLE, RTC_PORT_INDEX);
	outb(CMOS_PROBE, RTC_PORT_DATA);
	uint8_t ram = cmos_read(CMOS_PROBE_REG);
	gprintf(TAG "rtc: uip clear, register b 0x%x d 0x%x, time %s bcd, cmos ram 0x%x\n", b, d,
	        is_bcd(sec, 59) && is_bcd(min, 59) && is_bcd(hour, 23) ? "valid" : "invalid", ram);
	if (polls == UIP_POLL_LIMIT)
		fail("rtc: UIP never cleared");
	if (d != RTC_D_VRT || b != RTC_B_24H || ram != CMOS_PROBE)
		fail("rtc: register b 0x%x d 0x%x, cmos ram 0x%x", b, d, ram);
	if (!is_bcd(sec, 59) || !is_bcd(min, 59) || !is_bcd(hour, 23))
		fail("rtc: time %x:%x:%x is not 24-hour BCD", hour, min, sec);
}

static void check_pci(void)
{
	outl(PCI_CFG_ENABLE, PCI_CONFIG_ADDRESS);
	uint32_t addr = inl(PCI_CONFIG_ADDRESS), id = inl(PCI_CONFIG_DATA);
	outl(PCI_CFG_ENABLE | 1u << 11, PCI_CONFIG_ADDRESS);   /* device 1: an empty slot */
	uint32_t empty = inl(PCI_CONFIG_DATA);
	gprintf(TAG "pci: config address 0x%x, 00:00.0 %x:%x, 00:01.0 0x%x\n", addr, id & 0xffff, id >> 16, empty);
	if (addr != PCI_CFG_ENABLE || id != (PCI_DEVICE_ID_INTEL_82441 << 16 | PCI_VENDOR_ID_INTEL) || empty != 0xffffffffu)
		fail("pci: config address 0x%x, ids 0x%x, empty slot 0x%x", addr, id, empty);
}

static void check_small_ports(void)
{
	uint8_t first = inb(NMI_SC_PORT) & NMI_SC_REF_TOGGLE;
	uint64_t start = rdtsc();
	bool flipped = false;
	while (!flipped && rdtsc() - start < TOGGLE_TSC_LIMIT)
		flipped = (inb(NMI_SC_PORT) & NMI_SC_REF_TOGGLE) != first;
	outb(NMI_SC_SPKR_DAT_EN | NMI_SC_TIM_CNT2_EN, NMI_SC_PORT);
	uint8_t ctl = inb(NMI_SC_PORT) & NMI_SC_WRITABLE;
	outb(0, NMI_SC_PORT);
	outb(0x42, POST_CODE_PORT);
	uint8_t post = inb(POST_CODE_PORT), vga = inb(VGA_STATUS_PORT);
	gprintf(TAG "port 0x61: refresh toggle %s, control 0x%x; port 0x80 0x%x, port 0x3da 0x%x\n",
	        flipped ? "flips" : "stuck", ctl, post, vga);
	if (!flipped || ctl != (NMI_SC_SPKR_DAT_EN | NMI_SC_TIM_CNT2_EN) || post != 0xff || vga != 0xff)
		fail("legacy ports: toggle %u, control 0x%x, port 0x80 0x%x, port 0x3da 0x%x", flipped, ctl, post, vga);
}

static void check_vga_window(void)
{
	volatile uint32_t *text = (volatile uint32_t *)(uintptr_t)VGA_TEXT;
	volatile uint8_t *top = (volatile uint8_t *)(uintptr_t)(VGA_WINDOW_BASE + VGA_WINDOW_SIZE - 1);
	uint32_t before = *text;
	*text = 0x07410741u;
	*top = 0;
	uint32_t after = *text;
	uint8_t last = *top;
	gprintf(TAG "vga window: 0x%x, after a write 0x%x, last byte 0x%x\n", before, after, last);
	if (before != 0xffffffffu || after != 0xffffffffu || last != 0xff)
		fail("vga window is not open bus: 0x%x, 0x%x, 0x%x", before, after, last);
}

/* kvm-unit-tests' exit(): the test device, then Bochs's shutdown port should that fail. */
__attribute__((noreturn)) static void kut_exit(uint32_t code)
{
	static const char shutdown[] = "Shutdown";

	outl(code, KUT_EXIT_PORT);
	for (unsigned i = 0; i < sizeof shutdown - 1; i++)
		outb((uint8_t)shutdown[i], BOCHS_SHUTDOWN_PORT);
	guest_halt();
}

int mb_main(uint32_t magic, const struct mb_info *mbi)
{
	serial_init();
	const char *cl = mb_cmdline(TAG, magic, mbi);

	uint32_t cpus = check_fw_cfg(cl, mbi);
	const struct acpi_rsdt *rsdt = find_rsdt();
	if (rsdt) {
		uint16_t pm = check_fadt(rsdt);
		check_madt(rsdt, cpus);
		if (pm)
			check_pm_timer(pm);
	}
	check_pic();
	check_rtc();
	check_pci();
	check_small_ports();
	check_vga_window();

	kut_exit(check_summary(TAG));
}
