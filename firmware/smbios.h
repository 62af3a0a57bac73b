/* SMBIOS System Information (type 1): who made the machine. */
#ifndef PMULAB_SMBIOS_H
#define PMULAB_SMBIOS_H

#include "lib/types.h"

/* Fills vendor and product ("" when there is no SMBIOS table or no type 1). */
void smbios_system(char *vendor, size_t vlen, char *product, size_t plen);

#endif
