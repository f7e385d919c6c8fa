import {beforeAll, describe, expect, it} from '@jest/globals'
import path from 'node:path'
import {parse} from 'yaml'
import {kubeletFlagsEnv} from '../../../../src/runtimes/sim/node-files/kubelet.js'
import {renderNodeFiles, withModes} from '../../../../src/runtimes/sim/node-files/render.js'
import {NODE_FILE_MODES, NODE_FILE_PATHS, NodeFilesError, type NodePorts} from '../../../../src/runtimes/sim/node-files/types.js'
import {loadScenarios, parseScenario} from '../../../../src/scenario/load.js'
import type {Scenario} from '../../../../src/scenario/schema.js'

const NODE = {nodeName: 'kubelab-control-plane'}

/** A scenario with the given misconfigurations (YAML under `misconfigurations:`, indented two spaces). */
function scenario(version: string, misconfigurations = ''): Scenario {
  const text = [
    'id: test',
    'title: Test',
    'summary: Test scenario.',
    `kubernetesVersion: "${version}"`,
    'runtimes: [sim]',
    'lesson: test',
    ...(misconfigurations === '' ? [] : ['misconfigurations:', misconfigurations]),
    'steps:',
    '  - id: one',
    '    title: One',
    '    checks: [api-anonymous-auth]',
  ].join('\n')
  return parseScenario(text, 'inline.yaml')
}

interface PodView {
  apiVersion: string
  kind: string
  metadata: {name: string; namespace: string; labels: Record<string, string>; annotations?: Record<string, string>; creationTimestamp?: null}
  spec: {
    hostNetwork: boolean
    priorityClassName: string
    priority?: number
    securityContext?: unknown
    containers: Array<{
      name: string
      image: string
      command: string[]
      ports?: Array<{containerPort: number; name: string; protocol: string}>
      livenessProbe: {httpGet: {host: string; path: string; port: number | string; scheme: string}}
      readinessProbe?: {httpGet: {path: string; port: number | string}}
      startupProbe: {httpGet: {path: string}}
      resources: unknown
    }>
  }
}

function pod(files: Map<string, string>, file: string): PodView {
  const text = files.get(file)
  if (text === undefined) throw new Error(`${file} was not rendered`)
  return parse(text) as PodView
}

function container(files: Map<string, string>, file: string): PodView['spec']['containers'][number] {
  const found = pod(files, file).spec.containers[0]
  if (!found) throw new Error(`${file} has no container`)
  return found
}

/** The command line as flag name → value (without dashes), as pflag would read it. */
function flags(files: Map<string, string>, file: string): Map<string, string> {
  return new Map(
    container(files, file)
      .command.slice(1)
      .map((item) => {
        const match = /^--([^=]+)=(.*)$/.exec(item)
        if (!match) throw new Error(`unexpected command item ${item}`)
        return [match[1] as string, match[2] as string]
      }),
  )
}

function kubeletConfig(files: Map<string, string>): Record<string, unknown> & {authentication: {anonymous: {enabled: boolean}; x509: {clientCAFile?: string}}; authorization: {mode: string}} {
  return parse(files.get(NODE_FILE_PATHS.kubeletConfig) ?? '') as ReturnType<typeof kubeletConfig>
}

function kubeletArgs(files: Map<string, string>): string[] {
  const match = /^KUBELET_KUBEADM_ARGS="(.*)"\n$/.exec(files.get(NODE_FILE_PATHS.kubeletFlagsEnv) ?? '')
  if (!match) throw new Error('kubeadm-flags.env is not in kubeadm format')
  return (match[1] as string).split(' ')
}

const MANIFESTS = [
  [NODE_FILE_PATHS.apiserverManifest, 'kube-apiserver'],
  [NODE_FILE_PATHS.controllerManagerManifest, 'kube-controller-manager'],
  [NODE_FILE_PATHS.etcdManifest, 'etcd'],
  [NODE_FILE_PATHS.schedulerManifest, 'kube-scheduler'],
] as const

