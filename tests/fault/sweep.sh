#!/bin/bash
# tests/fault/sweep.sh CRM FAULT_SO: the I/O fault sweep. For `crm follow`,
# `crm add` and `crm stage`, count the write, fsync, rename, open (for
# writing) and mkdir calls each makes, then run it once per call number N
# with the Nth call failing (ENOSPC from N on, as a full disk does; and EIO
# at N alone), each in a fresh copy of a small book. After each run:
#   - exit 0 or 1, never a crash;
#   - exit 1: the book as before (HEAD, working tree, index);
#     exit 0: one new commit, and each changed record is its old or new bytes;
#   - git fsck clean;
#   - after the next crm command (crm status), HEAD, index and working tree
#     agree;
#   - after a failure, the same command run again logs the change once:
#     neither lost nor doubled.
# Prints "faults: I injected, R records checked, L lost, D doubled, V
# violations" and exits 1 on any violation.
set -u
CRM=${1:?usage: tests/fault/sweep.sh /abs/crm /abs/fault.so}
SHIM=${2:?usage: tests/fault/sweep.sh /abs/crm /abs/fault.so}
T=$(mktemp -d "${TMPDIR:-/tmp}/crm-faults-XXXXXX")
trap 'rm -rf "$T"' EXIT INT TERM
export HOME="$T" GIT_CONFIG_NOSYSTEM=1 CRM_TODAY=2024-05-20 NO_COLOR=1 LANG=C.UTF-8
export CRM_LOCK_TIMEOUT=1
# An ASan crm would refuse a preloaded library ahead of its runtime.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
unset LC_ALL LC_MESSAGES VISUAL EDITOR GIT_DIR GIT_WORK_TREE CRM_FAULT_OP CRM_FAULT_N
git config --global user.name Ming
git config --global user.email ming@example.com
git config --global init.defaultBranch main

die() { echo "sweep.sh: $*" >&2; exit 1; }

# The book every case starts from: two customers, one with a follow-up.
(cd "$T" && "$CRM" init tpl >/dev/null 2>&1) || die "crm init failed"
cat >"$T/tpl/crm.yaml" <<'YAML'
book: Fault sweep
id_format: "{yyyy}{mm}{seq:3}"
team:
  - id: ming
    name: Ming
    email: ming@example.com
priorities: {high: 3, medium: 7, low: 14}
reminders: {birthday: 7, dates: 7, contract_end: 30, stale: 30}
currency: CNY
YAML
(cd "$T/tpl" && git commit -qam team && "$CRM" setup --user ming >/dev/null &&
	"$CRM" add Acme --kind company --source online >/dev/null &&
	"$CRM" add Beta --kind person --source referral >/dev/null &&
	"$CRM" follow Acme --via phone --summary "first call" >/dev/null) 2>"$T/err" ||
	die "cannot make the book: $(cat "$T/err")"

# The commands, and how many times each one's change shows in the book.
CMDS=(${SWEEP_CMDS:-follow add stage})
run_cmd() {
	case $1 in
	follow) "$CRM" follow Acme --via visit --summary "sweep visit" ;;
	add) "$CRM" add "Gamma Sweep" --kind company --source online ;;
	stage) "$CRM" stage Beta needs ;;
	esac
}
count_change() {
	case $1 in
	follow) grep -c "summary: sweep visit" customers/*/*/*.yaml | awk -F: '{s += $2} END {print s + 0}' ;;
	add) grep -l "name: Gamma Sweep" customers/*/*/*.yaml 2>/dev/null | wc -l ;;
	stage) grep -c "stage: needs" customers/*/*/*.yaml | awk -F: '{s += $2} END {print s + 0}' ;;
	esac
}
# stage adds "stage: needs" twice (the stage line and its history entry).
want_change() { [ "$1" = stage ] && echo 2 || echo 1; }

# Everything that makes the book: HEAD, the index, the working tree.
snapshot() {
	git rev-parse -q --verify HEAD
	git ls-files -s
	find . -path ./.git -prune -o -type f -print | LC_ALL=C sort | xargs -d '\n' sha1sum
}

# Every case starts from a copy of the same book: what "as before" means.
cd "$T/tpl" || die "no book"
BEFORE=$(snapshot)
HEAD0=$(git rev-parse HEAD)
cd "$T" || exit 1

