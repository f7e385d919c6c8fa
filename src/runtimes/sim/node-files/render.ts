import {isIP} from 'node:net'
import {Document} from 'yaml'
import {namesWildcardAddress} from '../../../scenario/schema-common.js'
import type {Scenario} from '../../../scenario/schema.js'
import {portMap} from './args.js'
import type {EtcdRelease, RenderContext} from './context.js'
import {apiserverPod, controllerManagerPod, etcdPod, schedulerPod} from './control-plane.js'
import {KUBELET_DROP_IN, kubeletConfig, kubeletFlags, kubeletFlagsEnv} from './kubelet.js'
import {SUPPORTED_KUBERNETES_MINORS, profileFor, type KubeadmProfile} from './profiles.js'
import type {JsonObject} from './static-pod.js'
import {DEFAULT_NODE_PORTS, NODE_FILE_MODES, NODE_FILE_PATHS, NodeFilesError, type NodeFilesOptions, type NodePorts} from './types.js'

/**
 * A control-plane node's kubeadm files for a scenario: the four static pod manifests, the
 * kubelet's config.yaml and kubeadm-flags.env, and the kubelet's systemd drop-in, keyed by node
 * path. Starts from what kubeadm (as kind drives it) writes for the scenario's Kubernetes release,
 * then applies the scenario's misconfigurations. Every listener is on `bindAddress`.
 */
export function renderNodeFiles(scenario: Scenario, options: NodeFilesOptions): Map<string, string> {
  const context = resolveContext(scenario, options)
  const pods: Array<[string, JsonObject]> = [
    [NODE_FILE_PATHS.apiserverManifest, apiserverPod(context)],
    [NODE_FILE_PATHS.controllerManagerManifest, controllerManagerPod(context)],
    [NODE_FILE_PATHS.etcdManifest, etcdPod(context)],
    [NODE_FILE_PATHS.schedulerManifest, schedulerPod(context)],
  ]
  const config = kubeletConfig(context)
  const flags = kubeletFlags(context)

  // Inside a node container "every interface" means the container's own, published on the host's loopback only.
  if (options.containerNetwork !== true) {
    for (const [file, pod] of pods) refuseWildcards(scenario.id, file, commandOf(pod))
    refuseWildcards(scenario.id, NODE_FILE_PATHS.kubeletFlagsEnv, flags.map((flag) => `--${flag.name}=${flag.value}`))
    refuseWildcards(scenario.id, NODE_FILE_PATHS.kubeletConfig, [config['address'], config['healthzBindAddress']].map(String))
  }

  const files = new Map<string, string>()
  for (const [file, pod] of pods) files.set(file, toGoYaml(pod))
  files.set(NODE_FILE_PATHS.kubeletConfig, toGoYaml(config))
  files.set(NODE_FILE_PATHS.kubeletFlagsEnv, kubeletFlagsEnv(flags))
  files.set(NODE_FILE_PATHS.kubeletDropIn, KUBELET_DROP_IN)
  return files
}

/**
 * The rendered files with kubeadm's modes (NODE_FILE_MODES), in the {contents, mode} shape that
 * pki's writeFiles lays under a node root.
 */
export function withModes(files: ReadonlyMap<string, string>): Map<string, {contents: string; mode: number}> {
  return new Map(
    [...files].map(([nodePath, contents]) => {
      const mode = NODE_FILE_MODES[nodePath]
      if (mode === undefined) throw new Error(`no kubeadm file mode is known for ${nodePath}`)
      return [nodePath, {contents, mode}]
    }),
  )
}

function resolveContext(scenario: Scenario, options: NodeFilesOptions): RenderContext {
  const profile = profileFor(scenario.kubernetesVersion)
  if (!profile) {
    const supported = SUPPORTED_KUBERNETES_MINORS.map((minor) => `1.${minor}`).join(', ')
    throw new NodeFilesError(scenario.id, `kubelab has no kubeadm profile for Kubernetes ${scenario.kubernetesVersion}; supported: ${supported}`)
  }
  const bindAddress = options.bindAddress ?? '127.0.0.1'
  if (!/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bindAddress) && !(options.containerNetwork === true && isIP(bindAddress) === 4)) {
    throw new NodeFilesError(scenario.id, `bind address ${bindAddress} is not a loopback address (127.0.0.0/8)`)
  }
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(options.nodeName)) {
    throw new NodeFilesError(scenario.id, `node name "${options.nodeName}" is not a DNS-1123 label`)
  }
  const ports: NodePorts = {...DEFAULT_NODE_PORTS, ...options.ports}
  return {
    scenario,
    profile,
    nodeName: options.nodeName,
    clusterName: options.clusterName ?? 'kubelab',
    bindAddress,
    ports,
    portMap: portMap(ports),
    etcd: etcdRelease(scenario.id, profile, options.etcdVersion),
  }
}

/** The etcd release given (e.g. the installed one), else the one kubeadm pins ("3.6.4-0" → 3.6.4). */
function etcdRelease(scenarioId: string, profile: KubeadmProfile, etcdVersion: string | undefined): EtcdRelease {
  const version = etcdVersion ?? profile.etcdImageTag.replace(/-\d+$/, '')
  const match = /^v?(\d+)\.(\d+)\.(\d+)$/.exec(version)
  if (!match) throw new NodeFilesError(scenarioId, `etcd version "${version}" is not a release such as 3.4.23`)
  const [major, minor] = [Number(match[1]), Number(match[2])]
  if (major !== 3 || minor < 4) throw new NodeFilesError(scenarioId, `etcd ${version} is too old: the manifests need etcd 3.4 or later`)
  const plain = version.replace(/^v/, '')
  return {
    version: plain,
    imageTag: etcdVersion === undefined ? profile.etcdImageTag : `${plain}-0`,
    generation: minor === 4 ? '3.4' : minor === 5 ? '3.5' : '3.6',
  }
}

function commandOf(pod: JsonObject): string[] {
  const spec = pod['spec'] as {containers: Array<{command: string[]}>}
  return spec.containers.flatMap((container) => container.command)
}

function refuseWildcards(scenarioId: string, file: string, values: readonly string[]): void {
  const wildcard = values.find(namesWildcardAddress)
  if (wildcard !== undefined) {
    throw new NodeFilesError(scenarioId, `${file} would listen on every interface: ${wildcard}`)
  }
}

/**
 * YAML as kubeadm writes it (sigs.k8s.io/yaml over go-yaml v2): keys sorted, sequences not
 * indented under their key, YAML 1.1 quoting ("0", "true" and "on" stay strings), no line folding.
 */
export function toGoYaml(value: JsonObject): string {
  return new Document(value, {version: '1.1', sortMapEntries: true}).toString({indentSeq: false, lineWidth: 0})
}
