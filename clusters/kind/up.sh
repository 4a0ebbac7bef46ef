#!/usr/bin/env bash
# capbench kind: a real kind cluster on the Debian-built node image, offline. Idempotent.
#   clusters/kind/up.sh            (as root; `npx capbench cluster up kind` runs it)
# 1. clusters/kind/build-node-image.sh (cached) and clusters/images/build.sh (app image)
# 2. unless cluster `capbench` exists: records the host sysctls the kubelets will set
#    (clusters/kind/down.sh restores them), then
#    kind create cluster --name capbench --config clusters/kind/offline.yaml --image <node image> --wait 180s
#    through clusters/kind/kind.sh (clusters/kind/bin first on PATH: the docker wrapper)
# 3. deletes kubeadm's CoreDNS deployment (no image: CoreDNS has no Debian source), waits for
#    every node Ready, loads capbench/app:v1, runs the metrics adapter, waits for the metrics API
# stdout: CONTEXT=kind-capbench, NODE_IMAGE=<image>.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "${HERE}/../.." && pwd)"
CLUSTER=capbench
CP="${CLUSTER}-control-plane"
STATE=/var/lib/capbench/kind
SYSCTLS=(vm.overcommit_memory vm.panic_on_oom kernel.panic kernel.panic_on_oops kernel.keys.root_maxkeys kernel.keys.root_maxbytes)
READY_TIMEOUT_S=180
NODES="$(grep -c '^  - role:' "${HERE}/offline.yaml")"

log() { printf '[kind %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
kc() { docker exec -i "${CP}" kubectl --kubeconfig=/etc/kubernetes/admin.conf "$@"; }

[[ "$(id -u)" == 0 ]] || die "must run as root (node image build, host sysctls)"
command -v kind >/dev/null 2>&1 || die "kind not found (bash scripts/setup/sid-tools.sh)"
T0=$(date +%s)

NODE_IMAGE="$(bash "${HERE}/build-node-image.sh" | sed -n 's/^CAPBENCH_KIND_NODE_IMAGE=//p' | tail -n1)"
[[ -n "${NODE_IMAGE}" ]] || die "clusters/kind/build-node-image.sh gave no image"
bash "${REPO}/clusters/images/build.sh" >&2

if kind get clusters 2>/dev/null | grep -qx "${CLUSTER}"; then
  log "cluster ${CLUSTER} exists"
else
  mkdir -p "${STATE}"
  if [[ ! -f "${STATE}/sysctl.saved" ]]; then
    for s in "${SYSCTLS[@]}"; do echo "${s}=$(sysctl -n "${s}")"; done >"${STATE}/sysctl.saved.tmp"
    mv "${STATE}/sysctl.saved.tmp" "${STATE}/sysctl.saved"
  fi
  log "kind create cluster --name ${CLUSTER} --image ${NODE_IMAGE} (clusters/kind/offline.yaml)"
  T1=$(date +%s)
  bash "${HERE}/kind.sh" create cluster --name "${CLUSTER}" --config "${HERE}/offline.yaml" \
    --image "${NODE_IMAGE}" --wait "${READY_TIMEOUT_S}s" >&2
  log "kind create cluster took $(( $(date +%s) - T1 ))s"
fi

kc -n kube-system delete deployment coredns --ignore-not-found >&2
log "waiting for ${NODES} Ready nodes"
for ((i = 0; i < READY_TIMEOUT_S; i++)); do
  ready="$(kc get nodes --no-headers 2>/dev/null | awk '$2 == "Ready"' | wc -l)"
  [[ "${ready}" == "${NODES}" ]] && break
  sleep 1
done
[[ "${ready}" == "${NODES}" ]] || die "${NODES} nodes must be Ready (got: $(kc get nodes --no-headers 2>&1 | awk '{print $1 "=" $2}' | tr '\n' ' '))"

log "kind load docker-image capbench/app:v1"
bash "${HERE}/kind.sh" load docker-image capbench/app:v1 --name "${CLUSTER}" >&2
docker exec "${CP}" mkdir -p /kind/capbench
docker cp "${REPO}/clusters/local-k8s/metrics-adapter.mjs" "${CP}:/kind/capbench/metrics-adapter.mjs"
kc apply -f - <"${HERE}/metrics-adapter.yaml" >&2
for ((i = 0; i < 90; i++)); do
  avail="$(kc get apiservice v1beta1.metrics.k8s.io -o 'jsonpath={.status.conditions[?(@.type=="Available")].status}' 2>/dev/null || true)"
  [[ "${avail}" == True ]] && break
  sleep 1
done
[[ "${avail}" == True ]] || die "metrics API (APIService v1beta1.metrics.k8s.io) must be Available (got ${avail:-nothing}; kubectl -n kube-system logs deploy/capbench-metrics-adapter)"
log "up in $(( $(date +%s) - T0 ))s: $(kc get nodes --no-headers | awk '{print $1 "=" $2}' | tr '\n' ' ')"
echo "CONTEXT=kind-${CLUSTER}"
echo "NODE_IMAGE=${NODE_IMAGE}"
