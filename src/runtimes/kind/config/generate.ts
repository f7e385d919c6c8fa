import {stringify} from 'yaml'
import {isPlainObject, type JsonValue, type KubeletConfigPatch} from '../../../scenario/kubelet-patch.js'
import type {Scenario} from '../../../scenario/schema.js'
import {DEFAULT_LAB_PORTS, type LabPortName, type LabPorts} from '../../types.js'
import type {KindNodeImage} from '../images.js'
import type {KindInsecurePortVariant, KindNames} from '../types.js'
import {INSECURE_PROXY_MANIFEST, insecureProxyManifest} from './insecure-proxy.js'
import {KIND_NODE_PATHS, manifestPath, type PostCreateStep} from './post-create.js'
import {KIND_API_VERSION, kindClusterSchema, type KindCluster, type KindPortMapping} from './schema.js'

/** The host side of every mapping: this machine only. */
export const LOOPBACK = '127.0.0.1'

/**
 * Inside the node container a component must listen on the container's own interface for a Docker
 * port mapping to reach it (Docker forwards to the container's address, never to its loopback), so
 * a scenario's 127.0.0.1 becomes every interface *of the node container*. The node sits on Docker's
 * private "kind" network; what makes the lab reachable from outside is the host side of the mapping,
 * which listens on 127.0.0.1 unless --expose.
 */
export const EVERY_INTERFACE_IN_NODE = '0.0.0.0'

/** `--expose`: the host side of every mapping listens on every interface of this machine. */
const EVERY_HOST_INTERFACE = EVERY_INTERFACE_IN_NODE

export interface KindConfigOptions {
  names: KindNames
  ports: LabPorts
  image: KindNodeImage
  /** Set when the scenario opens the insecure port: which one the lab gets. */
  insecurePort?: KindInsecurePortVariant
  /** Host side of the mappings on every interface instead of 127.0.0.1. */
  expose: boolean
}

/** A host port forwarded into the node, and why. */
export interface KindPortForward {
  name: LabPortName
  hostPort: number
  containerPort: number
  listenAddress: string
}

export interface KindLabConfig {
  cluster: KindCluster
  /** What is piped to `kind create cluster --config -`. */
  yaml: string
  forwards: KindPortForward[]
  /** Lab ports that listen on the node's loopback only: nothing is mapped to them. */
  unmapped: LabPortName[]
  /** How a scenario setting was changed to work inside a node container, one line each. */
  adjustments: string[]
  postCreate: PostCreateStep[]
}

/** The scenario's ports inside the node: the component's own number, as kubeadm (or the scenario) sets it. */
function inNodePorts(scenario: Scenario): Required<Pick<LabPorts, 'apiserverInsecure' | 'etcdClient' | 'etcdPeer' | 'kubelet' | 'kubeletReadOnly'>> {
  const {apiserver, etcd, kubelet} = scenario.misconfigurations
  const urlPort = (urls: string | undefined, fallback: number): number => {
    const first = urls?.split(',')[0]
    const port = first === undefined ? undefined : /:(\d+)\/?$/.exec(first.trim())?.[1]
    return port === undefined ? fallback : Number(port)
  }
  const numeric = (value: unknown, fallback: number): number => (Number(value) > 0 ? Number(value) : fallback)
  return {
    apiserverInsecure: numeric(apiserver.setFlags['insecure-port'], DEFAULT_LAB_PORTS.apiserverInsecure),
    etcdClient: urlPort(etcd.setFlags['listen-client-urls'], DEFAULT_LAB_PORTS.etcdClient),
    etcdPeer: urlPort(etcd.setFlags['listen-peer-urls'], DEFAULT_LAB_PORTS.etcdPeer),
    kubelet: numeric(kubelet.config['port'] ?? kubelet.flags['port'], DEFAULT_LAB_PORTS.kubelet),
    kubeletReadOnly: numeric(kubelet.config['readOnlyPort'] ?? kubelet.flags['read-only-port'], DEFAULT_LAB_PORTS.kubeletReadOnly),
  }
}

const LOOPBACK_HOST = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\]|::1)$/

function isLoopback(host: string): boolean {
  return LOOPBACK_HOST.test(host)
}

/** "http://127.0.0.1:2379,https://localhost:2379" with each loopback host made every interface of the node. */
function urlsInNode(urls: string): string {
  return urls
    .split(',')
    .map((url) => url.trim().replace(/^(\w+:\/\/)(\[[^\]]+\]|[^:/]+)/, (whole, scheme: string, host: string) => (isLoopback(host) ? `${scheme}${EVERY_INTERFACE_IN_NODE}` : whole)))
    .join(',')
}

