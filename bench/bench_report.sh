#!/bin/sh
# bench/bench_report.sh CRM: `crm report funnel` (warm index) and the whole
# `crm report --json`, as ratios against the floor measured in the same run:
# walking customers/ and stat-ing every file (bench/parse_only.c -s), the
# least any tool must do to see every hand edit. The issue's target:
# report funnel <= 2x the floor.
#
#   BENCH_SIZES="10000"   book sizes (bench/gen.py generates them)
#   BENCH_RUNS=5          runs per measurement (the median is shown)
set -eu
CRM=${1:?usage: bench/bench_report.sh /absolute/path/to/crm}
HERE=$(cd "$(dirname "$0")" && pwd)
SIZES=${BENCH_SIZES:-"10000"}
RUNS=${BENCH_RUNS:-5}

T=$(mktemp -d "${TMPDIR:-/tmp}/crm-bench-report-XXXXXX")
trap 'rm -rf "$T"' EXIT INT TERM
export HOME="$T" GIT_CONFIG_NOSYSTEM=1 NO_COLOR=1 LANG=C.UTF-8 CRM_TODAY=2024-12-31
unset LC_ALL LC_MESSAGES GIT_DIR GIT_WORK_TREE
git config --global user.name Ming
git config --global user.email ming@example.com
git config --global init.defaultBranch main
cc -O2 -o "$T/parse_only" "$HERE/parse_only.c" $(pkg-config --cflags --libs yaml-0.1)

usec() {
	s=$(date +%s%N)
	"$@" >/dev/null 2>&1 || { echo "bench: '$*' failed" >&2; exit 1; }
	e=$(date +%s%N)
	echo $(((e - s) / 1000))
}
med() { sort -n "$1" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
ms() { awk -v u="$1" 'BEGIN { printf "%.1f", u / 1000 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

echo "crm report against the floor (walk customers/ and stat every file; median of $RUNS runs)"
for n in $SIZES; do
	book="$T/book$n"
	"$CRM" init "$book" >/dev/null
	cat >"$book/crm.yaml" <<'YAML'
book: bench
id_format: "{yyyy}{mm}{seq:3}"
team:
  - {id: ming, name: 王明 Ming Wang, email: ming@example.com}
  - {id: li, name: 李娜 Li Na, email: li@example.com}
  - {id: sarah, name: Sarah Chen, email: sarah@example.com}
YAML
	gen=$(python3 "$HERE/gen.py" "$book" "$n")
	(cd "$book" && git add -A && git commit -qm "bench: $n records" --no-verify)
	"$CRM" -C "$book" report funnel >/dev/null # builds the index
	: >"$T/walk"; : >"$T/funnel"; : >"$T/all"
	i=0
	while [ $i -lt "$RUNS" ]; do
		usec "$T/parse_only" -s "$book/customers" >>"$T/walk"
		usec "$CRM" -C "$book" report funnel >>"$T/funnel"
		usec "$CRM" -C "$book" report --json >>"$T/all"
		i=$((i + 1))
	done
	w=$(med "$T/walk"); f=$(med "$T/funnel"); a=$(med "$T/all")
	echo "$gen: floor $(ms "$w") ms; report funnel $(ms "$f") ms ($(ratio "$f" "$w")x);" \
	     "report --json (all five) $(ms "$a") ms ($(ratio "$a" "$w")x)"
done
