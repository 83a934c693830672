#!/usr/bin/env bash
# Builds the parser fuzzer with clang (libFuzzer + ASan + UBSan) in a temporary directory
# and runs it for FUZZ_SECONDS (default 60), seeded from the examples, the golden tests and
# tests/fuzz/corpus. Exits non-zero when the fuzzer finds a crash, a hang or a leak.
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
seconds="${FUZZ_SECONDS:-60}"
work="$(mktemp -d "${TMPDIR:-/tmp}/flow-fuzz.XXXXXX")"
trap 'rm -rf "$work"' EXIT

clang++ -std=c++20 -g -O1 -fno-omit-frame-pointer \
  -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
  -I"$root" "$root"/grammar/*.cpp "$root/tests/fuzz/parse_fuzzer.cpp" -o "$work/parse_fuzzer"

mkdir -p "$work/corpus"
cp "$root"/tests/fuzz/corpus/* "$work/corpus/"
shopt -s nullglob globstar
for seed in "$root"/examples/*.flow "$root"/tests/golden/**/*.flow; do
  cp "$seed" "$work/corpus/$(echo "$seed" | md5sum | cut -c1-16).flow"
done

# Crash reproducers land in the current directory (libFuzzer's default).
"$work/parse_fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=16384 \
  -print_final_stats=1 "$work/corpus"
