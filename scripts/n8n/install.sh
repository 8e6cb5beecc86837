#!/usr/bin/env bash
# Install the pinned n8n into a cache folder outside the clone, once.
# Fresh clones (CI) reuse the cache. The marker file is written only after a
# complete install, so an interrupted install is removed and redone. flock
# keeps two processes from installing into the same folder at once.
set -euo pipefail

N8N_VERSION="${N8N_VERSION:-2.41.1}"
CACHE_ROOT="${CONTACT_HUB_CACHE:-$HOME/.cache/n8n-nodes-contact-hub}"
INSTALL_DIR="$CACHE_ROOT/n8n-$N8N_VERSION"
MARKER="$INSTALL_DIR/.install-complete"

mkdir -p "$CACHE_ROOT"
exec 9>"$CACHE_ROOT/n8n-$N8N_VERSION.lock"
flock 9

if [[ -f "$MARKER" ]]; then
  echo "n8n $N8N_VERSION already installed in $INSTALL_DIR"
  exit 0
fi

echo "Installing n8n $N8N_VERSION into $INSTALL_DIR (about 5 minutes and 2.8 GB)"
rm -rf "$INSTALL_DIR"
mkdir -p "$INSTALL_DIR"
cd "$INSTALL_DIR"
printf '{\n  "name": "contact-hub-n8n-runtime",\n  "private": true\n}\n' > package.json

# A plain install fails because a native dependency (@confluentinc/kafka-javascript)
# downloads a prebuilt library. n8n runs without install scripts once the
# SQLite driver that it uses for its own database is built.
npm install --ignore-scripts --no-audit --no-fund --loglevel=error "n8n@$N8N_VERSION"
npm rebuild sqlite3 --loglevel=error

test -x node_modules/.bin/n8n
date -u +%Y-%m-%dT%H:%M:%SZ > "$MARKER"
echo "n8n $N8N_VERSION installed in $INSTALL_DIR"
