# shellcheck shell=bash
# capbench local-k8s: shared settings and helpers, sourced by the other scripts.
# Not meant to be executed directly.

LK_HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
LK_STATE="${CAPBENCH_K8S_STATE:-/var/lib/capbench/local-k8s}"
LK_RUN="${CAPBENCH_K8S_RUN:-/run/capbench-local-k8s}"
LK_CACHE="${CAPBENCH_K8S_CACHE:-/var/cache/capbench/local-k8s}"
LK_PIDS="${LK_STATE}/pids"
LK_LOGS="${LK_STATE}/logs"
LK_PKI="${LK_STATE}/pki"
LK_KUBECONFIG="${LK_STATE}/kubeconfig"
LK_CONTEXT="capbench-local-k8s"
LK_TAG="capbench-local-k8s"            # iptables comment on every rule we add
LK_API_PORT="${CAPBENCH_K8S_API_PORT:-16443}"
LK_ETCD_PORT="${CAPBENCH_K8S_ETCD_PORT:-22379}"
LK_ETCD_PEER_PORT="${CAPBENCH_K8S_ETCD_PEER_PORT:-22380}"
LK_ADAPTER_PORT="${CAPBENCH_K8S_METRICS_PORT:-16444}"
LK_NODE_IDS=(2 3 4)                     # node N: name 127.0.0.N, pod CIDR 10.244.N.0/24
LK_POD_CIDR="10.244.0.0/16"
LK_SVC_CIDR="10.96.0.0/12"
LK_PAUSE_IMAGE="capbench.local/pause:3.4.1"
LK_SYSCTLS=(vm.overcommit_memory kernel.panic kernel.panic_on_oops net.ipv4.conf.all.route_localnet
  net.ipv4.ip_forward net.bridge.bridge-nf-call-iptables)

