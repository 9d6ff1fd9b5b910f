/*
 * Hinoki's DSDT, compiled by iasl at build time into the bytes
 * dev/acpi_tables.c copies into every domain (docs/platform.md, "ACPI
 * tables"). It names only what the platform has: the sleep types of S3
 * and S5 that PM1_CNT (dev/acpi_pm.c) acts on, and the ISA devices a
 * guest cannot probe for safely, COM1 and the CMOS RTC, with their ports
 * and ISA IRQs. There is no GPE block, so no \_GPE scope, and no \_PIC
 * method: no interrupt routing changes with the mode the OS picks.
 */
DefinitionBlock ("", "DSDT", 2, "HINOKI", "HINOKIVM", 1)
{
    /*
     * S3 (suspend to RAM) and S5 (soft off): SLP_TYP for PM1a_CNT, then
     * for PM1b_CNT, which the platform has not. PIIX4's values; keep in
     * step with ACPI_PM_SLP_TYP_S3 and _S5 (dev/acpi_pm.h).
     */
    Name (\_S3, Package (0x04) { 0x01, 0x01, 0x00, 0x00 })
    Name (\_S5, Package (0x04) { 0x00, 0x00, 0x00, 0x00 })

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
