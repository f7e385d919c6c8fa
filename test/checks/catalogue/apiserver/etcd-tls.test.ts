import {afterAll, beforeAll, describe, expect, it} from '@jest/globals'
import {etcdTlsCheck} from '../../../../src/checks/catalogue/apiserver/etcd-tls.js'
import {writeApiserverNodeRoot} from '../../../support/fixtures/apiserver-node-root.js'
import {apiTarget, runCheck} from '../../../support/fixtures/apiserver-target.js'
import {startEtcd, type RunningEtcd} from '../../../support/etcd.js'
import {startHostileServer} from '../../../support/hostile-servers.js'
import {freePort} from '../../../support/ports.js'

const TLS_FILES = ['--etcd-cafile=/etc/kubernetes/pki/etcd/ca.crt', '--etcd-certfile=/etc/kubernetes/pki/apiserver-etcd-client.crt', '--etcd-keyfile=/etc/kubernetes/pki/apiserver-etcd-client.key']

describe('api-etcd-tls', () => {
  let etcd: RunningEtcd
  const cleanups: Array<() => Promise<void>> = []

  beforeAll(async () => {
    etcd = await startEtcd()
  })
  afterAll(async () => {
    await etcd.stop()
    await Promise.all(cleanups.map((cleanup) => cleanup()))
  })

  const nodeWith = async (flags: string[]): Promise<string> => {
    const node = await writeApiserverNodeRoot('1.34.1', flags)
    cleanups.push(node.cleanup)
    return node.root
  }

  it('passes https etcd servers with client certificate, key and CA; nothing to see on the wire', async () => {
    const result = await runCheck(apiTarget({node: 'api-1.34-locked-down'}), etcdTlsCheck)
    expect(result.status).toBe('pass')
    expect(result.config.map((item) => [item.setting, item.value, item.verdict])).toEqual([
      ['--etcd-servers', 'https://127.0.0.1:2379', 'pass'],
      ['--etcd-certfile', '/etc/kubernetes/pki/apiserver-etcd-client.crt', 'pass'],
      ['--etcd-keyfile', '/etc/kubernetes/pki/apiserver-etcd-client.key', 'pass'],
      ['--etcd-cafile', '/etc/kubernetes/pki/etcd/ca.crt', 'pass'],
    ])
    expect(result.wire).toEqual([])
    expect(result.summary).toMatch(/not visible on the wire/)
  })

  it('fails plain-HTTP etcd without certificates, and shows the real etcd answering in cleartext', async () => {
    const result = await runCheck(apiTarget({node: await nodeWith([`--etcd-servers=${etcd.clientUrl}`])}), etcdTlsCheck)
    expect(result.status).toBe('fail')
    expect(result.config.map((item) => [item.setting, item.verdict])).toEqual([
      ['--etcd-servers', 'fail'],
      ['--etcd-certfile', 'fail'],
      ['--etcd-keyfile', 'fail'],
      ['--etcd-cafile', 'fail'],
    ])
    expect(result.config[0]?.note).toContain('plain HTTP')
    expect(result.wire).toEqual([
      expect.objectContaining({request: `GET ${etcd.clientUrl}/version (no credentials)`, status: 200, verdict: 'fail', bodyExcerpt: expect.stringContaining('"etcdserver":"3.4')}),
    ])
  })

  it('fails a plain-HTTP override even when --etcd-servers is https', async () => {
    const closed = await freePort()
    const result = await runCheck(
      apiTarget({node: await nodeWith(['--etcd-servers=https://127.0.0.1:2379', `--etcd-servers-overrides=/events#http://127.0.0.1:${closed}`, ...TLS_FILES])}),
      etcdTlsCheck,
    )
    expect(result.status).toBe('fail')
    expect(result.config[1]).toMatchObject({setting: '--etcd-servers-overrides', verdict: 'fail', note: expect.stringContaining(`http://127.0.0.1:${closed}`)})
    expect(result.wire).toEqual([expect.objectContaining({verdict: 'unknown', error: expect.stringContaining('refused')})])
  })

  it('reports a manifest without --etcd-servers as an API server that cannot start', async () => {
    const result = await runCheck(apiTarget({node: await nodeWith(TLS_FILES)}), etcdTlsCheck)
    expect(result.status).toBe('error')
    expect(result.config[0]).toMatchObject({setting: '--etcd-servers', verdict: 'error', note: expect.stringContaining('--etcd-servers must be specified')})
  })

  it('skips without node access, saying why', async () => {
    const result = await runCheck(apiTarget({}), etcdTlsCheck)
    expect(result.status).toBe('skip')
    expect(result.summary).toMatch(/not visible to an outside prober/)
  })

  it('turns a silent server at the plain-HTTP etcd address into wire error evidence within the timeout', async () => {
    const server = await startHostileServer('silent')
    cleanups.push(() => server.close())
    const started = Date.now()
    const result = await runCheck(apiTarget({node: await nodeWith([`--etcd-servers=http://127.0.0.1:${server.port}`, ...TLS_FILES]), timeoutMs: 400}), etcdTlsCheck)
    expect(Date.now() - started).toBeLessThan(2000)
    expect(result.wire).toEqual([expect.objectContaining({verdict: 'error', error: expect.stringContaining('no answer within 400 ms')})])
    expect(result.status).toBe('fail')
  })
})
