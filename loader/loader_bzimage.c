/*
 * Linux bzImage loader, 64-bit boot protocol (Documentation/arch/x86/boot.rst):
 * checks the setup header, places the protected-mode kernel at pref_address
 * or, when it is relocatable, at the lowest aligned address from 16 MiB, the
 * initrd as high as the header allows, and fills the zero page (setup header,
 * command line, initrd, the e820 map of a PC). The kernel is entered at its
 * 64-bit entry on the identity map the ELF64 loader uses too, with Linux's
 * boot GDT selectors. The real-mode setup code is never run.
 */
#include "loader/loader_internal.h"
#include "hinoki/bootinfo.h"
#include "hw/linux_boot.h"
#include "lib/string.h"

/* A few words of stack for a kernel that pushes before it sets up its own. */
#define LX_STACK_TOP   0x80000ULL
#define LX_E820_COUNT  3u

_Static_assert(LOADER_LX_GPA_GDT + LOADER_PAGE_SIZE <= HINOKI_GPA_PML4 &&
               HINOKI_GPA_PD + LOADER_PD_PAGES * LOADER_PAGE_SIZE <= LOADER_LX_AREA_END,
               "the shared page tables must sit inside the Linux boot area");
_Static_assert(LOADER_LX_AREA_END <= LX_STACK_TOP && LX_STACK_TOP <= LOADER_MB_LOW_END,
               "the stack lies above the boot area, in conventional memory");
_Static_assert(LINUX_BP_E820_TABLE + LX_E820_COUNT * sizeof(struct linux_e820_entry) <= LINUX_BP_SIZE,
               "the e820 table fits in the zero page");

/* What the loader uses of the setup header. */
struct bz_hdr {
	uint64_t pm_offset, pm_size;   /* the protected-mode kernel's bytes in the image */
	uint64_t hdr_end;              /* first byte after the setup header */
	uint64_t pref_address;
	uint32_t initrd_addr_max, kernel_alignment, cmdline_size, init_size;
	uint16_t version, xloadflags;
	uint8_t relocatable;
};

static uint16_t get16(const uint8_t *p, size_t off)
{
	uint16_t v;
	memcpy(&v, p + off, sizeof(v));
	return v;
}

static uint32_t get32(const uint8_t *p, size_t off)
{
	uint32_t v;
	memcpy(&v, p + off, sizeof(v));
	return v;
}

static uint64_t get64(const uint8_t *p, size_t off)
{
	uint64_t v;
	memcpy(&v, p + off, sizeof(v));
	return v;
}

static void put32(uint8_t *p, size_t off, uint32_t v)
{
	memcpy(p + off, &v, sizeof(v));
}

bool loader_is_bzimage(const uint8_t *img, size_t len)
{
	return img && len >= LINUX_HDR_HEADER + sizeof(uint32_t) &&
	       get16(img, LINUX_HDR_BOOT_FLAG) == LINUX_BOOT_FLAG_MAGIC &&
	       get32(img, LINUX_HDR_HEADER) == LINUX_HDR_MAGIC;
}

