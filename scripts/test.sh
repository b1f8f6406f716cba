#!/usr/bin/env bash
# One command from a fresh machine to the whole test suite: install, build the
# normal tree and the sanitizer (ASan+UBSan, clang) tree, then run every test:
# unit, live kernel, QEMU, fuzz, validation of Falco's rules; and the unit
# tests of Release and Debug trees built with GCC and clang.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh --test
scripts/build.sh build
scripts/build.sh build-asan -DVIGIL_SANITIZE=ON -DVIGIL_FUZZ=ON -DCMAKE_C_COMPILER=clang
status=0
echo "== Release and Debug, GCC and clang: build and unit tests"
scripts/build-matrix.sh || status=1
echo "== sanitizer build: unit and offline tests"
ctest --test-dir build-asan --output-on-failure -j2 || status=1
echo "== normal build: every test"
ctest --test-dir build --output-on-failure || status=1
exit $status
