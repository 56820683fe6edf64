#!/usr/bin/env bash
# Coverage-guided fuzzing of every parser (issue 6): builds the separate package Fuzz/ with libFuzzer and AddressSanitizer
# into Fuzz/.build, then runs each target for SECONDS (default 30) over a scratch copy of its committed seed corpus
# fixtures/fuzz/<target>/. Prints the executions per target; saves crash inputs under out/fuzz-crashes/<target>/ and
# exits 1 if any target crashed (or failed to start). Each target uses one core; as many run at once as there are cores.
#   scripts/fuzz.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/.."
command -v swift >/dev/null 2>&1 || export PATH="/opt/swift/usr/bin:$PATH"
seconds="${1:-30}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(FuzzCanonicalJSON FuzzSubmission FuzzSignedNote FuzzCheckpoint FuzzTlogProof FuzzKeys FuzzCSV FuzzAuthHeader)
fi

start=$(date +%s)
swift build --package-path Fuzz --scratch-path Fuzz/.build -c debug -Xswiftc -sanitize=fuzzer,address 2>&1 \
    | grep -v "Cannot export local symbol" | grep -E "error|warning: unable|Compiling Fuzz|Build complete" || true
bin="$(swift build --package-path Fuzz --scratch-path Fuzz/.build -c debug -Xswiftc -sanitize=fuzzer,address --show-bin-path)"
echo "fuzz: build took $(( $(date +%s) - start )) s"

work="$(mktemp -d "${TMPDIR:-/tmp}/hwledger-fuzz.XXXXXX")"
trap 'rm -rf "$work"' EXIT
crashes=out/fuzz-crashes
# One target per core at a time: SECONDS × targets / cores of wall time.
fuzz_one() {
    local t="$1"
    if [ ! -x "$bin/$t" ]; then echo "fuzz: $t: not built" >"$work/$t.result"; echo failed >"$work/$t.status"; return; fi
    mkdir -p "$work/$t/corpus" "$work/$t/artifacts"
    cp -R "fixtures/fuzz/$t/." "$work/$t/corpus/"
    # Regression inputs of this target run first, as part of the corpus.
    for r in fixtures/fuzz/regressions/"$t"-*; do [ -f "$r" ] && cp "$r" "$work/$t/corpus/"; done
    local status=0
    # No Swift backtracer: libFuzzer's own handler reports a trap and saves the input (the backtracer trips ASan).
    SWIFT_BACKTRACE=enable=no ASAN_OPTIONS="detect_leaks=0:${ASAN_OPTIONS:-}" "$bin/$t" "$work/$t/corpus" \
        -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
        -artifact_prefix="$work/$t/artifacts/" >"$work/$t/log" 2>&1 || status=$?
    local runs
    runs=$(grep -Eo 'stat::number_of_executed_(runs|units): *[0-9]+' "$work/$t/log" | grep -Eo '[0-9]+$' | tail -1 || true)
    local artifacts=("$work/$t/artifacts"/*)
    if [ "$status" -ne 0 ] || [ -e "${artifacts[0]}" ]; then
        mkdir -p "$crashes/$t"
        cp "$work/$t/log" "$crashes/$t/log.txt"
        for a in "${artifacts[@]}"; do [ -e "$a" ] && cp "$a" "$crashes/$t/"; done
        {
            echo "fuzz: $t: CRASH after ${runs:-?} executions (exit $status); input and log in $crashes/$t/"
            grep -E '^(==[0-9]+==ERROR|SUMMARY|Fatal error|.*precondition failed|.*error:)' "$work/$t/log" | head -5 | sed 's/^/    /'
        } >"$work/$t.result"
        echo failed >"$work/$t.status"
    else
        echo "fuzz: $t: ${runs:-?} executions in ${seconds} s, no crash" >"$work/$t.result"
    fi
}

cores=$(nproc 2>/dev/null || echo 1)
running=0
for t in "${targets[@]}"; do
    fuzz_one "$t" &
    running=$((running + 1))
    if [ "$running" -ge "$cores" ]; then wait -n || true; running=$((running - 1)); fi
done
wait
failed=()
for t in "${targets[@]}"; do
    cat "$work/$t.result"
    [ -f "$work/$t.status" ] && failed+=("$t")
done
if [ ${#failed[@]} -ne 0 ]; then
    echo "fuzz: crashed or failed: ${failed[*]}"
    exit 1
fi
