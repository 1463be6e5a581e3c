#!/usr/bin/env bash
# Benchmarks moveo-reports (release build) and writes the figures to BENCHMARKS.md.
# Installs what it needs: the Python tools (requirements-test.txt) and Debian's chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if ! command -v chromium >/dev/null; then
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
  .venv/bin/pip install -q --disable-pip-version-check -r requirements-test.txt
fi
export PATH="$PWD/.venv/bin:$PATH"

cargo build --release --quiet
if [ "${BENCH_ARM64:-1}" = 1 ]; then
  rustup target add aarch64-unknown-linux-gnu >/dev/null 2>&1 || true
  cargo lambda build --release --arm64 --quiet || echo "(arm64 build failed; its size is left out)"
fi

{
  echo "# Benchmarks"
  echo
  echo "Made by \`scripts/bench.sh\` on $(date -u +%Y-%m-%d): $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB,"
  echo "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(uname -sr), $(rustc --version)."
  echo "Each \`moveo-reports bench\` row is ${BENCH_RUNS:-10} runs after one warm-up, in one process; times are wall"
  echo "clock per phase. Peak RSS is the whole process's high-water mark (VmHWM)."
  echo
  .venv/bin/python scripts/bench.py
} > BENCHMARKS.md.new
mv BENCHMARKS.md.new BENCHMARKS.md
cat BENCHMARKS.md
