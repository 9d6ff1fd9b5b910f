/*
 * x86 instruction encoding: the prefixes, opcodes and ModRM/SIB fields the
 * MMIO decoder understands (Intel SDM vol. 2, "Instruction Format" and the
 * opcode map). Names only, no policy.
 */
#ifndef HW_X86_INSN_H
#define HW_X86_INSN_H

#ifndef BIT
#define BIT(n)   (1ULL << (n))
#endif

#include <stdint.h>

/* All ones in the low `bytes` bytes (1 to 8): an operand or address width. */
static inline uint64_t x86_width_mask(unsigned bytes)
{
	return ~0ULL >> (64 - 8 * bytes);
}

/*
 * A general register written at a width: a 32-bit write zero-extends into
 * the whole register, 8- and 16-bit writes keep the bits above.
 */
static inline uint64_t x86_reg_write(uint64_t old, uint64_t val, unsigned bytes)
{
	uint64_t mask = x86_width_mask(bytes);
	return bytes == 4 ? val & mask : (old & ~mask) | (val & mask);
}

/* The architectural limit on one instruction's length. */
#define X86_MAX_INSN_LEN     15

/* ---- legacy prefixes ------------------------------------------------------ */
#define X86_PREFIX_OPSIZE    0x66
#define X86_PREFIX_ADDRSIZE  0x67
#define X86_PREFIX_LOCK      0xf0
#define X86_PREFIX_REPNE     0xf2
#define X86_PREFIX_REP       0xf3
#define X86_PREFIX_ES        0x26
#define X86_PREFIX_CS        0x2e
#define X86_PREFIX_SS        0x36
#define X86_PREFIX_DS        0x3e
#define X86_PREFIX_FS        0x64
#define X86_PREFIX_GS        0x65

/* ---- REX (64-bit mode only: 0x40-0x4f are INC/DEC elsewhere) -------------- */
#define X86_REX_MASK         0xf0
#define X86_REX_BASE         0x40
#define X86_REX_W            0x08
#define X86_REX_R            0x04
#define X86_REX_X            0x02
#define X86_REX_B            0x01

