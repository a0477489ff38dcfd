# Sourced by scripts/setup, scripts/run and scripts/test (and handy in a
# shell: `. scripts/env.sh`). Puts the project's tools first on PATH:
# cargo-installed trunk and wasm-bindgen, and the npm wasm-opt in .tools/,
# because Debian's own binaryen is too old to read Rust 1.95's wasm.

LIFELINE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export LIFELINE_ROOT
export PATH="$LIFELINE_ROOT/.tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"
# wasm-bindgen-test-runner drives Chromium through this chromedriver.
export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"