static int read_header(struct ldr_ctx *c, struct bz_hdr *h)
{
	const uint8_t *img = c->img;
	uint64_t setup_sects, pm_end;

	if (c->len < LINUX_HDR_VERSION + sizeof(uint16_t))
		return LDR_FAIL(c, "truncated Linux bzImage: the image is %u bytes, shorter than its "
		                "setup header", LA_U(c->len));
	h->version = get16(img, LINUX_HDR_VERSION);
	if (h->version < LINUX_PROTOCOL_2_12)
		return LDR_FAIL(c, "Linux bzImage boot protocol %x is older than 2.12 (0x20c), the oldest "
		                "with the 64-bit entry rules Hinoki follows", LA_U(h->version));
	/* The protocol's own rule for the header's length: the jump's displacement. */
	h->hdr_end = LINUX_HDR_HEADER + (uint64_t)img[LINUX_HDR_JUMP_DISP];
	if (h->hdr_end > c->len)
		return LDR_FAIL(c, "truncated Linux bzImage: the image is %u bytes, its setup header "
		                "ends at %x", LA_U(c->len), LA_U(h->hdr_end));
	if (h->hdr_end < LINUX_HDR_INIT_SIZE_END)
		return LDR_FAIL(c, "Linux bzImage setup header ends at %x, before init_size, which "
		                "protocol %x has", LA_U(h->hdr_end), LA_U(h->version));

	setup_sects = img[LINUX_HDR_SETUP_SECTS] ? img[LINUX_HDR_SETUP_SECTS] : LINUX_SETUP_SECTS_DEFAULT;
	h->pm_offset = (setup_sects + 1) * LINUX_SECTOR_SIZE;
	h->pm_size = (uint64_t)get32(img, LINUX_HDR_SYSSIZE) * LINUX_SYSSIZE_UNIT;
	pm_end = h->pm_offset + h->pm_size;   /* at most 256 sectors plus 2^36: no overflow */
	if (pm_end > c->len)
		return LDR_FAIL(c, "truncated Linux bzImage: the image is %u bytes, its setup sectors "
		                "and syssize say %u", LA_U(c->len), LA_U(pm_end));
	if (h->pm_size == 0)
		return LDR_FAIL(c, "Linux bzImage has no protected-mode kernel (syssize is 0)");

	h->xloadflags = get16(img, LINUX_HDR_XLOADFLAGS);
	if (!(h->xloadflags & XLF_KERNEL_64))
		return LDR_FAIL(c, "Linux bzImage has no 64-bit entry (XLF_KERNEL_64 clear in "
		                "xloadflags %x): a 32-bit kernel", LA_U(h->xloadflags));
	h->initrd_addr_max = get32(img, LINUX_HDR_INITRD_ADDR_MAX);
	h->kernel_alignment = get32(img, LINUX_HDR_KERNEL_ALIGNMENT);
	h->relocatable = img[LINUX_HDR_RELOCATABLE];
	h->cmdline_size = get32(img, LINUX_HDR_CMDLINE_SIZE);
	h->pref_address = get64(img, LINUX_HDR_PREF_ADDRESS);
	h->init_size = get32(img, LINUX_HDR_INIT_SIZE);
	if (h->kernel_alignment == 0 || (h->kernel_alignment & (h->kernel_alignment - 1)))
		return LDR_FAIL(c, "Linux bzImage kernel_alignment %x is not a power of two",
		                LA_U(h->kernel_alignment));
	return 0;
}

/* [at, at + need) inside [1 MiB, room), clear of the boot area and the legacy hole. */
static bool fits(uint64_t at, uint64_t need, uint64_t room)
{
	return at >= HINOKI_GUEST_LOAD_MIN && at <= room && need <= room - at;
}

static int place_kernel(struct ldr_ctx *c, const struct bz_hdr *h, uint64_t need, uint64_t room,
                        uint64_t *at)
{
	const uint64_t mask = (uint64_t)h->kernel_alignment - 1;
	uint64_t low;

	if (!(h->pref_address & mask) && fits(h->pref_address, need, room)) {
		*at = h->pref_address;
		return 0;
	}
	if (!h->relocatable)
		return LDR_FAIL(c, "Linux bzImage is not relocatable and [%x, +init_size %x) at its "
		                "pref_address is not aligned to %x or not inside guest RAM below %x",
		                LA_U(h->pref_address), LA_U(need), LA_U(h->kernel_alignment), LA_U(room));
	low = (LOADER_LX_RELOC_MIN + mask) & ~mask;
	if (!fits(low, need, room))
		return LDR_FAIL(c, "Linux bzImage needs init_size %x bytes of guest RAM from %x, but "
		                "guest RAM is %x bytes", LA_U(need), LA_U(low), LA_U(room));
	*at = low;
	return 0;
}

/* As high as fits below `top`: above the kernel if there is room, else below it. */
static int place_initrd(struct ldr_ctx *c, uint64_t kstart, uint64_t kend, uint64_t top, uint64_t *at)
{
	const uint64_t n = c->p->ramdisk_len;
	const uint64_t page = LOADER_PAGE_SIZE - 1;
	const uint64_t below = kstart < top ? kstart : top;

	if (n <= top && ((top - n) & ~page) >= kend)
		*at = (top - n) & ~page;
	else if (n <= below && ((below - n) & ~page) >= HINOKI_GUEST_LOAD_MIN)
		*at = (below - n) & ~page;
	else
		return LDR_FAIL(c, "initrd of %u bytes does not fit in guest RAM below %x (the lower of "
		                "initrd_addr_max + 1 and RAM) beside the kernel at [%x, %x)",
		                LA_U(n), LA_U(top), LA_U(kstart), LA_U(kend));
	memcpy(c->mem->base + *at, c->p->ramdisk, n);
	return 0;
}

