/*
 * Kernel loader front end: recognises the image format, rejects what it cannot
 * load with a sentence naming the problem, and dispatches to the ELF64,
 * Multiboot or Linux bzImage loader. Also holds the checks, copies, GDT and
 * page tables the formats share, so each is written in one place. Pure code
 * over a byte view of guest RAM.
 */
#include "loader/loader_internal.h"
#include "hinoki/bootinfo.h"
#include "hw/cr.h"
#include "hw/elf.h"
#include "hw/linux_boot.h"
#include "hw/multiboot.h"
#include "hw/segment.h"
#include "lib/string.h"

/* Flat 4 GiB limit: 0xfffff in 4 KiB units, split across the descriptor. */
#define DESC_LIMIT_LOW_MASK   0xffffULL
#define DESC_LIMIT_HIGH_SHIFT 48
#define DESC_LIMIT_FLAT       (DESC_LIMIT_LOW_MASK | (0xfULL << DESC_LIMIT_HIGH_SHIFT))
#define DETECT_MIN_ELF_BYTES  (EI_NIDENT + 4)  /* e_ident, e_type, e_machine */
#define UNKNOWN_DUMP_BYTES    8
#define PT_ENTRIES            512
#define LARGE_PAGE_SIZE       0x200000ULL

const struct ldr_gdt_sels ldr_gdt_hinoki = { HINOKI_SEL_CODE64, HINOKI_SEL_DATA, HINOKI_SEL_CODE32 };

/* ---- error text --------------------------------------------------------- */

struct sbuf { char *s; size_t cap, n; };

static void sb_putc(struct sbuf *b, char ch)
{
	if (b->n + 1 < b->cap)
		b->s[b->n++] = ch;
}

static void sb_puts(struct sbuf *b, const char *s)
{
	while (s && *s)
		sb_putc(b, *s++);
}

