// Drives VS Code (code-server) in Debian's headless Chromium for
// TestVSCodeNextEdits (editors/nextedit_test.go): next-edit suggestions
// after greeting is renamed at its declaration in greet.go. Exit code 0
// means every check passed.
//
// Environment:
//   URL       code-server's address
//   READY     text of lode's status bar item once the server runs
//   HOLD      the hold proxy's controls (/hold, /held, /release)
//   SHOTS     folder for screenshots
//   CHROMIUM  the browser (default /usr/bin/chromium)
const { editorSel, log, screenshots, openWorkbench, openFile, findSetting, drive } = require('./workbench');

const env = process.env;
const shot = screenshots('next-');
const hold = (what) => fetch(env.HOLD + what).then((r) => r.text());

// eventually waits until f returns a truthy value, and returns it.
async function eventually(page, f, what, timeout = 20000) {
  const end = Date.now() + timeout;
  let last;
  while (Date.now() < end) {
    last = await f();
    if (last) {
      return last;
    }
    await page.waitForTimeout(50);
  }
  throw new Error(`${what}: not within ${timeout} ms`);
}

// gotoWord puts the cursor at line:col (1-based) and selects the word there.
async function gotoWord(page, line, col) {
  await page.keyboard.press('Control+g');
  const input = page.locator('.quick-input-widget .quick-input-box input').first();
  await input.waitFor({ timeout: 10000 });
  await input.fill(`:${line}:${col}`);
  await page.keyboard.press('Enter');
  await page.keyboard.press('Control+d');
}

// text returns the active editor's visible text.
async function text(page) {
  const t = await page.locator(editorSel).first().evaluate((el) => [...el.querySelectorAll('.view-line')].map((l) => l.textContent).join('\n'));
  return t.replace(/\u00a0/g, ' ');
}

// decorations returns what the editor shows besides its text: the text
// after a range (lode's replacement and hint are CSS ::after content) and
// the struck-through text.
async function decorations(page) {
  return page.locator(editorSel).first().evaluate((root) => {
    const out = { after: [], struck: [] };
    for (const el of root.querySelectorAll('.view-line span')) {
      const a = getComputedStyle(el, '::after').content;
      if (a && a !== 'none' && a !== 'normal') {
        out.after.push(a.replace(/^"|"$/g, ''));
      }
      if (getComputedStyle(el).textDecorationLine.includes('line-through') && el.children.length === 0) {
        out.struck.push(el.textContent);
      }
    }
    return out;
  });
}

async function selection(page) {
  return (await page.locator('#status\\.editor\\.selection').first().textContent()).trim();
}

