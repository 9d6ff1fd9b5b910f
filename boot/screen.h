/* The framebuffer the screen console draws on, found through UEFI while boot services last. */
#ifndef BOOT_SCREEN_H
#define BOOT_SCREEN_H

#include "lib/fbcon.h"

/* Fill *fb from the GOP's current mode: 0, or -1 when there is no GOP or no linear framebuffer. */
int boot_screen_find(struct fb_info *fb);

#endif
