#!/bin/sh
# make docs: rewrite every figure README.md and docs/ take from a run. A
# figure lies between `<!-- run: NAME -->` (NAME of a-z 0-9 . _ -) and
# `<!-- /run -->` (on one line: a value in a sentence; on lines of their own:
# a block), a parity table
# between `<!-- parity SOURCE -->` and `<!-- /parity -->`. The runs are TCG
# boots under -icount (deterministic: a fresh clone's docs are current), with
# the arguments tests/e2e/conftest.py's boot() gives, so tests/e2e/
# test_docs.py hands its shared boots in with --runs; timings come from the
# committed `make bench` output, BENCH_FILE. A few are what the host makes of
# the runs (a compare, a run history) or a lesson's transcript, which
# tests/e2e/test_lessons.py holds to its run.
#   scripts/docs.sh build/pmulab [--runs DIR] [--check] [--doc FILE]...
#     --runs DIR  DIR/NAME are the run directories (else booted here)
#     --check     change nothing; print how each doc differs, exit 1 if any
#     --doc FILE  only FILE's figures (repeatable; default README.md docs/*.md)
#   scripts/docs.sh --list   the runs: "NAME SETTING..." a line
set -eu
RUNS="default pmu-check sample sample-random probes ftrace"

# The runs' settings, each a --set, as conftest.py's boot(*settings) makes
# them.
settings() {
	case $1 in
	default) ;;
	pmu-check) echo "suite=pmu-check" ;;
	sample) echo "suite=sample" ;;
	sample-random) echo "suite=sample sample_random=on" ;;
	probes) echo "suite=probes" ;;
	ftrace) echo "suite=ftrace" ;;
	esac
}

if [ "${1-}" = --list ]; then
	for r in $RUNS; do
		echo "$r $(settings "$r")"
	done
	exit 0
fi
pmulab=$1
shift
runs=
check=0
only=
while [ $# -gt 0 ]; do
	case $1 in
	--runs) runs=$2; shift ;;
	--check) check=1 ;;
	--doc) only="$only $2"; shift ;;
	*) echo "docs: unknown argument '$1'" >&2; exit 2 ;;
	esac
	shift