interface FlagTranslation {
  args: Record<string, string>
  adjustments: string[]
}

const BIND_ADDRESS_FLAGS = new Set(['insecure-bind-address', 'bind-address', 'address', 'healthz-bind-address'])
const LISTEN_URL_FLAGS = new Set(['listen-client-urls', 'listen-peer-urls'])

/** extraArgs for one component: the scenario's flags, with loopback listeners moved to the node's interface. */
function translateFlags(component: string, flags: Readonly<Record<string, string>>, drop: ReadonlySet<string> = new Set()): FlagTranslation {
  const args: Record<string, string> = {}
  const adjustments: string[] = []
  for (const [name, value] of Object.entries(flags)) {
    if (drop.has(name)) continue
    let inNode = value
    if (BIND_ADDRESS_FLAGS.has(name) && isLoopback(value)) inNode = EVERY_INTERFACE_IN_NODE
    if (LISTEN_URL_FLAGS.has(name)) inNode = urlsInNode(value)
    if (inNode !== value) adjustments.push(`${component} --${name}=${value} becomes ${inNode} inside the node container (Docker forwards to the container's interface, not its loopback)`)
    args[name] = inNode
  }
  return {args, adjustments}
}

/** A merge patch split into what it sets (a KubeletConfiguration patch) and what it deletes (null leaves). */
function splitKubeletPatch(patch: KubeletConfigPatch, prefix: string[] = []): {set: KubeletConfigPatch; remove: string[][]} {
  const set: KubeletConfigPatch = {}
  const remove: string[][] = []
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) remove.push([...prefix, key])
    else if (isPlainObject(value)) {
      const inner = splitKubeletPatch(value, [...prefix, key])
      if (Object.keys(inner.set).length > 0) set[key] = inner.set
      remove.push(...inner.remove)
    } else set[key] = value
  }
  return {set, remove}
}

/** kubeadmConfigPatches entries never name an apiVersion: kind then applies them to v1beta2, v1beta3 and v1beta4 alike. */
function patchText(kind: string, body: Record<string, JsonValue>): string {
  return stringify({kind, ...body}, {lineWidth: 0})
}

/**
 * The kind cluster for a scenario: one control-plane node from a pinned image, the scenario's flags
 * as kubeadm config patches, a host port on 127.0.0.1 for every port a check probes, and what has to
 * happen inside the node after `kind create cluster` returns.
 */
