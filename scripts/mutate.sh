#!/bin/bash
# The mutation run (docs/internals.md "Hardware models"): each line of the
# list moves one register constant of a driver header; the unit tests must
# notice. A mutant is built apart, in MUTATE_OUT (BUILD/mutate/), from a copy
# of the header found first on the include path: the tree is never edited.
#   mutate.sh [--quick] [LIST]   (LIST: tests/unit/mutations.txt)
# Full run: every object that includes the header and names the constant is
# recompiled, every unit test that links one of them is relinked and run, and
# each mutation reports the tests that failed. --quick (make test): test_spec
# on every mutation, and the tests the list names for it on a quarter of them
# (QUICK_SHARE, below). Either way a mutation test_spec misses, or that a test
# named for it misses, fails the run (exit 1, naming it); bad input exits 2.
# The Makefile passes CC, UNIT_CFLAGS, UNIT_ROOTS (the -I of the tests'
# roots), UNIT_LIBS and BUILD; it has built the unit tests first. Objects are
# recompiled with UNIT_CFLAGS alone: the few built with flags of their own
# (Makefile: lbr_chain, traced, test_insn) include no driver header.
set -euo pipefail
export LC_ALL=C
cd "$(dirname "$0")/.."

: "${CC:=gcc}" "${BUILD:=build}" "${UNIT_LIBS:=-lm}" "${UNIT_ROOTS:=-I$BUILD/roots/tests}"
OUT=${MUTATE_OUT:-$BUILD/mutate}
: "${UNIT_CFLAGS:?the Makefile passes UNIT_CFLAGS (make mutate)}"
# A mutant may loop forever where the tree terminates; no unit test takes
# more than a few seconds on the tree.
TEST_TIMEOUT=60
JOBS=${JOBS:-$(nproc)}

die() { echo "mutate: $*" >&2; exit 2; }

