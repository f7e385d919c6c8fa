import {afterAll, beforeAll, describe, expect, it} from '@jest/globals'
import {etcdRange, prefixRangeEnd} from '../../src/probes/etcd.js'
import {httpProbe} from '../../src/probes/http.js'
import {startEtcd, type RunningEtcd} from '../support/etcd.js'

describe('etcd probes against a real plaintext etcd', () => {
  let etcd: RunningEtcd
  beforeAll(async () => {
    etcd = await startEtcd()
    const seed: [string, string][] = [
      ['/registry/secrets/default/db-password', 'hunter2'],
      ['/registry/secrets/kube-system/token', 'eyJ'],
      ['/registry/namespaces/default', '{}'],
    ]
    for (const [key, value] of seed) {
      const put = await httpProbe({
        url: `${etcd.clientUrl}/v3/kv/put`,
        method: 'POST',
        body: JSON.stringify({key: Buffer.from(key).toString('base64'), value: Buffer.from(value).toString('base64')}),
        timeoutMs: 3000,
      })
      expect(put.ok && put.status).toBe(200)
    }
  })
  afterAll(async () => etcd?.stop())

  it('computes the prefix range end the way etcdctl does', () => {
    expect(prefixRangeEnd('/registry/secrets/')).toBe('/registry/secrets0')
    expect(prefixRangeEnd('a')).toBe('b')
  })

  it('reads every key under a prefix with values, as an attacker would', async () => {
    const result = await etcdRange({baseUrl: etcd.clientUrl, key: '/registry/secrets/', prefix: true, timeoutMs: 3000})
    expect(result.range?.count).toBe(2)
    expect(result.range?.kvs).toEqual([
      {key: '/registry/secrets/default/db-password', value: 'hunter2'},
      {key: '/registry/secrets/kube-system/token', value: 'eyJ'},
    ])
  })

  it('counts keys without reading them', async () => {
    const result = await etcdRange({baseUrl: etcd.clientUrl, key: '/registry/', prefix: true, countOnly: true, timeoutMs: 3000})
    expect(result.range).toEqual({count: 3, kvs: []})
  })

  it('reports the transport failure when etcd is not there', async () => {
    const result = await etcdRange({baseUrl: 'http://127.0.0.1:1', key: '/', prefix: true, timeoutMs: 1000})
    expect(result.range).toBeUndefined()
    expect(result.probe).toMatchObject({ok: false, failure: 'refused'})
  })
})
