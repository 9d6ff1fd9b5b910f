/*
 * memcheck: a guest that watches its own RAM while other domains run. It
 * fills everything between the end of its image and the top of RAM (less a
 * margin; nothing below 1 MiB, where the boot structures and stack live)
 * with a pattern made from each word's address and the domain id, so that
 * another domain's pattern, a shifted mapping or a stray write all show.
 * Then, `rounds=N` times (default 20), it re-reads it all, yielding every
 * chunk so the other domains run meanwhile, and prints
 * "memcheck: round R ok" or "memcheck: CORRUPTED at 0x..." and a
 * "round R FAILED: N words differ (M bytes)" line, M the bytes that changed.
 * Exit code 0 only if every round passed.
 */
#include "guest.h"
#include "cmdline.h"
#include "hc_ctl.h"

#define TAG "memcheck: "

#define KIB              1024ULL
#define MIB              (1024ULL * KIB)
#define PAGE_SIZE        (4 * KIB)
#define TOP_MARGIN       (64 * KIB)     /* left alone below the end of RAM */
#define CHUNK_BYTES      (256 * KIB)    /* yield after each chunk */
#define DEFAULT_ROUNDS   20
#define MAX_REPORTS      4              /* corrupted words printed per round */

/* An odd multiplier (2^64 / golden ratio) makes the pattern a bijection of the address. */
#define PATTERN_MUL      0x9e3779b97f4a7c15ULL
#define DOMAIN_SALT      0x5a5a000000000000ULL
#define CHECKSUM_MUL     1099511628211ULL  /* the 64-bit FNV prime */

static uint64_t salt;

static inline uint64_t pattern(uint64_t addr)
{
	return (addr ^ salt) * PATTERN_MUL;
}

static inline uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

static inline uint64_t align_down(uint64_t v, uint64_t a)
{
	return v & ~(a - 1);
}

/* Fills [start, end) and returns its checksum. */
static uint64_t fill(uint64_t start, uint64_t end)
{
	uint64_t sum = 0;
	for (uint64_t chunk = start; chunk < end; chunk += CHUNK_BYTES) {
		uint64_t stop = chunk + CHUNK_BYTES < end ? chunk + CHUNK_BYTES : end;
		for (uint64_t a = chunk; a < stop; a += sizeof(uint64_t)) {
			uint64_t v = pattern(a);
			*(volatile uint64_t *)(uintptr_t)a = v;
			sum = sum * CHECKSUM_MUL + v;
		}
		hc_yield();
	}
	return sum;
}

static unsigned bytes_differing(uint64_t a, uint64_t b)
{
	unsigned n = 0;
	for (uint64_t x = a ^ b; x; x >>= 8)
		n += (x & 0xff) != 0;
	return n;
}

/* Re-reads [start, end); returns the number of words that differ, and in *bytes_out the bytes. */
static uint64_t verify(uint64_t start, uint64_t end, uint64_t *sum_out, uint64_t *bytes_out)
{
	uint64_t sum = 0, bad = 0, bytes = 0;
	for (uint64_t chunk = start; chunk < end; chunk += CHUNK_BYTES) {
		uint64_t stop = chunk + CHUNK_BYTES < end ? chunk + CHUNK_BYTES : end;
		for (uint64_t a = chunk; a < stop; a += sizeof(uint64_t)) {
			uint64_t v = *(volatile uint64_t *)(uintptr_t)a;
			uint64_t want = pattern(a);
			sum = sum * CHECKSUM_MUL + v;
			if (v != want)
				bytes += bytes_differing(v, want);
			if (v != want && bad++ < MAX_REPORTS)
				gprintf(TAG "CORRUPTED at 0x%llx: read 0x%llx, expected 0x%llx\n",
				        (unsigned long long)a, (unsigned long long)v,
				        (unsigned long long)want);
		}
		hc_yield();
	}
	*sum_out = sum;
	*bytes_out = bytes;
	return bad;
}

int guest_main(const struct hinoki_bootinfo *bi)
{
	extern char __image_end[];

	serial_init();
	if (bi->magic != HINOKI_BOOT_MAGIC || bi->version != HINOKI_BOOT_VERSION) {
		gprintf(TAG "CHECK FAILED: bad boot information\n");
		return 1;
	}
	uint64_t rounds = DEFAULT_ROUNDS;
	cmdline_u64(bi, "rounds", &rounds);
	if (rounds == 0)
		rounds = DEFAULT_ROUNDS;
	salt = DOMAIN_SALT ^ ((uint64_t)bi->domain_id << 32) ^ bi->domain_id;

	uint64_t start = align_up((uintptr_t)__image_end, PAGE_SIZE);
	if (start < HINOKI_GUEST_LOAD_MIN)
		start = HINOKI_GUEST_LOAD_MIN;
	uint64_t end = bi->mem_bytes > TOP_MARGIN ? align_down(bi->mem_bytes - TOP_MARGIN, PAGE_SIZE) : 0;
	/* A ramdisk above the image is the loader's; stop below it. */
	if (bi->ramdisk_size && bi->ramdisk_gpa >= start && bi->ramdisk_gpa < end)
		end = align_down(bi->ramdisk_gpa, PAGE_SIZE);
	if (end <= start) {
		gprintf(TAG "CHECK FAILED: no RAM to check above the image (image end 0x%llx, RAM 0x%llx)\n",
		        (unsigned long long)start, (unsigned long long)bi->mem_bytes);
		return 1;
	}

	gprintf(TAG "domain %u checks 0x%llx-0x%llx (%llu KiB), %llu rounds\n", bi->domain_id,
	        (unsigned long long)start, (unsigned long long)end,
	        (unsigned long long)((end - start) / KIB), (unsigned long long)rounds);
	uint64_t want_sum = fill(start, end);
	gprintf(TAG "filled, checksum 0x%llx\n", (unsigned long long)want_sum);

	for (uint64_t r = 1; r <= rounds; r++) {
		uint64_t sum, bytes;
		uint64_t bad = verify(start, end, &sum, &bytes);
		if (bad || sum != want_sum) {
			gprintf(TAG "round %llu FAILED: %llu words differ (%llu bytes), checksum 0x%llx, expected 0x%llx\n",
			        (unsigned long long)r, (unsigned long long)bad, (unsigned long long)bytes,
			        (unsigned long long)sum, (unsigned long long)want_sum);
			gprintf(TAG "exit code 1\n");
			return 1;
		}
		gprintf(TAG "round %llu ok\n", (unsigned long long)r);
	}
	gprintf(TAG "all %llu rounds passed\n", (unsigned long long)rounds);
	gprintf(TAG "exit code 0\n");
	return 0;
}
