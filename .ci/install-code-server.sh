#!/usr/bin/env bash
# Installs code-server (VS Code in a browser) for the VS Code end-to-end
# test from the npm registry and Debian's packages alone: no download from
# GitHub, which its own installer needs.
#
#   .ci/install-code-server.sh [DEST]    (default $CODE_SERVER_HOME, else ~/.cache/lode-e2e/code-server)
#
# Needs Node 20 and the Debian packages build-essential python3 pkg-config
# libkrb5-dev libsecret-1-dev libxkbfile-dev ripgrep (.ci/run installs them).
# Takes 2-3 minutes and 340 MB; a second run with the same version is a no-op.
set -euo pipefail

VERSION=4.96.4   # VS Code 1.96.4, the last code-server release that runs on Node 20
DEST=${1:-${CODE_SERVER_HOME:-$HOME/.cache/lode-e2e/code-server}}
CS=$DEST/node_modules/code-server
VSCODE=$CS/lib/vscode
NPM="npm --no-audit --no-fund --loglevel=error"

if [ -f "$CS/out/node/entry.js" ] && [ -f "$DEST/.installed-$VERSION" ]; then
  echo "code-server $VERSION already in $DEST"
  exit 0
fi
for tool in node npm rg cc python3; do
  command -v $tool >/dev/null || { echo "install-code-server: $tool is missing" >&2; exit 1; }
done

mkdir -p "$DEST"
cd "$DEST"
[ -f package.json ] || echo '{"name":"lode-e2e-code-server","private":true}' > package.json

# code-server's postinstall fetches a git dependency from GitHub: install
# without scripts, then do by hand what the scripts would have done.
$NPM install --ignore-scripts "code-server@$VERSION"
$NPM rebuild argon2    # its prebuilt binary comes from GitHub; this builds it

cd "$VSCODE"
# The shrinkwrap pins @vscode/proxy-agent as a GitHub commit; the npm
# tarball of 0.27.0 has the same sha512 integrity.
sed -i 's#git+ssh://git@github.com/microsoft/vscode-proxy-agent.git\#0803e0a7d1249bcb64ae9d256d0ee732b7246ea5#https://registry.npmjs.org/@vscode/proxy-agent/-/proxy-agent-0.27.0.tgz#' npm-shrinkwrap.json
$NPM install --omit=dev --ignore-scripts
# @vscode/ripgrep downloads rg from GitHub in its postinstall; Debian's
# ripgrep 13.0.0 is the version it expects.
mkdir -p node_modules/@vscode/ripgrep/bin
cp "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
# Native modules, built with node-gyp.
$NPM rebuild @parcel/watcher @vscode/deviceid @vscode/spdlog @vscode/windows-process-tree \
  @vscode/windows-registry kerberos native-watchdog node-pty
# The links code-server's postinstall makes.
ln -sfn node_modules node_modules.asar
(cd bin/remote-cli && ln -sfn code-linux.sh code-server)
(cd bin/helpers && ln -sfn browser-linux.sh browser.sh)
# The built-in extensions' own dependencies (TypeScript for the TS/JS extension).
(cd extensions && $NPM install --omit=dev)

cd "$DEST"
version=$(XDG_CONFIG_HOME=$DEST/.xdg XDG_DATA_HOME=$DEST/.xdg node "$CS/out/node/entry.js" --config /dev/null --version | tail -1)
case "$version" in
  "$VERSION "*) touch "$DEST/.installed-$VERSION"; echo "code-server installed in $DEST: $version" ;;
  *) echo "install-code-server: unexpected version output: $version" >&2; exit 1 ;;
esac
