#!/usr/bin/env bash
# Builds every fuzz target and runs each for SECONDS (default 20), with the checked-in
# seeds as an extra (read-only) corpus. Exits non-zero if any target crashes, fails an
# assertion, times out or leaks; the input that did it is left in
# fuzz/artifacts/<target>/.
#
#   fuzz/run.sh [SECONDS]          (from anywhere; needs `cargo +nightly` and cargo-fuzz)
#
# Extra libFuzzer flags can be passed in FUZZ_FLAGS, e.g. FUZZ_FLAGS=-jobs=2.
set -euo pipefail

secs="${1:-20}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

# The reader targets write each input to a per-process file under the temp dir.
TMPDIR="$(mktemp -d -t ottr-fuzz.XXXXXX)"
export TMPDIR
trap 'rm -rf "$TMPDIR"' EXIT

# Release build with debug assertions and overflow checks; no sanitizer (the crate is
# safe Rust apart from the read-only mmap, which ASan cannot see into anyway).
build_flags=(-O -a -s none)

cargo +nightly fuzz build "${build_flags[@]}"

targets=$(cargo +nightly fuzz list)
failed=()
for t in $targets; do
    mkdir -p "fuzz/corpus/$t" "fuzz/artifacts/$t"
    echo "=== fuzzing $t for ${secs}s"
    # shellcheck disable=SC2086
    if ! cargo +nightly fuzz run "${build_flags[@]}" "$t" \
        "fuzz/corpus/$t" "fuzz/seeds/$t" -- \
        -max_total_time="$secs" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 ${FUZZ_FLAGS:-}; then
        echo "!!! $t failed; crashing input(s):" >&2
        ls -l "fuzz/artifacts/$t" >&2 || true
        failed+=("$t")
    fi
done

# Inputs that once crashed must keep passing.
for f in fuzz/regressions/*; do
    [ -f "$f" ] || continue
    t="$(basename "$f")"
    t="${t%-*}"
    echo "=== regression $f ($t)"
    # A timeout bound too: some regressions were slow inputs, not crashes.
    if ! cargo +nightly fuzz run "${build_flags[@]}" "$t" "$f" -- -runs=1 -timeout=5; then
        failed+=("regression:$f")
    fi
done

if [ "${#failed[@]}" -gt 0 ]; then
    echo "fuzzing failed: ${failed[*]}" >&2
    exit 1
fi
echo "fuzzing passed:" $targets
