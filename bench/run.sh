#!/bin/sh
# bench/run.sh CRM: how fast `crm validate` is, as ratios against a libyaml
# parse-only pass over the same files measured in the same run (see
# bench/README.md). Generates books of 1,000 and 10,000 records in a
# temporary folder; nothing outside it is touched.
#
#   BENCH_SIZES="1000 10000"   the book sizes
#   BENCH_RUNS=5               runs per measurement (the median is shown)
set -eu
CRM=${1:?usage: bench/run.sh /absolute/path/to/crm}
HERE=$(cd "$(dirname "$0")" && pwd)
SIZES=${BENCH_SIZES:-"1000 10000"}
RUNS=${BENCH_RUNS:-5}

T=$(mktemp -d "${TMPDIR:-/tmp}/crm-bench-XXXXXX")
trap 'rm -rf "$T"' EXIT INT TERM
export HOME="$T" GIT_CONFIG_NOSYSTEM=1 NO_COLOR=1 LANG=C.UTF-8 CRM_TODAY=2024-12-31
unset LC_ALL LC_MESSAGES GIT_DIR GIT_WORK_TREE
git config --global user.name Ming
git config --global user.email ming@example.com
git config --global init.defaultBranch main

# the baseline tool, built here with the same libyaml crm uses
cc -O2 -o "$T/parse_only" "$HERE/parse_only.c" $(pkg-config --cflags --libs yaml-0.1)

# usec CMD...: wall time of one run in microseconds; the command must succeed
usec() {
	s=$(date +%s%N)
	"$@" >/dev/null 2>&1 || { echo "bench: '$*' failed" >&2; exit 1; }
	e=$(date +%s%N)
	echo $(((e - s) / 1000))
}

# med FILE: the median of the numbers in FILE
med() { sort -n "$1" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

ms() { awk -v u="$1" 'BEGIN { printf "%.1f", u / 1000 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

echo "crm validate against a libyaml parse-only pass (median of $RUNS runs each)"
echo "crm: $CRM"
echo
ROWS=""
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
	kb=$(du -sk "$book/customers" | cut -f1)
	echo "book of $gen, $kb KB on disk"
	# every record is valid: the run measures checking, not printing errors
	if ! "$CRM" -C "$book" validate --quiet; then
		echo "bench: the generated book does not validate" >&2
		exit 1
	fi
	# the cache keeps only files older than two seconds
	sleep 3
	# warm the page cache and the binaries for everyone
	"$T/parse_only" "$book/customers" >/dev/null
	"$T/parse_only" -s "$book/customers" >/dev/null

	# one round measures all four, so that the machine's load weighs on each alike:
	# parse-only, dir-walk, validate with no cache (it fills it), validate again
	: >"$T/parse"; : >"$T/walk"; : >"$T/cold"; : >"$T/warm"
	i=0
	while [ $i -lt "$RUNS" ]; do
		usec "$T/parse_only" "$book/customers" >>"$T/parse"
		usec "$T/parse_only" -s "$book/customers" >>"$T/walk"
		rm -rf "$book/.git/crm"
		usec "$CRM" -C "$book" validate --quiet >>"$T/cold"
		usec "$CRM" -C "$book" validate --quiet >>"$T/warm"
		i=$((i + 1))
	done
	parse=$(med "$T/parse") walk=$(med "$T/walk") cold=$(med "$T/cold") warm=$(med "$T/warm")
	ROWS="$ROWS$n $parse $walk $cold $warm
"
done

echo
printf '%8s  %11s  %11s  %11s  %11s  %12s  %12s  %12s\n' records parse-only dir-walk "validate" "validate" "cold/parse" "warm/parse" "warm/walk"
printf '%8s  %11s  %11s  %11s  %11s  %12s  %12s  %12s\n' "" "(ms)" "(ms)" "cold (ms)" "warm (ms)" "(goal <=1.5)" "" ""
printf '%s' "$ROWS" | while read -r n parse walk cold warm; do
	printf '%8s  %11s  %11s  %11s  %11s  %12s  %12s  %12s\n' "$n" "$(ms "$parse")" "$(ms "$walk")" \
		"$(ms "$cold")" "$(ms "$warm")" "$(ratio "$cold" "$parse")" "$(ratio "$warm" "$parse")" \
		"$(ratio "$warm" "$walk")"
done
echo
echo "parse-only: libyaml event parse of every record (bench/parse_only.c); dir-walk: only walk"
echo "customers/ and lstat each record (parse_only -s). cold: .git/crm removed before each run;"
echo "warm: the cache of the previous run in place, no record changed."
