/* Reading the ring (lbr_format.h): what each kind's FROM, TO and INFO MSRs
 * hold, and a branch's type decoded from its bytes where the format does not
 * say. */
#include "lib/insn.h"
#include "kernel-side/cpu/msr.h"
#include "kernel-side/lbr/lbr_format.h"

/* Where the payload's code is, for decoding branch types. */
static struct {
	u64 base, text, etext;
} image;

void lbr_set_image(u64 image_base, u64 text, u64 etext)
{
	image.base = image_base;
	image.text = text;
	image.etext = etext;
}

u64 lbr_image_base(void)
{
	return image.base;
}

static u8 flow_type(enum insn_flow f)
{
	switch (f) {
	case FLOW_CALL_REL:	return LBR_BR_CALL;
	case FLOW_CALL_IND:	return LBR_BR_IND_CALL;
	case FLOW_RET:		return LBR_BR_RET;
	case FLOW_JCC_REL:
	case FLOW_LOOP_REL:	return LBR_BR_JCC;
	case FLOW_JMP_REL:	return LBR_BR_JMP;
	case FLOW_JMP_IND:	return LBR_BR_IND_JMP;
	case FLOW_NONE:		return LBR_BR_UNKNOWN;	/* an interrupt left here */
	default:		return LBR_BR_OTHER;
	}
}

/* Only the image's own code is read: a `from` can be any address an
 * interrupt or fault left (Linux branch_type() checks kernel_text_address()). */
u8 lbr_decode_type(u64 from, u8 *len)
{
	struct insn in;
	u64 left = image.etext - from;

	if (len)
		*len = 0;
	if (from < image.text || from >= image.etext)
		return LBR_BR_UNKNOWN;
	if (insn_decode(&in, (const u8 *)(uintptr_t)from,
			left < INSN_MAX_LEN ? left : INSN_MAX_LEN))
		return LBR_BR_UNKNOWN;
	if (len)
		*len = in.len;
	return flow_type(in.flow);
}

/* IA32_LBR_x_INFO.BR_TYPE (SDM Vol3B ch.20, Arch LBR "Branch Types"; Linux
 * arch_lbr_br_type_map): 0-5 known, the rest "other". */
static const u8 arch_lbr_br_type[16] = {
	[0] = LBR_BR_JCC, [1] = LBR_BR_IND_JMP, [2] = LBR_BR_JMP,
	[3] = LBR_BR_IND_CALL, [4] = LBR_BR_CALL, [5] = LBR_BR_RET,
	[6 ... 15] = LBR_BR_OTHER,
};

static u64 sign_extend(u64 v, unsigned bits)
{
	return (u64)((s64)(v << (64 - bits)) >> (64 - bits));
}

static u64 lbr_rd(u32 msr)
{
	u64 v;

	return msr_read_safe(msr, &v) ? 0 : v;
}

/* One legacy entry, as Linux intel_pmu_lbr_read_32/_64 decode it: the flag
 * bits at the top of FROM are stripped and the address sign-extended from
 * what is left (48- or 57-bit canonical addresses fit either way). */
static void legacy_decode(const struct lbr_caps *lc, unsigned idx, u64 from, u64 to,
			  struct lbr_entry *e)
{
	unsigned skip = 0;

	switch (lc->legacy_fmt) {
	case LBR_FORMAT_32:
		to = from >> 32;
		from = (u32)from;
		break;
	case LBR_FORMAT_EIP_FLAGS:
		e->mispred = from & LBR_FROM_FLAG_MISPRED;
		skip = 1;
		break;
	case LBR_FORMAT_EIP_FLAGS2:
		e->mispred = from & LBR_FROM_FLAG_MISPRED;
		skip = 3;
		break;
	case LBR_FORMAT_TIME:
		e->mispred = from & LBR_FROM_FLAG_MISPRED;
		skip = 1;
		e->cycles = (to >> 48) & LBR_INFO_CYCLES;
		to = sign_extend(to, 48);
		break;
	case LBR_FORMAT_INFO:
	case LBR_FORMAT_INFO2:
		if (lbr_legacy_has_info(lc)) {
			u64 info = lbr_rd(lc->legacy_info + idx);

			e->mispred = info & LBR_INFO_MISPRED;
			e->cycles = info & LBR_INFO_CYCLES;
		}
		break;
	}
	e->from = skip ? sign_extend(from, 64 - skip) : from;
	e->to = to;
}

