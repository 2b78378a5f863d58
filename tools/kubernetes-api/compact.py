#!/usr/bin/env python3
"""Compacts one Kubernetes release's OpenAPI v2 document into the schema data obs-bootstrap's static checks read.

Usage: compact.py SWAGGER_JSON MINOR OUT_JSON_GZ
  SWAGGER_JSON  api/openapi-spec/swagger.json of a kubernetes/kubernetes release branch (release-1.31, ...)
  MINOR         "1.31"
  OUT_JSON_GZ   bootstrap-core/src/main/resources/obs-bootstrap/kubernetes-api/1.31.json.gz

What is kept: every kind the API serves (apiVersion/kind -> definition), and for every definition those kinds reach,
only what validation needs: type, format, enum, required, properties, items, additionalProperties and
x-kubernetes-preserve-unknown-fields. Descriptions are dropped (they are most of the bytes). The output is
deterministic (sorted keys, gzip without a timestamp), so regenerating an unchanged release changes nothing.

The Kubernetes OpenAPI document is published by the Kubernetes project under the Apache License 2.0; the files this
script writes are derived from it (see NOTICE in that directory).
"""
import gzip
import json
import sys

# Kinds that exist only as request/response bodies or subresources: nobody puts them in a manifest.
NOT_MANIFEST_KINDS = {
    'WatchEvent', 'DeleteOptions', 'Status', 'APIGroup', 'APIGroupList', 'APIResourceList', 'APIVersions',
    'Eviction', 'Scale', 'TokenRequest', 'TokenReview', 'SubjectAccessReview', 'SelfSubjectAccessReview',
    'LocalSubjectAccessReview', 'SelfSubjectRulesReview', 'SelfSubjectReview', 'Binding', 'ComponentStatus',
}


def main(source, minor, out):
    with open(source) as f:
        definitions = json.load(f)['definitions']
    kinds = {}
    for name, schema in definitions.items():
        for gvk in schema.get('x-kubernetes-group-version-kind', []):
            kind = gvk['kind']
            if kind.endswith('List') or kind in NOT_MANIFEST_KINDS:
                continue
            api_version = gvk['version'] if gvk['group'] == '' else gvk['group'] + '/' + gvk['version']
            kinds[api_version + '/' + kind] = name

    reached = set()

    def walk(node):
        if isinstance(node, dict):
            # JSONSchemaProps has a *property* called "$ref" whose value is a schema, not a string
            if isinstance(node.get('$ref'), str):
                target = node['$ref'].split('/')[-1]
                if target not in reached:
                    reached.add(target)
                    walk(definitions[target])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for name in kinds.values():
        reached.add(name)
        walk(definitions[name])

    def compact(schema):
        if isinstance(schema.get('$ref'), str):
            return {'$ref': schema['$ref'].split('/')[-1]}
        kept = {}
        for key in ('type', 'format', 'enum', 'required'):
            if key in schema:
                kept[key] = schema[key]
        if 'properties' in schema:
            kept['properties'] = {k: compact(v) for k, v in schema['properties'].items()}
        if 'items' in schema:
            kept['items'] = compact(schema['items'])
        if isinstance(schema.get('additionalProperties'), dict):
            kept['additionalProperties'] = compact(schema['additionalProperties'])
        if schema.get('x-kubernetes-preserve-unknown-fields'):
            kept['x-kubernetes-preserve-unknown-fields'] = True
        return kept

    result = {
        'kubernetesVersion': minor,
        'source': 'kubernetes/kubernetes release-' + minor + ' api/openapi-spec/swagger.json (Apache License 2.0)',
        'kinds': dict(sorted(kinds.items())),
        'definitions': {name: compact(definitions[name]) for name in sorted(reached)},
    }
    data = json.dumps(result, separators=(',', ':'), sort_keys=True).encode()
    with gzip.GzipFile(out, 'wb', mtime=0) as f:
        f.write(data)
    print('%s: %d kinds, %d definitions, %d bytes' % (minor, len(kinds), len(reached), len(data)), file=sys.stderr)


if __name__ == '__main__':
    main(*sys.argv[1:4])