describe('renderNodeFiles', () => {
  const old = renderNodeFiles(scenario('1.19.16'), NODE)
  const current = renderNodeFiles(scenario('1.34.1'), NODE)

  it('renders the seven kubeadm files, each with a mode', () => {
    expect([...current.keys()].sort()).toEqual(Object.values(NODE_FILE_PATHS).sort())
    expect(Object.keys(NODE_FILE_MODES).sort()).toEqual(Object.values(NODE_FILE_PATHS).sort())
    const withMode = withModes(current)
    expect(withMode.get(NODE_FILE_PATHS.apiserverManifest)).toEqual({contents: current.get(NODE_FILE_PATHS.apiserverManifest), mode: 0o600})
    expect(withMode.get(NODE_FILE_PATHS.kubeletConfig)?.mode).toBe(0o644)
  })

  it.each(MANIFESTS)('renders %s as a kube-system static Pod for %s', (file, component) => {
    for (const files of [old, current]) {
      const manifest = pod(files, file)
      expect(manifest).toMatchObject({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {name: component, namespace: 'kube-system', labels: {component, tier: 'control-plane'}},
        spec: {hostNetwork: true, priorityClassName: 'system-node-critical'},
      })
      expect(container(files, file)).toMatchObject({name: component, command: expect.arrayContaining([component])})
      expect(container(files, file).command[0]).toBe(component)
    }
  })

  it('writes 1.19 manifests as kubeadm 1.19 did', () => {
    const apiserver = flags(old, NODE_FILE_PATHS.apiserverManifest)
    expect(apiserver.get('insecure-port')).toBe('0')
    expect(apiserver.has('service-account-issuer')).toBe(false)
    expect(container(old, NODE_FILE_PATHS.apiserverManifest).image).toBe('k8s.gcr.io/kube-apiserver:v1.19.16')
    expect(container(old, NODE_FILE_PATHS.apiserverManifest).livenessProbe.httpGet).toEqual({host: '127.0.0.1', path: '/livez', port: 6443, scheme: 'HTTPS'})

    const manifest = pod(old, NODE_FILE_PATHS.apiserverManifest)
    expect(manifest.metadata).toHaveProperty('creationTimestamp', null)
    expect(manifest.spec.priority).toBeUndefined()
    expect(manifest.spec.securityContext).toBeUndefined()

    const etcd = container(old, NODE_FILE_PATHS.etcdManifest)
    expect(etcd.image).toBe('k8s.gcr.io/etcd:3.4.13-0')
    expect(etcd.livenessProbe.httpGet).toEqual({host: '127.0.0.1', path: '/health', port: 2381, scheme: 'HTTP'})
    expect(etcd.resources).toEqual({})
    expect(flags(old, NODE_FILE_PATHS.etcdManifest).has('feature-gates')).toBe(false)

    expect(flags(old, NODE_FILE_PATHS.controllerManagerManifest).get('port')).toBe('0')
    expect(flags(old, NODE_FILE_PATHS.controllerManagerManifest).get('node-cidr-mask-size')).toBe('24')
    expect(flags(old, NODE_FILE_PATHS.schedulerManifest).get('port')).toBe('0')
    expect(container(old, NODE_FILE_PATHS.schedulerManifest).readinessProbe).toBeUndefined()

    expect(kubeletConfig(old)['cgroupDriver']).toBe('cgroupfs')
    expect(kubeletConfig(old)).not.toHaveProperty('containerRuntimeEndpoint')
    expect(kubeletArgs(old)).toEqual(
      expect.arrayContaining(['--container-runtime=remote', '--container-runtime-endpoint=unix:///run/containerd/containerd.sock']),
    )
  })

  it('writes 1.34 manifests as kubeadm 1.34 does', () => {
    const apiserver = flags(current, NODE_FILE_PATHS.apiserverManifest)
    expect(apiserver.has('insecure-port')).toBe(false)
    expect(apiserver.get('service-account-issuer')).toBe('https://kubernetes.default.svc.cluster.local')
    expect(apiserver.get('service-account-signing-key-file')).toBe('/etc/kubernetes/pki/sa.key')
    const api = container(current, NODE_FILE_PATHS.apiserverManifest)
    expect(api.image).toBe('registry.k8s.io/kube-apiserver:v1.34.1')
    expect(api.livenessProbe.httpGet.port).toBe('probe-port')
    expect(api.ports).toEqual([{containerPort: 6443, name: 'probe-port', protocol: 'TCP'}])

    const manifest = pod(current, NODE_FILE_PATHS.apiserverManifest)
    expect(manifest.metadata).not.toHaveProperty('creationTimestamp')
    expect(manifest.spec.priority).toBe(2000001000)
    expect(manifest.spec.securityContext).toEqual({seccompProfile: {type: 'RuntimeDefault'}})

    const etcdFlags = flags(current, NODE_FILE_PATHS.etcdManifest)
    expect(etcdFlags.get('feature-gates')).toBe('InitialCorruptCheck=true')
    expect(etcdFlags.get('watch-progress-notify-interval')).toBe('5s')
    const etcd = container(current, NODE_FILE_PATHS.etcdManifest)
    expect(etcd.image).toBe('registry.k8s.io/etcd:3.6.4-0')
    expect(etcd.readinessProbe?.httpGet.path).toBe('/readyz')
    expect(etcd.ports).toEqual([{containerPort: 2381, name: 'probe-port', protocol: 'TCP'}])

    const scheduler = container(current, NODE_FILE_PATHS.schedulerManifest)
    expect(scheduler.livenessProbe.httpGet.path).toBe('/livez')
    expect(scheduler.readinessProbe?.httpGet.path).toBe('/readyz')
    expect(flags(current, NODE_FILE_PATHS.schedulerManifest).has('port')).toBe(false)

    expect(kubeletConfig(current)).toMatchObject({cgroupDriver: 'systemd', containerRuntimeEndpoint: 'unix:///run/containerd/containerd.sock'})
    expect(kubeletArgs(current)).toEqual([
      '--node-ip=127.0.0.1',
      '--node-labels=',
      '--pod-infra-container-image=registry.k8s.io/pause:3.10.1',
      '--provider-id=kind://docker/kubelab/kubelab-control-plane',
    ])
  })

  it('starts from kubeadm’s hardened defaults', () => {
    for (const files of [old, current]) {
      const apiserver = flags(files, NODE_FILE_PATHS.apiserverManifest)
      expect(apiserver.get('authorization-mode')).toBe('Node,RBAC')
      expect(apiserver.has('anonymous-auth')).toBe(false)
      expect(apiserver.get('etcd-servers')).toBe('https://127.0.0.1:2379')
      expect(apiserver.get('etcd-certfile')).toBe('/etc/kubernetes/pki/apiserver-etcd-client.crt')

      const etcd = flags(files, NODE_FILE_PATHS.etcdManifest)
      expect(etcd.get('client-cert-auth')).toBe('true')
      expect(etcd.get('trusted-ca-file')).toBe('/etc/kubernetes/pki/etcd/ca.crt')
      expect(etcd.get('listen-client-urls')).toBe('https://127.0.0.1:2379')
      expect(etcd.get('peer-client-cert-auth')).toBe('true')

      const kubelet = kubeletConfig(files)
      expect(kubelet.authentication.anonymous.enabled).toBe(false)
      expect(kubelet.authentication.x509.clientCAFile).toBe('/etc/kubernetes/pki/ca.crt')
      expect(kubelet.authorization.mode).toBe('Webhook')
      expect(kubelet).not.toHaveProperty('readOnlyPort')
    }
  })

  it('writes YAML the way kubeadm does', () => {
    const text = current.get(NODE_FILE_PATHS.kubeletConfig) ?? ''
    expect(text).toContain('\n      infoBufferSize: "0"\n')
    expect(text).toContain('\n  nodefs.available: 0%\n')
    const keys = text.split('\n').filter((line) => /^[a-zA-Z]/.test(line)).map((line) => line.split(':')[0])
    expect(keys).toEqual([...keys].sort())
    const manifest = current.get(NODE_FILE_PATHS.apiserverManifest) ?? ''
    expect(manifest).toContain('\n  containers:\n  - command:\n    - kube-apiserver\n')
    expect(manifest).toContain('\n    - --runtime-config=\n')
    expect(manifest.endsWith('status: {}\n')).toBe(true)
  })

  it('Go-quotes kubeadm-flags.env', () => {
    expect(kubeletFlagsEnv([{name: 'node-labels', value: 'a="b"'}])).toBe('KUBELET_KUBEADM_ARGS="--node-labels=a=\\"b\\""\n')
  })
})

