/* Files on the volume pmulab was loaded from: the config it reads and the
 * results file it writes. */
#ifndef PMULAB_VOLUME_H
#define PMULAB_VOLUME_H

#include "firmware/uefi.h"
#include "lib/types.h"

/* Opens the boot volume's root; EFI_SUCCESS or why not. */
EFI_STATUS volume_open(EFI_HANDLE image);
/* Whether it opened: an image loaded over the network (iPXE, PXE) has no
 * file system to read or write. */
bool volume_present(void);
/* Reads a whole file of at most max bytes into a pool buffer (*buf, freed by
 * the caller with FreePool). EFI_NOT_FOUND when absent, EFI_BUFFER_TOO_SMALL
 * when larger than max. */
EFI_STATUS volume_read(const CHAR16 *path, char **buf, size_t *len, size_t max);
/* Creates \pmulab\results-NNN.txt, the first number no earlier boot used
 * (001..999): a stick keeps every run. */
EFI_STATUS results_open(void);
/* Its path ("\pmulab\results-001.txt"), or NULL when none is open. */
const char *results_file(void);
/* Appends and flushes, so what is written survives a later crash. */
EFI_STATUS results_append(const char *buf, size_t len);
void results_close(void);

#endif
