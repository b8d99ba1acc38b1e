// Packages the extension for one platform with its server inside, as
// bin/lode (bin/lode.exe on Windows): `lode.path`, then PATH, then this
// binary (src/server.ts).
//
//   node scripts/package.mjs --lode PATH [--target TARGET] [--out FILE]
//
// TARGET is a VS Code platform (linux-x64, linux-arm64, darwin-x64,
// darwin-arm64, win32-x64, win32-arm64, alpine-x64...); the default is this
// machine's. The lode binary must be built for it (make vscode does, for
// this machine).
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const args = process.argv.slice(2);
const flag = (name) => {
  const i = args.indexOf(name);
  return i < 0 ? undefined : args[i + 1];
};
const lode = flag('--lode');
const target = flag('--target') ?? `${process.platform}-${process.arch}`;
const out = path.resolve(flag('--out') ?? path.join(root, `lode-${target}.vsix`));
if (lode === undefined || !fs.existsSync(lode)) {
  console.error('usage: node scripts/package.mjs --lode PATH [--target TARGET] [--out FILE]');
  process.exit(2);
}

const bin = path.join(root, 'bin');
fs.rmSync(bin, { recursive: true, force: true });
fs.mkdirSync(bin);
const exe = path.join(bin, target.startsWith('win32') ? 'lode.exe' : 'lode');
fs.copyFileSync(lode, exe);
fs.chmodSync(exe, 0o755);

const run = (cmd, argv) => execFileSync(cmd, argv, { cwd: root, stdio: 'inherit' });
run('npx', ['tsc', '--noEmit', '-p', '.']);
run('node', ['esbuild.mjs', '--minify']);
run('npx', ['vsce', 'package', '--no-dependencies', '--skip-license', '--target', target, '-o', out]);
console.log(out);