lk_log() { printf '[local-k8s %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
lk_die() { lk_log "ERROR: $*"; exit 1; }
lk_require_root() { [[ "$(id -u)" == "0" ]] || lk_die "must run as root"; }

# one lifecycle operation (up/down/node) at a time; nested calls (up.sh -> down.sh) reuse the lock
lk_lock() {
  [[ -z "${LK_LOCK_HELD:-}" ]] || return 0
  mkdir -p "${LK_STATE}"
  exec 8>"${LK_STATE}/.lock"
  flock -w 900 8 || lk_die "could not get ${LK_STATE}/.lock (another up/down/node operation running?)"
  export LK_LOCK_HELD=1
}

# iptables tables that exist, as iptables-save lists them (asking for a table that is not
# there would create it)
lk_ipt_tables() {
  "$1-save" 2>/dev/null | sed -n 's/^\*//p'
}

lk_node_name() { printf '127.0.0.%s' "$1"; }
lk_node_dir() { printf '%s/nodes/127.0.0.%s' "${LK_STATE}" "$1"; }
lk_node_run() { printf '%s/node%s' "${LK_RUN}" "$1"; }
lk_node_sock() { printf '%s/node%s/containerd.sock' "${LK_RUN}" "$1"; }
lk_node_mntns() { printf '%s/ns/node%s' "${LK_RUN}" "$1"; }
lk_node_bridge() { printf 'capbr%s' "$1"; }
lk_node_cgroup() { printf 'capbench-k8s-node%s' "$1"; }
# node name (127.0.0.N) or N -> N
lk_node_id() {
  local arg="$1" id
  id="${arg##*.}"
  for n in "${LK_NODE_IDS[@]}"; do
    if [[ "${n}" == "${id}" && ( "${arg}" == "${id}" || "${arg}" == "127.0.0.${id}" ) ]]; then
      printf '%s' "${n}"; return 0
    fi
  done
  return 1
}

lk_bin_dir() {
  local d="${LK_CACHE}/current/bin"
  [[ -x "${d}/kube-apiserver" ]] || return 1
  printf '%s' "${d}"
}

lk_kubectl() {
  "${LK_BIN}/kubectl" --kubeconfig "${LK_KUBECONFIG}" --context "${LK_CONTEXT}" "$@"
}

# ---------------------------------------------------------------- processes by recorded PID
# /proc/<pid>/stat field 22 = start time; recorded with the PID to survive PID reuse.
lk_starttime() { awk '{print $22}' "/proc/$1/stat" 2>/dev/null || true; }

# lk_start NAME CMD... : start detached (own session), log to logs/NAME.log, record PID.
lk_start() {
  local name="$1"; shift
  mkdir -p "${LK_PIDS}" "${LK_LOGS}"
  # fd 8 is the lifecycle lock (lk_lock): daemons must not inherit it
  setsid "$@" >>"${LK_LOGS}/${name}.log" 2>&1 </dev/null 8>&- &
  local pid=$!
  echo "${pid}" >"${LK_PIDS}/${name}.pid"
  sleep 0.05
  lk_starttime "${pid}" >"${LK_PIDS}/${name}.start"
}

# lk_pid NAME : print the recorded PID if that process is still the one we started.
lk_pid() {
  local name="$1" pid st
  [[ -f "${LK_PIDS}/${name}.pid" ]] || return 1
  pid="$(cat "${LK_PIDS}/${name}.pid")"
  [[ "${pid}" =~ ^[0-9]+$ ]] || return 1
  [[ -d "/proc/${pid}" ]] || return 1
  st="$(lk_starttime "${pid}")"
  if [[ -f "${LK_PIDS}/${name}.start" && -s "${LK_PIDS}/${name}.start" ]]; then
    [[ "${st}" == "$(cat "${LK_PIDS}/${name}.start")" ]] || return 1
  fi
  # zombies count as gone
  [[ "$(awk '{print $3}' "/proc/${pid}/stat" 2>/dev/null)" != "Z" ]] || return 1
  printf '%s' "${pid}"
}

lk_running() { lk_pid "$1" >/dev/null; }

# lk_stop NAME [TIMEOUT] [SIGNAL] : SIGTERM (or SIGNAL), wait, then SIGKILL. Removes the pid file.
lk_stop() {
  local name="$1" timeout="${2:-10}" sig="${3:-TERM}" pid i
  if pid="$(lk_pid "${name}")"; then
    kill -s "${sig}" "${pid}" 2>/dev/null || true
    for ((i = 0; i < timeout * 10; i++)); do
      lk_running "${name}" || break
      sleep 0.1
    done
    if lk_running "${name}"; then
      [[ "${sig}" == "KILL" ]] || lk_log "${name} (pid ${pid}) did not exit after ${timeout}s: SIGKILL"
      kill -s KILL "${pid}" 2>/dev/null || true
      for ((i = 0; i < 50; i++)); do lk_running "${name}" || break; sleep 0.1; done
    fi
  fi
  rm -f "${LK_PIDS}/${name}.pid" "${LK_PIDS}/${name}.start"
}

# ---------------------------------------------------------------- cgroups (v1 and v2)
lk_cgroup_dirs() { # all hierarchies' directories for cgroup path $1
  local rel="$1"
  if [[ -f /sys/fs/cgroup/cgroup.controllers ]]; then
    printf '%s\n' "/sys/fs/cgroup/${rel}"
  else
    local d
    for d in /sys/fs/cgroup/*/; do
      d="${d%/}"
      [[ -f "${d}/cgroup.procs" ]] || continue
      printf '%s\n' "${d}/${rel}"
    done
  fi
}

# all PIDs in the cgroup subtree $1 (any hierarchy)
lk_cgroup_pids() {
  local d
  while read -r d; do
    [[ -d "${d}" ]] || continue
    find "${d}" -name cgroup.procs -exec cat {} + 2>/dev/null || true
  done < <(lk_cgroup_dirs "$1") | sort -un
}

lk_cgroup_remove() { # rmdir the subtree $1 in every hierarchy, deepest first
  local d
  while read -r d; do
    [[ -d "${d}" ]] || continue
    find "${d}" -depth -type d -exec rmdir {} \; 2>/dev/null || true
  done < <(lk_cgroup_dirs "$1")
}

# ---------------------------------------------------------------- mounts
lk_umount_under() { # unmount everything mounted under the given directories, deepest first
  local prefix m
  for prefix in "$@"; do
    [[ -n "${prefix}" && "${prefix}" != "/" ]] || continue
    # field 5 of mountinfo = mount point (octal escapes for spaces; our paths have none)
    while read -r m; do
      umount "${m}" 2>/dev/null || umount -l "${m}" 2>/dev/null || true
    done < <(awk -v p="${prefix}" '$5 == p || index($5, p "/") == 1 {print $5}' /proc/self/mountinfo | sort -r)
  done
}

# ---------------------------------------------------------------- iptables
lk_outward_ifaces() {
  {
    ip -4 route show default 2>/dev/null | awk '{for (i = 1; i < NF; i++) if ($i == "dev") print $(i + 1)}'
    local dst
    for dst in 169.254.169.254 10.244.0.1 10.96.0.1; do
      ip -4 route get "${dst}" 2>/dev/null | awk '{for (i = 1; i < NF; i++) if ($i == "dev") print $(i + 1)}'
    done
  } | grep -v -e '^lo$' -e '^capbr' | sort -u
}

# lk_ipt_ensure TABLE CHAIN RULE... : insert at the top unless an identical tagged rule exists
lk_ipt_ensure() {
  local table="$1" chain="$2"; shift 2
  if ! iptables -w -t "${table}" -C "${chain}" "$@" -m comment --comment "${LK_TAG}" 2>/dev/null; then
    iptables -w -t "${table}" -I "${chain}" 1 "$@" -m comment --comment "${LK_TAG}"
  fi
}

# remove every rule carrying our comment, in every table
lk_ipt_remove_tagged() {
  local cmd table line
  for cmd in iptables ip6tables; do
    command -v "${cmd}" >/dev/null 2>&1 || continue
    for table in $(lk_ipt_tables "${cmd}"); do
      while read -r line; do
        # line is "-A CHAIN ...": delete it as "-D CHAIN ..."; xargs re-splits the saved rule
        # honouring its quotes, without a shell (no eval)
        printf '%s\n' "${line#-A }" | xargs "${cmd}" -w -t "${table}" -D 2>/dev/null || true
      done < <("${cmd}-save" -t "${table}" 2>/dev/null | grep -- "--comment \"\\?${LK_TAG}\"\\?")
    done
  done
}

# remove kube-proxy's and kubelet's KUBE-* chains and every jump to them
lk_ipt_remove_kube_chains() {
  local cmd table line chain
  for cmd in iptables ip6tables; do
    command -v "${cmd}" >/dev/null 2>&1 || continue
    for table in $(lk_ipt_tables "${cmd}"); do
      # rules in built-in (and other) chains that jump to KUBE-*
      while read -r line; do
        printf '%s\n' "${line#-A }" | xargs "${cmd}" -w -t "${table}" -D 2>/dev/null || true
      done < <("${cmd}-save" -t "${table}" 2>/dev/null | grep -E '^-A [^ ]+ .*-j KUBE-' | grep -v -E '^-A KUBE-')
      while read -r chain; do "${cmd}" -w -t "${table}" -F "${chain}" 2>/dev/null || true; done \
        < <("${cmd}-save" -t "${table}" 2>/dev/null | awk '/^:KUBE-/{print substr($1, 2)}')
      while read -r chain; do "${cmd}" -w -t "${table}" -X "${chain}" 2>/dev/null || true; done \
        < <("${cmd}-save" -t "${table}" 2>/dev/null | awk '/^:KUBE-/{print substr($1, 2)}')
    done
  done
}

# ---------------------------------------------------------------- health
lk_api_healthy() {
  [[ -f "${LK_KUBECONFIG}" && -n "${LK_BIN:-}" ]] || return 1
  lk_kubectl get --raw /readyz --request-timeout=5s >/dev/null 2>&1
}

# ---------------------------------------------------------------- nodes
# lk_node_prepare N : write containerd, CNI and kubelet configuration for node N (idempotent)
lk_node_prepare() {
  local n="$1" name dir run sock cg
  name="$(lk_node_name "${n}")"; dir="$(lk_node_dir "${n}")"; run="$(lk_node_run "${n}")"
  sock="$(lk_node_sock "${n}")"; cg="$(lk_node_cgroup "${n}")"
  mkdir -p "${dir}/containerd" "${dir}/cni" "${dir}/kubelet" "${dir}/volume-plugins" "${run}" "${run}/ipam"
  cat >"${dir}/containerd.toml" <<TOML
# generated by capbench clusters/local-k8s (node ${name})
version = 2
root = "${dir}/containerd"
state = "${run}/containerd"
disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper"]

[grpc]
  address = "${sock}"

[ttrpc]
  address = "${sock}.ttrpc"

[debug]
  address = ""

[metrics]
  address = ""

[plugins."io.containerd.internal.v1.opt"]
  path = "${dir}/containerd-opt"

[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "${LK_PAUSE_IMAGE}"
  restrict_oom_score_adj = true
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  enable_selinux = false
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
        Root = "${run}/runc"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "${dir}/cni"
    max_conf_num = 1
TOML
  cat >"${dir}/cni/10-capbench.conflist" <<JSON
{
  "cniVersion": "0.4.0",
  "name": "capbench-node${n}",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "$(lk_node_bridge "${n}")",
      "isGateway": true,
      "ipMasq": false,
      "hairpinMode": true,
      "ipam": {
        "type": "host-local",
        "ranges": [[{"subnet": "10.244.${n}.0/24"}]],
        "routes": [{"dst": "0.0.0.0/0"}],
        "dataDir": "${run}/ipam"
      }
    }
  ]
}
JSON
  cat >"${dir}/kubelet-config.yaml" <<YAML
# generated by capbench clusters/local-k8s (node ${name})
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: ${name}
port: 10250
readOnlyPort: 0
healthzBindAddress: ${name}
healthzPort: 10248
authentication:
  anonymous:
    enabled: false
  webhook:
    enabled: true
  x509:
    clientCAFile: ${LK_PKI}/ca.crt
authorization:
  mode: Webhook
tlsCertFile: ${LK_PKI}/kubelet-${name}.crt
tlsPrivateKeyFile: ${LK_PKI}/kubelet-${name}.key
cgroupDriver: cgroupfs
cgroupRoot: /${cg}
cgroupsPerQOS: true
enforceNodeAllocatable: ["pods"]
podCIDR: 10.244.${n}.0/24
failSwapOn: false
clusterDomain: cluster.local
resolvConf: /etc/resolv.conf
protectKernelDefaults: false
makeIPTablesUtilChains: true
serializeImagePulls: false
rotateCertificates: false
serverTLSBootstrap: false
maxPods: 110
volumePluginDir: ${dir}/volume-plugins
evictionHard:
  memory.available: "100Mi"
  nodefs.available: "2%"
  nodefs.inodesFree: "2%"
  imagefs.available: "2%"
imageGCHighThresholdPercent: 95
imageGCLowThresholdPercent: 90
YAML
}

# create the kubelet's cgroupRoot in every hierarchy (kubelet refuses a missing one)
lk_node_cgroup_create() {
  local n="$1" d parent
  while read -r d; do
    mkdir -p "${d}"
    if [[ "${d}" == /sys/fs/cgroup/cpuset/* && -f "${d}/cpuset.cpus" ]]; then
      parent="$(dirname "${d}")"
      [[ -n "$(cat "${d}/cpuset.cpus")" ]] || cat "${parent}/cpuset.cpus" >"${d}/cpuset.cpus"
      [[ -n "$(cat "${d}/cpuset.mems")" ]] || cat "${parent}/cpuset.mems" >"${d}/cpuset.mems"
    fi
  done < <(lk_cgroup_dirs "$(lk_node_cgroup "${n}")")
}

lk_wait_sock() { # socket, timeout seconds
  local i
  for ((i = 0; i < $2 * 10; i++)); do [[ -S "$1" ]] && return 0; sleep 0.1; done
  return 1
}

# lk_node_ns_ensure N : a persistent private mount namespace per node, shared by the node's
# containerd, shims and kubelet. Inside it /var/log/pods and /var/log/containers are the
# node's own directories (kubelet 1.20 hard-codes them and garbage-collects pod log dirs it
# does not know, so kubelets sharing one host would delete each other's logs), and every
# mount the node makes (rootfs overlays, secret tmpfs, sandbox shm, netns bind mounts) stays
# inside it: unmounting the namespace file releases them all.
lk_node_ns_ensure() {
  local n="$1" ns dir
  ns="$(lk_node_mntns "${n}")"; dir="$(lk_node_dir "${n}")"
  if [[ -f "${ns}" ]] && nsenter --mount="${ns}" true 2>/dev/null; then return 0; fi
  mkdir -p "${LK_RUN}/ns" "${dir}/log/pods" "${dir}/log/containers" /var/log/pods /var/log/containers
  if ! awk -v p="${LK_RUN}/ns" '$5 == p {f = 1} END {exit !f}' /proc/self/mountinfo; then
    mount --bind "${LK_RUN}/ns" "${LK_RUN}/ns"
  fi
  mount --make-private "${LK_RUN}/ns"
  touch "${ns}"
  unshare --mount="${ns}" --propagation slave \
    sh -c 'mount --bind "$1/log/pods" /var/log/pods && mount --bind "$1/log/containers" /var/log/containers' sh "${dir}"
}

# lk_node_ns_destroy N : release the node's mount namespace (call after its processes are gone);
# prints the netns files (/run/netns/...) that were bind-mounted inside it.
lk_node_ns_destroy() {
  local n="$1" ns
  ns="$(lk_node_mntns "${n}")"
  [[ -e "${ns}" ]] || return 0
  if nsenter --mount="${ns}" true 2>/dev/null; then
    nsenter --mount="${ns}" awk '$5 ~ "^/(var/)?run/netns/" {print $5}' /proc/self/mountinfo 2>/dev/null || true
  fi
  umount "${ns}" 2>/dev/null || umount -l "${ns}" 2>/dev/null || true
  rm -f "${ns}"
}

# lk_node_start N : start node N's containerd (if needed), import pause, start its kubelet
lk_node_start() {
  local n="$1" name dir sock
  name="$(lk_node_name "${n}")"; dir="$(lk_node_dir "${n}")"; sock="$(lk_node_sock "${n}")"
  lk_node_prepare "${n}"
  lk_node_cgroup_create "${n}"
  lk_node_ns_ensure "${n}"
  local ns; ns="$(lk_node_mntns "${n}")"
  if ! lk_running "containerd-${name}"; then
    rm -f "${sock}" "${sock}.ttrpc"
    lk_log "node ${name}: starting containerd (${sock})"
    lk_start "containerd-${name}" nsenter --mount="${ns}" -- containerd --config "${dir}/containerd.toml" --log-level warn
    lk_wait_sock "${sock}" 30 || lk_die "containerd for ${name} did not create ${sock}; see ${LK_LOGS}/containerd-${name}.log"
  fi
  if ! ctr --address "${sock}" -n k8s.io images ls -q 2>/dev/null | grep -qx "${LK_PAUSE_IMAGE}"; then
    ctr --address "${sock}" -n k8s.io images import "${LK_CACHE}/current/images/pause.tar" >/dev/null
  fi
  if ! lk_running "kubelet-${name}"; then
    lk_log "node ${name}: starting kubelet"
    lk_start "kubelet-${name}" nsenter --mount="${ns}" -- env AWS_EC2_METADATA_DISABLED=true "${LK_BIN}/kubelet" \
      --config="${dir}/kubelet-config.yaml" \
      --kubeconfig="${LK_STATE}/kubelet-${name}.kubeconfig" \
      --container-runtime=remote \
      --container-runtime-endpoint="unix://${sock}" \
      --image-service-endpoint="unix://${sock}" \
      --runtime-request-timeout=5m \
      --hostname-override="${name}" \
      --root-dir="${dir}/kubelet" \
      --cert-dir="${dir}/kubelet/pki" \
      --pod-infra-container-image="${LK_PAUSE_IMAGE}" \
      --v=1
  fi
}

# lk_node_kill N : the way a machine dies: SIGKILL kubelet, containerd, shims and pod processes
lk_node_kill() {
  local n="$1" name run pid f
  name="$(lk_node_name "${n}")"; run="$(lk_node_run "${n}")"
  lk_stop "kubelet-${name}" 0 KILL
  lk_stop "containerd-${name}" 0 KILL
  # Shims of this node's containerd: found from the task directories it recorded in its
  # state dir (address file = shim socket -> listening PID; init.pid -> parent PID), and only
  # killed when the process really is a containerd shim serving this node's socket.
  local shims="" taskdir addr sock socks=()
  sock="$(lk_node_sock "${n}")"
  for taskdir in "${run}"/containerd/io.containerd.runtime.v2.task/*/*/; do
    [[ -d "${taskdir}" ]] || continue
    if [[ -f "${taskdir}/init.pid" ]]; then
      pid="$(cat "${taskdir}/init.pid" 2>/dev/null || true)"
      [[ "${pid}" =~ ^[0-9]+$ ]] && shims+=" $(awk '/^PPid:/{print $2}' "/proc/${pid}/status" 2>/dev/null || true)"
    fi
    if [[ -f "${taskdir}/address" ]]; then
      addr="$(sed 's|^unix://||' "${taskdir}/address")"
      shims+=" $(ss -xlpn 2>/dev/null | awk -v a="${addr}" '$5 == a' | grep -o 'pid=[0-9]*' | cut -d= -f2 | tr '\n' ' ')"
      socks+=("${addr}")
    fi
    if [[ -f "${taskdir}/shim.pid" ]]; then shims+=" $(cat "${taskdir}/shim.pid" 2>/dev/null || true)"; fi
  done
  for pid in $(tr ' ' '\n' <<<"${shims}" | grep -E '^[0-9]+$' | sort -un); do
    if [[ "$(readlink "/proc/${pid}/exe" 2>/dev/null)" == *containerd-shim* ]] && \
       tr '\0' ' ' <"/proc/${pid}/cmdline" 2>/dev/null | grep -qF -- "-address ${sock} "; then
      kill -s KILL "${pid}" 2>/dev/null || true
    fi
  done
  sleep 0.2
  for addr in "${socks[@]:+${socks[@]}}"; do   # sockets of the (now dead) shims
    [[ "${addr}" == /run/containerd/s/* && -S "${addr}" ]] || continue
    ss -xlpn 2>/dev/null | awk -v a="${addr}" '$5 == a {f = 1} END {exit !f}' || rm -f "${addr}"
  done
  for f in "${run}"/containerd/io.containerd.runtime.v2.task/*/*/init.pid; do
    [[ -f "${f}" ]] || continue
    pid="$(cat "${f}" 2>/dev/null || true)"
    [[ "${pid}" =~ ^[0-9]+$ ]] && kill -s KILL "${pid}" 2>/dev/null || true
  done
  # everything left in the node's pod cgroups
  local i
  for ((i = 0; i < 5; i++)); do
    local pids
    pids="$(lk_cgroup_pids "$(lk_node_cgroup "${n}")")"
    [[ -n "${pids}" ]] || break
    for pid in ${pids}; do kill -s KILL "${pid}" 2>/dev/null || true; done
    sleep 0.2
  done
}
