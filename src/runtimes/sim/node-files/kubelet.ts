import {applyMergePatch, type JsonValue} from '../../../scenario/kubelet-patch.js'
import {mergeArgs, remapPortValue, type Arg} from './args.js'
import {CLUSTER_DNS, CRI_SOCKET, type RenderContext} from './context.js'
import type {JsonObject} from './static-pod.js'
import {DEFAULT_NODE_PORTS, NodeFilesError} from './types.js'
import {KUBEADM_DROP_IN} from '../../../node-config/kubelet-command-line.js'

/** Kubelet flags whose whole value is a port number. */
const PORT_FLAGS: ReadonlySet<string> = new Set(['port', 'read-only-port'])

/**
 * /var/lib/kubelet/config.yaml as kubeadm marshals kind's KubeletConfiguration: every zero-valued
 * duration and struct the release's v1beta1 type does not omit is written out ("0s", "{}"). The
 * field sets are those of real kind nodes of each release.
 */
export function kubeletConfig(context: RenderContext): JsonObject {
  const {profile} = context
  const base: JsonObject = {
    apiVersion: 'kubelet.config.k8s.io/v1beta1',
    kind: 'KubeletConfiguration',
    authentication: {
      anonymous: {enabled: false},
      webhook: {cacheTTL: '0s', enabled: true},
      x509: {clientCAFile: '/etc/kubernetes/pki/ca.crt'},
    },
    authorization: {mode: 'Webhook', webhook: {cacheAuthorizedTTL: '0s', cacheUnauthorizedTTL: '0s'}},
    cgroupDriver: profile.cgroupDriver,
    cgroupRoot: '/kubelet',
    clusterDNS: [CLUSTER_DNS],
    clusterDomain: 'cluster.local',
    cpuManagerReconcilePeriod: '0s',
    evictionHard: {'imagefs.available': '0%', 'nodefs.available': '0%', 'nodefs.inodesFree': '0%'},
    evictionPressureTransitionPeriod: '0s',
    failSwapOn: false,
    fileCheckFrequency: '0s',
    healthzBindAddress: '127.0.0.1',
    healthzPort: 10248,
    httpCheckFrequency: '0s',
    imageGCHighThresholdPercent: 100,
    imageMinimumGCAge: '0s',
    logging: {},
    nodeStatusReportFrequency: '0s',
    nodeStatusUpdateFrequency: '0s',
    rotateCertificates: true,
    runtimeRequestTimeout: '0s',
    staticPodPath: '/etc/kubernetes/manifests',
    streamingConnectionIdleTimeout: '0s',
    syncFrequency: '0s',
    volumeStatsAggPeriod: '0s',
    // Not written by kubeadm, whose kubelet listens on 0.0.0.0; kubelab listens on loopback only.
    address: context.bindAddress,
  }
  if (profile.newerKubeletConfigFields) {
    Object.assign(base, {
      containerRuntimeEndpoint: CRI_SOCKET,
      crashLoopBackOff: {},
      imageMaximumGCAge: '0s',
      logging: {flushFrequency: 0, options: {json: {infoBufferSize: '0'}, text: {infoBufferSize: '0'}}, verbosity: 0},
      memorySwap: {},
      shutdownGracePeriod: '0s',
      shutdownGracePeriodCriticalPods: '0s',
    })
  }

  const patch = {...context.scenario.misconfigurations.kubelet.config}
  for (const field of ['port', 'readOnlyPort'] as const) {
    const value: JsonValue | undefined = patch[field]
    if (typeof value === 'number') patch[field] = context.portMap.get(value) ?? value
  }
  const config = applyMergePatch(base, patch)
  if (typeof config['address'] !== 'string') {
    throw new NodeFilesError(context.scenario.id, 'removing the kubelet config "address" would make the kubelet listen on 0.0.0.0', 'address')
  }
  if (config['port'] === undefined && context.ports.kubelet !== DEFAULT_NODE_PORTS.kubelet) config['port'] = context.ports.kubelet
  return config
}

/** The kubelet's command-line flags kubeadm writes into kubeadm-flags.env, plus the scenario's. */
export function kubeletFlags(context: RenderContext): Arg[] {
  const {profile, scenario, bindAddress} = context
  const defaults: Arg[] = [
    {name: 'node-ip', value: bindAddress},
    {name: 'node-labels', value: ''},
    {name: 'provider-id', value: `kind://docker/${context.clusterName}/${context.nodeName}`},
  ]
  if (!profile.criEndpointInConfig) {
    defaults.push({name: 'container-runtime', value: 'remote'}, {name: 'container-runtime-endpoint', value: CRI_SOCKET})
  }
  if (profile.podInfraImageFlag) {
    defaults.push({name: 'pod-infra-container-image', value: `${profile.registry}/pause:${profile.pauseImageTag}`})
  }
  const changes = {setFlags: scenario.misconfigurations.kubelet.flags, removeFlags: []}
  return mergeArgs(scenario.id, 'kubelet', defaults, changes).map(({name, value}) => ({
    name,
    value: PORT_FLAGS.has(name) ? remapPortValue(value, context.portMap) : value,
  }))
}

/** kubeadm writes `KUBELET_KUBEADM_ARGS=%q`: one Go-quoted string of --name=value items. */
export function kubeletFlagsEnv(flags: readonly Arg[]): string {
  const line = flags.map((flag) => `--${flag.name}=${flag.value}`).join(' ')
  return `KUBELET_KUBEADM_ARGS="${line.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"\n`
}

/**
 * kind's copy of the kubeadm drop-in (images/base/files/etc/systemd/system/kubelet.service.d/10-kubeadm.conf),
 * itself the kubeadm package's build/debs/10-kubeadm.conf; kind's cgroup set-up lives in 11-kind.conf.
 */
export const KUBELET_DROP_IN = `# https://github.com/kubernetes/kubernetes/blob/ba8fcafaf8c502a454acd86b728c857932555315/build/debs/10-kubeadm.conf\n${KUBEADM_DROP_IN}`
