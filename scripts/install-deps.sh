#!/usr/bin/env bash
# Installs every Debian 12 (bookworm) package IRPlan needs to build, test and run.
# Idempotent: re-running it only installs what is missing. Needs root (or sudo).
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config git unzip zip ca-certificates
  libvtk9-dev libinsighttoolkit5-dev elastix
  libimgui-dev libstb-dev libglfw3-dev libx11-dev fonts-dejavu-core
  libgtest-dev libgmock-dev libbenchmark-dev
  libgdcm-dev libdcmtk-dev dcmtk
  nlohmann-json3-dev libcli11-dev
  zlib1g-dev libpng-dev libcairo2-dev
  xvfb xauth mesa-utils libgl1-mesa-dri libgl-dev libegl-dev
)

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages already installed"
  exit 0
fi

echo "install-deps: installing ${#missing[@]} packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
