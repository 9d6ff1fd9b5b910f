/*
 * Cases that end the domain, one domain each (docs/platform.md: any
 * guest-physical address outside RAM that no device claims stops the
 * domain with an EPT violation; a reset through RST_CNT ends or restarts
 * it as on_reboot says; a triple fault stops it; so does ACPI S3 with no
 * wake event enabled, a sleep nothing could end). The test checks the
 * reason the hypervisor gives; here, coming back is the failure.
 */
#include "attack.h"
#include "hw/acpi.h"
#include "hw/pc_devices.h"
#include "hw/reset_control.h"


static void read_at(uint64_t gpa)
{
	(void)*(volatile uint32_t *)(uintptr_t)gpa;
}

static void past_ram_read(const void *arg, struct verdict *v)
{
	(void)arg, (void)v;
	read_at(guest_bootinfo->mem_bytes);
}

static void past_ram_fetch(const void *arg, struct verdict *v)
{
	(void)arg, (void)v;
	((void (*)(void))(uintptr_t)guest_bootinfo->mem_bytes)();
}

static void hpet_read(const void *arg, struct verdict *v)
{
	(void)arg, (void)v;
	read_at(HPET_BASE);
}

static void firmware_read(const void *arg, struct verdict *v)
{
	(void)arg, (void)v;
	read_at(FIRMWARE_FLASH_BASE);
}

static void full_reset(const void *arg, struct verdict *v)
{
	(void)arg, (void)v;
	outb(RST_CNT_COLD_RESET | RST_CNT_FULL_RST, RST_CNT_PORT);
}

/*
 * PM1_EN as the platform starts it, RTC_EN clear: S3 (SLP_TYP 1, the
 * DSDT's \_S3) with no alarm to wake it sleeps until its power button.
 */
static void sleep_until_button(const void *arg, struct verdict *v)
{
	(void)arg, (void)v;
	outw(PM1_CNT_SLP_EN | 1u << PM1_CNT_SLP_TYP_SHIFT, PIIX4_PM1A_CNT);
}

/* No IDT at all: the #UD cannot be delivered, nor the #DF after it. */
static void triple_fault(const void *arg, struct verdict *v)
{
	(void)arg, (void)v;
	struct __attribute__((packed)) { uint16_t limit; uint64_t base; } none = { 0, 0 };
	__asm__ volatile("lidt %0; ud2" : : "m"(none));
}

const struct attack_case end_cases[] = {
	{ "read just past RAM", past_ram_read, 0, "EPT violation: read" },
	{ "instruction fetch just past RAM", past_ram_fetch, 0, "EPT violation: instruction fetch" },
	{ "read HPET at 0xfed00000", hpet_read, 0, "EPT violation: read" },
	{ "read firmware at 0xffe00000", firmware_read, 0, "EPT violation: read" },
	{ "full reset through 0xcf9", full_reset, 0, "reset through port 0xcf9" },
	{ "triple fault", triple_fault, 0, "triple fault" },
	{ "ACPI S3 with no wake event enabled", sleep_until_button, 0, "asleep until its power button" },
};
const unsigned end_case_count = sizeof end_cases / sizeof end_cases[0];
