#!/usr/bin/env bash
# Runs the image tarball without a container engine: unpacks its layers into a root filesystem, then runs the
# image's own entrypoint, user, environment and working directory in it with chroot, /proc bound as a container
# runtime would. Only the image's files are visible to the process, so a missing library, module or resource fails
# here as it would in a pod. Needs root (chroot, mount) and python3.
#
#   tools/image/test-image.sh [TAR]     # default: obs-bootstrap-cli/target/obs-bootstrap-image.tar
set -euo pipefail
tar_file="${1:-$(cd "$(dirname "$0")/../.." && pwd)/obs-bootstrap-cli/target/obs-bootstrap-image.tar}"
work="$(mktemp -d)"
rootfs="$work/rootfs"
cleanup() { umount "$rootfs/proc" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

mkdir -p "$work/archive" "$rootfs"
tar -xf "$tar_file" -C "$work/archive"
# manifest.json (docker-archive): the config and the layers in order
python3 - "$work/archive" "$rootfs" "$work/run.env" <<'PY'
import json, os, shlex, sys, tarfile
archive, rootfs, env_out = sys.argv[1:4]
manifest = json.load(open(os.path.join(archive, "manifest.json")))[0]
config = json.load(open(os.path.join(archive, manifest["Config"])))["config"]
for layer in manifest["Layers"]:
    with tarfile.open(os.path.join(archive, layer)) as t:
        t.extractall(rootfs)
with open(env_out, "w") as f:
    f.write("ENTRYPOINT=(%s)\n" % " ".join(shlex.quote(a) for a in config.get("Entrypoint") or []))
    f.write("IMAGE_ENV=(%s)\n" % " ".join(shlex.quote(e) for e in config.get("Env") or []))
    f.write("IMAGE_USER=%s\n" % shlex.quote(config.get("User") or "0:0"))
    f.write("IMAGE_WORKDIR=%s\n" % shlex.quote(config.get("WorkingDir") or "/"))
    print("layers: %d, entrypoint: %s, user: %s" % (len(manifest["Layers"]), config.get("Entrypoint"), config.get("User")))
PY
# shellcheck disable=SC1091
source "$work/run.env"
mount --bind /proc "$rootfs/proc"

chroot_bin="$(command -v chroot)"   # env -i below clears PATH
run() {
  # env -i: the image's environment only, as the runtime sets it
  env -i "${IMAGE_ENV[@]}" "$chroot_bin" --userspec="$IMAGE_USER" "$rootfs" \
    /opt/java/bin/java -version >/dev/null 2>&1 || { echo "the image's java does not start" >&2; return 99; }
  (cd / && env -i "${IMAGE_ENV[@]}" "$chroot_bin" --userspec="$IMAGE_USER" "$rootfs" "${ENTRYPOINT[@]}" "$@")
}

failures=0
check() {
  local expected="$1"; shift
  local code=0
  run "$@" > "$work/out" 2> "$work/err" || code=$?
  if [ "$code" = "$expected" ]; then
    echo "ok   (exit $code) obs-bootstrap $*"
  else
    echo "FAIL (exit $code, expected $expected) obs-bootstrap $*"; sed 's/^/     /' "$work/err" | tail -20
    failures=$((failures + 1))
  fi
}

check 0 version
check 0 --help
check 1 compare dev prod -o json          # differ: exit 1, with the JSON on stdout
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["same"] is False and d["components"]' "$work/out" \
  && echo "ok   compare's JSON parses and lists components" || { echo "FAIL compare's JSON"; failures=$((failures + 1)); }
check 0 export --format flux --verify-cronjob --out /tmp/export
check 2 export --out /tmp/nothing         # bad input: no format
umount "$rootfs/proc"
echo "image: $(du -h "$tar_file" | cut -f1) tarball, root filesystem $(du -sh "$rootfs" | cut -f1)"
exit "$failures"
