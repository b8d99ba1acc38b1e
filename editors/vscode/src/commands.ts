// The commands Explain, Suggest fix and Show context: each sends one
// request to lode and shows or applies the answer. No logic of their own.
import * as vscode from 'vscode';
import { LanguageClient, CodeActionRequest, CodeActionResolveRequest } from 'vscode-languageclient/node';
import * as lsp from 'vscode-languageclient/node';
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

// ExplainResult is the answer to lode/explain.
interface ExplainResult {
  markdown?: string;
  text?: string;
  explanation?: string;
}

async function explain(client: LanguageClient, editor: vscode.TextEditor): Promise<void> {
  const params = {
    textDocument: { uri: client.code2ProtocolConverter.asUri(editor.document.uri) },
    range: client.code2ProtocolConverter.asRange(editor.selection),
    position: client.code2ProtocolConverter.asPosition(editor.selection.active),
  };
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: 'lode: explaining' },
    () => client.sendRequest<ExplainResult | string | null>('lode/explain', params),
  );
  const text = typeof result === 'string' ? result : (result?.markdown ?? result?.text ?? result?.explanation ?? '');
  if (text === '') {
    void vscode.window.showInformationMessage('lode: no explanation for this code.');
    return;
  }
  await show('explain', 'lode: Explain', text);
}

async function suggest(client: LanguageClient, editor: vscode.TextEditor): Promise<void> {
  const c2p = client.code2ProtocolConverter;
  const range = editor.selection;
  const diagnostics = vscode.languages.getDiagnostics(editor.document.uri).filter((d) => d.range.intersection(range));
  const params: lsp.CodeActionParams = {
    textDocument: { uri: c2p.asUri(editor.document.uri) },
    range: c2p.asRange(range),
    context: { diagnostics: await c2p.asDiagnostics(diagnostics), triggerKind: lsp.CodeActionTriggerKind.Invoked },
  };
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: 'lode: suggesting a fix' },
    () => client.sendRequest(CodeActionRequest.type, params),
  );
  const actions = (result ?? []).filter((a): a is lsp.CodeAction => typeof a.command !== 'string');
  if (actions.length === 0) {
    void vscode.window.showInformationMessage('lode: no fix to suggest here.');
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
  if (action.edit === undefined && action.data !== undefined) {
    action = await client.sendRequest(CodeActionResolveRequest.type, action);
  }
  if (action.edit !== undefined) {
    const edit = await client.protocol2CodeConverter.asWorkspaceEdit(action.edit);
    if (!(await vscode.workspace.applyEdit(edit))) {
      throw new Error('the editor refused the edit');
    }
  }
  if (action.command !== undefined) {
    await vscode.commands.executeCommand(action.command.command, ...(action.command.arguments ?? []));
  }
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
