#!/usr/bin/env bash
# capbench: runs `kind` with clusters/kind/bin first on PATH, so the node containers kind
# creates and execs into work on hosts that cannot grant Docker's --privileged (see
# clusters/kind/bin/docker; elsewhere the wrapper passes everything through).
#   clusters/kind/kind.sh <kind arguments…>
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PATH="${HERE}/bin:${PATH}" exec kind "$@"
