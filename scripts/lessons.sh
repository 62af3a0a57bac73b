#!/bin/sh
# make lessons: rewrite the transcript in each docs/lessons/NN-name.md from a
# fresh `pmulab lesson N --tcg` (-icount: deterministic). The transcript is
# what lies between the two marker lines; the text around it is the doc's.
# tests/e2e/test_lessons.py fails when a doc and a fresh run differ.
#   scripts/lessons.sh build/pmulab [N...]
set -eu
pmulab=$1
shift
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
begin='<!-- transcript: begin'
end='<!-- transcript: end -->'

for doc in docs/lessons/[0-9][0-9]-*.md; do
	grep -q "^$begin" "$doc" || continue
	nn=$(basename "$doc" | cut -c1-2)
	n=$(expr "$nn" + 0)
	if [ $# -gt 0 ] && ! echo " $* " | grep -q " $n "; then
		continue
	fi
	rc=0
	"$pmulab" lesson "$n" --tcg --out "$out/l$n" > "$out/t$n.txt" 2>"$out/e$n.txt" || rc=$?
	if [ "$rc" -ne 0 ] || ! tail -1 "$out/t$n.txt" | grep -q '^end status=ok$'; then
		echo "lessons: lesson $n failed (exit $rc):" >&2
		tail -5 "$out/e$n.txt" "$out/t$n.txt" >&2
		exit 1
	fi
	awk -v t="$out/t$n.txt" -v b="$begin" -v e="$end" '
		index($0, b) == 1 { print; print "```text"; while ((getline l < t) > 0) print l;
				    print "```"; skip = 1; next }
		index($0, e) == 1 { skip = 0 }
		!skip { print }' "$doc" > "$out/doc.md"
	cp "$out/doc.md" "$doc"
	echo "lessons: $doc"
done
