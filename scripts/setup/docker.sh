#!/usr/bin/env bash
# capbench: make sure a Docker daemon answers and Compose is installed (Debian/Ubuntu).
# Idempotent: when `docker info` answers and a compose CLI exists, it does nothing.
#   - installs docker.io / docker-compose with apt when missing (one apt-get update)
#   - starts dockerd in the background when no daemon answers and systemd is not in charge
#     (log /var/log/capbench-dockerd.log, pid /run/capbench-dockerd.pid)
#   - waits up to 60 s for `docker info`
set -euo pipefail

LOG=/var/log/capbench-dockerd.log
PIDFILE=/run/capbench-dockerd.pid
WAIT_S=60

say() { printf '[setup-docker] %s\n' "$*"; }
die() { say "ERROR: $*" >&2; exit 1; }

docker_answers() { command -v docker >/dev/null 2>&1 && timeout 10 docker info >/dev/null 2>&1; }
compose_found() {
  { command -v docker >/dev/null 2>&1 && timeout 10 docker compose version >/dev/null 2>&1; } ||
    command -v docker-compose >/dev/null 2>&1
}

if docker_answers && compose_found; then
  say "docker answers ($(docker version -f '{{.Server.Version}}' 2>/dev/null)) and compose is installed: nothing to do"
  exit 0
fi

[[ "$(id -u)" == 0 ]] || die "must run as root to install or start Docker (try: sudo $0)"
command -v apt-get >/dev/null 2>&1 || die "apt-get not found: install Docker and Compose with your OS's package manager"
export DEBIAN_FRONTEND=noninteractive

missing=()
command -v docker >/dev/null 2>&1 || missing+=(docker.io)
command -v dockerd >/dev/null 2>&1 || { [[ " ${missing[*]} " == *" docker.io "* ]] || missing+=(docker.io); }
compose_found || missing+=(docker-compose)
if (( ${#missing[@]} > 0 )); then
  say "apt-get update"
  apt-get update -qq
  say "apt-get install -y ${missing[*]}"
  apt-get install -y -qq "${missing[@]}"
fi

if ! docker_answers; then
  if [[ -f "${PIDFILE}" ]] && kill -0 "$(cat "${PIDFILE}")" 2>/dev/null; then
    say "dockerd already started by this script (pid $(cat "${PIDFILE}")); waiting for it"
  elif command -v systemctl >/dev/null 2>&1 && [[ -d /run/systemd/system ]]; then
    say "systemctl start docker"
    systemctl start docker || die "systemctl start docker failed (see: journalctl -u docker)"
  else
    say "starting dockerd in the background (log ${LOG}, pid ${PIDFILE})"
    command -v containerd >/dev/null 2>&1 || say "note: containerd not on PATH; dockerd may fail"
    nohup dockerd >>"${LOG}" 2>&1 </dev/null &
    echo $! >"${PIDFILE}"
  fi
  for ((i = 0; i < WAIT_S; i++)); do
    docker_answers && break
    if [[ -f "${PIDFILE}" ]] && ! kill -0 "$(cat "${PIDFILE}")" 2>/dev/null; then
      tail -n 20 "${LOG}" >&2 || true
      die "dockerd exited (see ${LOG})"
    fi
    sleep 1
  done
  docker_answers || die "docker info does not answer after ${WAIT_S}s (see ${LOG})"
fi

say "docker $(docker version -f '{{.Server.Version}}') answers"
if timeout 10 docker compose version >/dev/null 2>&1; then
  say "compose: $(docker compose version --short 2>/dev/null || docker compose version) (docker compose)"
else
  say "compose: $(docker-compose version --short 2>/dev/null || echo '?') (docker-compose)"
fi