/* A PC's map: conventional memory, the EBDA-to-BIOS hole, then the rest of RAM. */
static void write_e820(uint8_t *bp, uint64_t ram)
{
	const struct linux_e820_entry map[LX_E820_COUNT] = {
		{ 0, LOADER_MB_LOW_END, E820_TYPE_RAM },
		{ LOADER_MB_LOW_END, HINOKI_GUEST_LOAD_MIN - LOADER_MB_LOW_END, E820_TYPE_RESERVED },
		{ HINOKI_GUEST_LOAD_MIN, ram - HINOKI_GUEST_LOAD_MIN, E820_TYPE_RAM },
	};

	memcpy(bp + LINUX_BP_E820_TABLE, map, sizeof(map));
	bp[LINUX_BP_E820_ENTRIES] = LX_E820_COUNT;
}

int loader_load_bzimage(struct ldr_ctx *c, struct guest_entry *entry)
{
	static const struct ldr_gdt_sels linux_gdt = { LINUX_BOOT_CS, LINUX_BOOT_DS, 0 };
	uint8_t *ram = c->mem->base;
	uint8_t *bp = ram + LOADER_LX_GPA_BOOT_PARAMS;
	const uint64_t room = c->mem->size < LOADER_4GIB ? c->mem->size : LOADER_4GIB;
	const char *cmdline = c->p->cmdline ? c->p->cmdline : "";
	const size_t cmdlen = strlen(cmdline);
	struct bz_hdr h = { 0 };
	uint64_t at = 0, need, initrd_top, initrd = 0;

	if (read_header(c, &h))
		return -1;
	if (cmdlen > h.cmdline_size)
		return LDR_FAIL(c, "command line of %u characters is longer than the kernel's "
		                "cmdline_size of %u", LA_U(cmdlen), LA_U(h.cmdline_size));
	if (cmdlen >= LOADER_LX_CMDLINE_MAX)
		return LDR_FAIL(c, "command line of %u characters is longer than the %u Hinoki passes "
		                "to Linux", LA_U(cmdlen), LA_U(LOADER_LX_CMDLINE_MAX - 1));
	need = h.init_size > h.pm_size ? h.init_size : h.pm_size;
	if (place_kernel(c, &h, need, room, &at))
		return -1;
	initrd_top = (uint64_t)h.initrd_addr_max + 1 < room ? (uint64_t)h.initrd_addr_max + 1 : room;
	if (c->p->ramdisk_len && place_initrd(c, at, at + need, initrd_top, &initrd))
		return -1;
	memcpy(ram + at, c->img + h.pm_offset, h.pm_size);

	memset(ram + LOADER_LX_GPA_BOOT_PARAMS, 0, LOADER_LX_AREA_END - LOADER_LX_GPA_BOOT_PARAMS);
	/* The protocol's zero page: the setup header as the image has it, then what the loader sets. */
	memcpy(bp + LINUX_HDR_SETUP_SECTS, c->img + LINUX_HDR_SETUP_SECTS, h.hdr_end - LINUX_HDR_SETUP_SECTS);
	bp[LINUX_HDR_TYPE_OF_LOADER] = LINUX_TYPE_OF_LOADER_UNDEF;
	put32(bp, LINUX_HDR_CMD_LINE_PTR, (uint32_t)LOADER_LX_GPA_CMDLINE);
	/* Below 4 GiB by construction, so the ext_ halves stay 0. */
	put32(bp, LINUX_HDR_RAMDISK_IMAGE, (uint32_t)initrd);
	put32(bp, LINUX_HDR_RAMDISK_SIZE, (uint32_t)c->p->ramdisk_len);
	write_e820(bp, c->mem->size);
	ldr_copy_string((char *)ram + LOADER_LX_GPA_CMDLINE, LOADER_LX_CMDLINE_MAX, cmdline);

	entry->format = KERNEL_LINUX_BZIMAGE;
	entry->rip = at + LINUX_ENTRY64_OFFSET;
	entry->rsp = LX_STACK_TOP;
	entry->rsi = LOADER_LX_GPA_BOOT_PARAMS;
	entry->kernel_end = at + need;
	ldr_enter_long64(c, entry, LOADER_LX_GPA_GDT, &linux_gdt);
	return 0;
}
