#!/bin/bash
# The layers and the no-cycle rule (docs/internals.md "Layers"), checked on the
# sources' includes and on the built objects' symbols:
#   layers.sh roots FOLDER      the root folders FOLDER's code may include
#   layers.sh check [BUILD]     every include and every call goes down a layer
#                               or stays in its folder, and no file includes
#                               or calls its way back to itself
# Includes are arrows to headers, calls and data references arrows between
# the files that define them; an assembly trampoline and the C it calls back
# are one file when they share a name (kernel-side/owned/trap.c and trap.asm).
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
	# The hardware models are the drivers' oracle: they take no driver
	# header (tests/unit/models/spec.h is their own); hw_iface.c alone
	# sees both sides, to check the backend interface (a "tests" file).
	models) echo lib microbench host tests ;;
	*) echo "layers.sh: no layer named '$1'" >&2; return 2 ;;
	esac
}

fail=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The rules and the files, as awk reads them first: "LAYER root root...",
# then every source file of the repository.
rules() {
	for l in lib microbench kernel-side firmware host plugin tests models; do
		echo "$l $(roots "$l")"
	done > "$work/rules"
	find lib microbench kernel-side firmware host tests/unit \
		-name '*.[ch]' -o -name '*.asm' | sort > "$work/files"
}

# Shared by both checks: which layer a file is in, what it may use, and its
# node in the graph (headers apart; x.c and x.asm one).
AWK_COMMON='
	FILENAME == RULES { for (i = 2; i <= NF; i++) may[$1, $i] = 1; allowed[$1] = substr($0, length($1) + 2); next }
	FILENAME == FILES { exists[$1] = 1; next }
	function layer(f) {
		if (f == "host/plugin/pmulab-plugin.c") return "plugin"
		if (f ~ /^tests\/unit\/models\// && f != "tests/unit/models/hw_iface.c") return "models"
		return substr(f, 1, index(f, "/") - 1)
	}
	function node(f) { if (f ~ /\.h$/) return f; sub(/\.(c|asm)$/, "", f); return f }
	function problem(msg) { print "layers: " msg > "/dev/stderr"; bad = 1 }
'

# Includes: each names an existing file from its root, in a root the
# including file's layer may use.
check_includes() {
	xargs grep -H -E '^[[:space:]]*#[[:space:]]*include[[:space:]]+"' < "$work/files" |
		awk "$AWK_COMMON"'
		{
			f = substr($0, 1, index($0, ":") - 1)
			inc = $0; sub(/^[^"]*"/, "", inc); sub(/".*$/, "", inc)
			if (inc ~ /\.\./ || inc ~ /^\//) { problem(f " includes \"" inc "\": name it from its root folder"); next }
			if (!(inc in exists)) { problem(f " includes \"" inc "\", which is no file of the repository"); next }
			from = layer(f); to = substr(inc, 1, index(inc, "/") - 1)
			if (!((from, to) in may)) problem(f " includes " inc ": " from " may use " allowed[from] " only")
			print node(f), node(inc), "includes", inc >> EDGES
		}
		END { exit bad }' RULES="$work/rules" FILES="$work/files" EDGES="$work/edges" \
		"$work/rules" "$work/files" - || fail=1
}

# Calls and data references between the objects of one target: a symbol one
# object leaves undefined and another defines.
check_symbols() {
	local dir=$1
	find "$dir" -name '*.o' ! -name 'symtab-*' 2>/dev/null | sort > "$work/objs"
	if [ ! -s "$work/objs" ]; then
		echo "layers: no objects in $dir: build first" >&2
		fail=1
		return
	fi
	xargs nm -A --defined-only < "$work/objs" 2>/dev/null |
		awk '$2 ~ /^[TDBRCVW]$/ { sub(/:[^:]*$/, "", $1); print $3, $1 }' |
		sort -u > "$work/defs"
	xargs nm -A -u < "$work/objs" 2>/dev/null |
		awk '{ sub(/:[^:]*$/, "", $1); print $NF, $1 }' | sort -u > "$work/undefs"
	join "$work/undefs" "$work/defs" |
		awk "$AWK_COMMON"'
		# x.o is x.c'"'"'s object, x.asm.o x.asm'"'"'s (Makefile objs).
		function source(o,    s) {
			s = substr(o, length(DIR) + 1); sub(/\.o$/, "", s)
			return s ~ /\.asm$/ ? s : s ".c"
		}
		$2 != $3 {
			user = source($2); owner = source($3)
			# A renamed file'"'"'s old object, left in the build folder.
			if (!(user in exists) || !(owner in exists)) next
			from = layer(user); to = layer(owner)
			if (!((from, to) in may))
				problem(user " uses " $1 " from " owner ": " from " may use " allowed[from] " only")
			print node(user), node(owner), "uses", $1 >> EDGES
		}
		END { exit bad }' RULES="$work/rules" FILES="$work/files" EDGES="$work/edges" \
		DIR="$dir/" "$work/rules" "$work/files" - || fail=1
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
	}' "$work/edges" >&2 || fail=1
}

case "${1:-}" in
roots)
	[ $# -eq 2 ] || { echo "usage: layers.sh roots FOLDER" >&2; exit 2; }
	roots "$2" ;;
check)
	build=${2:-build}
	cd "$(dirname "$0")/.."
	rules
	: > "$work/edges"
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
