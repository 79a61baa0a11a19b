#!/bin/sh
# bench/bench_import.sh CRM: `crm import` of N rows (10,000) against a floor
# measured in the same run: a script that writes the same N record files
# (the bytes crm wrote) into a fresh book and commits them once with
# `git add` and `git commit`. Goal: within 2x the floor.
#
#   BENCH_ROWS=10000
set -eu
CRM=${1:?usage: bench/bench_import.sh /absolute/path/to/crm}
N=${BENCH_ROWS:-10000}
T=$(mktemp -d "${TMPDIR:-/tmp}/crm-bench-import-XXXXXX")
trap 'rm -rf "$T"' EXIT INT TERM
export HOME="$T" GIT_CONFIG_NOSYSTEM=1 NO_COLOR=1 LANG=C.UTF-8 CRM_TODAY=2024-12-31
unset LC_ALL LC_MESSAGES GIT_DIR GIT_WORK_TREE
git config --global user.name Ming
git config --global user.email ming@example.com
git config --global init.defaultBranch main

python3 - "$T/rows.csv" "$N" <<'PY'
import csv, sys
path, n = sys.argv[1], int(sys.argv[2])
kinds = ['企业客户', 'person']
with open(path, 'w', encoding='utf-8-sig', newline='') as f:
    w = csv.writer(f)
    w.writerow(['客户名称', '客户类型', '来源', '所属行业', '联系人姓名', '联系电话', '电子邮箱', '首次接触日期', '标签', '备注'])
    for i in range(n):
        w.writerow([f'客户{i:05d}有限公司', '企业客户', '行业展会', '智能制造', f'联系人{i}',
                    f'138{i:08d}', f'c{i}@example.com', f'2024/{i % 12 + 1}/{i % 28 + 1}',
                    '高意向, 预算敏感', f'第一行\n第二行 {i}'])
PY

now() { date +%s%N; }
"$CRM" init "$T/book" >/dev/null
(cd "$T/book" && "$CRM" setup --user ming >/dev/null)
s=$(now)
(cd "$T/book" && "$CRM" import "$T/rows.csv" >/dev/null 2>&1)
e=$(now)
crm_ms=$(((e - s) / 1000000))

# the floor: the same files, written by a script and committed once
"$CRM" init "$T/floor" >/dev/null
python3 - "$T/book" "$T/floor" "$T/floor.py" <<'PY'
import os, sys
src, dst, out = sys.argv[1:4]
files = {}
for root, _, names in os.walk(os.path.join(src, 'customers')):
    for n in names:
        p = os.path.join(root, n)
        files[os.path.relpath(p, src)] = open(p, 'rb').read()
with open(out, 'w') as f:
    f.write('import os\nfiles = %r\n' % files)
    f.write('for rel, data in files.items():\n'
            '    p = os.path.join(%r, rel)\n'
            '    os.makedirs(os.path.dirname(p), exist_ok=True)\n'
            '    open(p, "wb").write(data)\n' % dst)
PY
s=$(now)
python3 "$T/floor.py"
(cd "$T/floor" && git add customers && git commit -qm "import" >/dev/null)
e=$(now)
floor_ms=$(((e - s) / 1000000))
count=$(cd "$T/book" && git ls-files customers | wc -l)
echo "import of $N rows ($count records, one commit): crm ${crm_ms} ms, floor (script + git add + git commit) ${floor_ms} ms, ratio $(awk -v a="$crm_ms" -v b="$floor_ms" 'BEGIN { printf "%.2f", a / b }')"
