#!/usr/bin/env bash
# capbench: build the offline base image capbench/base:bookworm (Debian bookworm minbase
# with nodejs and haproxy) with debootstrap from the Debian archive, for machines that
# cannot reach a container registry. Idempotent: does nothing when the image exists.
#
#   clusters/images/build-base.sh [--rebuild]
#
# Env: CAPBENCH_BASE_IMAGE (default capbench/base:bookworm), DEBIAN_MIRROR
# (default http://deb.debian.org/debian). Must run as root (debootstrap).
# Another script may build the same image at the same time: /tmp/capbench-base.lock is
# held while building (it holds the builder's pid); a fresh lock (< 30 min old) of a live
# process is waited for, a stale one (older, or its process gone) is taken over.
set -euo pipefail

IMAGE="${CAPBENCH_BASE_IMAGE:-capbench/base:bookworm}"
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
LOCK=/tmp/capbench-base.lock
STALE_S=1800
REBUILD=0
[[ "${1:-}" == "--rebuild" ]] && REBUILD=1

log() { printf '[build-base %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

have_image() { docker image inspect "${IMAGE}" >/dev/null 2>&1; }

if [[ "${REBUILD}" == 0 ]] && have_image; then
  log "${IMAGE} present: $(docker image inspect -f '{{.Id}}' "${IMAGE}")"
  exit 0
fi
[[ "$(id -u)" == 0 ]] || die "must run as root (debootstrap); or set BASE_IMAGE to an image with node and haproxy"

# ---------------------------------------------------------------- lock
WORK=""
release() {
  [[ -n "${WORK}" && -d "${WORK}" ]] && rm -rf "${WORK}"
  if [[ -f "${LOCK}" && "$(cat "${LOCK}" 2>/dev/null)" == "$$" ]]; then rm -f "${LOCK}"; fi
}
trap release EXIT
trap 'exit 130' INT TERM
waited=0
while ! (set -o noclobber; echo "$$" >"${LOCK}") 2>/dev/null; do
  age=$(( $(date +%s) - $(stat -c %Y "${LOCK}" 2>/dev/null || date +%s) ))
  holder="$(cat "${LOCK}" 2>/dev/null || true)"
  if [[ "${holder}" =~ ^[0-9]+$ ]] && (( age > 5 )) && ! kill -0 "${holder}" 2>/dev/null; then
    log "lock ${LOCK} held by pid ${holder}, which is gone: taking it over"
    rm -f "${LOCK}"
    continue
  fi
  if (( age > STALE_S )); then
    log "stale lock ${LOCK} (${age}s old, pid $(cat "${LOCK}" 2>/dev/null || echo ?)): taking it over"
    rm -f "${LOCK}"
    continue
  fi
  if (( waited % 30 == 0 )); then log "waiting for ${LOCK} (held by pid $(cat "${LOCK}" 2>/dev/null || echo ?), ${age}s old)"; fi
  sleep 5; waited=$(( waited + 5 ))
done
# someone else may have built it while we waited
if [[ "${REBUILD}" == 0 ]] && have_image; then
  log "${IMAGE} built meanwhile by another process: $(docker image inspect -f '{{.Id}}' "${IMAGE}")"
  exit 0
fi

# ---------------------------------------------------------------- debootstrap
export DEBIAN_FRONTEND=noninteractive
if ! command -v debootstrap >/dev/null 2>&1; then
  log "installing debootstrap"
  apt-get update -qq >&2
  apt-get install -y -qq debootstrap >&2
fi

START=$(date +%s)
WORK="$(mktemp -d /tmp/capbench-base.XXXXXX)"
ROOT="${WORK}/rootfs"
log "debootstrap --variant=minbase --include=nodejs,haproxy bookworm ${ROOT} ${MIRROR}"
# debootstrap is silent for minutes (its output goes to a log): a line every 10 s says it is
# still going, and its last step; the ticker ends with this script even if it is killed
( while sleep 10 && kill -0 $$ 2>/dev/null; do log "  … debootstrap still running ($(( $(date +%s) - START )) s; last: $(grep '^I: ' "${WORK}/debootstrap.log" 2>/dev/null | tail -n1 | cut -c1-80))"; done ) &
TICKER=$!
if ! debootstrap --variant=minbase --include=nodejs,haproxy bookworm "${ROOT}" "${MIRROR}" >"${WORK}/debootstrap.log" 2>&1; then
  tail -n 30 "${WORK}/debootstrap.log" >&2
  [[ -f "${ROOT}/debootstrap/debootstrap.log" ]] && tail -n 30 "${ROOT}/debootstrap/debootstrap.log" >&2
  die "debootstrap failed"
fi
kill "${TICKER}" 2>/dev/null || true
T_BOOT=$(( $(date +%s) - START ))
# smaller image: no package caches, no docs; keep apt lists out so `apt-get update` is explicit
rm -rf "${ROOT}"/var/cache/apt/archives/*.deb "${ROOT}"/var/lib/apt/lists/* \
  "${ROOT}"/usr/share/doc/* "${ROOT}"/usr/share/man/* "${ROOT}"/usr/share/locale/* "${ROOT}"/tmp/*
# the container runtime provides these
rm -f "${ROOT}/etc/hostname" "${ROOT}/etc/resolv.conf"
log "docker import -> ${IMAGE}"
tar --numeric-owner -C "${ROOT}" -c . | docker import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV LANG=C.UTF-8' \
  --change 'CMD ["/bin/bash"]' \
  -m "capbench build-base.sh: debootstrap minbase bookworm + nodejs haproxy" \
  - "${IMAGE}" >/dev/null
docker image inspect "${IMAGE}" >/dev/null || die "import did not produce ${IMAGE}"
NODE_V="$(chroot "${ROOT}" node --version 2>/dev/null || echo '?')"
HAPROXY_V="$(chroot "${ROOT}" haproxy -v 2>/dev/null | head -n1 | awk '{print $3}' || echo '?')"
log "built ${IMAGE} $(docker image inspect -f '{{.Id}} {{.Size}}B' "${IMAGE}") node ${NODE_V} haproxy ${HAPROXY_V}; debootstrap ${T_BOOT}s, total $(( $(date +%s) - START ))s"
