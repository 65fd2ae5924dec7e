#!/usr/bin/env bash
# Builds the AKS Identity Atlas image with buildah from deploy/Containerfile, FROM the local base made by
# deploy/build-base.sh (built first when missing). No image registry is contacted (--pull=never).
#
# Usage: deploy/build-image.sh [--tag TAG] [--base TAG] [--worktree]
#   --tag       image name (default localhost/aks-identity-atlas:<package.json version>)
#   --base      base image (default localhost/atlas-base:bookworm)
#   --worktree  build the working tree as it is (tracked and untracked, not ignored) instead of HEAD
#
# The build context is a throw-away copy (committed tree + hard links to the installed node_modules), so
# the checkout's own .next, .data and node_modules are never touched by the build.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
VERSION="$(sed -n 's/^  "version": "\(.*\)",$/\1/p' "$ROOT/package.json" | head -n1)"
TAG="localhost/aks-identity-atlas:${VERSION:-dev}"
BASE="localhost/atlas-base:bookworm"
WORKTREE=0
while [ $# -gt 0 ]; do
  case "$1" in
    --tag) TAG="$2"; shift 2 ;;
    --base) BASE="$2"; shift 2 ;;
    --worktree) WORKTREE=1; shift ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "build-image: unknown argument $1 (try --help)" >&2; exit 2 ;;
  esac
done

command -v buildah >/dev/null || { echo "build-image: buildah is not installed (apt-get install buildah)" >&2; exit 1; }
[ -x "$ROOT/node_modules/node/bin/node" ] || { echo "build-image: run npm ci first (node_modules/node is missing)" >&2; exit 1; }
if ! buildah inspect --type image "$BASE" >/dev/null 2>&1; then
  "$ROOT/deploy/build-base.sh" --tag "$BASE"
fi

CONTEXT="$(mktemp -d "${TMPDIR:-/tmp}/atlas-image-context.XXXXXX")"
trap 'rm -rf "$CONTEXT"' EXIT
if [ "$WORKTREE" = 1 ]; then
  (cd "$ROOT" && git ls-files -z --cached --others --exclude-standard | while IFS= read -r -d '' f; do
    [ -e "$f" ] && printf '%s\0' "$f"; done | tar --null -T - -cf -) | tar -x -C "$CONTEXT"
else
  git -C "$ROOT" archive --format=tar HEAD | tar -x -C "$CONTEXT"
fi
# Hard links: instant and no extra disk; the build works on the container's own copy of the files.
cp -al "$ROOT/node_modules" "$CONTEXT/node_modules" 2>/dev/null || {
  rm -rf "$CONTEXT/node_modules"
  cp -a "$ROOT/node_modules" "$CONTEXT/node_modules" # TMPDIR on another file system: a real copy
}

# RUN steps use chroot isolation: they need no OCI runtime, cgroups or user namespaces, which some
# machines (nested VMs, CI sandboxes) do not grant; the steps only build files.
buildah build --pull=never --isolation "${BUILDAH_ISOLATION:-chroot}" \
  --build-arg BASE_IMAGE="$BASE" \
  --label org.opencontainers.image.title="AKS Identity Atlas" \
  --label org.opencontainers.image.version="${VERSION:-dev}" \
  --label org.opencontainers.image.revision="$(git -C "$ROOT" rev-parse HEAD)" \
  -f "$ROOT/deploy/Containerfile" -t "$TAG" "$CONTEXT" >&2
echo "$TAG"
