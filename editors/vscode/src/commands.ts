// The commands Explain, Suggest fix and Show context: each sends one
// request to lode and shows or applies the answer. No logic of their own.
import * as vscode from 'vscode';
import { LanguageClient, CodeActionRequest, CodeActionResolveRequest, ExecuteCommandRequest } from 'vscode-languageclient/node';
import * as lsp from 'vscode-languageclient/node';
import { previewEdit } from './preview';
import { show, bundleMarkdown, Bundle } from './views';

type ClientRef = () => LanguageClient | undefined;

export function register(client: ClientRef): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('lode.explainSelection', () => run(client, explain)),
    vscode.commands.registerCommand('lode.suggestFix', () => run(client, suggest)),
    vscode.commands.registerCommand('lode.showContext', () => run(client, context)),
  ];
}

async function run(ref: ClientRef, f: (c: LanguageClient, e: vscode.TextEditor) => Promise<void>): Promise<void> {
  const client = ref();
  const editor = vscode.window.activeTextEditor;
  if (client === undefined || !client.isRunning()) {
    void vscode.window.showErrorMessage('lode: the language server is not running.');
    return;
  }
  if (editor === undefined) {
    void vscode.window.showErrorMessage('lode: open a file first.');
    return;
  }
  try {
    await f(client, editor);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    void vscode.window.showErrorMessage(`lode: ${msg}`);
  }
}

// ExplainResult is the answer to lode/explain (lsp/server/explain.go).
interface ExplainResult {
  markdown: string;
  title?: string;
}

async function explain(client: LanguageClient, editor: vscode.TextEditor): Promise<void> {
  const c2p = client.code2ProtocolConverter;
  const params = {
    textDocument: { uri: c2p.asUri(editor.document.uri) },
    range: c2p.asRange(editor.selection),
    position: c2p.asPosition(editor.selection.active),
  };
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: 'lode: explaining' },
    () => client.sendRequest<ExplainResult | null>('lode/explain', params),
  );
  if (!result?.markdown) {
    void vscode.window.showInformationMessage('lode: no explanation for this code.');
    return;
  }
  const title = result.title ? `lode: ${result.title}` : 'lode: Explain';
  await show('explain', title, result.markdown);
}

// suggest offers lode's fixes for the diagnostics in the selection (an
// edit lode computes when the action is resolved), or a rewrite of the
// selection following an instruction the user types.
async function suggest(client: LanguageClient, editor: vscode.TextEditor): Promise<void> {
  const c2p = client.code2ProtocolConverter;
  const range = editor.selection;
  const line = editor.document.lineAt(range.active.line).range;
  const diagnostics = vscode.languages.getDiagnostics(editor.document.uri).filter((d) => d.range.intersection(range.isEmpty ? line : range));
  const params: lsp.CodeActionParams = {
    textDocument: { uri: c2p.asUri(editor.document.uri) },
    range: c2p.asRange(range),
    context: {
      diagnostics: await c2p.asDiagnostics(diagnostics),
      only: [lsp.CodeActionKind.QuickFix, lsp.CodeActionKind.RefactorRewrite],
      triggerKind: lsp.CodeActionTriggerKind.Invoked,
    },
  };
  const result = await client.sendRequest(CodeActionRequest.type, params);
  const actions = (result ?? []).filter((a): a is lsp.CodeAction => typeof a.command !== 'string');
  if (actions.length === 0) {
    void vscode.window.showInformationMessage('lode: nothing to fix here. Select code to rewrite it.');
    return;
  }
  let action = actions[0];
  if (actions.length > 1) {
    const pick = await vscode.window.showQuickPick(actions.map((a) => ({ label: a.title, action: a })), { title: 'lode: Suggest fix' });
    if (pick === undefined) {
      return;
    }
    action = pick.action;
  }
  await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `lode: ${action.title}` }, () => apply(client, action));
}

async function apply(client: LanguageClient, action: lsp.CodeAction): Promise<void> {
  if (action.edit === undefined && action.data !== undefined) {
    action = await client.sendRequest(CodeActionResolveRequest.type, action);
    if (action.edit === undefined && action.command === undefined) {
      return; // lode has shown why
    }
  }
  if (action.edit !== undefined) {
    const edit = await client.protocol2CodeConverter.asWorkspaceEdit(action.edit);
    if (!(await previewEdit(edit, `lode: ${action.title}`))) {
      return;
    }
    if (!(await vscode.workspace.applyEdit(edit))) {
      throw new Error('the editor refused the edit');
    }
  }
  const command = action.command;
  if (command === undefined) {
    return;
  }
  const args = command.arguments ?? [];
  if (action.kind === lsp.CodeActionKind.RefactorRewrite && typeof args[0] === 'object' && args[0] !== null) {
    const instruction = await vscode.window.showInputBox({ title: 'lode: Rewrite the selection', prompt: 'How should lode change it?' });
    if (!instruction) {
      return;
    }
    args[0] = { ...args[0], instruction };
  }
  await client.sendRequest(ExecuteCommandRequest.type, { command: command.command, arguments: args });
}

async function context(client: LanguageClient, editor: vscode.TextEditor): Promise<void> {
  const params = {
    textDocument: { uri: client.code2ProtocolConverter.asUri(editor.document.uri) },
    position: client.code2ProtocolConverter.asPosition(editor.selection.active),
  };
  const bundle = await client.sendRequest<Bundle | null>('lode/context', params);
  if (bundle === null) {
    void vscode.window.showInformationMessage('lode: no context for this position.');
    return;
  }
  const root = vscode.workspace.getWorkspaceFolder(editor.document.uri)?.uri.fsPath;
  await show('context', 'lode: Context', bundleMarkdown(bundle, root));
}
