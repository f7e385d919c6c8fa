import {existsSync} from 'node:fs'
import {readdir, readFile, writeFile} from 'node:fs/promises'
import path from 'node:path'
import {describe, expect, it} from '@jest/globals'
import {parse} from 'yaml'
import {exposeWarning, formatKindDryRun, kindLabRecord} from '../../../src/lab/kind-up.js'
import {portsScenarioUses} from '../../../src/lab/ports.js'
import {describeStep} from '../../../src/runtimes/kind/config/post-create.js'
import {kindClusterSchema} from '../../../src/runtimes/kind/config/schema.js'
import {KIND_NODE_IMAGE_1_19, KIND_NODE_IMAGE_1_34} from '../../../src/runtimes/kind/images.js'
import {opensInsecurePort, planKindLab, type KindLabChoices, type KindLabPlan} from '../../../src/runtimes/kind/plan.js'
import {DEFAULT_LAB_PORTS, type LabPorts} from '../../../src/runtimes/types.js'
import {loadScenario} from '../../../src/scenario/load.js'
import type {Scenario} from '../../../src/scenario/schema.js'
import {PROJECT_ROOT} from '../../commands/run-in-process.js'

/*
 * The kind config of every shipped scenario, compared with the expected YAML committed under
 * test/fixtures/kind/ (regenerate after a deliberate change with KUBELAB_UPDATE_KIND_FIXTURES=1 and
 * review the diff). Ports are the real defaults, so the output does not depend on this machine.
 */
const SCENARIOS_DIR = path.join(PROJECT_ROOT, 'scenarios')
const FIXTURES_DIR = path.join(PROJECT_ROOT, 'test/fixtures/kind')
const UPDATE = process.env['KUBELAB_UPDATE_KIND_FIXTURES'] === '1'

const scenarioFiles = (await readdir(SCENARIOS_DIR)).filter((file) => file.endsWith('.yaml')).sort()
const scenarios: Scenario[] = await Promise.all(scenarioFiles.map((file) => loadScenario(path.join(SCENARIOS_DIR, file))))

function defaultPorts(scenario: Scenario): LabPorts {
  return Object.fromEntries(portsScenarioUses(scenario).map((name) => [name, DEFAULT_LAB_PORTS[name]])) as unknown as LabPorts
}

interface Variant {
  label: string
  scenario: Scenario
  choices: KindLabChoices
}

const variants: Variant[] = scenarios.flatMap((scenario) => [
  {label: scenario.id, scenario, choices: {}},
  ...(opensInsecurePort(scenario) ? [{label: `${scenario.id}.stand-in`, scenario, choices: {insecurePortStandIn: true}}] : []),
])

function plan(variant: Variant, extra: KindLabChoices = {}): KindLabPlan {
  return planKindLab(variant.scenario.id, variant.scenario, defaultPorts(variant.scenario), {...variant.choices, ...extra})
}

/** What the fixture holds: the config piped to kind, then the post-create steps as comments. */
function fixtureText(result: KindLabPlan): string {
  return `${result.config.yaml}# post-create steps:\n${result.config.postCreate.map((step) => `#   - ${describeStep(step)}`).join('\n')}\n`
}

