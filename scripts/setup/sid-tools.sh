#!/usr/bin/env bash
# capbench: Compose v2 and kind from Debian's archive (unstable, "sid"), without touching the
# machine's package sources. Idempotent and cached.
#
#   bash scripts/setup/sid-tools.sh
#
# What it does:
#   1. a private apt configuration under the cache (own sources.list with sid only, own lists,
#      own archives, an empty dpkg status): `apt-get update` and `apt-get download` of the
#      pinned packages below. The system's sources, lists and dpkg database are not used or
#      changed; nothing is installed with dpkg -i.
#   2. each .deb is unpacked with `dpkg -x` into <cache>/<package>_<version>/ and its binary
#      checked: it must run here and print the pinned upstream version.
#   3. installs (symlinks into the cache):
#        ${DOCKER_CONFIG:-$HOME/.docker}/cli-plugins/docker-compose   → `docker compose` (v2),
#                                                                     beside v1's `docker-compose`
#        /usr/local/bin/kind                                          → `kind`
# A second run with the cache present makes no network request (~0.1 s).
#
# Both are Go programs that need only libc6 >= 2.34 (bookworm has 2.36); the script checks the
# Depends line of each package before unpacking it.
# Env: CAPBENCH_SID_CACHE (default /var/cache/capbench/sid-tools), DEBIAN_MIRROR
# (default http://deb.debian.org/debian). Must run as root (writes /usr/local/bin, /var/cache).
set -euo pipefail

CACHE="${CAPBENCH_SID_CACHE:-/var/cache/capbench/sid-tools}"
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
# package  upstream version (the binary must report it)  where the binary sits in the package
PINS=(
  "docker-compose 2.40.3 usr/libexec/docker/cli-plugins/docker-compose"
  "kind 0.33.0 usr/bin/kind"
)
PLUGIN_DIR="${DOCKER_CONFIG:-${HOME:-/root}/.docker}/cli-plugins"
KIND_LINK=/usr/local/bin/kind

