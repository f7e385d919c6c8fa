import {describe, expect, it} from '@jest/globals'
import {
  apiserverConfig,
  apiserverSetting,
  controlPlaneConfig,
  etcdConfig,
  etcdEnvConflicts,
  etcdSetting,
  kubeletConfig,
} from '../../../src/checks/config/component.js'
import {parseStaticPod} from '../../../src/node-config/static-pod.js'
import {ConfigParseError} from '../../../src/node-config/types.js'
import {createCheckContext} from '../../../src/checks/context.js'
import {DEFAULT_PORTS, type NodeAccess, type Target} from '../../../src/target/types.js'
import {fixtureNode, ObservedNode, tempNodeRoot} from '../../support/node-roots.js'

function contextFor(node: NodeAccess | undefined) {
  const target: Target = {endpoints: {host: '127.0.0.1', ports: {...DEFAULT_PORTS}}, timeoutMs: 1000}
  if (node) target.node = node
  return createCheckContext(target)
}

describe('control-plane accessors', () => {
  it('read each manifest once per audit however many checks ask', async () => {
    const node = new ObservedNode(fixtureNode('kubeadm-1.34-hardened'))
    const ctx = contextFor(node)

    const [first, second] = await Promise.all([apiserverConfig(ctx), apiserverConfig(ctx)])
    const third = await apiserverConfig(ctx)

    expect(first).toBe(second)
    expect(third).toBe(first)
    expect(first?.flags.get('authorization-mode')?.value).toBe('Node,RBAC')
    expect(node.reads.filter((file) => file === '/etc/kubernetes/manifests/kube-apiserver.yaml')).toHaveLength(1)
  })

  it('are undefined when the target gives no node access', async () => {
    const ctx = contextFor(undefined)
    expect(await apiserverConfig(ctx)).toBeUndefined()
    expect(await etcdConfig(ctx)).toBeUndefined()
    expect(await kubeletConfig(ctx)).toBeUndefined()
  })

  it('read the other kubeadm manifests by component name', async () => {
    const ctx = contextFor(fixtureNode('kubeadm-1.34-hardened'))
    expect((await controlPlaneConfig(ctx, 'kube-scheduler'))?.flags.get('bind-address')?.value).toBe('127.0.0.1')
    expect((await controlPlaneConfig(ctx, 'kube-controller-manager'))?.flags.get('use-service-account-credentials')?.value).toBe('true')
  })

  it('fall back to a running process\'s argv when there is no manifest, and say so', async () => {
    const node = new ObservedNode(fixtureNode('kubelet-no-config'), [
      {pid: 301, argv: ['/usr/local/bin/etcd', '--listen-client-urls=http://127.0.0.1:23790', '--client-cert-auth=false']},
      {pid: 300, argv: ['/opt/kube/kube-apiserver', '--anonymous-auth=false', '--authorization-mode', 'Node,RBAC']},
    ])
    const ctx = contextFor(node)

    const apiserver = await apiserverConfig(ctx)
    const etcd = await etcdConfig(ctx)

    expect(apiserver).toMatchObject({file: 'process 300', found: true, source: 'process'})
    expect(apiserver?.flags.get('authorization-mode')).toEqual({name: 'authorization-mode', value: 'Node,RBAC', file: 'process 300', source: 'flag'})
    expect(etcd?.flags.get('client-cert-auth')?.file).toBe('process 301')
  })

  it('report a component with neither manifest nor process as not found', async () => {
    const config = await etcdConfig(contextFor(fixtureNode('kubelet-no-config')))
    expect(config).toMatchObject({file: '/etc/kubernetes/manifests/etcd.yaml', found: false})
  })

  it('reject with the ConfigParseError of a manifest the kubelet would refuse', async () => {
    const ctx = contextFor(fixtureNode('broken-manifest'))
    await expect(apiserverConfig(ctx)).rejects.toBeInstanceOf(ConfigParseError)
    await expect(apiserverConfig(ctx)).rejects.toMatchObject({line: 17})
  })

  it('give the kubelet view once per audit', async () => {
    const node = new ObservedNode(fixtureNode('kubelet-flag-over-file'))
    const ctx = contextFor(node)

    const [first, second] = await Promise.all([kubeletConfig(ctx), kubeletConfig(ctx)])

    expect(first).toBe(second)
    expect(first?.get('anonymousAuth').source).toBe('flag')
    expect(node.reads.filter((file) => file === '/var/lib/kubelet/config.yaml')).toHaveLength(1)
  })
})

describe('etcdSetting', () => {
  it('uses the flag when given, else the ETCD_* variable, as etcd does', async () => {
    const config = await etcdConfig(contextFor(fixtureNode('flag-forms')))
    if (!config) throw new Error('no etcd config')

    expect(etcdSetting(config, 'cert-file')).toMatchObject({value: '/etc/kubernetes/pki/etcd/server.crt', source: 'flag', line: 16})
    expect(etcdSetting(config, 'peer-auto-tls')).toMatchObject({value: 'true', source: 'flag', line: 28})
    expect(etcdSetting(config, 'client-cert-auth')).toEqual({
      name: 'ETCD_CLIENT_CERT_AUTH',
      value: 'true',
      file: '/etc/kubernetes/manifests/etcd.yaml',
      line: 31,
      source: 'environment',
    })
    expect(etcdSetting(config, 'trusted-ca-file')).toMatchObject({name: 'ETCD_TRUSTED_CA_FILE', value: '/etc/kubernetes/pki/etcd/ca.crt', line: 33})
    // ETCD_AUTO_TLS="" is ignored by etcd's setFlagFromEnv.
    expect(etcdSetting(config, 'auto-tls')).toBeUndefined()
    expect(etcdSetting(config, 'peer-client-cert-auth')).toBeUndefined()
    expect(etcdEnvConflicts(config)).toEqual([])
  })

  it('lists ETCD_* variables that shadow a given flag (etcd refuses to start on them)', () => {
    const config = parseStaticPod(
      `apiVersion: v1
kind: Pod
spec:
  containers:
  - command:
    - etcd
    - --client-cert-auth=true
    - --data-dir=/var/lib/etcd
    env:
    - name: ETCD_CLIENT_CERT_AUTH
      value: "false"
    - name: ETCD_NAME
      value: cp-1
    image: registry.k8s.io/etcd:3.5.21-0
    name: etcd
`,
      '/etc/kubernetes/manifests/etcd.yaml',
    )

    expect(etcdSetting(config, 'client-cert-auth')).toMatchObject({value: 'true', source: 'flag', line: 7})
    expect(etcdSetting(config, 'name')).toMatchObject({value: 'cp-1', source: 'environment'})
    expect(etcdEnvConflicts(config).map((variable) => [variable.name, variable.line])).toEqual([['ETCD_CLIENT_CERT_AUTH', 10]])
  })
})

describe('apiserverSetting', () => {
  it('is the flag as given, never an environment variable', async () => {
    const {node, remove} = await tempNodeRoot('kubeadm-1.34-hardened', {
      '/etc/kubernetes/manifests/kube-apiserver.yaml':
        'apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - command:\n    - kube-apiserver\n    env:\n    - name: ANONYMOUS_AUTH\n      value: "false"\n    image: registry.k8s.io/kube-apiserver:v1.34.1\n    name: kube-apiserver\n',
    })
    try {
      const config = await apiserverConfig(contextFor(node))
      if (!config) throw new Error('no apiserver config')
      expect(apiserverSetting(config, 'anonymous-auth')).toBeUndefined()
    } finally {
      await remove()
    }
  })
})
