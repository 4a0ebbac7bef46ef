#!/usr/bin/env bash
# capbench: set up what capbench needs on a Debian/Ubuntu machine. Idempotent: a step whose
# result is already there says so and does nothing; a step whose prerequisite appeared since
# the last run redoes what depended on it (e.g. npm ci once the Cairo packages exist, so the
# optional canvas module builds). Every step says what it does and how long it took.
#
#   bash scripts/setup.sh --bench   what `npm run bench:spike` needs: npm ci, and — as root
#                                   on Debian/Ubuntu — Docker + Compose and the app images
#                                   (the Compose target), and the local Kubernetes built from
#                                   Debian's source and started (the local-k8s target), so the
#                                   quick spike compares Compose with Kubernetes. Without root
#                                   or apt those targets are left out and said so.
#   bash scripts/setup.sh           everything the tests need (the README's test command and
#                                   .ci/run), as root:
#     1. apt packages: Docker + Compose, debootstrap (offline base image), Cairo build
#        packages (canvas → PNG charts), Chromium (browser test of the HTML report), wrk
#        (bench:self's C baseline), xz-utils
#     2. a Docker daemon that answers (scripts/setup/docker.sh); Compose v2 (Docker CLI plugin)
#        and kind from Debian sid, unpacked into a cache (scripts/setup/sid-tools.sh)
#     3. npm ci (canvas builds from source)
#     4. images capbench/app:v1 and capbench/lb:2 (offline base when no registry answers)
#     5. real k6 for the k6 driver's tests (scripts/setup/k6.sh; CAPBENCH_SKIP_K6=1 skips it)
#     6. the local Kubernetes binaries, built once from Debian's source and cached, and the
#        kind node image made from them (skipped with CAPBENCH_SKIP_K8S=1)
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
# `ticking WHAT CMD…`: runs CMD, saying every 10 s that WHAT is still going (apt-get -qq is
# silent for minutes); the ticker ends with CMD, or with this script if it is killed.
ticking() {
  local what=$1 s0 ticker rc=0
  shift
  s0=$(date +%s)
  ( while sleep 10 && kill -0 $$ 2>/dev/null; do say "  … ${what} still running ($(( $(date +%s) - s0 )) s)"; done ) &
  ticker=$!
  "$@" || rc=$?
  kill "${ticker}" 2>/dev/null || true
  wait "${ticker}" 2>/dev/null || true
  return "${rc}"
}
is_root_debian() { [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; }
docker_answers() { timeout 10 docker info >/dev/null 2>&1; }
cairo_present() { pkg-config --exists cairo pangocairo 2>/dev/null; }
canvas_loads() { node -e "require('canvas')" >/dev/null 2>&1; }

# npm ci when node_modules is missing or was installed from another package-lock.json (its
# hash is kept in node_modules/.capbench-lock; file times say nothing after a fresh checkout)
# — or when the Cairo packages are present now but canvas (an optional dependency, dropped
# silently when its build failed) is not: a `--bench` setup before the full one installed
# node_modules without them.
npm_install() {
  local why='' lock
  lock=$(sha256sum package-lock.json | cut -d' ' -f1)
  if [[ ! -d node_modules/.bin ]]; then why='no node_modules'
  elif [[ "$(cat node_modules/.capbench-lock 2>/dev/null)" != "${lock}" ]]; then why='installed from another package-lock.json'
  elif cairo_present && ! canvas_loads; then why='the Cairo packages are installed now, canvas is not built'
  fi
  if [[ -z "${why}" ]]; then say "node_modules up to date"; return; fi
  say "npm ci (${why})"
  ticking 'npm ci' npm ci --no-audit --no-fund
  echo "${lock}" > node_modules/.capbench-lock
}

local_k8s_wanted() {
  if [[ "${CAPBENCH_SKIP_K8S:-}" == 1 ]]; then say "CAPBENCH_SKIP_K8S=1: not building the local Kubernetes"; return 1; fi
  if ! is_root_debian; then say "not root on Debian/Ubuntu: the local Kubernetes (local-k8s) is left out"; return 1; fi
  return 0
}

if [[ "${MODE}" == bench ]]; then
  if is_root_debian; then
    bash scripts/setup/docker.sh || say "Docker could not be set up: the compose target will be skipped"
  elif ! docker_answers; then
    say "no Docker daemon answers and not root: the compose target will be skipped (run as root, or start Docker)"
  fi
  npm_install
  if docker_answers; then bash clusters/images/build.sh; fi
  if local_k8s_wanted; then
    bash clusters/local-k8s/build.sh >/dev/null
    say "starting the local Kubernetes (stop it with: npx capbench cluster down local-k8s)"
    node --import tsx src/cli/main.ts cluster up local-k8s
  fi
  say "ready for npm run bench:spike ($(( $(date +%s) - t0 )) s)"
  exit 0
fi

APT_PACKAGES=(docker.io docker-compose debootstrap build-essential pkg-config libcairo2-dev libpango1.0-dev
  libjpeg-dev libgif-dev librsvg2-dev chromium iptables wrk xz-utils)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if (( ${#missing[@]} > 0 )); then
  [[ "$(id -u)" == 0 ]] || { echo "[setup] ERROR: must run as root to apt-get install ${missing[*]}" >&2; exit 4; }
  say "apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  ticking 'apt-get update' apt-get update -qq
  ticking 'apt-get install' apt-get install -y -qq "${missing[@]}" >/dev/null
else
  say "apt packages present"
fi

bash scripts/setup/docker.sh
bash scripts/setup/sid-tools.sh

npm_install
if canvas_loads; then
  say "canvas: built (PNG charts on)"
else
  echo "[setup] ERROR: canvas must load after npm ci with the Cairo packages installed (got: $(node -e "require('canvas')" 2>&1 | grep -m1 Error))" >&2
  echo "[setup] hint: rm -rf node_modules && bash scripts/setup.sh" >&2
  exit 4
fi

bash clusters/images/build.sh
bash scripts/setup/k6.sh

if local_k8s_wanted; then
  bash clusters/local-k8s/build.sh
  bash clusters/kind/build-node-image.sh
fi
say "done in $(( $(date +%s) - t0 )) s"
