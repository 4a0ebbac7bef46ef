#!/usr/bin/env bash
# capbench: build the images the Compose target runs: capbench/app:v1 (clusters/app) and
# capbench/lb:2 (clusters/images/lb). Idempotent and fast when both exist.
#
#   clusters/images/build.sh [--rebuild]
#
# Base image, first that applies:
#   1. env BASE_IMAGE (any image with node and a Debian userland);
#   2. node:20-bookworm-slim when present locally or pullable (the app; the lb then uses
#      debian:bookworm-slim and installs haproxy with apt);
#   3. capbench/base:bookworm built offline by build-base.sh (node and haproxy inside).
# Env: CAPBENCH_APP_IMAGE (capbench/app:v1), CAPBENCH_LB_IMAGE (capbench/lb:2),
#      CAPBENCH_PULL_TIMEOUT_S (20).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "${HERE}/../.." && pwd)"
APP_IMAGE="${CAPBENCH_APP_IMAGE:-capbench/app:v1}"
LB_IMAGE="${CAPBENCH_LB_IMAGE:-capbench/lb:2}"
OFFICIAL_NODE=node:20-bookworm-slim
OFFICIAL_DEBIAN=debian:bookworm-slim
OFFLINE_BASE=capbench/base:bookworm
PULL_TIMEOUT_S="${CAPBENCH_PULL_TIMEOUT_S:-20}"
REBUILD=0
for a in "$@"; do
  case "$a" in
    --rebuild) REBUILD=1 ;;
    -h|--help) sed -n '2,14p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "build.sh: unknown argument ${a}; valid: --rebuild" >&2; exit 2 ;;
  esac
done

log() { printf '[images %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
have() { docker image inspect "$1" >/dev/null 2>&1; }
image_id() { docker image inspect -f '{{.Id}}' "$1"; }

timeout 15 docker info >/dev/null 2>&1 || die "docker does not answer (run: scripts/setup/docker.sh)"

if [[ "${REBUILD}" == 0 ]] && have "${APP_IMAGE}" && have "${LB_IMAGE}"; then
  log "${APP_IMAGE} $(image_id "${APP_IMAGE}") present"
  log "${LB_IMAGE} $(image_id "${LB_IMAGE}") present"
  exit 0
fi

T0=$(date +%s)
try_pull() { # image: present, or pulled within PULL_TIMEOUT_S
  have "$1" && return 0
  log "trying docker pull $1 (timeout ${PULL_TIMEOUT_S}s)"
  timeout "${PULL_TIMEOUT_S}" docker pull -q "$1" >/dev/null 2>&1
}

if [[ -n "${BASE_IMAGE:-}" ]]; then
  APP_BASE="${BASE_IMAGE}"; LB_BASE="${BASE_IMAGE}"
  log "BASE_IMAGE=${BASE_IMAGE} (from env)"
elif try_pull "${OFFICIAL_NODE}"; then
  APP_BASE="${OFFICIAL_NODE}"
  if try_pull "${OFFICIAL_DEBIAN}"; then LB_BASE="${OFFICIAL_DEBIAN}"; else LB_BASE="${OFFICIAL_NODE}"; fi
  log "using official images: app on ${APP_BASE}, lb on ${LB_BASE}"
else
  log "no registry image available: building/using offline base ${OFFLINE_BASE}"
  TB=$(date +%s)
  CAPBENCH_BASE_IMAGE="${OFFLINE_BASE}" "${HERE}/build-base.sh"
  log "base ready in $(( $(date +%s) - TB ))s"
  APP_BASE="${OFFLINE_BASE}"; LB_BASE="${OFFLINE_BASE}"
fi

build() { # image context dockerfile base
  local t; t=$(date +%s)
  log "docker build ${1} (BASE_IMAGE=${4})"
  docker build -q -t "$1" -f "$3" --build-arg "BASE_IMAGE=$4" \
    --label capbench.built-by=clusters/images/build.sh --label "capbench.base-image=$4" "$2" >/dev/null \
    || die "docker build $1 failed (run without -q to see why: docker build -f $3 --build-arg BASE_IMAGE=$4 $2)"
  log "${1} $(image_id "$1") in $(( $(date +%s) - t ))s"
}
if [[ "${REBUILD}" == 1 ]] || ! have "${APP_IMAGE}"; then
  build "${APP_IMAGE}" "${REPO}/clusters/app" "${REPO}/clusters/app/Dockerfile" "${APP_BASE}"
else
  log "${APP_IMAGE} $(image_id "${APP_IMAGE}") present"
fi
if [[ "${REBUILD}" == 1 ]] || ! have "${LB_IMAGE}"; then
  build "${LB_IMAGE}" "${HERE}/lb" "${HERE}/lb/Dockerfile" "${LB_BASE}"
else
  log "${LB_IMAGE} $(image_id "${LB_IMAGE}") present"
fi
log "images ready in $(( $(date +%s) - T0 ))s"
