/* kvm-unit-tests x86/pmu.c and the pmulab checks that test the same (parity.h). */
#include "host/parity/parity.h"

const struct parity_table parity_pmu = {
	.source = "x86/pmu.c",
	.doc = "docs/pmu.md",
};
