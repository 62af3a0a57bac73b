/* kvm-unit-tests x86/pmu_lbr.c and the pmulab checks that test the same (parity.h). */
#include "host/parity/parity.h"

const struct parity_table parity_lbr = {
	.source = "x86/pmu_lbr.c",
	.doc = "docs/lbr.md",
};
