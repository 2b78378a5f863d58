#!/usr/bin/env bash
# The container image as a tarball, with no Docker daemon and no registry:
#   1. the root filesystem below the application (tools/image/runtime.sh: jlink'd runtime + its libraries),
#   2. the build with profile 'image': Jib FROM scratch, that filesystem as a layer, the application's classes and
#      libraries from this reactor, written as obs-bootstrap-cli/target/obs-bootstrap-image.tar (docker load,
#      podman load and skopeo copy docker-archive:... read it).
# To push instead (CI): -Dimage.goal=build -Dimage.name=REGISTRY/NAME -Djib.to.auth.username=... in MAVEN_ARGS.
set -euo pipefail
cd "$(dirname "$0")/../.."
tools/image/runtime.sh obs-bootstrap-cli/target/image-root
mvn ${MAVEN_ARGS:-} -B -q -Pimage -pl obs-bootstrap-cli -am package -DskipTests
ls -l obs-bootstrap-cli/target/obs-bootstrap-image.tar 2>/dev/null || true
