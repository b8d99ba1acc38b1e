// Finding the lode executable: lode.path, then `lode` on PATH, then the
// binary bundled in the platform's package (bin/lode), in that order.
//
// PATH is searched here rather than left to spawn: VS Code's server
// rebuilds the extension host's environment from a login shell, whose
// PATH may lack the folder the user put lode in, and spawn then fails with
// ENOENT without saying which PATH it searched.
import * as fs from 'fs';
import * as path from 'path';

export interface Resolved {
  command: string;
  // Where it was found: "lode.path", "PATH" or "bundled".
  source: 'lode.path' | 'PATH' | 'bundled';
}

function executable(file: string): boolean {
  try {
    const st = fs.statSync(file);
    if (!st.isFile()) {
      return false;
    }
    if (process.platform !== 'win32') {
      fs.accessSync(file, fs.constants.X_OK);
    }
    return true;
  } catch {
    return false;
  }
}

const exe = process.platform === 'win32' ? 'lode.exe' : 'lode';

// onPath returns the first lode in the PATH folders, or undefined.
export function onPath(envPath: string | undefined): string | undefined {
  for (const dir of (envPath ?? '').split(path.delimiter)) {
    if (dir !== '' && executable(path.join(dir, exe))) {
      return path.join(dir, exe);
    }
  }
  return undefined;
}

// resolveServer returns the lode to start, or an error saying where it
// looked. configured is the lode.path setting; extensionPath is where the
// extension is installed.
export function resolveServer(configured: string, extensionPath: string, envPath: string | undefined): Resolved | Error {
  if (configured !== '') {
    if (!executable(configured)) {
      return new Error(`lode.path is ${configured}, which is not an executable file`);
    }
    return { command: configured, source: 'lode.path' };
  }
  const found = onPath(envPath);
  if (found !== undefined) {
    return { command: found, source: 'PATH' };
  }
  const bundled = path.join(extensionPath, 'bin', exe);
  if (!executable(bundled) && fs.existsSync(bundled)) {
    try {
      fs.chmodSync(bundled, 0o755); // an unpacker that dropped the mode
    } catch {
      // reported below
    }
  }
  if (executable(bundled)) {
    return { command: bundled, source: 'bundled' };
  }
  return new Error(`no lode found: lode.path is empty, PATH (${envPath ?? ''}) has none, and this package bundles none. Install lode, or set lode.path.`);
}
