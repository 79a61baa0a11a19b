#!/bin/sh
# deps.sh: make sure the tools and libraries that build and test crm are here.
#
# Quiet when everything is present. Otherwise, on Debian or Ubuntu, installs
# what is missing with apt-get (as root, or through sudo); anywhere else, or
# without the rights to install, says what is missing and fails.
#
# Needed: a C compiler and make, pkg-config with libyaml (yaml-0.1), libgit2,
# PCRE2 (libpcre2-8) and Criterion, git, python3 with its yaml module (the
# tests use it), valgrind, script(1) from bsdutils, clang with libFuzzer
# (make fuzz, fuzz-ci), and chromium with fonts-wqy-microhei for the HTML
# report test, and strace (tests/e2e/test_e2e_crash.c).
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
		pkg-config --exists libpcre2-8 || need libpcre2-dev "PCRE2 (pkg-config libpcre2-8)"
		pkg-config --exists sqlite3 || need libsqlite3-dev "SQLite (pkg-config sqlite3)"
	else
		need pkg-config "pkg-config"
		need libyaml-dev "libyaml"
		need libgit2-dev "libgit2"
		need libcriterion-dev "Criterion"
		need libssl-dev "OpenSSL's libcrypto"
		need libpcre2-dev "PCRE2"
	fi
	have git || need git "git"
	if have python3; then
		python3 -c 'import yaml' >/dev/null 2>&1 ||
			need python3-yaml "the yaml module of $(command -v python3)"
	else
		need python3 "python3"
		need python3-yaml "python3's yaml module"
	fi
	# the export tests read vCards and calendars back with Debian's parsers
	/usr/bin/python3 -c 'import vobject' >/dev/null 2>&1 || need python3-vobject "python3-vobject"
	/usr/bin/python3 -c 'import icalendar' >/dev/null 2>&1 || need python3-icalendar "python3-icalendar"
	have valgrind || need valgrind "valgrind"
	have strace || need strace "strace (the crash tests kill crm at a fixed point with it)"
	have script || need bsdutils "script (the tests run crm on a pseudo-terminal)"
	# crm sync's e2e test runs a real OpenSSH server and client
	[ -x /usr/sbin/sshd ] || need openssh-server "the OpenSSH server (/usr/sbin/sshd)"
	have ssh || need openssh-client "the OpenSSH client (ssh)"
	have ssh-keygen || need openssh-client "ssh-keygen"
	# make fuzz-ci (in check): clang with libFuzzer, which Debian ships in
	# libclang-rt-14-dev, only recommended by clang
	if have clang; then
		fuzz_ok || need libclang-rt-14-dev "clang's libFuzzer runtime (libclang-rt-14-dev)"
	else
		need clang "clang (for the fuzz targets)"
		need libclang-rt-14-dev "clang's libFuzzer runtime"
	fi
	# the report page's test renders it in Chromium, with a CJK font for Chinese
	have chromium || need chromium "Chromium (headless, for the HTML report test)"
	[ -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] ||
		need fonts-wqy-microhei "a CJK font (WenQuanYi Micro Hei)"
}

# Can clang build a libFuzzer target with the sanitizers make fuzz uses?
fuzz_ok() {
	tmp=$(mktemp -d) || return 1
	printf '%s\n' '#include <stddef.h>' '#include <stdint.h>' \
		'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);' \
		'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }' \
		>"$tmp/t.c"
	clang -fsanitize=fuzzer,address,undefined "$tmp/t.c" -o "$tmp/t" >/dev/null 2>&1
	ok=$?
	rm -rf "$tmp"
	return $ok
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
