#!/usr/bin/env bash
# bench_follow.sh CRM [--make-book DIR N]
#
# `crm follow ID --via phone --summary x` end to end in a book of 10,000
# customers, beside the git CLI doing the same kind of change (append the
# same lines to a record with the shell, then `git add FILE && git commit -q
# -m x`). Prints the medians and the ratio crm/git (goal: at most 0.5), and
# checks that `git status --porcelain` is clean afterwards.
#
# Standalone: it makes its own book in a temporary folder (with bench/gen.py
# when that is there, else the generator below), or uses BOOK=DIR when set
# (a committed book whose team has ming; a copy is made, so the caller's book
# is not changed). Run it with bash. Environment:
#   N=10000     customers in the generated book
#   RUNS=11     timed runs of each side, each on a different customer
#   KEEP=1      keep the temporary folder
# With --make-book DIR N it only writes a committed book of N customers to DIR
# (bench_agenda.sh uses this).
set -eu

crm=${1:?usage: bench_follow.sh CRM [--make-book DIR N]}
crm=$(cd "$(dirname "$crm")" && pwd)/$(basename "$crm")
here=$(cd "$(dirname "$0")" && pwd)
export CRM_TODAY=2024-12-31 NO_COLOR=1 GIT_CONFIG_NOSYSTEM=1
export GIT_AUTHOR_NAME=Ming GIT_AUTHOR_EMAIL=ming@example.com
export GIT_COMMITTER_NAME=Ming GIT_COMMITTER_EMAIL=ming@example.com

# The inline generator: N records of realistic size (contacts, needs, tags,
# stage history, 1-4 follow-ups), dated in 2024, ids 2024MMnnnn.
gen_inline() {
	python3 - "$1" "$2" <<'EOF'
import os, random, sys
book, n = sys.argv[1], int(sys.argv[2])
rnd = random.Random(42)
stages = ["initial", "needs", "proposal", "negotiation", "won", "lost"]
vias = ["phone", "visit", "onsite", "email", "meeting", "im", "other"]
results = ["progressed", "no-change", "setback", "no-response"]
prios = {"high": 3, "medium": 7, "low": 14}
names = "科技 贸易 制造 物流 电子 医药 食品 能源 建材 纺织".split()
people = "张伟 王芳 李娜 刘洋 陈静 杨磊 赵敏 黄强".split()
owners = ["ming", "li", "sarah"]
seq = {}
for i in range(n):
    m = 1 + i % 12
    d = 1 + rnd.randrange(28)
    seq[m] = seq.get(m, 0) + 1
    cid = "2024%02d%04d" % (m, seq[m])
    owner = owners[i % 3]
    stage = rnd.choice(stages)
    first = "2024-%02d-%02d" % (m, d)
    hist = ["  - {stage: initial, date: %s}" % first]
    if stage != "initial":
        hist.append("  - {stage: %s, date: %s}" % (stage, first))
    fus = []
    day = d
    for k in range(1 + rnd.randrange(4)):
        p = rnd.choice(list(prios))
        fday = min(28, day + k)
        fd = "2024-%02d-%02d" % (m, fday)
        nd = "2024-%02d-%02d" % (m + (fday + prios[p] > 28 and m < 12), (fday + prios[p] - 1) % 28 + 1)
        fus.append("  - date: %s\n    via: %s\n    by: %s\n    summary: 第%d次沟通，介绍方案\n"
                   "    result: %s\n    priority: %s\n    next: {date: %s, action: 回访确认需求, by: %s}"
                   % (fd, rnd.choice(vias), owner, k + 1, rnd.choice(results), p, nd, owner))
    extra = ""
    if stage == "lost":
        extra += 'lost_reason: 预算不足\n'
    if stage == "won":
        extra += "deal: {amount: %d, signed: %s, contract_end: 2025-%02d-%02d}\n" % (
            10000 * (1 + rnd.randrange(50)), first, m, d)
    text = f'''id: "{cid}"
name: {rnd.choice(names)}{rnd.choice(names)}有限公司{i}
kind: company
source: trade-show
owner: {owner}
first_contact: {{date: {first}, by: {owner}}}
company: {{industry: 智能制造, size: 200-500}}
contacts:
  - name: {rnd.choice(people)}
    title: 采购经理
    phone: "138{i:08d}"
    email: buyer{i}@example.com
    birthday: 19{70 + i % 25}-{1 + i % 12:02d}-{1 + i % 28:02d}
    role: decision-maker
needs:
  summary: 降低仓储管理成本
  budget: {{min: {1000 * (i % 100)}, max: {2000 * (i % 100) + 1000}}}
tags: [高意向]
stage: {stage}
stage_history:
{chr(10).join(hist)}
{extra}followups:
{chr(10).join(fus)}
'''
    path = os.path.join(book, "customers", "2024", "%02d" % m, cid + ".yaml")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)
EOF
}

# make_book DIR N: crm init, a team of three, N records, one commit, this
# clone set up for ming. crm's pre-commit hook is then removed, so that the
# git CLI's commits measure git alone (with it, each would also run crm
# validate, which would flatter crm's ratio).
make_book() {
	"$crm" init "$1" >/dev/null
	cat >"$1/crm.yaml" <<'EOF'
book: bench
id_format: "{yyyy}{mm}{seq:4}"
team:
  - {id: ming, name: Ming, email: ming@example.com}
  - {id: li, name: Li, email: li@example.com}
  - {id: sarah, name: Sarah, email: sarah@example.com}
priorities: {high: 3, medium: 7, low: 14}
reminders: {birthday: 7, dates: 7, contract_end: 30, stale: 30}
currency: CNY
EOF
	if [ -f "$here/gen.py" ] && python3 "$here/gen.py" "$1" "$2" >/dev/null 2>&1 &&
		[ -n "$(ls -A "$1/customers" 2>/dev/null | grep -v '^\.')" ]; then
		:
	else
		gen_inline "$1" "$2"
	fi
	(cd "$1" && git add -A && git -c gc.auto=0 commit -q --no-verify -m "bench book: $2 customers" && git gc -q)
	"$crm" -C "$1" setup --user ming >/dev/null
	rm -f "$1/.git/hooks/pre-commit"
}

