/* Exception mnemonics (SDM Vol3A 6.3.1 Table 6-1; #VC from AMD APM Vol2 8.2). */
#include "kernel-side/cpu/exception.h"
#include "lib/fmt.h"

static const char *const exc_names[NR_EXCEPTIONS] = {
	[0] = "DE", [1] = "DB", [2] = "NMI", [3] = "BP", [4] = "OF",
	[5] = "BR", [6] = "UD", [7] = "NM", [8] = "DF", [9] = "CSO",
	[10] = "TS", [11] = "NP", [12] = "SS", [13] = "GP", [14] = "PF",
	[16] = "MF", [17] = "AC", [18] = "MC", [19] = "XM", [20] = "VE",
	[21] = "CP", [28] = "HV", [29] = "VC", [30] = "SX",
};

const char *exc_name(unsigned vector)
{
	static char buf[8];

	if (vector < NR_EXCEPTIONS && exc_names[vector])
		return exc_names[vector];
	fmt_snprintf(buf, sizeof(buf), "vec%u", vector & 0xff);
	return buf;
}

const char *hw_err_name(int err, char *buf)
{
	if (err == 0)
		return "ok";
	if (HW_ERR_IS_FAULT(err)) {
		fmt_snprintf(buf, 16, "#%s", exc_name(HW_ERR_VECTOR(err)));
		return buf;
	}
	if (err == HW_ERR_NOT_OWNED)
		return "not-owned";
	if (err == HW_ERR_LOG_FULL)
		return "log-full";
	if (err == HW_ERR_NOT_SUPPORTED)
		return "not-supported";
	fmt_snprintf(buf, 16, "err0x%x", err);
	return buf;
}