describe('misconfigurations', () => {
  let shipped: Map<string, Scenario>

  beforeAll(async () => {
    shipped = new Map((await loadScenarios(path.resolve('scenarios'))).map((entry) => [entry.id, entry]))
  })

  const render = (id: string, ports?: Partial<NodePorts>): Map<string, string> => {
    const found = shipped.get(id)
    if (!found) throw new Error(`no scenario ${id}`)
    return renderNodeFiles(found, ports ? {...NODE, ports} : NODE)
  }

  it('opens every layer for all-open', () => {
    const files = render('all-open')
    const apiserver = flags(files, NODE_FILE_PATHS.apiserverManifest)
    expect(apiserver.get('insecure-port')).toBe('8080')
    expect(apiserver.get('insecure-bind-address')).toBe('127.0.0.1')
    expect(apiserver.get('anonymous-auth')).toBe('true')
    expect(apiserver.get('authorization-mode')).toBe('AlwaysAllow')
    expect(apiserver.get('etcd-servers')).toBe('http://127.0.0.1:2379')
    expect(apiserver.has('etcd-certfile')).toBe(false)

    const etcd = flags(files, NODE_FILE_PATHS.etcdManifest)
    expect(etcd.get('listen-client-urls')).toBe('http://127.0.0.1:2379')
    expect(etcd.get('advertise-client-urls')).toBe('http://127.0.0.1:2379')
    for (const removed of ['cert-file', 'key-file', 'trusted-ca-file', 'client-cert-auth']) expect(etcd.has(removed)).toBe(false)

    const kubelet = kubeletConfig(files)
    expect(kubelet.authentication.anonymous.enabled).toBe(true)
    expect(kubelet.authorization.mode).toBe('AlwaysAllow')
    expect(kubelet['readOnlyPort']).toBe(10255)
    // the merge keeps the rest of kubeadm's authentication block
    expect(kubelet.authentication.x509.clientCAFile).toBe('/etc/kubernetes/pki/ca.crt')
  })

  it('keeps the command line sorted after changes, as kubeadm does', () => {
    const command = container(render('all-open'), NODE_FILE_PATHS.apiserverManifest).command.slice(1)
    expect(command).toEqual([...command].sort())
  })

  it('puts kubelet flags into kubeadm-flags.env', () => {
    const args = kubeletArgs(render('kubelet-anonymous'))
    expect(args).toEqual(expect.arrayContaining(['--anonymous-auth=true', '--authorization-mode=AlwaysAllow']))
    expect(args).toEqual([...args].sort())
  })

  it('keeps etcd on TLS but drops client certificates for etcd-no-client-auth', () => {
    const etcd = flags(render('etcd-no-client-auth'), NODE_FILE_PATHS.etcdManifest)
    expect(etcd.get('client-cert-auth')).toBe('false')
    expect(etcd.has('trusted-ca-file')).toBe(false)
    expect(etcd.get('cert-file')).toBe('/etc/kubernetes/pki/etcd/server.crt')
    expect(etcd.get('listen-client-urls')).toBe('https://127.0.0.1:2379')
  })

  it('moves every default port to the given ones, scenario values included', () => {
    const ports: NodePorts = {
      apiserverSecure: 16443,
      apiserverInsecure: 18080,
      etcdClient: 12379,
      etcdPeer: 12380,
      etcdMetrics: 12381,
      kubelet: 20250,
      kubeletReadOnly: 20255,
      controllerManagerSecure: 20257,
      schedulerSecure: 20259,
    }
    const files = render('all-open', ports)
    const apiserver = flags(files, NODE_FILE_PATHS.apiserverManifest)
    expect(apiserver.get('secure-port')).toBe('16443')
    expect(apiserver.get('insecure-port')).toBe('18080')
    expect(apiserver.get('etcd-servers')).toBe('http://127.0.0.1:12379')
    expect(container(files, NODE_FILE_PATHS.apiserverManifest).livenessProbe.httpGet.port).toBe(16443)
    expect(pod(files, NODE_FILE_PATHS.apiserverManifest).metadata.annotations).toEqual({
      'kubeadm.kubernetes.io/kube-apiserver.advertise-address.endpoint': '127.0.0.1:16443',
    })

    const etcd = flags(files, NODE_FILE_PATHS.etcdManifest)
    expect(etcd.get('listen-client-urls')).toBe('http://127.0.0.1:12379')
    expect(etcd.get('listen-peer-urls')).toBe('https://127.0.0.1:12380')
    expect(etcd.get('initial-cluster')).toBe('kubelab-control-plane=https://127.0.0.1:12380')
    expect(etcd.get('listen-metrics-urls')).toBe('http://127.0.0.1:12381')
    expect(container(files, NODE_FILE_PATHS.etcdManifest).livenessProbe.httpGet.port).toBe(12381)

    expect(kubeletConfig(files)).toMatchObject({port: 20250, readOnlyPort: 20255})
    expect(flags(files, NODE_FILE_PATHS.controllerManagerManifest).get('secure-port')).toBe('20257')
    expect(container(files, NODE_FILE_PATHS.controllerManagerManifest).livenessProbe.httpGet.port).toBe(20257)
    expect(flags(files, NODE_FILE_PATHS.schedulerManifest).get('secure-port')).toBe('20259')
    expect(container(files, NODE_FILE_PATHS.schedulerManifest).livenessProbe.httpGet.port).toBe(20259)
    for (const [file, text] of files) {
      for (const port of [6443, 8080, 2379, 2380, 2381, 10250, 10255, 10257, 10259]) {
        expect({file, port, found: new RegExp(`(?<![0-9])${port}(?![0-9])`).test(text)}).toEqual({file, port, found: false})
      }
    }
  })

  it('writes no --secure-port for the controller-manager and scheduler on their default ports, as kubeadm', () => {
    const files = render('all-open', {apiserverSecure: 16443})
    expect(flags(files, NODE_FILE_PATHS.controllerManagerManifest).has('secure-port')).toBe(false)
    expect(flags(files, NODE_FILE_PATHS.schedulerManifest).has('secure-port')).toBe(false)
    expect(container(files, NODE_FILE_PATHS.schedulerManifest).livenessProbe.httpGet.port).toBe(10259)
  })

  it('moves port-valued kubelet flags too', () => {
    const files = renderNodeFiles(scenario('1.34.1', '  kubelet:\n    flags:\n      read-only-port: 10255'), {...NODE, ports: {kubeletReadOnly: 30255}})
    expect(kubeletArgs(files)).toContain('--read-only-port=30255')
  })
})

