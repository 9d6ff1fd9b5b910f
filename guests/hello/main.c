/*
 * hello: the first Hinoki ELF64 guest. It checks what the hypervisor promises
 * every guest (the boot information, the CPUID view, the hypercalls, an
 * emulated UART, unknown ports) and prints one self-describing "hello: ..."
 * line per fact, "hello: CHECK FAILED: ..." per broken promise, and
 * "hello: all checks passed" when none broke. It exits through HC_EXIT with
 * 0 when everything held, 1 otherwise. With the word "xmm" on its command
 * line it first checks that its XMM registers survive hypercall yields to
 * the domains beside it.
 */
#include "check.h"
#include "guest.h"
#include "msr_check.h"

#define TAG "hello: "

#define MIB                 (1024ULL * 1024ULL)
#define UNKNOWN_HYPERCALL   999
#define UNMAPPED_GPA        0xfffffffff000ULL   /* far above any domain's RAM */
#define UNKNOWN_PORT        0x80                /* POST port: no device behind it */
#define UNKNOWN_PORT_VALUE  0xff                /* what a read of nothing returns */
#define COM1_SCR            (0x3f8 + 7)         /* 16550 scratch register */
#define SCRATCH_PATTERN     0x5a
#define CPUID_SIG_LEN       12
#define XMM_SEED_BASE       0x80                /* plus the domain id; traps uses 0x10 */
#define XMM_YIELDS          8

/* Must be zero at entry: the loader zero-fills the bss part of a segment. */
static volatile uint8_t bss_probe[256];

static bool check_bootinfo(const struct hinoki_bootinfo *bi)
{
	if ((uintptr_t)bi != HINOKI_GPA_BOOTINFO)
		fail("bootinfo at %p, expected 0x%llx", (const void *)bi, HINOKI_GPA_BOOTINFO);
	if (bi->magic != HINOKI_BOOT_MAGIC) {
		fail("bootinfo magic 0x%llx, expected 0x%llx",
		     (unsigned long long)bi->magic, HINOKI_BOOT_MAGIC);
		return false;
	}
	if (bi->version != HINOKI_BOOT_VERSION) {
		fail("bootinfo version %u, expected %u", bi->version, HINOKI_BOOT_VERSION);
		return false;
	}

	const char *cmdline = "";
	if (bi->cmdline_gpa && bi->cmdline_gpa + HINOKI_CMDLINE_MAX <= bi->mem_bytes)
		cmdline = (const char *)(uintptr_t)bi->cmdline_gpa;
	else if (bi->cmdline_gpa)
		fail("cmdline_gpa 0x%llx outside RAM", (unsigned long long)bi->cmdline_gpa);

	gprintf(TAG "domain %.*s id %u, %llu MiB, cmdline '%.*s'\n",
	        (int)sizeof bi->domain_name, bi->domain_name, bi->domain_id,
	        (unsigned long long)(bi->mem_bytes / MIB), HINOKI_CMDLINE_MAX - 1, cmdline);
	gprintf(TAG "vcpus %u flags 0x%x ramdisk 0x%llx+0x%llx\n", bi->vcpus, bi->flags,
	        (unsigned long long)bi->ramdisk_gpa, (unsigned long long)bi->ramdisk_size);

	extern char __image_end[];
	if ((uintptr_t)__image_end > bi->mem_bytes)
		fail("image ends at %p, beyond RAM of 0x%llx", (void *)__image_end,
		     (unsigned long long)bi->mem_bytes);
	if (bi->vcpus == 0)
		fail("bootinfo says 0 vcpus");
	return true;
}

/* Whether `word` is one of the space-separated words of the command line. */
static bool cmdline_has(const struct hinoki_bootinfo *bi, const char *word)
{
	if (!bi->cmdline_gpa || bi->cmdline_gpa + HINOKI_CMDLINE_MAX > bi->mem_bytes)
		return false;
	const char *p = (const char *)(uintptr_t)bi->cmdline_gpa;
	size_t n = strlen(word);
	while (*p) {
		while (*p == ' ')
			p++;
		size_t len = 0;
		while (p[len] && p[len] != ' ')
			len++;
		if (len == n && memcmp(p, word, n) == 0)
			return true;
		p += len;
	}
	return false;
}

static void check_xmm(const struct hinoki_bootinfo *bi)
{
	uint32_t bad = xmm_check_yields((uint8_t)(XMM_SEED_BASE + bi->domain_id), XMM_YIELDS);
	gprintf(TAG "xmm0-15 after %u yields: %s\n", XMM_YIELDS, bad ? "changed" : "kept");
	if (bad)
		fail("XMM registers changed across HC_YIELD (mask 0x%x)", bad);
}

static void check_syscall_msrs(const struct hinoki_bootinfo *bi)
{
	uint32_t bad = syscall_msrs_check_yields((uint8_t)(XMM_SEED_BASE + bi->domain_id), XMM_YIELDS);
	gprintf(TAG "syscall msrs after %u yields: %s\n", XMM_YIELDS, bad ? "changed" : "kept");
	if (bad)
		fail("SYSCALL/SWAPGS MSRs changed across HC_YIELD (mask 0x%x)", bad);
}

static void check_bss(void)
{
	for (size_t i = 0; i < sizeof bss_probe; i++) {
		if (bss_probe[i]) {
			fail("bss not zeroed: byte %zu is 0x%x", i, bss_probe[i]);
			return;
		}
	}
	gprintf(TAG "bss zeroed\n");
}

