/*
 * The legacy VGA resources a PC reserves whether or not a VGA adapter is
 * present: the I/O ports of the monochrome and colour register sets and the
 * frame-buffer window below 1 MiB (IBM VGA Technical Reference).
 */
#ifndef HW_VGA_H
#define HW_VGA_H

#define VGA_PORT_FIRST     0x3b0u   /* monochrome CRTC and status, attribute, sequencer, DAC, colour CRTC */
#define VGA_PORT_LAST      0x3dfu
#define VGA_WINDOW_BASE    0xa0000ULL
#define VGA_WINDOW_SIZE    0x20000ULL   /* 0xa0000-0xbffff: graphics, monochrome and colour text */

#endif
