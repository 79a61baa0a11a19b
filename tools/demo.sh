#!/bin/sh
# shellcheck disable=SC2015  # "A && B || die": die exits, on purpose
# demo.sh CRM_BIN: run crm on a copy of the example book.
#
# Copies examples/book and the project's schema into a new temporary folder,
# makes it a git repository with a local identity, runs `crm setup --user
# ming`, commits the book, then shows `crm list`, `crm validate` and
# `crm agenda --all` as of 2026-12-01 (CRM_TODAY), so that the output is the
# same on every day. The copy is left in place for you to play with.
#
# Exit status: 0 when every step worked; non-zero when `crm validate` (or any
# other step) failed.
set -u

usage() {
	echo "usage: sh tools/demo.sh /absolute/path/to/crm" >&2
	exit 2
}
die() {
	echo "demo: error: $*" >&2
	exit 1
}

[ $# -eq 1 ] || usage
CRM=$1
case "$CRM" in
/*) ;;
*) CRM=$(pwd)/$CRM ;;
esac
[ -x "$CRM" ] || die "$CRM is not an executable; build it with 'make' first"

top=$(cd "$(dirname "$0")/.." && pwd) || die "cannot find the source tree"
[ -d "$top/examples/book" ] || die "$top/examples/book is missing"
[ -f "$top/schema/customer.schema.yaml" ] || die "$top/schema/customer.schema.yaml is missing"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/crm-demo.XXXXXX") || die "mktemp failed"
book=$tmp/book
cp -R "$top/examples/book" "$book" || die "cannot copy the example book to $book"
mkdir -p "$book/schema" &&
	cp "$top/schema/customer.schema.yaml" "$book/schema/customer.schema.yaml" ||
	die "cannot copy the schema into $book/schema"

# The pre-commit hook and the merge driver that `crm setup` installs run
# `crm`: make sure it is this one.
PATH=$(dirname "$CRM"):$PATH
export PATH

heading() {
	printf '\n== %s\n' "$*"
}

cd "$book" || die "cannot enter $book"
heading "a copy of examples/book in $book"
git -c init.defaultBranch=main init -q . || die "git init failed in $book"
git config user.name "王明 Ming Wang" &&
	git config user.email ming@example.com &&
	git config commit.gpgsign false ||	# a global signing setting would stop the commit
	die "cannot set the git identity in $book"

heading "crm setup --user ming"
"$CRM" setup --user ming || die "crm setup failed (exit $?)"

heading "git commit: the example book"
git add -A &&
	git commit -q -m "Example book: 16 customers of the East China team" ||
	die "git commit of the example book failed"
git log --oneline -n 1

CRM_TODAY=2026-12-01
export CRM_TODAY
failed=""

heading "crm list"
"$CRM" list || failed="$failed list($?)"

heading "crm validate"
"$CRM" validate
vrc=$?
[ "$vrc" -eq 0 ] || failed="$failed validate($vrc)"

heading "crm agenda --all    (CRM_TODAY=$CRM_TODAY)"
"$CRM" agenda --all || failed="$failed agenda($?)"

echo
echo "The demo book is in $book; try, there:"
echo "  export PATH=\"$(dirname "$CRM"):\$PATH\" CRM_TODAY=$CRM_TODAY"
echo "  cd $book && crm show 云栖 && crm agenda && crm log 云栖 --field stage"
if [ -n "$failed" ]; then
	echo "demo: error: failed:$failed" >&2
	[ "$vrc" -ne 0 ] && exit "$vrc"
	exit 1
fi
exit 0
