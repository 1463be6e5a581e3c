#!/usr/bin/env bash
# Runs every check of moveo-reports on a fresh machine: installs what the tests
# need (poppler for PDF text, Python tools pinned in requirements-test.txt:
# moto, the Moveo stand-in's graphql-core, aws-sam-cli, cargo-lambda, zig, openpyxl;
# the email-client check's npm packages in tests/email-clients), then
# formatting, lints, unit and integration tests, and the SAM template lint.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if ! command -v pdftotext >/dev/null; then
  echo "== installing poppler-utils (pdftotext reads the PDFs in tests)"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null
fi

venv=.venv
stamp="$venv/.requirements.sha256"
want=$(sha256sum requirements-test.txt | cut -d' ' -f1)
if [ ! -x "$venv/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "== installing Python test tools (requirements-test.txt)"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check -r requirements-test.txt
  echo "$want" > "$stamp"
fi
export PATH="$PWD/$venv/bin:$PATH"

# caniemail's data and MJML (pinned in tests/email-clients/package-lock.json) measure the email
# against mail clients. Node.js comes with the machine; install it where it does not.
if ! command -v npm >/dev/null; then
  echo "== installing Node.js (the email-client check runs on it)"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
fi
lock=tests/email-clients/package-lock.json
if [ "$(cat tests/email-clients/node_modules/.lock.sha256 2>/dev/null)" != "$(sha256sum "$lock" | cut -d' ' -f1)" ]; then
  echo "== installing the email-client check (npm ci)"
  npm ci --silent --no-audit --no-fund --prefix tests/email-clients
  sha256sum "$lock" | cut -d' ' -f1 > tests/email-clients/node_modules/.lock.sha256
fi
# The tests start the Moveo stand-in and moto with this interpreter.
export MOVEO_TEST_PYTHON="$PWD/$venv/bin/python"

rustup component add rustfmt clippy >/dev/null 2>&1 || true

echo "== cargo fmt --check"
cargo fmt --check
echo "== cargo clippy"
cargo clippy --quiet --all-targets -- -D warnings
echo "== cargo test"
# The load test fans out LOAD_REPORTS reports (500 by default, about 8 minutes here in a debug
# build); CI runs 120 of them to stay well inside its time. `LOAD_REPORTS=500 scripts/test.sh`
# runs the whole load.
LOAD_REPORTS="${LOAD_REPORTS:-120}" cargo test
echo "== sam validate --lint"
SAM_CLI_TELEMETRY=0 AWS_DEFAULT_REGION="${AWS_DEFAULT_REGION:-us-east-1}" sam validate --lint
# The deployable artefact: the arm64 `bootstrap` that SAM's rust-cargolambda build makes.
# Ten minutes on two cores when cold; SKIP_ARM64=1 leaves it out of a quick local run.
if [ "${SKIP_ARM64:-0}" != 1 ]; then
  echo "== cargo lambda build --release --arm64"
  rustup target add aarch64-unknown-linux-gnu >/dev/null
  cargo lambda build --release --arm64 --quiet
  ls -l target/lambda/moveo-reports/bootstrap
fi
echo "== all checks passed"