/* ---- opcodes --------------------------------------------------------------- */
#define X86_OP_MOV_RM8_R8    0x88    /* MOV r/m8, r8 */
#define X86_OP_MOV_RM_R      0x89    /* MOV r/m16/32/64, r */
#define X86_OP_MOV_R8_RM8    0x8a    /* MOV r8, r/m8 */
#define X86_OP_MOV_R_RM      0x8b    /* MOV r, r/m16/32/64 */
#define X86_OP_MOV_AL_MOFFS  0xa0    /* MOV AL, moffs8 */
#define X86_OP_MOV_AX_MOFFS  0xa1    /* MOV eAX, moffs */
#define X86_OP_MOV_MOFFS_AL  0xa2    /* MOV moffs8, AL */
#define X86_OP_MOV_MOFFS_AX  0xa3    /* MOV moffs, eAX */
#define X86_OP_MOV_RM8_IMM8  0xc6    /* MOV r/m8, imm8 (/0) */
#define X86_OP_MOV_RM_IMM    0xc7    /* MOV r/m, imm16/32 (/0) */
#define X86_OP_TWO_BYTE      0x0f
/* What the BIOS area's reset entry runs (dev/bios_reset.c), in real mode. */
#define X86_OP_MOV_R8_IMM8   0xb0    /* MOV r8, imm8: B0+rb (AL = +0) */
#define X86_OP_MOV_R_IMM     0xb8    /* MOV r16/32, imm: B8+rw (DX = +X86_REG_DX) */
#define X86_OP_OUT_DX_AL     0xee    /* OUT DX, AL */
#define X86_OP_HLT           0xf4
#define X86_OP_JMP_REL8      0xeb
#define X86_REG_AL           0
#define X86_REG_DX           2
#define X86_OP2_GRP7         0x01    /* 0F 01 /4: SMSW r/m16 */
#define X86_GRP7_SMSW        4
#define X86_OP2_BT           0xa3    /* 0F A3: BT r/m, r */
#define X86_OP2_BTS          0xab    /* 0F AB: BTS r/m, r */
#define X86_OP2_BTR          0xb3    /* 0F B3: BTR r/m, r */
#define X86_OP2_BTC          0xbb    /* 0F BB: BTC r/m, r */
#define X86_OP2_BIT_OP(op2)  (((op2) >> 3) & 3)   /* of the four above: 0 BT, 1 BTS, 2 BTR, 3 BTC */
#define X86_OP2_GRP8         0xba    /* 0F BA /4-/7: BT, BTS, BTR, BTC r/m, imm8 */
#define X86_OP2_IMUL         0xaf    /* 0F AF: IMUL r, r/m */
#define X86_OP2_POPCNT       0xb8    /* F3 0F B8: POPCNT r, r/m */
#define X86_OP2_BSF          0xbc    /* 0F BC: BSF r, r/m (with F3: TZCNT) */
#define X86_OP2_BSR          0xbd    /* 0F BD: BSR r, r/m (with F3: LZCNT) */
#define X86_GRP8_BT          4
#define X86_OP2_MOVZX_RM8    0xb6    /* 0F B6: MOVZX r, r/m8 */
#define X86_OP2_MOVZX_RM16   0xb7    /* 0F B7: MOVZX r, r/m16 */
#define X86_OP2_MOVSX_RM8    0xbe    /* 0F BE: MOVSX r, r/m8 */
#define X86_OP2_MOVSX_RM16   0xbf    /* 0F BF: MOVSX r, r/m16 */
#define X86_OP2_GRP6         0x00    /* 0F 00 /3: LTR r/m16 */
#define X86_OP2_XADD_EB_GB   0xc0    /* 0F C0: XADD r/m8, r8 */
#define X86_OP2_CMOV         0x40    /* 0F 40-4F: CMOVcc r, r/m (cc the low nibble) */
#define X86_OP2_MOVQ_MM_LOAD  0x6f   /* 0F 6F without prefix: MOVQ mm, m64 */
#define X86_OP2_MOVQ_MM_STORE 0x7f   /* 0F 7F without prefix: MOVQ m64, mm */
#define X86_OP2_XADD_EV_GV   0xc1    /* 0F C1: XADD r/m, r */
#define X86_OP2_CMPXCHG_EB_GB 0xb0   /* 0F B0: CMPXCHG r/m8, r8 (with AL) */
#define X86_OP2_CMPXCHG_EV_GV 0xb1   /* 0F B1: CMPXCHG r/m, r (with rAX) */
#define X86_OP2_SETCC        0x90    /* 0F 90-9F: SETcc r/m8 (cc the low nibble) */
#define X86_GRP6_LTR         3
#define X86_OP2_SHLD_IB      0xa4    /* 0F A4: SHLD r/m, r, imm8 */
#define X86_OP2_SHLD_CL      0xa5    /* 0F A5: SHLD r/m, r, CL */
#define X86_OP2_SHRD_IB      0xac    /* 0F AC: SHRD r/m, r, imm8 */
#define X86_OP2_SHRD_CL      0xad    /* 0F AD: SHRD r/m, r, CL */
/* SSE moves between an XMM register and memory; the mandatory prefix (none, 66, F3, F2) picks the form. */
#define X86_OP2_MOVUPS_LOAD  0x10    /* MOVUPS, 66: MOVUPD, F3: MOVSS (32 bits), F2: MOVSD (64 bits) */
#define X86_OP2_MOVUPS_STORE 0x11
#define X86_OP2_MOVAPS_LOAD  0x28    /* MOVAPS, 66: MOVAPD */
#define X86_OP2_MOVAPS_STORE 0x29
#define X86_OP2_MOVNTPS      0x2b    /* MOVNTPS m128, 66: MOVNTPD */
#define X86_OP2_MOVD_LOAD    0x6e    /* 66: MOVD xmm, r/m32 (REX.W: MOVQ r/m64) */
#define X86_OP2_MOVDQA_LOAD  0x6f    /* 66: MOVDQA, F3: MOVDQU */
#define X86_OP2_MOVD_STORE   0x7e    /* 66: MOVD r/m32, xmm (REX.W: MOVQ), F3: MOVQ xmm, m64 (a load) */
#define X86_OP2_MOVDQA_STORE 0x7f    /* 66: MOVDQA, F3: MOVDQU */
#define X86_OP2_MOVQ_STORE   0xd6    /* 66: MOVQ m64, xmm */
#define X86_OP2_MOVNTDQ      0xe7    /* 66: MOVNTDQ m128 */

