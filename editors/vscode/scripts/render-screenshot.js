#!/usr/bin/env node
// Renders a .flow file to HTML the way VS Code would colour it: the extension's TextMate
// grammar (vscode-textmate + vscode-oniguruma, the engine VS Code uses) and a Dark+-like
// theme, with one diagnostic drawn as a squiggle and a hover. scripts/screenshot.sh turns
// the HTML into screenshot.png with headless Chromium.
//
//   node scripts/render-screenshot.js [FILE.flow] [OUT.html]
'use strict';

const fs = require('fs');
const path = require('path');
const { loadGrammar, INITIAL } = require('./grammar');

const root = path.join(__dirname, '..');
const input = process.argv[2] || path.join(root, '..', '..', 'examples', 'onboarding.flow');
const output = process.argv[3] || path.join(root, 'screenshot.html');

// A typo to report, as `flowc check` would: the file says `send getting_started_nuge`.
const diagnostic = {
  find: 'send getting_started_nudge',
  replace: 'send getting_started_nuge',
  word: 'getting_started_nuge',
  severity: 'error',
  code: 'unknown-template',
  message: 'unknown template `getting_started_nuge`; did you mean `getting_started_nudge`?',
};

// Dark+ colours for the scopes the Flow grammar produces.
const theme = {
  name: 'flow-dark',
  settings: [
    { settings: { foreground: '#D4D4D4', background: '#1E1E1E' } },
    { scope: 'comment', settings: { foreground: '#6A9955' } },
    { scope: 'string', settings: { foreground: '#CE9178' } },
    { scope: 'entity.name.event', settings: { foreground: '#CE9178', fontStyle: 'italic' } },
    { scope: 'constant.character.escape', settings: { foreground: '#D7BA7D' } },
    { scope: 'punctuation.section.interpolation', settings: { foreground: '#569CD6' } },
    { scope: 'meta.embedded', settings: { foreground: '#D4D4D4' } },
    { scope: ['constant.numeric', 'keyword.other.unit'], settings: { foreground: '#B5CEA8' } },
    { scope: 'constant.language', settings: { foreground: '#569CD6' } },
    { scope: ['constant.language.template-type', 'constant.language.reentry', 'support.constant'],
      settings: { foreground: '#4FC1FF' } },
    { scope: ['keyword', 'storage.type', 'keyword.operator.logical'], settings: { foreground: '#569CD6' } },
    { scope: 'keyword.control', settings: { foreground: '#C586C0' } },
    { scope: ['keyword.operator', 'punctuation'], settings: { foreground: '#D4D4D4' } },
    { scope: 'keyword.operator.logical', settings: { foreground: '#569CD6' } },
    { scope: 'entity.name.type', settings: { foreground: '#4EC9B0' } },
    { scope: ['entity.name.function', 'support.function'], settings: { foreground: '#DCDCAA' } },
    { scope: 'entity.name.label', settings: { foreground: '#4FC1FF' } },
    { scope: 'variable', settings: { foreground: '#9CDCFE' } },
    { scope: 'variable.language', settings: { foreground: '#569CD6' } },
    { scope: 'invalid', settings: { foreground: '#F44747' } },
  ],
};

const escapeHtml = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

