#!/usr/bin/env bash
# bench_sync.sh CRM: `crm sync` of a 10,000-customer book where each of two
# clones changed 50 records (10 of them the same customers, so the record
# merge runs), beside `git pull --no-edit && git push` on the same change in
# the same run (git pull then calls crm's merge driver for the 10 shared
# records, as `crm setup` registers it). Both push to bare repositories on
# disk. Prints the medians and the ratio crm/git (goal: at most 1.5).
# Environment: N=10000 customers, RUNS=5, KEEP=1 keeps the temporary folder.
set -eu
crm=${1:?usage: bench_sync.sh CRM}
crm=$(cd "$(dirname "$crm")" && pwd)/$(basename "$crm")
here=$(cd "$(dirname "$0")" && pwd)
N=${N:-10000}
RUNS=${RUNS:-5}
tmp=$(mktemp -d /tmp/crm-bench-sync.XXXXXX)
trap '[ "${KEEP:-}" = 1 ] || rm -rf "$tmp"' EXIT
export HOME=$tmp CRM_TODAY=2024-12-31 NO_COLOR=1 GIT_CONFIG_NOSYSTEM=1
export GIT_AUTHOR_NAME=Ming GIT_AUTHOR_EMAIL=ming@example.com
export GIT_COMMITTER_NAME=Ming GIT_COMMITTER_EMAIL=ming@example.com
printf '[user]\n\tname = Ming\n\temail = ming@example.com\n[pull]\n\trebase = false\n[gc]\n\tauto = 0\n[init]\n\tdefaultBranch = main\n' >"$tmp/.gitconfig"

echo "making a book of $N customers ..." >&2
bash "$here/bench_follow.sh" "$crm" --make-book "$tmp/book" "$N"
git -C "$tmp/book" branch -M main
git init -q --bare "$tmp/remote.git"
git -C "$tmp/book" push -q "$tmp/remote.git" main
mapfile -t files < <(git -C "$tmp/book" ls-files customers | grep '\.yaml$' | awk -v n="$N" 'NR % int(n / 100) == 0' | head -n 90)
[ "${#files[@]}" -ge 90 ] || { echo "bench_sync: too few records" >&2; exit 1; }

follow() { # follow DIR SUMMARY FILES...: append a follow-up to each, one commit
	local dir=$1 s=$2
	shift 2
	for f in "$@"; do
		printf '  - date: 2024-12-31\n    via: phone\n    by: ming\n    summary: %s\n' "$s" >>"$dir/$f"
	done
	git -C "$dir" add -A customers && git -C "$dir" commit -q --no-verify -m "$s"
}

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
TIMEFORMAT='%3R'
: >"$tmp/crm" && : >"$tmp/git"
for ((i = 0; i < RUNS; i++)); do
	rm -rf "$tmp/r1.git" "$tmp/r2.git" "$tmp/a" "$tmp/b" "$tmp/c"
	cp -a "$tmp/remote.git" "$tmp/r1.git"
	git clone -q "$tmp/r1.git" "$tmp/a"
	"$crm" -C "$tmp/a" setup --user li >/dev/null
	# a: records 0-49; b: records 40-89 (40-49 on both sides)
	follow "$tmp/a" "a$i" "${files[@]:0:50}"
	git -C "$tmp/a" push -q origin main
	cp -a "$tmp/r1.git" "$tmp/r2.git"
	git clone -q "$tmp/remote.git" "$tmp/b"
	"$crm" -C "$tmp/b" setup --user ming >/dev/null
	rm -f "$tmp/b/.git/hooks/pre-commit"
	follow "$tmp/b" "b$i" "${files[@]:40:50}"
	cp -a "$tmp/b" "$tmp/c"
	git -C "$tmp/b" remote set-url origin "$tmp/r1.git"
	git -C "$tmp/c" remote set-url origin "$tmp/r2.git"
	git -C "$tmp/b" status -s >/dev/null; git -C "$tmp/c" status -s >/dev/null # warm both
	one_crm() { { time "$crm" -C "$tmp/b" sync >/dev/null 2>>"$tmp/errors"; } 2>&1 | awk '{ print $1 * 1000 }' >>"$tmp/crm"; }
	one_git() { { time { git -C "$tmp/c" pull -q --no-edit && git -C "$tmp/c" push -q; } >/dev/null 2>>"$tmp/errors"; } 2>&1 | awk '{ print $1 * 1000 }' >>"$tmp/git"; }
	if ((i % 2)); then one_git; one_crm; else one_crm; one_git; fi
	# both reached the same records
	for f in "${files[@]:0:90}"; do
		cmp -s "$tmp/b/$f" "$tmp/c/$f" || { echo "bench_sync: $f differs between crm sync and git pull" >&2; exit 1; }
	done
	[ "$(git -C "$tmp/r1.git" rev-parse main)" = "$(git -C "$tmp/b" rev-parse HEAD)" ] || { echo "bench_sync: crm sync did not push" >&2; exit 1; }
	[ -z "$(git -C "$tmp/b" status --porcelain)" ] || { echo "bench_sync: crm sync left changes" >&2; exit 1; }
done
crm_ms=$(median <"$tmp/crm")
git_ms=$(median <"$tmp/git")
echo "crm sync:            ${crm_ms} ms (median of $RUNS; $(tr '\n' ' ' <"$tmp/crm"))"
echo "git pull && git push: ${git_ms} ms (median of $RUNS; $(tr '\n' ' ' <"$tmp/git"))"
awk -v a="$crm_ms" -v b="$git_ms" 'BEGIN { printf "ratio crm/git: %.2f (goal <= 1.5)\n", a / b }'
