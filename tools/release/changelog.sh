#!/usr/bin/env bash
# CHANGELOG.md from the commits: one section per release tag (vMAJOR.MINOR.PATCH, newest first) plus "Unreleased"
# for what came after the last tag, each commit as one entry (its subject, which in this repository says why) with
# its short hash. Merge commits are listed as they are: a merge subject names the issue it closes.
#
#   tools/release/changelog.sh > CHANGELOG.md            # the whole history
#   tools/release/changelog.sh --notes v1.2.0            # one release's entries, for the release page
set -euo pipefail
cd "$(dirname "$0")/../.."

semver='^v[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$'
mapfile -t tags < <(git tag --list 'v*' --sort=-v:refname | grep -E "$semver" || true)

entries() { # range
  git log --no-decorate --format='- %s (%h)' "$1"
}

if [ "${1:-}" = "--notes" ]; then
  tag="${2:?--notes needs a tag}"
  previous=""
  for i in "${!tags[@]}"; do
    if [ "${tags[$i]}" = "$tag" ] && [ $((i + 1)) -lt ${#tags[@]} ]; then previous="${tags[$((i + 1))]}"; fi
  done
  entries "${previous:+$previous..}$tag"
  exit 0
fi

echo "# Changelog"
echo
echo "Generated from the commits by tools/release/changelog.sh; versions follow semantic versioning"
echo "(MAJOR: a config key, profile or exit code changes meaning; MINOR: a command or option is added; PATCH: fixes)."
head="HEAD"
unreleased=$(entries "${tags[0]:+${tags[0]}..}$head")
if [ -n "$unreleased" ]; then
  printf '\n## Unreleased\n\n%s\n' "$unreleased"
fi
for i in "${!tags[@]}"; do
  tag="${tags[$i]}"
  next="${tags[$((i + 1))]:-}"
  printf '\n## %s (%s)\n\n%s\n' "${tag#v}" "$(git log -1 --format=%cs "$tag")" "$(entries "${next:+$next..}$tag")"
done
