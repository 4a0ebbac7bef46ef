#!/usr/bin/env bash
# capbench local-k8s: build (or reuse from cache) Kubernetes 1.20.2 from Debian's
# own source package, etcd from Debian's etcd-server package, and the pause image.
#
# Output: a cache directory /var/cache/capbench/local-k8s/<key>/ with bin/ and
# images/, and the symlink /var/cache/capbench/local-k8s/current -> <key>.
# Last line printed on stdout: "CAPBENCH_K8S_BIN=<dir>".
# Exit 0 on success, non-zero on failure. Must run as root.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE_ROOT="${CAPBENCH_K8S_CACHE:-/var/cache/capbench/local-k8s}"
SRC_LIST="/etc/apt/sources.list.d/capbench-src.sources"
BUILD_PARALLEL="${CAPBENCH_K8S_BUILD_PARALLEL:-2}"
APT_PACKAGES=(golang-go dpkg-dev gcc libc6-dev golang-github-modern-go-reflect2-dev containerd runc containernetworking-plugins
  iptables conntrack socat openssl ca-certificates iproute2 util-linux procps)
COMPONENTS=(kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy kubectl)
# kubeadm (for the kind node image, clusters/kind) is built after them, see below
REFLECT2_SRC=/usr/share/gocode/src/github.com/modern-go/reflect2
PAUSE_IMAGE="capbench.local/pause:3.4.1"

log() { printf '[build %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

[[ "$(id -u)" == "0" ]] || die "must run as root"
export DEBIAN_FRONTEND=noninteractive

# ---------------------------------------------------------------- apt setup
APT_UPDATED=0
apt_update_once() {
  if [[ "${APT_UPDATED}" == "0" ]]; then
    log "apt-get update"
    apt-get update -qq >&2 || log "warning: apt-get update reported errors (continuing)"
    APT_UPDATED=1
  fi
}

if [[ ! -f "${SRC_LIST}" ]] || ! grep -q '^Types: deb-src' "${SRC_LIST}"; then
  log "adding deb-src entry ${SRC_LIST}"
  cat >"${SRC_LIST}" <<'EOF'
# Added by capbench clusters/local-k8s/build.sh (source packages for apt-get source)
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  apt_update_once
fi

missing=()
for p in "${APT_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "${p}" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("${p}")
  fi
done
# The metrics adapter needs node; any installed node (e.g. NodeSource's) will do.
command -v node >/dev/null 2>&1 || missing+=(nodejs)
if [[ "${#missing[@]}" -gt 0 ]]; then
  apt_update_once
  log "installing: ${missing[*]}"
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

if ! K8S_VERSION="$(apt-cache showsrc kubernetes 2>/dev/null | awk '/^Version:/{print $2; exit}')" || [[ -z "${K8S_VERSION}" ]]; then
  apt_update_once
  K8S_VERSION="$(apt-cache showsrc kubernetes | awk '/^Version:/{print $2; exit}')"
fi
[[ -n "${K8S_VERSION}" ]] || die "cannot find source package kubernetes (deb-src configured?)"
ETCD_VERSION="$(apt-cache policy etcd-server | awk '/Candidate:/{print $2; exit}')"
[[ -n "${ETCD_VERSION}" && "${ETCD_VERSION}" != "(none)" ]] || { apt_update_once; ETCD_VERSION="$(apt-cache policy etcd-server | awk '/Candidate:/{print $2; exit}')"; }

SCRIPT_SHA="$(sha256sum "${BASH_SOURCE[0]}" | cut -c1-12)"
KEY="k8s-${K8S_VERSION//[^A-Za-z0-9.+-]/_}-etcd-${ETCD_VERSION//[^A-Za-z0-9.+-]/_}-${SCRIPT_SHA}"
OUT="${CACHE_ROOT}/${KEY}"
mkdir -p "${CACHE_ROOT}"

# One build at a time on this machine.
exec 9>"${CACHE_ROOT}/.build.lock"
flock 9

if [[ -f "${OUT}/BUILD-OK" ]]; then
  log "cache hit: ${OUT}"
  ln -sfn "${KEY}" "${CACHE_ROOT}/current"
  echo "CAPBENCH_K8S_BIN=${OUT}/bin"
  exit 0
fi

log "cache miss: building into ${OUT} (kubernetes ${K8S_VERSION}, etcd ${ETCD_VERSION})"
START=$(date +%s)
rm -rf "${OUT}"
# Fixed work path (under the lock) so the Go build cache is reused across rebuilds.
WORK="${CACHE_ROOT}/work"
rm -rf "${WORK}"
mkdir -p "${WORK}" "${OUT}/bin" "${OUT}/images"

# ---------------------------------------------------------------- etcd
log "fetching etcd-server ${ETCD_VERSION}"
( cd "${WORK}" && apt-get download "etcd-server=${ETCD_VERSION}" >&2 )
dpkg -x "${WORK}"/etcd-server_*.deb "${WORK}/etcd"
install -m 0755 "${WORK}/etcd/usr/bin/etcd" "${OUT}/bin/etcd"

# ---------------------------------------------------------------- kubernetes source
log "apt-get source kubernetes=${K8S_VERSION}"
( cd "${WORK}" && apt-get source -qq "kubernetes=${K8S_VERSION}" >&2 )
SRC="$(find "${WORK}" -mindepth 1 -maxdepth 1 -type d -name 'kubernetes-*' | head -n1)"
[[ -n "${SRC}" && -d "${SRC}/vendor" ]] || die "kubernetes source not unpacked"

export GOPATH="${WORK}/gopath"
export GO111MODULE=off
export CGO_ENABLED=0
export GOFLAGS=""
export GOCACHE="${CACHE_ROOT}/go-build-cache"
export HOME="${WORK}/home"
mkdir -p "${GOPATH}/src/k8s.io" "${HOME}" "${GOCACHE}"
ln -sfn "${SRC}" "${GOPATH}/src/k8s.io/kubernetes"
PKG_ROOT="${GOPATH}/src/k8s.io/kubernetes"

# ---------------------------------------------------------------- openapi generation
# The orig tarball lacks pkg/generated/openapi/zz_generated.openapi.go; generate it the
# way Makefile.generated_files does (KUBE target), with the vendored openapi-gen.
log "building openapi-gen"
( cd "${PKG_ROOT}" && go build -p "${BUILD_PARALLEL}" -o "${WORK}/openapi-gen" ./vendor/k8s.io/kube-openapi/cmd/openapi-gen )
log "finding +k8s:openapi-gen packages"
OPENAPI_DIRS="$(
  cd "${PKG_ROOT}" &&
  find -H . \( -not \( \( -path './_*' -o -path './.*' -o -path ./vendor \) -prune \) \) -type f -name '*.go' \
    | sed 's|^./staging/src|vendor|; s|^\./||' \
    | xargs grep --color=never -l '^// *+k8s:' \
    | grep -v -e '^vendor/k8s.io/code-generator/' -e '^vendor/k8s.io/sample-apiserver/' \
    | xargs grep --color=never -l '+k8s:openapi-gen=' \
    | xargs -n1 dirname | LC_ALL=C sort -u
)"
INPUTS="$(printf 'k8s.io/kubernetes/%s\n' ${OPENAPI_DIRS} | paste -sd, -)"
log "generating pkg/generated/openapi ($(wc -w <<<"${OPENAPI_DIRS}") input packages)"
( cd "${PKG_ROOT}" && "${WORK}/openapi-gen" \
    --logtostderr -v 0 \
    -i "${INPUTS}" \
    -p k8s.io/kubernetes/pkg/generated/openapi \
    -O zz_generated.openapi \
    -h "${PKG_ROOT}/hack/boilerplate/boilerplate.generatego.txt" \
    -r "${WORK}/openapi_violations.report" \
    --output-base "${GOPATH}/src" >&2 )
