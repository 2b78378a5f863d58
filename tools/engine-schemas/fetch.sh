#!/usr/bin/env sh
# Fetches the GitOps engines' CRDs that `export`'s tests validate against, at the released tags the export is written
# for. None of them is committed: they are upstream files (Apache-2.0) and this script is how CI and developers get them.
#
#   tools/engine-schemas/fetch.sh [DIR]          # default DIR: target/engine-schemas
#   OBS_BOOTSTRAP_ENGINE_SCHEMAS=DIR ./mvnw -pl obs-bootstrap-cli test -Dtest='Export*'
#
# Without the files, the schema tests are skipped and say why. With ENGINE_SCHEMAS_MIRROR=/path/of/git/clones
# (owner+name/repo per repository, as `git clone --mirror` lays them out) the files are read from local clones
# with `git show` instead of downloaded.
set -eu

dir="${1:-target/engine-schemas}"
mkdir -p "$dir"

# repository tag path
while read -r repo tag path; do
  out="$dir/$(basename "$path")"
  if [ -n "${ENGINE_SCHEMAS_MIRROR:-}" ]; then
    git -C "$ENGINE_SCHEMAS_MIRROR/$(echo "$repo" | tr / +)/repo" show "$tag:$path" > "$out"
  else
    curl -fsSL "https://raw.githubusercontent.com/$repo/$tag/$path" -o "$out"
  fi
  echo "$repo@$tag $path -> $out"
done <<'LIST'
fluxcd/helm-controller v1.6.3 config/crd/bases/helm.toolkit.fluxcd.io_helmreleases.yaml
fluxcd/source-controller v1.9.1 config/crd/bases/source.toolkit.fluxcd.io_helmrepositories.yaml
fluxcd/source-controller v1.9.1 config/crd/bases/source.toolkit.fluxcd.io_ocirepositories.yaml
fluxcd/kustomize-controller v1.9.4 config/crd/bases/kustomize.toolkit.fluxcd.io_kustomizations.yaml
argoproj/argo-cd v3.5.1 manifests/crds/application-crd.yaml
argoproj/argo-cd v3.5.1 manifests/crds/applicationset-crd.yaml
LIST
