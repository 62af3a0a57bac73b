#!/bin/sh
# The stock LAVA device-type templates (qemu.jinja2, x86.jinja2, base.jinja2,
# ...) that lava/render.py renders device dictionaries against: they ship in
# lava-server, which a dispatcher does not need, so the package is only
# downloaded and unpacked into DIR (once), never installed. Prints the
# templates' folder.
#   scripts/lava-templates.sh DIR
set -eu

dir=${1:?usage: lava-templates.sh DIR}
types="$dir/lava-server/usr/share/lava-server/device-types"
if [ ! -f "$types/qemu.jinja2" ]; then
	mkdir -p "$dir"
	(cd "$dir" && rm -f lava-server_*.deb &&
		apt-get download lava-server >apt.log 2>&1) || {
		echo "lava-templates.sh: apt-get download lava-server failed ($dir/apt.log)" >&2
		exit 1
	}
	dpkg -x "$dir"/lava-server_*.deb "$dir/lava-server"
fi
echo "$types"