[[ -f "${PKG_ROOT}/pkg/generated/openapi/zz_generated.openapi.go" ]] || die "openapi generation failed"

# ---------------------------------------------------------------- binaries
UPSTREAM_VERSION="${K8S_VERSION#*really}"; UPSTREAM_VERSION="${UPSTREAM_VERSION%%-*}"
MAJOR="${UPSTREAM_VERSION%%.*}"; MINOR="${UPSTREAM_VERSION#*.}"; MINOR="${MINOR%%.*}"
BUILD_DATE="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
LDFLAGS="-s -w"
for vpkg in k8s.io/kubernetes/vendor/k8s.io/component-base/version k8s.io/kubernetes/vendor/k8s.io/client-go/pkg/version; do
  LDFLAGS+=" -X '${vpkg}.gitVersion=v${UPSTREAM_VERSION}'"
  LDFLAGS+=" -X '${vpkg}.gitMajor=${MAJOR}'"
  LDFLAGS+=" -X '${vpkg}.gitMinor=${MINOR}'"
  LDFLAGS+=" -X '${vpkg}.gitCommit=debian-${K8S_VERSION}'"
  LDFLAGS+=" -X '${vpkg}.gitTreeState=clean'"
  LDFLAGS+=" -X '${vpkg}.buildDate=${BUILD_DATE}'"
done
PKGS=()
for c in "${COMPONENTS[@]}"; do PKGS+=("k8s.io/kubernetes/cmd/${c}"); done
log "go build ${COMPONENTS[*]} (-p ${BUILD_PARALLEL}; several minutes)"
# go build is silent for minutes: a line every 15 s says it is still going
# (it lets go of the build lock, and ends with this script even if the script is killed)
( exec 9>&-; while sleep 15 && kill -0 $$ 2>/dev/null; do log "  … go build still running ($(( $(date +%s) - START )) s since the build started)"; done ) &
TICKER=$!
trap 'kill "${TICKER}" 2>/dev/null || true' EXIT
( cd "${PKG_ROOT}" && go build -p "${BUILD_PARALLEL}" -ldflags "${LDFLAGS}" -o "${OUT}/bin/" "${PKGS[@]}" )
kill "${TICKER}" 2>/dev/null || true
for c in "${COMPONENTS[@]}"; do [[ -x "${OUT}/bin/${c}" ]] || die "missing binary ${c}"; done

