#!/bin/sh
# Lay out an EFI System Partition folder: the payload as the removable-media
# boot path (UEFI spec 3.5.1.1) and the config pmulab reads.
#   mkesp.sh PAYLOAD.efi CONFIG.txt OUTDIR
set -eu
[ $# -eq 3 ] || { echo "usage: mkesp.sh PAYLOAD.efi CONFIG.txt OUTDIR" >&2; exit 2; }
mkdir -p "$3/EFI/BOOT" "$3/pmulab"
cp "$1" "$3/EFI/BOOT/BOOTX64.EFI"
cp "$2" "$3/pmulab/config.txt"
