// What the Playwright scripts that drive VS Code (code-server) in Debian's
// headless Chromium share: run.js (TestVSCode, editors/vscode_test.go) and
// nextedit.js (TestVSCodeNextEdits, editors/nextedit_test.go).
const { chromium } = require('playwright-core');
const fs = require('fs');
const os = require('os');
const path = require('path');

const t0 = Date.now();

// editorSel selects the text of the editors.
const editorSel = '.editor-group-container .monaco-editor .view-lines';

// log prints msg with the time since the script started.
function log(msg) {
  console.log(`[${String(Date.now() - t0).padStart(6)}ms] ${msg}`);
}

// screenshots returns shot(page, name), which saves the page as
// PREFIXname.png in the folder $SHOTS.
function screenshots(prefix) {
  return (page, name) =>
    page.screenshot({ path: path.join(process.env.SHOTS, `${prefix}${name}.png`) }).then(() => log(`screenshot ${prefix}${name}.png`));
}

// openWorkbench loads VS Code at url and waits until lode's status bar
// item reads ready.
async function openWorkbench(page, url, ready) {
  await page.goto(url, { waitUntil: 'domcontentloaded' });
  await page.waitForSelector('.monaco-workbench', { timeout: 60000 });
  log('workbench loaded');
  await page.waitForSelector(`.statusbar-item:has-text("${ready}")`, { timeout: 60000 });
  log(`status bar shows ${JSON.stringify(ready)}`);
}

// openFile opens the file name (in the workspace's root) from the
// explorer, focuses its editor and returns the editor's text.
async function openFile(page, name) {
  const row = `.explorer-folders-view .monaco-list-row[aria-label="${name}"], .explorer-folders-view .monaco-list-row:has-text("${name}")`;
  await page.waitForSelector(row, { timeout: 60000 });
  await page.locator(row).first().dblclick();
  await page.waitForSelector(`.tab.active:has-text("${name}")`, { timeout: 20000 });
  const editor = page.locator(editorSel).first();
  await editor.click();
  log(`opened ${name}`);
  return editor;
}

// runCommand runs the command titled title from the command palette.
async function runCommand(page, title) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget .quick-input-box input').first();
  await input.waitFor({ timeout: 10000 });
  await input.fill(`>${title}`);
  await page.locator(`.quick-input-list .monaco-list-row:has-text("${title}")`).first().waitFor({ timeout: 10000 });
  await page.keyboard.press('Enter');
  log(`ran command ${JSON.stringify(title)}`);
}

// findSetting opens the Settings UI, searches it for query and returns the
// setting whose contents show label.
async function findSetting(page, query, label) {
  await runCommand(page, 'Preferences: Open Settings (UI)');
  const search = page.locator('.settings-editor .settings-header .suggest-input-container textarea, .settings-editor .settings-header input').first();
  await search.waitFor({ timeout: 20000 });
  await search.fill(query);
  const item = page.locator(`.settings-editor .setting-item-contents:has-text("${label}")`).first();
  await item.waitFor({ timeout: 20000 });
  return item;
}

// drive runs main(page) in a fresh Chromium profile ($CHROMIUM, default
// /usr/bin/chromium) and prints PASS, or FAIL and the reason (then the
// exit code is 1, and shot keeps the page as "failure").
function drive(main, shot) {
  (async () => {
    const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'lode-chromium-'));
    const ctx = await chromium.launchPersistentContext(profile, {
      executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
      headless: true,
      env: { ...process.env, HOME: profile, XDG_CONFIG_HOME: profile, XDG_CACHE_HOME: profile },
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', '--disable-quic'],
      viewport: { width: 1400, height: 900 },
    });
    const page = ctx.pages()[0] || (await ctx.newPage());
    try {
      await main(page);
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
}

module.exports = { editorSel, log, screenshots, openWorkbench, openFile, runCommand, findSetting, drive };
