#!/bin/sh
# deps.sh: make sure the tools and libraries that build and test crm are here.
#
# Quiet when everything is present. Otherwise, on Debian or Ubuntu, installs
# what is missing with apt-get (as root, or through sudo); anywhere else, or
# without the rights to install, says what is missing and fails.
#
# Needed: a C compiler and make, pkg-config with libyaml (yaml-0.1), libgit2
# and Criterion, git, python3 with its yaml module (the tests use it),
# valgrind, and strace (tests/e2e/test_e2e_crash.c).
set -u

missing=""      # Debian packages to install
what=""         # what is missing, for people

need() {        # need PACKAGE DESCRIPTION
	case " $missing " in
	*" $1 "*) ;;
	*) missing="${missing:+$missing }$1" ;;
	esac
	what="${what:+$what, }$2"
}

have() { command -v "$1" >/dev/null 2>&1; }

check() {
	missing=""
	what=""
	have gcc || have cc || need build-essential "a C compiler (gcc)"
	have make || need build-essential "make"
	if have pkg-config; then
		pkg-config --exists yaml-0.1 || need libyaml-dev "libyaml (pkg-config yaml-0.1)"
		pkg-config --exists libgit2 || need libgit2-dev "libgit2 (pkg-config libgit2)"
		pkg-config --exists criterion || need libcriterion-dev "Criterion (pkg-config criterion)"
		pkg-config --exists libcrypto || need libssl-dev "OpenSSL's libcrypto (pkg-config libcrypto)"
	else
		need pkg-config "pkg-config"
		need libyaml-dev "libyaml"
		need libgit2-dev "libgit2"
		need libcriterion-dev "Criterion"
		need libssl-dev "OpenSSL's libcrypto"
	fi
	have git || need git "git"
	if have python3; then
		python3 -c 'import yaml' >/dev/null 2>&1 ||
			need python3-yaml "the yaml module of $(command -v python3)"
	else
		need python3 "python3"
		need python3-yaml "python3's yaml module"
	fi
	have valgrind || need valgrind "valgrind"
	have strace || need strace "strace (the crash tests kill crm at a fixed point with it)"
}

check
[ -z "$missing" ] && exit 0

echo "deps: missing: $what" >&2
if ! have apt-get; then
	echo "deps: error: no apt-get here; install these yourself (Debian names): $missing" >&2
	exit 1
fi
if [ "$(id -u)" -eq 0 ]; then
	sudo=""
elif have sudo; then
	sudo="sudo"
else
	echo "deps: error: not root and no sudo; as root, run:" >&2
	echo "  apt-get update && apt-get install -y --no-install-recommends $missing" >&2
	exit 1
fi

echo "deps: installing: $missing" >&2
# shellcheck disable=SC2086  # $sudo and $missing are word lists on purpose
$sudo apt-get update || {
	echo "deps: error: apt-get update failed" >&2
	exit 1
}
# shellcheck disable=SC2086
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing || {
	echo "deps: error: apt-get install failed: $missing" >&2
	exit 1
}

check
if [ -n "$missing" ]; then
	echo "deps: error: still missing after apt-get install: $what" >&2
	case "$what" in
	*"yaml module"*)
		echo "deps: hint: python3 here is $(command -v python3), not Debian's;" \
			"install PyYAML for it (python3 -m pip install pyyaml)" >&2 ;;
	esac
	exit 1
fi
echo "deps: all present" >&2
exit 0
