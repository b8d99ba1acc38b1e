// The preview of a fix: lode's edit shown as a diff beside the document,
// applied only when the user says so.
import * as vscode from 'vscode';

const scheme = 'lode-preview';
const contents = new Map<string, string>();
let seq = 0;

export function registerPreview(): vscode.Disposable {
  return vscode.workspace.registerTextDocumentContentProvider(scheme, {
    provideTextDocumentContent: (uri) => contents.get(uri.toString()) ?? '',
  });
}

// applied returns the text of doc with edits applied.
function applied(doc: vscode.TextDocument, edits: vscode.TextEdit[]): string {
  const text = doc.getText();
  const sorted = edits
    .map((e) => ({ start: doc.offsetAt(e.range.start), end: doc.offsetAt(e.range.end), text: e.newText }))
    .sort((a, b) => b.start - a.start);
  let out = text;
  for (const e of sorted) {
    out = out.slice(0, e.start) + e.text + out.slice(e.end);
  }
  return out;
}

// previewEdit shows what edit changes, one diff per document, and asks
// whether to apply it. It reports whether the user chose Apply; applying
// is the caller's.
export async function previewEdit(edit: vscode.WorkspaceEdit, title: string): Promise<boolean> {
  const shown: vscode.Uri[] = [];
  for (const [uri, edits] of edit.entries()) {
    const doc = await vscode.workspace.openTextDocument(uri);
    const preview = vscode.Uri.from({ scheme, path: uri.path, query: String(++seq) });
    contents.set(preview.toString(), applied(doc, edits));
    shown.push(preview);
    await vscode.commands.executeCommand('vscode.diff', uri, preview, `${title}: ${vscode.workspace.asRelativePath(uri)} (lode's fix)`, {
      preview: true,
      viewColumn: vscode.ViewColumn.Active,
    });
  }
  if (shown.length === 0) {
    return true;
  }
  const choice = await vscode.window.showInformationMessage(`${title}: apply lode's fix shown in the diff?`, 'Apply', 'Discard');
  const open = new Set(shown.map((u) => u.toString()));
  for (const group of vscode.window.tabGroups.all) {
    for (const tab of group.tabs) {
      if (tab.input instanceof vscode.TabInputTextDiff && open.has(tab.input.modified.toString())) {
        await vscode.window.tabGroups.close(tab);
      }
    }
  }
  shown.forEach((u) => contents.delete(u.toString()));
  return choice === 'Apply';
}
