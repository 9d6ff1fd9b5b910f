/*
 * QEMU's firmware configuration device (fw_cfg) as guests on a PC expect it:
 * the I/O ports, the item keys and the ID bits, named as QEMU's
 * docs/specs/fw_cfg.rst names them. Only the traditional interface (selector
 * and data port) is described; the DMA interface is not offered.
 */
#ifndef HW_FW_CFG_H
#define HW_FW_CFG_H

#define FW_CFG_PORT_SEL     0x510  /* 16-bit write: select an item, rewind its offset */
#define FW_CFG_PORT_DATA    0x511  /* 8-bit read: the next byte of the selected item */
#define FW_CFG_PORTS        2      /* the selector/data pair */

#define FW_CFG_SIGNATURE_STR "QEMU"
#define FW_CFG_SIGNATURE_LEN 4

/* Item keys (selector values). */
enum fw_cfg_key {
	FW_CFG_SIGNATURE = 0x00,   /* "QEMU" */
	FW_CFG_ID        = 0x01,   /* u32 little-endian: FW_CFG_VERSION* bits */
	FW_CFG_UUID      = 0x02,
	FW_CFG_RAM_SIZE  = 0x03,   /* u64 little-endian, bytes */
	FW_CFG_NOGRAPHIC = 0x04,
	FW_CFG_NB_CPUS   = 0x05,   /* u16 little-endian: CPUs present at boot */
	FW_CFG_MACHINE_ID = 0x06,
	FW_CFG_MAX_CPUS  = 0x0f,   /* u16 little-endian: CPUs the machine may have */
	FW_CFG_FILE_DIR  = 0x19,   /* u32 big-endian count, then file entries */
};

/* Selector bits above the key number. */
#define FW_CFG_WRITE_CHANNEL 0x4000
#define FW_CFG_ARCH_LOCAL    0x8000

/* FW_CFG_ID bits. */
#define FW_CFG_VERSION       0x01  /* the traditional interface */
#define FW_CFG_VERSION_DMA   0x02  /* the DMA interface */

#endif
