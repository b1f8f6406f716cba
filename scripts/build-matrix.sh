#!/usr/bin/env bash
# Release and Debug trees with GCC and clang (the CI's main trees are
# RelWithDebInfo): each builds with warnings as errors and passes the unit,
# rules and replay tests, so that what packagers and developers build is what
# CI checked.   build-matrix.sh [DIR_PREFIX]
set -euo pipefail
cd "$(dirname "$0")/.."
prefix=${1:-build-matrix}
status=0
for cc in gcc clang; do
	for type in Release Debug; do
		dir=$prefix-$cc-$type
		echo "== $cc $type"
		cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=$type -DCMAKE_C_COMPILER=$cc \
			-DVIGIL_WERROR=ON >/dev/null
		if ! cmake --build "$dir" -j"$(nproc)" >"$dir/build.log" 2>&1; then
			tail -30 "$dir/build.log"
			status=1
			continue
		fi
		ctest --test-dir "$dir" -L "unit|rules|replay" -j"$(nproc)" --output-on-failure |
			sed -n '/tests passed\|Failed\|\*\*\*/p' || status=1
	done
done
exit $status
