#!/bin/bash
# The layers and the no-cycle rule (docs/internals.md "Layers"), checked on the
# sources' includes and on the built objects' symbols:
#   layers.sh roots FOLDER      the root folders FOLDER's code may include
#   layers.sh check [BUILD]     every include and every call goes down a layer
#                               or stays in its folder, and no file includes
#                               or calls its way back to itself
# Includes are arrows to headers, calls and data references arrows between
# the files that define them; an assembly trampoline and the C it calls back
# are one file when they share a name (kernel-side/cpu/trap.c and trap.asm).
set -euo pipefail
export LC_ALL=C

# What each top folder may use. The build compiles each folder against these
# roots only (Makefile ROOTS_*), so an include the wrong way does not even
# compile; check also catches a call through a hand-written extern.
roots() {
	case "$1" in
	lib) echo lib ;;
	microbench) echo lib microbench ;;
	kernel-side) echo lib microbench kernel-side ;;
	firmware) echo lib microbench kernel-side firmware ;;
	host) echo lib microbench host ;;
	plugin) echo lib host ;;
	tests) echo lib microbench kernel-side host tests ;;
	*) echo "layers.sh: no layer named '$1'" >&2; return 2 ;;
	esac
}

# The layer a source file belongs to: its top folder, but the QEMU plugin is
# a module of QEMU's and uses less than the host tool.
layer_of() {
	case "$1" in
	host/plugin/pmulab-plugin.c) echo plugin ;;
	*) echo "${1%%/*}" ;;
	esac
}

module() {
	case "$1" in
	*.h) echo "$1" ;;
	*.c) echo "${1%.c}" ;;
	*.asm) echo "${1%.asm}" ;;
	esac
}

fail=0
problem() {
	echo "layers: $*" >&2
	fail=1
}

# "A B why" lines: module A uses module B.
edges=$(mktemp)
trap 'rm -f "$edges" "$edges".*' EXIT

check_includes() {
	local f line inc from to
	while IFS= read -r f; do
		from=$(layer_of "$f")
		while IFS= read -r line; do
			inc=${line#*\"}
			inc=${inc%%\"*}
			to=${inc%%/*}
			case "$inc" in
			*..*|/*)
				problem "$f includes \"$inc\": name it from its root folder"
				continue ;;
			esac
			if [ ! -f "$inc" ]; then
				problem "$f includes \"$inc\", which is no file of the repository"
				continue
			fi
			if ! roots "$from" | tr ' ' '\n' | grep -qx "$to"; then
				problem "$f includes $inc: $from may use $(roots "$from") only"
			fi
			echo "$(module "$f") $(module "$inc") includes $inc" >> "$edges"
		done < <(grep -E '^[[:space:]]*#[[:space:]]*include[[:space:]]+"' "$f" || true)
	done < <(git ls-files 'lib/*' 'microbench/*' 'kernel-side/*' 'firmware/*' \
		'host/*' 'tests/unit/*' | grep -E '\.(c|h)$')
}

# Calls and data references between the objects of one target.
check_symbols() {
	local dir=$1 defs=$edges.defs undefs=$edges.undefs
	[ -d "$dir" ] || { problem "no objects in $dir: build first"; return; }
	find "$dir" -name '*.o' ! -name 'symtab-*' | sort > "$edges.objs"
	[ -s "$edges.objs" ] || { problem "no objects in $dir: build first"; return; }
	# object -> its source, by the path under the build folder
	xargs nm -A --defined-only < "$edges.objs" 2>/dev/null |
		awk '$2 ~ /^[TDBRCVW]$/ { sub(/:[^:]*$/, "", $1); print $3, $1 }' |
		sort -u > "$defs"
	xargs nm -A -u < "$edges.objs" 2>/dev/null |
		awk '{ sub(/:[^:]*$/, "", $1); print $NF, $1 }' | sort -u > "$undefs"
	join "$undefs" "$defs" | while read -r sym user owner; do
		[ "$user" = "$owner" ] && continue
		src_user=$(source_of "$dir" "$user")
		src_owner=$(source_of "$dir" "$owner")
		# A renamed file's old object, left in the build folder.
		[ -f "$src_user" ] && [ -f "$src_owner" ] || continue
		from=$(layer_of "$src_user")
		to=$(layer_of "$src_owner")
		if ! roots "$from" | tr ' ' '\n' | grep -qx "$to"; then
			problem "$src_user uses $sym from $src_owner: $from may use $(roots "$from") only"
		fi
		echo "$(module "$src_user") $(module "$src_owner") uses $sym" >> "$edges"
	done
}

# The source of an object: x.o is x.c's, x.asm.o x.asm's (Makefile objs).
source_of() {
	local rel=${2#"$1"/}
	rel=${rel%.o}
	case "$rel" in
	*.asm) echo "$rel" ;;
	*) echo "$rel.c" ;;
	esac
}

# Strongly connected components (Tarjan): each component of more than one
# module is a circle, printed with the names that tie each of its arrows.
check_cycles() {
	awk '
	function visit(v,    i, w) {
		index_of[v] = low[v] = ++counter
		stack[++sp] = v; on_stack[v] = 1
		for (i = 1; i <= nout[v]; i++) {
			w = out[v, i]
			if (!(w in index_of)) {
				visit(w)
				if (low[w] < low[v]) low[v] = low[w]
			} else if (on_stack[w] && index_of[w] < low[v]) {
				low[v] = index_of[w]
			}
		}
		if (low[v] == index_of[v]) {
			ncomp++
			do { w = stack[sp--]; on_stack[w] = 0; comp[w] = ncomp; size[ncomp]++ } while (w != v)
		}
	}
	$1 != $2 {
		key = $1 SUBSEP $2
		if (!(key in why)) { out[$1, ++nout[$1]] = $2; from[++nedges] = $1; to[nedges] = $2 }
		if (index(", " why[key] ", ", ", " $4 ", ") == 0)
			why[key] = why[key] (why[key] == "" ? "" : ", ") $4
		nodes[$1]; nodes[$2]
	}
	END {
		for (v in nodes) if (!(v in index_of)) visit(v)
		for (c = 1; c <= ncomp; c++) {
			if (size[c] < 2) continue
			found = 1
			printf "layers: a circle of %d files:\n", size[c]
			for (e = 1; e <= nedges; e++)
				if (comp[from[e]] == c && comp[to[e]] == c)
					printf "  %s -> %s: %s\n", from[e], to[e], why[from[e], to[e]]
		}
		exit found
	}' "$edges" >&2 || fail=1
}

case "${1:-}" in
roots)
	[ $# -eq 2 ] || { echo "usage: layers.sh roots FOLDER" >&2; exit 2; }
	roots "$2" ;;
check)
	build=${2:-build}
	cd "$(dirname "$0")/.."
	check_includes
	check_symbols "$build/efi"
	check_symbols "$build/host"
	check_cycles
	[ $fail -eq 0 ] && echo "layers: includes and calls go down the layers, no circles"
	exit $fail ;;
*)
	echo "usage: layers.sh roots FOLDER | layers.sh check [BUILD]" >&2
	exit 2 ;;
esac