describe('kind configs for every shipped scenario', () => {
  it('covers the scenarios folder', () => {
    expect(scenarios.length).toBeGreaterThanOrEqual(8)
  })

  describe.each(variants.map((variant) => [variant.label, variant] as const))('%s', (label, variant) => {
    const result = plan(variant)

    it('is a valid kind v1alpha4 Cluster, one control-plane node from a digest-pinned image', () => {
      const parsed: unknown = parse(result.config.yaml)
      expect(kindClusterSchema.parse(parsed)).toEqual(result.config.cluster)
      expect(result.config.cluster.nodes).toHaveLength(1)
      expect(result.config.cluster.nodes?.[0]?.role).toBe('control-plane')
      expect(result.config.cluster.nodes?.[0]?.image).toMatch(/^kindest\/node:v\d+\.\d+\.\d+@sha256:[0-9a-f]{64}$/)
      expect(result.config.cluster.name).toBe(`kubelab-${variant.scenario.id}`)
    })

    it('listens on 127.0.0.1 only, with a mapping for every port a check probes', () => {
      expect(result.config.cluster.networking).toEqual({apiServerAddress: '127.0.0.1', apiServerPort: 6443})
      const mappings = result.config.cluster.nodes?.[0]?.extraPortMappings ?? []
      for (const mapping of mappings) expect(mapping.listenAddress).toBe('127.0.0.1')
      const ports = defaultPorts(variant.scenario)
      const probed = (['apiserverInsecure', 'kubelet', 'kubeletReadOnly', 'etcdClient', 'etcdPeer'] as const).filter((name) => ports[name] !== undefined)
      expect(mappings.map((mapping) => mapping.hostPort).sort()).toEqual(probed.map((name) => ports[name]).sort())
      expect(result.config.yaml).not.toMatch(/listenAddress: (?!127\.0\.0\.1)/)
    })

    it('writes kubeadm patches without apiVersion, so kind applies them on v1beta2, v1beta3 and v1beta4', () => {
      for (const patch of result.config.cluster.kubeadmConfigPatches ?? []) {
        const document = parse(patch) as Record<string, unknown>
        expect(Object.keys(document)).not.toContain('apiVersion')
        expect(patch).not.toMatch(/apiVersion/)
        expect(['ClusterConfiguration', 'InitConfiguration', 'KubeletConfiguration']).toContain(document['kind'])
      }
    })

    it(`matches test/fixtures/kind/${label}.yaml`, async () => {
      const file = path.join(FIXTURES_DIR, `${label}.yaml`)
      const text = fixtureText(result)
      if (UPDATE) await writeFile(file, text)
      if (!existsSync(file)) throw new Error(`no expected config ${file}: run this suite with KUBELAB_UPDATE_KIND_FIXTURES=1 and review the file`)
      expect(text).toBe(await readFile(file, 'utf8'))
    })

    it('is the same every time (deterministic)', () => {
      expect(plan(variant).config.yaml).toBe(result.config.yaml)
    })
  })
})

const scenario = (id: string): Scenario => {
  const found = scenarios.find((item) => item.id === id)
  if (!found) throw new Error(`no scenario ${id}`)
  return found
}

