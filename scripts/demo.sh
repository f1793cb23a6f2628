#!/usr/bin/env bash
# One command from a fresh Debian 12 machine to a finished demo:
# installs the packages, builds, and runs `irplan demo` on the built-in phantom.
# Output goes to ./demo-output (or the directory given as $1).
set -euo pipefail
cd "$(dirname "$0")/.."
OUT="${1:-demo-output}"
./scripts/install-deps.sh
./scripts/build.sh build
./build/app/irplan demo --headless --out "$OUT"
echo "demo written to $OUT"
