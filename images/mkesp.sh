#!/bin/sh
# Lay out an EFI System Partition folder: the payload as the removable-media
# boot path (UEFI spec 3.5.1.1), the config pmulab reads, and the README a
# stick carries (pmulab image copies it).
#   mkesp.sh PAYLOAD.efi CONFIG.txt README.txt OUTDIR
set -eu
[ $# -eq 4 ] || { echo "usage: mkesp.sh PAYLOAD.efi CONFIG.txt README.txt OUTDIR" >&2; exit 2; }
mkdir -p "$4/EFI/BOOT" "$4/pmulab"
cp "$1" "$4/EFI/BOOT/BOOTX64.EFI"
cp "$2" "$4/pmulab/config.txt"
cp "$3" "$4/README.txt"
