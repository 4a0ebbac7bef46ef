#!/usr/bin/env bash
# capbench kind: build (or reuse) a kind node image from Debian only — no registry.
#
#   clusters/kind/build-node-image.sh [--rebuild] [--base-only]
#
# 1. base image capbench.local/kind-base:bookworm: debootstrap bookworm (minbase) with
#    systemd, containerd, runc, containernetworking-plugins, iptables, conntrack …, shaped for
#    systemd as PID 1 in a container.
# 2. Kubernetes 1.20.2 from Debian's source: clusters/local-k8s/build.sh (cached) builds
#    kubeadm, kubelet, kubectl and the control-plane binaries, etcd comes from Debian's
#    etcd-server, pause from Kubernetes' pause.c.
# 3. control-plane images made from those binaries (capbench.local/kube-apiserver:v1.20.2,
#    …-controller-manager, …-scheduler, …-proxy, capbench.local/etcd:bookworm,
#    capbench.local/pause:3.4.1), imported into the node's containerd (namespace k8s.io,
#    pinned, not unpacked — as `kind build node-image` does) so nothing is pulled.
# 4. node image capbench.local/kind-node:v1.20.2: base + /usr/bin/{kubeadm,kubelet,kubectl} +
#    /kind/version + the images + capbench's node files (clusters/kind/node/: the entrypoint,
#    containerd + kubelet units, containerd config (cgroupfs, pause image), capbench-podnet,
#    which stands in for kindnetd); used by clusters/kind/up.sh with clusters/kind/offline.yaml.
#
# Cache: each image carries the label capbench.kind-key — base: hash of build_base and the
# package list; node: hash of the base key, this script, node/ and the Kubernetes/etcd
# versions. An image with the current key is reused (~2 s).
# Env: DEBIAN_MIRROR (default http://deb.debian.org/debian). Must run as root (debootstrap).
# Last line on stdout: CAPBENCH_KIND_NODE_IMAGE=<image>.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "${HERE}/../.." && pwd)"
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
BASE_IMAGE=capbench.local/kind-base:bookworm
NODE_REPO=capbench.local/kind-node
REPO_PREFIX=capbench.local
BASE_PACKAGES=(systemd systemd-sysv dbus containerd runc containernetworking-plugins iptables conntrack
  iproute2 ethtool socat kmod procps util-linux mount ca-certificates libseccomp2)
REBUILD=0
BASE_ONLY=0
for a in "$@"; do
  case "${a}" in
    --rebuild) REBUILD=1 ;;
    --base-only) BASE_ONLY=1 ;;
    *) echo "usage: $0 [--rebuild] [--base-only]" >&2; exit 2 ;;
  esac
done

