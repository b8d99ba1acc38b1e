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
import { previewEdit } from './preview';
import { Status } from './status';

// Settings only the extension uses; everything else under `lode.` is lode's
// own configuration and goes to the server unchanged.
const clientOnly = new Set(['path', 'serverArgs', 'trace', 'nextEdit']);

// serverSettings returns the `lode.*` settings the server understands, as
// one nested object keyed like lode's configuration file. Unset settings
// (null: none has a default) are left out, so that lode's files and
// environment stay in force.
// The API key is not a setting: it is kept in VS Code's secret storage
// (lode: Set API key) and added to the settings sent to lode.
export function serverSettings(apiKey?: string): Record<string, unknown> {
  const config = vscode.workspace.getConfiguration('lode');
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    const v = prune(value);
    if (typeof value !== 'function' && !clientOnly.has(key) && v !== undefined) {
      out[key] = v;
    }
  }
  if (apiKey) {
    out.api_key = apiKey;
  }
  return out;
}

// prune drops unset settings: null, and the empty string (the Settings
// UI's way of leaving a string unset).
function prune(value: unknown): unknown {
  if (value === null || value === undefined || value === '') {
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

// ServerStatus mirrors lode's lode/status notification (docs/protocol.md).
export interface ServerStatus {
  state: 'ready' | 'indexing' | 'working' | 'unreachable' | 'disabled';
  model: string;
  provider?: string;
  fallback?: string;
  detail?: string;
  inFlight: number;
  indexing?: { done: number; total: number };
  disabledLanguages?: string[];
}

export interface ClientSetup {
  channel: vscode.LogOutputChannel;
  command: string;
  // logFile receives lode's own log unless lode.serverArgs names one:
  // lode's stderr would reach the output channel as errors.
  logFile: string;
  apiKey: () => string | undefined;
  // enabled reports whether completion is on for a language.
  enabled: (languageId: string) => boolean;
}

export function createClient(setup: ClientSetup): LanguageClient {
  const config = vscode.workspace.getConfiguration('lode');
  const extra = config.get<string[]>('serverArgs', []);
  const logged = extra.some((a) => a === '--log' || a === '-log' || a.startsWith('--log=') || a.startsWith('-log='));
  const args = ['serve', ...(logged ? [] : ['--log', setup.logFile]), ...extra];
  const serverOptions: ServerOptions = {
    run: { command: setup.command, args },
    debug: { command: setup.command, args },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ scheme: 'file' }, { scheme: 'untitled' }],
    outputChannel: setup.channel,
    initializationOptions: serverSettings(setup.apiKey()),
    middleware: {
      // Turned off for the language: no request at all.
      provideInlineCompletionItems: (document, position, context, token, next) =>
        setup.enabled(document.languageId) ? next(document, position, context, token) : null,
      workspace: {
        // lode's edits (a fix, a rewrite) are shown as a diff first.
        handleApplyEdit: async (params) => {
          const c = clientRef;
          if (c === undefined) {
            return { applied: false, failureReason: 'the client is not running' };
          }
          const edit = await c.protocol2CodeConverter.asWorkspaceEdit(params.edit);
          if (!(await previewEdit(edit, `lode${params.label && params.label !== 'lode' ? `: ${params.label}` : ''}`))) {
            return { applied: false, failureReason: 'the fix was discarded' };
          }
          return { applied: await vscode.workspace.applyEdit(edit) };
        },
        // Answer workspace/configuration pulls for "lode" without the
        // client-only settings.
        configuration: async (params, token, next) => {
          const result = await next(params, token);
          if (!Array.isArray(result)) {
            return result;
          }
          return params.items.map((item, i) => (item.section === 'lode' ? serverSettings(setup.apiKey()) : result[i]));
        },
      },
    },
  };
  const client = new LanguageClient('lode', 'lode', serverOptions, clientOptions);
  clientRef = client;
  return client;
}

let clientRef: LanguageClient | undefined;

// watchState follows the client's state and lode/status in the status
// bar. Call it before the client starts: lode sends its first status as
// soon as the client has initialized.
export function watchState(client: LanguageClient, status: Status): vscode.Disposable[] {
  return [client.onNotification('lode/status', (p: ServerStatus) => status.update(p)), client.onDidChangeState((e) => {
    if (e.newState === State.Starting) {
      status.starting();
    } else if (e.newState === State.Running) {
      status.running(configuredModel());
    } else if (e.newState === State.Stopped) {
      status.failed('the language server stopped', true);
    }
  })];
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

// configuredModel is the model the settings name, shown until lode
// reports its status.
function configuredModel(): string {
  const config = vscode.workspace.getConfiguration('lode');
  return config.get<string>('model') || config.get<string>('provider') || '';
}
