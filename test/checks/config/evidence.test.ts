import {describe, expect, it} from '@jest/globals'
import {etcdSetting} from '../../../src/checks/config/component.js'
import {
  apiserverFlagEvidence,
  etcdFlagEvidence,
  flagEvidence,
  kubeletEvidence,
  passIf,
  passIfEquals,
  unreadableEvidence,
} from '../../../src/checks/config/evidence.js'
import {readKubeletConfig} from '../../../src/node-config/kubelet.js'
import {readStaticPod} from '../../../src/node-config/static-pod.js'
import {ConfigParseError} from '../../../src/node-config/types.js'
import {fixtureNode} from '../../support/node-roots.js'

const APISERVER = '/etc/kubernetes/manifests/kube-apiserver.yaml'
const ETCD = '/etc/kubernetes/manifests/etcd.yaml'
const notAlwaysAllow = passIf((value) => !(value ?? '').split(',').includes('AlwaysAllow'))

describe('flag evidence', () => {
  it('turns a flag into evidence with its file and line', async () => {
    const config = await readStaticPod(fixtureNode('kubeadm-1.19-all-open'), APISERVER)

    expect(apiserverFlagEvidence(config, 'authorization-mode', notAlwaysAllow)).toEqual({
      setting: '--authorization-mode',
      value: 'AlwaysAllow',
      source: 'flag',
      file: APISERVER,
      line: 19,
      verdict: 'fail',
    })
  })

  it('falls back to the documented default when the flag is absent, and says so', async () => {
    const config = await readStaticPod(fixtureNode('kubeadm-1.34-hardened'), APISERVER)

    const evidence = apiserverFlagEvidence(config, 'anonymous-auth', passIfEquals('false'), {defaultValue: 'true'})

    expect(evidence).toEqual({setting: '--anonymous-auth', value: 'true', source: 'default', verdict: 'fail', note: 'not set, so the default true applies'})
    expect(flagEvidence('kubelet-certificate-authority', undefined, passIf((value) => value !== undefined))).toMatchObject({
      value: undefined,
      source: 'default',
      verdict: 'fail',
      note: 'not set, and there is no default',
    })
  })

  it('labels an etcd setting read from the environment with its variable', async () => {
    const config = await readStaticPod(fixtureNode('flag-forms'), ETCD)

    expect(etcdFlagEvidence(config, 'client-cert-auth', passIfEquals('true'), {note: 'etcd reads ETCD_CLIENT_CERT_AUTH when the flag is absent'})).toEqual({
      setting: 'ETCD_CLIENT_CERT_AUTH',
      value: 'true',
      source: 'environment',
      file: ETCD,
      line: 31,
      verdict: 'pass',
      note: 'etcd reads ETCD_CLIENT_CERT_AUTH when the flag is absent',
    })
    expect(flagEvidence('cert-file', etcdSetting(config, 'cert-file'), passIf((value) => value !== undefined))).toMatchObject({setting: '--cert-file', source: 'flag', line: 16})
  })

  it('cannot tell when the component has no manifest and no process', async () => {
    const config = await readStaticPod(fixtureNode('kubelet-no-config'), ETCD)

    expect(etcdFlagEvidence(config, 'client-cert-auth', passIfEquals('true'))).toMatchObject({
      setting: '--client-cert-auth',
      verdict: 'unknown',
      note: `no manifest at ${ETCD} and no running process to read flags from`,
    })
  })
})

describe('kubelet evidence', () => {
  it('labels flag, config-file and default settings the way each was set', async () => {
    const overFile = await readKubeletConfig(fixtureNode('kubelet-flag-over-file'))
    const noConfig = await readKubeletConfig(fixtureNode('kubelet-no-config'))
    const disabled = passIfEquals('false')

    expect(kubeletEvidence(overFile.get('anonymousAuth'), disabled)).toEqual({
      setting: '--anonymous-auth',
      value: 'true',
      source: 'flag',
      file: '/var/lib/kubelet/kubeadm-flags.env',
      line: 1,
      verdict: 'fail',
    })
    expect(kubeletEvidence(overFile.get('webhookAuthentication'), passIfEquals('true'), 'tokens are checked with the API server')).toEqual({
      setting: 'authentication.webhook.enabled',
      value: 'true',
      source: 'config-file',
      file: '/var/lib/kubelet/config.yaml',
      line: 7,
      verdict: 'pass',
      note: 'tokens are checked with the API server',
    })
    const defaulted = kubeletEvidence(noConfig.get('anonymousAuth'), disabled)
    expect(defaulted).toMatchObject({setting: 'authentication.anonymous.enabled / --anonymous-auth', value: 'true', source: 'default', verdict: 'fail'})
    expect(defaulted.note).toMatch(/no --config/)
    expect(defaulted.file).toBeUndefined()
  })
})

describe('unreadable configuration', () => {
  it('becomes an error verdict with the file and line', async () => {
    const error = await readStaticPod(fixtureNode('broken-manifest'), APISERVER).catch((caught: unknown) => caught)

    expect(error).toBeInstanceOf(ConfigParseError)
    expect(unreadableEvidence('--anonymous-auth', error)).toMatchObject({
      setting: '--anonymous-auth',
      value: undefined,
      file: APISERVER,
      line: 17,
      verdict: 'error',
      note: expect.stringMatching(/^\/etc\/kubernetes\/manifests\/kube-apiserver.yaml:17: /),
    })
    expect(unreadableEvidence('--x', new Error('EACCES'))).toMatchObject({verdict: 'error', note: 'EACCES'})
  })
})
