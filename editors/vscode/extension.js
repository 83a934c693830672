// The Flow extension's client: runs `<flow.server.path> lsp` (LSP 3.17 over stdio) for
// .flow files and restarts it when the setting changes. Plain JavaScript: no build step.
'use strict';

const os = require('os');
const path = require('path');
const vscode = require('vscode');
const { LanguageClient, TransportKind } = require('vscode-languageclient/node');

const SECTION = 'flow';
let client;
let pending = Promise.resolve(); // starts and stops, one at a time

// The configured flowc, with `~` and `${workspaceFolder}` expanded.
function serverCommand() {
  let command = vscode.workspace.getConfiguration(SECTION).get('server.path') || 'flowc';
  const folder = vscode.workspace.workspaceFolders && vscode.workspace.workspaceFolders[0];
  if (folder) command = command.replace(/\$\{workspaceFolder\}/g, folder.uri.fsPath);
  if (command === '~' || command.startsWith('~/')) command = path.join(os.homedir(), command.slice(1));
  return command;
}

async function start(context) {
  const command = serverCommand();
  const executable = { command, args: ['lsp'], transport: TransportKind.stdio };
  const serverOptions = { run: executable, debug: executable };
  const clientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'flow' },
      { scheme: 'untitled', language: 'flow' },
    ],
    synchronize: {
      // Templates may load their bodies from files next to the .flow file.
      fileEvents: vscode.workspace.createFileSystemWatcher('**/*.{flow,html,txt}'),
    },
  };
  client = new LanguageClient(SECTION, 'Flow Language Server', serverOptions, clientOptions);
  try {
    await client.start();
  } catch (err) {
    const choice = await vscode.window.showErrorMessage(
      `Flow: could not start the language server \`${command} lsp\` (${err && err.message ? err.message : err}). ` +
        'Set "flow.server.path" to the flowc executable.',
      'Open Settings'
    );
    if (choice === 'Open Settings') {
      vscode.commands.executeCommand('workbench.action.openSettings', 'flow.server.path');
    }
  }
}

async function stop() {
  const old = client;
  client = undefined;
  if (old) {
    try {
      await old.stop(2000);
    } catch (_) {
      // A server that never started, or already died, has nothing to stop.
    }
  }
}

function restart(context) {
  pending = pending.then(stop).then(() => start(context));
  return pending;
}

function activate(context) {
  context.subscriptions.push(
    vscode.commands.registerCommand('flow.restartServer', () => restart(context)),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('flow.server.path')) restart(context);
    }),
    { dispose: () => stop() }
  );
  return restart(context);
}

function deactivate() {
  pending = pending.then(stop);
  return pending;
}

module.exports = { activate, deactivate };
