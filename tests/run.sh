#!/usr/bin/env bash
# Sets up and runs the whole test suite once per Keras backend.
#
#   bash tests/run.sh                   # tensorflow, jax and torch
#   bash tests/run.sh jax               # one backend
#   SKIP_INSTALL=1 bash tests/run.sh    # reuse the installed environment
#
# Before the test sessions it builds the docs site (mkdocs.yml, docs/) with
# warnings as errors; a failed build fails the run.
#
# torch is pinned to the CPU build: an unpinned torch downloads several GB
# of CUDA packages.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${SKIP_INSTALL:-}" ]; then
  python -m pip install --quiet --disable-pip-version-check \
    -e ".[test,jax,docs]" "torch==2.13.0"
fi

backends=("$@")
[ ${#backends[@]} -gt 0 ] || backends=(tensorflow jax torch)
workers="${PYTEST_WORKERS:-2}"
export TF_CPP_MIN_LOG_LEVEL=3

# JAX compiles every new model's steps with XLA, and the tests build many
# tiny models that train for a few steps: compiling, not training, is most
# of the JAX session (26 of its minutes on 2 cores). For the test run only:
# XLA's quick CPU code generation (-O0, no expensive LLVM passes; the
# results are the same operations, only slower code), one XLA thread per
# pytest worker (two workers share two cores), and a compilation cache,
# fresh for this run, that every worker and recipe subprocess shares (the
# same networks recur across tests and processes). Measured on
# tests/training/test_precision.py + tests/models/test_variants.py:
# 299 s -> 163 s.
jax_cache="$(mktemp -d)"
trap 'rm -rf "${jax_cache}"' EXIT
jax_env=(
  "XLA_FLAGS=${XLA_FLAGS:-} --xla_backend_optimization_level=0 --xla_llvm_disable_expensive_passes=true --xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"
  "JAX_COMPILATION_CACHE_DIR=${jax_cache}"
  "JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS=0"
  "JAX_PERSISTENT_CACHE_MIN_ENTRY_SIZE_BYTES=-1"
)

# The CI budget is 30 minutes for the three sessions on 2 cores: each
# session prints its 20 slowest tests, and the run ends with the wall time
# of each (keep the README's table current).
status=0
summary=()
run_start=${SECONDS}

# The docs: `--strict` makes every warning an error (a broken link or
# anchor, a page missing from the nav, a docstring mkdocstrings cannot
# parse). griffe reads the source without importing it, so this needs no
# backend and takes seconds. A failure fails the run after the tests.
echo "=== mkdocs build --strict"
rc=0
start=${SECONDS}
# (The variable silences Material's end-of-life banner, not warnings.)
NO_MKDOCS_2_WARNING=1 python -m mkdocs build --strict || rc=$?
[ "${rc}" -eq 0 ] || status=1
elapsed=$((SECONDS - start))
summary+=("$(printf '%-10s %3dm%02ds  mkdocs exit %d' docs \
  $((elapsed / 60)) $((elapsed % 60)) "${rc}")")

for backend in "${backends[@]}"; do
  echo "=== KERAS_BACKEND=${backend}"
  rc=0
  start=${SECONDS}
  extra_env=()
  [ "${backend}" != jax ] || extra_env=("${jax_env[@]}")
  env "${extra_env[@]}" KERAS_BACKEND="${backend}" python -m pytest -q -p no:benchmark \
    -n "${workers}" --dist loadgroup --durations=20 tests || rc=$?
  # pytest's 5 means "no tests collected": a broken suite, not a pass.
  [ "${rc}" -eq 0 ] || status=1
  elapsed=$((SECONDS - start))
  echo "=== KERAS_BACKEND=${backend}: pytest exit ${rc}"
  summary+=("$(printf '%-10s %3dm%02ds  pytest exit %d' "${backend}" \
    $((elapsed / 60)) $((elapsed % 60)) "${rc}")")
done
total=$((SECONDS - run_start))
echo "=== wall time per backend (budget: 30 minutes for all three)"
printf '%s\n' "${summary[@]}"
printf 'total      %3dm%02ds\n' $((total / 60)) $((total % 60))
exit "${status}"
