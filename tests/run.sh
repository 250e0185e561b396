#!/usr/bin/env bash
# Sets up and runs the whole test suite once per Keras backend.
#
#   bash tests/run.sh                   # tensorflow, jax and torch
#   bash tests/run.sh jax               # one backend
#   SKIP_INSTALL=1 bash tests/run.sh    # reuse the installed environment
#
# torch is pinned to the CPU build: an unpinned torch downloads several GB
# of CUDA packages.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${SKIP_INSTALL:-}" ]; then
  python -m pip install --quiet --disable-pip-version-check \
    -e ".[test,jax]" "torch==2.13.0"
fi

backends=("$@")
[ ${#backends[@]} -gt 0 ] || backends=(tensorflow jax torch)
workers="${PYTEST_WORKERS:-2}"
export TF_CPP_MIN_LOG_LEVEL=3

status=0
for backend in "${backends[@]}"; do
  echo "=== KERAS_BACKEND=${backend}"
  rc=0
  KERAS_BACKEND="${backend}" python -m pytest -q -p no:benchmark \
    -n "${workers}" tests || rc=$?
  # pytest's 5 means "no tests collected": a broken suite, not a pass.
  [ "${rc}" -eq 0 ] || status=1
  echo "=== KERAS_BACKEND=${backend}: pytest exit ${rc}"
done
exit "${status}"
