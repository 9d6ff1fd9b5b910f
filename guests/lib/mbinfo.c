/* The Multiboot magic and command line, as the 32-bit test kernels read them (mbinfo.h). */
#include "check.h"
#include "fmt.h"
#include "mbinfo.h"

const char *mb_cmdline(const char *tag, uint32_t magic, const struct mb_info *mbi)
{
	const char *cl = "";
	if (magic != MB_BOOTLOADER_MAGIC)
		check_fail(tag, "magic 0x%x, expected 0x%x", magic, MB_BOOTLOADER_MAGIC);
	else if (mbi->flags & MB_INFO_CMDLINE)
		cl = (const char *)(uintptr_t)mbi->cmdline;
	gprintf("%scmdline '%s'\n", tag, cl);
	return cl;
}
