#!/usr/bin/env bash
# Prints the `podman run` flags this machine needs to run IMAGE (nothing on an ordinary host), by trying
# a trivial command in it. Some sandboxes refuse podman's defaults: no CAP_SYS_RESOURCE (so crun cannot
# raise RLIMIT_NOFILE/NPROC to podman's default ulimits), or cgroups in hybrid mode, which crun refuses
# and runc accepts. Each refusal is reported on stderr with podman's own error.
#
# Usage: deploy/container-run-flags.sh IMAGE
set -uo pipefail
IMAGE="${1:?usage: container-run-flags.sh IMAGE}"
NOFILE="$(ulimit -Hn)"
[ "$NOFILE" = unlimited ] && NOFILE=1048576
CANDIDATES=(
  ""
  "--ulimit nofile=$NOFILE:$NOFILE --ulimit nproc=4096:4096"
  "--runtime runc"
  "--runtime runc --ulimit nofile=$NOFILE:$NOFILE --ulimit nproc=4096:4096"
)
for flags in "${CANDIDATES[@]}"; do
  # shellcheck disable=SC2086 # flags are words on purpose
  if out=$(podman run --rm --network none --entrypoint /bin/true $flags "$IMAGE" 2>&1); then
    echo "$flags"
    exit 0
  fi
  echo "container-run-flags: podman run ${flags:-(defaults)} refused: $(echo "$out" | tail -n1)" >&2
done
echo "container-run-flags: this machine does not run containers with any of the flags tried" >&2
exit 1
