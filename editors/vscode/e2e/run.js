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
//   SHOTS     folder for screenshots
//   CHROMIUM  the browser (default /usr/bin/chromium)
const { chromium } = require('playwright-core');
const fs = require('fs');
const os = require('os');
const path = require('path');

const env = process.env;
const t0 = Date.now();
const log = (msg) => console.log(`[${String(Date.now() - t0).padStart(6)}ms] ${msg}`);
const shot = (page, name) => page.screenshot({ path: path.join(env.SHOTS, `${name}.png`) }).then(() => log(`screenshot ${name}.png`));

async function openFile(page) {
  const row = `.explorer-folders-view .monaco-list-row[aria-label="${env.FILE}"], .explorer-folders-view .monaco-list-row:has-text("${env.FILE}")`;
  await page.waitForSelector(row, { timeout: 60000 });
  await page.locator(row).first().dblclick();
  const editor = '.editor-group-container .monaco-editor .view-lines';
  await page.waitForSelector(editor, { timeout: 20000 });
  await page.locator(editor).first().click();
  log(`opened ${env.FILE}`);
  return page.locator(editor).first();
}

async function gotoLineEnd(page, line) {
  await page.keyboard.press('Control+Home');
  for (let i = 1; i < line; i++) {
    await page.keyboard.press('ArrowDown');
  }
  await page.keyboard.press('End');
}

// ghostText types and waits for lode's ghost text, then accepts it with Tab.
async function ghostText(page, editor) {
  await gotoLineEnd(page, Number(env.LINE));
  await page.keyboard.type(env.TYPED, { delay: 60 });
  log(`typed ${JSON.stringify(env.TYPED)}`);
  const ghost = page.locator('.ghost-text-decoration, .ghost-text').first();
  await ghost.waitFor({ timeout: 20000 });
  const text = (await ghost.textContent()).replace(/\u00a0/g, ' ');
  log(`ghost text: ${JSON.stringify(text)}`);
  await shot(page, '1-ghost-text');
  if (text !== env.GHOST) {
    throw new Error(`ghost text ${JSON.stringify(text)}, want ${JSON.stringify(env.GHOST)}`);
  }
  await page.keyboard.press('Tab');
  const want = env.TYPED + env.GHOST;
  for (let i = 0; i < 20; i++) {
    const lines = (await editor.innerText()).replace(/\u00a0/g, ' ');
    if (lines.includes(want)) {
      log(`after Tab the line reads ${JSON.stringify(want)}`);
      if (await page.locator('.ghost-text-decoration').count() > 0) {
        throw new Error('ghost text still shown after Tab');
      }
      await shot(page, '2-accepted');
      return;
    }
    await page.waitForTimeout(100);
  }
  throw new Error(`after Tab the document does not contain ${JSON.stringify(want)}`);
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

async function runCommand(page, title) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget .quick-input-box input').first();
  await input.waitFor({ timeout: 10000 });
  await input.fill(`>${title}`);
  await page.locator(`.quick-input-list .monaco-list-row:has-text("${title}")`).first().waitFor({ timeout: 10000 });
  await page.keyboard.press('Enter');
  log(`ran command ${JSON.stringify(title)}`);
}

async function explain(page) {
  await page.keyboard.press('Escape');
  await gotoLineEnd(page, Number(env.LINE) - 1);
  await runCommand(page, 'lode: Explain');
  const body = await findInFrames(page, env.EXPLAIN, 60000);
  log(`the Explain view shows:\n${body.trim()}`);
  await page.waitForTimeout(500);
  await shot(page, '3-explain');
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
  await shot(page, '4-context');
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
  const want = env.REWRITTEN.trim();
  for (let i = 0; i < 100; i++) {
    if ((await editor.innerText()).replace(/\u00a0/g, ' ').includes(want)) {
      log(`the line now reads ${JSON.stringify(want)}`);
      await shot(page, '5-suggest-fix');
      return;
    }
    await page.waitForTimeout(200);
  }
  throw new Error(`after Suggest fix the document does not contain ${JSON.stringify(want)}`);
}

(async () => {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'lode-chromium-'));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    env: { ...process.env, HOME: profile, XDG_CONFIG_HOME: profile, XDG_CACHE_HOME: profile },
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-quic'],
    viewport: { width: 1400, height: 900 },
  });
  const page = ctx.pages()[0] || (await ctx.newPage());
  try {
    await page.goto(env.URL, { waitUntil: 'domcontentloaded' });
    await page.waitForSelector('.monaco-workbench', { timeout: 60000 });
    log('workbench loaded');
    await page.waitForSelector(`.statusbar-item:has-text("${env.READY}")`, { timeout: 60000 });
    log(`status bar shows ${JSON.stringify(env.READY)}`);
    const editor = await openFile(page);
    await ghostText(page, editor);
    await explain(page);
    await showContext(page);
    await suggestFix(page);
    console.log('PASS');
  } catch (e) {
    await shot(page, 'failure').catch(() => {});
    console.log(`FAIL: ${e.message.split('\n')[0]}`);
    process.exitCode = 1;
  } finally {
    await ctx.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
})();
