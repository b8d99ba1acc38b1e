// Drives VS Code (code-server) in Debian's headless Chromium for
// editors/e2e_test.go. Exit code 0 means every check passed.
//
// Environment:
//   URL       code-server's address
//   FILE      the file to open (in the workspace's root)
//   LINE      1-based line to type on (at its end)
//   TYPED     what to type there
//   READY     text of lode's status bar item once the server runs
//   GHOST     the ghost text lode must show
//   EXPLAIN   text the Explain view must contain
//   CONTEXT_FILE  a file the Show context view must list
//   INSTRUCTION, REWRITTEN  the rewrite Suggest fix asks for, and the line it gives
//   SELECTED_TYPED, SELECTED_ITEM, SELECTED_GHOST  what to type so that the
//             suggestion widget selects SELECTED_ITEM, and the ghost text lode
//             must show after it
//   CANDIDATES  the candidates (one a line) of an explicit request
//   CONTROL   the fake model's controls (/count, /delay?ms=N, /stop)
//   SETTINGS  the user settings file (switched to the embedded model at the end)
//   SHOTS     folder for screenshots
//   CHROMIUM  the browser (default /usr/bin/chromium)
const { log, screenshots, openWorkbench, openFile, runCommand, findSetting, drive } = require('./workbench');

const env = process.env;
const shot = screenshots('');

async function gotoLineEnd(page, line) {
  await page.keyboard.press('Control+Home');
  for (let i = 1; i < line; i++) {
    await page.keyboard.press('ArrowDown');
  }
  await page.keyboard.press('End');
}

const ghostSel = '.ghost-text-decoration, .ghost-text-decoration-preview, .ghost-text';

// ghost returns the ghost text shown in the editor ('' for none).
async function ghost(page) {
  const texts = await page.locator(ghostSel).allTextContents();
  return texts.join('').replace(/\u00a0/g, ' ');
}

// waitGhost waits until the ghost text satisfies ok, and returns it.
async function waitGhost(page, ok, timeout, what) {
  const end = Date.now() + timeout;
  let last = '';
  while (Date.now() < end) {
    last = await ghost(page);
    if (ok(last)) {
      return last;
    }
    await page.waitForTimeout(25);
  }
  throw new Error(`no ghost text ${what} within ${timeout} ms (last: ${JSON.stringify(last)})`);
}

// lineText returns the editor's visible text without the ghost text.
async function lineText(editor) {
  const text = await editor.evaluate((el, sel) => {
    const copy = el.cloneNode(true);
    copy.querySelectorAll(sel).forEach((g) => g.remove());
    return [...copy.querySelectorAll('.view-line')].map((l) => l.textContent).join('\n');
  }, ghostSel);
  return text.replace(/\u00a0/g, ' ');
}

async function waitDocument(page, editor, want, what) {
  for (let i = 0; i < 100; i++) {
    if ((await lineText(editor)).includes(want)) {
      return;
    }
    await page.waitForTimeout(100);
  }
  throw new Error(`${what}: the document does not contain ${JSON.stringify(want)}`);
}

async function newLine(page) {
  await page.keyboard.press('Escape');
  await page.keyboard.press('End');
  await page.keyboard.press('Enter');
}

// ghostWithWidget types so that VS Code's suggestion widget opens (its
// default settings), waits for lode's ghost text extending the widget's
// selected item, and accepts both with one Tab.
async function ghostWithWidget(page, editor) {
  await gotoLineEnd(page, Number(env.LINE));
  await page.keyboard.type(env.SELECTED_TYPED, { delay: 120 });
  const widget = page.locator('.suggest-widget.visible');
  await widget.waitFor({ timeout: 20000 });
  await page.locator(`.suggest-widget.visible .monaco-list-row.focused:has-text("${env.SELECTED_ITEM}")`).waitFor({ timeout: 20000 });
  log(`the suggestion widget is open on ${JSON.stringify(env.SELECTED_ITEM)}`);
  const text = await waitGhost(page, (g) => g.includes(env.SELECTED_GHOST), 20000, `with ${env.SELECTED_GHOST}`);
  log(`ghost text with the widget open: ${JSON.stringify(text)}`);
  if (!(await widget.isVisible())) {
    throw new Error('the suggestion widget closed before the ghost text showed');
  }
  await shot(page, '1-ghost-with-widget');
  await page.keyboard.press('Tab');
  await waitDocument(page, editor, env.SELECTED_ITEM + env.SELECTED_GHOST, 'after Tab with the widget open');
  log(`one Tab inserted ${JSON.stringify(env.SELECTED_ITEM + env.SELECTED_GHOST)}`);
}

