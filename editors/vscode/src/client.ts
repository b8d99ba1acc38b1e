// Starting `lode serve` and wiring its notifications to the status bar.
import * as vscode from 'vscode';
import {
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  State,
  WorkDoneProgress,
  WorkDoneProgressCreateRequest,
  ShowMessageNotification,
  MessageType,
} from 'vscode-languageclient/node';
import { Status } from './status';

// Settings only the extension uses; everything else under `lode.` is lode's
// own configuration and goes to the server unchanged.
const clientOnly = new Set(['path', 'serverArgs', 'trace']);

// serverSettings returns the `lode.*` settings the server understands, as
// one nested object keyed like lode's configuration file. Unset settings
// (null: none has a default) are left out, so that lode's files and
// environment stay in force.
export function serverSettings(): Record<string, unknown> {
  const config = vscode.workspace.getConfiguration('lode');
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    const v = prune(value);
    if (typeof value !== 'function' && !clientOnly.has(key) && v !== undefined) {
      out[key] = v;
    }
  }
  return out;
}

function prune(value: unknown): unknown {
  if (value === null || value === undefined) {
    return undefined;
  }
  if (typeof value !== 'object' || Array.isArray(value)) {
    return value;
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const p = prune(v);
    if (p !== undefined) {
      out[k] = p;
    }
  }
  return Object.keys(out).length === 0 ? undefined : out;
}

export function createClient(channel: vscode.LogOutputChannel): LanguageClient {
  const config = vscode.workspace.getConfiguration('lode');
  const command = config.get<string>('path') || 'lode';
  const args = ['serve', ...config.get<string[]>('serverArgs', [])];
  const serverOptions: ServerOptions = {
    run: { command, args },
    debug: { command, args },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ scheme: 'file' }, { scheme: 'untitled' }],
    outputChannel: channel,
    initializationOptions: serverSettings(),
    middleware: {
      workspace: {
        // Answer workspace/configuration pulls for "lode" without the
        // client-only settings.
        configuration: async (params, token, next) => {
          const result = await next(params, token);
          if (!Array.isArray(result)) {
            return result;
          }
          return params.items.map((item, i) => (item.section === 'lode' ? serverSettings() : result[i]));
        },
      },
    },
  };
  return new LanguageClient('lode', 'lode', serverOptions, clientOptions);
}

// watchState follows the client's state in the status bar.
export function watchState(client: LanguageClient, status: Status): vscode.Disposable {
  return client.onDidChangeState((e) => {
    if (e.newState === State.Starting) {
      status.starting();
    } else if (e.newState === State.Running) {
      status.ready(modelName(client));
    } else if (e.newState === State.Stopped) {
      status.failed('the language server stopped', true);
    }
  });
}

// watchServer shows server progress and server errors in the status bar.
// Call it once the client has started: it replaces the client's default
// handlers, which the client installs while starting.
export function watchServer(client: LanguageClient, status: Status): vscode.Disposable[] {
  return [
    client.onRequest(WorkDoneProgressCreateRequest.type, ({ token }) => {
      const key = String(token);
      const sub = client.onProgress(WorkDoneProgress.type, token, (value) => {
        if (value.kind === 'end') {
          status.progress(key, undefined);
          sub.dispose();
          return;
        }
        const pct = value.percentage === undefined ? '' : ` ${value.percentage}%`;
        const title = value.kind === 'begin' ? value.title : undefined;
        status.progress(key, `${title ?? value.message ?? 'working'}${pct}`);
      });
    }),
    client.onNotification(ShowMessageNotification.type, (msg) => {
      switch (msg.type) {
        case MessageType.Error:
          status.failed(msg.message);
          void vscode.window.showErrorMessage(`lode: ${msg.message}`);
          break;
        case MessageType.Warning:
          void vscode.window.showWarningMessage(`lode: ${msg.message}`);
          break;
        default:
          void vscode.window.showInformationMessage(`lode: ${msg.message}`);
      }
    }),
  ];
}

// modelName is the model the server reports in its initialize result, else
// the configured one.
function modelName(client: LanguageClient): string {
  const result = client.initializeResult as
    | { serverInfo?: { name: string; version?: string }; capabilities?: { experimental?: { lode?: { model?: string } } } }
    | undefined;
  const reported = result?.capabilities?.experimental?.lode?.model;
  if (reported) {
    return reported;
  }
  return vscode.workspace.getConfiguration('lode').get<string>('model') ?? '';
}
