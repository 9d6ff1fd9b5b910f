/*
 * The screen console's framebuffer: the UEFI Graphics Output Protocol's
 * current mode, recorded while boot services last. The framebuffer stays
 * where the firmware put it after ExitBootServices (the GOP's contract), so
 * the hypervisor keeps drawing there.
 */
#include <efi.h>
#include <efilib.h>
#include "boot/screen.h"

#define WHITE_8BIT 0x00ffffffu   /* both 8-bit-per-colour layouts: red, green, blue all full */

int boot_screen_find(struct fb_info *fb)
{
	EFI_GUID guid = EFI_GRAPHICS_OUTPUT_PROTOCOL_GUID;
	EFI_GRAPHICS_OUTPUT_PROTOCOL *gop = 0;
	if (EFI_ERROR(BS->LocateProtocol(&guid, 0, (void **)&gop)) || !gop || !gop->Mode || !gop->Mode->Info)
		return -1;
	const EFI_GRAPHICS_OUTPUT_MODE_INFORMATION *info = gop->Mode->Info;
	uint32_t white;
	switch (info->PixelFormat) {
	case PixelRedGreenBlueReserved8BitPerColor:
	case PixelBlueGreenRedReserved8BitPerColor:
		white = WHITE_8BIT;
		break;
	case PixelBitMask:
		white = info->PixelInformation.RedMask | info->PixelInformation.GreenMask |
		        info->PixelInformation.BlueMask;
		break;
	default:
		return -1;   /* PixelBltOnly: no framebuffer to write after boot services */
	}
	*fb = (struct fb_info){ .base = gop->Mode->FrameBufferBase, .size = gop->Mode->FrameBufferSize,
	                        .width = info->HorizontalResolution, .height = info->VerticalResolution,
	                        .stride = info->PixelsPerScanLine, .fg = white, .bg = 0 };
	return 0;
}
