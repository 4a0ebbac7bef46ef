#!/usr/bin/env bash
# capbench local-k8s: node faults.
#   node.sh crash <node>    SIGKILL the node's kubelet, containerd, shims and pod processes
#   node.sh restore <node>  start the node's containerd and kubelet again (same config)
#   node.sh status          one line per node: name=127.0.0.N kubelet=up|down containerd=up|down ready=True|False|Unknown
# <node> is the node name (127.0.0.2 .. 127.0.0.4) or just its last octet.
# Exit codes: 0 ok, 2 usage / unknown node, 1 other failure.
set -euo pipefail
# shellcheck source=lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"
lk_require_root
usage() { echo "usage: $0 crash <node> | restore <node> | status" >&2; exit 2; }
cmd="${1:-}"
LK_BIN="$(lk_bin_dir)" || lk_die "no binaries; run build.sh/up.sh first"

case "${cmd}" in
  crash|restore)
    [[ $# -eq 2 ]] || usage
    n="$(lk_node_id "$2")" || { echo "unknown node: $2 (nodes: $(for i in "${LK_NODE_IDS[@]}"; do printf '%s ' "$(lk_node_name "${i}")"; done))" >&2; exit 2; }
    name="$(lk_node_name "${n}")"
    lk_lock
    if [[ "${cmd}" == crash ]]; then
      lk_node_kill "${n}"
      lk_log "node ${name} crashed (kubelet, containerd and pod processes SIGKILLed)"
      echo "name=${name} kubelet=down containerd=down"
    else
      lk_running kube-apiserver || lk_die "cluster is not up"
      lk_node_start "${n}"
      echo "name=${name} kubelet=up containerd=up"
    fi
    ;;
  status)
    [[ $# -eq 1 ]] || usage
    declare -A ready=()
    if lk_api_healthy; then
      while read -r nm st; do
        case "${st}" in Ready*) ready["${nm}"]=True ;; NotReady*) ready["${nm}"]=False ;; *) ready["${nm}"]=Unknown ;; esac
      done < <(lk_kubectl get nodes --no-headers 2>/dev/null | awk '{print $1, $2}')
    fi
    for n in "${LK_NODE_IDS[@]}"; do
      name="$(lk_node_name "${n}")"
      k=down; c=down
      lk_running "kubelet-${name}" && k=up
      lk_running "containerd-${name}" && c=up
      echo "name=${name} kubelet=${k} containerd=${c} ready=${ready[${name}]:-Unknown}"
    done
    ;;
  *) usage ;;
esac
