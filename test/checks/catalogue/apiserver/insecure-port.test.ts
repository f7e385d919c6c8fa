import os from 'node:os'
import {afterAll, beforeAll, describe, expect, it} from '@jest/globals'
import {insecurePortCheck} from '../../../../src/checks/catalogue/apiserver/insecure-port.js'
import {startInsecurePortFixture, type InsecurePortFixture} from '../../../support/fixtures/apiserver-insecure-port.js'
import {apiTarget, runCheck} from '../../../support/fixtures/apiserver-target.js'
import {startHostileServer, type HostileServer} from '../../../support/hostile-servers.js'
import {freePort} from '../../../support/ports.js'

const MANIFEST = '/etc/kubernetes/manifests/kube-apiserver.yaml'

/** This machine's own non-loopback address, to probe the node "from outside"; the fixtures listen on 127.0.0.1 only. */
const nodeAddress = Object.values(os.networkInterfaces())
  .flat()
  .find((entry) => entry !== undefined && entry.family === 'IPv4' && !entry.internal)?.address
const itFromOutside = nodeAddress ? it : it.skip

describe('api-insecure-port', () => {
  let open: InsecurePortFixture
  let closedPort: number
  const hostile: HostileServer[] = []

  beforeAll(async () => {
    open = await startInsecurePortFixture()
    closedPort = await freePort()
  })
  afterAll(async () => {
    await open.close()
    await Promise.all(hostile.map((server) => server.close()))
  })

  it('passes a 1.19 API server with --insecure-port=0 and nothing on the port', async () => {
    const result = await runCheck(apiTarget({node: 'api-1.19-hardened', ports: {apiserverInsecure: closedPort}}), insecurePortCheck)
    expect(result.status).toBe('pass')
    expect(result.config).toEqual([expect.objectContaining({setting: '--insecure-port', value: '0', source: 'flag', file: MANIFEST, line: 26, verdict: 'pass'})])
    expect(result.wire).toEqual([expect.objectContaining({request: `GET http://127.0.0.1:${closedPort}/api (no credentials)`, error: expect.stringContaining('refused'), verdict: 'pass'})])
    expect(result.summary).toMatch(/serves no plain-HTTP port/)
  })

  it('fails on both sides when a 1.19 API server serves the API on 8080 (the article’s curl apiserver:8080)', async () => {
    const result = await runCheck(apiTarget({node: 'kubeadm-1.19-all-open', ports: {apiserverInsecure: open.port}}), insecurePortCheck)
    expect(result.status).toBe('fail')
    expect(result.disagreement).toBeUndefined()
    expect(result.config).toEqual([
      expect.objectContaining({setting: '--insecure-port', value: '8080', source: 'flag', line: 25, verdict: 'fail', note: expect.stringContaining('no authentication and no authorization')}),
      expect.objectContaining({setting: '--insecure-bind-address', value: '127.0.0.1', source: 'flag', line: 24, verdict: 'fail', note: expect.stringContaining('only processes on the node')}),
    ])
    expect(result.wire[0]).toMatchObject({status: 200, verdict: 'fail', bodyExcerpt: expect.stringContaining('"kind":"APIVersions"')})
    expect(result.summary).toMatch(/reads and changes the whole cluster with no credentials/)
  })

  it('applies the 1.19 defaults when the flags are absent: port 8080 on 127.0.0.1', async () => {
    const result = await runCheck(apiTarget({node: 'api-1.19-defaults', ports: {apiserverInsecure: open.port}}), insecurePortCheck)
    expect(result.status).toBe('fail')
    expect(result.config).toEqual([
      expect.objectContaining({setting: '--insecure-port', value: '8080', source: 'default', verdict: 'fail', note: expect.stringMatching(/^not set, so the default 8080 applies/)}),
      expect.objectContaining({setting: '--insecure-bind-address', value: '127.0.0.1', source: 'default', verdict: 'fail'}),
    ])
  })

  it('says who can reach the port when it is bound to every interface', async () => {
    const result = await runCheck(apiTarget({node: 'api-1.19-insecure-all-interfaces', ports: {apiserverInsecure: open.port}}), insecurePortCheck)
    expect(result.config[1]).toMatchObject({setting: '--insecure-bind-address', value: '0.0.0.0', verdict: 'fail', note: expect.stringContaining('every interface')})
  })

  it('reports a fixed manifest whose API server still serves plain HTTP as still open on the wire', async () => {
    const result = await runCheck(apiTarget({node: 'api-1.19-hardened', ports: {apiserverInsecure: open.port}}), insecurePortCheck)
    expect(result.status).toBe('fail')
    expect(result.disagreement).toMatch(/^Fixed in the configuration, still open on the wire/)
  })

  it('reports an open manifest whose port is closed as weak in the configuration', async () => {
    const result = await runCheck(apiTarget({node: 'kubeadm-1.19-all-open', ports: {apiserverInsecure: closedPort}}), insecurePortCheck)
    expect(result.status).toBe('fail')
    expect(result.disagreement).toMatch(/^Weak in the configuration, closed on the wire/)
  })

  it('says which port it probed when the manifest opens another one', async () => {
    const result = await runCheck(apiTarget({node: 'kubeadm-1.19-all-open', ports: {apiserverInsecure: open.port}}), insecurePortCheck)
    expect(result.wire[0]?.note).toContain(`(the manifest opens port 8080; this probe used the target's insecure port ${open.port})`)
  })

  itFromOutside('does not count a refusal from outside as closed when the manifest binds the port to loopback', async () => {
    const target = apiTarget({node: 'kubeadm-1.19-all-open', ports: {apiserverInsecure: closedPort}})
    target.endpoints.host = nodeAddress ?? ''
    const result = await runCheck(target, insecurePortCheck)
    expect(result.status).toBe('fail')
    expect(result.disagreement).toBeUndefined()
    expect(result.wire[0]).toMatchObject({verdict: 'unknown', error: expect.stringContaining('refused'), note: expect.stringContaining('only the node itself can reach it')})
  })

  it('passes 1.34 without the flag, noting it was removed', async () => {
    const result = await runCheck(apiTarget({node: 'kubeadm-1.34-hardened', ports: {apiserverInsecure: closedPort}}), insecurePortCheck)
    expect(result.status).toBe('pass')
    expect(result.config).toEqual([expect.objectContaining({setting: '--insecure-port', source: 'default', verdict: 'pass', note: expect.stringContaining('removed in 1.24')})])
  })

  it('reports leftover insecure flags on 1.34 as an API server that cannot start', async () => {
    const result = await runCheck(apiTarget({node: 'api-1.34-leftover-insecure-flags', ports: {apiserverInsecure: closedPort}}), insecurePortCheck)
    expect(result.status).toBe('error')
    expect(result.config).toEqual([
      expect.objectContaining({setting: '--insecure-port', value: '0', verdict: 'error', note: expect.stringContaining('"Error: unknown flag: --insecure-port"')}),
      expect.objectContaining({setting: '--insecure-bind-address', value: '127.0.0.1', verdict: 'error', note: expect.stringContaining('unknown flag')}),
    ])
  })

  it('reports a non-zero port on 1.22 as the start-up error kube-apiserver gives', async () => {
    const result = await runCheck(apiTarget({node: 'api-1.22-insecure-port', ports: {apiserverInsecure: closedPort}}), insecurePortCheck)
    expect(result.status).toBe('error')
    expect(result.config[0]).toMatchObject({value: '8080', verdict: 'error', note: expect.stringContaining('invalid port value 8080: only zero is allowed')})
    expect(result.summary).toMatch(/^Could not evaluate/)
  })

  it('on 1.20+ still fails when something else serves the API in plain HTTP (kubectl proxy)', async () => {
    const result = await runCheck(apiTarget({node: 'kubeadm-1.34-hardened', ports: {apiserverInsecure: open.port}}), insecurePortCheck)
    expect(result.status).toBe('fail')
    expect(result.wire[0]).toMatchObject({verdict: 'fail', note: expect.stringContaining('kubectl proxy')})
  })

  it('judges the wire alone without node access', async () => {
    const result = await runCheck(apiTarget({kubernetesVersion: '1.19.16', ports: {apiserverInsecure: open.port}}), insecurePortCheck)
    expect(result.status).toBe('fail')
    expect(result.config).toEqual([])
    expect(result.summary).toMatch(/no credentials/)
  })

  it('reports a manifest the kubelet would refuse with its file and line', async () => {
    const result = await runCheck(apiTarget({node: 'broken-manifest', ports: {apiserverInsecure: closedPort}}), insecurePortCheck)
    expect(result.status).toBe('error')
    expect(result.config).toEqual([expect.objectContaining({setting: '--insecure-port', verdict: 'error', file: MANIFEST, line: expect.any(Number)})])
  })

  it.each(['silent', 'garbage', 'reset'] as const)('turns a %s server on the port into an error within the timeout', async (behaviour) => {
    const server = await startHostileServer(behaviour)
    hostile.push(server)
    const started = Date.now()
    const result = await runCheck(apiTarget({node: 'api-1.19-hardened', ports: {apiserverInsecure: server.port}, timeoutMs: 400}), insecurePortCheck)
    expect(Date.now() - started).toBeLessThan(2000)
    expect(result.status).toBe('error')
    expect(result.wire[0]).toMatchObject({verdict: 'error', error: expect.any(String)})
  })
})
