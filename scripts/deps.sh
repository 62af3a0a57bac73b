#!/bin/sh
# Install the Debian packages pmulab needs, only those missing: when all are
# present this downloads nothing and changes nothing.
#   scripts/deps.sh          build, run and test (gnuplot: pmulab plot, html;
#                            libsqlite3-dev: the run history, host/db/;
#                            sqlite3: make docs counts a history's rows)
#   scripts/deps.sh fuzz     also clang + libFuzzer runtime (make fuzz)
#   scripts/deps.sh plugin   also QEMU's qemu-plugin.h, fetched once into a cache
#                            folder (scripts/qemu-plugin-h.sh; make runs it too)
#   scripts/deps.sh browser  also chromium, which the html report's e2e test
#                            renders the page in (headless; make test)
#   scripts/deps.sh lava     also lava-dispatcher, for lava-run (make lava), and
#                            the telnet and TFTP server a dispatcher recommends
set -eu

pkgs="gcc make binutils gnu-efi nasm qemu-system-x86 ovmf mtools dosfstools gdisk gnuplot-nox python3-pytest python3-pytest-xdist valgrind libsqlite3-dev sqlite3"
for group in "$@"; do
	case "$group" in
	fuzz) pkgs="$pkgs clang libclang-rt-14-dev" ;;
	plugin) plugin=1 ;;
	browser) pkgs="$pkgs chromium" ;;
	lava) pkgs="$pkgs lava-dispatcher telnet tftpd-hpa" ;;
	*) echo "deps.sh: unknown group '$group' (known: fuzz, plugin, browser, lava)" >&2; exit 2 ;;
	esac
done

missing=""
for p in $pkgs; do
	# dpkg-query prints "install ok installed" only for a fully installed package.
	status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	[ "$status" = "install ok installed" ] || missing="$missing $p"
done
if [ -z "$missing" ]; then
	[ -z "${plugin:-}" ] || exec "$(dirname "$0")/qemu-plugin-h.sh" >/dev/null
	exit 0
fi

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
[ -z "${plugin:-}" ] || "$(dirname "$0")/qemu-plugin-h.sh" >/dev/null