# One mutation, in its own folder; prints its report line. Exit 0 caught as
# expected, 1 not.
one() {
	local mode=$1 n=$2 header=$3 name=$4 value=$5; shift 5
	local want=("$@")
	local dir=$OUT/$n-$name old objs=() tests=() caught=() missed=()
	rm -rf "$dir" && mkdir -p "$dir/inc/$(dirname "$header")" "$dir/obj"

	# The header's copy with the one #define's body (up to its comment)
	# replaced by the mutant.
	awk -v name="$name" -v value="$value" -v out="$dir/inc/$header" -v oldf="$dir/old" '
		match($0, "^[ \t]*#[ \t]*define[ \t]+" name "[ \t]+") {
			head = substr($0, 1, RLENGTH); old = substr($0, RLENGTH + 1); tail = ""
			if ((c = index(old, "/*")) > 0) { tail = "\t" substr(old, c); old = substr(old, 1, c - 1) }
			sub(/[ \t]+$/, "", old)
			print old > oldf; $0 = head value tail; hits++
		}
		{ print > out }
		END { exit hits == 1 ? 0 : 1 }' "$header" ||
		{ echo "$header: no single '#define $name VALUE'"; return 1; }
	old=$(cat "$dir/old")
	[ "$old" != "$value" ] || { echo "$name: the mutant $value is the value already"; return 1; }

	# The objects that see the change: their dependency file names the
	# header and one of their files names the constant (beyond its #define).
	local files
	files=$(awk -F'\t' -v h="/$header" '
		substr($2, length($2) - length(h) + 1) == h { with[$1] = 1 }
		{ obj[NR] = $1; file[NR] = $2 }
		END { for (i = 1; i <= NR; i++) if (obj[i] in with) print file[i] }' \
		"$OUT/deps" | sort -u)
	local defs
	defs=$(grep -cw -- "$name" "$header")
	# shellcheck disable=SC2086 # one file a word
	grep -lw -- "$name" $files 2>/dev/null | sort -u > "$dir/mention" || true
	mapfile -t objs < <(awk -F'\t' -v h="/$header" -v defs="$defs" '
		FILENAME != ARGV[2] { mention[$0] = 1; next }
		substr($2, length($2) - length(h) + 1) == h { with[$1] = 1; if (defs > 1) named[$1] = 1; next }
		$2 in mention { named[$1] = 1 }
		END { for (o in with) if (o in named) print o }' "$dir/mention" "$OUT/deps" | sort)

	# The tests: test_spec and the named ones (quick), or every test whose
	# object changed or that links a changed object (full); each links the
	# changed objects its tree binary holds, no others (another one could
	# need a symbol the test does not provide).
	local o t b tobj need=() lib=() tests_all=()
	for o in "${objs[@]}"; do
		case $o in */tests/unit/*/test_*) ;; *)
			lib+=("$o")
			nm -g --defined-only "$o" | awk '{ print $3 }' | sort -u > "$dir/${#lib[@]}.syms" ;;
		esac
	done
	if [ "$mode" = spec ]; then
		want=()
		tests_all=(test_spec)
	elif [ "$mode" = quick ]; then
		tests_all=(test_spec "${want[@]}")
	else
		for b in "$BUILD"/unit/test_*; do
			# test_lbr.pass1 and the like are links on the way to a test.
			case ${b##*/} in *.*) continue ;; esac
			[ -x "$b" ] && [ -f "$b" ] && tests_all+=("${b##*/}")
		done
	fi
	for t in $(printf '%s\n' "${tests_all[@]}" | sort -u); do
		[ -x "$BUILD/unit/$t" ] || { echo "$name: no unit test named $t"; return 1; }
		cp "$OUT/syms/$t" "$dir/$t.syms"
		: > "$dir/$t.link"
		for i in "${!lib[@]}"; do
			comm -12 "$dir/$((i + 1)).syms" "$dir/$t.syms" | grep -q . &&
				echo "${lib[$i]}" >> "$dir/$t.link"
		done
		tobj=$(printf '%s\n' "${objs[@]}" | grep "/$t\.o$" || true)
		if [ "$mode" != full ] || [ -n "$tobj" ] || [ -s "$dir/$t.link" ]; then
			tests+=("$t")
			[ -z "$tobj" ] || need+=("$tobj")
			mapfile -t -O "${#need[@]}" need < "$dir/$t.link"
		fi
	done

	local src mo
	for o in $(printf '%s\n' "${need[@]}" | sort -u); do
		src=${o#"$BUILD/unit/"}
		src=${src%.o}.c
		mo=$dir/obj/${o#"$BUILD/unit/"}
		mkdir -p "$(dirname "$mo")"
		# shellcheck disable=SC2086 # the flags are words
		$CC $UNIT_CFLAGS -I"$dir/inc" $UNIT_ROOTS -c "$src" -o "$mo" 2> "$mo.err" ||
			{ echo "$name $old -> $value: $src does not compile (a compile error is no test)"; return 1; }
	done

	local bin linked table
	for t in "${tests[@]}"; do
		tobj=$(find "$BUILD/unit/tests/unit" -name "$t.o" | head -1)
		[ -f "$dir/obj/${tobj#"$BUILD/unit/"}" ] && tobj=$dir/obj/${tobj#"$BUILD/unit/"}
		linked=$(sed "s|^$BUILD/unit/|$dir/obj/|" "$dir/$t.link")
		bin=$dir/$t
		table=
		if [ -f "$BUILD/unit/symtab-$t.o" ]; then
			# A test with a symbol table of its own (the Makefile's
			# unit_test_symtab): a first link with an empty table,
			# the mutant's table from it, then the link below.
			# shellcheck disable=SC2086
			$CC $UNIT_CFLAGS "$tobj" $linked "$BUILD/unit/libunit.a" \
				"$BUILD/unit/symtab-empty.o" -o "$bin.pass1" $UNIT_LIBS 2> "$bin.err" &&
				scripts/mksymtab.sh "$bin.pass1" > "$bin-symtab.c" &&
				$CC -std=gnu11 -O1 $UNIT_ROOTS -c "$bin-symtab.c" -o "$bin-symtab.o" \
					2>> "$bin.err" ||
				{ echo "$name $old -> $value: $t's symbol table does not build"; return 1; }
			table=$bin-symtab.o
		fi
		# shellcheck disable=SC2086
		$CC $UNIT_CFLAGS "$tobj" $linked $table "$BUILD/unit/libunit.a" -o "$bin" $UNIT_LIBS \
			2> "$bin.err" || { echo "$name $old -> $value: $t does not link"; return 1; }
		[ -z "$table" ] || scripts/mksymtab.sh --check "$bin.pass1" "$bin" 2>> "$bin.err" ||
			{ echo "$name $old -> $value: $t's symbols moved between its links"; return 1; }
		if timeout "$TEST_TIMEOUT" "$bin" > "$bin.log" 2>&1; then
			missed+=("$t")
		else
			caught+=("$t")
		fi
	done

	local line="$name $old -> $value ($header):"
	line+=" caught by ${caught[*]:-nothing}"
	[ ${#missed[@]} -eq 0 ] || line+="; passed: ${missed[*]}"
	for t in test_spec "${want[@]}"; do
		if ! printf '%s\n' "${caught[@]}" | grep -qx "$t"; then
			echo "$line -- NOT CAUGHT by $t"
			return 1
		fi
	done
	echo "$line"
	# Caught as listed: the tests' output stays, the mutant's build goes.
	rm -rf "$dir/obj" "$dir"/*.syms
	find "$dir" -maxdepth 1 -type f -name 'test_*' ! -name '*.*' -delete
}

if [ "${1:-}" = --one ]; then
	shift
	one "$@"
	exit
fi

mode=full
[ "${1:-}" = --quick ] && { mode=quick; shift; }
list=${1:-tests/unit/mutations.txt}
[ -r "$list" ] || die "cannot read the mutation list $list"
for t in "$BUILD/unit/test_spec" "$BUILD/unit/libunit.a"; do
	[ -f "$t" ] || die "$t is missing: make unit first"
done
# The default folder is the script's own to clear; another must be empty.
if [ "$OUT" = "$BUILD/mutate" ]; then
	rm -rf "$OUT"
elif [ -e "$OUT" ] && [ -n "$(ls -A "$OUT")" ]; then
	die "MUTATE_OUT $OUT is not empty"
fi
mkdir -p "$OUT/syms"

# Shared by every mutation: each object's files ("object<TAB>file", from the
# dependency files of the unit build) and each test's defined symbols.
# An object whose source is gone (a renamed file) is left out.
find "$BUILD/unit" -name '*.d' | sort | while IFS= read -r d; do
	s=${d#"$BUILD/unit/"}
	[ -f "${s%.d}.c" ] && printf '%s\0' "$d"
done | xargs -0 awk '
	FNR == 1 { obj = FILENAME; sub(/\.d$/, ".o", obj) }
	{
		for (i = 1; i <= NF; i++)
			if ($i != "\\" && $i !~ /:$/) print obj "\t" $i
	}' > "$OUT/deps"
for b in "$BUILD"/unit/test_*; do
	case ${b##*/} in *.*) continue ;; esac
	if [ ! -x "$b" ] || [ ! -f "$b" ]; then continue; fi
	nm --defined-only "$b" | awk '{ print $3 }' | sort -u > "$OUT/syms/${b##*/}"
done

# --quick runs test_spec on every mutation and the named tests on one in
# QUICK_SHARE of them, a different share at each commit (by the commit count),
# to stay within a few seconds of make test; make mutate runs everything.
QUICK_SHARE=6
turn=$(git rev-list --count HEAD 2>/dev/null || echo 0)

# Each line: header constant mutant [tests that must catch it]; # comments.
n=0
jobs=$OUT/jobs
: > "$jobs"
while read -r header name value rest; do
	case $header in ''|'#'*) continue ;; esac
	[ -n "$value" ] || die "$list: '$header $name': want HEADER CONSTANT MUTANT [TESTS...]"
	[ -f "$header" ] || die "$list: no header $header"
	n=$((n + 1))
	m=$mode
	[ "$mode" = quick ] && [ $(((n + turn) % QUICK_SHARE)) -ne 0 ] && m=spec
	# shellcheck disable=SC2086 # the tests are words
	printf '%s\0' "$m" "$(printf '%03d' $n)" "$header" "$name" "$value" $rest > "$OUT/args.$n"
	echo "$n" >> "$jobs"
done < "$list"
[ $n -gt 0 ] || die "$list holds no mutation"

export CC BUILD OUT UNIT_CFLAGS UNIT_ROOTS UNIT_LIBS
start=$(date +%s)
# Each mutation's report goes to its own file, printed in list order.
xargs -P "$JOBS" -I{} sh -c \
	'xargs -0 "$0" --one < "$1/args.$2" > "$1/report.$2" 2>&1; echo $? > "$1/rc.$2"' \
	"$0" "$OUT" {} < "$jobs"
fail=0
for i in $(seq 1 $n); do
	if [ "$(cat "$OUT/rc.$i")" != 0 ]; then
		fail=$((fail + 1))
		echo "mutate: FAIL: $(cat "$OUT/report.$i")"
	else
		echo "mutate: $(cat "$OUT/report.$i")"
	fi
done
echo "mutate ($mode): $n mutations, $fail not caught as listed, $(( $(date +%s) - start )) s"
[ $fail -eq 0 ]
