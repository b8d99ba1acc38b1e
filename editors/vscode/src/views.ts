// Webview panels that show what lode answered: an explanation, or the
// context bundle lode would send to the model for a cursor.
import * as vscode from 'vscode';

const panels = new Map<string, vscode.WebviewPanel>();

// show renders markdown in the panel named kind, reusing it if it is open.
export async function show(kind: string, title: string, markdown: string): Promise<void> {
  let panel = panels.get(kind);
  if (panel === undefined) {
    panel = vscode.window.createWebviewPanel(`lode.${kind}`, title, {
      viewColumn: vscode.ViewColumn.Beside,
      preserveFocus: true,
    }, { enableScripts: false, enableFindWidget: true });
    panel.onDidDispose(() => panels.delete(kind));
    panels.set(kind, panel);
  }
  panel.title = title;
  panel.webview.html = page(title, await render(markdown));
  panel.reveal(vscode.ViewColumn.Beside, true);
}

// render turns markdown into HTML with VS Code's own Markdown extension,
// falling back to preformatted text where it is not installed.
async function render(markdown: string): Promise<string> {
  try {
    const html = await vscode.commands.executeCommand<string>('markdown.api.render', markdown);
    if (typeof html === 'string') {
      return html;
    }
  } catch {
    // no Markdown extension: fall through
  }
  return `<pre>${escape(markdown)}</pre>`;
}

function page(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline';">
<title>${escape(title)}</title>
<style>
  body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground); padding: 0 1em; }
  pre { background: var(--vscode-textCodeBlock-background); padding: .6em; overflow-x: auto; }
  code { font-family: var(--vscode-editor-font-family); }
  h3 { margin-bottom: .2em; }
  .meta { color: var(--vscode-descriptionForeground); }
</style>
</head>
<body id="lode-${escape(title.toLowerCase().replace(/[^a-z]+/g, '-'))}">
${body}
</body>
</html>`;
}

export function escape(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

// Snippet and Bundle mirror lode's context/retrieve types as sent by the
// lode/context request.
export interface Snippet {
  path: string;
  startLine: number;
  endLine: number;
  text: string;
  reason: string;
  symbol?: string;
  score?: number;
  tokens: number;
}

export interface Bundle {
  snippets: Snippet[] | null;
  tokens: number;
  budget: number;
}

// bundleMarkdown lists the snippets of a bundle, best first, with where each
// came from and why it was chosen.
const languages: Record<string, string> = {
  go: 'go', py: 'python', js: 'javascript', jsx: 'javascript', ts: 'typescript', tsx: 'typescript',
  rs: 'rust', java: 'java', c: 'c', h: 'c', cc: 'cpp', cpp: 'cpp', hpp: 'cpp',
};

function fenceLanguage(path: string): string {
  const ext = path.slice(path.lastIndexOf('.') + 1);
  return languages[ext] ?? '';
}

export function bundleMarkdown(bundle: Bundle, root: string | undefined): string {
  const snippets = bundle.snippets ?? [];
  const lines = [`**${snippets.length} snippet${snippets.length === 1 ? '' : 's'}, ${bundle.tokens} of ${bundle.budget} tokens**`, ''];
  for (const s of snippets) {
    const path = root !== undefined && s.path.startsWith(root + '/') ? s.path.slice(root.length + 1) : s.path;
    const why = s.symbol ? `${s.reason} of \`${s.symbol}\`` : s.reason;
    lines.push(`### ${path}:${s.startLine + 1}-${s.endLine + 1}`);
    lines.push(`${why} · ${s.tokens} tokens`, '');
    const fence = s.text.includes('```') ? '~~~~' : '```';
    lines.push(fence + fenceLanguage(s.path), s.text.replace(/\n$/, ''), fence, '');
  }
  return lines.join('\n');
}
