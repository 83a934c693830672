// Smoke test of editors/vscode/extension.js with stand-ins for the `vscode` API and the
// language client: it must start `<flow.server.path> lsp` over stdio for flow documents
// and start it again with the new path when the setting changes.
'use strict';

const assert = require('node:assert');
const Module = require('node:module');
const path = require('node:path');
const test = require('node:test');

const settings = { 'server.path': 'flowc' };
const listeners = [];
const clients = [];

class FakeClient {
  constructor(id, name, serverOptions, clientOptions) {
    Object.assign(this, { id, name, serverOptions, clientOptions, started: false, stopped: false });
    clients.push(this);
  }
  async start() { this.started = true; }
  async stop() { this.stopped = true; }
}

const vscode = {
  workspace: {
    workspaceFolders: [{ uri: { fsPath: '/ws' } }],
    getConfiguration: (section) => ({ get: (key) => (section === 'flow' ? settings[key] : undefined) }),
    onDidChangeConfiguration: (listener) => { listeners.push(listener); return { dispose() {} }; },
    createFileSystemWatcher: (glob) => ({ glob, dispose() {} }),
  },
  window: { showErrorMessage: async () => undefined },
  commands: { registerCommand: (name, fn) => ({ name, fn, dispose() {} }), executeCommand: async () => {} },
};

const load = Module._load;
Module._load = function (request, parent, isMain) {
  if (request === 'vscode') return vscode;
  if (request === 'vscode-languageclient/node') return { LanguageClient: FakeClient, TransportKind: { stdio: 0 } };
  return load.call(this, request, parent, isMain);
};
const extension = require(path.join(__dirname, '..', '..', 'editors', 'vscode', 'extension.js'));

test('starts `flowc lsp` for flow documents and restarts when flow.server.path changes', async () => {
  const context = { subscriptions: [] };
  await extension.activate(context);
  assert.strictEqual(clients.length, 1);
  const first = clients[0];
  assert.ok(first.started);
  assert.strictEqual(first.id, 'flow');
  assert.deepStrictEqual(first.serverOptions.run, { command: 'flowc', args: ['lsp'], transport: 0 });
  assert.ok(first.clientOptions.documentSelector.some((s) => s.language === 'flow' && s.scheme === 'file'));
  assert.ok(context.subscriptions.some((s) => s.name === 'flow.restartServer'));

  settings['server.path'] = '${workspaceFolder}/build/flowc/flowc';
  listeners.forEach((l) => l({ affectsConfiguration: (s) => s === 'flow.server.path' }));
  listeners.forEach((l) => l({ affectsConfiguration: () => false })); // unrelated: no restart
  await extension.deactivate();
  assert.strictEqual(clients.length, 2);
  assert.ok(first.stopped);
  assert.strictEqual(clients[1].serverOptions.run.command, '/ws/build/flowc/flowc');
  assert.ok(clients[1].started && clients[1].stopped);
});
