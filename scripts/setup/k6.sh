#!/usr/bin/env bash
# capbench: make real k6 available for the k6 driver and its tests. Idempotent; every step
# says what it does. Called by scripts/setup.sh; runs on its own too: bash scripts/setup/k6.sh
#
#   1. The project's machines (CI, developers) keep real k6 builds beside the checkout, in
#      ../shared/tools/k6: both tested versions (v1.3.0 and v2.2.0) are unpacked and verified
#      into capbench's k6 cache, so the k6 tests run on both majors.
#   2. Anywhere else, a k6 that is already there is used and nothing is installed: K6_BIN,
#      else k6 on PATH, else one in the cache (the order capbench looks them up in).
#   3. Otherwise k6 v2.2.0 (the version capbench pins) is installed the way k6's documentation
#      describes (https://grafana.com/docs/k6/latest/set-up/install-k6/):
#        Debian/Ubuntu as root: k6's apt repository (dl.k6.io, key checked by fingerprint);
#        anywhere else (not root, no apt, macOS): the release archive from GitHub, checked
#        against the release's checksums, unpacked into the cache.
#      When that fails (no network), it says what to do instead and exits 4.
#
# The cache: CAPBENCH_K6_CACHE, else ${XDG_CACHE_HOME:-$HOME/.cache}/capbench/k6 — outside the
# checkout, the same path src/load/k6/find-k6.ts looks in. CAPBENCH_SKIP_K6=1 skips all of it.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)

PINNED=v2.2.0
# k6's release signing key, as its install page gives it
K6_KEY_FINGERPRINT=C5AD17C747E3415A3642D57D77C6C491D6AC1D69
DOCS=https://grafana.com/docs/k6/latest/set-up/install-k6/

say() { printf '[setup:k6] %s\n' "$*"; }
fail() {
  printf '[setup:k6] ERROR: %s\n' "$1" >&2
  printf '[setup:k6] hint: install k6 yourself (%s) and put it on PATH or set K6_BIN=/path/to/k6, then run this again;\n' "$DOCS" >&2
  printf '[setup:k6]       or do without k6: CAPBENCH_SKIP_K6=1 skips the k6 tests, and capbench runs with --driver builtin\n' >&2
  exit 4
}

if [[ "${CAPBENCH_SKIP_K6:-}" == 1 ]]; then
  say "CAPBENCH_SKIP_K6=1: k6 not set up (the k6 tests are skipped)"
  exit 0
fi

cache=${CAPBENCH_K6_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/capbench/k6}
shared="$(dirname "$repo")/shared/tools/k6"

if [[ -f "$shared/install.sh" ]]; then
  say "real k6 builds found in $shared: unpacking and verifying them into $cache"
  installed=$(bash "$shared/install.sh" "$cache") || fail "$shared/install.sh $cache must succeed (see its message above)"
  while read -r v k; do say "$v: $k ($("$k" version | head -n1))"; done <<<"$installed"
  exit 0
fi

if [[ -n "${K6_BIN:-}" ]]; then
  if v=$("$K6_BIN" version 2>&1 | head -n1) && [[ "$v" == k6\ v* ]]; then say "using K6_BIN=$K6_BIN: $v"; exit 0; fi
  fail "K6_BIN=$K6_BIN must run \`k6 version\` (got: ${v:-nothing})"
fi
if command -v k6 >/dev/null 2>&1; then
  say "using k6 on PATH: $(command -v k6): $(k6 version 2>&1 | head -n1)"
  exit 0
fi
for k in "$cache"/v*/k6; do
  if [[ -x "$k" ]]; then say "using k6 in the cache: $k: $("$k" version 2>&1 | head -n1)"; exit 0; fi
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fetch() { curl -fsSL --connect-timeout 10 --max-time 300 -o "$2" "$1" 2>"$tmp/curl.err" || fail "could not download $1 (got: $(tail -n1 "$tmp/curl.err"))"; }

if [[ "$(uname -s)" == Linux && "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; then
  say "no k6 found: installing k6 $PINNED from k6's apt repository (dl.k6.io), as k6's install page describes for Debian/Ubuntu"
  # the page's alternative to the keyserver (curl, so proxies and timeouts apply); nothing is
  # written outside $tmp until the key is checked
  command -v gpg >/dev/null 2>&1 || fail "gpg must be installed to check k6's apt key (got none; apt-get install -y gnupg)"
  fetch https://dl.k6.io/key.gpg "$tmp/key.asc"
  gpg --batch --yes --dearmor -o "$tmp/k6-archive-keyring.gpg" "$tmp/key.asc"
  gpg --batch --show-keys --with-colons "$tmp/k6-archive-keyring.gpg" | grep -q "^fpr:::::::::$K6_KEY_FINGERPRINT:" \
    || fail "the key from https://dl.k6.io/key.gpg must have fingerprint $K6_KEY_FINGERPRINT (got another key)"
  install -m 0644 "$tmp/k6-archive-keyring.gpg" /usr/share/keyrings/k6-archive-keyring.gpg
  echo "deb [signed-by=/usr/share/keyrings/k6-archive-keyring.gpg] https://dl.k6.io/deb stable main" > /etc/apt/sources.list.d/k6.list
  if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "k6=${PINNED#v}"; } >"$tmp/apt.log" 2>&1; then
    rm -f /etc/apt/sources.list.d/k6.list /usr/share/keyrings/k6-archive-keyring.gpg
    fail "apt-get install k6=${PINNED#v} from https://dl.k6.io/deb must succeed (got: $(tail -n1 "$tmp/apt.log")); the k6 apt source was removed again"
  fi
  say "installed: $(command -v k6): $(k6 version | head -n1)"
  exit 0
fi

case "$(uname -s)/$(uname -m)" in
  Linux/x86_64) asset=linux-amd64 ext=tar.gz ;;
  Linux/aarch64 | Linux/arm64) asset=linux-arm64 ext=tar.gz ;;
  Darwin/x86_64) asset=macos-amd64 ext=zip ;;
  Darwin/arm64) asset=macos-arm64 ext=zip ;;
  *) fail "k6 publishes no release archive for $(uname -s)/$(uname -m)" ;;
esac
name="k6-$PINNED-$asset"
url="https://github.com/grafana/k6/releases/download/$PINNED"
say "no k6 found: installing k6 $PINNED from its release archive ($url/$name.$ext) into $cache"
fetch "$url/k6-$PINNED-checksums.txt" "$tmp/checksums.txt"
fetch "$url/$name.$ext" "$tmp/$name.$ext"
want=$(awk -v f="$name.$ext" '$2 == f { print $1 }' "$tmp/checksums.txt")
got=$( (sha256sum "$tmp/$name.$ext" 2>/dev/null || shasum -a 256 "$tmp/$name.$ext") | cut -d' ' -f1)
[[ -n "$want" && "$got" == "$want" ]] || fail "$name.$ext must match k6-$PINNED-checksums.txt (got sha256 $got, listed ${want:-nothing})"
if [[ "$ext" == zip ]]; then unzip -q "$tmp/$name.$ext" -d "$tmp"; else tar -xzf "$tmp/$name.$ext" -C "$tmp"; fi
mkdir -p "$cache/$PINNED"
install -m 0755 "$tmp/$name/k6" "$cache/$PINNED/k6"
say "installed: $cache/$PINNED/k6: $("$cache/$PINNED/k6" version | head -n1)"
