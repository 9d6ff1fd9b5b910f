/*
 * ELF program-header reading for both classes (Multiboot kernels may be ELF32
 * or ELF64), and the Hinoki ELF64 protocol: PT_LOAD segments at p_paddr, then
 * the boot structures of include/hinoki/bootinfo.h below 1 MiB (with the
 * management domain's boot script), and a 64-bit entry with identity-mapped
 * paging (set up by loader.c, as for Linux). Every header field is
 * bounds-checked before use so a corrupt image can only produce an error.
 */
#include "loader/loader_internal.h"
#include "hinoki/bootinfo.h"
#include "hw/elf.h"
#include "lib/string.h"

/* One memset clears every boot structure, so they must sit together and below the stack. */
_Static_assert(HINOKI_GPA_PD + LOADER_PD_PAGES * LOADER_PAGE_SIZE <= HINOKI_GPA_SCRIPT,
               "page tables run into the script page");
_Static_assert(HINOKI_GPA_SCRIPT + HINOKI_SCRIPT_MAX <= HINOKI_GPA_STACK_TOP,
               "script page runs into the initial stack");

/* The fields both ELF classes share, widened. */
struct elf_hdr {
	uint16_t type, machine, phentsize, phnum;
	uint32_t version;
	uint64_t entry, phoff;
};

static void read_ehdr(const uint8_t *img, unsigned elf_class, struct elf_hdr *h)
{
	if (elf_class == ELFCLASS64) {
		Elf64_Ehdr e;
		memcpy(&e, img, sizeof(e));
		*h = (struct elf_hdr){ e.e_type, e.e_machine, e.e_phentsize, e.e_phnum,
		                       e.e_version, e.e_entry, e.e_phoff };
	} else {
		Elf32_Ehdr e;
		memcpy(&e, img, sizeof(e));
		*h = (struct elf_hdr){ e.e_type, e.e_machine, e.e_phentsize, e.e_phnum,
		                       e.e_version, e.e_entry, e.e_phoff };
	}
}

static void read_phdr(const uint8_t *p, unsigned elf_class, uint32_t *type, struct ldr_seg *s)
{
	if (elf_class == ELFCLASS64) {
		Elf64_Phdr ph;
		memcpy(&ph, p, sizeof(ph));
		*type = ph.p_type;
		s->offset = ph.p_offset; s->filesz = ph.p_filesz;
		s->paddr = ph.p_paddr; s->vaddr = ph.p_vaddr; s->memsz = ph.p_memsz;
	} else {
		Elf32_Phdr ph;
		memcpy(&ph, p, sizeof(ph));
		*type = ph.p_type;
		s->offset = ph.p_offset; s->filesz = ph.p_filesz;
		s->paddr = ph.p_paddr; s->vaddr = ph.p_vaddr; s->memsz = ph.p_memsz;
	}
}

int ldr_elf_read(struct ldr_ctx *c, unsigned elf_class, struct ldr_image *im)
{
	const bool is64 = elf_class == ELFCLASS64;
	const size_t ehsize = is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr);
	const size_t phsize = is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr);
	const unsigned machine = is64 ? EM_X86_64 : EM_386;
	const char *what = is64 ? "ELF64" : "ELF32";
	struct elf_hdr h;
	uint64_t table_end;

	im->what = what;
	im->nseg = 0;
	if (c->len < ehsize)
		return LDR_FAIL(c, "truncated %s header: the image is %u bytes, the header needs %u",
		                LA_S(what), LA_U(c->len), LA_U(ehsize));
	if (c->img[EI_DATA] != ELFDATA2LSB)
		return LDR_FAIL(c, "%s image is not little-endian", LA_S(what));
	if (c->img[EI_VERSION] != EV_CURRENT)
		return LDR_FAIL(c, "%s header version %u is not EV_CURRENT",
		                LA_S(what), LA_U(c->img[EI_VERSION]));
	read_ehdr(c->img, elf_class, &h);
	if (h.type != ET_EXEC)
		return LDR_FAIL(c, "%s type %u is not ET_EXEC: link the kernel as a static executable",
		                LA_S(what), LA_U(h.type));
	if (h.machine != machine)
		return LDR_FAIL(c, "%s machine %u is not %s", LA_S(what), LA_U(h.machine),
		                LA_S(is64 ? "EM_X86_64" : "EM_386"));
	if (h.phnum == 0)
		return LDR_FAIL(c, "%s image has no program headers", LA_S(what));
	if (h.phentsize != phsize)
		return LDR_FAIL(c, "%s program header size is %u bytes, expected %u",
		                LA_S(what), LA_U(h.phentsize), LA_U(phsize));
	if (h.phnum == PN_XNUM || h.phnum > LOADER_MAX_PHDRS)
		return LDR_FAIL(c, "%s image has %u program headers, at most %u are supported",
		                LA_S(what), LA_U(h.phnum), LA_U(LOADER_MAX_PHDRS));
	/* phnum * phsize is at most 64 * 56: only the addition can overflow. */
	if (__builtin_add_overflow(h.phoff, (uint64_t)h.phnum * phsize, &table_end) ||
	    table_end > c->len)
		return LDR_FAIL(c, "%s program header table (offset %x, %u entries) runs past the "
		                "end of the %u-byte image", LA_S(what), LA_U(h.phoff),
		                LA_U(h.phnum), LA_U(c->len));

	for (unsigned i = 0; i < h.phnum; i++) {
		struct ldr_seg s = { .index = i };
		uint32_t type;
		uint64_t end;

		read_phdr(c->img + h.phoff + (uint64_t)i * phsize, elf_class, &type, &s);
		if (type != PT_LOAD || s.memsz == 0)
			continue;
		if (s.filesz > s.memsz)
			return LDR_FAIL(c, "%s segment %u: p_filesz %x is larger than p_memsz %x",
			                LA_S(what), LA_U(i), LA_U(s.filesz), LA_U(s.memsz));
		if (__builtin_add_overflow(s.offset, s.filesz, &end) || end > c->len)
			return LDR_FAIL(c, "%s segment %u: file bytes [%x, +%x) run past the end of "
			                "the %u-byte image", LA_S(what), LA_U(i), LA_U(s.offset),
			                LA_U(s.filesz), LA_U(c->len));
		if (__builtin_add_overflow(s.paddr, s.memsz, &end))
			return LDR_FAIL(c, "%s segment %u: p_paddr %x + p_memsz %x overflows",
			                LA_S(what), LA_U(i), LA_U(s.paddr), LA_U(s.memsz));
		if (__builtin_add_overflow(s.vaddr, s.memsz, &end))
			return LDR_FAIL(c, "%s segment %u: p_vaddr %x + p_memsz %x overflows",
			                LA_S(what), LA_U(i), LA_U(s.vaddr), LA_U(s.memsz));
		if (im->nseg == LOADER_MAX_SEGS)
			return LDR_FAIL(c, "%s image has more than %u loadable segments",
			                LA_S(what), LA_U(LOADER_MAX_SEGS));
		im->seg[im->nseg++] = s;
	}
	if (im->nseg == 0)
		return LDR_FAIL(c, "%s image has no loadable (PT_LOAD) segments", LA_S(what));
	im->entry = h.entry;
	return 0;
}