if [ "${2:-}" = "--make-book" ]; then
	make_book "${3:?DIR}" "${4:-10000}"
	exit 0
fi

N=${N:-10000}
RUNS=${RUNS:-11}
tmp=$(mktemp -d /tmp/crm-bench-follow.XXXXXX)
export HOME=$tmp
trap '[ "${KEEP:-}" = 1 ] || rm -rf "$tmp"' EXIT
if [ -n "${BOOK:-}" ]; then
	cp -r "$BOOK" "$tmp/book"
	"$crm" -C "$tmp/book" setup --user ming >/dev/null
	rm -f "$tmp/book/.git/hooks/pre-commit" # git alone, as in make_book
else
	echo "making a book of $N customers in $tmp/book ..." >&2
	make_book "$tmp/book" "$N"
fi
cd "$tmp/book"
git config user.name Ming
git config user.email ming@example.com
nrec=$(git ls-files customers | grep -c '\.yaml$')
# customers for each side: every other one from a spread over the book
mapfile -t files < <(git ls-files customers | grep '\.yaml$' | awk -v n="$nrec" -v r="$RUNS" \
	'BEGIN { step = int(n / (2 * r + 2)); if (step < 1) step = 1 } NR % step == 0' | head -n $((2 * RUNS + 2)))
[ "${#files[@]}" -ge $((2 * RUNS + 2)) ] || { echo "bench_follow: too few records" >&2; exit 1; }

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

lines='  - date: 2024-12-31
    via: phone
    by: ming
    summary: x
    priority: medium
    next: {date: 2025-01-07, action: "", by: ming}'

# Each prints "REAL CPU" in milliseconds: wall clock, and user + system time
# of the process and its children (steadier on a loaded machine).
TIMEFORMAT='%3R %3U %3S'
ms() { awk '{ printf "%.2f %.2f\n", $1 * 1000, ($2 + $3) * 1000 }'; }
crm_one() {
	local id
	id=$(basename "$1" .yaml)
	{ time "$crm" follow "$id" --via phone --summary x >/dev/null 2>>"$tmp/errors"; } 2>&1 | ms
}
git_one() {
	{ time { printf '%s\n' "$lines" >>"$1" && git add "$1" && git commit -q -m x; } \
		>/dev/null 2>>"$tmp/errors"; } 2>&1 | ms
}

# warm up both (page cache, index stat data), untimed; a first read builds
# crm's index, so that every follow also updates its rows, as in daily use
"$crm" list >/dev/null
[ -f .git/crm/index.sqlite ] || { echo "bench_follow: no index after crm list" >&2; exit 1; }
crm_one "${files[0]}" >/dev/null
git_one "${files[1]}" >/dev/null
before=$(git rev-list --count HEAD)
: >"$tmp/crm" && : >"$tmp/git"
for ((i = 0; i < RUNS; i++)); do
	# alternate which goes first, so that neither always runs on a warmer cache
	if ((i % 2)); then
		git_one "${files[2 * i + 3]}" >>"$tmp/git"
		crm_one "${files[2 * i + 2]}" >>"$tmp/crm"
	else
		crm_one "${files[2 * i + 2]}" >>"$tmp/crm"
		git_one "${files[2 * i + 3]}" >>"$tmp/git"
	fi
done
after=$(git rev-list --count HEAD)

crm_ms=$(cut -d' ' -f1 "$tmp/crm" | median)
git_ms=$(cut -d' ' -f1 "$tmp/git" | median)
crm_cpu=$(cut -d' ' -f2 "$tmp/crm" | median)
git_cpu=$(cut -d' ' -f2 "$tmp/git" | median)
ratio=$(awk -v a="$crm_ms" -v b="$git_ms" 'BEGIN { printf "%.2f", a / b }')
cpu_ratio=$(awk -v a="$crm_cpu" -v b="$git_cpu" 'BEGIN { printf "%.2f", b ? a / b : 0 }')
status=$(git status --porcelain)
fsck=ok
git fsck --no-progress >/dev/null 2>&1 || fsck=FAILED

printf 'bench_follow: %d customers, %d runs each (median)           wall        cpu\n' "$nrec" "$RUNS"
printf '  crm follow ID --via phone --summary x        %8.2f ms  %6.2f ms\n' "$crm_ms" "$crm_cpu"
printf '  append + git add FILE && git commit -q -m x  %8.2f ms  %6.2f ms\n' "$git_ms" "$git_cpu"
printf '  ratio crm/git                                %8s     %6s   (goal <= 0.5)\n' "$ratio" "$cpu_ratio"
[ -s "$tmp/errors" ] && { echo "errors:" >&2; head -5 "$tmp/errors" >&2; }
printf '  commits made: %d (want %d); git status --porcelain: %s; git fsck: %s\n' \
	$((after - before)) $((2 * RUNS)) "$([ -z "$status" ] && echo clean || echo NOT CLEAN)" "$fsck"
[ -z "$status" ] || { echo "$status" | head -5 >&2; exit 1; }
[ $((after - before)) -eq $((2 * RUNS)) ] && [ "$fsck" = ok ]
