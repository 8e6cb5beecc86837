#!/usr/bin/env bash
# The main job (`npm start`): build the package, start the CHS and Athena simulators and a real
# n8n with this package installed, deploy the template workflows, send a sample submission and
# keep everything running until Ctrl+C. The work is done by scripts/demo.ts; this wrapper only
# checks that npm put Node 24 first on PATH, because n8n 2.x and node:sqlite need it.
set -euo pipefail
cd "$(dirname "$0")/.."

node_major="$(node -p 'process.versions.node.split(".")[0]')"
if [[ "$node_major" != "24" ]]; then
  echo "The demo needs Node.js 24, but 'node' on PATH is $(node --version)." >&2
  echo "Run it through npm so the Node 24 from devDependencies is used: npm ci && npm start" >&2
  exit 1
fi

if [[ ! -d node_modules/n8n-workflow ]]; then
  echo "Dependencies are missing. Run 'npm ci' first, then 'npm start'." >&2
  exit 1
fi

exec npx tsx scripts/demo.ts "$@"
