#!/bin/sh
# bench/bench_merge.sh CRM: `crm merge-driver` on one record with 200
# follow-ups added on each side (interleaved dates, so theirs' go between
# ours'), beside `git merge-file` on the same three files in the same run.
# Works in a temporary folder.
#
#   BENCH_FOLLOWUPS=200   follow-ups added on each side
#   BENCH_RUNS=21         runs per measurement (the median is shown)
set -eu
CRM=${1:?usage: bench/bench_merge.sh /absolute/path/to/crm}
N=${BENCH_FOLLOWUPS:-200}
RUNS=${BENCH_RUNS:-21}
T=$(mktemp -d "${TMPDIR:-/tmp}/crm-bench-merge-XXXXXX")
trap 'rm -rf "$T"' EXIT INT TERM

python3 - "$T" "$N" <<'PY'
import sys, datetime
t, n = sys.argv[1], int(sys.argv[2])
head = '''id: "202405001"
name: 杭州云栖智能制造有限公司
kind: company
source: trade-show
owner: ming
first_contact: {date: 2020-01-01, by: ming}
tags: [高意向]
stage: initial
stage_history:
  - {stage: initial, date: 2020-01-01}
followups:
'''
def fu(day, by, k):
    d = datetime.date(2020, 1, 2) + datetime.timedelta(days=day)
    return (f"  - date: {d}\n    via: phone\n    by: {by}\n"
            f"    summary: 第{k}次电话，客户关注成本控制与交付周期\n"
            f"    feedback: 需提供同类企业应用案例\n    result: progressed\n    priority: medium\n"
            f"    next: {{date: {d + datetime.timedelta(days=7)}, action: 发送案例资料, by: {by}}}\n")
base = head + fu(0, 'ming', 0)
ours = base + ''.join(fu(2 * i + 2, 'ming', 1000 + i) for i in range(n))
theirs = base + ''.join(fu(2 * i + 1, 'li', 2000 + i) for i in range(n))
for name, text in (('base', base), ('ours', ours), ('theirs', theirs)):
    open(f'{t}/{name}.yaml', 'w').write(text)
PY

usec() {
	s=$(date +%s%N)
	"$@" >/dev/null 2>&1 || { echo "bench: '$*' failed" >&2; exit 1; }
	e=$(date +%s%N)
	echo $(((e - s) / 1000))
}
med() { sort -n "$1" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
least() { sort -n "$1" | head -1; }
ms() { awk -v u="$1" 'BEGIN { printf "%.1f", u / 1000 }'; }

# the result must hold every follow-up once, with no markers
cp "$T/ours.yaml" "$T/a.yaml"
"$CRM" merge-driver "$T/base.yaml" "$T/a.yaml" "$T/theirs.yaml" customers/202405001.yaml
got=$(grep -c 'summary:' "$T/a.yaml")
[ "$got" -eq $((2 * N + 1)) ] || { echo "bench: $got follow-ups after the merge" >&2; exit 1; }

printf 'id: x\n' >"$T/tiny.yaml"
: >"$T/crm"; : >"$T/git"; : >"$T/tiny"
i=0
while [ $i -lt "$RUNS" ]; do
	cp "$T/ours.yaml" "$T/a.yaml"
	usec "$CRM" merge-driver "$T/base.yaml" "$T/a.yaml" "$T/theirs.yaml" p >>"$T/crm"
	cp "$T/ours.yaml" "$T/b.yaml"
	# git's line merge conflicts here (exit 1): time it all the same
	s=$(date +%s%N); git merge-file -q "$T/b.yaml" "$T/base.yaml" "$T/theirs.yaml" || :; e=$(date +%s%N)
	echo $(((e - s) / 1000)) >>"$T/git"
	cp "$T/tiny.yaml" "$T/c.yaml"
	usec "$CRM" merge-driver "$T/tiny.yaml" "$T/c.yaml" "$T/tiny.yaml" p >>"$T/tiny"
	i=$((i + 1))
done
c=$(med "$T/crm"); g=$(med "$T/git")
kb=$(($(wc -c <"$T/a.yaml") / 1024))
echo "merge of a record with $N follow-ups added on each side ($kb KB merged), $RUNS runs"
echo "                     median    fastest"
echo "  crm merge-driver   $(ms "$c") ms  $(ms "$(least "$T/crm")") ms  (clean: $((2 * N + 1)) follow-ups in date order)"
echo "  crm, one-line file $(ms "$(med "$T/tiny")") ms  $(ms "$(least "$T/tiny")") ms  (starting crm: libgit2, libyaml)"
echo "  git merge-file     $(ms "$g") ms  $(ms "$(least "$T/git")") ms  (baseline; leaves conflict markers)"
