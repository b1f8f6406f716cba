#!/usr/bin/env bash
# One command from a fresh machine to vigil watching it: install, build, run
# with the default rules, alerts as JSON lines on stdout. Extra arguments go
# to vigil (e.g. scripts/run.sh events for the raw event stream).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
scripts/build.sh build
if [ $# -eq 0 ]; then
	set -- run -r rules/
fi
exec build/engine/vigil "$@"
