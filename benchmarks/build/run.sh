#!/usr/bin/env bash
# What a first debug build of admiral spends its time on (docs/BENCHMARKS.md, "Building
# Admiral"). Each step builds into its own new scratch folder under WORK, so nothing is
# reused between steps or from the checkout's .build:
#
#   1. the whole first build of the admiral product, as scripts/dev runs it;
#   2. Admiral's own modules again, on top of the dependencies built in step 1 (their
#      build folders removed): what the project's own code costs;
#   3. each BoringSSL copy alone (swift-crypto's, and swift-nio-ssl's that
#      AsyncHTTPClient brings), the largest dependencies.
#
# Each step reports wall time and CPU time (user + system). CPU time is the steadier
# figure on a shared machine; the shares are computed from it, against step 1 of the
# same run.
#
#   benchmarks/build/run.sh [WORK]        WORK defaults to a new folder under /tmp
set -euo pipefail
cd "$(dirname "$0")/../.."
work="${1:-$(mktemp -d /tmp/admiral-build-bench.XXXXXX)}"
mkdir -p "$work"

measure() { # NAME SCRATCH ARGS...: runs swift build, prints "NAME wall cpu"
    local name="$1" scratch="$2"
    shift 2
    local times="$work/$name.time"
    /usr/bin/time -f "%e %U %S" -o "$times" swift build --scratch-path "$scratch" "$@" >"$work/$name.log" 2>&1
    read -r wall user system <"$times"
    printf '%s %s %s\n' "$name" "$wall" "$(echo "$user + $system" | bc)"
}

objects() { # SCRATCH PATTERN...: object files in the build folders matching the patterns
    local scratch="$1" total=0 n
    shift
    for pattern in "$@"; do
        n=$(find "$scratch"/*/debug -path "*/$pattern.build/*" -name '*.o' 2>/dev/null | wc -l)
        total=$((total + n))
    done
    echo "$total"
}

own=(AdmiralModel AdmiralScheduler AdmiralStore AdmiralControlPlane AdmiralAgent AdmiralLoadBalancer AdmiralAPI
    AWSWire DockerEngine admiral)

echo "== 1. first build of the admiral product (debug)" >&2
read -r _ full_wall full_cpu < <(measure full "$work/full" --product admiral)
all_objects=$(find "$work/full"/*/debug -name '*.o' | wc -l)
own_objects=$(objects "$work/full" "${own[@]}")

echo "== 2. Admiral's own modules on top of the built dependencies" >&2
for module in "${own[@]}"; do
    rm -rf "$work/full"/*/debug/"$module".build "$work/full"/*/debug/Modules/"$module".*
done
read -r _ own_wall own_cpu < <(measure own "$work/full" --product admiral)

echo "== 3. the two BoringSSL copies alone" >&2
read -r _ crypto_wall crypto_cpu < <(measure boringssl-crypto "$work/crypto" --target CCryptoBoringSSL)
read -r _ nio_wall nio_cpu < <(measure boringssl-nio "$work/nio" --target CNIOBoringSSL)
boring_objects=$(objects "$work/full" CCryptoBoringSSL CNIOBoringSSL)

share() { echo "scale=0; 100 * $1 / $full_cpu" | bc; }
printf '\n%-44s %8s %8s %7s %8s\n' "step" "wall s" "CPU s" "of CPU" "objects"
printf '%-44s %8.0f %8.0f %6s%% %8d\n' "first build of admiral (debug)" "$full_wall" "$full_cpu" 100 "$all_objects"
printf '%-44s %8.0f %8.0f %6s%% %8d\n' "Admiral's own modules" "$own_wall" "$own_cpu" "$(share "$own_cpu")" \
    "$own_objects"
printf '%-44s %8.0f %8.0f %6s%%\n' "BoringSSL of swift-crypto (CCryptoBoringSSL)" "$crypto_wall" "$crypto_cpu" \
    "$(share "$crypto_cpu")"
printf '%-44s %8.0f %8.0f %6s%%\n' "BoringSSL of swift-nio-ssl (CNIOBoringSSL)" "$nio_wall" "$nio_cpu" \
    "$(share "$nio_cpu")"
printf '%-44s %8s %8s %7s %8d\n' "  (both copies' object files)" "" "" "" "$boring_objects"
echo "logs in $work" >&2
