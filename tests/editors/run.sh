#!/usr/bin/env bash
# Tests of the VS Code extension (editors/vscode): installs its npm packages from the
# lock file, checks that extension.js parses and that every JSON file is valid, runs the
# client against a stand-in vscode API (extension.test.js), the TextMate grammar tests in
# tests/editors/grammar/*.flow with vscode-tmgrammar-test, and tokenizes examples/*.flow.
# Needs Node.js 20 or later and the npm registry. Exits non-zero on any failure.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
ext="$here/../../editors/vscode"
cd "$ext"

failed=0
check() { # NAME COMMAND...: runs one check and reports it
  local name="$1"; shift
  if "$@"; then echo "ok: $name"; passed=$((passed + 1)); else echo "FAILED: $name"; failed=$((failed + 1)); fi
}
passed=0

echo "== npm ci (editors/vscode)"
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error

echo "== extension and JSON files"
check "node --check extension.js" node --check extension.js
for f in package.json package-lock.json language-configuration.json snippets/*.json syntaxes/*.json; do
  check "valid JSON: $f" node -e 'JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))' "$f"
done
check "package.json names the grammar, language and server setting" node -e '
  const p = require("./package.json"), c = p.contributes;
  const ok = p.name === "flow-lang" && c.languages[0].id === "flow" && c.languages[0].extensions.includes(".flow")
    && c.grammars[0].scopeName === "source.flow" && require("./" + c.grammars[0].path).scopeName === "source.flow"
    && c.configuration.properties["flow.server.path"].default === "flowc"
    && require("fs").existsSync(p.main) && p.activationEvents.includes("onLanguage:flow");
  process.exit(ok ? 0 : 1);'
check "lock file fetches only from the npm registry" node -e '
  const lock = require("./package-lock.json");
  // No "resolved" means the configured npm registry; anything else must be its normal URL.
  const bad = Object.entries(lock.packages).filter(([k, v]) => k && !v.link && v.resolved !== undefined &&
    !v.resolved.startsWith("https://registry.npmjs.org/"));
  bad.forEach(([k, v]) => console.error("  " + k + ": " + v.resolved));
  process.exit(bad.length ? 1 : 0);'

check "extension starts and restarts flowc lsp (stand-in vscode API)" \
  node --test --test-reporter=dot "$here/extension.test.js"

echo "== grammar tests"
check "grammar tests (tests/editors/grammar)" \
  npx --no-install vscode-tmgrammar-test -g syntaxes/flow.tmLanguage.json "$here/grammar/*.flow"
check "examples/*.flow tokenize without invalid scopes" node scripts/check-examples.js ../../examples/*.flow

echo "editors: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
