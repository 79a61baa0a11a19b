#!/bin/sh
# tests/valgrind.sh CRM: run the commands that change and check a book
# (init, setup, add, set, tag, untag, validate, merge-driver), on their success and their
# error paths, under valgrind in a temporary book. Fails on any memory error
# or definite/indirect leak, and when a command's exit code is not the one
# expected (so that each path really ran).
set -u
CRM=${1:?usage: tests/valgrind.sh /absolute/path/to/crm}
SRC=$(cd "$(dirname "$0")/.." && pwd)
command -v valgrind >/dev/null 2>&1 || { echo "valgrind.sh: valgrind is not installed" >&2; exit 1; }

T=$(mktemp -d "${TMPDIR:-/tmp}/crm-valgrind-XXXXXX")
trap 'rm -rf "$T"' EXIT INT TERM
export HOME="$T" GIT_CONFIG_NOSYSTEM=1 CRM_TODAY=2024-05-20 NO_COLOR=1 LANG=C.UTF-8
unset LC_ALL LC_MESSAGES VISUAL EDITOR GIT_DIR GIT_WORK_TREE
git config --global user.name Ming
git config --global user.email ming@example.com
git config --global init.defaultBranch main

fail=0
runs=0
# vg WANT ARGS...: crm ARGS under valgrind in the book; WANT is the exit code expected.
vg() {
	want=$1
	shift
	runs=$((runs + 1))
	log="$T/vg.$runs.log"
	valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
		--log-file="$log" "$CRM" "$@" >"$T/out" 2>"$T/err" </dev/null
	rc=$?
	if [ $rc -eq 99 ] || [ -s "$log" ]; then
		echo "FAIL (valgrind): crm $*" >&2
		cat "$log" >&2
		fail=1
	elif [ $rc -ne "$want" ]; then
		echo "FAIL (exit $rc, want $want): crm $*" >&2
		cat "$T/err" >&2
		fail=1
	else
		echo "ok   crm $*"
	fi
}

cd "$T"
vg 0 init book
cd book
cat >crm.yaml <<'EOF'
book: valgrind
id_format: "{yyyy}{mm}{seq:3}"
team:
  - id: ming
    name: 销售代表明
    email: ming@example.com
  - id: li
    name: 李娜
    email: li@example.com
EOF
git commit -qm team crm.yaml
vg 1 init
vg 0 setup --user ming
vg 1 setup --user nobody

# add: success, labels, --set paths, a duplicate warning, and refusals
vg 0 add 科技有限公司 --kind 企业客户 --source trade-show --set company.industry=智能制造 \
	--set needs.budget.max=200000 --set 'contacts[0].name=张伟' --set 'contacts[0].phone=0138'
vg 0 add 科技有限公司 --kind company --source online --set first_contact.date=2024-03-02
vg 0 add "Acme Trading" --kind person --source referral --owner li --set 'tags[0]=VIP'
vg 1 add X --kind robot --source online
vg 1 add X --kind company --source online --owner bob
vg 2 add X --kind company --source online --id ../x
vg 2 add X --kind company --source online --set first_contact.date=2024-02-30
vg 1 add X --kind company --source online --set 'contacts[3].phone=1'

# set: scalars, numbers, lists, unset, and each refusal
vg 1 set 科技 name=x
vg 0 set 202405001 name=no needs.summary='a #b' company.size=0138
vg 0 set 202405001 tags+=高意向 tags+=x
vg 0 set 202405001 tags-=x company.size=
vg 0 set Acme needs.deadline=+2w
vg 1 set 202405001 stage=foo
vg 1 set 202405001 source=xx
vg 1 set nobody name=x
vg 2 set 202405001 first_contact.date=2024-02-30
vg 1 set 202405001 'contacts[5].phone=1'
vg 2 set 202405001 name

# tag / untag
vg 0 tag 202405001 预算敏感 -- -dash
vg 0 tag 202405001 预算敏感
vg 0 untag 202405001 -- -dash
vg 2 tag 202405001 -x

# validate: clean (cold, then warm cache), JSON, then with every broken example
vg 0 validate
vg 0 validate
vg 0 validate --json
mkdir -p customers/2024/06
cp "$SRC"/examples/broken/*.yaml customers/2024/06/
git add -A && git commit -qm broken --no-verify
vg 1 validate
vg 1 validate --json
vg 1 validate customers/2024/06/14-invalid-utf8.yaml customers/2024/06/15-control-byte.yaml
# a change to a broken record: refused by the reader, the schema, the team check
for id in 08-duplicate-key 14-invalid-utf8 02-enum-typo 19-unknown-owner; do
	vg 1 tag "$id" x
done

# merge-driver: a clean merge, a conflict, a side that is not YAML
printf 'id: x\nname: a\ntags: [t]\nfollowups:\n  - {date: 2024-05-01, by: ming, summary: s}\n' >"$T/mb"
printf 'id: x\nname: b\ntags: [t, o]\nfollowups:\n  - {date: 2024-05-01, by: ming, summary: s}\n  - {date: 2024-05-03, by: ming, summary: o}\n' >"$T/mo"
printf 'id: x\nname: a\ntags: [t]\nfollowups:\n  - {date: 2024-05-01, by: ming, summary: s}\n  - {date: 2024-05-02, by: li, summary: t}\n' >"$T/mt"
vg 0 merge-driver "$T/mb" "$T/mo" "$T/mt" customers/x.yaml
sed 's/name: a/name: c/' "$T/mt" >"$T/mt2"
vg 1 merge-driver --marker-size 9 "$T/mb" "$T/mo" "$T/mt2" customers/x.yaml
printf 'id: x\nname: [a\n' >"$T/mt3"
vg 1 merge-driver "$T/mb" "$T/mo" "$T/mt3" customers/x.yaml
vg 2 merge-driver "$T/mb" "$T/mo"

if [ $fail -ne 0 ]; then
	echo "valgrind.sh: FAILED" >&2
	exit 1
fi
echo "valgrind.sh: $runs runs, no memory errors, no leaks"
