#!/usr/bin/env bash
# capbench local-k8s: copy a local Docker image into every node's containerd (namespace k8s.io).
#   load-image.sh <image-ref> [<image-ref>...]
# Use the images with imagePullPolicy: Never. Exit 0 on success, 2 on usage error, 1 otherwise.
set -euo pipefail
# shellcheck source=lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"
lk_require_root
[[ $# -ge 1 ]] || { echo "usage: $0 <docker-image-ref> [...]" >&2; exit 2; }
for ref in "$@"; do
  docker image inspect "${ref}" >/dev/null 2>&1 || lk_die "docker has no image ${ref}"
done
tmp="$(mktemp -d)"
trap 'rm -rf "${tmp}"' EXIT
docker save -o "${tmp}/images.tar" "$@"
loaded=0
for n in "${LK_NODE_IDS[@]}"; do
  name="$(lk_node_name "${n}")"
  sock="$(lk_node_sock "${n}")"
  if ! lk_running "containerd-${name}"; then
    lk_log "node ${name}: containerd not running, skipped"
    continue
  fi
  ctr --address "${sock}" -n k8s.io images import "${tmp}/images.tar" >/dev/null
  lk_log "node ${name}: imported $*"
  loaded=$((loaded + 1))
done
[[ "${loaded}" -gt 0 ]] || lk_die "no node containerd running (is the cluster up?)"
echo "LOADED_NODES=${loaded}"
