#!/usr/bin/env bash
# capbench local-k8s: start a 3-node Kubernetes 1.20 cluster on this machine.
# Prints progress on stderr; on success prints "KUBECONFIG=<path>" and
# "CONTEXT=capbench-local-k8s" on stdout and exits 0.
set -euo pipefail
# shellcheck source=lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"
lk_require_root
lk_lock

T0=$(date +%s)
# 50 s: the upstream default since Kubernetes 1.32 (1.20, built here, defaults to 40 s) — set
# explicitly so a node crash here times out as on a current cluster
NODE_MONITOR_GRACE="${CAPBENCH_NODE_MONITOR_GRACE:-50s}"
POD_EVICTION_TIMEOUT="${CAPBENCH_POD_EVICTION_TIMEOUT:-5m0s}"
HPA_SYNC="${CAPBENCH_HPA_SYNC_PERIOD:-5s}"
HPA_DOWNSCALE="${CAPBENCH_HPA_DOWNSCALE_STABILIZATION:-5m0s}"
READY_TIMEOUT="${CAPBENCH_K8S_READY_TIMEOUT:-180}"

# ---------------------------------------------------------------- binaries
lk_log "build/cache check"
"${LK_HERE}/build.sh" >/dev/null
LK_BIN="$(lk_bin_dir)" || lk_die "no binaries in ${LK_CACHE}/current"
export PATH="${LK_BIN}:${PATH}"

all_procs() {
  echo etcd kube-apiserver kube-controller-manager kube-scheduler kube-proxy metrics-adapter
  local n
  for n in "${LK_NODE_IDS[@]}"; do echo "containerd-$(lk_node_name "${n}")" "kubelet-$(lk_node_name "${n}")"; done
}

ready_nodes() {
  lk_kubectl get nodes --no-headers 2>/dev/null | awk '$2 == "Ready" {c++} END {print c + 0}'
}

# ---------------------------------------------------------------- already up?
any_running=0; all_running=1
for p in $(all_procs); do
  if lk_running "${p}"; then any_running=1; else all_running=0; fi
done
if [[ "${all_running}" == "1" ]] && lk_api_healthy && [[ "$(ready_nodes)" == "${#LK_NODE_IDS[@]}" ]]; then
  lk_log "already up and healthy (${#LK_NODE_IDS[@]} nodes Ready)"
  echo "KUBECONFIG=${LK_KUBECONFIG}"
  echo "CONTEXT=${LK_CONTEXT}"
  exit 0
fi
if [[ "${any_running}" == "1" || -d "${LK_STATE}/etcd" ]]; then
  lk_log "partially up or stale state: running down.sh first"
  "${LK_HERE}/down.sh"
fi

mkdir -p "${LK_STATE}" "${LK_PIDS}" "${LK_LOGS}" "${LK_PKI}" "${LK_RUN}"
# keep the previous run's logs for one cycle
if compgen -G "${LK_LOGS}/*.log" >/dev/null; then
  rm -rf "${LK_LOGS}.prev"; mv "${LK_LOGS}" "${LK_LOGS}.prev"; mkdir -p "${LK_LOGS}"
fi

# ---------------------------------------------------------------- host: sysctls (record first)
if [[ ! -f "${LK_STATE}/sysctl.saved" ]]; then
  for s in "${LK_SYSCTLS[@]}"; do
    v="$(sysctl -n "${s}" 2>/dev/null || true)"
    [[ -n "${v}" ]] && echo "${s}=${v}"
  done >"${LK_STATE}/sysctl.saved.tmp"
  mv "${LK_STATE}/sysctl.saved.tmp" "${LK_STATE}/sysctl.saved"
  lk_log "recorded sysctls: $(tr '\n' ' ' <"${LK_STATE}/sysctl.saved")"
fi
if [[ ! -f "${LK_STATE}/iptables-tables.saved" ]]; then
  { for c in iptables ip6tables; do lk_ipt_tables "${c}" | sed "s/^/${c} /"; done; } >"${LK_STATE}/iptables-tables.saved"
