// Next-edit suggestions: when an edit of the active document settles,
// lode/nextEdits proposes the edits that follow from it (the other uses of
// a renamed name, the calls of a function that gained a parameter...).
// They are shown where they apply (the replaced text struck through, the
// new text after it) and, when the first one is off screen or in another
// file, a hint at the end of the cursor's line says where. Tab jumps to
// the edit, Tab again applies it (a WorkspaceEdit, other files included)
// and asks for the next ones; Esc dismisses. The context key
// lode.nextEditPending lets Tab and Esc keep their meaning otherwise.
import * as vscode from 'vscode';
import { LanguageClient } from 'vscode-languageclient/node';
import * as lsp from 'vscode-languageclient/node';

// NextEdit is one edit of lode/nextEdits' answer (docs/protocol.md).
interface NextEdit {
  id: string;
  uri: string;
  version?: number;
  range: lsp.Range;
  newText: string;
  kind: string;
  placeholder?: { start: number; end: number };
}

// Edit is a NextEdit in VS Code's terms.
interface Edit {
  uri: vscode.Uri;
  version?: number;
  range: vscode.Range;
  newText: string;
  placeholder?: { start: number; end: number };
}

// Suggestion is what is on screen: the edits that follow from the last
// edit of origin, and the one jumped to.
interface Suggestion {
  origin: vscode.Uri;
  position: vscode.Position;
  edits: Edit[];
  target?: number;
}

const pendingKey = 'lode.nextEditPending';

function config(): { enabled: boolean; debounceMs: number } {
  const c = vscode.workspace.getConfiguration('lode.nextEdit');
  return { enabled: c.get<boolean>('enabled', true), debounceMs: c.get<number>('debounceMs', 200) };
}

function openDocument(uri: vscode.Uri): vscode.TextDocument | undefined {
  return vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
}

// oneLine shows text on one line.
function oneLine(text: string): string {
  return text.replace(/\r?\n/g, '⏎');
}

export class NextEdits implements vscode.Disposable {
  private readonly replaced = vscode.window.createTextEditorDecorationType({
    textDecoration: 'line-through',
    backgroundColor: new vscode.ThemeColor('diffEditor.removedTextBackground'),
    overviewRulerColor: new vscode.ThemeColor('editorOverviewRuler.modifiedForeground'),
    overviewRulerLane: vscode.OverviewRulerLane.Center,
  });
  private readonly inserted = vscode.window.createTextEditorDecorationType({
    after: {
      backgroundColor: new vscode.ThemeColor('diffEditor.insertedTextBackground'),
      border: '1px solid',
      borderColor: new vscode.ThemeColor('diffEditor.insertedLineBackground'),
    },
  });
  private readonly hint = vscode.window.createTextEditorDecorationType({
    after: { color: new vscode.ThemeColor('editorCodeLens.foreground'), margin: '0 0 0 2em', fontStyle: 'italic' },
  });
  private readonly subs: vscode.Disposable[];
  private current: Suggestion | undefined;
  private timer: NodeJS.Timeout | undefined;
  private inflight: vscode.CancellationTokenSource | undefined;
  private applying = 0;

