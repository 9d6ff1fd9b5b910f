/* The boot volume and whole files from its \hinoki\ folder (boot/efi_file.c). */
#ifndef BOOT_EFI_FILE_H
#define BOOT_EFI_FILE_H

#include <efi.h>
#include "config/config.h"

/* The root of the volume image was loaded from; NULL with *why saying why. */
EFI_FILE_HANDLE boot_open_volume(EFI_HANDLE image, const char **why);

/*
 * Read \hinoki\NAME ('/' separates folders too) into loader-data pages,
 * which survive ExitBootServices, NUL-terminated. f->data is NULL on failure,
 * with f->error saying why.
 */
void boot_read_file(EFI_FILE_HANDLE root, const char *name, struct loaded_file *f);

#endif
