import {describe, expect, it} from '@jest/globals'
import {configFromProcess, expandReferences, imageVersion, parseStaticPod, readStaticPod} from '../../src/node-config/static-pod.js'
import {ConfigParseError} from '../../src/node-config/types.js'
import {fixtureLine, fixtureNode} from '../support/node-roots.js'

const APISERVER = '/etc/kubernetes/manifests/kube-apiserver.yaml'
const ETCD = '/etc/kubernetes/manifests/etcd.yaml'

describe('readStaticPod on kubeadm manifests', () => {
  it('reads every flag of the v1.34 kube-apiserver with its value, file and line', async () => {
    const config = await readStaticPod(fixtureNode('kubeadm-1.34-hardened'), APISERVER)

    expect(config.found).toBe(true)
    expect(config.source).toBe('manifest')
    expect(config.image).toBe('registry.k8s.io/kube-apiserver:v1.34.1')
    expect(config.imageVersion).toBe('1.34.1')
    expect(config.flags.size).toBe(28)
    expect(config.positional).toEqual([])
    expect(config.flags.get('authorization-mode')).toEqual({
      name: 'authorization-mode',
      value: 'Node,RBAC',
      file: APISERVER,
      line: 17,
      source: 'flag',
    })
    for (const [flag, value] of [
      ['profiling', 'false'],
      ['etcd-servers', 'https://127.0.0.1:2379'],
      ['kubelet-client-certificate', '/etc/kubernetes/pki/apiserver-kubelet-client.crt'],
      ['tls-private-key-file', '/etc/kubernetes/pki/apiserver.key'],
    ] as const) {
      expect(config.flags.get(flag)?.value).toBe(value)
      expect(config.flags.get(flag)?.line).toBe(await fixtureLine('kubeadm-1.34-hardened', APISERVER, `- --${flag}=${value}`))
    }
    expect(config.flags.has('anonymous-auth')).toBe(false)
    expect(config.flags.has('kube-apiserver')).toBe(false)
    expect(config.env.size).toBe(0)
  })

  it('reads etcd 3.6 from the v1.34 node and keeps the etcd image version whole', async () => {
    const config = await readStaticPod(fixtureNode('kubeadm-1.34-hardened'), ETCD)

    expect(config.imageVersion).toBe('3.6.4-0')
    expect(config.flags.get('client-cert-auth')).toMatchObject({value: 'true', line: 17})
    expect(config.flags.get('listen-client-urls')?.value).toBe('https://127.0.0.1:2379,https://192.168.122.10:2379')
    expect(config.flags.get('feature-gates')?.value).toBe('InitialCorruptCheck=true')
  })

  it('reads the v1.19 all-open node: insecure port, AlwaysAllow, no kubelet client certificate, plain-HTTP etcd', async () => {
    const node = fixtureNode('kubeadm-1.19-all-open')
    const apiserver = await readStaticPod(node, APISERVER)
    const etcd = await readStaticPod(node, ETCD)

    expect(apiserver.imageVersion).toBe('1.19.16')
    expect(apiserver.flags.get('insecure-port')).toMatchObject({value: '8080', line: await fixtureLine('kubeadm-1.19-all-open', APISERVER, '- --insecure-port=8080')})
    expect(apiserver.flags.get('insecure-bind-address')?.value).toBe('127.0.0.1')
    expect(apiserver.flags.get('anonymous-auth')?.value).toBe('true')
    expect(apiserver.flags.get('authorization-mode')?.value).toBe('AlwaysAllow')
    expect(apiserver.flags.get('profiling')?.value).toBe('true')
    expect(apiserver.flags.has('kubelet-client-certificate')).toBe(false)
    expect(apiserver.flags.has('kubelet-client-key')).toBe(false)

    expect(etcd.imageVersion).toBe('3.4.13-0')
    expect(etcd.flags.get('listen-client-urls')?.value).toBe('http://127.0.0.1:2379,http://192.168.122.20:2379')
    for (const tlsFlag of ['cert-file', 'key-file', 'trusted-ca-file', 'client-cert-auth', 'peer-cert-file', 'peer-client-cert-auth']) {
      expect(etcd.flags.has(tlsFlag)).toBe(false)
    }
  })

  it('reports a missing manifest as not found, with empty maps', async () => {
    const config = await readStaticPod(fixtureNode('kubelet-no-config'), APISERVER)
    expect(config).toEqual({file: APISERVER, found: false, flags: new Map(), env: new Map()})
  })
})