async function main() {
  const { registry, grammar } = await loadGrammar(theme);
  const colors = registry.getColorMap();
  let text = fs.readFileSync(input, 'utf8');
  if (!text.includes(diagnostic.find)) throw new Error(`${input} has no "${diagnostic.find}"`);
  text = text.replace(diagnostic.find, diagnostic.replace);
  const lines = text.replace(/\n$/, '').split('\n');

  let state = INITIAL;
  let diagLine = -1;
  let diagColumn = -1;
  const rows = lines.map((line, i) => {
    const result = grammar.tokenizeLine2(line, state);
    state = result.ruleStack;
    const t = result.tokens; // pairs: start offset, metadata
    const squiggleAt = line.indexOf(diagnostic.replace) >= 0 ? line.indexOf(diagnostic.word) : -1;
    if (squiggleAt >= 0) [diagLine, diagColumn] = [i, squiggleAt];
    let html = '';
    for (let k = 0; k < t.length; k += 2) {
      const start = t[k];
      const end = k + 2 < t.length ? t[k + 2] : line.length;
      const meta = t[k + 1];
      const fg = colors[(meta & 0xff8000) >>> 15];
      const italic = ((meta >>> 11) & 0xf) & 1 ? 'font-style:italic;' : '';
      const piece = line.slice(start, end);
      if (squiggleAt >= start && squiggleAt < end) {
        // Split the token around the reported word and draw the squiggle under it.
        const a = squiggleAt - start;
        const b = a + diagnostic.word.length;
        html += `<span style="color:${fg};${italic}">${escapeHtml(piece.slice(0, a))}` +
          `<span class="squiggle">${escapeHtml(piece.slice(a, b))}</span>${escapeHtml(piece.slice(b))}</span>`;
      } else {
        html += `<span style="color:${fg};${italic}">${escapeHtml(piece)}</span>`;
      }
    }
    return { html, line: i + 1 };
  });

  const name = path.basename(input);
  const where = `${name}:${diagLine + 1}:${diagColumn + 1}`; // flowc check's position
  const hover =
    `<div class="hover"><span class="msg">${escapeHtml(diagnostic.message).replace(/`([^`]*)`/g, '<code>$1</code>')}</span>` +
    `<span class="src">flowc(${diagnostic.code})</span></div>`;
  const body = rows
    .map((r) => `<div class="row"><span class="ln${r.line === diagLine + 1 ? ' cur' : ''}">${r.line}</span>` +
      `<span class="code">${r.html || ' '}</span></div>`)
    .join('\n');

  const page = `<!doctype html>
<html><head><meta charset="utf-8"><title>${escapeHtml(name)}</title><style>
  body { margin: 0; background: #1e1e1e; font-family: "DejaVu Sans", sans-serif; }
  .tabs { background: #252526; height: 35px; display: flex; }
  .tab { background: #1e1e1e; color: #fff; font-size: 13px; padding: 9px 16px; border-top: 1px solid #0078d4; }
  .tab .err { color: #f14c4c; margin-left: 8px; }
  .editor { position: relative; padding: 6px 0 12px; font-family: "DejaVu Sans Mono", monospace; font-size: 14px; }
  .row { height: 19px; line-height: 19px; white-space: pre; }
  .ln { display: inline-block; width: 44px; padding-right: 20px; text-align: right; color: #6e7681; }
  .ln.cur { color: #cccccc; }
  .wave { position: absolute; height: 4px; background: url("data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='6' height='4'%3E%3Cpath d='M0 3.5 L1.5 0.5 L3 3.5 L4.5 0.5 L6 3.5' fill='none' stroke='%23f14c4c' stroke-width='1.2'/%3E%3C/svg%3E") repeat-x; }
  .hover { position: absolute; background: #252526; border: 1px solid #454545; color: #cccccc;
           font-family: "DejaVu Sans", sans-serif; font-size: 13px; box-shadow: 0 2px 8px #000a; }
  .hover { padding: 5px 10px; white-space: nowrap; }
  .hover code { font-family: "DejaVu Sans Mono", monospace; color: #d7ba7d; }
  .hover .src { margin-left: 12px; color: #9d9d9d; }
  .status { position: fixed; bottom: 0; left: 0; right: 0; height: 22px; background: #007acc; color: #fff;
            font-size: 12px; line-height: 22px; padding: 0 10px; }
</style></head><body>
<div class="tabs"><div class="tab">${escapeHtml(name)}<span class="err">1</span></div></div>
<div class="editor">
${body}
${hover}
</div>
<script>
  // Draw the squiggle under the reported word and the hover below it, as VS Code does.
  const word = document.querySelector('.squiggle').getBoundingClientRect();
  const editor = document.querySelector('.editor');
  const box = editor.getBoundingClientRect();
  const wave = document.createElement('div');
  wave.className = 'wave';
  Object.assign(wave.style, { left: word.left - box.left + 'px', top: word.bottom - box.top + 2 + 'px', width: word.width + 'px' });
  editor.appendChild(wave);
  const hover = document.querySelector('.hover');
  hover.style.left = word.left - box.left + 'px';
  hover.style.top = word.bottom - box.top + 7 + 'px';
</script>
<div class="status">⊗ 1 &nbsp; ⚠ 0 &nbsp;&nbsp;&nbsp; Flow &nbsp;·&nbsp; flowc lsp</div>
</body></html>
`;
  fs.writeFileSync(output, page);
  console.log(`wrote ${output} (${lines.length} lines, diagnostic at ${where})`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
