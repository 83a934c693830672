#!/usr/bin/env bash
# Regenerates screenshot.png: renders examples/onboarding.flow with the grammar
# (scripts/render-screenshot.js) and photographs the page with headless Chromium
# (Debian: apt-get install -y chromium fonts-dejavu-core).
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
node scripts/render-screenshot.js ../../examples/onboarding.flow "$tmp/page.html"
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --hide-scrollbars --user-data-dir="$tmp/profile" \
  --screenshot="$PWD/screenshot.png" --window-size=980,860 "file://$tmp/page.html"
echo "wrote $PWD/screenshot.png"
