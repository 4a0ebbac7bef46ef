#!/usr/bin/env bash
# capbench local-k8s: stop everything up.sh started (by recorded PID) and restore the host.
# Idempotent and safe on a partially started cluster. Exit 0 when the host is clean.
set -euo pipefail
# shellcheck source=lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"
lk_require_root
lk_lock
T0=$(date +%s)
LK_BIN="$(lk_bin_dir || true)"

# ---------------------------------------------------------------- graceful pod teardown via the API
if [[ -n "${LK_BIN}" ]] && lk_api_healthy; then
  lk_log "cordoning nodes and deleting all pods (graceful CNI teardown by the kubelets)"
  lk_kubectl cordon --all >/dev/null 2>&1 || true
  lk_kubectl delete pods --all --all-namespaces --grace-period=2 --wait=true --timeout=15s >/dev/null 2>&1 || \
    lk_log "some pods did not terminate gracefully; killing them"
fi

# ---------------------------------------------------------------- processes, by recorded PID
for p in metrics-adapter kube-proxy kube-scheduler kube-controller-manager; do
  lk_stop "${p}" 10
done
for n in "${LK_NODE_IDS[@]}"; do lk_stop "kubelet-$(lk_node_name "${n}")" 10; done
for n in "${LK_NODE_IDS[@]}"; do
  lk_stop "containerd-$(lk_node_name "${n}")" 10
  lk_node_kill "${n}"   # shims and pod processes left behind (recorded in our state dirs / cgroups)
done
lk_stop kube-apiserver 10
lk_stop etcd 10

left=()
for f in "${LK_PIDS}"/*.pid; do
  [[ -f "${f}" ]] || continue
  name="$(basename "${f}" .pid)"
  if lk_running "${name}"; then left+=("${name}"); lk_stop "${name}" 5; else rm -f "${f}" "${LK_PIDS}/${name}.start"; fi
done

# ---------------------------------------------------------------- node mount namespaces, pod netns
# Releasing a node's mount namespace drops every mount made inside it; the netns files it had
# bind-mounted are then plain files in /run/netns, removed here (only those listed by our nodes).
for n in "${LK_NODE_IDS[@]}"; do
  while read -r f; do
    f="/run/netns/${f##*/}"
    [[ -n "${f}" && -f "${f}" ]] || continue
    awk -v p="${f}" '$5 == p {f = 1} END {exit !f}' /proc/self/mountinfo && { umount "${f}" 2>/dev/null || true; }
    rm -f "${f}"
  done < <(lk_node_ns_destroy "${n}")
done
# older layouts / partial runs: netns on the host whose pod IP is in one of our pod CIDRs
if [[ -d /run/netns ]]; then
  for ns in /run/netns/cni-*; do
    [[ -e "${ns}" ]] || continue
    ip4="$(ip netns exec "$(basename "${ns}")" ip -4 -o addr show 2>/dev/null | awk '$2 != "lo" {print $4}' | head -n1 || true)"
    for n in "${LK_NODE_IDS[@]}"; do
      if [[ "${ip4}" == 10.244.${n}.* ]]; then
        umount "${ns}" 2>/dev/null || umount -l "${ns}" 2>/dev/null || true
        rm -f "${ns}"
      fi
    done
  done
fi

# ---------------------------------------------------------------- mounts, bridges, cgroups
lk_umount_under "${LK_RUN}" "${LK_STATE}"
for n in "${LK_NODE_IDS[@]}"; do
  br="$(lk_node_bridge "${n}")"
  if ip link show "${br}" >/dev/null 2>&1; then ip link del "${br}" || true; fi
  lk_cgroup_remove "$(lk_node_cgroup "${n}")"
done
find /var/lib/cni -maxdepth 3 -name 'capbench-node*' -exec rm -rf {} + 2>/dev/null || true

# ---------------------------------------------------------------- iptables
lk_ipt_remove_tagged
lk_ipt_remove_kube_chains
# tables that only exist because the kubelet/kube-proxy created them (e.g. an empty mangle
# table holding their canary chains): drop them again when empty (nftables backend only)
if [[ -f "${LK_STATE}/iptables-tables.saved" ]]; then
  for c in iptables ip6tables; do
    command -v "${c}" >/dev/null 2>&1 && command -v nft >/dev/null 2>&1 || continue
    "${c}" -V 2>/dev/null | grep -q nf_tables || continue
    fam=ip; [[ "${c}" == ip6tables ]] && fam=ip6
    for t in $(lk_ipt_tables "${c}"); do
      grep -qx "${c} ${t}" "${LK_STATE}/iptables-tables.saved" && continue
      "${c}-save" -t "${t}" 2>/dev/null | grep -q '^-A ' && continue
      nft delete table "${fam}" "${t}" 2>/dev/null || true
    done
  done
  rm -f "${LK_STATE}/iptables-tables.saved"
fi

# ---------------------------------------------------------------- sysctls
if [[ -f "${LK_STATE}/sysctl.saved" ]]; then
  while IFS='=' read -r k v; do
    [[ -n "${k}" ]] || continue
    sysctl -qw "${k}=${v}" 2>/dev/null || lk_log "warning: could not restore ${k}=${v}"
  done <"${LK_STATE}/sysctl.saved"
  lk_log "restored sysctls: $(tr '\n' ' ' <"${LK_STATE}/sysctl.saved")"
  rm -f "${LK_STATE}/sysctl.saved"
fi

# ---------------------------------------------------------------- state (PKI and logs are kept)
if awk -v a="${LK_RUN}" -v b="${LK_STATE}" 'index($5, a) == 1 || index($5, b) == 1 {f = 1} END {exit !f}' /proc/self/mountinfo; then
  lk_log "warning: mounts remain under ${LK_RUN} or ${LK_STATE}; not deleting node state"
else
  rm -rf "${LK_STATE}/etcd" "${LK_STATE}/nodes" "${LK_RUN}"
fi
if [[ "${#left[@]}" -gt 0 ]]; then
  lk_log "had to stop stray recorded processes: ${left[*]}"
fi
lk_log "down in $(( $(date +%s) - T0 ))s"
