/*
 * Multiboot 1 loader: finds the header, loads the image either by the a.out
 * kludge addresses or by ELF program headers, and builds the Multiboot
 * information structure (memory sizes, command line, memory map, the ramdisk
 * as a module) in the boot block laid out in loader/loader_internal.h, which
 * goes after the kernel and its module.
 * The kernel is entered in flat 32-bit protected mode without paging.
 */
#include "loader/loader_internal.h"
#include "hinoki/bootinfo.h"
#include "hw/elf.h"
#include "hw/multiboot.h"
#include "lib/string.h"

#define MB_LOADER_NAME    "Hinoki"
#define MB_MODULE_STRING  "ramdisk"
#define MB_DEFAULT_KERNEL "kernel"
#define MB_MMAP_ENTRIES   3
#define KIB               1024u

/*
 * What the loader can honour among the header's required bits. A video mode
 * (bit 2) is a preference the specification lets the loader decline: the
 * kernel sees no video information (info flag bit 11 clear), as under QEMU.
 */
#define MB_HF_SUPPORTED   (MB_HF_PAGE_ALIGN | MB_HF_MEMORY_INFO | MB_HF_VIDEO_MODE)

long loader_find_multiboot(const uint8_t *img, size_t len)
{
	size_t limit = len < MB_SEARCH_LIMIT ? len : MB_SEARCH_LIMIT;

	if (!img)
		return -1;
	for (size_t off = 0; off + MB_HEADER_BASE_SIZE <= limit; off += MB_HEADER_ALIGN) {
		uint32_t w[3];
		memcpy(w, img + off, sizeof(w));
		/* Unsigned wrap-around is the checksum's definition. */
		if (w[0] == MB_HEADER_MAGIC && (uint32_t)(w[0] + w[1] + w[2]) == 0)
			return (long)off;
	}
	return -1;
}

/* The single segment the a.out kludge fields describe. */
static int read_aout(struct ldr_ctx *c, size_t hoff, const struct mb_header *h,
                     struct ldr_image *im)
{
	struct ldr_seg s = { .index = 0 };
	uint64_t load_off, load_size, load_end;

	im->what = "a.out kludge";
	im->nseg = 0;
	if (h->load_addr > h->header_addr)
		return LDR_FAIL(c, "a.out kludge load_addr %x is above header_addr %x",
		                LA_U(h->load_addr), LA_U(h->header_addr));
	if (h->header_addr - h->load_addr > hoff)
		return LDR_FAIL(c, "a.out kludge header_addr - load_addr = %x is more than the "
		                "header's file offset %x, so loading would start before the file",
		                LA_U(h->header_addr - h->load_addr), LA_U(hoff));
	load_off = hoff - (h->header_addr - h->load_addr);
	if (h->load_end_addr == 0) {
		load_size = c->len - load_off;
	} else {
		if (h->load_end_addr < h->load_addr)
			return LDR_FAIL(c, "a.out kludge load_end_addr %x is below load_addr %x",
			                LA_U(h->load_end_addr), LA_U(h->load_addr));
		load_size = h->load_end_addr - h->load_addr;
		if (load_size > c->len - load_off)
			return LDR_FAIL(c, "a.out kludge load range needs %x bytes of file from offset "
			                "%x, but the image is %u bytes", LA_U(load_size),
			                LA_U(load_off), LA_U(c->len));
	}
	if (__builtin_add_overflow((uint64_t)h->load_addr, load_size, &load_end))
		return LDR_FAIL(c, "a.out kludge load_addr + size overflows");
	s.offset = load_off;
	s.filesz = load_size;
	s.paddr = s.vaddr = h->load_addr;
	s.memsz = load_size;
	if (h->bss_end_addr) {
		if (h->bss_end_addr < load_end)
			return LDR_FAIL(c, "a.out kludge bss_end_addr %x is below the end of the loaded "
			                "bytes %x", LA_U(h->bss_end_addr), LA_U(load_end));
		s.memsz = h->bss_end_addr - h->load_addr;
	}
	if (s.memsz == 0)
		return LDR_FAIL(c, "a.out kludge fields load nothing");
	im->seg[im->nseg++] = s;
	im->entry = h->entry_addr;
	return 0;
}

