#!/usr/bin/env bash
# capbench kind: delete cluster `capbench` and what it left on the host. Idempotent.
#   clusters/kind/down.sh          (`npx capbench cluster down kind` runs it)
# - kind delete cluster --name capbench (node containers and their volumes, kubeconfig entry)
# - the Docker network `kind` (kind keeps it) when no container uses it any more
# - the host sysctls the nodes' kubelets changed, restored from /var/lib/capbench/kind/sysctl.saved
#   when no kind cluster is left
set -euo pipefail

CLUSTER=capbench
STATE=/var/lib/capbench/kind
log() { printf '[kind %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

if command -v kind >/dev/null 2>&1; then
  kind delete cluster --name "${CLUSTER}" >&2
else
  log "kind not found: removing the node containers by label"
  ids="$(docker ps -aq --filter "label=io.x-k8s.kind.cluster=${CLUSTER}")"
  [[ -z "${ids}" ]] || docker rm -f -v ${ids} >/dev/null
fi
if docker network inspect kind >/dev/null 2>&1; then
  if [[ "$(docker network inspect -f '{{len .Containers}}' kind)" == 0 ]]; then
    docker network rm kind >/dev/null && log "removed docker network kind"
  else
    log "docker network kind kept: other containers use it"
  fi
fi
if [[ -f "${STATE}/sysctl.saved" ]] && [[ -z "$(docker ps -aq --filter label=io.x-k8s.kind.cluster)" ]]; then
  while IFS='=' read -r key value; do
    [[ -n "${key}" ]] && sysctl -q -w "${key}=${value}"
  done <"${STATE}/sysctl.saved"
  rm -f "${STATE}/sysctl.saved"
  log "host sysctls restored"
fi
log "down"