done
# The machine whose `make bench` the docs quote (docs/bench/README.md).
BENCH_FILE=docs/bench/epyc-2core.txt
DOCS=${only:-README.md docs/*.md}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
vals=$tmp/vals
mkdir "$vals"

# boot NAME: the run NAME into $runs/NAME, unless it is there.
boot() {
	rn=$1
	[ -d "$runs/$rn" ] && return
	set --
	for s in $(settings "$rn"); do
		set -- "$@" --set "$s"
	done
	"$pmulab" run --format json --tcg --cpu Skylake-Client --icount 5 --timeout 120 \
		"$@" --out "$runs/$rn" > "$tmp/$rn.json" 2> "$tmp/$rn.err" || {
		echo "docs: run $rn failed:" >&2
		tail -5 "$tmp/$rn.err" >&2
		exit 1
	}
}

# The runs a figure comes from.
runs_of() {
	case $1 in
	report.*) echo pmu-check ;;
	default.*) echo default ;;
	db.*) echo pmu-check default ;;
	sample.figures|profile.compare|profile.shares) echo sample sample-random ;;
	sample.*|profile.*) echo sample ;;
	probes.*) echo probes ;;
	ftrace.*) echo ftrace ;;
	esac
}

# A value is computed in a subshell, where exit ends only that: a missing
# figure leaves this mark, and nothing is written.
fail() {
	echo "docs: $*" >&2
	: > "$tmp/failed"
}

run() {
	[ -d "$runs/$1" ] || fail "no run $1 in $runs"
	echo "$runs/$1"
}

# field RUN TYPE KEY [MATCH]: KEY of RUN's first TYPE record holding every
# "key=value" of MATCH (a bare word: name=WORD). The figures are counts.
field() {
	m=${4-}
	case $m in *=*) ;; ?*) m=name=$m ;; esac
	awk -v t="$2" -v k="$3" -v m="$m" '
		BEGIN { nm = split(m, want, " ") }
		$3 != t { next }
		{ v = ""; hits = 0 }
		{ for (i = 4; i <= NF; i++) {
			if (index($i, k "=") == 1) v = substr($i, length(k) + 2)
			for (j = 1; j <= nm; j++) if ($i == want[j]) hits++
		} }
		hits == nm && v != "" { print v; found = 1; exit }
		END { exit !found }' "$(run "$1")/records.txt" 2>/dev/null || {
		fail "run $1 has no $2 record${m:+ with $m} with $3"
		echo 0	# for the arithmetic: the failure mark stops the write
	}
}

pct() {
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f%%", 100 * a / b }'
}

# bench LABEL WHAT: from BENCH_FILE's block LABEL (a line starting so):
# median, range (min–max), ratio (median over the firmware boot), end (one
# boot's boot-to-end).
bench() {
	awk -v l="$1" -v w="$2" '
		index($0, l ":") == 1 { on = 1; next }
		on && /^[^ ]/ { exit }
		on && w == "median" && /boot-to-end min/ { print $6 " s"; exit }
		on && w == "range" && /boot-to-end min/ { print $3 "–" $9 " s"; exit }
		on && w == "ratio" && /times the firmware/ { print $2; exit }
		on && w == "end" && /boot-to-end [0-9]/ { sub(",", "", $2); print $2 " s"; exit }
	' "$BENCH_FILE" | grep . || fail "$BENCH_FILE has no $2 for '$1'"
}

fenced() {
	echo '```'
	cat
	echo '```'
}

# The value of each NAME, into $vals/NAME.
value() {
	case $1 in
	report.pmu-check)
		"$pmulab" report "$(run pmu-check)" | grep -v '^source ' | fenced ;;
	report.suite-table)
		"$pmulab" report "$(run pmu-check)" |
			sed -n '/^suite pmu-check:/,/^not counted:/p' | fenced ;;
	report.skip-line)
		"$pmulab" report "$(run pmu-check)" |
			sed -n 's/^  \(skip [0-9]* (no-arch-pmu): [^,]*\),.*/`\1, …`/p' ;;
	default.records)
		"$pmulab" report "$(run default)" | sed -n 's/^stream *\([0-9]*\) records.*/\1/p' ;;
	default.records-kb)
		echo "$(($(stat -c %s "$(run default)/records.txt") / 1000)) KB" ;;
	default.db-kib|default.db-fields)
		[ -f "$tmp/db" ] || PMULAB_DB=$tmp/db "$pmulab" db add "$(run default)" \
			> /dev/null 2>&1 || fail "pmulab db add $(run default) failed"
		if [ "$1" = default.db-kib ]; then
			# Where the run was and on which host are not the run's:
			# the same for every run, and compacted.
			sqlite3 "$tmp/db" "update runs set dir = 'RUN', host = 'HOST'; vacuum"
			echo "$(($(stat -c %s "$tmp/db") / 1024)) KiB"
		else
			sqlite3 "$tmp/db" 'select count(*) from fields'
		fi ;;
	default.branch-miss.*)
		b=branch-${1#default.branch-miss.}
		awk -v m="$(field default counter value "bench=$b event=branch-misses src=model")" \
		    -v n="$(field default bench iters "$b")" 'BEGIN { printf "%.2f", m / n }' ;;
	default.perf-stat)
		# The loop bench's block, its rows of three events: each source.
		"$pmulab" report "$(run default)" --format perf-stat |
			awk '/^ Performance counter stats for bench / { on = /\x27loop\x27/ }
			     on && (/^ Perf/ || $2 ~ /^(instructions|branches|branch-misses)$/ ||
				    $3 ~ /^(instructions|branches|branch-misses)$/)' | fenced ;;
	default.summary)
		# The screen's last lines (firmware/summary.c), as the serial line had them.
		tr -d '\r' < "$(run default)/serial.log" |
			sed -n '/^pmulab [^ ]*: finished, status=/,/^  results /p' | fenced ;;
	db.history|db.machines|db.diff)
		# A history of two runs: pmu-check's (run 1), then the default's
		# (run 2). Where each was is named as the runs folder names it,
		# and when, which no two boots share, is masked.
		if [ ! -f "$tmp/history.db" ]; then
			PMULAB_DB=$tmp/history.db "$pmulab" db add "$(run pmu-check)" "$(run default)" \
				> /dev/null 2>&1 || fail "pmulab db add $(run pmu-check) $(run default) failed"
			sqlite3 "$tmp/history.db" "update runs set dir = 'runs/' || \
				case id when 1 then 'pmu-check' else 'default' end"
		fi
		case $1 in
		db.history) set -- history instructions --bench loop ;;
		db.machines) set -- db machines ;;
		db.diff) set -- db diff 1 2 ;;
		esac
		{ echo "\$ pmulab $*"; PMULAB_DB=$tmp/history.db "$pmulab" "$@" ||
			fail "pmulab $* failed"; } |
			sed -E 's/[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}/YYYY-MM-DD hh:mm:ss/g' |
			fenced ;;
	default.csv)
		"$pmulab" report "$(run default)" --format csv |
			awk -F, '$8 == "loop" && $3 ~ /^(instructions|branches|branch-misses)$/' | fenced ;;
	default.checks)
		"$pmulab" report "$(run default)" | sed -n 's/^checks *\([0-9]*\):.*/\1/p' ;;
	default.report-lines)
		"$pmulab" report "$(run default)" | wc -l ;;
	default.records-lines)
		"$pmulab" report "$(run default)" --format records | wc -l ;;
	default.tap-end)
		echo "\`$("$pmulab" report "$(run default)" --format tap | tail -1)\`" ;;
	sample.workload)
		r=sample
		total=$(field $r sample_workload insns_per_iter)
		echo "| function | instructions per iteration | share |"
		echo "|---|---|---|"
		for f in hot:"6 + 4 × 240 (mov, mov, 2 movabs, nop; imul, add, sub, jne a step; ret)" \
			 cold:"6 + 4 × 24" work:"(push, mov, call, mov, call, pop, ret)" \
			 sampled_run:"(call, add, mov, cmp, jne)"; do
			fn=${f%%:*}
			n=$(field $r sample_workload "${fn}_insns")
			case $fn in hot|cold) how="$n = ${f#*:}" ;; *) how="$n ${f#*:}" ;; esac
			echo "| $fn | $how | $(pct "$n" "$total") |"
		done
		echo "| total | $total | |" ;;
	sample.figures)
		echo "| | periodic (default) | \`sample_random=on\` |"
		echo "|---|---|---|"
		line() {
			printf '| %s | %s | %s |\n' "$1" "$2" "$3"
		}
		for r in sample sample-random; do
			eval "n_$(echo $r | tr - _)=\$(field $r sampling samples)"
		done
		hot() {
			echo "$(pct "$(field "$1" check hot sample.hot-share)" \
				"$(field "$1" sampling samples)") ($(field "$1" check hot sample.hot-share))"
		}
		stepped() {
			awk -v p="$(field "$1" sample_workload hot_permille)" \
				'BEGIN { printf "%.1f%%", p / 10 }'
		}
		lost() {
			echo "$(field "$1" sampling lost), $(field "$1" sampling throttled)," \
			     "$(field "$1" check value sample.stray)"
		}
		line "samples per run" "$n_sample" "$n_sample_random"
		line "share in hot" "$(hot sample)" "$(hot sample-random)"
		line "stepped share in hot" "$(stepped sample)" "$(stepped sample-random)"
		line "handler cost" "$(field sample sample_cost insns_per_sample) instructions a sample, interrupt entry to IRETQ (\`sample_cost\`: sampled run − plain run, over the interrupts)" \
			"$(field sample-random sample_cost insns_per_sample)"
		line "lost, throttled, stray" "$(lost sample)" "$(lost sample-random)"
		echo
		echo "A periodic timer counts the handler's time too:" \
		     "($(field sample sample_cost run_insns) + $n_sample ×" \
		     "$(field sample sample_cost insns_per_sample)) ×"
		echo "32 / $(field sample sampling period) =" \
		     "$(( ($(field sample sample_cost run_insns) + n_sample * \
			$(field sample sample_cost insns_per_sample)) * 32 / \
			$(field sample sampling period) )) samples. In one-shot mode the next period starts when the"
		echo "handler writes TMICT, so the handler's time before that is not counted." ;;
	sample.work-insns)
		field sample counter value "bench=sample-work event=instructions src=icount" ;;
	sample.work-iters)
		field sample bench iters sample-work ;;
	sample.run-insns)
		field sample sample_cost run_insns ;;
	sample.hot)
		pct "$(field sample check hot sample.hot-share)" "$(field sample sampling samples)" ;;
	sample.samples)
		field sample sampling samples ;;
	sample.share.*)
		"$pmulab" report "$(run sample)" --sort symbol |
			awk -v f="${1#sample.share.}" '$3 == f { print $1 }' ;;
	sample.stepped.*)
		pct "$(field sample sample_workload "${1#sample.stepped.}_insns")" \
			"$(field sample sample_workload insns_per_iter)" ;;
	profile.compare|profile.shares)
		# Named as the runs folder names them, wherever that is.
		pm=$(cd "$(dirname "$pmulab")" && pwd)/$(basename "$pmulab")
		(cd "$(dirname "$(run sample)")" && "$pm" compare sample sample-random) > "$tmp/compare.txt" ||
			fail "pmulab compare sample sample-random: exit $?"
		if [ "$1" = profile.compare ]; then
			sed '1,/^profiles (docs\/profiles.md):$/d' "$tmp/compare.txt"
		else
			sed -n '/^profile shares:/,/^$/p' "$tmp/compare.txt" | sed '/^$/d'
		fi | fenced ;;
	profile.symbol)
		"$pmulab" report "$(run sample)" --sort symbol | fenced ;;
	profile.folded)
		"$pmulab" report "$(run sample)" --format folded | fenced ;;
	profile.perf-script)
		# The first sample: its header and innermost frames.
		"$pmulab" report "$(run sample)" --format perf-script |
			awk 'NR <= 5 { print; next } { print "\t               ..."; exit }' | fenced ;;
	profile.caller)
		"$pmulab" report "$(run sample)" --callgraph | sed -n '/^# call graph, caller/,$p' |
			awk '/^#/ || ++n <= 2 { print; next }
			     n == 3 { print "   ..." } /sampled_run/ { on = 1 } on' | fenced ;;
	profile.callee)
		"$pmulab" report "$(run sample)" --callgraph=callee |
			sed -n '/^# call graph, callee/,$p' | grep -v '^#' | head -3 | fenced ;;
	probes.round-trip)
		for p in kprobe-boost-tr_leaf kprobe-pt_call kretprobe-tr_leaf dr-exec-tr_leaf; do
			field probes probe insns_per_hit "$p"
		done | sort -n | sed -n '1p;$p' | paste -sd- ;;
	probes.base.*)
		field probes probe base_insns "kprobe-${1#probes.base.}" ;;
	probes.ratio)
		field probes probe ratio kprobe-tr_leaf ;;
	lesson7.stepped|lesson7.boosted)
		# Lesson 7's answer, from its transcript (tests/e2e/test_lessons.py
		# holds that to a run).
		sed -n 's/^Answer: \([0-9]*\) instructions a hit.*/\1/p; s/.*Boosted, \([0-9]*\):.*/\1/p' \
			docs/lessons/07-kprobe.md | sed -n "$([ "$1" = lesson7.stepped ] && echo 1 || echo 2)p" ;;
	probes.hit-cost)
		field probes check value probes.hit-cost ;;
	probes.hit-spare)
		echo $(($(field probes check hi probes.hit-cost) - $(field probes check value probes.hit-cost))) ;;
	ftrace.format)
		"$pmulab" report "$(run ftrace)" --format ftrace | fenced ;;
	ftrace.nop)
		field ftrace check value ftrace.nop-cost ;;
	ftrace.function|ftrace.function_graph)
		field ftrace ftrace_cost insns_per_call "tracer=${1#ftrace.}" ;;
	ftrace.function-call)
		echo $(($(field ftrace check value ftrace.nop-cost) + \
			$(field ftrace ftrace_cost insns_per_call tracer=function))) ;;
	insn.corpus|insn.random|insn.bad|insn.vex|insn.rex)
		# The decoder's oracle test (docs/insn.md) says what it compared;
		# it finds the objdump outputs from the top of the tree.
		[ -f "$tmp/insn.txt" ] ||
			(cd "$(dirname "$pmulab")/.." && "./$(basename "$(dirname "$pmulab")")/unit/test_insn") \
				> "$tmp/insn.txt" || fail "the decoder test failed"
		awk -v w="${1#insn.}" '
			w == "corpus" && / corpus encodings checked/ { print $2 }
			w == "random" && / random encodings checked/ { print $2 }
			w == "bad" && / random encodings checked/ {
				sub(/.*mismatches \(/, ""); print $1 }
			w == "vex" && / random encodings checked/ {
				sub(/.*excluded: /, ""); print $1 }
			w == "rex" && / random encodings checked/ {
				sub(/.*, /, ""); print $1 }' "$tmp/insn.txt" ;;
	bench.machine)
		sed -n 's/^machine: //p' "$BENCH_FILE" ;;
	bench.host)
		sed -n '/^host reading/,$p' "$BENCH_FILE" | fenced ;;
	bench.host.100MB-records)
		awk '$1 == 100 && $2 == "MB" { print $3 }' "$BENCH_FILE" ;;
	bench.host.100MB-x-input)
		awk '$1 == 100 && $2 == "MB" { print $NF }' "$BENCH_FILE" ;;
	bench.linux-*)
		# bench-linux.sh's blocks: each figure is the word after its key.
		key=${1##*.}
		label=${1#bench.}
		label=${label%.*}
		awk -v l="$label" -v k="$key" '
			index($0, l ":") == 1 { on = 1 }
			on && /^[^ ]/ && index($0, l ":") != 1 { exit }
			on { for (i = 1; i < NF; i++) if ($i == k) {
				v = $(i + 1); sub(/[,;]$/, "", v); print v; exit } }
		' "$BENCH_FILE" | grep . || fail "$BENCH_FILE has no $key in block '$label'" ;;
	bench.*)
		what=${1##*.}
		label=${1#bench.}
		bench "${label%.*}" "$what" ;;
	*)
		fail "no figure named '$1'" ;;
	esac
}

# shellcheck disable=SC2086 # DOCS is a list of globs
names=$(grep -ho '<!-- run: [a-z0-9._-]* -->' $DOCS | sort -u | sed 's/<!-- run: \(.*\) -->/\1/')
if [ -z "$runs" ]; then
	runs=$tmp/runs
	mkdir "$runs"
	for r in $(for name in $names; do runs_of "$name"; done | sort -u); do
		boot "$r"
	done
fi
for name in $names; do
	value "$name" > "$vals/$name" || fail "$name: exit $?"
	[ -s "$vals/$name" ] || fail "$name: nothing"
done
# shellcheck disable=SC2086
for src in $(grep -ho '<!-- parity [a-z0-9._/-]* -->' $DOCS | sort -u | sed 's/<!-- parity \(.*\) -->/\1/'); do
	"$pmulab" parity --markdown "$src" > "$vals/parity:$(echo "$src" | tr / _)"
done

# A block (the marker ends its line) gets the value's lines; a figure in a
# sentence gets it without the line end.
fill='
	sub slurp { my ($f) = @_; open(my $h, "<", "$ENV{VALS}/$f") or die "docs: $f: $!\n";
		    local $/; my $v = <$h>; return $v }
	sub put { my ($f, $was) = @_; my $v = slurp($f);
		  if ($was =~ /^\n/) { return "\n" . $v } $v =~ s/\n\z//; return $v }
	s{(<!-- run: ([a-z0-9._-]+) -->)(.*?)(<!-- /run -->)}{$1 . put($2, $3) . $4}gse;
	s{(<!-- parity (\S+) -->)(.*?)(<!-- /parity -->)}
	 {my $s = $2; $s =~ tr{/}{_}; $1 . put("parity:$s", $3) . $4}gse;
'
if [ -e "$tmp/failed" ]; then
	echo "docs: a figure could not be made; no doc changed" >&2
	exit 1
fi
changed=0
# shellcheck disable=SC2086
for doc in $DOCS; do
	grep -q '<!-- \(run: [a-z0-9._-]* \|parity [a-z0-9._/-]* \)-->' "$doc" || continue
	VALS=$vals perl -0777 -pe "$fill" "$doc" > "$tmp/new.md"
	cmp -s "$doc" "$tmp/new.md" && continue
	changed=1
	if [ "$check" -eq 1 ]; then
		diff -u "$doc" "$tmp/new.md" | sed "1,2s|$tmp/new.md|$doc (from the runs)|" || true
	else
		cp "$tmp/new.md" "$doc"
		echo "docs: $doc"
	fi
done
if [ "$check" -eq 1 ] && [ "$changed" -eq 1 ]; then
	echo "docs: figures differ from the runs: make docs rewrites them" >&2
	exit 1
fi