describe('how scenario settings reach the node', () => {
  it('all-open: flags as extraArgs, loopback listeners moved to the node interface, removals after create', () => {
    const result = planKindLab('all-open', scenario('all-open'), defaultPorts(scenario('all-open')))
    expect(result.insecurePort).toBe('real')
    expect(result.image).toBe(KIND_NODE_IMAGE_1_19)
    const patches = (result.config.cluster.kubeadmConfigPatches ?? []).map((patch) => parse(patch) as Record<string, unknown>)
    expect(patches).toContainEqual({
      kind: 'ClusterConfiguration',
      apiServer: {
        extraArgs: {
          'insecure-port': '8080',
          'insecure-bind-address': '0.0.0.0',
          'anonymous-auth': 'true',
          'authorization-mode': 'AlwaysAllow',
          'etcd-servers': 'http://127.0.0.1:2379',
        },
      },
      etcd: {local: {extraArgs: {'listen-client-urls': 'http://0.0.0.0:2379', 'advertise-client-urls': 'http://127.0.0.1:2379'}}},
    })
    expect(patches).toContainEqual({kind: 'KubeletConfiguration', authentication: {anonymous: {enabled: true}}, authorization: {mode: 'AlwaysAllow'}, readOnlyPort: 10255})
    expect(result.config.postCreate.slice(0, 2)).toEqual([
      {action: 'remove-manifest-flags', component: 'kube-apiserver', nodePath: '/etc/kubernetes/manifests/kube-apiserver.yaml', flags: ['etcd-cafile', 'etcd-certfile', 'etcd-keyfile']},
      {action: 'remove-manifest-flags', component: 'etcd', nodePath: '/etc/kubernetes/manifests/etcd.yaml', flags: ['cert-file', 'key-file', 'trusted-ca-file', 'client-cert-auth']},
    ])
    expect(result.config.adjustments.join('\n')).toMatch(/--insecure-bind-address=127\.0\.0\.1 becomes 0\.0\.0\.0 inside the node container/)
  })

  it('kubelet-anonymous: kubelet flags go into InitConfiguration nodeRegistration.kubeletExtraArgs as a map', () => {
    const patches = (planKindLab('k', scenario('kubelet-anonymous'), defaultPorts(scenario('kubelet-anonymous'))).config.cluster.kubeadmConfigPatches ?? []).map((patch) => parse(patch) as unknown)
    expect(patches).toEqual([{kind: 'InitConfiguration', nodeRegistration: {kubeletExtraArgs: {'anonymous-auth': 'true', 'authorization-mode': 'AlwaysAllow'}}}])
  })

  it('a kubelet setting set to null is deleted from config.yaml after create, then the kubelet restarts', () => {
    const base = scenario('kubelet-read-only')
    const edited: Scenario = {...base, misconfigurations: {...base.misconfigurations, kubelet: {flags: {}, config: {readOnlyPort: 10255, authentication: {x509: {clientCAFile: null}}}}}}
    const result = planKindLab('k', edited, defaultPorts(edited))
    expect((result.config.cluster.kubeadmConfigPatches ?? []).map((patch) => parse(patch) as unknown)).toEqual([{kind: 'KubeletConfiguration', readOnlyPort: 10255}])
    expect(result.config.postCreate.slice(0, 2)).toEqual([
      {action: 'remove-kubelet-settings', nodePath: '/var/lib/kubelet/config.yaml', settings: [['authentication', 'x509', 'clientCAFile']]},
      {action: 'restart-kubelet'},
    ])
  })

  it('the stand-in drops the insecure flags and writes a kubectl proxy static pod on the insecure port', () => {
    const result = planKindLab('insecure-port', scenario('insecure-port'), defaultPorts(scenario('insecure-port')), {insecurePortStandIn: true})
    expect(result.insecurePort).toBe('proxy-stand-in')
    expect(result.image).toBe(KIND_NODE_IMAGE_1_34)
    expect((result.config.cluster.kubeadmConfigPatches ?? []).join('\n')).not.toMatch(/insecure-port|insecure-bind-address/)
    const proxy = result.config.postCreate.find((step) => step.action === 'write-static-pod')
    expect(proxy).toMatchObject({nodePath: '/etc/kubernetes/manifests/kube-apiserver-insecure-proxy.yaml'})
    const pod = parse(proxy?.action === 'write-static-pod' ? proxy.text : '') as {metadata: {name: string}; spec: {hostNetwork: boolean; containers: Array<{command: string[]}>}}
    expect(pod.metadata.name).toBe('kube-apiserver-insecure-proxy')
    expect(pod.spec.hostNetwork).toBe(true)
    expect(pod.spec.containers[0]?.command).toEqual([
      '/kubelab/kubectl',
      'proxy',
      '--address=0.0.0.0',
      '--port=8080',
      '--accept-hosts=^.*$',
      '--disable-filter=true',
      '--kubeconfig=/etc/kubernetes/admin.conf',
    ])
    expect(result.config.forwards).toContainEqual({name: 'apiserverInsecure', hostPort: 8080, containerPort: 8080, listenAddress: '127.0.0.1'})
  })

  it('maps lab ports that are not the defaults: host side from the lab, container side the component’s own', () => {
    const ports: LabPorts = {...defaultPorts(scenario('all-open')), apiserverSecure: 40001, apiserverInsecure: 40002, kubelet: 40003, kubeletReadOnly: 40004, etcdClient: 40005, etcdPeer: 40006}
    const result = planKindLab('x', scenario('all-open'), ports)
    expect(result.config.cluster.networking).toEqual({apiServerAddress: '127.0.0.1', apiServerPort: 40001})
    expect(result.config.cluster.nodes?.[0]?.extraPortMappings).toEqual([
      {containerPort: 8080, hostPort: 40002, listenAddress: '127.0.0.1', protocol: 'TCP'},
      {containerPort: 10250, hostPort: 40003, listenAddress: '127.0.0.1', protocol: 'TCP'},
      {containerPort: 10255, hostPort: 40004, listenAddress: '127.0.0.1', protocol: 'TCP'},
      {containerPort: 2379, hostPort: 40005, listenAddress: '127.0.0.1', protocol: 'TCP'},
      {containerPort: 2380, hostPort: 40006, listenAddress: '127.0.0.1', protocol: 'TCP'},
    ])
  })
})