// ghostText types and waits for lode's ghost text, then accepts it with Tab.
async function ghostText(page, editor) {
  await newLine(page);
  await page.keyboard.type(env.TYPED, { delay: 60 });
  log(`typed ${JSON.stringify(env.TYPED)}`);
  const text = await waitGhost(page, (g) => g !== '', 20000, 'at all');
  log(`ghost text: ${JSON.stringify(text)}`);
  await shot(page, '2-ghost-text');
  if (text !== env.GHOST) {
    throw new Error(`ghost text ${JSON.stringify(text)}, want ${JSON.stringify(env.GHOST)}`);
  }
  await page.keyboard.press('Tab');
  await waitDocument(page, editor, env.TYPED + env.GHOST, 'after Tab');
  if (await page.locator('.ghost-text-decoration').count() > 0) {
    throw new Error('ghost text still shown after Tab');
  }
  log(`after Tab the line reads ${JSON.stringify(env.TYPED + env.GHOST)}`);
  await shot(page, '2-accepted');
}

// candidates asks for completions explicitly (lode's Alt+\ keybinding)
// and cycles through them with VS Code's Alt+].
async function candidates(page) {
  const want = env.CANDIDATES.split('\n');
  await newLine(page);
  await page.keyboard.type(env.TYPED, { delay: 60 });
  await waitGhost(page, (g) => g !== '', 20000, 'before the explicit request');
  await page.keyboard.press('Alt+Backslash');
  // VS Code keeps the ghost text on screen when the explicit request
  // answers; Alt+] shows the next candidate.
  const seen = new Set();
  for (let i = 0; i < 2 * want.length && seen.size < 2; i++) {
    await page.keyboard.press('Alt+BracketRight');
    const g = await waitGhost(page, (g) => want.includes(g) && !seen.has(g), 5000, 'of another candidate').catch(() => '');
    if (g !== '') {
      seen.add(g);
    }
  }
  log(`cycling showed ${seen.size} candidates: ${JSON.stringify([...seen])}`);
  await shot(page, '3-candidates');
  if (seen.size < 2) {
    throw new Error('cycling showed fewer than 2 candidates');
  }
  await page.keyboard.press('Escape');
}

const control = (what) => fetch(env.CONTROL + what).then((r) => r.text());

// latency measures keystroke-to-ghost 20 times: a new line, "fmt", then the
// time from the "." to the ghost text. Each line differs from the last, so
// no answer comes from a cache.
async function latency(page, label, ok) {
  const times = [];
  let misses = 0;
  for (let i = 0; i < 20; i++) {
    await newLine(page);
    await page.keyboard.type(`v${i} := ` + env.TYPED.slice(0, -1), { delay: 20 });
    await page.waitForTimeout(300); // let the requests of the typing settle
    const t0 = Date.now();
    await page.keyboard.press(env.TYPED.slice(-1));
    try {
      await waitGhost(page, ok, 10000, 'for the latency sample');
      times.push(Date.now() - t0);
      await page.keyboard.press('Tab'); // accepted, so that the lines teach the embedded model
    } catch {
      misses++;
    }
  }
  times.sort((a, b) => a - b);
  const p50 = times.length ? times[Math.floor((times.length - 1) / 2)] : NaN;
  console.log(`LATENCY vscode ${label}: p50 ${p50} ms over ${times.length} samples (${misses} without ghost text); all: ${times.join(' ')}`);
  await page.keyboard.press('Escape');
}

// toggle turns completion off with lode: Toggle completion, checks that the
// model then gets no request while typing, and turns it on again.
async function toggle(page) {
  await runCommand(page, 'lode: Toggle completion');
  await page.waitForSelector('.statusbar-item:has-text("lode: off")', { timeout: 20000 });
  const before = await control('/count');
  await newLine(page);
  await page.keyboard.type(env.TYPED, { delay: 60 });
  await page.waitForTimeout(3000);
  const after = await control('/count');
  const shown = await ghost(page);
  await shot(page, '4-toggled-off');
  if (after !== before || shown !== '') {
    throw new Error(`with completion off the model got ${after - before} requests and the ghost text is ${JSON.stringify(shown)}`);
  }
  log('turned off: no model request, no ghost text');
  await page.keyboard.press('Escape');
  await runCommand(page, 'lode: Toggle completion');
  await page.waitForSelector(`.statusbar-item:has-text("${env.READY}")`, { timeout: 20000 });
  log('turned on again');
}

// unreachable stops the fake model server and waits for the status item to
// say so, completions coming from the embedded model meanwhile.
async function unreachable(page) {
  await control('/stop');
  await newLine(page);
  await page.keyboard.type(env.TYPED, { delay: 60 });
  const want = `${env.READY} unreachable, using embedded`;
  await page.waitForSelector(`.statusbar-item:has-text("${want}")`, { timeout: 30000 });
  log(`status bar shows ${JSON.stringify(want)}`);
  await shot(page, '6-unreachable');
  await page.keyboard.press('Escape');
}