# kubeadm, with Debian's reflect2 1.0.2 (golang-github-modern-go-reflect2-dev) in place of the
# vendored 1.0.1: built with Go >= 1.18 (bookworm has 1.19), reflect2 1.0.1 panics in
# json-iterator's map decoding (UnsafeMapType.Key -> frozenConfig.Type2: nil pointer), and
# `kubeadm init` dies in its kubelet-start phase. The binaries above keep the vendored copy:
# local-k8s runs them without reaching that code.
[[ -f "${REFLECT2_SRC}/reflect2.go" ]] || die "${REFLECT2_SRC} missing (apt-get install golang-github-modern-go-reflect2-dev)"
rm -rf "${PKG_ROOT}/vendor/github.com/modern-go/reflect2"
cp -r "${REFLECT2_SRC}" "${PKG_ROOT}/vendor/github.com/modern-go/reflect2"
log "go build kubeadm (reflect2 $(dpkg-query -W -f='${Version}' golang-github-modern-go-reflect2-dev) from Debian)"
( cd "${PKG_ROOT}" && go build -p "${BUILD_PARALLEL}" -ldflags "${LDFLAGS}" -o "${OUT}/bin/kubeadm" k8s.io/kubernetes/cmd/kubeadm )
[[ -x "${OUT}/bin/kubeadm" ]] || die "missing binary kubeadm"

# ---------------------------------------------------------------- pause image
log "building pause (static) and its image ${PAUSE_IMAGE}"
gcc -Os -Wall -Werror -static -DVERSION="v3.4.1-capbench" -o "${OUT}/bin/pause" "${SRC}/build/pause/linux/pause.c"
IMG="${WORK}/pause-image"
mkdir -p "${IMG}/rootfs" "${IMG}/archive/layer"
install -m 0755 "${OUT}/bin/pause" "${IMG}/rootfs/pause"
tar --owner=0 --group=0 --numeric-owner --mtime=@0 -C "${IMG}/rootfs" -cf "${IMG}/archive/layer/layer.tar" pause
DIFF_ID="sha256:$(sha256sum "${IMG}/archive/layer/layer.tar" | cut -d' ' -f1)"
cat >"${IMG}/config.json" <<EOF
{"architecture":"amd64","os":"linux","created":"1970-01-01T00:00:00Z","config":{"Entrypoint":["/pause"],"User":"65535:65535"},"rootfs":{"type":"layers","diff_ids":["${DIFF_ID}"]},"history":[{"created":"1970-01-01T00:00:00Z","created_by":"capbench build.sh"}]}
EOF
CFG_SHA="$(sha256sum "${IMG}/config.json" | cut -d' ' -f1)"
cp "${IMG}/config.json" "${IMG}/archive/${CFG_SHA}.json"
printf '[{"Config":"%s.json","RepoTags":["%s"],"Layers":["layer/layer.tar"]}]\n' "${CFG_SHA}" "${PAUSE_IMAGE}" >"${IMG}/archive/manifest.json"
tar -C "${IMG}/archive" -cf "${OUT}/images/pause.tar" manifest.json "${CFG_SHA}.json" layer
echo "${PAUSE_IMAGE}" >"${OUT}/images/pause.ref"

# ---------------------------------------------------------------- metrics adapter check
if command -v node >/dev/null 2>&1 && [[ -f "${HERE}/metrics-adapter.mjs" ]]; then
  node --check "${HERE}/metrics-adapter.mjs" || die "metrics-adapter.mjs has a syntax error"
fi

cat >"${OUT}/VERSIONS" <<EOF
kubernetes_source=${K8S_VERSION}
kubernetes_version=v${UPSTREAM_VERSION}
etcd=${ETCD_VERSION}
go=$(go version | awk '{print $3}')
build_sh_sha256=${SCRIPT_SHA}
built_at=${BUILD_DATE}
EOF
touch "${OUT}/BUILD-OK"
ln -sfn "${KEY}" "${CACHE_ROOT}/current"
rm -rf "${WORK}"
# drop binaries built under older keys (other versions of this script / source package),
# keeping the two newest besides this one: checkouts of neighbouring commits share the cache
# and must not rebuild each other's binaries away
ls -1dt "${CACHE_ROOT}"/k8s-* 2>/dev/null | grep -vxF "${OUT}" | tail -n +3 | while read -r old; do rm -rf "${old}"; done
log "done in $(( $(date +%s) - START ))s: ${OUT}"
echo "CAPBENCH_K8S_BIN=${OUT}/bin"
