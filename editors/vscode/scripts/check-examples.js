#!/usr/bin/env node
// Tokenizes real .flow files with the grammar and fails if any token is scoped `invalid`
// or a file ends inside a string, hole or comment (an unbalanced begin/end rule).
//
//   node scripts/check-examples.js FILE.flow...
'use strict';

const fs = require('fs');
const { loadGrammar, INITIAL } = require('./grammar');

async function main(files) {
  const { grammar } = await loadGrammar();
  let problems = 0;
  for (const file of files) {
    let state = INITIAL;
    fs.readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
      const result = grammar.tokenizeLine(line, state);
      state = result.ruleStack;
      for (const token of result.tokens) {
        if (token.scopes.some((scope) => scope.startsWith('invalid'))) {
          console.error(`${file}:${i + 1}:${token.startIndex + 1}: ${token.scopes.join(' ')}`);
          problems++;
        }
      }
    });
    if (state.depth !== 1) {
      console.error(`${file}: ends inside ${state.depth - 1} open rule(s)`);
      problems++;
    }
  }
  console.log(`${files.length} file(s) tokenized, ${problems} problem(s)`);
  process.exit(problems ? 1 : 0);
}

main(process.argv.slice(2)).catch((err) => {
  console.error(err);
  process.exit(1);
});