describe('listening addresses', () => {
  it('binds every shipped scenario to loopback only', async () => {
    for (const entry of await loadScenarios(path.resolve('scenarios'))) {
      const files = renderNodeFiles(entry, NODE)
      for (const [file] of MANIFESTS) {
        for (const item of container(files, file).command) {
          expect({scenario: entry.id, item, wildcard: /0\.0\.0\.0|\[::\]|=::$/.test(item)}).toEqual({scenario: entry.id, item, wildcard: false})
        }
      }
      const apiserver = flags(files, NODE_FILE_PATHS.apiserverManifest)
      expect(apiserver.get('bind-address')).toBe('127.0.0.1')
      if ((apiserver.get('insecure-port') ?? '0') !== '0') expect(apiserver.get('insecure-bind-address')).toBe('127.0.0.1')
      expect(flags(files, NODE_FILE_PATHS.controllerManagerManifest).get('bind-address')).toBe('127.0.0.1')
      expect(flags(files, NODE_FILE_PATHS.schedulerManifest).get('bind-address')).toBe('127.0.0.1')
      const etcd = flags(files, NODE_FILE_PATHS.etcdManifest)
      for (const name of ['listen-client-urls', 'listen-peer-urls', 'listen-metrics-urls']) {
        for (const url of (etcd.get(name) ?? '').split(',')) expect(new URL(url).hostname).toBe('127.0.0.1')
      }
      expect(kubeletConfig(files)).toMatchObject({address: '127.0.0.1', healthzBindAddress: '127.0.0.1'})
    }
  })

  it('listens on another loopback address when asked', () => {
    const files = renderNodeFiles(scenario('1.34.1'), {...NODE, bindAddress: '127.0.0.2'})
    expect(flags(files, NODE_FILE_PATHS.etcdManifest).get('listen-client-urls')).toBe('https://127.0.0.1:2379,https://127.0.0.2:2379')
    expect(flags(files, NODE_FILE_PATHS.apiserverManifest).get('advertise-address')).toBe('127.0.0.2')
    expect(kubeletArgs(files)).toContain('--node-ip=127.0.0.2')
  })

  it('refuses anything that would listen on every interface', () => {
    expect(() => renderNodeFiles(scenario('1.34.1'), {...NODE, bindAddress: '0.0.0.0'})).toThrow(NodeFilesError)
    expect(() => renderNodeFiles(scenario('1.34.1', '  apiserver:\n    removeFlags: [bind-address]'), NODE)).toThrow(/0\.0\.0\.0/)
    expect(() => renderNodeFiles(scenario('1.34.1', '  kubelet:\n    config:\n      address: null'), NODE)).toThrow(/0\.0\.0\.0/)
  })
})