/* *is_elf: the segments came from ELF headers (whose entry may be a virtual address). */
static int read_image(struct ldr_ctx *c, size_t hoff, struct ldr_image *im, bool *is_elf)
{
	struct mb_header h = { 0 };
	size_t limit = c->len < MB_SEARCH_LIMIT ? c->len : MB_SEARCH_LIMIT;
	size_t have = limit - hoff < sizeof(h) ? limit - hoff : sizeof(h);
	uint32_t unsupported;

	memcpy(&h, c->img + hoff, have);
	*is_elf = false;
	unsupported = h.flags & MB_HF_REQUIRED_MASK & ~MB_HF_SUPPORTED;
	if (unsupported)
		return LDR_FAIL(c, "Multiboot header requires features Hinoki does not know "
		                "(required flag bits %x)", LA_U(unsupported));

	if (h.flags & MB_HF_AOUT_KLUDGE) {
		if (have < MB_HEADER_AOUT_SIZE)
			return LDR_FAIL(c, "Multiboot header at offset %x sets the a.out kludge but its "
			                "address fields run past the first %u bytes of the image",
			                LA_U(hoff), LA_U(limit));
		return read_aout(c, hoff, &h, im);
	}
	if (c->len <= EI_CLASS || c->img[EI_MAG0] != ELFMAG0 || c->img[EI_MAG1] != ELFMAG1 ||
	    c->img[EI_MAG2] != ELFMAG2 || c->img[EI_MAG3] != ELFMAG3 ||
	    (c->img[EI_CLASS] != ELFCLASS32 && c->img[EI_CLASS] != ELFCLASS64))
		return LDR_FAIL(c, "Multiboot kernel without the a.out kludge (header flag bit 16) "
		                "must be an ELF32 i386 or ELF64 x86-64 executable");
	*is_elf = true;
	return ldr_elf_read(c, c->img[EI_CLASS], im);
}

/* "KERNELNAME EXTRA": argv[0] is the image name, as other Multiboot loaders do it. */
static void write_cmdline(struct ldr_ctx *c, uint64_t gpa)
{
	char *dst = (char *)c->mem->base + gpa;
	const char *name = c->p->kernel_name && c->p->kernel_name[0] ? c->p->kernel_name
	                                                             : MB_DEFAULT_KERNEL;
	const char *extra = c->p->cmdline ? c->p->cmdline : "";
	size_t n = ldr_copy_string(dst, LOADER_MB_CMDLINE_MAX, name);

	if (extra[0] && n + 1 < LOADER_MB_CMDLINE_MAX) {
		dst[n++] = ' ';
		ldr_copy_string(dst + n, LOADER_MB_CMDLINE_MAX - n, extra);
	}
}

static void write_mmap(struct ldr_ctx *c, uint64_t gpa)
{
	const uint32_t entry_size = sizeof(struct mb_mmap_entry) - sizeof(uint32_t);
	const struct mb_mmap_entry map[MB_MMAP_ENTRIES] = {
		{ entry_size, 0, LOADER_MB_LOW_END, MB_MMAP_AVAILABLE },
		{ entry_size, LOADER_MB_LOW_END, LOADER_MIB - LOADER_MB_LOW_END, MB_MMAP_RESERVED },
		{ entry_size, LOADER_MIB, c->mem->size - LOADER_MIB, MB_MMAP_AVAILABLE },
	};

	memcpy(c->mem->base + gpa, map, sizeof(map));
}

/* The boot block's address: the first page past `end`, moved past the legacy hole if it would reach into it. */
static int place_block(struct ldr_ctx *c, uint64_t end, uint64_t *gpa)
{
	uint64_t room = c->mem->size < LOADER_4GIB ? c->mem->size : LOADER_4GIB;
	uint64_t at = (end + LOADER_PAGE_SIZE - 1) & ~(LOADER_PAGE_SIZE - 1);
	if (at < LOADER_MIB && at + LOADER_MB_BLOCK_SIZE > LOADER_MB_LOW_END)
		at = LOADER_MIB;
	if (at + LOADER_MB_BLOCK_SIZE > room)
		return LDR_FAIL(c, "no room for the Multiboot information (%u KiB) after the kernel and its module, "
		                "which end at %x, below %x", LA_U(LOADER_MB_BLOCK_SIZE / KIB), LA_U(end), LA_U(room));
	*gpa = at;
	return 0;
}

