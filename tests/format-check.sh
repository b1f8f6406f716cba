#!/usr/bin/env bash
# The C sources follow .clang-format: fails listing the files that don't.
set -uo pipefail
cd "$(dirname "$0")/.."
command -v clang-format >/dev/null || { echo "SKIP: clang-format not installed"; exit 77; }
mapfile -t files < <(git ls-files '*.c' '*.h' 2>/dev/null || find . -name '*.[ch]' -not -path './build*')
bad=0
for f in "${files[@]}"; do
	if ! clang-format --dry-run --Werror "$f" >/dev/null 2>&1; then
		echo "not formatted: $f (run: clang-format -i $f)"
		bad=$((bad + 1))
	fi
done
echo "${#files[@]} files checked, $bad not formatted"
[ "$bad" -eq 0 ]