// embedded switches to the embedded model in the Settings UI, where
// lode's provider, base URL and model are editable fields.
async function embedded(page) {
  const item = await findSetting(page, 'lode.provider', 'Provider');
  await shot(page, '7-settings-ui');
  await item.locator('.monaco-select-box').click();
  await page.locator('.monaco-select-box-dropdown-container .monaco-list-row:has-text("embedded")').first().click();
  log('chose the embedded provider in the Settings UI');
  await page.waitForSelector('.statusbar-item:has-text("lode: embedded")', { timeout: 30000 });
  log('status bar shows "lode: embedded"');
  await page.locator('.tab:has-text("main.go")').first().click();
  await page.locator('.editor-group-container .monaco-editor .view-lines').first().click();
  await gotoLineEnd(page, Number(env.LINE) + 1);
}

// findInFrames waits until some frame (webviews are nested iframes) shows
// want (a string or a RegExp), and returns that frame's text.
async function findInFrames(page, want, timeout) {
  const matches = (body) => (typeof want === 'string' ? body.includes(want) : want.test(body));
  const end = Date.now() + timeout;
  while (Date.now() < end) {
    for (const frame of page.frames()) {
      const body = await frame.evaluate(() => (document.body ? document.body.innerText : '')).catch(() => '');
      if (matches(body)) {
        return body;
      }
    }
    await page.waitForTimeout(250);
  }
  throw new Error(`no view shows ${want}`);
}

async function explain(page) {
  await page.keyboard.press('Escape');
  await gotoLineEnd(page, Number(env.LINE) - 1);
  await runCommand(page, 'lode: Explain');
  const body = await findInFrames(page, env.EXPLAIN, 60000);
  log(`the Explain view shows:\n${body.trim()}`);
  await page.waitForTimeout(500);
  await shot(page, '5a-explain');
}

// showContext runs lode: Show context and waits for the bundle's summary.
async function showContext(page) {
  await page.locator('.editor-group-container .monaco-editor .view-lines').first().click();
  await gotoLineEnd(page, Number(env.LINE));
  await runCommand(page, 'lode: Show context');
  // the bundle's summary, then the definition of greeting, from greet.go
  const summary = /\d+ snippets?, \d+ of \d+ tokens/;
  const body = await findInFrames(page, new RegExp(`${summary.source}[\\s\\S]*${env.CONTEXT_FILE.replace('.', '\\.')}`), 30000);
  log(`the Show context view shows ${JSON.stringify(summary.exec(body)[0])}, with ${env.CONTEXT_FILE}`);
  await shot(page, '5b-context');
}

// suggestFix selects the greeting line, runs lode: Suggest fix, answers
// its question with INSTRUCTION and waits for the line to read REWRITTEN.
async function suggestFix(page) {
  const editor = page.locator('.editor-group-container .monaco-editor .view-lines').first();
  await editor.click();
  await gotoLineEnd(page, Number(env.LINE) - 1);
  await page.keyboard.press('Home');
  await page.keyboard.press('Shift+End');
  await runCommand(page, 'lode: Suggest fix');
  const input = page.locator('.quick-input-widget .quick-input-box input').first();
  await page.locator('.quick-input-widget .quick-input-title:has-text("Rewrite")').first().waitFor({ timeout: 20000 });
  await input.fill(env.INSTRUCTION);
  await page.keyboard.press('Enter');
  log(`asked to ${JSON.stringify(env.INSTRUCTION)}`);
  // lode's edit is shown as a diff first, and applied on Apply.
  await page.locator('.monaco-diff-editor').first().waitFor({ timeout: 30000 });
  const apply = page.locator('.notifications-toasts .monaco-button:has-text("Apply")').first();
  await apply.waitFor({ timeout: 30000 });
  await shot(page, '5c-fix-preview');
  await apply.click();
  log('the fix was shown as a diff; applied it');
  const want = env.REWRITTEN.trim();
  for (let i = 0; i < 100; i++) {
    if ((await lineText(editor)).includes(want)) {
      log(`the line now reads ${JSON.stringify(want)}`);
      await shot(page, '5d-suggest-fix');
      return;
    }
    await page.waitForTimeout(200);
  }
  throw new Error(`after Suggest fix the document does not contain ${JSON.stringify(want)}`);
}

drive(async (page) => {
  await openWorkbench(page, env.URL, env.READY);
  await shot(page, '0-ready');
  const editor = await openFile(page, env.FILE);
  await ghostWithWidget(page, editor);
  await ghostText(page, editor);
  await candidates(page);
  await explain(page);
  await showContext(page);
  await suggestFix(page);
  await editor.click();
  await gotoLineEnd(page, Number(env.LINE) + 1);
  await control('/delay?ms=200');
  await latency(page, 'fake server (200 ms)', (g) => g === env.GHOST);
  await control('/delay?ms=0');
  await toggle(page);
  await unreachable(page);
  await embedded(page);
  await latency(page, 'embedded model', (g) => g !== '');
}, shot);