export function kindConfigFor(scenario: Scenario, options: KindConfigOptions): KindLabConfig {
  const {apiserver, etcd, kubelet, rbac, seed} = scenario.misconfigurations
  const listenAddress = options.expose ? EVERY_HOST_INTERFACE : LOOPBACK
  const inNode = inNodePorts(scenario)
  const adjustments: string[] = []
  const postCreate: PostCreateStep[] = []

  const insecureFlags = new Set(['insecure-port', 'insecure-bind-address'])
  const apiserverFlags = translateFlags('kube-apiserver', apiserver.setFlags, options.insecurePort === 'proxy-stand-in' ? insecureFlags : new Set())
  if (options.insecurePort === 'real' && apiserverFlags.args['insecure-bind-address'] === undefined) {
    apiserverFlags.args['insecure-bind-address'] = EVERY_INTERFACE_IN_NODE
    apiserverFlags.adjustments.push(`kube-apiserver --insecure-bind-address=${EVERY_INTERFACE_IN_NODE} added: its default, 127.0.0.1, cannot be reached through a port mapping`)
  }
  if (options.insecurePort === 'proxy-stand-in') {
    adjustments.push(
      `kube-apiserver ${[...insecureFlags].filter((flag) => flag in apiserver.setFlags).map((flag) => `--${flag}`).join(' and ')} left out: Kubernetes ${options.image.kubernetesVersion} has no insecure port (1.20 refuses a non-zero --insecure-port, 1.24 removed the flag); a kubectl proxy static pod stands in`,
    )
  }
  const etcdFlags = translateFlags('etcd', etcd.setFlags)
  const kubeletFlags = translateFlags('kubelet', kubelet.flags)
  adjustments.push(...apiserverFlags.adjustments, ...etcdFlags.adjustments, ...kubeletFlags.adjustments)

  const kubeletConfig = splitKubeletPatch(kubelet.config)
  const address = kubeletConfig.set['address']
  if (typeof address === 'string' && isLoopback(address)) {
    kubeletConfig.set['address'] = EVERY_INTERFACE_IN_NODE
    adjustments.push(`kubelet address ${address} becomes ${EVERY_INTERFACE_IN_NODE} inside the node container`)
  }

  const patches: string[] = []
  const clusterConfiguration: Record<string, JsonValue> = {}
  if (Object.keys(apiserverFlags.args).length > 0) clusterConfiguration['apiServer'] = {extraArgs: apiserverFlags.args}
  if (Object.keys(etcdFlags.args).length > 0) clusterConfiguration['etcd'] = {local: {extraArgs: etcdFlags.args}}
  if (Object.keys(clusterConfiguration).length > 0) patches.push(patchText('ClusterConfiguration', clusterConfiguration))
  // InitConfiguration reaches the control-plane node only: the lab has no other node.
  if (Object.keys(kubeletFlags.args).length > 0) patches.push(patchText('InitConfiguration', {nodeRegistration: {kubeletExtraArgs: kubeletFlags.args}}))
  if (Object.keys(kubeletConfig.set).length > 0) patches.push(patchText('KubeletConfiguration', kubeletConfig.set))

  const forwards: KindPortForward[] = []
  const forward = (name: LabPortName, containerPort: number): void => {
    const hostPort = options.ports[name]
    if (hostPort !== undefined) forwards.push({name, hostPort, containerPort, listenAddress})
  }
  if (options.insecurePort !== undefined) forward('apiserverInsecure', inNode.apiserverInsecure)
  forward('kubelet', inNode.kubelet)
  forward('kubeletReadOnly', inNode.kubeletReadOnly)
  forward('etcdClient', inNode.etcdClient)
  forward('etcdPeer', inNode.etcdPeer)
  const mappings: KindPortMapping[] = forwards.map((item) => ({containerPort: item.containerPort, hostPort: item.hostPort, listenAddress: item.listenAddress, protocol: 'TCP'}))

  for (const component of ['kube-apiserver', 'etcd'] as const) {
    const flags = component === 'etcd' ? etcd.removeFlags : apiserver.removeFlags
    if (flags.length > 0) postCreate.push({action: 'remove-manifest-flags', component, nodePath: manifestPath(component), flags: [...flags]})
  }
  if (kubeletConfig.remove.length > 0) {
    postCreate.push({action: 'remove-kubelet-settings', nodePath: KIND_NODE_PATHS.kubeletConfig, settings: kubeletConfig.remove}, {action: 'restart-kubelet'})
  }
  if (options.insecurePort === 'proxy-stand-in') {
    postCreate.push({
      action: 'write-static-pod',
      nodePath: INSECURE_PROXY_MANIFEST,
      text: insecureProxyManifest({kubernetesVersion: options.image.kubernetesVersion, port: inNode.apiserverInsecure, inNodeAddress: EVERY_INTERFACE_IN_NODE}),
      purpose: `kubectl proxy with the admin kubeconfig on port ${inNode.apiserverInsecure}, standing in for the insecure port`,
    })
  }
  if (postCreate.length > 0) postCreate.push({action: 'wait-for-api-server'})
  postCreate.push({
    action: 'apply-objects',
    counts: {
      namespaces: seed.namespaces.length,
      'RBAC objects': rbac.length,
      'service accounts': seed.serviceAccounts.length,
      secrets: seed.secrets.length,
      'config maps': seed.configMaps.length,
      pods: seed.pods.length,
    },
  })

  const cluster = kindClusterSchema.parse({
    kind: 'Cluster',
    apiVersion: KIND_API_VERSION,
    name: options.names.cluster,
    networking: {apiServerAddress: listenAddress, apiServerPort: options.ports.apiserverSecure},
    nodes: [{role: 'control-plane', image: options.image.reference, ...(mappings.length > 0 ? {extraPortMappings: mappings} : {})}],
    ...(patches.length > 0 ? {kubeadmConfigPatches: patches} : {}),
  })
  const mapped = new Set<LabPortName>(['apiserverSecure', ...forwards.map((item) => item.name)])
  const unmapped = (Object.keys(options.ports) as LabPortName[]).filter((name) => options.ports[name] !== undefined && !mapped.has(name))
  return {cluster, yaml: kindConfigYaml(scenario, cluster, options.expose), forwards, unmapped, adjustments, postCreate}
}

function kindConfigYaml(scenario: Scenario, cluster: KindCluster, expose: boolean): string {
  const header = [
    `# kubelab: scenario ${scenario.id} (${scenario.title})`,
    expose
      ? '# --expose: every host port below listens on ALL interfaces of this machine. Anyone who reaches it owns the cluster.'
      : '# Every host port listens on 127.0.0.1 only. Inside the node container the components listen on the',
    ...(expose ? [] : ["# container's own interface, which only Docker's private network and these mappings reach."]),
  ]
  return `${header.join('\n')}\n${stringify(cluster, {lineWidth: 0})}`
}