static unsigned legacy_read(const struct lbr_caps *lc, struct lbr_entry *e, unsigned max,
			    unsigned depth, bool call_stack)
{
	unsigned mask = lc->legacy_depth - 1, n = 0;
	u64 tos = lbr_rd(MSR_LBR_TOS);

	/* TOS is the newest; the ring runs backwards from it. */
	for (unsigned i = 0; i < depth && n < max; i++) {
		unsigned idx = (tos - i) & mask;
		u64 from = lbr_rd(lc->legacy_from + idx);
		u64 to = lc->legacy_fmt == LBR_FORMAT_32 ? 0 : lbr_rd(lc->legacy_to + idx);

		/* In call-stack mode the active calls end at the first empty
		 * entry (intel_pmu_lbr_read_64); otherwise empty entries are
		 * the part of the ring not filled since lbr_start(). */
		if (!from && call_stack)
			break;
		if (!from && !to)
			continue;
		e[n] = (struct lbr_entry){ 0 };
		legacy_decode(lc, idx, from, to, &e[n]);
		e[n].type = lbr_decode_type(e[n].from, NULL);
		n++;
	}
	return n;
}

/* Arch LBR: entry 0 is the newest, and the first FROM of 0 ends the records
 * (Linux intel_pmu_store_lbr). */
static unsigned arch_read(const struct lbr_caps *lc, struct lbr_entry *e, unsigned max,
			  unsigned depth)
{
	u32 ecx = lc->leaf_1c.ecx;
	unsigned n = 0;

	for (unsigned i = 0; i < depth && n < max; i++) {
		u64 from = lbr_rd(MSR_ARCH_LBR_FROM_0 + i), info;

		if (!from)
			break;
		info = lbr_rd(MSR_ARCH_LBR_INFO_0 + i);
		e[n] = (struct lbr_entry){ .from = from, .to = lbr_rd(MSR_ARCH_LBR_TO_0 + i) };
		if (ecx & ARCH_LBR_ECX_MISPRED)
			e[n].mispred = info & LBR_INFO_MISPRED;
		if ((ecx & ARCH_LBR_ECX_TIMED) && (info & LBR_INFO_CYC_CNT_VALID))
			e[n].cycles = info & LBR_INFO_CYCLES;
		if (ecx & ARCH_LBR_ECX_BR_TYPE)
			e[n].type = arch_lbr_br_type[(info & LBR_INFO_BR_TYPE) >> LBR_INFO_BR_TYPE_SHIFT];
		else
			e[n].type = lbr_decode_type(from, NULL);
		n++;
	}
	return n;
}

/* AMD: register renaming keeps entry 0 the newest; TO.valid says whether an
 * entry holds a branch (Linux amd_pmu_lbr_read). The IP fields are 58 bits,
 * sign-extended above, as wide as any virtual address. */
static unsigned amd_read(struct lbr_entry *e, unsigned max, unsigned depth)
{
	unsigned n = 0;

	for (unsigned i = 0; i < depth && n < max; i++) {
		u64 from = lbr_rd(MSR_AMD_SAMP_BR_FROM + 2 * i);
		u64 to = lbr_rd(MSR_AMD_SAMP_BR_FROM + 2 * i + 1);

		if (!(to & AMD_LBR_TO_VALID))
			continue;
		e[n] = (struct lbr_entry){
			.from = sign_extend(from & AMD_LBR_IP, 58),
			.to = sign_extend(to & AMD_LBR_IP, 58),
			.mispred = from & AMD_LBR_FROM_MISPRED,
		};
		e[n].type = lbr_decode_type(e[n].from, NULL);
		n++;
	}
	return n;
}

unsigned lbr_format_read(const struct lbr_caps *lc, struct lbr_entry *e, unsigned max,
			 unsigned depth, bool call_stack)
{
	if (lc->arch)
		return arch_read(lc, e, max, depth);
	if (lc->legacy)
		return legacy_read(lc, e, max, depth, call_stack);
	return amd_read(e, max, depth);
}
