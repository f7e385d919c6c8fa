import type {Scenario} from '../../../scenario/schema.js'
import type {PortMap} from './args.js'
import type {KubeadmProfile} from './profiles.js'
import type {NodePorts} from './types.js'

/** Everything the file builders need, resolved once. */
export interface RenderContext {
  scenario: Scenario
  profile: KubeadmProfile
  nodeName: string
  clusterName: string
  /** Where every component listens; also the API server's advertise address and the node IP. */
  bindAddress: string
  ports: NodePorts
  portMap: PortMap
  etcd: EtcdRelease
}

/**
 * The etcd release the etcd manifest is written for. Flag names and health endpoints changed between
 * releases, and an etcd refuses a flag it does not know, so they follow the release that will run.
 */
export interface EtcdRelease {
  /** e.g. "3.4.23" */
  version: string
  /** kubeadm's image tag for it, e.g. "3.4.23-0" */
  imageTag: string
  /**
   * 3.4: /health only. 3.5: /health with its exclude/serializable parameters. Both spell the corruption
   * check and watch progress flags --experimental-*. 3.6: /livez and /readyz, and the stable names
   * (--feature-gates=InitialCorruptCheck=true, --watch-progress-notify-interval).
   */
  generation: '3.4' | '3.5' | '3.6'
}

/** kind's networking defaults (kind sets serviceSubnet 10.96.0.0/16, podSubnet 10.244.0.0/16). */
export const SERVICE_SUBNET = '10.96.0.0/16'
export const POD_SUBNET = '10.244.0.0/16'
export const CLUSTER_DNS = '10.96.0.10'
export const CRI_SOCKET = 'unix:///run/containerd/containerd.sock'

export function imageOf(context: RenderContext, component: string): string {
  return `${context.profile.registry}/${component}:v${context.scenario.kubernetesVersion}`
}