describe('flag forms, as pflag reads them', () => {
  it('takes "--flag value", bare booleans, later occurrences (args after command) and $(VAR) references', async () => {
    const config = await readStaticPod(fixtureNode('flag-forms'), APISERVER)

    expect(config.flags.get('authorization-mode')).toMatchObject({value: 'Node,RBAC', line: 18})
    expect(config.flags.get('secure-port')).toMatchObject({value: '6443', line: 30})
    expect(config.flags.get('enable-bootstrap-token-auth')).toMatchObject({value: 'true', line: 22})
    expect(config.flags.get('audit-log-path')).toMatchObject({value: '/var/log/kubernetes/audit/audit.log', line: 40})
    // --anonymous-auth=true in command (line 17) is overridden by --anonymous-auth=false in args (line 39).
    expect(config.flags.get('anonymous-auth')).toMatchObject({value: 'false', line: 39})
    // Bare --profiling (line 29) then --profiling=false in args (line 42).
    expect(config.flags.get('profiling')).toMatchObject({value: 'false', line: 42})
    expect(config.flags.get('advertise-address')).toMatchObject({value: '192.168.122.30', line: 15})
    expect(config.env.get('ADVERTISE_ADDRESS')).toMatchObject({value: '192.168.122.30', line: 44, source: 'environment'})
    expect(config.flags.has('Node,RBAC')).toBe(false)
    expect(config.positional).toEqual([])
  })

  it('never gives a boolean flag the next item: "--anonymous-auth false" is true plus a stray argument', () => {
    const config = parseStaticPod(pod(['kube-apiserver', '--anonymous-auth', 'false', '--secure-port', '6443']), 'inline.yaml')

    expect(config.flags.get('anonymous-auth')).toMatchObject({value: 'true', line: 9})
    expect(config.flags.get('secure-port')).toMatchObject({value: '6443', line: 11})
    expect(config.positional).toEqual([{value: 'false', file: 'inline.yaml', line: 10}])
  })

  it('treats an item after a value-less flag that starts with "-" as the next flag, and "--" as the end of flags', () => {
    const config = parseStaticPod(pod(['etcd', '--enable-v2', '--name', 'one', '--debug', '--', '--not-a-flag']), 'inline.yaml')

    expect(config.flags.get('enable-v2')?.value).toBe('true')
    expect(config.flags.get('name')?.value).toBe('one')
    expect(config.flags.get('debug')?.value).toBe('true')
    expect(config.flags.has('not-a-flag')).toBe(false)
    expect(config.positional?.map((item) => item.value)).toEqual(['--not-a-flag'])
  })

  it('reads args alone (no command) as flags, since the image entrypoint is the program', () => {
    const text = `apiVersion: v1
kind: Pod
metadata:
  name: etcd
spec:
  containers:
  - args:
    - --client-cert-auth=true
    image: registry.k8s.io/etcd:3.5.21-0
    name: etcd
`
    expect(parseStaticPod(text, 'inline.yaml').flags.get('client-cert-auth')).toMatchObject({value: 'true', line: 8})
  })

  it('expands $(VAR) like the kubelet: "$$" escapes, unknown references stay as written', () => {
    const env = new Map([['IP', '10.0.0.1']])
    expect(expandReferences('--bind=$(IP):2379', env)).toBe('--bind=10.0.0.1:2379')
    expect(expandReferences('--x=$$(IP)', env)).toBe('--x=$(IP)')
    expect(expandReferences('--y=$(MISSING)', env)).toBe('--y=$(MISSING)')
  })
})

