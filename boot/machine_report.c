/*
 * The machine report, printed once at start while boot services last: what a
 * user needs to tell why Hinoki does or does not run on a board (the CPU and
 * its microcode, memory, processors and firmware), before any VT-x check can
 * end the boot. The VT-x line follows from vmx_caps_report() once the
 * controls are negotiated.
 */
#include <efi.h>
#include <efilib.h>
#include "boot/machine_report.h"
#include "hw/cpuid.h"
#include "hw/msr.h"
#include "lib/log.h"
#include "lib/string.h"
#include "lib/x86.h"

#define MIB (1024 * 1024)
#define BRAND_LEAF_FIRST 0x80000002u   /* three leaves of 16 bytes each: the brand string */
#define BRAND_LEAVES     3

static void report_cpu(void)
{
	uint32_t a, b, c, d;
	char vendor[13];
	cpuid(CPUID_LEAF_BASIC_MAX, 0, &a, &b, &c, &d);
	memcpy(vendor, &b, 4);
	memcpy(vendor + 4, &d, 4);
	memcpy(vendor + 8, &c, 4);
	vendor[12] = 0;

	cpuid(CPUID_LEAF_FEATURES, 0, &a, &b, &c, &d);
	/* SDM "CPUID—CPU Identification", leaf 1 EAX: the extended fields count for families 6 and 15 only. */
	unsigned family = (a >> 8) & 0xf, model = (a >> 4) & 0xf, stepping = a & 0xf;
	if (family == 0xf)
		family += (a >> 20) & 0xff;
	if (family == 0x6 || family >= 0xf)
		model |= ((a >> 16) & 0xf) << 4;

	char brand[BRAND_LEAVES * 16 + 1] = "";
	cpuid(CPUID_LEAF_EXT_MAX, 0, &a, &b, &c, &d);
	if (a >= BRAND_LEAF_FIRST + BRAND_LEAVES - 1) {
		for (unsigned i = 0; i < BRAND_LEAVES; i++) {
			uint32_t r[4];
			cpuid(BRAND_LEAF_FIRST + i, 0, &r[0], &r[1], &r[2], &r[3]);
			memcpy(brand + 16 * i, r, 16);
		}
		brand[sizeof brand - 1] = 0;
	}
	const char *name = brand;
	while (*name == ' ')
		name++;

	/*
	 * SDM "Microcode Update Facilities": write 0 to IA32_BIOS_SIGN_ID, run
	 * CPUID(1), and bits 63:32 hold the revision. Other vendors give this
	 * MSR other meanings, so only Intel's is read.
	 */
	if (!strcmp(vendor, "GenuineIntel")) {
		wrmsr(MSR_IA32_BIOS_SIGN_ID, 0);
		cpuid(CPUID_LEAF_FEATURES, 0, &a, &b, &c, &d);
		uint32_t ucode = (uint32_t)(rdmsr(MSR_IA32_BIOS_SIGN_ID) >> 32);
		log_info("CPU: %s family 0x%x model 0x%x stepping %u, microcode 0x%x%s%s\n", vendor, family, model,
		         stepping, ucode, *name ? ", " : "", name);
	} else {
		log_info("CPU: %s family 0x%x model 0x%x stepping %u, microcode not read (not an Intel CPU)%s%s\n",
		         vendor, family, model, stepping, *name ? ", " : "", name);
	}
}

/* Free memory is what the hypervisor will take at ExitBootServices; the rest is the firmware's or devices'. */
static void report_memory(void)
{
	UINTN entries, key, dsize;
	UINT32 dver;
	EFI_MEMORY_DESCRIPTOR *map = LibMemoryMap(&entries, &key, &dsize, &dver);
	if (!map) {
		log_info("memory: the firmware gave no memory map\n");
		return;
	}
	uint64_t free_pages = 0, boot_pages = 0, runtime_pages = 0, acpi_pages = 0, other_pages = 0, top = 0;
	for (UINTN i = 0; i < entries; i++) {
		const EFI_MEMORY_DESCRIPTOR *m = (const void *)((const char *)map + i * dsize);
		uint64_t end = m->PhysicalStart + m->NumberOfPages * EFI_PAGE_SIZE;
		if (m->Type != EfiMemoryMappedIO && m->Type != EfiMemoryMappedIOPortSpace && end > top)
			top = end;
		switch (m->Type) {
		case EfiConventionalMemory:
			free_pages += m->NumberOfPages;
			break;
		case EfiLoaderCode: case EfiLoaderData: case EfiBootServicesCode: case EfiBootServicesData:
			boot_pages += m->NumberOfPages;
			break;
		case EfiRuntimeServicesCode: case EfiRuntimeServicesData:
			runtime_pages += m->NumberOfPages;
			break;
		case EfiACPIReclaimMemory: case EfiACPIMemoryNVS:
			acpi_pages += m->NumberOfPages;
			break;
		case EfiMemoryMappedIO: case EfiMemoryMappedIOPortSpace:
			break;
		default:
			other_pages += m->NumberOfPages;
			break;
		}
	}
	FreePool(map);
	uint64_t per_mib = MIB / EFI_PAGE_SIZE;
	log_info("memory: %lu entries, RAM up to 0x%lx; free %lu MiB, boot-time %lu MiB, runtime %lu MiB, "
	         "ACPI %lu MiB, reserved %lu MiB\n", (uint64_t)entries, top, free_pages / per_mib,
	         boot_pages / per_mib, runtime_pages / per_mib, acpi_pages / per_mib, other_pages / per_mib);
}

static void report_firmware(void)
{
	char vendor[64];
	size_t n = 0;
	for (const CHAR16 *p = ST->FirmwareVendor; p && *p && n + 1 < sizeof vendor; p++)
		vendor[n++] = *p >= 0x20 && *p < 0x7f ? (char)*p : '?';
	vendor[n] = 0;
	uint32_t uefi = ST->Hdr.Revision;
	log_info("firmware: %s revision 0x%x, UEFI %u.%u\n", n ? vendor : "(unnamed)", ST->FirmwareRevision,
	         uefi >> 16, (uefi & 0xffff) / 10);
}

void machine_report(const struct firmware_cpus *fc)
{
	report_cpu();
	report_memory();
	if (fc->count)
		log_info("CPUs: %u enabled per the firmware%s\n", fc->listed,
		         fc->listed > fc->count ? " (more than Hinoki uses)" : "");
	else
		log_info("CPUs: the firmware lists none (no MP services); the ACPI MADT is read later\n");
	report_firmware();
}
