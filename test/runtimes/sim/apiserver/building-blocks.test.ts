import {describe, expect, it} from '@jest/globals'
import {allocateServiceIp} from '../../../../src/runtimes/sim/apiserver/api/defaults.js'
import {jsonPatch, mergePatch} from '../../../../src/runtimes/sim/apiserver/api/patch.js'
import {requestInfoFor} from '../../../../src/runtimes/sim/apiserver/api/request-info.js'
import {humanDuration} from '../../../../src/runtimes/sim/apiserver/api/table.js'
import {labelSelectorMatcher} from '../../../../src/runtimes/sim/apiserver/api/selectors.js'
import {ruleAllows} from '../../../../src/runtimes/sim/apiserver/authz/rules.js'
import type {Attributes} from '../../../../src/runtimes/sim/apiserver/authz/types.js'
import {objectKey} from '../../../../src/runtimes/sim/apiserver/storage/keys.js'
import {parseCsvLine} from '../../../../src/runtimes/sim/apiserver/auth/token-file.js'
import {forbiddenMessage} from '../../../../src/runtimes/sim/apiserver/server/pipeline.js'

const user = {name: 'jane', groups: ['system:authenticated']}

function attributes(overrides: Partial<Attributes>): Attributes {
  return {user, verb: 'get', resourceRequest: true, path: '', apiGroup: '', apiVersion: 'v1', resource: 'pods', subresource: '', namespace: 'default', name: '', ...overrides}
}

describe('request info (requestinfo.go)', () => {
  const info = (method: string, path: string) => requestInfoFor(method, new URL(path, 'https://x'))

  it('derives verbs, namespaces and subresources', () => {
    expect(info('GET', '/api/v1/namespaces/default/pods')).toMatchObject({verb: 'list', namespace: 'default', resource: 'pods', name: ''})
    expect(info('GET', '/api/v1/pods?watch=true')).toMatchObject({verb: 'watch', namespace: '', resource: 'pods'})
    expect(info('POST', '/api/v1/namespaces/ns/serviceaccounts/sa/token')).toMatchObject({verb: 'create', resource: 'serviceaccounts', name: 'sa', subresource: 'token'})
    expect(info('DELETE', '/apis/rbac.authorization.k8s.io/v1/clusterroles')).toMatchObject({verb: 'deletecollection', apiGroup: 'rbac.authorization.k8s.io'})
  })

  it('gives a namespace its own name as namespace, as the real one does', () => {
    expect(info('GET', '/api/v1/namespaces/team')).toMatchObject({resource: 'namespaces', name: 'team', namespace: 'team'})
    expect(info('PUT', '/api/v1/namespaces/team/finalize')).toMatchObject({resource: 'namespaces', name: 'team', subresource: 'finalize'})
  })

  it('treats everything else as a non-resource request', () => {
    expect(info('GET', '/api')).toMatchObject({resourceRequest: false, verb: 'get', path: '/api'})
    expect(info('GET', '/apis/rbac.authorization.k8s.io/v1')).toMatchObject({resourceRequest: false})
  })
})

describe('RBAC rule matching', () => {
  it('matches verbs, groups, resources, subresources and names', () => {
    const rule = {verbs: ['get'], apiGroups: [''], resources: ['pods', 'pods/log'], resourceNames: ['web']}
    expect(ruleAllows(attributes({name: 'web'}), rule)).toBe(true)
    expect(ruleAllows(attributes({name: 'db'}), rule)).toBe(false)
    expect(ruleAllows(attributes({name: 'web', subresource: 'log'}), rule)).toBe(true)
    expect(ruleAllows(attributes({name: 'web', subresource: 'exec'}), rule)).toBe(false)
    expect(ruleAllows(attributes({subresource: 'status'}), {verbs: ['*'], apiGroups: ['*'], resources: ['*/status']})).toBe(true)
    expect(ruleAllows(attributes({apiGroup: 'apps'}), {verbs: ['get'], apiGroups: [''], resources: ['pods']})).toBe(false)
  })

  it('matches non-resource URLs exactly or by a trailing star', () => {
    const rule = {verbs: ['get'], nonResourceURLs: ['/healthz', '/apis/*']}
    expect(ruleAllows(attributes({resourceRequest: false, path: '/healthz'}), rule)).toBe(true)
    expect(ruleAllows(attributes({resourceRequest: false, path: '/apis/apps/v1'}), rule)).toBe(true)
    expect(ruleAllows(attributes({resourceRequest: false, path: '/api'}), rule)).toBe(false)
  })

  it('words denials as responsewriters.forbiddenMessage', () => {
    expect(forbiddenMessage(attributes({verb: 'list', namespace: ''}))).toBe('User "jane" cannot list resource "pods" in API group "" at the cluster scope')
    expect(forbiddenMessage(attributes({subresource: 'exec', verb: 'create'}))).toBe(
      'User "jane" cannot create resource "pods/exec" in API group "" in the namespace "default"',
    )
    expect(forbiddenMessage(attributes({resourceRequest: false, path: '/metrics'}))).toBe('User "jane" cannot get path "/metrics"')
  })
})

describe('small pieces', () => {
  it('lays out etcd keys as the real apiserver', () => {
    expect(objectKey('/registry', {resource: 'secrets', namespaced: true}, 'default', 'db')).toBe('/registry/secrets/default/db')
    expect(objectKey('/registry/', {resource: 'nodes', storagePath: 'minions', namespaced: false}, undefined, 'n1')).toBe('/registry/minions/n1')
  })

  it('prints ages like duration.HumanDuration', () => {
    expect([5_000, 119_000, 150_000, 600_000, 3 * 3600_000 + 60_000, 30 * 3600_000, 3 * 86400_000].map(humanDuration)).toEqual([
      '5s',
      '119s',
      '2m30s',
      '10m',
      '3h1m',
      '30h',
      '3d',
    ])
  })

  it('applies merge patches and JSON patches', () => {
    expect(mergePatch({a: 1, b: {c: 2, d: 3}}, {b: {c: null, e: 4}})).toEqual({a: 1, b: {d: 3, e: 4}})
    expect(jsonPatch({data: {a: '1'}, list: [1, 2]}, [
      {op: 'replace', path: '/data/a', value: '2'},
      {op: 'add', path: '/list/-', value: 3},
      {op: 'remove', path: '/list/0'},
    ])).toEqual({data: {a: '2'}, list: [2, 3]})
    expect(() => jsonPatch({}, [{op: 'remove', path: '/missing'}])).toThrow('doc is missing key: /missing')
  })

  it('matches label selectors', () => {
    const object = (labels: Record<string, string>) => ({metadata: {labels}})
    const matches = labelSelectorMatcher('tier in (db,cache),env!=prod,!legacy')
    expect(matches(object({tier: 'db', env: 'dev'}))).toBe(true)
    expect(matches(object({tier: 'db', env: 'prod'}))).toBe(false)
    expect(matches(object({tier: 'web'}))).toBe(false)
    expect(matches(object({tier: 'db', legacy: 'x'}))).toBe(false)
  })

  it('allocates the first free service IP of the range', () => {
    expect(allocateServiceIp('10.96.0.0/12', new Set())).toBe('10.96.0.1')
    expect(allocateServiceIp('10.96.0.0/12', new Set(['10.96.0.1', '10.96.0.2']))).toBe('10.96.0.3')
  })

  it('reads token-file CSV lines with quoted groups', () => {
    expect(parseCsvLine('abc,alice,1000,"dev,ops"')).toEqual(['abc', 'alice', '1000', 'dev,ops'])
  })
})
