// The status bar item: which model answers, what the server is doing
// (indexing progress reported through $/progress), and the last error.
import * as vscode from 'vscode';

export class Status implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private model = '';
  private readonly tasks = new Map<string, string>();
  private error = '';
  private errorTimer: NodeJS.Timeout | undefined;

  constructor() {
    this.item = vscode.window.createStatusBarItem('lode.status', vscode.StatusBarAlignment.Right, 100);
    this.item.name = 'lode';
    this.item.command = 'lode.showOutput';
    this.starting();
    this.item.show();
  }

  starting(): void {
    this.error = '';
    clearTimeout(this.errorTimer);
    this.tasks.clear();
    this.item.text = '$(loading~spin) lode';
    this.item.tooltip = 'lode: starting the language server';
    this.item.backgroundColor = undefined;
  }

  ready(model: string): void {
    this.model = model;
    this.error = '';
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

  private render(): void {
    if (this.error !== '') {
      this.item.text = '$(error) lode';
      this.item.tooltip = `lode: ${this.error}\nClick to show the log.`;
      this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
      return;
    }
    this.item.backgroundColor = undefined;
    const model = this.model === '' ? 'lode' : `lode: ${this.model}`;
    const task = [...this.tasks.values()].pop();
    if (task !== undefined) {
      this.item.text = `$(sync~spin) ${model} (${task})`;
      this.item.tooltip = `lode is working: ${task}`;
      return;
    }
    this.item.text = `$(sparkle) ${model}`;
    this.item.tooltip = this.model === '' ? 'lode is running' : `lode is running; model ${this.model}`;
  }

  dispose(): void {
    clearTimeout(this.errorTimer);
    this.item.dispose();
  }
}