static void check_cpuid(const struct hinoki_bootinfo *bi, bool bi_ok)
{
	struct cpuid_regs r = cpuid(1, 0);
	unsigned vmx = !!(r.ecx & CPUID_1_ECX_VMX);
	gprintf(TAG "cpuid.1 vmx=%u\n", vmx);
	gprintf(TAG "cpuid.1 hypervisor-bit=%u\n", !!(r.ecx & CPUID_1_ECX_HYPERVISOR));
	if (vmx)
		fail("VMX visible in CPUID.1:ECX");

	r = cpuid(HINOKI_CPUID_BASE, 0);
	char sig[CPUID_SIG_LEN + 1];
	/* The signature reads EBX, ECX, EDX in that order, as vendor strings do. */
	memcpy(sig, &r.ebx, sizeof r.ebx);
	memcpy(sig + 4, &r.ecx, sizeof r.ecx);
	memcpy(sig + 8, &r.edx, sizeof r.edx);
	for (int i = 0; i < CPUID_SIG_LEN; i++)
		if (sig[i] < ' ' || sig[i] > '~')
			sig[i] = '.';
	sig[CPUID_SIG_LEN] = '\0';
	gprintf(TAG "hypervisor '%s' max leaf 0x%x\n", sig, r.eax);
	if (memcmp(sig, HINOKI_CPUID_SIGNATURE, CPUID_SIG_LEN) != 0)
		fail("CPUID 0x%x signature '%s', expected '%s'", HINOKI_CPUID_BASE, sig,
		     HINOKI_CPUID_SIGNATURE);
	if (r.eax != HINOKI_CPUID_MAX_LEAF) {
		fail("CPUID 0x%x max leaf 0x%x, expected 0x%x", HINOKI_CPUID_BASE, r.eax,
		     HINOKI_CPUID_MAX_LEAF);
		return;
	}

	r = cpuid(HINOKI_CPUID_BASE + 1, 0);
	gprintf(TAG "cpuid.0x%x version %u.%u domain %u\n", HINOKI_CPUID_BASE + 1,
	        r.eax >> 16, r.eax & 0xffff, r.ebx);
	if (r.eax != HINOKI_VERSION)
		fail("CPUID 0x%x version 0x%x", HINOKI_CPUID_BASE + 1, r.eax);
	if (bi_ok && r.ebx != bi->domain_id)
		fail("CPUID 0x%x domain %u, bootinfo says %u", HINOKI_CPUID_BASE + 1, r.ebx,
		     bi->domain_id);
}

static void expect_hc(const char *what, long got, long want)
{
	gprintf(TAG "hc %s -> %ld\n", what, got);
	if (got != want)
		fail("hc %s returned %ld, expected %ld", what, got, want);
}

static void check_hypercalls(const struct hinoki_bootinfo *bi, bool bi_ok)
{
	long v = hc_version();
	gprintf(TAG "hc version %ld.%ld\n", v >> 16, v & 0xffff);
	if (v != HINOKI_VERSION)
		fail("HC_VERSION returned 0x%lx", v);

	long id = hc_domain_id();
	gprintf(TAG "hc domain id %ld\n", id);
	if (bi_ok && id != (long)bi->domain_id)
		fail("HC_DOMAIN_ID returned %ld, bootinfo says %u", id, bi->domain_id);

	expect_hc("null", hc_null(), 0);
	expect_hc("yield", hc_yield(), 0);
	expect_hc("999 (unknown)", hc_call(UNKNOWN_HYPERCALL, 0, 0, 0, 0), -HC_ENOSYS);

	static const char msg[] = "hello: console put through the hypervisor\n";
	expect_hc("console put", hc_console_put(msg, sizeof msg - 1), sizeof msg - 1);
	expect_hc("console put bad address", hc_console_put((const void *)UNMAPPED_GPA, 16),
	          -HC_EFAULT);
	/* A buffer that starts in RAM but runs past its end is as bad as one outside. */
	if (bi_ok)
		expect_hc("console put across end of RAM",
		          hc_console_put((const void *)(uintptr_t)(bi->mem_bytes - 4), 16),
		          -HC_EFAULT);
}

static void check_ports(void)
{
	outb(0, UNKNOWN_PORT);   /* writes to nothing are dropped */
	uint8_t v = inb(UNKNOWN_PORT);
	gprintf(TAG "inb(0x%x) = 0x%x\n", UNKNOWN_PORT, v);
	if (v != UNKNOWN_PORT_VALUE)
		fail("unknown port 0x%x read 0x%x, expected 0x%x", UNKNOWN_PORT, v,
		     UNKNOWN_PORT_VALUE);

	outb(SCRATCH_PATTERN, COM1_SCR);
	v = inb(COM1_SCR);
	gprintf(TAG "uart scratch 0x%x\n", v);
	if (v != SCRATCH_PATTERN)
		fail("UART scratch register read 0x%x after writing 0x%x", v, SCRATCH_PATTERN);
}

int guest_main(const struct hinoki_bootinfo *bi)
{
	serial_init();
	gprintf(TAG "started\n");

	bool bi_ok = check_bootinfo(bi);
	if (bi_ok && cmdline_has(bi, "xmm")) {
		check_xmm(bi);
		check_syscall_msrs(bi);
	}
	check_bss();
	check_cpuid(bi, bi_ok);
	check_hypercalls(bi, bi_ok);
	check_ports();

	int code = check_summary(TAG);
	gprintf(TAG "exit code %d\n", code);
	return code;
}