describe('--expose', () => {
  const target = scenario('all-open')
  const exposed = planKindLab('all-open', target, defaultPorts(target), {expose: true})

  it('flips every listen address to all interfaces, and says so in the config', () => {
    expect(exposed.exposed).toBe(true)
    expect(exposed.config.cluster.networking?.apiServerAddress).toBe('0.0.0.0')
    for (const mapping of exposed.config.cluster.nodes?.[0]?.extraPortMappings ?? []) expect(mapping.listenAddress).toBe('0.0.0.0')
    expect(exposed.config.yaml).toMatch(/^# --expose: every host port below listens on ALL interfaces/m)
  })

  it('warns loudly and records exposed: true', () => {
    const messages: string[] = []
    const record = kindLabRecord('all-open', target, defaultPorts(target), {expose: true}, (message) => messages.push(message))
    expect(record).toEqual({cluster: 'kubelab-all-open', nodeContainer: 'kubelab-all-open-control-plane', nodeImage: KIND_NODE_IMAGE_1_19.reference, insecurePort: 'real', exposed: true})
    expect(messages).toEqual([exposeWarning('all-open')])
    expect(messages[0]).toMatch(/^WARNING: --expose: .* EVERY network interface/)
    const quiet: string[] = []
    expect(kindLabRecord('all-open', target, defaultPorts(target), {}, (message) => quiet.push(message)).exposed).toBe(false)
    expect(quiet).toEqual([])
  })

  it('the dry run shows the warning', () => {
    const text = formatKindDryRun({labName: 'all-open', scenario: target, ports: defaultPorts(target), plan: exposed}, '/home/learner/.kubelab')
    expect(text).toContain(exposeWarning('all-open'))
  })
})

describe('the schema of kind types', () => {
  it('rejects a typo, as kind would silently drop it', () => {
    const good = {kind: 'Cluster', apiVersion: 'kind.x-k8s.io/v1alpha4', nodes: [{role: 'control-plane', extraPortMappings: [{containerPort: 1, hostPort: 2, listenAddress: '127.0.0.1'}]}]}
    expect(kindClusterSchema.safeParse(good).success).toBe(true)
    expect(kindClusterSchema.safeParse({...good, nodes: [{rolle: 'control-plane'}]}).success).toBe(false)
    expect(kindClusterSchema.safeParse({...good, nodes: [{extraPortMappings: [{containerPort: 1, listenAdress: '127.0.0.1'}]}]}).success).toBe(false)
    expect(kindClusterSchema.safeParse({...good, networking: {apiServerPort: 6443, apiserverAddress: '127.0.0.1'}}).success).toBe(false)
    expect(kindClusterSchema.safeParse({...good, apiVersion: 'kind.x-k8s.io/v1alpha3'}).success).toBe(false)
  })
})
