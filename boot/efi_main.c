/*
 * The UEFI phase: bring up the consoles (the serial line if a UART answers,
 * else the screen), print the machine report, read \hinoki\hinoki.cfg and every
 * file it names from the boot volume, check that VT-x is usable (while a
 * failure can still return to the firmware), calibrate the TSC, read the
 * firmware's clock for the guests' RTCs, note where the ACPI tables are,
 * take the memory map and leave boot services.
 */
#include <efi.h>
#include <efilib.h>
#include "boot/boot.h"
#include "boot/efi_file.h"
#include "boot/kept_log.h"
#include "boot/machine_report.h"
#include "boot/screen.h"
#include "cpu/power.h"
#include "dev/rtc.h"
#include "dev/rtc_date.h"
#include "hinoki/hypercall.h"
#include "lib/fmt.h"
#include "lib/log.h"
#include "lib/serial.h"
#include "lib/string.h"
#include "lib/x86.h"
#include "vmx/caps.h"
#include "vmx/vmxon.h"

#define CONFIG_FILE  "hinoki.cfg"
#define EXIT_BS_TRIES 8
#define CALIBRATE_US 10000
#define MINUTES_PER_DAY 1440   /* the largest EFI_TIME.TimeZone */

static struct boot_handoff handoff;
static int uart_present;
static struct fbcon screen;
static int screen_on;

static void firmware_console(const char *s, size_t len)
{
	CHAR16 buf[130];
	size_t n = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n')
			buf[n++] = L'\r';
		buf[n++] = (CHAR16)(unsigned char)s[i];
		if (n >= 126 || i + 1 == len) {
			buf[n] = 0;
			ST->ConOut->OutputString(ST->ConOut, buf);
			n = 0;
		}
	}
}

/*
 * True when the firmware's ConOut includes a serial terminal (a UART node in
 * the ConOut variable's device paths), as in OVMF: then writing COM1 directly
 * as well would print every early line twice.
 */
static int firmware_console_on_serial(void)
{
	EFI_DEVICE_PATH *dp = LibGetVariable(L"ConOut", &EfiGlobalVariable);
	int found = 0;
	if (!dp)
		return 0;
	/* Instance ends (between the paths of a multi-instance list) are skipped like any node. */
	for (EFI_DEVICE_PATH *n = dp; !IsDevicePathEnd(n); n = NextDevicePathNode(n)) {
		if ((size_t)DevicePathNodeLength(n) < sizeof(EFI_DEVICE_PATH))
			break;   /* malformed: stop rather than loop */
		if (DevicePathType(n) == MESSAGING_DEVICE_PATH && DevicePathSubType(n) == MSG_UART_DP)
			found = 1;
	}
	FreePool(dp);
	return found;
}

static void report_config_error(void *ctx, const char *file, unsigned line, const char *msg)
{
	(void)ctx;
	log_info("config: %s:%u: %s\n", file, line, msg);
}

static EFI_STATUS fail(const char *why, EFI_STATUS status)
{
	log_info("fatal: %s\n", why);
	if (handoff.config.on_error == ON_ERROR_POWEROFF)
		power_off(POWER_FAILURE);
	log_info("returning to the firmware\n");
	serial_drain();
	return status;
}

/*
 * Read domain i's kernel or ramdisk, or share the copy of an earlier domain
 * that names the same file: the loaders only copy from it, so one copy in
 * memory serves every domain (and their restarts).
 */
static void read_domain_file(EFI_FILE_HANDLE root, unsigned i, enum domain_file which)
{
	struct loaded_file *files[] = { handoff.kernel, handoff.ramdisk };
	const struct domain_config *dc = &handoff.config.domains[i];
	const char *name = which == DOMAIN_FILE_KERNEL ? dc->kernel : dc->ramdisk;
	unsigned j;
	enum domain_file as;
	if (config_file_named_before(&handoff.config, i, which, &j, &as)) {
		files[which][i] = files[as][j];
		log_info("config: %s of domain %s: read once, shared with domain %s\n", name, dc->name,
		         handoff.config.domains[j].name);
		return;
	}
	boot_read_file(root, name, &files[which][i]);
}

static void calibrate_tsc(void)
{
	uint64_t t0 = rdtsc();
	BS->Stall(CALIBRATE_US);
	uint64_t t1 = rdtsc();
	handoff.tsc_per_us = (t1 - t0) / CALIBRATE_US;
	if (!handoff.tsc_per_us)
		handoff.tsc_per_us = 1;
}

