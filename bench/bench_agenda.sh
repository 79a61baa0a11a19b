#!/usr/bin/env bash
# bench_agenda.sh CRM
#
# `crm agenda --all` over a book of 10,000 customers, beside two baselines
# measured in the same run on the same files:
#   - cat:       reading every record (find | xargs cat), the I/O floor;
#   - yaml:      parsing every record with libyaml and nothing else (events
#                only, no tree: bench/parse_only.c when there), the floor of
#                any tool that reads the YAML.
# Prints the medians and the ratios agenda/baseline.
#
# Standalone: it makes its own book in a temporary folder through
# bench_follow.sh --make-book (bench/gen.py when there, else its generator),
# or uses BOOK=DIR when set (read only). Environment:
#   N=10000   customers in the generated book
#   RUNS=5    timed runs of each (after one untimed warm-up)
#   KEEP=1    keep the temporary folder
set -eu

crm=${1:?usage: bench_agenda.sh CRM}
crm=$(cd "$(dirname "$crm")" && pwd)/$(basename "$crm")
here=$(cd "$(dirname "$0")" && pwd)
N=${N:-10000}
RUNS=${RUNS:-5}
export CRM_TODAY=2024-12-31 NO_COLOR=1 GIT_CONFIG_NOSYSTEM=1
tmp=$(mktemp -d /tmp/crm-bench-agenda.XXXXXX)
export HOME=$tmp
trap '[ "${KEEP:-}" = 1 ] || rm -rf "$tmp"' EXIT

if [ -n "${BOOK:-}" ]; then
	book=$(cd "$BOOK" && pwd)
else
	echo "making a book of $N customers in $tmp/book ..." >&2
	bash "$here/bench_follow.sh" "$crm" --make-book "$tmp/book" "$N"
	book=$tmp/book
fi

# The libyaml baseline: bench/parse_only.c (libyaml's event parser over every
# *.yaml under a folder) when it is there, else the same built from here.
if [ -f "$here/parse_only.c" ]; then
	cc -O2 -o "$tmp/parse_only" "$here/parse_only.c" $(pkg-config --cflags --libs yaml-0.1)
	yaml_all() { "$tmp/parse_only" "$book/customers"; }
else
	cat >"$tmp/yaml_only.c" <<'EOF'
#include <stdio.h>
#include <string.h>
#include <yaml.h>
int main(void)
{
	char path[4096];
	unsigned long events = 0;
	while (fgets(path, sizeof path, stdin)) {
		path[strcspn(path, "\n")] = '\0';
		FILE *f = fopen(path, "rb");
		if (!f)
			return 1;
		yaml_parser_t p;
		yaml_parser_initialize(&p);
		yaml_parser_set_input_file(&p, f);
		yaml_event_t e;
		for (;;) {
			if (!yaml_parser_parse(&p, &e))
				return 1;
			int done = e.type == YAML_STREAM_END_EVENT;
			yaml_event_delete(&e);
			events++;
			if (done)
				break;
		}
		yaml_parser_delete(&p);
		fclose(f);
	}
	printf("%lu\n", events);
	return 0;
}
EOF
	cc -O2 -o "$tmp/yaml_only" "$tmp/yaml_only.c" $(pkg-config --cflags --libs yaml-0.1)
	yaml_all() { "$tmp/yaml_only" <"$tmp/files"; }
fi

cd "$book"
find customers -name '*.yaml' | sort >"$tmp/files"
nrec=$(wc -l <"$tmp/files")

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# time_ms CMD...: "REAL CPU" milliseconds of one run (CPU: user + system of
# the command and its children), output discarded
TIMEFORMAT='%3R %3U %3S'
time_ms() {
	{ time "$@" >/dev/null; } 2>&1 | awk '{ printf "%.2f %.2f\n", $1 * 1000, ($2 + $3) * 1000 }'
}
agenda() { "$crm" agenda --all; }
agenda_json() { "$crm" agenda --all --json; }
cat_all() { xargs cat <"$tmp/files"; }

items=$("$crm" agenda --all --json | python3 -c 'import json, sys; print(len(json.load(sys.stdin)))')
for f in agenda agenda_json cat_all yaml_all; do
	$f >/dev/null # warm-up
done
declare -A res cpu
for f in agenda agenda_json cat_all yaml_all; do
	for ((i = 0; i < RUNS; i++)); do time_ms $f; done >"$tmp/t"
	res[$f]=$(cut -d' ' -f1 "$tmp/t" | median)
	cpu[$f]=$(cut -d' ' -f2 "$tmp/t" | median)
done
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b ? a / b : 0 }'; }

printf 'bench_agenda: %d customers, %d items (--all, today %s), %d runs each (median)\n' \
	"$nrec" "$items" "$CRM_TODAY" "$RUNS"
printf '                              wall         cpu      agenda/this (wall, cpu)\n'
for f in agenda agenda_json cat_all yaml_all; do
	case $f in
	agenda) label='crm agenda --all' ;;
	agenda_json) label='crm agenda --all --json' ;;
	cat_all) label='cat of every record' ;;
	yaml_all) label='libyaml parse of every one' ;;
	esac
	printf '  %-26s %9.2f ms %8.2f ms' "$label" "${res[$f]}" "${cpu[$f]}"
	case $f in
	cat_all | yaml_all)
		printf '   %5sx %5sx' "$(ratio "${res[agenda]}" "${res[$f]}")" "$(ratio "${cpu[agenda]}" "${cpu[$f]}")" ;;
	esac
	printf '\n'
done