# One case: $1 command, $2 op, $3 N, $4 errno name, $5 its folder. Writes
# "INJECTED RECORDS LOST DOUBLED VIOLATIONS" to $5.res; problems to stderr.
one_case() {
	local cmd=$1 op=$2 n=$3 err_name=$4 w=$5
	local injected=0 records=0 lost=0 doubled=0 violations=0 sticky=0 rc hit f got want
	bad() {
		violations=$((violations + 1))
		{
			echo "FAIL $cmd $op N=$n $err_name: $*"
			[ -s "$w.err" ] && sed 's/^/    /' "$w.err"
		} >&2
	}
	[ "$err_name" = ENOSPC ] && sticky=1
	cp -a "$T/tpl" "$w"
	cd "$w" || exit 1
	CRM_FAULT_OP=$op CRM_FAULT_N=$n CRM_FAULT_ERRNO=$err_name CRM_FAULT_STICKY=$sticky \
		CRM_FAULT_LOG="$w.log" LD_PRELOAD="$SHIM" run_cmd "$cmd" >/dev/null 2>"$w.err"
	rc=$?
	read -r _ hit <"$w.log" 2>/dev/null
	[ "${hit:-0}" -gt 0 ] && injected=1
	case $rc in
	0 | 1) ;;
	*) bad "exit $rc" ;;
	esac
	if [ $rc -ne 0 ]; then
		[ "$(snapshot)" = "$BEFORE" ] || bad "failed (exit $rc) but the book changed"
	else
		[ "$(git rev-parse HEAD^)" = "$HEAD0" ] || bad "exit 0 without exactly one new commit"
		# Each record the commit changed: its new bytes, or still its old ones.
		for f in $(git diff --name-only "$HEAD0" HEAD -- customers); do
			records=$((records + 1))
			git diff --quiet HEAD -- "$f" || git diff --quiet "$HEAD0" -- "$f" ||
				bad "$f is neither its old nor its new version"
		done
	fi
	git fsck --no-progress >"$w.fsck" 2>&1 || bad "git fsck: $(head -3 "$w.fsck")"
	grep -qiE "error|missing|broken|corrupt" "$w.fsck" && bad "git fsck: $(head -3 "$w.fsck")"
	# The next command finishes whatever was left.
	"$CRM" status >/dev/null 2>&1
	[ -z "$(git status --porcelain --untracked-files=all)" ] ||
		bad "HEAD, index and working tree disagree after the next command: $(git status --porcelain | head -3)"
	if [ $rc -ne 0 ]; then
		run_cmd "$cmd" >/dev/null 2>"$w.err" || bad "the retry failed"
	fi
	got=$(count_change "$cmd")
	want=$(want_change "$cmd")
	if [ "$got" -lt "$want" ]; then
		lost=1
		bad "the change is lost (found $got, want $want)"
	elif [ "$got" -gt "$want" ]; then
		doubled=1
		bad "the change is doubled (found $got, want $want)"
	fi
	echo "$injected $records $lost $doubled $violations" >"$w.res"
	cd "$T" && rm -rf "$w"
}

JOBS=${SWEEP_JOBS:-2}
k=0
for cmd in "${CMDS[@]}"; do
	for op in ${SWEEP_OPS:-write fsync rename open mkdir}; do
		rm -rf "$T/count" "$T/count.log"
		cp -a "$T/tpl" "$T/count"
		(cd "$T/count" && CRM_FAULT_OP=$op CRM_FAULT_N=0 CRM_FAULT_LOG="$T/count.log" LD_PRELOAD="$SHIM" \
			run_cmd "$cmd" >/dev/null 2>&1)
		total=$(cut -d' ' -f1 "$T/count.log" 2>/dev/null)
		[ -n "$total" ] || die "the shim counted nothing for $cmd $op (is LD_PRELOAD working?)"
		for n in $(seq 1 "$total"); do
			for err_name in ENOSPC EIO; do
				k=$((k + 1))
				one_case "$cmd" "$op" "$n" "$err_name" "$T/case$k" &
				while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do
					wait -n
				done
			done
		done
	done
done
wait
read -r injected records lost doubled violations < <(cat "$T"/case*.res 2>/dev/null |
	awk '{i += $1; r += $2; l += $3; d += $4; v += $5} END {print i + 0, r + 0, l + 0, d + 0, v + 0}')
done_cases=$(ls "$T"/case*.res 2>/dev/null | wc -l)
[ "$done_cases" -eq "$k" ] || { echo "sweep.sh: $((k - done_cases)) cases did not finish" >&2; violations=$((violations + 1)); }
echo "faults: $injected injected in $k runs, $records records checked, $lost lost, $doubled doubled, $violations violations"
[ "$violations" -eq 0 ] && [ "$injected" -gt 0 ]
