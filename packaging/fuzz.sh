#!/usr/bin/env bash
# fuzz.sh [SECONDS] [TARGET...]: build the libFuzzer targets with clang (ASan + UBSan) in build-fuzz/ and run each
# for SECONDS (default 60), seeded with the real fixtures and conformance snapshots, the kubeconfigs among the fixtures,
# and the hand-written seeds in tests/fuzz/seeds/<target>/. Reproducers of crashes, hangs and OOMs land in
# build-fuzz/crashes/<target>/; fix them and move them to tests/data/fuzz-regressions/<target>/.
# RBX_FUZZ_BUILD_DIR picks another build folder (absolute, or relative to the source tree).
# Needs clang and libclang-rt-14-dev (Debian): apt-get install clang libclang-rt-14-dev.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
targets=("$@")
((${#targets[@]})) || targets=(yaml json review token kubeconfig execcredential clusterjson)
build=${RBX_FUZZ_BUILD_DIR:-build-fuzz}
CC=clang CXX=clang++ cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRBX_FUZZ=ON \
  -DBUILD_TESTING=OFF >/dev/null
cmake --build "$build" --target "${targets[@]/#/fuzz_}" >/dev/null
status=0
for t in "${targets[@]}"; do
  corpus=$build/corpus/$t
  crashes=$build/crashes/$t
  mkdir -p "$corpus" "$crashes"
  seed() { # copy files under unique names
    local i=0 f
    while IFS= read -r f; do cp "$f" "$corpus/seed-$((i++))"; done
  }
  case $t in
    yaml) find tests/data/fixtures tests/data/conformance resources/demo -name '*.yaml' -size -200k | seed ;;
    json) find tests/data/fixtures tests/data/conformance -name '*.json' -size -200k | seed ;;
    review) head -q -n 40 tests/data/conformance/*/reviews.jsonl | python3 -c '
import json, sys, os
for i, l in enumerate(sys.stdin):
    open(os.path.join(sys.argv[1], "r%03d" % i), "w").write(json.dumps(json.loads(l)["review"]))' "$corpus" ;;
    token) printf 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln' > "$corpus/jwt" ;;
    kubeconfig) grep -rlx 'kind: Config' tests/data/fixtures | seed ;;
  esac
  [[ -d tests/fuzz/seeds/$t ]] && cp tests/fuzz/seeds/$t/* "$corpus/"
  [[ -d tests/data/fuzz-regressions/$t ]] && cp tests/data/fuzz-regressions/$t/* "$corpus/" 2>/dev/null || true
  echo "== fuzz_$t for ${seconds}s"
  if ! ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
      "$build/tests/fuzz/fuzz_$t" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
      -artifact_prefix="$crashes/" "$corpus" >"$build/fuzz_$t.log" 2>&1; then
    status=1
  fi
  tail -n 3 "$build/fuzz_$t.log"
  n=$(find "$crashes" -type f | wc -l)
  echo "fuzz_$t: $n reproducer(s) in $crashes"
  ((n == 0)) || status=1
done
exit $status
