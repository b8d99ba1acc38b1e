// The status bar item: what lode reports in lode/status (the model, ready /
// indexing / working / unreachable / disabled), whether completion is on
// for the active editor's language, the editor's own progress reports and
// the last error. Clicking it opens lode's menu (toggle, API key, log).
import * as vscode from 'vscode';
import type { ServerStatus } from './client';

export class Status implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private model = '';
  private server: ServerStatus | undefined;
  private readonly tasks = new Map<string, string>();
  private error = '';
  private errorTimer: NodeJS.Timeout | undefined;
  private readonly subs: vscode.Disposable[];

  // enabled reports whether completion is on for a language (the
  // extension's toggle); source says where the server was found.
  constructor(private readonly enabled: (languageId: string) => boolean, private source = '') {
    this.item = vscode.window.createStatusBarItem('lode.status', vscode.StatusBarAlignment.Right, 100);
    this.item.name = 'lode';
    this.item.command = 'lode.menu';
    this.subs = [
      vscode.window.onDidChangeActiveTextEditor(() => this.render()),
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('lode.completion') && this.render()),
    ];
    this.starting();
    this.item.show();
  }

  starting(source = this.source): void {
    this.source = source;
    this.error = '';
    this.server = undefined;
    clearTimeout(this.errorTimer);
    this.tasks.clear();
    this.item.text = '$(loading~spin) lode';
    this.item.tooltip = 'lode: starting the language server';
    this.item.backgroundColor = undefined;
  }

  // running: the client has started; the model is the configured one
  // until lode reports its status.
  running(model: string): void {
    this.model = model;
    this.error = '';
    this.render();
  }

  update(s: ServerStatus): void {
    this.server = s;
    this.render();
  }

  progress(token: string, message: string | undefined): void {
    if (message === undefined) {
      this.tasks.delete(token);
    } else {
      this.tasks.set(token, message);
    }
    this.render();
  }

  // failed shows an error: until the client restarts when sticky (the
  // server is gone), else for a minute (a model call failed).
  failed(message: string, sticky = false): void {
    this.error = message;
    clearTimeout(this.errorTimer);
    if (!sticky) {
      this.errorTimer = setTimeout(() => {
        this.error = '';
        this.render();
      }, 60_000);
    }
    this.render();
  }

  private language(): string | undefined {
    return vscode.window.activeTextEditor?.document.languageId;
  }

  render(): void {
    if (this.error !== '') {
      this.item.text = '$(error) lode';
      this.item.tooltip = `lode: ${this.error}\nClick for lode's menu.`;
      this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
      return;
    }
    const [text, tooltip, warn] = this.describe();
    this.item.text = text;
    this.item.tooltip = `${tooltip}${this.source ? `\nServer: ${this.source}` : ''}\nClick for lode's menu.`;
    this.item.backgroundColor = warn ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
  }

  // describe returns the item's text, its tooltip, and whether it warns.
  private describe(): [string, string, boolean] {
    const s = this.server;
    const model = s?.model || this.model;
    const name = model === '' ? 'lode' : `lode: ${model}`;
    const lang = this.language();
    if (s?.state === 'disabled' || !this.enabled('')) {
      return ['$(circle-slash) lode: off', 'lode: completion is turned off', false];
    }
    if (lang !== undefined && (!this.enabled(lang) || s?.disabledLanguages?.includes(lang))) {
      return [`$(circle-slash) lode: off for ${lang}`, `lode: completion is turned off for ${lang}`, false];
    }
    if (s?.state === 'unreachable') {
      const using = s.fallback ? `, using ${s.fallback}` : '';
      return [`$(warning) ${name} unreachable${using}`, `lode: ${model} is unreachable${using}${s.detail ? ` (${s.detail})` : ''}`, true];
    }
    const task = [...this.tasks.values()].pop();
    if (s?.state === 'working') {
      return [`$(loading~spin) ${name}`, `lode is completing with ${model}`, false];
    }
    if (s?.indexing !== undefined) {
      const { done, total } = s.indexing;
      const pct = total > 0 ? Math.floor((done * 100) / total) : 0;
      return [`$(sync~spin) ${name} (indexing ${pct}%)`, `lode is indexing the workspace: ${done}/${total} files`, false];
    }
    if (task !== undefined) {
      return [`$(sync~spin) ${name} (${task})`, `lode is working: ${task}`, false];
    }
    return [`$(sparkle) ${name}`, model === '' ? 'lode is running' : `lode is running; model ${model}`, false];
  }

  dispose(): void {
    clearTimeout(this.errorTimer);
    this.subs.forEach((d) => d.dispose());
    this.item.dispose();
  }
}