/*
 * Bytes of the script that fit in max: all of it, or else up to the last ';'
 * that fits, so that a cut script never runs half a command.
 */
static size_t script_fit(const char *s, size_t max)
{
	size_t n = 0, cut = 0;

	while (s[n] && n < max) {
		if (s[n] == ';')
			cut = n;
		n++;
	}
	return s[n] ? cut : n;
}

/* NUL-terminated at HINOKI_GPA_SCRIPT (page pre-zeroed); returns its GPA, 0 when there is none. */
static uint64_t write_script(struct ldr_ctx *c)
{
	const char *s = c->p->script;
	size_t n = s ? script_fit(s, HINOKI_SCRIPT_MAX - 1) : 0;

	if (n == 0)
		return 0;
	memcpy(c->mem->base + HINOKI_GPA_SCRIPT, s, n);
	return HINOKI_GPA_SCRIPT;
}

int loader_load_elf64(struct ldr_ctx *c, struct guest_entry *entry)
{
	/* The script page lies inside the first MiB today; its own hole keeps it safe if either moves. */
	static const struct ldr_hole holes[] = {
		{ 0, HINOKI_GUEST_LOAD_MIN,
		  "the first 1 MiB, which holds the boot structures (load at or above 0x100000)" },
		{ HINOKI_GPA_SCRIPT, HINOKI_GPA_SCRIPT + HINOKI_SCRIPT_MAX, "the boot script page" },
	};
	const struct load_params *p = c->p;
	uint8_t *ram = c->mem->base;
	struct ldr_image im;
	struct hinoki_bootinfo bi;
	uint64_t rip, ramdisk_gpa = 0;

	if (ldr_elf_read(c, ELFCLASS64, &im) ||
	    ldr_check_layout(c, &im, holes, sizeof(holes) / sizeof(holes[0]), LOADER_4GIB,
	                     "4 GiB, the end of the initial identity map") ||
	    ldr_check_entry(c, &im, false, &rip))
		return -1;

	entry->kernel_end = ldr_copy_segments(c, &im);
	if (p->ramdisk_len &&
	    ldr_place_ramdisk(c, entry->kernel_end, c->mem->size, &ramdisk_gpa))
		return -1;

	/* Bootinfo, command line, GDT, page tables and script: 0x1000-0xafff, inside the 2 MiB minimum. */
	memset(ram + HINOKI_GPA_BOOTINFO, 0, HINOKI_GPA_SCRIPT + HINOKI_SCRIPT_MAX - HINOKI_GPA_BOOTINFO);
	memset(&bi, 0, sizeof(bi));
	bi.magic = HINOKI_BOOT_MAGIC;
	bi.version = HINOKI_BOOT_VERSION;
	bi.domain_id = p->domain_id;
	bi.mem_bytes = c->mem->size;
	bi.cmdline_gpa = HINOKI_GPA_CMDLINE;
	bi.ramdisk_gpa = ramdisk_gpa;
	bi.ramdisk_size = p->ramdisk_len;
	bi.vcpus = p->vcpus;
	bi.flags = p->boot_flags;
	ldr_copy_string(bi.domain_name, sizeof(bi.domain_name), p->domain_name);
	bi.script_gpa = write_script(c);
	bi.tsc_khz = p->tsc_khz;
	memcpy(ram + HINOKI_GPA_BOOTINFO, &bi, sizeof(bi));
	ldr_copy_string((char *)ram + HINOKI_GPA_CMDLINE, HINOKI_CMDLINE_MAX, p->cmdline);

	entry->format = KERNEL_HINOKI_ELF64;
	entry->rip = rip;
	entry->rsp = HINOKI_GPA_STACK_TOP;
	entry->rdi = HINOKI_GPA_BOOTINFO;
	ldr_enter_long64(c, entry, HINOKI_GPA_GDT, &ldr_gdt_hinoki);
	return 0;
}
