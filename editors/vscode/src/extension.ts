// The lode extension: a thin client that starts `lode serve`, forwards the
// `lode.*` settings, and shows what lode answers. Inline completions (ghost
// text) come from vscode-languageclient's textDocument/inlineCompletion
// support; everything else is in commands.ts, views.ts and status.ts.
import * as vscode from 'vscode';
import { DidChangeConfigurationNotification, LanguageClient } from 'vscode-languageclient/node';
import { createClient, serverSettings, watchServer, watchState } from './client';
import { register } from './commands';
import { Status } from './status';

let client: LanguageClient | undefined;
let clientSubs: vscode.Disposable[] = [];

export async function activate(ctx: vscode.ExtensionContext): Promise<void> {
  const channel = vscode.window.createOutputChannel('lode', { log: true });
  const status = new Status();
  ctx.subscriptions.push(channel, status, ...register(() => client));
  ctx.subscriptions.push(
    vscode.commands.registerCommand('lode.showOutput', () => channel.show(true)),
    vscode.commands.registerCommand('lode.restart', () => restart(channel, status)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('lode.path') || e.affectsConfiguration('lode.serverArgs')) {
        void restart(channel, status);
      } else if (e.affectsConfiguration('lode') && client?.isRunning()) {
        void client.sendNotification(DidChangeConfigurationNotification.type, { settings: serverSettings() });
      }
    }),
    { dispose: () => void stop() },
  );
  await restart(channel, status);
}

export function deactivate(): Promise<void> {
  return stop();
}

async function restart(channel: vscode.LogOutputChannel, status: Status): Promise<void> {
  await stop();
  const c = createClient(channel);
  client = c;
  clientSubs = [watchState(c, status)];
  channel.info(`starting lode with settings ${JSON.stringify(serverSettings(), (k, v) => (k === 'api_key' ? '(set)' : v))}`);
  try {
    await c.start();
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    channel.error(`starting lode: ${msg}`);
    status.failed(`cannot start lode: ${msg}. Set lode.path to the lode executable.`, true);
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
