#!/bin/sh
# bench/bench_index.sh CRM: reads from the index (SPEC §8) against the floor,
# a C program that only walks customers/ and lstats every record
# (parse_only -s), measured in the same run on the same book. See
# bench/README.md for the goals.
#
#   BENCH_SIZES="10000"         book sizes (add 100000 by hand: it takes a while)
#   BENCH_RUNS=5                runs per measurement (the median is shown)
set -eu
CRM=${1:?usage: bench/bench_index.sh /absolute/path/to/crm}
HERE=$(cd "$(dirname "$0")" && pwd)
SIZES=${BENCH_SIZES:-"10000"}
RUNS=${BENCH_RUNS:-5}

T=$(mktemp -d "${TMPDIR:-/tmp}/crm-bench-ix-XXXXXX")
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
# usec_any: the same, for commands whose exit 1 means "nothing found"
usec_any() {
	s=$(date +%s%N)
	"$@" >/dev/null 2>&1 || true
	e=$(date +%s%N)
	echo $(((e - s) / 1000))
}
med() { sort -n "$1" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
ms() { awk -v u="$1" 'BEGIN { printf "%.1f", u / 1000 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
# maxrss CMD...: peak resident memory in KB (GNU time when present)
maxrss() {
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1
	else
		echo "?"
	fi
}

echo "reads from the index against the floor (walk customers/ + lstat each), median of $RUNS"
echo "crm: $CRM"
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
	"$CRM" -C "$book" setup --user ming >/dev/null
	echo
	echo "book of $gen"
	# files older than the racy window, so that warm reads trust them
	sleep 2
	"$T/parse_only" "$book/customers" >/dev/null
	one=$(find "$book/customers" -name '*.yaml' | sort | head -1)
	for m in walk parse build buildx list find agenda sql report edit; do : >"$T/$m"; done
	"$CRM" -C "$book" sql 'SELECT 1' >/dev/null
	i=0
	while [ $i -lt "$RUNS" ]; do
		"$T/parse_only" -s "$book/customers" >/dev/null # warm-up, after the pause below
		usec "$T/parse_only" -s "$book/customers" >>"$T/walk"
		usec_any "$CRM" -C "$book" list --tag 高意向 --stage negotiation >>"$T/list"
		usec_any "$CRM" -C "$book" find 张伟 >>"$T/find"
		usec_any "$CRM" -C "$book" agenda --all >>"$T/agenda"
		usec "$CRM" -C "$book" sql 'SELECT owner, stage, count(*) FROM customers GROUP BY 1, 2' >>"$T/sql"
		usec "$CRM" -C "$book" report funnel >>"$T/report"
		# one hand edit (same size), then the first read
		sed -i 's/^name: \(.\)/name: \1/' "$one"
		touch "$one"
		usec_any "$CRM" -C "$book" list --tag 高意向 --stage negotiation >>"$T/edit"
		# the first build last: the writeback of its 60 MB would slow the reads.
		# Its baseline, a parse, is taken again just before it: this machine's
		# speed drifts over seconds, and the ratio of the pair is what counts.
		rm -rf "$book/.git/crm"
		p=$(usec "$T/parse_only" "$book/customers")
		echo "$p" >>"$T/parse"
		b=$(usec "$CRM" -C "$book" sql 'SELECT 1')
		echo "$b" >>"$T/build"
		echo "$(ratio "$b" "$p")" >>"$T/buildx"
		sync
		sleep 1
		i=$((i + 1))
	done
	walk=$(med "$T/walk")
	parse=$(med "$T/parse")
	printf '  %-34s %10s ms\n' "floor: walk + lstat" "$(ms "$walk")"
	printf '  %-34s %10s ms\n' "libyaml event parse of every record" "$(ms "$parse")"
	printf '  %-34s %10s ms  %6s x parse (goal <= 1.3; median over rounds of build / parse)\n' \
		"first build (sql, no index)" "$(ms "$(med "$T/build")")" "$(med "$T/buildx")"
	for m in list find agenda sql report edit; do
		case $m in
		list) what="warm list --tag --stage"; goal=1.5 ;;
		find) what="warm find 张伟"; goal=2 ;;
		agenda) what="warm agenda --all"; goal=2 ;;
		sql) what="warm sql GROUP BY"; goal=1.5 ;;
		report) what="warm report funnel"; goal=2 ;;
		edit) what="list after one hand edit"; goal=1.5 ;;
		esac
		printf '  %-34s %10s ms  %6s x floor (goal <= %s)\n' "$what" "$(ms "$(med "$T/$m")")" \
			"$(ratio "$(med "$T/$m")" "$walk")" "$goal"
	done
	rm -rf "$book/.git/crm"
	printf '  %-34s %10s KB\n' "peak RSS, first build" "$(maxrss "$CRM" -C "$book" sql 'SELECT 1')"
	printf '  %-34s %10s KB\n' "peak RSS, warm list" "$(maxrss "$CRM" -C "$book" list)"
	printf '  %-34s %10s KB\n' "peak RSS, warm find" "$(maxrss "$CRM" -C "$book" find 张伟)"
	printf '  %-34s %10s KB\n' "peak RSS, warm agenda --all" "$(maxrss "$CRM" -C "$book" agenda --all)"
	printf '  %-34s %10s KB\n' "peak RSS, warm report" "$(maxrss "$CRM" -C "$book" report)"
done
