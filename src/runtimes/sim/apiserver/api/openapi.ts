/**
 * A minimal OpenAPI v3 publication: the /openapi/v3 index and, per group version, the write operations with their
 * x-kubernetes-group-version-kind and the `fieldValidation` query parameter. That is what kubectl (≥1.27) reads to
 * decide that the server validates fields itself (QueryParamVerifierV3); without it `kubectl create -f` and
 * `kubectl apply` refuse to run ("failed to download openapi"). Schemas are not published (components are empty),
 * so kubectl explain has nothing to show.
 */
import type {KubeVersion} from '../version.js'
import {apiVersionOf, type ResourceRegistry, type ResourceType} from './resources.js'

const FIELD_VALIDATION = {name: 'fieldValidation', in: 'query', schema: {type: 'string', uniqueItems: true}}

function groupVersionPath(group: string, version: string): string {
  return group === '' ? `api/${version}` : `apis/${group}/${version}`
}

function groupVersions(registry: ResourceRegistry): Array<{group: string; version: string}> {
  const seen = new Map<string, {group: string; version: string}>()
  for (const type of registry.all) seen.set(`${type.group}/${type.version}`, {group: type.group, version: type.version})
  return [...seen.values()]
}

export function openApiV3Index(registry: ResourceRegistry): Record<string, unknown> {
  const paths: Record<string, unknown> = {}
  for (const {group, version} of groupVersions(registry)) {
    const path = groupVersionPath(group, version)
    paths[path] = {serverRelativeURL: `/openapi/v3/${path}?hash=kubelab-sim`}
  }
  return {paths}
}

function operation(type: ResourceType, action: string): Record<string, unknown> {
  return {
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': {group: type.group, version: type.version, kind: type.kind},
    parameters: [FIELD_VALIDATION],
    responses: {},
  }
}

export function openApiV3GroupVersion(registry: ResourceRegistry, version: KubeVersion, path: string): Record<string, unknown> | undefined {
  const match = groupVersions(registry).find((candidate) => groupVersionPath(candidate.group, candidate.version) === path)
  if (!match) return undefined
  const paths: Record<string, unknown> = {}
  for (const type of registry.inGroupVersion(match.group, match.version)) {
    const base = `/${groupVersionPath(type.group, type.version)}${type.namespaced ? '/namespaces/{namespace}' : ''}/${type.resource}`
    paths[base] = {post: operation(type, 'post')}
    if (!type.review) paths[`${base}/{name}`] = {put: operation(type, 'put'), patch: operation(type, 'patch')}
  }
  return {
    openapi: '3.0.0',
    info: {title: 'Kubernetes', version: version.gitVersion},
    paths,
    components: {schemas: {}},
    'x-kubelab-sim': `${apiVersionOf(match)} write operations only`,
  }
}
