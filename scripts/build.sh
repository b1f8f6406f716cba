#!/usr/bin/env bash
# Configures and builds one tree: build.sh DIR [cmake options...]
set -euo pipefail
dir=${1:?usage: build.sh DIR [cmake options...]}
shift
cmake -S "$(dirname "$0")/.." -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVIGIL_WERROR=ON "$@" >/dev/null
cmake --build "$dir" -j"$(nproc)"
