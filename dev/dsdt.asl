/*
 * Hinoki's DSDT, compiled by iasl at build time into the bytes
 * dev/acpi_tables.c copies into every domain (docs/platform.md, "ACPI
 * tables"). It names only what the platform has: the S5 sleep type the
 * sleep control register (dev/acpi_sleep.c) powers off on, and the ISA
 * devices a guest cannot probe for safely, COM1 and the CMOS RTC, with
 * their ports and ISA IRQs. The platform is hardware-reduced ACPI, so
 * there is no SCI, no GPE block and no \_PIC method.
 */
DefinitionBlock ("", "DSDT", 2, "HINOKI", "HINOKIVM", 1)
{
    /*
     * S5 (soft off): SLP_TYP 5 for the sleep control register; the second
     * value would be PM1b's and is unused on a hardware-reduced platform.
     * Keep in step with ACPI_SLEEP_SLP_TYP_S5 (dev/acpi_sleep.h).
     */
    Name (\_S5, Package (0x04) { 0x05, 0x00, 0x00, 0x00 })

    Scope (\_SB)
    {
        Device (COM1)
        {
            Name (_HID, EisaId ("PNP0501"))     /* 16550A-compatible UART */
            Name (_UID, 1)
            Name (_CRS, ResourceTemplate ()
            {
                IO (Decode16, 0x03F8, 0x03F8, 0x01, 0x08)
                IRQNoFlags () { 4 }
            })
        }

        Device (RTC)
        {
            Name (_HID, EisaId ("PNP0B00"))     /* AT real-time clock, CMOS */
            Name (_CRS, ResourceTemplate ()
            {
                IO (Decode16, 0x0070, 0x0070, 0x01, 0x02)
                IRQNoFlags () { 8 }
            })
        }
    }
}
