#!/bin/sh
# Fetch qemu-plugin.h, the TCG plugin API of the installed QEMU, into a cache
# folder outside the repository, once; print the folder that holds it.
# Debian ships the plugin loader in qemu-system-x86 but the header in no
# binary package, so it comes from the same source package version as the
# installed QEMU (apt-get source, deb-src enabled by a sources file of our
# own), and only that one file is extracted: no QEMU code enters the repo.
#   scripts/qemu-plugin-h.sh       -> prints e.g. /var/cache/pmulab/qemu-7.2+dfsg-7+deb12u18
#   scripts/qemu-plugin-h.sh --cached
#                                  the same, but fetches nothing: fails, saying
#                                  how to fetch it, when the header is missing
#   scripts/qemu-plugin-h.sh --check PLUGIN.so
#                                  loads the built plugin into the installed
#                                  QEMU (no guest: -machine none, then QMP quit),
#                                  so a header QEMU does not accept fails here
set -eu

die() {
	echo "qemu-plugin-h.sh: $*" >&2
	exit 1
}

if [ "${1:-}" = "--check" ]; then
	[ -r "${2:-}" ] || die "--check needs the plugin file"
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	printf '{"execute":"qmp_capabilities"}\n{"execute":"quit"}\n' |
		timeout 60 qemu-system-x86_64 -machine none -accel tcg -display none \
			-monitor none -serial none -qmp stdio \
			-plugin "$2,out=$tmp/counts.txt" >/dev/null 2>"$tmp/err" ||
		die "the installed QEMU does not load $2: $(cat "$tmp/err")"
	grep -q '^# end regions=0$' "$tmp/counts.txt" ||
		die "$2 loaded but wrote no counts file"
	exit 0
fi

# The header must be the installed QEMU's own: the loader refuses a plugin
# whose qemu_plugin_version is outside what it was built with.
ver=$(dpkg-query -W -f='${source:Version}' qemu-system-x86 2>/dev/null) ||
	die "qemu-system-x86 is not installed (scripts/deps.sh installs it)"
src=$(dpkg-query -W -f='${source:Package}' qemu-system-x86)
if [ "$(id -u)" -eq 0 ]; then
	cache=/var/cache/pmulab
else
	cache=${XDG_CACHE_HOME:-$HOME/.cache}/pmulab
fi
dir=$cache/qemu-${ver#*:}	# no epoch: a colon is a separator to make
if [ -f "$dir/qemu/qemu-plugin.h" ]; then
	echo "$dir"
	exit 0
fi
[ "${1:-}" != "--cached" ] ||
	die "$dir/qemu/qemu-plugin.h is missing: 'scripts/deps.sh plugin' (as root) fetches it, as make run and make test do"

[ "$(id -u)" -eq 0 ] ||
	die "$dir/qemu/qemu-plugin.h is missing and fetching it needs root (deb-src, apt-get update): run 'sudo $0' once"

# deb-src for the mirror the binaries come from, in a file of our own.
srcs=/etc/apt/sources.list.d/pmulab-src.sources
if ! apt-get source --download-only --print-uris "$src=$ver" >/dev/null 2>&1; then
	if [ ! -f "$srcs" ]; then
		cat >"$srcs" <<EOF
# Added by pmulab scripts/qemu-plugin-h.sh: QEMU's source package, for the
# TCG plugin header (qemu-plugin.h) that no Debian binary package ships.
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
	fi
	apt-get update -qq >&2 || die "apt-get update failed"
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# apt downloads as _apt when that user may write the folder.
chown _apt "$tmp" 2>/dev/null || true
(cd "$tmp" && apt-get source --download-only -qq "$src=$ver" >&2) ||
	die "apt-get source $src=$ver failed: is the source of the installed version still on the mirror?"
orig=$(ls "$tmp"/"$src"_*.orig.tar.* 2>/dev/null | head -n 1)
[ -n "$orig" ] || die "no orig tarball among the files apt-get source fetched"
member=$(tar -tf "$orig" | grep '^[^/]*/include/qemu/qemu-plugin\.h$' | head -n 1)
[ -n "$member" ] || die "$orig holds no include/qemu/qemu-plugin.h"
tar -xf "$orig" -C "$tmp" "$member"
grep -q '^#define QEMU_PLUGIN_VERSION [0-9]' "$tmp/$member" ||
	die "$member defines no QEMU_PLUGIN_VERSION"
mkdir -p "$dir/qemu"
cp "$tmp/$member" "$dir/qemu/qemu-plugin.h"
echo "$ver" >"$dir/source-version"
echo "$dir"
