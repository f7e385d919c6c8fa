/** Discovery documents: /api, /apis, /apis/<group>, APIResourceLists, and /version. */
import type {KubeVersion} from '../version.js'
import {apiVersionOf, type ResourceRegistry, type ResourceType} from './resources.js'

const SUBRESOURCE_VERBS: Record<string, {kind: string; verbs: string[]; group?: string}> = {
  status: {kind: '', verbs: ['get', 'patch', 'update']},
  finalize: {kind: '', verbs: ['update']},
  token: {kind: 'TokenRequest', verbs: ['create'], group: 'authentication.k8s.io'},
}

export function apiVersions(serverAddress: string): Record<string, unknown> {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{clientCIDR: '0.0.0.0/0', serverAddress}],
  }
}

function groupDocument(registry: ResourceRegistry, group: string): Record<string, unknown> {
  const versions = [...new Set(registry.all.filter((type) => type.group === group).map((type) => type.version))]
  const preferred = versions[0] ?? 'v1'
  return {
    name: group,
    versions: versions.map((version) => ({groupVersion: `${group}/${version}`, version})),
    preferredVersion: {groupVersion: `${group}/${preferred}`, version: preferred},
  }
}

export function apiGroupList(registry: ResourceRegistry): Record<string, unknown> {
  return {kind: 'APIGroupList', apiVersion: 'v1', groups: registry.groups().map((group) => groupDocument(registry, group))}
}

export function apiGroup(registry: ResourceRegistry, group: string): Record<string, unknown> | undefined {
  if (!registry.groups().includes(group)) return undefined
  return {kind: 'APIGroup', apiVersion: 'v1', ...groupDocument(registry, group)}
}

function resourceEntry(type: ResourceType): Record<string, unknown> {
  const entry: Record<string, unknown> = {
    name: type.resource,
    singularName: type.singular,
    namespaced: type.namespaced,
    kind: type.kind,
    verbs: type.verbs,
  }
  if (type.shortNames.length > 0) entry['shortNames'] = type.shortNames
  if (type.categories) entry['categories'] = type.categories
  return entry
}

export function apiResourceList(registry: ResourceRegistry, group: string, version: string): Record<string, unknown> | undefined {
  const types = registry.inGroupVersion(group, version)
  if (types.length === 0) return undefined
  const resources: Record<string, unknown>[] = []
  for (const type of types) {
    resources.push(resourceEntry(type))
    for (const subresource of type.subresources) {
      const facts = SUBRESOURCE_VERBS[subresource]
      if (!facts) continue
      const entry: Record<string, unknown> = {
        name: `${type.resource}/${subresource}`,
        singularName: '',
        namespaced: type.namespaced,
        kind: facts.kind === '' ? type.kind : facts.kind,
        verbs: facts.verbs,
      }
      if (facts.group) Object.assign(entry, {group: facts.group, version: 'v1'})
      resources.push(entry)
    }
  }
  return {kind: 'APIResourceList', apiVersion: 'v1', groupVersion: apiVersionOf({group, version}), resources}
}

export function versionInfo(version: KubeVersion): Record<string, string> {
  const arch = process.arch === 'x64' ? 'amd64' : process.arch
  return {
    major: String(version.major),
    minor: String(version.minor),
    gitVersion: version.gitVersion,
    gitCommit: 'kubelab-sim',
    gitTreeState: 'clean',
    buildDate: '1970-01-01T00:00:00Z',
    goVersion: `kubelab-sim (node ${process.version})`,
    compiler: 'gc',
    platform: `${process.platform}/${arch}`,
  }
}
