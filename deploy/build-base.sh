#!/usr/bin/env bash
# Builds the image's base root filesystem from Debian packages with debootstrap and imports it as a
# local OCI image (no image registry is contacted). The Debian mirror is the one apt on this
# machine is configured with (/etc/apt/sources.list or /etc/apt/sources.list.d/*), so the only
# source of the base is the same archive the host installs its own packages from.
#
# Usage: deploy/build-base.sh [--tag localhost/atlas-base:bookworm] [--suite bookworm] [--workdir DIR]
# Needs root (debootstrap), debootstrap and buildah (apt-get install debootstrap buildah).
set -euo pipefail

TAG="localhost/atlas-base:bookworm"
SUITE=""
WORKDIR="${TMPDIR:-/tmp}/atlas-base"
while [ $# -gt 0 ]; do
  case "$1" in
    --tag) TAG="$2"; shift 2 ;;
    --suite) SUITE="$2"; shift 2 ;;
    --workdir) WORKDIR="$2"; shift 2 ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "build-base: unknown argument $1 (try --help)" >&2; exit 2 ;;
  esac
done

# Chromium renders the PDF reports (lib/reports/render-pdf.ts, /usr/bin/chromium); fonts so the
# reports have glyphs; ca-certificates for HTTPS to Azure, Graph and PostgreSQL; tini reaps
# Chromium's children as PID 1. Node 22 is not a Debian bookworm package: it comes from the
# project's own node_modules (the `node` npm package), copied in by the Containerfile.
PACKAGES="ca-certificates chromium fonts-liberation fonts-dejavu-core tini tzdata"

mirror_and_suite() {
  # deb822 (.sources) first, then the one-line format. Prints "<uri> <suite>" of the first
  # entry that serves the main Debian archive (not -security / -updates).
  local f
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    awk '
      /^[[:space:]]*$/ { if (uri != "" && suite != "" && types ~ /(^|[[:space:]])deb([[:space:]]|$)/) { print uri, suite; exit } uri=""; suite=""; types=""; next }
      /^Types:/ { sub(/^Types:[[:space:]]*/, ""); types=$0 }
      /^URIs:/ { if ($2 !~ /security/) uri=$2 }
      /^Suites:/ { for (i = 2; i <= NF; i++) if ($i !~ /-/) { suite=$i; break } }
      END { if (uri != "" && suite != "" && types ~ /(^|[[:space:]])deb([[:space:]]|$)/) print uri, suite }
    ' "$f" | head -n1
  done | head -n1 | grep . && return 0
  local l
  for l in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$l" ] || continue
    awk '$1 == "deb" { i = 2; if ($2 ~ /^\[/) { while ($i !~ /\]$/) i++; i++ } if ($(i) !~ /security/ && $(i+1) !~ /-/) { print $(i), $(i+1); exit } }' "$l"
  done | head -n1 | grep .
}

read -r MIRROR DETECTED_SUITE < <(mirror_and_suite || true) || true
if [ -z "${MIRROR:-}" ]; then
  echo "build-base: no Debian archive found in /etc/apt/sources.list or /etc/apt/sources.list.d/" >&2
  exit 1
fi
SUITE="${SUITE:-$DETECTED_SUITE}"
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg

for tool in debootstrap buildah; do
  command -v "$tool" >/dev/null || { echo "build-base: $tool is not installed (apt-get install $tool)" >&2; exit 1; }
done

ROOTFS="$WORKDIR/rootfs"
CACHE="$WORKDIR/cache"
cleanup() {
  umount "$ROOTFS/proc" 2>/dev/null || true
}
trap cleanup EXIT
rm -rf "$ROOTFS"
mkdir -p "$ROOTFS" "$CACHE"
echo "build-base: debootstrap $SUITE from $MIRROR into $ROOTFS" >&2
# minbase, then apt inside the tree: debootstrap's own resolver does not follow virtual packages
# (chromium → dconf-service → dbus-session-bus), apt does. Downloaded .debs stay in $CACHE for re-runs.
debootstrap --variant=minbase --cache-dir="$CACHE" --keyring="$KEYRING" "$SUITE" "$ROOTFS" "$MIRROR"
echo "deb $MIRROR $SUITE main" > "$ROOTFS/etc/apt/sources.list"
cp /etc/resolv.conf "$ROOTFS/etc/resolv.conf"
# No service may start inside the build tree.
printf '#!/bin/sh\nexit 101\n' > "$ROOTFS/usr/sbin/policy-rc.d"
chmod +x "$ROOTFS/usr/sbin/policy-rc.d"
mount -t proc proc "$ROOTFS/proc"
chroot "$ROOTFS" env DEBIAN_FRONTEND=noninteractive apt-get update
chroot "$ROOTFS" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $PACKAGES
umount "$ROOTFS/proc"
rm -f "$ROOTFS/usr/sbin/policy-rc.d" "$ROOTFS/etc/resolv.conf"

# Slim the tree: apt lists, caches, docs and man pages serve no purpose at run time.
chroot "$ROOTFS" apt-get clean
rm -rf "$ROOTFS"/var/lib/apt/lists/* "$ROOTFS"/var/cache/apt/*.bin "$ROOTFS"/usr/share/doc/* \
  "$ROOTFS"/usr/share/man/* "$ROOTFS"/usr/share/info/* "$ROOTFS"/var/log/*.log

TARBALL="$WORKDIR/rootfs.tar"
tar --numeric-owner -C "$ROOTFS" -cf "$TARBALL" .
buildah rmi -f "$TAG" >/dev/null 2>&1 || true
# `buildah import` does not exist; a scratch container with the tree added is the registry-free way.
ctr=$(buildah from scratch)
buildah add "$ctr" "$TARBALL" / >/dev/null
buildah config --label org.opencontainers.image.description="Debian $SUITE (debootstrap) with Chromium, for AKS Identity Atlas" \
  --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin --cmd /bin/bash "$ctr"
buildah commit --rm "$ctr" "$TAG" >/dev/null
rm -rf "$ROOTFS" "$TARBALL"
echo "build-base: $TAG"