/*
 * The firmware's clock as UTC seconds, with the TSC it was read at: every
 * domain's RTC runs on from it. UEFI defines TimeZone by
 * Localtime = UTC - TimeZone (minutes, at most a day either way); an
 * unspecified or out-of-range zone is taken as UTC, as firmware that keeps
 * the RTC in UTC reports it. Without a usable
 * clock the guests' RTCs start at a fixed date, and the log says so.
 */
static void read_wall_clock(void)
{
	EFI_TIME t;
	handoff.wall_tsc = rdtsc();
	handoff.wall_secs = RTC_FALLBACK_SECS;
	EFI_STATUS st = RT->GetTime(&t, 0);
	struct rtc_date d = { .year = t.Year, .month = t.Month, .day = t.Day,
	                      .hour = t.Hour, .minute = t.Minute, .second = t.Second };
	if (EFI_ERROR(st) || !rtc_date_valid(&d)) {
		log_info("wall clock: the firmware's GetTime %s; guests' RTCs start at 2000-01-01 00:00:00 UTC\n",
		         EFI_ERROR(st) ? "failed" : "gave no valid date");
		return;
	}
	int64_t zone = t.TimeZone >= -MINUTES_PER_DAY && t.TimeZone <= MINUTES_PER_DAY ? t.TimeZone : 0;
	handoff.wall_secs = rtc_date_to_secs(&d) + (uint64_t)(zone * 60);
	log_info("wall clock: %04u-%02u-%02u %02u:%02u:%02u%s from the firmware\n", d.year, d.month, d.day, d.hour,
	         d.minute, d.second, zone ? " local time" : " UTC");
}

/*
 * The RSDP from the EFI configuration table: the ACPI 2.0 entry (which leads
 * to the XSDT) when present, else the 1.0 one. 0 when there is neither.
 */
static uint64_t find_acpi_rsdp(void)
{
	EFI_GUID acpi20 = ACPI_20_TABLE_GUID, acpi10 = ACPI_TABLE_GUID;
	uint64_t v1 = 0;
	for (UINTN i = 0; i < ST->NumberOfTableEntries; i++) {
		EFI_CONFIGURATION_TABLE *t = &ST->ConfigurationTable[i];
		if (!CompareGuid(&t->VendorGuid, &acpi20))
			return (uint64_t)(uintptr_t)t->VendorTable;
		if (!CompareGuid(&t->VendorGuid, &acpi10))
			v1 = (uint64_t)(uintptr_t)t->VendorTable;
	}
	return v1;
}

/*
 * The PI specification's EFI_MP_SERVICES_PROTOCOL, as far as Hinoki calls it
 * (gnu-efi does not declare it). The list is the fallback for boot/smp.c when
 * the firmware publishes no usable ACPI tables (OVMF under Bochs: no fw_cfg).
 */
#define EFI_MP_SERVICES_PROTOCOL_GUID \
	{ 0x3fdda605, 0xa76e, 0x4f46, { 0xad, 0x29, 0x12, 0xf4, 0x53, 0x1b, 0x3d, 0x08 } }
#define PROCESSOR_AS_BSP_BIT  0x1
#define PROCESSOR_ENABLED_BIT 0x2

struct efi_processor_information {
	UINT64 processor_id;               /* the APIC id */
	UINT32 status_flag;
	UINT32 location[3];
	UINT32 extended[6];                /* PI 1.7 extended topology: room in case it is written */
};

struct efi_mp_services {
	EFI_STATUS (EFIAPI *get_number_of_processors)(struct efi_mp_services *self, UINTN *total, UINTN *enabled);
	EFI_STATUS (EFIAPI *get_processor_info)(struct efi_mp_services *self, UINTN n,
	                                        struct efi_processor_information *info);
};

/* The enabled CPUs in the firmware's order, the BSP kept when there are more than MAX_CPUS. */
static void list_firmware_cpus(struct firmware_cpus *fc)
{
	EFI_GUID guid = EFI_MP_SERVICES_PROTOCOL_GUID;
	struct efi_mp_services *mp = 0;
	UINTN total = 0, enabled = 0;
	if (EFI_ERROR(BS->LocateProtocol(&guid, 0, (void **)&mp)) || !mp ||
	    EFI_ERROR(mp->get_number_of_processors(mp, &total, &enabled)))
		return;
	for (UINTN i = 0; i < total; i++) {
		struct efi_processor_information info;
		if (EFI_ERROR(mp->get_processor_info(mp, i, &info)) || !(info.status_flag & PROCESSOR_ENABLED_BIT))
			continue;
		fc->listed++;
		if (fc->count < MAX_CPUS)
			fc->apic_id[fc->count++] = (uint32_t)info.processor_id;
		else if (info.status_flag & PROCESSOR_AS_BSP_BIT)
			fc->apic_id[MAX_CPUS - 1] = (uint32_t)info.processor_id;
	}
}

