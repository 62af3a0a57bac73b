#!/bin/sh
# Install the Debian packages pmulab needs, only those missing: when all are
# present this downloads nothing and changes nothing.
#   scripts/deps.sh          build, run and test (gnuplot: pmulab plot, html)
#   scripts/deps.sh fuzz     also clang + libFuzzer runtime (make fuzz)
set -eu

pkgs="gcc make binutils gnu-efi nasm qemu-system-x86 ovmf mtools dosfstools gdisk gnuplot-nox python3-pytest valgrind"
for group in "$@"; do
	case "$group" in
	fuzz) pkgs="$pkgs clang libclang-rt-14-dev" ;;
	*) echo "deps.sh: unknown group '$group' (known: fuzz)" >&2; exit 2 ;;
	esac
done

missing=""
for p in $pkgs; do
	# dpkg-query prints "install ok installed" only for a fully installed package.
	status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	[ "$status" = "install ok installed" ] || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "deps.sh: missing packages:$missing" >&2
	echo "deps.sh: run as root, or: sudo apt-get install$missing" >&2
	exit 1
fi
echo "deps.sh: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get install -y --no-install-recommends $missing || {
	apt-get update && apt-get install -y --no-install-recommends $missing
}