log() { printf '[sid-tools %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

[[ "$(id -u)" == 0 ]] || die "must run as root (writes ${CACHE} and ${KIND_LINK})"
command -v apt-get >/dev/null 2>&1 && command -v dpkg >/dev/null 2>&1 || die "apt-get and dpkg are needed (Debian/Ubuntu)"

mkdir -p "${CACHE}"
exec 9>"${CACHE}/.lock"
flock 9

APT_DIR="${CACHE}/apt"
APT_OPTS=(
  -o "Dir::Etc::SourceList=${APT_DIR}/sources.list"
  -o "Dir::Etc::SourceParts=${APT_DIR}/sources.list.d"
  -o "Dir::Etc::Preferences=${APT_DIR}/preferences"
  -o "Dir::Etc::PreferencesParts=${APT_DIR}/preferences.d"
  -o "Dir::State::Lists=${APT_DIR}/lists"
  -o "Dir::State::status=${APT_DIR}/status"
  -o "Dir::Cache=${APT_DIR}/cache"
  -o "Dir::Cache::archives=${APT_DIR}/archives"
  -o "APT::Architecture=$(dpkg --print-architecture)"
  -o "APT::Sandbox::User=root"
)
APT_READY=0
private_apt() {
  [[ "${APT_READY}" == 1 ]] && return 0
  mkdir -p "${APT_DIR}"/{sources.list.d,preferences.d,lists/partial,cache,archives/partial}
  : >"${APT_DIR}/status"
  : >"${APT_DIR}/preferences"
  printf 'deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] %s sid main\n' "${MIRROR}" >"${APT_DIR}/sources.list"
  log "apt-get update (private configuration, sid only: ${APT_DIR})"
  apt-get "${APT_OPTS[@]}" update -qq >&2 || die "apt-get update of sid failed (is ${MIRROR} reachable? debian-archive-keyring installed?)"
  APT_READY=1
}

# binary version line → upstream version (Docker Compose version 2.40.3-3 / kind v0.33.0 go…)
reported_version() { "$1" version 2>/dev/null | grep -oE '[0-9]+\.[0-9]+\.[0-9]+' | head -n1; }

# the cached, checked unpack of <package> <upstream version>, or nothing
cached_dir() {
  local hit
  hit="$(find "${CACHE}" -mindepth 2 -maxdepth 2 -name "OK-$2" -path "${CACHE}/$1_*" 2>/dev/null | head -n1)"
  [[ -z "${hit}" ]] || dirname "${hit}"
}

# downloads, checks and unpacks one package (private_apt must have run); echoes the binary's path
fetch_one() {
  local pkg="$1" want="$2" rel="$3"
  local version
  version="$(apt-cache "${APT_OPTS[@]}" show "${pkg}" 2>/dev/null | awk -v w="${want}" '/^Version:/{v=$2; u=v; sub(/^[0-9]+:/, "", u); sub(/-[^-]*$/, "", u); if (u == w) {print v; exit}}')"
  [[ -n "${version}" ]] || die "${pkg} ${want} is not in sid any more (sid has: $(apt-cache "${APT_OPTS[@]}" show "${pkg}" 2>/dev/null | awk '/^Version:/{print $2}' | paste -sd' ')); update PINS in $0"
  local depends
  depends="$(apt-cache "${APT_OPTS[@]}" show "${pkg}=${version}" | awk '/^Depends:/{sub(/^Depends: /, ""); print; exit}')"
  [[ "${depends}" =~ ^libc6\ \(\>=\ 2\.[0-9]+\)$ ]] || die "${pkg} ${version} must depend on libc6 only (got Depends: ${depends:-none})"
  local libc_need="${depends##*>= }"; libc_need="${libc_need%)}"
  local libc_have; libc_have="$(dpkg-query -W -f='${Version}' libc6)"
  dpkg --compare-versions "${libc_have}" ge "${libc_need}" || die "${pkg} needs libc6 >= ${libc_need} (this machine has ${libc_have})"
  local dir="${CACHE}/${pkg}_${version}"
  rm -rf "${dir}"; mkdir -p "${dir}"
  log "apt-get download ${pkg}=${version} (sid)"
  ( cd "${dir}" && apt-get "${APT_OPTS[@]}" download -qq "${pkg}=${version}" >&2 ) || die "apt-get download ${pkg}=${version} failed"
  local deb; deb="$(find "${dir}" -maxdepth 1 -name '*.deb' | head -n1)"
  [[ -n "${deb}" ]] || die "no .deb downloaded for ${pkg}"
  dpkg-deb -f "${deb}" Package Version >&2
  dpkg -x "${deb}" "${dir}/root"
  local bin="${dir}/root/${rel}"
  [[ -x "${bin}" ]] || die "${pkg}: ${rel} missing from the package"
  local got; got="$(reported_version "${bin}")"
  [[ "${got}" == "${want}" ]] || die "${pkg}: ${rel} must report version ${want} (got ${got:-nothing}: $("${bin}" version 2>&1 | head -n1))"
  rm -f "${deb}"
  touch "${dir}/OK-${want}"
  # drop other versions of this package
  find "${CACHE}" -mindepth 1 -maxdepth 1 -type d -name "${pkg}_*" ! -path "${dir}" -exec rm -rf {} +
  echo "${bin}"
}

link() {
  local target="$1" link="$2"
  mkdir -p "$(dirname "${link}")"
  if [[ "$(readlink "${link}" 2>/dev/null)" != "${target}" ]]; then
    if [[ -e "${link}" && ! -L "${link}" ]]; then die "${link} exists and is not our symlink: move it away first"; fi
    ln -sfn "${target}" "${link}"
    log "linked ${link} -> ${target}"
  fi
}

for pin in "${PINS[@]}"; do
  read -r pkg want rel <<<"${pin}"
  dir="$(cached_dir "${pkg}" "${want}")"
  if [[ -n "${dir}" ]]; then
    log "cache hit: ${dir}"
    bin="${dir}/root/${rel}"
  else
    private_apt
    bin="$(fetch_one "${pkg}" "${want}" "${rel}")"
  fi
  case "${pkg}" in
    docker-compose) link "${bin}" "${PLUGIN_DIR}/docker-compose" ;;
    kind) link "${bin}" "${KIND_LINK}" ;;
  esac
done

if command -v docker >/dev/null 2>&1; then
  v2="$(docker compose version 2>&1 | head -n1)"
  [[ "${v2}" == *2.40.3* ]] || die "\`docker compose version\` must answer with the plugin (got: ${v2})"
  log "docker compose: ${v2}"
fi
log "kind: $(kind version)"
