#!/usr/bin/env bash
# Builds the Debian package: package.sh [BUILD_DIR] (default build-pkg).
# A Release tree with the prefix /usr (what the package installs), warnings
# not errors (a packager's build), the unit in /lib/systemd/system; then
# CPack's DEB generator. Prints the .deb's path on its last line.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-$src/build-pkg}
command -v dpkg-shlibdeps >/dev/null || { echo "package: needs dpkg-dev (scripts/deps.sh --test)" >&2; exit 1; }
cmake -S "$src" -B "$dir" -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr \
	-DVIGIL_SYSTEMD_UNITDIR=/lib/systemd/system >/dev/null
# only the binary: the tests and benchmarks are not packaged
cmake --build "$dir" --target vigil -j"$(nproc)" >/dev/null
rm -f "$dir"/vigil_*.deb
(cd "$dir" && cpack -G DEB >/dev/null) || { cat "$dir/_CPack_Packages/Linux/DEB/"*.log >&2 2>/dev/null; exit 1; }
ls "$dir"/vigil_*.deb