describe('manifests the kubelet would refuse', () => {
  it('reports the broken manifest with its file and the line of the YAML error', async () => {
    const error = await readStaticPod(fixtureNode('broken-manifest'), APISERVER).catch((caught: unknown) => caught)

    expect(error).toBeInstanceOf(ConfigParseError)
    const parseError = error as ConfigParseError
    expect(parseError.file).toBe(APISERVER)
    expect(parseError.line).toBe(17)
    expect(parseError.line).toBe(await fixtureLine('broken-manifest', APISERVER, '- --anonymous-auth=false'))
    expect(parseError.reason).toMatch(/sequence items must start at the same column/)
    expect(parseError.message).toBe(`${APISERVER}:17: ${parseError.reason}`)
  })

  const cases: Array<[string, string, number, RegExp]> = [
    ['a Deployment', 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\n', 2, /kind is "Deployment"/],
    ['a Pod without kind', 'apiVersion: v1\nmetadata:\n  name: x\n', 1, /Object 'Kind' is missing/],
    ['a Pod of another apiVersion', 'apiVersion: v2\nkind: Pod\nspec: {}\n', 1, /no kind "Pod" is registered for version "v2"/],
    ['a Pod without containers', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\nspec:\n  hostNetwork: true\n', 5, /spec.containers: Required value/],
    ['an empty containers list', 'apiVersion: v1\nkind: Pod\nspec:\n  containers: []\n', 4, /spec.containers: Required value/],
    ['a number among the command items', 'apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - command:\n    - kube-apiserver\n    - 6443\n    image: x:v1\n    name: x\n', 7, /command\[1\]: expected a string, found the number 6443/],
    ['a container without image', 'apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: x\n    command: [etcd]\n', 5, /image: Required value/],
    ['a list at the top', '- a\n- b\n', 1, /expected a Pod object, found a list/],
    ['an empty file', '', 1, /empty/],
  ]
  it.each(cases)('refuses %s, naming the line', (_label, text, line, reason) => {
    let caught: unknown
    try {
      parseStaticPod(text, '/etc/kubernetes/manifests/x.yaml')
    } catch (error) {
      caught = error
    }
    expect(caught).toBeInstanceOf(ConfigParseError)
    expect((caught as ConfigParseError).line).toBe(line)
    expect((caught as ConfigParseError).reason).toMatch(reason)
  })
})

describe('imageVersion', () => {
  it.each([
    ['registry.k8s.io/kube-apiserver:v1.34.1', '1.34.1'],
    ['registry.k8s.io/etcd:3.5.21-0', '3.5.21-0'],
    ['k8s.gcr.io/kube-apiserver:v1.19.16', '1.19.16'],
    ['localhost:5000/kube-apiserver:v1.30.0@sha256:0f6a3b0e', '1.30.0'],
    ['localhost:5000/kube-apiserver', undefined],
    ['registry.k8s.io/kube-apiserver@sha256:0f6a3b0e', undefined],
  ])('%s → %s', (image, version) => {
    expect(imageVersion(image)).toBe(version)
  })
})

describe('configFromProcess', () => {
  it('reads a running component\'s argv as its flags, naming the process', () => {
    const config = configFromProcess({pid: 4242, argv: ['/usr/local/bin/etcd', '--client-cert-auth=false', '--data-dir', '/var/lib/etcd']})

    expect(config).toMatchObject({file: 'process 4242', found: true, source: 'process'})
    expect(config.flags.get('client-cert-auth')).toEqual({name: 'client-cert-auth', value: 'false', file: 'process 4242', source: 'flag'})
    expect(config.flags.get('data-dir')?.value).toBe('/var/lib/etcd')
  })
})

/** A minimal Pod whose command items start on line 8 (the program). */
function pod(command: string[]): string {
  return `apiVersion: v1
kind: Pod
metadata:
  name: inline
spec:
  containers:
  - command:
${command.map((item) => `    - ${JSON.stringify(item)}`).join('\n')}
    image: registry.k8s.io/kube-apiserver:v1.34.1
    name: inline
`
}
