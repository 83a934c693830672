// Loads syntaxes/flow.tmLanguage.json with vscode-textmate and vscode-oniguruma, the
// engine VS Code itself uses. Shared by the scripts in this folder.
'use strict';

const fs = require('fs');
const path = require('path');
const vsctm = require('vscode-textmate');
const oniguruma = require('vscode-oniguruma');

const grammarFile = path.join(__dirname, '..', 'syntaxes', 'flow.tmLanguage.json');

// Returns { registry, grammar } for source.flow; `theme` (optional) is an IRawTheme.
async function loadGrammar(theme) {
  const wasm = fs.readFileSync(path.join(path.dirname(require.resolve('vscode-oniguruma')), 'onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scopeName) =>
      scopeName === 'source.flow' ? vsctm.parseRawGrammar(fs.readFileSync(grammarFile, 'utf8'), grammarFile) : null,
    theme,
  });
  return { registry, grammar: await registry.loadGrammar('source.flow') };
}

module.exports = { loadGrammar, INITIAL: vsctm.INITIAL };
