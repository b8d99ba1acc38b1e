// Turning completion on and off, for every language or for one, from the
// status item's menu or the lode: Toggle commands. The state is lode's own
// settings (completion.enabled, completion.disabled_languages) in the user
// settings, so that lode stops calling the model too; the extension also
// stops asking for inline completions in a language turned off.
import * as vscode from 'vscode';

function config(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration('lode');
}

function disabledLanguages(): string[] {
  return config().get<string[] | null>('completion.disabled_languages') ?? [];
}

// enabled reports whether completion is on for languageId ('' asks about
// the global switch only).
export function enabled(languageId: string): boolean {
  if (config().get<boolean | null>('completion.enabled') === false) {
    return false;
  }
  return languageId === '' || !disabledLanguages().includes(languageId);
}

export async function toggleGlobal(): Promise<void> {
  await config().update('completion.enabled', enabled('') ? false : undefined, vscode.ConfigurationTarget.Global);
}

export async function toggleLanguage(languageId: string | undefined): Promise<void> {
  if (languageId === undefined) {
    void vscode.window.showInformationMessage('lode: open a file to turn completion on or off for its language.');
    return;
  }
  const list = disabledLanguages().filter((l) => l !== languageId);
  if (list.length === disabledLanguages().length) {
    list.push(languageId);
  }
  await config().update('completion.disabled_languages', list.length === 0 ? undefined : list, vscode.ConfigurationTarget.Global);
}

// menu is what clicking the status item opens.
export async function menu(): Promise<void> {
  const lang = vscode.window.activeTextEditor?.document.languageId;
  const items: (vscode.QuickPickItem & { command: string; args?: unknown[] })[] = [
    { label: enabled('') ? '$(circle-slash) Turn completion off' : '$(check) Turn completion on', command: 'lode.toggle' },
  ];
  if (lang !== undefined && enabled('')) {
    items.push({
      label: enabled(lang) ? `$(circle-slash) Turn completion off for ${lang}` : `$(check) Turn completion on for ${lang}`,
      command: 'lode.toggleLanguage',
    });
  }
  items.push(
    { label: '$(key) Set API key', command: 'lode.setApiKey' },
    { label: '$(output) Show output', command: 'lode.showOutput' },
    { label: '$(debug-restart) Restart server', command: 'lode.restart' },
    { label: '$(gear) Settings', command: 'workbench.action.openSettings', args: ['@ext:lode-ls.lode'] },
  );
  const pick = await vscode.window.showQuickPick(items, { title: 'lode' });
  if (pick !== undefined) {
    await vscode.commands.executeCommand(pick.command, ...(pick.args ?? []));
  }
}
