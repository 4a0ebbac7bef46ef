#!/usr/bin/env bash
# capbench local-k8s: exit 0 when the cluster is up and the API answers, 1 otherwise.
# stdout: "KUBECONFIG=<path>", "CONTEXT=<name>", "API=up|down", "NODES_READY=<n>/<total>".
set -euo pipefail
# shellcheck source=lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"
LK_BIN="$(lk_bin_dir || true)"
echo "KUBECONFIG=${LK_KUBECONFIG}"
echo "CONTEXT=${LK_CONTEXT}"
if [[ -n "${LK_BIN}" ]] && lk_running kube-apiserver && lk_api_healthy; then
  ready="$(lk_kubectl get nodes --no-headers 2>/dev/null | awk '$2 == "Ready" {c++} END {print c + 0}')"
  echo "API=up"
  echo "NODES_READY=${ready}/${#LK_NODE_IDS[@]}"
  exit 0
fi
echo "API=down"
echo "NODES_READY=0/${#LK_NODE_IDS[@]}"
exit 1