/* 00-3F: eight rows of eight (ADD, OR, ADC, SBB, AND, SUB, XOR, CMP); the first four of a row have a ModRM. */
#define X86_OP_ALU_ROWS_END  0x40
#define X86_OP_ALU_ROW(op)   ((op) >> 3)
#define X86_OP_ALU_FORM(op)  ((op) & 7)
#define X86_ALU_FORM_EB_GB   0       /* r/m8 OP= r8 */
#define X86_ALU_FORM_EV_GV   1       /* r/m OP= r */
#define X86_ALU_FORM_GB_EB   2       /* r8 OP= r/m8 */
#define X86_ALU_FORM_GV_EV   3       /* r OP= r/m */
#define X86_OP_GRP1_EB_IB    0x80    /* ALU r/m8, imm8: the operation in ModRM.reg */
#define X86_OP_GRP1_EV_IZ    0x81    /* ALU r/m, imm16/32 */
#define X86_OP_GRP1_EV_IB    0x83    /* ALU r/m, imm8 sign-extended */
#define X86_OP_IMUL_GV_EV_IZ 0x69    /* IMUL r, r/m, imm16/32 */
#define X86_OP_IMUL_GV_EV_IB 0x6b    /* IMUL r, r/m, imm8 sign-extended */
#define X86_OP_TEST_EB_GB    0x84
#define X86_OP_TEST_EV_GV    0x85
#define X86_OP_XCHG_EB_GB    0x86
#define X86_OP_XCHG_EV_GV    0x87
#define X86_OP_POP_EV        0x8f    /* POP r/m (/0) */
/* The stack instructions without a memory operand: emulated when the stack is device memory. */
#define X86_OP_PUSH_R        0x50    /* PUSH r: 50+r */
#define X86_OP_POP_R         0x58    /* POP r: 58+r */
#define X86_OP_PUSH_IZ       0x68    /* PUSH imm16/32 */
#define X86_OP_PUSH_IB       0x6a    /* PUSH imm8 */
#define X86_OP_RET_IW        0xc2    /* RET imm16: also releases imm16 bytes */
#define X86_OP_RET           0xc3
#define X86_OP_ENTER         0xc8    /* ENTER imm16, imm8 */
#define X86_OP_LEAVE         0xc9
#define X86_OP_MOVSB         0xa4
#define X86_OP_MOVSV         0xa5
#define X86_OP_CMPSB         0xa6
#define X86_OP_CMPSV         0xa7
#define X86_OP_STOSB         0xaa
#define X86_OP_STOSV         0xab
#define X86_OP_LODSB         0xac
#define X86_OP_LODSV         0xad
#define X86_OP_SCASB         0xae
#define X86_OP_SCASV         0xaf
#define X86_OP_GRP2_EB_IB    0xc0    /* shift or rotate r/m8 by imm8: the operation in ModRM.reg */
#define X86_OP_GRP2_EV_IB    0xc1    /* shift or rotate r/m by imm8 */
#define X86_OP_GRP2_EB_1     0xd0    /* ... r/m8 by 1 */
#define X86_OP_GRP2_EV_1     0xd1    /* ... r/m by 1 */
#define X86_OP_GRP2_EB_CL    0xd2    /* ... r/m8 by CL */
#define X86_OP_GRP2_EV_CL    0xd3    /* ... r/m by CL */
#define X86_OP_GRP3_EB       0xf6    /* /0 and /1: TEST r/m8, imm8; /2 NOT, /3 NEG */
#define X86_OP_GRP3_EV       0xf7    /* /0 and /1: TEST r/m, imm16/32; /2 NOT, /3 NEG */
#define X86_OP_GRP4          0xfe    /* /0 INC r/m8, /1 DEC r/m8 */
#define X86_OP_GRP5          0xff    /* /0 INC r/m, /1 DEC r/m, /6 PUSH r/m */
#define X86_GRP3_TEST        0
#define X86_GRP3_TEST_ALIAS  1
#define X86_GRP3_NOT         2
#define X86_GRP3_NEG         3
#define X86_GRP45_INC        0
#define X86_GRP45_DEC        1
#define X86_GRP5_PUSH        6
#define X86_GRP5_CALL        2       /* FF /2: CALL r/m (near) */
#define X86_GRP5_JMP         4       /* FF /4: JMP r/m (near) */
#define X86_GRP5_JMP_FAR     5       /* FF /5: JMP m16:16/32/64 */
#define X86_GRP3_MUL         4       /* F6/F7 /4-/7: MUL, IMUL, DIV, IDIV */
#define X86_OP_MOV_RM_SREG   0x8c    /* MOV r/m16, Sreg (ModRM.reg: ES, CS, SS, DS, FS, GS) */
#define X86_OP_MOV_SREG_RM   0x8e    /* MOV Sreg, r/m16 (not CS) */

/* ---- ModRM and SIB ---------------------------------------------------------- */
#define X86_MODRM_MOD(b)     (((b) >> 6) & 3)
#define X86_MODRM_REG(b)     (((b) >> 3) & 7)
#define X86_MODRM_RM(b)      ((b) & 7)
#define X86_MOD_INDIRECT     0       /* [reg], or disp32 / RIP-relative with rm 101 */
#define X86_MOD_DISP8        1
#define X86_MOD_DISP32       2
#define X86_MOD_REGISTER     3       /* a register operand: never a memory access */
#define X86_RM_SIB           4       /* rm 100: a SIB byte follows */
#define X86_RM_DISP32        5       /* rm 101 with mod 00: disp32 (RIP-relative in 64-bit mode) */
#define X86_SIB_BASE(b)      ((b) & 7)
#define X86_SIB_BASE_NONE    5       /* base 101 with mod 00: disp32, no base */
#define X86_SIB_INDEX(b)     (((b) >> 3) & 7)
#define X86_SIB_SCALE(b)     (((b) >> 6) & 3)
#define X86_SIB_INDEX_NONE   4       /* index 100 without REX.X: no index */

#endif
