# Sourced, not run: puts Node.js 24 (the LTS Pulse is built and measured on, .nvmrc) first on
# PATH when the machine's node is older. Node 20 left support in April 2026, and on it the
# AsyncLocalStorage behind the per-request statement count runs a hook for every promise; Node 24
# keeps that context without hooks (README, Benchmarks). The official build comes from the npm
# registry (package node-linux-<arch>), which `npm ci` needs anyway, and is kept under ~/.cache
# so a second run does not fetch it again.

PULSE_NODE_VERSION="$(cat "$(dirname "${BASH_SOURCE[0]}")/../.nvmrc")"

if ! node -e "process.exit(process.versions.node.split('.')[0] >= ${PULSE_NODE_VERSION%%.*} ? 0 : 1)" 2>/dev/null; then
  pulse_node_dir="${XDG_CACHE_HOME:-$HOME/.cache}/pulse/node-v${PULSE_NODE_VERSION}"
  if [ ! -x "$pulse_node_dir/bin/node" ]; then
    pulse_node_arch="$(uname -m | sed -e 's/x86_64/x64/' -e 's/aarch64/arm64/')"
    pulse_node_tmp="$(mktemp -d)"
    (cd "$pulse_node_tmp" && npm pack --silent "node-linux-${pulse_node_arch}@${PULSE_NODE_VERSION}" >/dev/null)
    mkdir -p "$pulse_node_dir"
    tar -xzf "$pulse_node_tmp"/node-linux-*.tgz -C "$pulse_node_dir" --strip-components=1
    rm -rf "$pulse_node_tmp"
  fi
  export PATH="$pulse_node_dir/bin:$PATH"
fi
echo "node $(node --version)"
