/*
 * The volume a UEFI application was loaded from, and the files a config
 * names, read from its \hinoki\ folder while boot services run: shared by
 * the hypervisor (boot/efi_main.c) and the boot benchmark's native loader
 * (tools/bench/native_linux.c).
 */
#include <efi.h>
#include <efilib.h>
#include "boot/efi_file.h"
#include "lib/fmt.h"

#define CONFIG_DIR   "\\hinoki\\"
#define PATH_MAX16   192

/* "\hinoki\" + name, with '/' as a separator too; 0 or -1 if too long. */
static int make_path(CHAR16 *out, const char *name)
{
	size_t n = 0;
	for (const char *p = CONFIG_DIR; *p; p++)
		out[n++] = (CHAR16)*p;
	for (const char *p = name; *p; p++) {
		if (n + 1 >= PATH_MAX16)
			return -1;
		out[n++] = *p == '/' ? L'\\' : (CHAR16)(unsigned char)*p;
	}
	out[n] = 0;
	return 0;
}

EFI_FILE_HANDLE boot_open_volume(EFI_HANDLE image, const char **why)
{
	EFI_LOADED_IMAGE *li = 0;
	if (EFI_ERROR(BS->HandleProtocol(image, &LoadedImageProtocol, (void **)&li)) || !li) {
		*why = "cannot find the loaded image protocol";
		return 0;
	}
	EFI_FILE_HANDLE root = LibOpenRoot(li->DeviceHandle);
	if (!root)
		*why = "cannot open the boot volume";
	return root;
}

/* Read a whole file into loader-data pages, which survive ExitBootServices. */
void boot_read_file(EFI_FILE_HANDLE root, const char *name, struct loaded_file *f)
{
	CHAR16 path[PATH_MAX16];
	EFI_FILE_HANDLE fh;
	EFI_STATUS st;

	f->data = 0;
	if (make_path(path, name)) {
		fmt_snprintf(f->error, sizeof f->error, "path too long");
		return;
	}
	st = root->Open(root, &fh, path, EFI_FILE_MODE_READ, 0);
	if (EFI_ERROR(st)) {
		fmt_snprintf(f->error, sizeof f->error, "cannot open %s%s (EFI status 0x%lx)", CONFIG_DIR, name, st);
		return;
	}
	EFI_FILE_INFO *info = LibFileInfo(fh);
	if (!info) {
		fmt_snprintf(f->error, sizeof f->error, "cannot stat %s%s", CONFIG_DIR, name);
		fh->Close(fh);
		return;
	}
	UINTN size = info->FileSize;
	FreePool(info);
	EFI_PHYSICAL_ADDRESS addr = 0;
	st = BS->AllocatePages(AllocateAnyPages, EfiLoaderData, EFI_SIZE_TO_PAGES(size + 1), &addr);
	if (EFI_ERROR(st)) {
		fmt_snprintf(f->error, sizeof f->error, "no memory for %s%s (%lu bytes)", CONFIG_DIR, name, size);
		fh->Close(fh);
		return;
	}
	UINTN got = size;
	st = fh->Read(fh, &got, (void *)(uintptr_t)addr);
	fh->Close(fh);
	if (EFI_ERROR(st) || got != size) {
		fmt_snprintf(f->error, sizeof f->error, "read error on %s%s", CONFIG_DIR, name);
		return;
	}
	((char *)(uintptr_t)addr)[size] = 0;
	f->data = (const void *)(uintptr_t)addr;
	f->len = size;
}
