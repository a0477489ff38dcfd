# Sourced by scripts/setup, scripts/run and scripts/test (and handy in a
# shell: `. scripts/env.sh`). Puts the project's tools first on PATH:
# cargo-installed trunk and wasm-bindgen, and the npm wasm-opt in .tools/,
# because Debian's own binaryen is too old to read Rust 1.95's wasm.

LIFELINE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export LIFELINE_ROOT
export PATH="$LIFELINE_ROOT/.tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"
# wasm-bindgen-test-runner drives Chromium through this chromedriver.
export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"
# The Lifeline Helper links libvpx statically (Debian's libvpx-dev ships
# libvpx.a), so the binary runs whatever libvpx soname a customer has.
# libvpx-native-sys does not rebuild when these change: after changing
# them run `cargo clean -p libvpx-native-sys`.
if command -v pkg-config >/dev/null 2>&1 && pkg-config --exists vpx 2>/dev/null; then
    # Debian's vpx.pc says libdir=/usr/lib, but the library sits next to
    # the .pc file's folder (/usr/lib/x86_64-linux-gnu).
    for VPX_LIB_DIR in "$(pkg-config --variable=pcfiledir vpx)/.." "$(pkg-config --variable=libdir vpx)"; do
        [ -e "$VPX_LIB_DIR/libvpx.a" ] && break
    done
    VPX_LIB_DIR="$(cd "$VPX_LIB_DIR" && pwd)"
    VPX_INCLUDE_DIR="$(pkg-config --variable=includedir vpx)"
    VPX_VERSION="$(pkg-config --modversion vpx)"
    VPX_STATIC=1
    export VPX_LIB_DIR VPX_INCLUDE_DIR VPX_VERSION VPX_STATIC
fi