  constructor(
    private readonly client: () => LanguageClient | undefined,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.subs = [
      vscode.workspace.onDidChangeTextDocument((e) => this.changed(e)),
      vscode.workspace.onDidCloseTextDocument(() => this.render()),
      vscode.window.onDidChangeVisibleTextEditors(() => this.render()),
      vscode.window.onDidChangeActiveTextEditor(() => this.render()),
      vscode.window.onDidChangeTextEditorVisibleRanges(() => this.render()),
      vscode.window.onDidChangeTextEditorSelection(() => this.render()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('lode.nextEdit') && !config().enabled) {
          this.dismiss();
        }
      }),
      vscode.commands.registerCommand('lode.nextEdit.tab', () => this.tab()),
      vscode.commands.registerCommand('lode.nextEdit.jump', () => this.jump()),
      vscode.commands.registerCommand('lode.nextEdit.accept', () => this.accept()),
      vscode.commands.registerCommand('lode.nextEdit.dismiss', () => this.dismiss()),
    ];
  }

  dispose(): void {
    this.cancel();
    clearTimeout(this.timer);
    this.subs.forEach((d) => d.dispose());
    this.replaced.dispose();
    this.inserted.dispose();
    this.hint.dispose();
    // Tab must not call commands that are gone; when the window closes
    // this fails (Canceled), which does not matter then.
    vscode.commands.executeCommand('setContext', pendingKey, false).then(undefined, () => undefined);
  }

  private cancel(): void {
    this.inflight?.cancel();
    this.inflight?.dispose();
    this.inflight = undefined;
  }

  // changed follows an edit: the suggestion shown is for the text before
  // it, and a new one is asked for once typing pauses.
  private changed(e: vscode.TextDocumentChangeEvent): void {
    if (e.contentChanges.length === 0 || this.applying > 0 || (e.document.uri.scheme !== 'file' && e.document.uri.scheme !== 'untitled')) {
      return;
    }
    const key = e.document.uri.toString();
    if (this.current && (this.current.origin.toString() === key || this.current.edits.some((x) => x.uri.toString() === key))) {
      this.set(undefined);
    }
    this.cancel();
    clearTimeout(this.timer);
    const editor = vscode.window.activeTextEditor;
    if (!config().enabled || editor?.document !== e.document) {
      return;
    }
    this.timer = setTimeout(() => {
      const ed = vscode.window.activeTextEditor;
      if (ed?.document === e.document) {
        void this.request(ed.document, ed.selection.active);
      }
    }, config().debounceMs);
  }

  // request asks lode for the edits that follow from the last edits of
  // doc, for its current version. When lode proposes none, rest is shown
  // instead: the edits left of a suggestion after one was accepted (lode
  // proposes nothing after a rename at a use).
  async request(doc: vscode.TextDocument, position: vscode.Position, rest: Edit[] = []): Promise<void> {
    const client = this.client();
    if (client === undefined || !client.isRunning() || !config().enabled) {
      return;
    }
    this.cancel();
    const cts = new vscode.CancellationTokenSource();
    this.inflight = cts;
    const version = doc.version;
    let answer: { edits?: NextEdit[] } | null;
    try {
      answer = await client.sendRequest<{ edits?: NextEdit[] } | null>(
        'lode/nextEdits',
        {
          textDocument: { uri: client.code2ProtocolConverter.asUri(doc.uri), version },
          position: client.code2ProtocolConverter.asPosition(position),
        },
        cts.token,
      );
    } catch (e) {
      if (!cts.token.isCancellationRequested) {
        this.log.debug(`lode/nextEdits: ${e instanceof Error ? e.message : String(e)}`);
      }
      return;
    }
    if (cts.token.isCancellationRequested || doc.version !== version) {
      this.log.debug(`next edits for version ${version} of ${doc.uri.fsPath} dropped: the document is at version ${doc.version}`);
      return; // the editor no longer shows the version they are for
    }
    if (this.inflight === cts) {
      this.inflight = undefined;
      cts.dispose();
    }
    let edits: Edit[] = (answer?.edits ?? []).map((e) => ({
      uri: client.protocol2CodeConverter.asUri(e.uri),
      version: e.version,
      range: client.protocol2CodeConverter.asRange(e.range),
      newText: e.newText,
      placeholder: e.placeholder,
    }));
    if (edits.length === 0) {
      edits = rest;
    }
    // An edit in an open document is for the version lode names.
    edits = edits.filter((e) => e.version === undefined || openDocument(e.uri)?.version === e.version);
    this.set(edits.length > 0 ? { origin: doc.uri, position, edits } : undefined);
  }

  private set(s: Suggestion | undefined): void {
    this.current = s;
    void vscode.commands.executeCommand('setContext', pendingKey, s !== undefined);
    this.render();
  }

  private render(): void {
    const s = this.current;
    for (const editor of vscode.window.visibleTextEditors) {
      const here = s ? s.edits.filter((e) => e.uri.toString() === editor.document.uri.toString()) : [];
      editor.setDecorations(this.replaced, here.filter((e) => !e.range.isEmpty).map((e) => e.range));
      editor.setDecorations(
        this.inserted,
        here.map((e) => ({
          range: new vscode.Range(e.range.end, e.range.end),
          renderOptions: { after: { contentText: oneLine(e.newText) } },
          hoverMessage: new vscode.MarkdownString(`lode: next edit (Tab to jump, Tab again to apply, Esc to dismiss)`),
        })),
      );
      editor.setDecorations(this.hint, []);
    }
    const active = vscode.window.activeTextEditor;
    if (!s || !active) {
      return;
    }
    const first = s.edits[s.target ?? 0];
    const sameDoc = first.uri.toString() === active.document.uri.toString();
    if (sameDoc && active.visibleRanges.some((r) => r.contains(first.range.start))) {
      return;
    }
    const where = sameDoc ? `line ${first.range.start.line + 1}` : `${vscode.workspace.asRelativePath(first.uri)}:${first.range.start.line + 1}`;
    const line = active.document.lineAt(active.selection.active.line);
    active.setDecorations(this.hint, [{ range: new vscode.Range(line.range.end, line.range.end), renderOptions: { after: { contentText: `⇥ next edit: ${where}` } } }]);
  }

  dismiss(): void {
    this.cancel();
    this.set(undefined);
  }

  // at reports whether the active editor's selection is the edit's range.
  private at(e: Edit): boolean {
    const editor = vscode.window.activeTextEditor;
    return editor !== undefined && editor.document.uri.toString() === e.uri.toString() && editor.selection.isEqual(new vscode.Selection(e.range.start, e.range.end));
  }

  // tab jumps to the suggested edit, and at the edit applies it.
  async tab(): Promise<void> {
    const s = this.current;
    if (s === undefined) {
      return;
    }
    if (s.target !== undefined && this.at(s.edits[s.target])) {
      return this.accept();
    }
    return this.jump();
  }

  // jump reveals the next suggested edit and selects its range.
  async jump(): Promise<void> {
    const s = this.current;
    if (s === undefined) {
      return;
    }
    let i = s.target ?? 0;
    if (s.target !== undefined && this.at(s.edits[i])) {
      i = (i + 1) % s.edits.length;
    }
    const e = s.edits[i];
    s.target = i;
    const editor = await vscode.window.showTextDocument(e.uri, { selection: new vscode.Range(e.range.start, e.range.end), preview: false });
    editor.revealRange(e.range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    if (this.current === s) {
      this.render();
    }
  }

  // accept applies the edit jumped to (the first when none was), selects
  // its placeholder if it has one, and asks for the next edits.
  async accept(): Promise<void> {
    const s = this.current;
    if (s === undefined) {
      return;
    }
    const index = s.target ?? 0;
    const e = s.edits[index];
    const doc = e.version !== undefined ? openDocument(e.uri) : await vscode.workspace.openTextDocument(e.uri);
    if (doc === undefined || (e.version !== undefined && doc.version !== e.version)) {
      this.dismiss(); // the document changed since
      return;
    }
    // The other edits, as offsets where they are in e's document, to move
    // them by what e changes.
    const start = doc.offsetAt(e.range.start);
    const end = doc.offsetAt(e.range.end);
    const rest = s.edits
      .filter((_, j) => j !== index)
      .map((o) => ({ o, same: o.uri.toString() === e.uri.toString(), from: doc.offsetAt(o.range.start), to: doc.offsetAt(o.range.end) }));
    this.cancel();
    this.set(undefined);
    const we = new vscode.WorkspaceEdit();
    we.replace(e.uri, e.range, e.newText);
    this.applying++;
    let ok: boolean;
    try {
      ok = await vscode.workspace.applyEdit(we);
    } finally {
      this.applying--;
    }
    if (!ok) {
      this.log.warn(`lode: the next edit in ${e.uri.fsPath} could not be applied`);
      return;
    }
    const delta = e.newText.length - (end - start);
    const moved: Edit[] = [];
    for (const r of rest) {
      if (!r.same) {
        moved.push(r.o);
      } else if (r.to <= start || r.from >= end) {
        const shift = r.from >= end ? delta : 0;
        moved.push({ ...r.o, version: r.o.version === undefined ? undefined : doc.version, range: new vscode.Range(doc.positionAt(r.from + shift), doc.positionAt(r.to + shift)) });
      }
    }
    const editor = vscode.window.visibleTextEditors.find((x) => x.document === doc);
    let cursor = doc.positionAt(start + e.newText.length);
    if (editor !== undefined) {
      if (e.placeholder !== undefined) {
        editor.selection = new vscode.Selection(doc.positionAt(start + e.placeholder.start), doc.positionAt(start + e.placeholder.end));
        cursor = editor.selection.active;
      } else {
        editor.selection = new vscode.Selection(cursor, cursor);
      }
    }
    // The next ones follow from the edit that started the suggestion.
    const origin = openDocument(s.origin);
    if (origin !== undefined) {
      await this.request(origin, origin === doc ? cursor : s.position, moved);
    }
  }
}