/* GetMemoryMap then ExitBootServices, again while the map key goes stale. */
static EFI_STATUS exit_boot_services(EFI_HANDLE image)
{
	UINTN size = 0, key, dsize;
	UINT32 dver;
	EFI_MEMORY_DESCRIPTOR *map = 0;
	EFI_STATUS st = BS->GetMemoryMap(&size, map, &key, &dsize, &dver);
	if (st != EFI_BUFFER_TOO_SMALL)
		return st;
	UINTN cap = size + 16 * dsize;   /* room for the allocation below and later changes */
	map = AllocatePool(cap);
	if (!map)
		return EFI_OUT_OF_RESOURCES;
	console_set_firmware_sink(0);
	console_set_serial(uart_present);
	for (int i = 0; i < EXIT_BS_TRIES; i++) {
		size = cap;
		st = BS->GetMemoryMap(&size, map, &key, &dsize, &dver);
		if (EFI_ERROR(st))
			return st;
		st = BS->ExitBootServices(image, key);
		if (st == EFI_SUCCESS) {
			handoff.memmap = map;
			handoff.memmap_size = size;
			handoff.desc_size = dsize;
			return EFI_SUCCESS;
		}
	}
	return st;
}

static void __attribute__((noreturn)) panic_power_off(void)
{
	power_off(POWER_FAILURE);
}

/*
 * Without a UART the log goes to the screen, drawn by Hinoki itself: the
 * firmware's text console would share the screen until ExitBootServices and
 * then stop, so it is dropped at once. With no linear framebuffer either,
 * only the firmware's console remains, until ExitBootServices.
 */
static void consoles_init(void)
{
	uart_present = serial_probe();
	if (uart_present)
		serial_init();
	console_set_firmware_sink(firmware_console);
	console_set_serial(uart_present && !firmware_console_on_serial());
	if (uart_present || boot_screen_find(&handoff.screen))
		return;
	if (fbcon_init(&screen, &handoff.screen)) {
		handoff.screen = (struct fb_info){ 0 };
		return;
	}
	screen_on = 1;
	console_set_firmware_sink(0);
	console_set_screen(&screen);
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
	log_set_panic_end(panic_power_off);
	InitializeLib(image, systab);
	consoles_init();
	power_set_runtime(systab->RuntimeServices);
	log_info("Hinoki %u.%u, a type-1 hypervisor for Intel VT-x\n", HINOKI_VERSION_MAJOR, HINOKI_VERSION_MINOR);
	if (screen_on)
		log_info("console: no UART answers at COM1; logging to the screen (%ux%u)\n", handoff.screen.width,
		         handoff.screen.height);
	kept_log_start();
	list_firmware_cpus(&handoff.fw_cpus);
	machine_report(&handoff.fw_cpus);

	const char *why;
	EFI_FILE_HANDLE root = boot_open_volume(image, &why);
	if (!root)
		return fail(why, EFI_NOT_FOUND);

	struct loaded_file cfg;
	boot_read_file(root, CONFIG_FILE, &cfg);
	if (!cfg.data)
		return fail(cfg.error, EFI_NOT_FOUND);
	int problems = config_parse(cfg.data, cfg.len, CONFIG_FILE, &handoff.config, report_config_error, 0);
	if (problems)
		log_info("config: %d problem(s) in %s\n", problems, CONFIG_FILE);
	const char *nothing = config_nothing_to_run(&handoff.config);
	if (nothing)
		return fail(nothing, EFI_INVALID_PARAMETER);

	const char *novmx = vmx_unavailable_reason();
	if (novmx)
		return fail(novmx, EFI_UNSUPPORTED);
	if (vmx_caps_negotiate())
		return fail("VT-x lacks features Hinoki requires (listed above)", EFI_UNSUPPORTED);
	vmx_caps_report();

	for (unsigned i = 0; i < handoff.config.ndomains; i++) {
		const struct domain_config *dc = &handoff.config.domains[i];
		if (!dc->valid)
			continue;
		read_domain_file(root, i, DOMAIN_FILE_KERNEL);
		if (dc->ramdisk[0])
			read_domain_file(root, i, DOMAIN_FILE_RAMDISK);
	}
	calibrate_tsc();
	read_wall_clock();
	handoff.acpi_rsdp = find_acpi_rsdp();
	log_info("TSC: %lu cycles per microsecond; leaving boot services\n", handoff.tsc_per_us);

	EFI_STATUS st = exit_boot_services(image);
	if (EFI_ERROR(st)) {
		if (!screen_on)
			console_set_firmware_sink(firmware_console);
		return fail("ExitBootServices failed", st);
	}
	hv_start(&handoff);
}
