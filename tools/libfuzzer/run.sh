#!/usr/bin/env bash
# Coverage-guided fuzzing of the parsers a remote peer reaches (Sources/AdmiralFuzzTargets),
# with libFuzzer through Swift's -sanitize=fuzzer and AddressSanitizer.
#
#   tools/libfuzzer/run.sh [--time SECONDS | --runs N] [--merge] [TARGET...]
#
# Builds admiral-fuzz (release, instrumented) in .build-fuzz, then runs each target (all
# by default) for SECONDS (default 60) or N executions, starting from the committed corpus
# tools/libfuzzer/corpus/TARGET. New inputs go to .build-fuzz/corpus/TARGET; --merge then
# adds those that reach new coverage to the committed corpus. A crash, a memory error, a
# timeout (10 s for one input) or running out of memory (2 GiB) is a finding: libFuzzer
# writes the input to .build-fuzz/findings/, the script says so and exits 1. At the end
# it prints one line per target: executions, rate, coverage (edges), corpus size.
set -euo pipefail
cd "$(dirname "$0")/../.."

time_limit=60 runs="" merge=0 targets=()
while (($#)); do
    case "$1" in
        --time) time_limit="$2"; shift 2 ;;
        --runs) runs="$2"; shift 2 ;;
        --merge) merge=1; shift ;;
        -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
        *) targets+=("$1"); shift ;;
    esac
done
if ((${#targets[@]} == 0)); then
    mapfile -t targets < <(ls tools/libfuzzer/corpus)
fi

echo "== building admiral-fuzz with -sanitize=fuzzer,address (.build-fuzz)"
# lld links it: gold fails on the libFuzzer and Swift runtime objects together.
swift build -c release --product admiral-fuzz --scratch-path .build-fuzz \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING -Xswiftc -Xclang-linker -Xswiftc -fuse-ld=lld >/dev/null
binary="$(swift build -c release --scratch-path .build-fuzz --show-bin-path)/admiral-fuzz"

mkdir -p .build-fuzz/findings .build-fuzz/logs
summary=() failed=0
run_target() {
    local target="$1" log=".build-fuzz/logs/$1.log"
    mkdir -p ".build-fuzz/corpus/$target"
    local limit=(-max_total_time="$time_limit")
    [[ -n "$runs" ]] && limit=(-runs="$runs")
    echo "== $target"
    # Leaks are not checked, per input nor at exit: LeakSanitizer cannot see pointers that
    # Swift keeps in multi-payload enums (the case tag rides in the pointer's spare bits)
    # nor ICU's caches, and reported such reachable memory as leaked; memory growth is the
    # soak's to measure.
    if ! ASAN_OPTIONS=detect_leaks=0 ADMIRAL_FUZZ_TARGET="$target" "$binary" "${limit[@]}" -timeout=10 \
        -rss_limit_mb=2048 -detect_leaks=0 \
        -max_len=4096 -print_final_stats=1 -artifact_prefix=".build-fuzz/findings/$target-" \
        ".build-fuzz/corpus/$target" "tools/libfuzzer/corpus/$target" >"$log" 2>&1; then
        echo "FINDING in $target: see $log and .build-fuzz/findings/" >&2
        grep -E "ERROR|SUMMARY|Test unit written" "$log" | head -5 >&2 || true
        return 1
    fi
    local executions seconds coverage
    executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    seconds=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -1)
    coverage=$(grep -oE 'cov: [0-9]+' "$log" | tail -1 | grep -oE '[0-9]+' || echo "?")
    local corpus
    corpus=$(($(ls ".build-fuzz/corpus/$target" | wc -l) + $(ls "tools/libfuzzer/corpus/$target" | wc -l)))
    local rate="?"
    [[ -n "$seconds" && "$seconds" -gt 0 ]] && rate=$((executions / seconds))
    summary+=("$target: $executions executions in ${seconds:-?} s ($rate/s), coverage $coverage edges, corpus $corpus inputs, no finding")
}
for target in "${targets[@]}"; do
    run_target "$target" || failed=1
done
if ((merge)); then
    for target in "${targets[@]}"; do
        ASAN_OPTIONS=detect_leaks=0 ADMIRAL_FUZZ_TARGET="$target" "$binary" -merge=1 -max_len=4096 \
            -artifact_prefix=".build-fuzz/findings/$target-" \
            "tools/libfuzzer/corpus/$target" ".build-fuzz/corpus/$target" >".build-fuzz/logs/$target-merge.log" 2>&1
    done
    echo "== merged new coverage into tools/libfuzzer/corpus"
fi
echo "== summary"
printf '%s\n' "${summary[@]}"
exit "$failed"