async function main(page) {
  await openWorkbench(page, env.URL, env.READY);
  await openFile(page, 'greet.go');

  // Rename greeting at its declaration (line 4); the first answer with
  // edits is kept back by the proxy, and delivered once the name is typed
  // in full and its own suggestion shows.
  await hold('/hold');
  await gotoWord(page, 4, 6);
  await page.keyboard.type('salu', { delay: 40 });
  await eventually(page, async () => (await text(page)).includes('func salu('), 'typing "salu"');
  const held = await eventually(page, () => hold('/held'), 'an answer kept back');
  log(`kept back an answer proposing ${JSON.stringify(held)}`);
  await page.keyboard.type('te', { delay: 40 });
  let d = await eventually(page, async () => {
    const x = await decorations(page);
    return x.after.includes('salute') && x.struck.includes('greeting') && x;
  }, 'the suggestion for "salute"');
  log(`shown: ${JSON.stringify(d)}`);
  await hold('/release');
  log(`delivered the answer for ${JSON.stringify(held)} after the document changed`);
  await page.waitForTimeout(1500);
  d = await decorations(page);
  await shot(page, '1-suggested');
  if (held !== 'salute' && d.after.includes(held)) {
    throw new Error(`the answer for a version the editor no longer shows is shown: ${JSON.stringify(d)}`);
  }
  if (!d.after.includes('salute') || !d.struck.includes('greeting')) {
    throw new Error(`the suggestion is gone after the late answer: ${JSON.stringify(d)}`);
  }
  if (!(await text(page)).includes('return greeting("all")')) {
    throw new Error('the suggestion changed the text');
  }

  // Tab selects the edit's range, Tab again applies it.
  await page.keyboard.press('Tab');
  const sel = await eventually(page, async () => {
    const s = await selection(page);
    return s.startsWith('Ln 8,') && s.includes('(8 selected)') && s;
  }, 'Tab moving to the edit');
  log(`after Tab the selection is ${JSON.stringify(sel)}`);
  await page.keyboard.press('Tab');
  await eventually(page, async () => (await text(page)).includes('return salute("all")'), 'Tab applying the edit');
  log('after Tab again line 8 reads return salute("all")');
  d = await eventually(page, async () => {
    const x = await decorations(page);
    return x.after.some((a) => a.includes('next edit: main.go:6')) && x;
  }, 'the hint of the next edit, in main.go');
  log(`hint: ${JSON.stringify(d.after)}`);
  await shot(page, '2-hint');

  // Tab opens main.go at the edit, Tab applies it.
  await page.keyboard.press('Tab');
  await page.waitForSelector('.tab.active:has-text("main.go")', { timeout: 20000 });
  await eventually(page, async () => {
    const s = await selection(page);
    return s.startsWith('Ln 6,') && s.includes('(8 selected)');
  }, 'Tab moving to the edit in main.go');
  d = await eventually(page, async () => {
    const x = await decorations(page);
    return x.after.includes('salute') && x.struck.includes('greeting') && x;
  }, 'main.go showing the edit');
  log(`in main.go: ${JSON.stringify(d)}`);
  await shot(page, '3-main');
  await page.keyboard.press('Tab');
  await eventually(page, async () => (await text(page)).includes('fmt.Println(salute("lode"))'), 'Tab applying the edit in main.go');
  log('main.go line 6 reads fmt.Println(salute("lode"))');

  // An added parameter: Tab, Tab adds the argument at the call in
  // welcome, with its placeholder selected.
  await page.locator('.tab:has-text("greet.go")').first().click();
  await page.locator(editorSel).first().click();
  await gotoWord(page, 4, 24);
  await page.keyboard.press('Escape'); // the word selection; nothing is suggested yet
  await page.keyboard.type(', n int', { delay: 40 });
  await eventually(page, async () => (await decorations(page)).after.includes(', n'), 'the suggestion for the added parameter');
  await shot(page, '4-parameter');
  await page.keyboard.press('Tab');
  await eventually(page, async () => (await selection(page)).startsWith('Ln 8,'), 'Tab moving to the call');
  await page.keyboard.press('Tab');
  await eventually(page, async () => (await text(page)).includes('salute("all", n)'), 'Tab adding the argument');
  const placeholder = await eventually(page, async () => {
    const s = await selection(page);
    return s.includes('(1 selected)') && s;
  }, 'the placeholder selected');
  log(`the call reads salute("all", n), selection ${JSON.stringify(placeholder)}`);
  await page.keyboard.press('Escape'); // the call in main.go is still suggested

  // Esc dismisses: rename the parameter name in greet.go.
  await gotoWord(page, 4, 13);
  await page.keyboard.type('who', { delay: 40 });
  await eventually(page, async () => {
    const x = await decorations(page);
    return x.after.includes('who') && x.struck.includes('name');
  }, 'the suggestion for "who"');
  await shot(page, '5-before-dismiss');
  await page.keyboard.press('Escape');
  await eventually(page, async () => {
    const x = await decorations(page);
    return !x.after.includes('who') && x.struck.length === 0;
  }, 'Esc dismissing the suggestion');
  if (!(await text(page)).includes('"hello, " + name')) {
    throw new Error('dismissing changed the text');
  }
  await shot(page, '6-dismissed');
  log('Esc dismissed the suggestion');
  await page.keyboard.press('End');
  await page.keyboard.press('Tab');
  await page.keyboard.type('x');
  await eventually(page, async () => /string \{\s+x/.test(await text(page)), 'Tab indenting with nothing suggested');
  log('with nothing suggested, Tab inserts whitespace');

  // The setting that turns next edits off is in the Settings UI, on.
  const item = await findSetting(page, 'lode.nextEdit', 'Next Edit: Enabled');
  const checked = await item.locator('.setting-value-checkbox').first().getAttribute('aria-checked');
  await shot(page, '7-settings-ui');
  if (checked !== 'true') {
    throw new Error(`lode.nextEdit.enabled shows aria-checked=${checked} in the Settings UI`);
  }
  log('the Settings UI shows lode.nextEdit.enabled, on');
}

drive(main, shot);
