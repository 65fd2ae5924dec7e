#!/bin/sh
# The image's entrypoint: the first argument chooses what this container is. Also runs outside a
# container from a checkout (ATLAS_APP_DIR or this script's parent directory), which is how its
# dispatch is tested without a container runtime (tests/deploy-entrypoint.int.test.ts).
set -eu

APP_DIR="${ATLAS_APP_DIR:-$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd)}"
cd "$APP_DIR"
NODE="${ATLAS_NODE:-node}"
TSX="$APP_DIR/node_modules/tsx/dist/cli.mjs"

usage() {
  cat <<'USAGE'
usage: <image> COMMAND [ARGS…]
  web            serve the dashboard and API on $HOST:$PORT (default)
  worker         run queued scans, schedules and retention (scale this one)
  scan [ARGS…]   one-shot scan: aks-atlas scan ARGS (exit 0 succeeded, 2 partial, 1 failed)
  migrate        apply pending database migrations and exit
  cli ARGS…      any aks-atlas command (aks-atlas --help)
  cron           POST $ATLAS_CRON_URL (/api/cron/scan) with $ATLAS_CRON_SECRET: the CronJob
  help           this text
Every command reads DATABASE_URL (an external PostgreSQL) and migrates it under an advisory lock.
USAGE
}

command="${1:-web}"
[ $# -gt 0 ] && shift
case "$command" in
  web)
    [ $# -eq 0 ] || { echo "entrypoint: web takes no arguments (got: $*)" >&2; exit 64; }
    # In the image .next/cache links to /tmp/next-cache (the root is read-only); /tmp starts empty.
    mkdir -p "${TMPDIR:-/tmp}/next-cache" 2>/dev/null || true
    # a larger young generation for the pages' short-lived render garbage (docs/performance.md, "Pages")
    exec "$NODE" --expose-gc --max-semi-space-size=32 deploy/serve.mjs ;;
  worker)
    [ $# -eq 0 ] || { echo "entrypoint: worker takes no arguments (got: $*)" >&2; exit 64; }
    exec "$NODE" --expose-gc "$TSX" lib/jobs/worker-main.ts ;;
  scan)
    exec "$NODE" --expose-gc bin/aks-atlas.mjs scan "$@" ;;
  migrate)
    [ $# -eq 0 ] || { echo "entrypoint: migrate takes no arguments (got: $*)" >&2; exit 64; }
    exec "$NODE" "$TSX" lib/db/migrate-cli.ts ;;
  cron)
    [ $# -eq 0 ] || { echo "entrypoint: cron takes no arguments (got: $*)" >&2; exit 64; }
    exec "$NODE" deploy/cron-trigger.mjs ;;
  cli|aks-atlas)
    exec "$NODE" --expose-gc bin/aks-atlas.mjs "$@" ;;
  help|-h|--help)
    usage ;;
  *)
    echo "entrypoint: unknown command \"$command\"" >&2
    usage >&2
    exit 64 ;;
esac