describe('errors', () => {
  it('names the flag when a removal names a flag kubeadm does not write', () => {
    const error = (() => {
      try {
        renderNodeFiles(scenario('1.34.1', '  etcd:\n    removeFlags: [trusted-ca-fil]'), NODE)
      } catch (caught) {
        return caught
      }
      return undefined
    })()
    expect(error).toBeInstanceOf(NodeFilesError)
    expect(error).toMatchObject({scenarioId: 'test', flag: 'trusted-ca-fil'})
  })

  it('refuses a Kubernetes release it has no kubeadm profile for', () => {
    expect(() => renderNodeFiles(scenario('1.27.3'), NODE)).toThrow(/no kubeadm profile for Kubernetes 1\.27\.3; supported: 1\.19, 1\.34/)
  })
})

describe('the etcd release that runs the manifest', () => {
  const etcdOf = (files: Map<string, string>) => ({
    flags: flags(files, NODE_FILE_PATHS.etcdManifest),
    container: container(files, NODE_FILE_PATHS.etcdManifest),
  })

  it('writes a 1.34 etcd manifest for etcd 3.4 with the experimental flag names 3.4 knows and /health probes', () => {
    const etcd = etcdOf(renderNodeFiles(scenario('1.34.1'), {...NODE, etcdVersion: '3.4.23'}))
    expect(etcd.container.image).toBe('registry.k8s.io/etcd:3.4.23-0')
    expect(etcd.flags.get('experimental-initial-corrupt-check')).toBe('true')
    expect(etcd.flags.get('experimental-watch-progress-notify-interval')).toBe('5s')
    expect(etcd.flags.has('feature-gates')).toBe(false)
    expect(etcd.flags.has('watch-progress-notify-interval')).toBe(false)
    expect(etcd.container.livenessProbe.httpGet.path).toBe('/health')
    expect(etcd.container.startupProbe.httpGet.path).toBe('/health')
    expect(etcd.container.readinessProbe).toBeUndefined()
    // what kubeadm 1.34 asks for stays: the resource requests
    expect(etcd.container.resources).toEqual({requests: {cpu: '100m', memory: '100Mi'}})
  })

  it('uses the /health parameters kubeadm wrote for etcd 3.5', () => {
    const etcd = etcdOf(renderNodeFiles(scenario('1.34.1'), {...NODE, etcdVersion: '3.5.21'}))
    expect(etcd.container.image).toBe('registry.k8s.io/etcd:3.5.21-0')
    expect(etcd.flags.get('experimental-initial-corrupt-check')).toBe('true')
    expect(etcd.container.livenessProbe.httpGet.path).toBe('/health?exclude=NOSPACE&serializable=true')
    expect(etcd.container.startupProbe.httpGet.path).toBe('/health?serializable=false')
  })

  it('keeps the stable names and /livez, /readyz for etcd 3.6', () => {
    const etcd = etcdOf(renderNodeFiles(scenario('1.34.1'), {...NODE, etcdVersion: '3.6.5'}))
    expect(etcd.container.image).toBe('registry.k8s.io/etcd:3.6.5-0')
    expect(etcd.flags.get('feature-gates')).toBe('InitialCorruptCheck=true')
    expect(etcd.flags.has('experimental-initial-corrupt-check')).toBe(false)
    expect(etcd.container.readinessProbe?.httpGet.path).toBe('/readyz')
  })

  it('only retags the image of a 1.19 manifest, which carries none of these flags', () => {
    const files = renderNodeFiles(scenario('1.19.16'), {...NODE, etcdVersion: '3.4.23'})
    const etcd = etcdOf(files)
    expect(etcd.container.image).toBe('k8s.gcr.io/etcd:3.4.23-0')
    expect([...etcd.flags.keys()].filter((name) => /corrupt|progress|feature-gates/.test(name))).toEqual([])
    expect(etcd.container.livenessProbe.httpGet.path).toBe('/health')
  })

  it('refuses a version that is not an etcd 3.4+ release', () => {
    expect(() => renderNodeFiles(scenario('1.34.1'), {...NODE, etcdVersion: 'latest'})).toThrow(/etcd version "latest" is not a release/)
    expect(() => renderNodeFiles(scenario('1.34.1'), {...NODE, etcdVersion: '3.3.27'})).toThrow(/etcd 3\.3\.27 is too old/)
  })
})
