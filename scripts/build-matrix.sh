#!/usr/bin/env bash
# The build types and compilers beside the CI's two main trees, which are
# RelWithDebInfo already: `build` with GCC (every test) and `build-asan` with
# clang (ASan+UBSan, the unit and offline tests). Here:
#   Release and Debug with GCC and clang, and RelWithDebInfo with clang (no
#     sanitizer): build with warnings as errors and pass the unit, rules and
#     replay tests, so that what packagers and developers build is what CI
#     checked;
#   a tree configured as a user or packager would (no VIGIL_WERROR): no
#     -Werror in any compile command, so a newer compiler's new warning never
#     stops their build.
#   build-matrix.sh [DIR_PREFIX]
set -euo pipefail
cd "$(dirname "$0")/.."
prefix=${1:-build-matrix}
status=0
for combo in gcc:Release gcc:Debug clang:Release clang:Debug clang:RelWithDebInfo; do
	cc=${combo%%:*} type=${combo#*:}
	dir=$prefix-$cc-$type
	echo "== $cc $type"
	cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE="$type" -DCMAKE_C_COMPILER="$cc" \
		-DVIGIL_WERROR=ON >/dev/null
	if ! cmake --build "$dir" -j"$(nproc)" >"$dir/build.log" 2>&1; then
		tail -30 "$dir/build.log"
		status=1
		continue
	fi
	ctest --test-dir "$dir" -L "unit|rules|replay" -j"$(nproc)" --output-on-failure |
		sed -n '/tests passed\|Failed\|\*\*\*/p' || status=1
done
echo "== a user's configure: no -Werror"
dir=$prefix-user
cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Release >/dev/null
# the C flags and the BPF programs' custom commands are all in the makefiles
if grep -rlq --include='*.make' -e -Werror "$dir"; then
	echo "FAIL: -Werror in a tree configured without VIGIL_WERROR:"
	grep -rl --include='*.make' -e -Werror "$dir"
	status=1
else
	echo "no -Werror in $(find "$dir" -name '*.make' | wc -l) makefiles"
fi
exit $status
