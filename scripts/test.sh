#!/usr/bin/env bash
# One command from a fresh Debian 12 machine to the full test run:
# installs the packages, builds, and runs every test (GUI and render tests
# under a virtual X server with Mesa's software OpenGL).
#
#   scripts/test.sh              full build + all tests
#   scripts/test.sh --sanitize   ASan+UBSan build (no GUI) + the unit tests
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh

if [ "${1:-}" = "--sanitize" ]; then
  ./scripts/build.sh build-asan -DIRPLAN_SANITIZE=ON -DIRPLAN_BUILD_GUI=OFF -DIRPLAN_BUILD_BENCH=OFF
  cd build-asan
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  # Excluded here only (it runs in the normal build): ITK 5.2's SignedMaurerDistanceMapImageFilter
  # (BinaryContourImageFilter -> ConstNeighborhoodIterator::SetPixelPointers) offsets a null buffer
  # pointer inside ITK's own templates, which UBSan reports as pointer-overflow and, built with
  # -fno-sanitize-recover, aborts on. Not IRPlan code.
  ctest -L unit -E '^Masks\.LabelsAreSelectedAndGrownInMillimetres$' --output-on-failure -j "$(nproc)"
  exit 0
fi

./scripts/build.sh build
cd build
export LIBGL_ALWAYS_SOFTWARE=1
xvfb-run -a -s "-screen 0 1920x1080x24" ctest --output-on-failure -j "$(nproc)"
