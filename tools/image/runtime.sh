#!/usr/bin/env bash
# The image's whole root filesystem below the application, built here, without a Docker daemon or a registry:
# a jlink'd Java runtime, the shared libraries it and Helm's native library link against (copied from this build
# host, resolved by ldd), a passwd entry for the non-root user and a /tmp. Jib then builds the image FROM scratch with
# this directory as an extra layer (obs-bootstrap-cli's 'image' profile), so the image holds nothing the tool does
# not run: no shell, no package manager.
#
#   tools/image/runtime.sh [OUT]      # default OUT: obs-bootstrap-cli/target/image-root
#
# Needs a JDK 17 (jlink) and ldd; the host's architecture is the image's. Reads Helm's native library out of
# helm-java's platform jar in the local Maven repository (any build of the project has put it there).
set -euo pipefail

root_dir="$(cd "$(dirname "$0")/../.." && pwd)"
out="$(realpath -m "${1:-$root_dir/obs-bootstrap-cli/target/image-root}")"
helm_java="$(sed -n 's:.*<helm-java.version>\(.*\)</helm-java.version>.*:\1:p' "$root_dir/pom.xml")"
case "$(uname -m)" in x86_64) platform=linux-amd64 ;; aarch64) platform=linux-arm64 ;; *) platform=unknown ;; esac
jar="${MAVEN_REPOSITORY:-$HOME/.m2/repository}/com/marcnuri/helm-java/$platform/$helm_java/$platform-$helm_java.jar"
[ -f "$jar" ] || { echo "runtime.sh: $jar not found; build the project once (mvn package) to fetch it" >&2; exit 2; }

rm -rf "$out"
mkdir -p "$out/opt" "$out/etc" "$out/tmp" "$out/proc"

# jdeps on the shaded jar names java.base, java.logging and jdk.unsupported; the others are what the libraries reach
# by reflection or service loading, which jdeps cannot see: java.desktop (java.beans, jinjava's EL resolver),
# java.naming and jdk.crypto.ec (TLS to API servers and chart repositories), java.sql (Jackson's date types),
# java.management (JMX beans some libraries register), java.net.http, java.xml, jdk.zipfs (chart archives).
modules=java.base,java.logging,jdk.unsupported,java.desktop,java.naming,jdk.crypto.ec,java.sql,java.management,java.net.http,java.xml,jdk.zipfs,java.scripting
jlink --add-modules "$modules" --strip-debug --no-header-files --no-man-pages --compress=2 --output "$out/opt/java"

# AWT's native libraries (java.desktop comes for java.beans, not for a display): dropped, with the X11, font and
# sound libraries they would drag in
for lib in libawt.so libawt_xawt.so libawt_headless.so libjawt.so libsplashscreen.so libjsound.so libfontmanager.so \
           liblcms.so libjavajpeg.so libmlib_image.so; do
  rm -f "$out/opt/java/lib/$lib"
done

# Helm's native library (a Go c-shared object), unpacked from the jar only to ask ldd what it links against
helm_so="$(mktemp -d)"
(cd "$helm_so" && unzip -q -o "$jar" '*.so' 2>/dev/null || true)

copy_deps() {
  # a library of another architecture (JNA ships several) is "not a dynamic executable" for ldd: nothing to copy
  { ldd "$1" 2>/dev/null || true; } | awk '/=> \// {print $3} /^\t\/.*ld-linux/ {print $1}' | while read -r lib; do
    case "$lib" in "$out"/*) continue ;; esac   # the runtime's own libraries, already in place
    if [ ! -e "$out$lib" ]; then
      mkdir -p "$out$(dirname "$lib")"
      cp -L "$lib" "$out$lib"
    fi
  done
}
while IFS= read -r elf; do
  copy_deps "$elf"
done < <(find "$out/opt/java" "$helm_so" -type f \( -name '*.so' -o -path '*/bin/*' \))
rm -rf "$helm_so"

# the dynamic loader at the path the binaries ask for (/lib64 on amd64, /lib on arm64)
for loader in /lib64/ld-linux-x86-64.so.2 /lib/ld-linux-aarch64.so.1; do
  if [ -e "$loader" ] && [ ! -e "$out$loader" ]; then
    mkdir -p "$out$(dirname "$loader")"
    cp -L "$loader" "$out$loader"
  fi
done

printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/tmp:/sbin/nologin\n' > "$out/etc/passwd"
printf 'root:x:0:\nnonroot:x:65532:\n' > "$out/etc/group"
echo "runtime.sh: $out ($(du -sh "$out" | cut -f1)), modules $modules"