fi
[[ -e /proc/sys/net/bridge/bridge-nf-call-iptables ]] || modprobe br_netfilter 2>/dev/null || true
sysctl -qw net.ipv4.ip_forward=1
[[ -e /proc/sys/net/bridge/bridge-nf-call-iptables ]] && sysctl -qw net.bridge.bridge-nf-call-iptables=1
[[ -e /proc/sys/net/bridge/bridge-nf-call-iptables ]] || lk_log "warning: br_netfilter unavailable (same-node service traffic may not work)"

# ---------------------------------------------------------------- host: network safety (before any kubelet)
ifaces="$(lk_outward_ifaces)"
[[ -n "${ifaces}" ]] || lk_log "warning: no default route; nothing can leave the machine anyway"
for ifc in ${ifaces}; do
  for dst in 169.254.0.0/16 "${LK_POD_CIDR}" "${LK_SVC_CIDR}"; do
    lk_ipt_ensure filter OUTPUT -o "${ifc}" -d "${dst}" -j REJECT
    lk_ipt_ensure filter FORWARD -o "${ifc}" -d "${dst}" -j REJECT
  done
  lk_ipt_ensure filter FORWARD -o "${ifc}" -s "${LK_POD_CIDR}" -j REJECT
done
# Docker sets FORWARD policy DROP: let pod traffic between our bridges through (after the REJECTs).
if ! iptables -w -C FORWARD -s "${LK_POD_CIDR}" -d "${LK_POD_CIDR}" -j ACCEPT -m comment --comment "${LK_TAG}" 2>/dev/null; then
  pos=$(( $(iptables -w -S FORWARD | grep -c -- "--comment ${LK_TAG}") + 1 ))
  iptables -w -I FORWARD "${pos}" -s "${LK_POD_CIDR}" -d "${LK_POD_CIDR}" -j ACCEPT -m comment --comment "${LK_TAG}"
fi
lk_log "network safety rules in place (outward: ${ifaces:-none})"

# ---------------------------------------------------------------- PKI
cd "${LK_PKI}"
new_key() { [[ -f "$1.key" ]] || openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1.key" 2>/dev/null; }
new_ca() { # name CN
  [[ -f "$1.crt" ]] && return 0
  new_key "$1"
  openssl req -x509 -new -key "$1.key" -subj "/CN=$2" -days 3650 -out "$1.crt" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
}
new_cert() { # name CA subject usage(client|server|both) [SANs]
  local name="$1" ca="$2" subj="$3" usage="$4" sans="${5:-}" eku
  [[ -f "${name}.crt" ]] && return 0
  new_key "${name}"
  case "${usage}" in
    client) eku="clientAuth" ;; server) eku="serverAuth" ;; *) eku="serverAuth,clientAuth" ;;
  esac
  {
    echo "basicConstraints=critical,CA:FALSE"
    echo "keyUsage=critical,digitalSignature,keyEncipherment"
    echo "extendedKeyUsage=${eku}"
    [[ -n "${sans}" ]] && echo "subjectAltName=${sans}"
  } >"${name}.ext"
  openssl req -new -key "${name}.key" -subj "${subj}" -out "${name}.csr" 2>/dev/null
  openssl x509 -req -in "${name}.csr" -CA "${ca}.crt" -CAkey "${ca}.key" -CAcreateserial -days 3650 \
    -extfile "${name}.ext" -out "${name}.crt" 2>/dev/null
  rm -f "${name}.csr" "${name}.ext"
}
lk_log "certificates in ${LK_PKI}"
new_ca ca "capbench-local-k8s-ca"
new_ca front-proxy-ca "capbench-local-k8s-front-proxy-ca"
[[ -f sa.key ]] || { openssl genrsa -out sa.key 2048 2>/dev/null; openssl rsa -in sa.key -pubout -out sa.pub 2>/dev/null; }
new_cert apiserver ca "/CN=kube-apiserver" server \
  "IP:127.0.0.1,IP:10.96.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local"