log() { printf '[kind-image %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

[[ "$(id -u)" == 0 ]] || die "must run as root (debootstrap, clusters/local-k8s/build.sh)"
command -v docker >/dev/null 2>&1 || die "docker not found (scripts/setup/docker.sh)"
command -v debootstrap >/dev/null 2>&1 || die "debootstrap not found (apt-get install debootstrap)"

label_of() { docker image inspect -f '{{index .Config.Labels "capbench.kind-key"}}' "$1" 2>/dev/null || true; }
image_id() { docker image inspect -f '{{.Id}}' "$1" 2>/dev/null || true; }
# the image a rebuild replaced is left untagged (~0.8 GB for a node image): removed unless a
# container or an image still uses it (an old base image is the parent of the old node image:
# it goes after the node image, see the end)
drop_replaced() { # <ref> <id before the rebuild>
  [[ -n "$2" && "$(image_id "$1")" != "$2" ]] || return 0
  docker rmi "$2" >/dev/null 2>&1 && log "removed the replaced image $1 (${2:7:12})" || log "kept the replaced image $1 (${2:7:12}): in use"
}
BASE_REPLACED=""
# a progress line every 10 s while a long step is silent (CI prints nothing for minutes otherwise)
TICKER=""
tick_start() { # <what>
  local what="$1" t0
  t0=$(date +%s)
  ( n=0; while sleep 1; do n=$((n + 1)); (( n % 10 )) || log "${what}: still running ($(( $(date +%s) - t0 ))s)"; done ) &
  TICKER=$!
}
tick_stop() { [[ -z "${TICKER}" ]] || { kill "${TICKER}" 2>/dev/null; wait "${TICKER}" 2>/dev/null || true; TICKER=""; }; }

# The base image holds the packages and the systemd-in-a-container shape; capbench's own node
# files (node/) go in at the node stage, so changing them does not re-run debootstrap.
build_base() {
  local rootfs="${WORK}/rootfs"
  log "debootstrap bookworm (minbase + ${BASE_PACKAGES[*]}) from ${MIRROR}"
  tick_start debootstrap
  debootstrap --variant=minbase --include="$(IFS=,; echo "${BASE_PACKAGES[*]}")" bookworm "${rootfs}" "${MIRROR}" >"${WORK}/debootstrap.log" 2>&1 ||
    { tick_stop; tail -n 20 "${WORK}/debootstrap.log" >&2; die "debootstrap failed"; }
  tick_stop
  # systemd in a container: no gettys, udev, timers or units that need a real machine; no
  # systemd-sysctl/modprobe either: they would change the host (kernel.pid_max is not namespaced)
  rm -f "${rootfs}"/etc/systemd/system/*.wants/* "${rootfs}"/lib/systemd/system/multi-user.target.wants/* \
    "${rootfs}"/lib/systemd/system/local-fs.target.wants/* "${rootfs}"/lib/systemd/system/sockets.target.wants/*udev* \
    "${rootfs}"/lib/systemd/system/sockets.target.wants/*initctl* "${rootfs}"/lib/systemd/system/sysinit.target.wants/systemd-tmpfiles-setup*
  local unit
  for unit in systemd-udevd.service systemd-udev-trigger.service systemd-modules-load.service getty.target \
    console-getty.service systemd-networkd.service systemd-resolved.service apt-daily.timer apt-daily-upgrade.timer \
    systemd-sysctl.service modprobe@.service; do
    ln -sfn /dev/null "${rootfs}/etc/systemd/system/${unit}"
  done
  printf '[Journal]\nReadKMsg=no\nStorage=volatile\n' >"${rootfs}/etc/systemd/journald.conf"
  # /lib/modules: kube-proxy mounts it; the host may have none (bin/docker then leaves its bind out)
  mkdir -p "${rootfs}/etc/systemd/system/multi-user.target.wants" "${rootfs}/etc/systemd/system/kubelet.service.d" \
    "${rootfs}/etc/cni/net.d" "${rootfs}/opt/cni" "${rootfs}/var/lib/kubelet" "${rootfs}/lib/modules" "${rootfs}/kind/manifests"
  ln -sfn /lib/systemd/system/multi-user.target "${rootfs}/etc/systemd/system/default.target"
  ln -sfn /usr/lib/cni "${rootfs}/opt/cni/bin"
  printf 'runtime-endpoint: unix:///run/containerd/containerd.sock\n' >"${rootfs}/etc/crictl.yaml"
  rm -rf "${rootfs}"/var/cache/apt/archives/*.deb "${rootfs}"/var/lib/apt/lists/* "${rootfs}/etc/machine-id"
  log "docker import → ${BASE_IMAGE}"
  local before
  before="$(image_id "${BASE_IMAGE}")"
  tick_start "docker import ${BASE_IMAGE}"
  # no STOPSIGNAL (systemd halts on SIGRTMIN+3): Docker 20.10 refuses it in import/commit
  # changes; kind removes nodes with `docker rm -f` and capbench crashes them with SIGKILL
  tar --numeric-owner -C "${rootfs}" -c . | docker import \
    --change 'ENV container=docker' \
    --change 'ENTRYPOINT ["/usr/local/bin/entrypoint", "/sbin/init"]' \
    --change "LABEL capbench.kind-key=${BASE_KEY}" \
    --change 'LABEL capbench.managed=true' \
    - "${BASE_IMAGE}" >/dev/null
  tick_stop
  BASE_REPLACED="${before}"
  rm -rf "${rootfs}"
}
BASE_KEY="$( { declare -f build_base; echo "${BASE_PACKAGES[*]}"; } | sha256sum | cut -c1-12)"
WORK="$(mktemp -d /var/tmp/capbench-kind-image.XXXXXX)"
BUILD_CONTAINER=""
cleanup() {
  tick_stop
  [[ -n "${BUILD_CONTAINER}" ]] && docker rm -f "${BUILD_CONTAINER}" >/dev/null 2>&1
  rm -rf "${WORK}"
}
trap cleanup EXIT
START=$(date +%s)

# ---------------------------------------------------------------- base image
if [[ "${REBUILD}" == 0 && "$(label_of "${BASE_IMAGE}")" == "${BASE_KEY}" ]]; then
  log "base image ${BASE_IMAGE} up to date (key ${BASE_KEY})"
else
  build_base
fi
if [[ "${BASE_ONLY}" == 1 ]]; then
  drop_replaced "${BASE_IMAGE}" "${BASE_REPLACED}"
  log "base image ${BASE_IMAGE} ready in $(( $(date +%s) - START ))s (--base-only)"
  exit 0
fi

# ---------------------------------------------------------------- Kubernetes binaries
K8S_BIN="$(bash "${REPO}/clusters/local-k8s/build.sh" | sed -n 's/^CAPBENCH_K8S_BIN=//p' | tail -n1)"
[[ -n "${K8S_BIN}" && -x "${K8S_BIN}/kubeadm" ]] || die "clusters/local-k8s/build.sh must provide kubeadm (got ${K8S_BIN:-nothing})"
VERSIONS="$(cat "${K8S_BIN}/../VERSIONS")"
K8S_VERSION="$(sed -n 's/^kubernetes_version=//p' <<<"${VERSIONS}")"
ETCD_DEB="$(sed -n 's/^etcd=//p' <<<"${VERSIONS}")"
# fixed tag, so clusters/kind/offline.yaml can name it; the Debian version is in the node image's labels
ETCD_TAG=bookworm
NODE_IMAGE="${NODE_REPO}:${K8S_VERSION}"

NODE_KEY="$( { echo "${BASE_KEY}"; cat "${BASH_SOURCE[0]}"; find "${HERE}/node" -type f -print0 | sort -z | xargs -0 cat; grep -v '^built_at=' <<<"${VERSIONS}"; } | sha256sum | cut -c1-12)"

if [[ "${REBUILD}" == 0 && "$(label_of "${NODE_IMAGE}")" == "${NODE_KEY}" ]]; then
  log "cache hit: ${NODE_IMAGE} (key ${NODE_KEY})"
  echo "CAPBENCH_KIND_NODE_IMAGE=${NODE_IMAGE}"
  exit 0
fi

# ---------------------------------------------------------------- control-plane images
# one image per binary: a root with the binary (and, for dynamically linked ones, the shared
# libraries it needs from this Debian host), made with docker import, saved for ctr import
IMAGES="${WORK}/images"
mkdir -p "${IMAGES}"
image_from_files() { # <ref> <entrypoint binary> <files…>: paths are copied with their parents
  local ref="$1" entry="$2"; shift 2
  local root="${WORK}/img-root"
  rm -rf "${root}"; mkdir -p "${root}"
  local f lib
  for f in "$@"; do
    cp -a --parents "${f}" "${root}/"
    for lib in $(ldd "${f}" 2>/dev/null | grep -oE '/[^ ]+\.so[^ ]*' || true); do
      [[ -e "${root}${lib}" ]] || cp -L --parents "${lib}" "${root}/"
    done
  done
  tar --numeric-owner -C "${root}" -c . | docker import \
    --change 'ENV PATH=/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change "ENTRYPOINT [\"${entry}\"]" \
    --change 'LABEL capbench.managed=true' - "${ref}" >/dev/null
  docker save -o "${IMAGES}/$(basename "${ref%%:*}").tar" "${ref}"
  docker rmi "${ref}" >/dev/null
  log "image ${ref}"
}
STAGE="${WORK}/stage/usr/local/bin"
mkdir -p "${STAGE}"
for c in kube-apiserver kube-controller-manager kube-scheduler kube-proxy etcd; do install -m 0755 "${K8S_BIN}/${c}" "${STAGE}/${c}"; done
(
  cd "${WORK}/stage"
  for c in kube-apiserver kube-controller-manager kube-scheduler; do
    image_from_files "${REPO_PREFIX}/${c}:${K8S_VERSION}" "/usr/local/bin/${c}" "usr/local/bin/${c}"
  done
  image_from_files "${REPO_PREFIX}/etcd:${ETCD_TAG}" /usr/local/bin/etcd usr/local/bin/etcd
)
# kube-proxy (iptables mode) needs iptables: the nft variant of the base image, libraries included
PROXY_ROOT="${WORK}/proxy-root"
mkdir -p "${PROXY_ROOT}"
docker run --rm --label capbench.managed=true --entrypoint /bin/sh -v "${PROXY_ROOT}:/out" -v "${STAGE}/kube-proxy:/kube-proxy:ro" "${BASE_IMAGE}" -euc '
  files="/usr/sbin/xtables-nft-multi /usr/sbin/conntrack /kube-proxy"
  # the libraries of the binaries and of the xtables extensions (libxt_statistic needs libm)
  libs=$(ldd $files /usr/lib/x86_64-linux-gnu/xtables/*.so 2>/dev/null | awk "/=> \\//{print \$3} /^[[:space:]]+\\/[^ ]+ \\(0x/{print \$1}" | sort -u)
  for f in $files $libs; do cp -L --parents "$f" /out/; done
  cp -a --parents /usr/lib/x86_64-linux-gnu/xtables /out/
  mkdir -p /out/usr/local/bin /out/run /out/tmp /out/etc && mv /out/kube-proxy /out/usr/local/bin/kube-proxy
  for n in iptables iptables-save iptables-restore ip6tables ip6tables-save ip6tables-restore; do ln -s xtables-nft-multi /out/usr/sbin/$n; done
  echo "hosts: files dns" >/out/etc/nsswitch.conf
'
tar --numeric-owner -C "${PROXY_ROOT}" -c . | docker import \
  --change 'ENV PATH=/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENTRYPOINT ["/usr/local/bin/kube-proxy"]' \
  --change 'LABEL capbench.managed=true' - "${REPO_PREFIX}/kube-proxy:${K8S_VERSION}" >/dev/null
docker save -o "${IMAGES}/kube-proxy.tar" "${REPO_PREFIX}/kube-proxy:${K8S_VERSION}"
docker rmi "${REPO_PREFIX}/kube-proxy:${K8S_VERSION}" >/dev/null
log "image ${REPO_PREFIX}/kube-proxy:${K8S_VERSION}"
cp "${K8S_BIN}/../images/pause.tar" "${IMAGES}/pause.tar"

# ---------------------------------------------------------------- node image
BUILD_CONTAINER="capbench-kind-build-$$"
log "node image: build container ${BUILD_CONTAINER} from ${BASE_IMAGE}"
docker run -d --name "${BUILD_CONTAINER}" --label capbench.managed=true --entrypoint sleep "${BASE_IMAGE}" infinity >/dev/null
for b in kubeadm kubelet kubectl; do docker cp "${K8S_BIN}/${b}" "${BUILD_CONTAINER}:/usr/bin/${b}"; done
# capbench's node files (what kind's base image has in its own form)
NODE_FILES="${WORK}/node-files"
install -D -m 0755 "${HERE}/node/entrypoint" "${NODE_FILES}/usr/local/bin/entrypoint"
install -D -m 0755 "${HERE}/node/capbench-podnet" "${NODE_FILES}/usr/local/bin/capbench-podnet"
install -D -m 0644 "${HERE}/node/containerd-config.toml" "${NODE_FILES}/etc/containerd/config.toml"
install -D -m 0644 -t "${NODE_FILES}/etc/systemd/system" "${HERE}/node/systemd/containerd.service" \
  "${HERE}/node/systemd/kubelet.service" "${HERE}/node/systemd/capbench-podnet.service"
install -D -m 0644 "${HERE}/node/systemd/10-kubeadm.conf" "${NODE_FILES}/etc/systemd/system/kubelet.service.d/10-kubeadm.conf"
install -D -m 0644 /dev/null "${NODE_FILES}/etc/default/kubelet"
echo 'KUBELET_EXTRA_ARGS=--runtime-cgroups=/system.slice/containerd.service' >"${NODE_FILES}/etc/default/kubelet"
install -D -m 0644 "${HERE}/node/default-storage.yaml" "${NODE_FILES}/kind/manifests/default-storage.yaml"
mkdir -p "${NODE_FILES}/etc/systemd/system/multi-user.target.wants"
for unit in containerd kubelet capbench-podnet; do
  ln -sfn "/etc/systemd/system/${unit}.service" "${NODE_FILES}/etc/systemd/system/multi-user.target.wants/${unit}.service"
done
tar --numeric-owner --owner=0 --group=0 -C "${NODE_FILES}" -c . | docker cp - "${BUILD_CONTAINER}:/"
docker exec "${BUILD_CONTAINER}" mkdir -p /kind/images
tick_start "node image: importing the control-plane images into the node's containerd"
docker cp "${IMAGES}/." "${BUILD_CONTAINER}:/kind/images/"
docker exec -i "${BUILD_CONTAINER}" bash -euc '
  chown root:root /usr/bin/kubeadm /usr/bin/kubelet /usr/bin/kubectl
  printf "%s" "$1" >/kind/version
  containerd >/tmp/containerd.log 2>&1 &
  pid=$!
  for i in $(seq 1 50); do [ -S /run/containerd/containerd.sock ] && ctr version >/dev/null 2>&1 && break; sleep 0.2; done
  for t in /kind/images/*.tar; do
    ctr --namespace=k8s.io images import --label=io.cri-containerd.pinned=pinned --all-platforms --no-unpack --digests "$t" >/dev/null
  done
  ctr --namespace=k8s.io images list -q | grep -v -E "^(import-|sha256:)" | sed "s/^/  imported: /"
  kill "$pid"; wait "$pid" || true
  rm -rf /kind/images /tmp/containerd.log /run/containerd
' _ "${K8S_VERSION}" >&2
tick_stop
BEFORE="$(image_id "${NODE_IMAGE}")"
tick_start "docker commit ${NODE_IMAGE}"
docker commit \
  --change 'ENTRYPOINT ["/usr/local/bin/entrypoint", "/sbin/init"]' \
  --change "LABEL capbench.kind-key=${NODE_KEY}" \
  --change "LABEL capbench.kubernetes=${K8S_VERSION} capbench.etcd=${ETCD_DEB}" \
  "${BUILD_CONTAINER}" "${NODE_IMAGE}" >/dev/null
tick_stop
drop_replaced "${NODE_IMAGE}" "${BEFORE}"
drop_replaced "${BASE_IMAGE}" "${BASE_REPLACED}"
log "done in $(( $(date +%s) - START ))s: ${NODE_IMAGE} (key ${NODE_KEY})"
echo "CAPBENCH_KIND_NODE_IMAGE=${NODE_IMAGE}"