int loader_load_multiboot(struct ldr_ctx *c, struct guest_entry *entry)
{
	static const struct ldr_hole holes[] = {
		{ LOADER_MB_LOW_END, LOADER_MIB,
		  "the reserved legacy hole [0x9f000, 0x100000)" },
	};
	uint8_t *ram = c->mem->base;
	struct ldr_image im;
	struct mb_info info;
	uint64_t rip, upper_kib, end, mod_at = 0, b = 0;
	bool is_elf;
	long hoff = loader_find_multiboot(c->img, c->len);

	if (hoff < 0)
		return LDR_FAIL(c, "no valid Multiboot header in the first 8192 bytes");
	if (read_image(c, (size_t)hoff, &im, &is_elf) ||
	    ldr_check_layout(c, &im, holes, sizeof(holes) / sizeof(holes[0]), LOADER_4GIB,
	                     "4 GiB, the limit of 32-bit protected mode") ||
	    ldr_check_entry(c, &im, is_elf, &rip))
		return -1;

	entry->kernel_end = ldr_copy_segments(c, &im);
	end = entry->kernel_end;
	if (c->p->ramdisk_len) {
		if (ldr_place_ramdisk(c, entry->kernel_end, LOADER_4GIB, &mod_at))
			return -1;
		end = mod_at + c->p->ramdisk_len;
	}
	if (place_block(c, end, &b))
		return -1;
	memset(ram + b, 0, LOADER_MB_BLOCK_SIZE);
	memset(&info, 0, sizeof(info));
	if (c->p->ramdisk_len) {
		struct mb_module mod = {
			.mod_start = (uint32_t)mod_at,
			.mod_end = (uint32_t)(mod_at + c->p->ramdisk_len),
			.string = (uint32_t)(b + LOADER_MB_OFF_MOD_STRING),
		};
		memcpy(ram + b + LOADER_MB_OFF_MODS, &mod, sizeof(mod));
		memcpy(ram + b + LOADER_MB_OFF_MOD_STRING, MB_MODULE_STRING, sizeof(MB_MODULE_STRING));
		info.flags |= MB_INFO_MODS;
		info.mods_count = 1;
		info.mods_addr = (uint32_t)(b + LOADER_MB_OFF_MODS);
	}
	info.flags |= MB_INFO_MEMORY | MB_INFO_CMDLINE | MB_INFO_MEM_MAP | MB_INFO_BOOT_LOADER_NAME;
	info.mem_lower = LOADER_MB_MEM_LOWER_KIB;
	upper_kib = (c->mem->size - LOADER_MIB) / KIB;
	info.mem_upper = upper_kib > UINT32_MAX ? UINT32_MAX : (uint32_t)upper_kib;
	info.cmdline = (uint32_t)(b + LOADER_MB_OFF_CMDLINE);
	write_cmdline(c, b + LOADER_MB_OFF_CMDLINE);
	info.mmap_addr = (uint32_t)(b + LOADER_MB_OFF_MMAP);
	info.mmap_length = MB_MMAP_ENTRIES * sizeof(struct mb_mmap_entry);
	write_mmap(c, b + LOADER_MB_OFF_MMAP);
	info.boot_loader_name = (uint32_t)(b + LOADER_MB_OFF_LOADER_NAME);
	memcpy(ram + b + LOADER_MB_OFF_LOADER_NAME, MB_LOADER_NAME, sizeof(MB_LOADER_NAME));
	memcpy(ram + b + LOADER_MB_OFF_INFO, &info, sizeof(info));

	entry->format = KERNEL_MULTIBOOT;
	entry->mode = ENTRY_PROT32;
	entry->rip = rip;
	entry->rax = MB_BOOTLOADER_MAGIC;
	entry->rbx = b + LOADER_MB_OFF_INFO;
	entry->rsp = b + LOADER_MB_OFF_STACK_TOP;
	entry->gdt_base = b + LOADER_MB_OFF_GDT;
	entry->gdt_limit = ldr_write_gdt(c, b + LOADER_MB_OFF_GDT, &ldr_gdt_hinoki);
	entry->code_sel = HINOKI_SEL_CODE32;
	entry->data_sel = HINOKI_SEL_DATA;
	return 0;
}
