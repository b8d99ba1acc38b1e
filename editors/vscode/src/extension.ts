// The lode extension: a thin client that starts `lode serve`, forwards the
// `lode.*` settings (and the API key from VS Code's secret storage), and
// shows what lode answers. Inline completions (ghost text) come from
// vscode-languageclient's textDocument/inlineCompletion support;
// next-edit suggestions are in nextEdit.ts; everything else is in
// commands.ts, views.ts, status.ts and toggle.ts.
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { DidChangeConfigurationNotification, LanguageClient } from 'vscode-languageclient/node';
import { createClient, serverSettings, watchServer, watchState } from './client';
import { register } from './commands';
import { NextEdits } from './nextEdit';
import { registerPreview } from './preview';
import { resolveServer } from './server';
import { Status } from './status';
import { enabled, menu, toggleGlobal, toggleLanguage } from './toggle';

let client: LanguageClient | undefined;
let clientSubs: vscode.Disposable[] = [];
let apiKey: string | undefined;

const secretKey = 'lode.api_key';

export async function activate(ctx: vscode.ExtensionContext): Promise<void> {
  const channel = vscode.window.createOutputChannel('lode', { log: true });
  const status = new Status(enabled);
  apiKey = await ctx.secrets.get(secretKey);
  const sendSettings = () => {
    if (client?.isRunning()) {
      void client.sendNotification(DidChangeConfigurationNotification.type, { settings: serverSettings(apiKey) });
    }
  };
  ctx.subscriptions.push(channel, status, registerPreview(), ...register(() => client), new NextEdits(() => client, channel));
  ctx.subscriptions.push(
    vscode.commands.registerCommand('lode.showOutput', () => channel.show(true)),
    vscode.commands.registerCommand('lode.restart', () => restart(ctx, channel, status)),
    vscode.commands.registerCommand('lode.menu', menu),
    vscode.commands.registerCommand('lode.toggle', toggleGlobal),
    vscode.commands.registerCommand('lode.toggleLanguage', () => toggleLanguage(vscode.window.activeTextEditor?.document.languageId)),
    vscode.commands.registerCommand('lode.trigger', () => vscode.commands.executeCommand('editor.action.inlineSuggest.trigger')),
    vscode.commands.registerCommand('lode.setApiKey', () => setApiKey(ctx)),
    ctx.secrets.onDidChange(async (e) => {
      if (e.key === secretKey) {
        apiKey = await ctx.secrets.get(secretKey);
        sendSettings();
      }
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('lode.path') || e.affectsConfiguration('lode.serverArgs')) {
        void restart(ctx, channel, status);
      } else if (e.affectsConfiguration('lode')) {
        sendSettings();
      }
    }),
    { dispose: () => void stop() },
  );
  await restart(ctx, channel, status);
}

export function deactivate(): Promise<void> {
  return stop();
}

async function setApiKey(ctx: vscode.ExtensionContext): Promise<void> {
  const key = await vscode.window.showInputBox({
    title: 'lode: Set API key',
    prompt: "The model server's API key, kept in VS Code's secret storage (empty removes it).",
    password: true,
    ignoreFocusOut: true,
  });
  if (key === undefined) {
    return;
  }
  if (key === '') {
    await ctx.secrets.delete(secretKey);
  } else {
    await ctx.secrets.store(secretKey, key);
  }
}

async function restart(ctx: vscode.ExtensionContext, channel: vscode.LogOutputChannel, status: Status): Promise<void> {
  await stop();
  const found = resolveServer(vscode.workspace.getConfiguration('lode').get<string>('path') ?? '', ctx.extensionPath, process.env.PATH);
  if (found instanceof Error) {
    channel.error(found.message);
    status.failed(found.message, true);
    return;
  }
  status.starting(`${found.command} (${found.source})`);
  fs.mkdirSync(ctx.logUri.fsPath, { recursive: true });
  const c = createClient({
    channel,
    command: found.command,
    logFile: path.join(ctx.logUri.fsPath, 'lode-serve.log'),
    apiKey: () => apiKey,
    enabled,
  });
  client = c;
  clientSubs = watchState(c, status);
  channel.info(`starting ${found.command} (from ${found.source}) with settings ${JSON.stringify(serverSettings(apiKey), (k, v) => (k === 'api_key' ? '(set)' : v))}`);
  try {
    await c.start();
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    channel.error(`starting lode: ${msg}`);
    status.failed(`cannot start ${found.command}: ${msg}`, true);
    return;
  }
  clientSubs.push(...watchServer(c, status));
}

async function stop(): Promise<void> {
  const c = client;
  client = undefined;
  clientSubs.forEach((d) => d.dispose());
  clientSubs = [];
  if (c !== undefined && c.isRunning()) {
    await c.stop();
  }
}