static void sb_putu(struct sbuf *b, uint64_t v, unsigned base)
{
	char tmp[24];
	unsigned n = 0;
	do {
		tmp[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	while (n)
		sb_putc(b, tmp[--n]);
}

int ldr_fail(struct ldr_ctx *c, const char *fmt, const struct ldr_arg *args, size_t nargs)
{
	struct sbuf b = { c->err, c->errlen, 0 };
	size_t ai = 0;

	if (!c->err || c->errlen == 0)
		return -1;
	for (; *fmt; fmt++) {
		if (*fmt != '%' || !fmt[1]) {
			sb_putc(&b, *fmt);
			continue;
		}
		char conv = *++fmt;
		if (conv == '%') {
			sb_putc(&b, '%');
			continue;
		}
		struct ldr_arg a = ai < nargs ? args[ai++] : (struct ldr_arg){ 0, 0 };
		if (conv == 's') {
			sb_puts(&b, a.s ? a.s : "(null)");
		} else if (conv == 'u') {
			sb_putu(&b, a.u, 10);
		} else if (conv == 'x') {
			sb_puts(&b, "0x");
			sb_putu(&b, a.u, 16);
		}
	}
	b.s[b.n] = '\0';
	return -1;
}

/* ---- detection ---------------------------------------------------------- */

static bool is_elf(const uint8_t *img, size_t len)
{
	return len >= 4 && img[EI_MAG0] == ELFMAG0 && img[EI_MAG1] == ELFMAG1 &&
	       img[EI_MAG2] == ELFMAG2 && img[EI_MAG3] == ELFMAG3;
}

static uint16_t read16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

static bool is_hinoki_elf64(const uint8_t *img, size_t len)
{
	const size_t type_off = offsetof(Elf64_Ehdr, e_type);
	const size_t machine_off = offsetof(Elf64_Ehdr, e_machine);

	return len >= DETECT_MIN_ELF_BYTES && is_elf(img, len) && img[EI_CLASS] == ELFCLASS64 &&
	       img[EI_DATA] == ELFDATA2LSB && read16(img + type_off) == ET_EXEC &&
	       read16(img + machine_off) == EM_X86_64;
}

enum kernel_format loader_detect(const void *image, size_t len)
{
	const uint8_t *img = image;

	if (!img)
		return KERNEL_UNKNOWN;
	/* Multiboot first: a Multiboot kernel may well be an ELF64 x86-64 file too. */
	if (loader_find_multiboot(img, len) >= 0)
		return KERNEL_MULTIBOOT;
	if (is_hinoki_elf64(img, len))
		return KERNEL_HINOKI_ELF64;
	if (loader_is_bzimage(img, len))
		return KERNEL_LINUX_BZIMAGE;
	return KERNEL_UNKNOWN;
}

const char *loader_format_name(enum kernel_format f)
{
	switch (f) {
	case KERNEL_HINOKI_ELF64: return "Hinoki ELF64";
	case KERNEL_MULTIBOOT:    return "Multiboot";
	case KERNEL_LINUX_BZIMAGE: return "Linux bzImage";
	default:                  return "unknown";
	}
}

/* Say what the image looks like, so the user knows which header to fix. */
static int fail_unknown(struct ldr_ctx *c)
{
	char bytes[UNKNOWN_DUMP_BYTES * 3 + 1];
	struct sbuf b = { bytes, sizeof(bytes), 0 };

	if (c->len == 0)
		return LDR_FAIL(c, "not a Hinoki ELF64, Multiboot or Linux bzImage kernel (the image is empty)");
	for (size_t i = 0; i < c->len && i < UNKNOWN_DUMP_BYTES; i++) {
		if (i)
			sb_putc(&b, ' ');
		if (c->img[i] < 0x10)
			sb_putc(&b, '0');
		sb_putu(&b, c->img[i], 16);
	}
	bytes[b.n] = '\0';

	/* A Multiboot magic whose checksum or placement is wrong is the likelier mistake. */
	size_t limit = c->len < MB_SEARCH_LIMIT ? c->len : MB_SEARCH_LIMIT;
	for (size_t off = 0; off + 4 <= limit; off += MB_HEADER_ALIGN) {
		uint32_t magic;
		memcpy(&magic, c->img + off, sizeof(magic));
		if (magic != MB_HEADER_MAGIC)
			continue;
		if (off + MB_HEADER_BASE_SIZE > limit)
			return LDR_FAIL(c, "Multiboot header at offset %x is cut off by the end of the "
			                "first %u bytes of the image", LA_U(off), LA_U(limit));
		return LDR_FAIL(c, "Multiboot header at offset %x has a bad checksum "
		                "(magic + flags + checksum must be 0)", LA_U(off));
	}
	if (is_elf(c->img, c->len)) {
		if (c->len < DETECT_MIN_ELF_BYTES)
			return LDR_FAIL(c, "truncated ELF header: the image is %u bytes", LA_U(c->len));
		return LDR_FAIL(c, "not a Hinoki ELF64 or Multiboot kernel (ELF class %u, type %u, "
		                "machine %u, and no Multiboot header)", LA_U(c->img[EI_CLASS]),
		                LA_U(read16(c->img + offsetof(Elf64_Ehdr, e_type))),
		                LA_U(read16(c->img + offsetof(Elf64_Ehdr, e_machine))));
	}
	/* A boot sector without "HdrS" is a Linux older than protocol 2.00, or no Linux at all. */
	if (c->len >= LINUX_HDR_BOOT_FLAG + 2 && read16(c->img + LINUX_HDR_BOOT_FLAG) == LINUX_BOOT_FLAG_MAGIC)
		return LDR_FAIL(c, "boot sector (0xaa55 at 0x1fe) without the Linux setup header "
		                "signature \"HdrS\" at 0x202: not a bzImage of boot protocol 2.12 or later");
	return LDR_FAIL(c, "not a Hinoki ELF64, Multiboot or Linux bzImage kernel (first bytes %s)", LA_S(bytes));
}

int loader_load(const struct load_params *p, struct guest_mem *mem,
                struct guest_entry *entry, char *err, size_t errlen)
{
	struct ldr_ctx c = { p, mem, NULL, 0, err, errlen };

	if (err && errlen)
		err[0] = '\0';
	if (!p || !mem || !entry || !mem->base)
		return LDR_FAIL(&c, "loader called without parameters, guest memory or entry");
	c.img = p->kernel;
	c.len = p->kernel_len;
	if (!c.img && c.len)
		return LDR_FAIL(&c, "kernel image pointer is NULL");
	if (!p->ramdisk && p->ramdisk_len)
		return LDR_FAIL(&c, "ramdisk pointer is NULL");
	if (mem->size < LOADER_MIN_RAM)
		return LDR_FAIL(&c, "guest RAM of %x bytes is below the 2 MiB minimum", LA_U(mem->size));
	memset(entry, 0, sizeof(*entry));

	switch (loader_detect(c.img, c.len)) {
	case KERNEL_HINOKI_ELF64:
		return loader_load_elf64(&c, entry);
	case KERNEL_MULTIBOOT:
		return loader_load_multiboot(&c, entry);
	case KERNEL_LINUX_BZIMAGE:
		return loader_load_bzimage(&c, entry);
	default:
		return fail_unknown(&c);
	}
}

/* ---- checks and copies shared by the formats ---------------------------- */

int ldr_check_layout(struct ldr_ctx *c, const struct ldr_image *im, const struct ldr_hole *holes,
                     unsigned nholes, uint64_t limit, const char *limit_why)
{
	for (unsigned i = 0; i < im->nseg; i++) {
		const struct ldr_seg *s = &im->seg[i];
		uint64_t end = s->paddr + s->memsz;  /* ldr_elf_read and the a.out reader checked overflow */

		if (end > c->mem->size)
			return LDR_FAIL(c, "%s segment %u ends at %x beyond guest RAM of %x",
			                LA_S(im->what), LA_U(s->index), LA_U(end), LA_U(c->mem->size));
		if (end > limit)
			return LDR_FAIL(c, "%s segment %u ends at %x, above %s",
			                LA_S(im->what), LA_U(s->index), LA_U(end), LA_S(limit_why));
		for (unsigned h = 0; h < nholes; h++) {
			if (s->paddr < holes[h].end && holes[h].start < end)
				return LDR_FAIL(c, "%s segment %u at [%x, %x) overlaps %s",
				                LA_S(im->what), LA_U(s->index), LA_U(s->paddr), LA_U(end),
				                LA_S(holes[h].why));
		}
		for (unsigned j = 0; j < i; j++) {
			const struct ldr_seg *t = &im->seg[j];
			if (s->paddr < t->paddr + t->memsz && t->paddr < end)
				return LDR_FAIL(c, "%s segments %u and %u overlap in guest memory",
				                LA_S(im->what), LA_U(t->index), LA_U(s->index));
		}
	}
	return 0;
}

int ldr_check_entry(struct ldr_ctx *c, const struct ldr_image *im, bool by_vaddr, uint64_t *phys)
{
	for (unsigned i = 0; i < im->nseg; i++) {
		const struct ldr_seg *s = &im->seg[i];
		if (im->entry >= s->paddr && im->entry - s->paddr < s->memsz) {
			*phys = im->entry;
			return 0;
		}
	}
	/* A kernel linked high with a low load address: run the entry where it was loaded. */
	for (unsigned i = 0; by_vaddr && i < im->nseg; i++) {
		const struct ldr_seg *s = &im->seg[i];
		if (im->entry >= s->vaddr && im->entry - s->vaddr < s->memsz) {
			*phys = s->paddr + (im->entry - s->vaddr);
			return 0;
		}
	}
	return LDR_FAIL(c, "%s entry point %x is not inside any loaded segment",
	                LA_S(im->what), LA_U(im->entry));
}

uint64_t ldr_copy_segments(struct ldr_ctx *c, const struct ldr_image *im)
{
	uint64_t top = 0;

	for (unsigned i = 0; i < im->nseg; i++) {
		const struct ldr_seg *s = &im->seg[i];
		uint8_t *dst = c->mem->base + s->paddr;
		memcpy(dst, c->img + s->offset, s->filesz);
		memset(dst + s->filesz, 0, s->memsz - s->filesz);
		if (s->paddr + s->memsz > top)
			top = s->paddr + s->memsz;
	}
	return top;
}

int ldr_place_ramdisk(struct ldr_ctx *c, uint64_t after, uint64_t limit, uint64_t *gpa)
{
	uint64_t at, end;
	uint64_t room = c->mem->size < limit ? c->mem->size : limit;

	if (__builtin_add_overflow(after, LOADER_PAGE_SIZE - 1, &at))
		return LDR_FAIL(c, "no room for the ramdisk after the kernel");
	at &= ~(LOADER_PAGE_SIZE - 1);
	if (__builtin_add_overflow(at, (uint64_t)c->p->ramdisk_len, &end) || end > room)
		return LDR_FAIL(c, "ramdisk of %u bytes at %x does not fit below %x",
		                LA_U(c->p->ramdisk_len), LA_U(at), LA_U(room));
	memcpy(c->mem->base + at, c->p->ramdisk, c->p->ramdisk_len);
	*gpa = at;
	return 0;
}

uint16_t ldr_write_gdt(struct ldr_ctx *c, uint64_t gpa, const struct ldr_gdt_sels *sels)
{
	const uint64_t flat = DESC_P | DESC_S | DESC_G | DESC_LIMIT_FLAT;
	uint64_t gdt[LOADER_GDT_ENTRIES] = { 0 };

	if (sels->code64)
		gdt[sels->code64 / 8] = flat | DESC_TYPE(SEG_TYPE_CODE_XR_A) | DESC_L;
	if (sels->data)
		gdt[sels->data / 8] = flat | DESC_TYPE(SEG_TYPE_DATA_RW_A) | DESC_DB;
	if (sels->code32)
		gdt[sels->code32 / 8] = flat | DESC_TYPE(SEG_TYPE_CODE_XR_A) | DESC_DB;
	memcpy(c->mem->base + gpa, gdt, sizeof(gdt));
	return (uint16_t)(sizeof(gdt) - 1);
}

static void put64(uint8_t *ram, uint64_t gpa, uint64_t v)
{
	memcpy(ram + gpa, &v, sizeof(v));
}

/* Identity map [0, 4 GiB): PML4[0] -> PDPT[0..3] -> four PDs of 2 MiB pages. Pages pre-zeroed. */
static uint64_t write_page_tables(struct ldr_ctx *c)
{
	uint8_t *ram = c->mem->base;

	put64(ram, HINOKI_GPA_PML4, HINOKI_GPA_PDPT | PTE_P | PTE_W);
	for (uint64_t t = 0; t < LOADER_PD_PAGES; t++) {
		uint64_t pd = HINOKI_GPA_PD + t * LOADER_PAGE_SIZE;
		put64(ram, HINOKI_GPA_PDPT + t * sizeof(uint64_t), pd | PTE_P | PTE_W);
		for (uint64_t i = 0; i < PT_ENTRIES; i++)
			put64(ram, pd + i * sizeof(uint64_t),
			      (t * PT_ENTRIES + i) * LARGE_PAGE_SIZE | PTE_P | PTE_W | PTE_PS);
	}
	return HINOKI_GPA_PML4;
}

void ldr_enter_long64(struct ldr_ctx *c, struct guest_entry *entry, uint64_t gdt_gpa,
                      const struct ldr_gdt_sels *sels)
{
	entry->mode = ENTRY_LONG64;
	entry->cr3 = write_page_tables(c);
	entry->gdt_base = gdt_gpa;
	entry->gdt_limit = ldr_write_gdt(c, gdt_gpa, sels);
	entry->code_sel = sels->code64;
	entry->data_sel = sels->data;
}

size_t ldr_copy_string(char *dst, size_t cap, const char *src)
{
	size_t n = 0;

	if (cap == 0)
		return 0;
	while (src && src[n] && n + 1 < cap) {
		dst[n] = src[n];
		n++;
	}
	dst[n] = '\0';
	return n;
}
