#!/usr/bin/env bash
# capbench: set up what capbench needs on a Debian/Ubuntu machine. Idempotent; every
# step says what it does.
#
#   bash scripts/setup.sh --bench   what `npm run bench:spike` needs: npm ci, and — as root
#                                   on Debian/Ubuntu — Docker + Compose and the app images,
#                                   so the Compose target runs beside the embedded `local`
#                                   one. Without root or apt, Compose is left out and said so.
#   bash scripts/setup.sh           everything the tests need (the README's test command and
#                                   .ci/run), as root:
#     1. apt packages: Docker + Compose, debootstrap (offline base image), Cairo build
#        packages (canvas → PNG charts), Chromium (browser test of the HTML report)
#     2. a Docker daemon that answers (scripts/setup/docker.sh)
#     3. npm ci (canvas builds from source)
#     4. images capbench/app:v1 and capbench/lb:1 (offline base when no registry answers)
#     5. the local Kubernetes binaries, built once from Debian's source and cached
#        (skipped with CAPBENCH_SKIP_K8S=1)
set -euo pipefail
cd "$(dirname "$0")/.."

MODE=all
case "${1:-}" in
  --bench) MODE=bench ;;
  '') ;;
  *) echo "usage: $0 [--bench]" >&2; exit 2 ;;
esac

say() { printf '[setup] %s\n' "$*"; }
t0=$(date +%s)

if [[ "${MODE}" == bench ]]; then
  if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; then
    bash scripts/setup/docker.sh || say "Docker could not be set up: the compose target will be skipped"
  elif ! timeout 10 docker info >/dev/null 2>&1; then
    say "no Docker daemon answers and not root: the compose target will be skipped (run as root, or start Docker)"
  fi
  if [[ ! -d node_modules/.bin ]] || [[ package-lock.json -nt node_modules/.package-lock.json ]]; then
    say "npm ci"
    npm ci --no-audit --no-fund
  else
    say "node_modules up to date"
  fi
  if timeout 10 docker info >/dev/null 2>&1; then bash clusters/images/build.sh; fi
  say "ready for npm run bench:spike ($(( $(date +%s) - t0 )) s)"
  exit 0
fi

APT_PACKAGES=(docker.io docker-compose debootstrap build-essential pkg-config libcairo2-dev libpango1.0-dev
  libjpeg-dev libgif-dev librsvg2-dev chromium iptables)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if (( ${#missing[@]} > 0 )); then
  [[ "$(id -u)" == 0 ]] || { echo "[setup] ERROR: must run as root to apt-get install ${missing[*]}" >&2; exit 4; }
  say "apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
else
  say "apt packages present"
fi

bash scripts/setup/docker.sh

if [[ ! -d node_modules/.bin ]] || [[ package-lock.json -nt node_modules/.package-lock.json ]]; then
  say "npm ci"
  npm ci --no-audit --no-fund
else
  say "node_modules up to date"
fi
if node -e "require('canvas')" 2>/dev/null; then say "canvas: built (PNG charts on)"; else say "canvas: not available (PNG charts will be skipped)"; fi

bash clusters/images/build.sh

if [[ "${CAPBENCH_SKIP_K8S:-}" == 1 ]]; then
  say "CAPBENCH_SKIP_K8S=1: not building the local Kubernetes"
else
  bash clusters/local-k8s/build.sh
fi
say "done in $(( $(date +%s) - t0 )) s"
