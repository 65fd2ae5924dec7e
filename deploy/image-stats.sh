#!/usr/bin/env bash
# Prints the image's size and its start time: from `podman run` to the first healthy GET /api/health
# (migrations included, demo history off). Uses DATABASE_URL when set (an external PostgreSQL, as in
# production); without it the container starts its embedded PostgreSQL, so the time includes initdb.
#
# Usage: deploy/image-stats.sh [IMAGE]   (default localhost/aks-identity-atlas:<package.json version>)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
VERSION="$(sed -n 's/^  "version": "\(.*\)",$/\1/p' "$ROOT/package.json" | head -n1)"
IMAGE="${1:-localhost/aks-identity-atlas:${VERSION:-dev}}"
DEADLINE_SECONDS="${ATLAS_STATS_DEADLINE_SECONDS:-600}"

podman image exists "$IMAGE" || { echo "image-stats: no image $IMAGE (deploy/build-image.sh builds it)" >&2; exit 1; }
read -r -a FLAGS <<<"$("$ROOT/deploy/container-run-flags.sh" "$IMAGE")"
SIZE_BYTES="$(podman image inspect --format '{{.Size}}' "$IMAGE")"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
ENV=(-e HOST=127.0.0.1 -e PORT="$PORT" -e ATLAS_DEMO_HISTORY=0 -e ATLAS_SCAN_ON_START=0)
[ -n "${DATABASE_URL:-}" ] && ENV+=(-e DATABASE_URL="$DATABASE_URL" -e ATLAS_SECRET_KEY="image-stats-key-$(date +%s)-0123456789abcdef")

START_NS="$(date +%s%N)"
# The host's network, so a DATABASE_URL on 127.0.0.1 works; a read-only root with a writable /tmp and data
# folder, as on Kubernetes (an anonymous volume keeps the image's ownership of /var/lib/atlas, like fsGroup).
CID="$(podman run -d --network host --read-only --tmpfs /tmp -v /var/lib/atlas "${FLAGS[@]}" "${ENV[@]}" "$IMAGE" web)"
trap 'podman rm -f -v "$CID" >/dev/null 2>&1 || true' EXIT
until curl -fsS -o /dev/null "http://127.0.0.1:$PORT/api/health" 2>/dev/null; do
  if [ "$(podman inspect --format '{{.State.Running}}' "$CID")" != true ]; then
    echo "image-stats: the container stopped before it was healthy:" >&2
    podman logs "$CID" >&2 || true
    exit 1
  fi
  if [ $(( ($(date +%s%N) - START_NS) / 1000000000 )) -ge "$DEADLINE_SECONDS" ]; then
    echo "image-stats: not healthy after ${DEADLINE_SECONDS}s" >&2
    podman logs "$CID" >&2 || true
    exit 1
  fi
  sleep 0.2
done
END_NS="$(date +%s%N)"
awk -v b="$SIZE_BYTES" -v ms="$(( (END_NS - START_NS) / 1000000 ))" -v img="$IMAGE" -v db="${DATABASE_URL:+external PostgreSQL}" 'BEGIN {
  printf "image: %s\nimage size: %.0f MB (%d bytes)\nstart time: %.1f s to a healthy /api/health (%s)\n", img, b / 1e6, b, ms / 1000, db == "" ? "embedded PostgreSQL, initdb included" : db
}'
