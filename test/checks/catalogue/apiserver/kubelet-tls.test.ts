import {describe, expect, it} from '@jest/globals'
import {kubeletTlsCheck} from '../../../../src/checks/catalogue/apiserver/kubelet-tls.js'
import {apiTarget, runCheck} from '../../../support/fixtures/apiserver-target.js'

const MANIFEST = '/etc/kubernetes/manifests/kube-apiserver.yaml'

/** API server → kubelet TLS is not visible to an outside prober: these are configuration-only cases. */
describe('api-kubelet-tls', () => {
  it('passes client certificate, key and kubelet CA', async () => {
    const result = await runCheck(apiTarget({node: 'api-1.34-locked-down'}), kubeletTlsCheck)
    expect(result.status).toBe('pass')
    expect(result.config).toEqual([
      expect.objectContaining({setting: '--kubelet-client-certificate', value: '/etc/kubernetes/pki/apiserver-kubelet-client.crt', file: MANIFEST, line: 27, verdict: 'pass'}),
      expect.objectContaining({setting: '--kubelet-client-key', value: '/etc/kubernetes/pki/apiserver-kubelet-client.key', line: 28, verdict: 'pass'}),
      expect.objectContaining({setting: '--kubelet-certificate-authority', value: '/etc/kubernetes/pki/ca.crt', line: 26, verdict: 'pass'}),
    ])
    expect(result.wire).toEqual([])
    expect(result.summary).toMatch(/not visible on the wire/)
  })

  it('fails kubeadm’s default, which does not verify kubelet serving certificates (CIS 1.2.5)', async () => {
    const result = await runCheck(apiTarget({node: 'kubeadm-1.34-hardened'}), kubeletTlsCheck)
    expect(result.status).toBe('fail')
    expect(result.config.map((item) => [item.setting, item.verdict])).toEqual([
      ['--kubelet-client-certificate', 'pass'],
      ['--kubelet-client-key', 'pass'],
      ['--kubelet-certificate-authority', 'fail'],
    ])
    expect(result.config[2]).toMatchObject({value: undefined, source: 'default', note: expect.stringMatching(/^not set: the API server does not verify/)})
  })

  it('fails an API server with no kubelet TLS settings at all', async () => {
    const result = await runCheck(apiTarget({node: 'kubeadm-1.19-all-open'}), kubeletTlsCheck)
    expect(result.status).toBe('fail')
    expect(result.config.every((item) => item.verdict === 'fail')).toBe(true)
  })

  it('skips without node access, saying why', async () => {
    const result = await runCheck(apiTarget({}), kubeletTlsCheck)
    expect(result.status).toBe('skip')
    expect(result.summary).toMatch(/not visible to an outside prober/)
  })

  it('reports a manifest the kubelet would refuse with its file and line', async () => {
    const result = await runCheck(apiTarget({node: 'broken-manifest'}), kubeletTlsCheck)
    expect(result.status).toBe('error')
    expect(result.config).toEqual([expect.objectContaining({verdict: 'error', file: MANIFEST, line: expect.any(Number)})])
  })
})
