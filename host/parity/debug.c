/* kvm-unit-tests x86/debug.c and the pmulab checks that test the same (parity.h). */
#include "host/parity/parity.h"

const struct parity_table parity_debug = {
	.source = "x86/debug.c",
	.doc = "docs/probes.md",
};