new_cert apiserver-kubelet-client ca "/O=system:masters/CN=kube-apiserver-kubelet-client" client
new_cert front-proxy-client front-proxy-ca "/CN=front-proxy-client" client
new_cert admin ca "/O=system:masters/CN=capbench-admin" client
new_cert controller-manager ca "/CN=system:kube-controller-manager" client
new_cert scheduler ca "/CN=system:kube-scheduler" client
new_cert kube-proxy ca "/CN=system:kube-proxy" client
new_cert metrics-adapter ca "/CN=metrics-adapter.kube-system.svc" server \
  "DNS:metrics-adapter.kube-system.svc,DNS:localhost,IP:127.0.0.1"
new_cert metrics-adapter-client ca "/O=system:masters/CN=capbench-metrics-adapter" client
for n in "${LK_NODE_IDS[@]}"; do
  name="$(lk_node_name "${n}")"
  new_cert "kubelet-${name}" ca "/CN=${name}" server "IP:${name},DNS:${name}"
  new_cert "node-${name}" ca "/O=system:nodes/CN=system:node:${name}" client
done
chmod 600 ./*.key
cd - >/dev/null

write_kubeconfig() { # file user cert
  local file="$1" user="$2" cert="$3"
  cat >"${file}.tmp" <<YAML
apiVersion: v1
kind: Config
clusters:
- name: ${LK_CONTEXT}
  cluster:
    server: https://127.0.0.1:${LK_API_PORT}
    certificate-authority-data: $(base64 -w0 "${LK_PKI}/ca.crt")
users:
- name: ${user}
  user:
    client-certificate-data: $(base64 -w0 "${LK_PKI}/${cert}.crt")
    client-key-data: $(base64 -w0 "${LK_PKI}/${cert}.key")
contexts:
- name: ${LK_CONTEXT}
  context:
    cluster: ${LK_CONTEXT}
    user: ${user}
current-context: ${LK_CONTEXT}
YAML
  chmod 600 "${file}.tmp"; mv "${file}.tmp" "${file}"
}
write_kubeconfig "${LK_KUBECONFIG}" capbench-admin admin
write_kubeconfig "${LK_STATE}/controller-manager.kubeconfig" system:kube-controller-manager controller-manager
write_kubeconfig "${LK_STATE}/scheduler.kubeconfig" system:kube-scheduler scheduler
write_kubeconfig "${LK_STATE}/kube-proxy.kubeconfig" system:kube-proxy kube-proxy
for n in "${LK_NODE_IDS[@]}"; do
  name="$(lk_node_name "${n}")"
  write_kubeconfig "${LK_STATE}/kubelet-${name}.kubeconfig" "system:node:${name}" "node-${name}"
done

# ---------------------------------------------------------------- control plane
wait_for() { # description timeout-seconds command...
  local what="$1" timeout="$2" i; shift 2
  for ((i = 0; i < timeout; i++)); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 1
  done
  lk_die "timed out after ${timeout}s waiting for ${what} (logs: ${LK_LOGS})"
}

lk_log "starting etcd on 127.0.0.1:${LK_ETCD_PORT}"
mkdir -p "${LK_STATE}/etcd"; chmod 700 "${LK_STATE}/etcd"
lk_start etcd "${LK_BIN}/etcd" --name capbench --data-dir "${LK_STATE}/etcd" \
  --listen-client-urls "http://127.0.0.1:${LK_ETCD_PORT}" --advertise-client-urls "http://127.0.0.1:${LK_ETCD_PORT}" \
  --listen-peer-urls "http://127.0.0.1:${LK_ETCD_PEER_PORT}" --initial-advertise-peer-urls "http://127.0.0.1:${LK_ETCD_PEER_PORT}" \
  --initial-cluster "capbench=http://127.0.0.1:${LK_ETCD_PEER_PORT}" \
  --quota-backend-bytes 2147483648 --log-level warn --logger zap
etcd_ok() { [[ "$(exec 3<>"/dev/tcp/127.0.0.1/${LK_ETCD_PORT}" && printf 'GET /health HTTP/1.0\r\n\r\n' >&3 && cat <&3)" == *'"health":"true"'* ]]; }
wait_for etcd 30 etcd_ok

lk_log "starting kube-apiserver on https://127.0.0.1:${LK_API_PORT}"
P="${LK_PKI}"
lk_start kube-apiserver "${LK_BIN}/kube-apiserver" \
  --etcd-servers="http://127.0.0.1:${LK_ETCD_PORT}" \
  --bind-address=127.0.0.1 --secure-port="${LK_API_PORT}" --insecure-port=0 --advertise-address=127.0.0.1 \
  --endpoint-reconciler-type=none \
  --service-cluster-ip-range="${LK_SVC_CIDR}" \
  --tls-cert-file="${P}/apiserver.crt" --tls-private-key-file="${P}/apiserver.key" \
  --client-ca-file="${P}/ca.crt" \
  --service-account-key-file="${P}/sa.pub" --service-account-signing-key-file="${P}/sa.key" \
  --service-account-issuer=https://kubernetes.default.svc.cluster.local \
  --authorization-mode=Node,RBAC --enable-admission-plugins=NodeRestriction \
  --allow-privileged=true \
  --kubelet-client-certificate="${P}/apiserver-kubelet-client.crt" --kubelet-client-key="${P}/apiserver-kubelet-client.key" \
  --kubelet-certificate-authority="${P}/ca.crt" --kubelet-preferred-address-types=InternalIP,Hostname \
  --requestheader-client-ca-file="${P}/front-proxy-ca.crt" --requestheader-allowed-names=front-proxy-client \
  --requestheader-username-headers=X-Remote-User --requestheader-group-headers=X-Remote-Group \
  --requestheader-extra-headers-prefix=X-Remote-Extra- \
  --proxy-client-cert-file="${P}/front-proxy-client.crt" --proxy-client-key-file="${P}/front-proxy-client.key" \
  --enable-aggregator-routing=false \
  --profiling=false --v=1
wait_for kube-apiserver 90 lk_api_healthy

lk_log "starting kube-controller-manager (node-monitor-grace-period=${NODE_MONITOR_GRACE}, pod-eviction-timeout=${POD_EVICTION_TIMEOUT})"
lk_start kube-controller-manager "${LK_BIN}/kube-controller-manager" \
  --kubeconfig="${LK_STATE}/controller-manager.kubeconfig" \
  --authentication-kubeconfig="${LK_STATE}/controller-manager.kubeconfig" \
  --authorization-kubeconfig="${LK_STATE}/controller-manager.kubeconfig" \
  --bind-address=127.0.0.1 --port=0 --secure-port=10257 \
  --leader-elect=false --use-service-account-credentials=true \
  --service-account-private-key-file="${P}/sa.key" --root-ca-file="${P}/ca.crt" \
  --cluster-signing-cert-file="${P}/ca.crt" --cluster-signing-key-file="${P}/ca.key" \
  --allocate-node-cidrs=false --cluster-cidr="${LK_POD_CIDR}" --service-cluster-ip-range="${LK_SVC_CIDR}" \
  --horizontal-pod-autoscaler-sync-period="${HPA_SYNC}" \
  --horizontal-pod-autoscaler-downscale-stabilization="${HPA_DOWNSCALE}" \
  --node-monitor-grace-period="${NODE_MONITOR_GRACE}" --pod-eviction-timeout="${POD_EVICTION_TIMEOUT}" \
  --profiling=false --v=1

lk_log "starting kube-scheduler"
lk_start kube-scheduler "${LK_BIN}/kube-scheduler" \
  --kubeconfig="${LK_STATE}/scheduler.kubeconfig" \
  --authentication-kubeconfig="${LK_STATE}/scheduler.kubeconfig" \
  --authorization-kubeconfig="${LK_STATE}/scheduler.kubeconfig" \
  --bind-address=127.0.0.1 --port=0 --secure-port=10259 \
  --leader-elect=false --profiling=false --v=1

# ---------------------------------------------------------------- nodes
for n in "${LK_NODE_IDS[@]}"; do lk_node_start "${n}"; done

lk_log "starting kube-proxy (iptables, nodeport-addresses 127.0.0.0/8)"
lk_start kube-proxy "${LK_BIN}/kube-proxy" \
  --kubeconfig="${LK_STATE}/kube-proxy.kubeconfig" \
  --proxy-mode=iptables --hostname-override="$(lk_node_name "${LK_NODE_IDS[0]}")" \
  --cluster-cidr="${LK_POD_CIDR}" --nodeport-addresses=127.0.0.0/8 \
  --metrics-bind-address=127.0.0.1:10249 --healthz-bind-address=127.0.0.1:10256 \
  --conntrack-max-per-core=0 --conntrack-tcp-timeout-established=0 --conntrack-tcp-timeout-close-wait=0 \
  --oom-score-adj=0 --profiling=false --v=1

# ---------------------------------------------------------------- metrics adapter
lk_log "starting metrics adapter on https://127.0.0.1:${LK_ADAPTER_PORT}"
lk_start metrics-adapter node "${LK_HERE}/metrics-adapter.mjs" \
  --listen="127.0.0.1:${LK_ADAPTER_PORT}" \
  --tls-cert="${P}/metrics-adapter.crt" --tls-key="${P}/metrics-adapter.key" \
  --requestheader-ca="${P}/front-proxy-ca.crt" \
  --api-server="https://127.0.0.1:${LK_API_PORT}" --ca="${P}/ca.crt" \
  --client-cert="${P}/metrics-adapter-client.crt" --client-key="${P}/metrics-adapter-client.key"
lk_kubectl apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Service
metadata:
  name: metrics-adapter
  namespace: kube-system
  labels: {app.kubernetes.io/managed-by: capbench-local-k8s}
spec:
  type: ExternalName
  externalName: 127.0.0.1
  ports:
  - name: https
    port: ${LK_ADAPTER_PORT}
    protocol: TCP
---
apiVersion: apiregistration.k8s.io/v1
kind: APIService
metadata:
  name: v1beta1.metrics.k8s.io
  labels: {app.kubernetes.io/managed-by: capbench-local-k8s}
spec:
  group: metrics.k8s.io
  version: v1beta1
  groupPriorityMinimum: 100
  versionPriority: 100
  caBundle: $(base64 -w0 "${P}/ca.crt")
  service:
    name: metrics-adapter
    namespace: kube-system
    port: ${LK_ADAPTER_PORT}
YAML

# ---------------------------------------------------------------- wait for nodes
lk_log "waiting for ${#LK_NODE_IDS[@]} nodes Ready (timeout ${READY_TIMEOUT}s)"
for ((i = 0; i < READY_TIMEOUT; i++)); do
  r="$(ready_nodes)"
  [[ "${r}" == "${#LK_NODE_IDS[@]}" ]] && break
  sleep 1
done
[[ "$(ready_nodes)" == "${#LK_NODE_IDS[@]}" ]] || lk_die "nodes not Ready after ${READY_TIMEOUT}s: $(lk_kubectl get nodes --no-headers 2>&1 | tr '\n' ';')"
lk_log "nodes Ready after $(( $(date +%s) - T0 ))s: $(lk_kubectl get nodes --no-headers | awk '{print $1 "=" $2}' | tr '\n' ' ')"

for ((i = 0; i < 60; i++)); do
  lk_kubectl get apiservice v1beta1.metrics.k8s.io -o 'jsonpath={.status.conditions[?(@.type=="Available")].status}' 2>/dev/null | grep -qx True && break
  sleep 1
done
avail="$(lk_kubectl get apiservice v1beta1.metrics.k8s.io -o 'jsonpath={.status.conditions[?(@.type=="Available")].status}' 2>/dev/null || true)"
[[ "${avail}" == "True" ]] || lk_die "metrics API (APIService v1beta1.metrics.k8s.io) not Available; see ${LK_LOGS}/metrics-adapter.log"
lk_log "metrics API available"
lk_log "up in $(( $(date +%s) - T0 ))s; kubeconfig ${LK_KUBECONFIG} (context ${LK_CONTEXT})"
echo "KUBECONFIG=${LK_KUBECONFIG}"
echo "CONTEXT=${LK_CONTEXT}"
