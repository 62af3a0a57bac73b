/* \pmulab\config.txt on the boot volume: read and parsed before any output
 * exists, reported once the record stream has begun. */
#ifndef PMULAB_CONFIG_FILE_H
#define PMULAB_CONFIG_FILE_H

#include "firmware/uefi.h"
#include "lib/config.h"

/* Parses the file into cfg (left at its defaults where a line is bad, or
 * without the file); vol is volume_open()'s result. Problems are kept for
 * config_report. Returns the config record's source: "file", "none" or
 * "unreadable". */
const char *config_load(struct config *cfg, EFI_STATUS vol);
/* The `config` record, then an `error kind=config` record per problem. */
void config_report(const struct config *cfg, const char *source);

#endif
