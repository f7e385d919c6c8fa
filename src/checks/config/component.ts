import path from 'node:path'
import type {NodeAccess} from '../../target/types.js'
import type {CheckContext} from '../context.js'
import {readKubeletConfig} from '../../node-config/kubelet.js'
import {configFromProcess, readStaticPod} from '../../node-config/static-pod.js'
import type {FlagSetting, KubeletConfigView, StaticPodConfig} from '../../node-config/types.js'

export type ControlPlaneComponent = 'kube-apiserver' | 'etcd' | 'kube-controller-manager' | 'kube-scheduler'

/** Where kubeadm writes each control-plane component's static Pod manifest. */
export const KUBEADM_MANIFESTS: Readonly<Record<ControlPlaneComponent, string>> = {
  'kube-apiserver': '/etc/kubernetes/manifests/kube-apiserver.yaml',
  etcd: '/etc/kubernetes/manifests/etcd.yaml',
  'kube-controller-manager': '/etc/kubernetes/manifests/kube-controller-manager.yaml',
  'kube-scheduler': '/etc/kubernetes/manifests/kube-scheduler.yaml',
}

/**
 * A control-plane component's configuration, read once per audit: its kubeadm static Pod manifest,
 * or — when there is none — the argv of a running process of that name (as kube-bench reads `ps`),
 * with FlagSetting.file "process <pid>". Undefined when the target gives no node access.
 * Rejects with ConfigParseError when the manifest is one the kubelet would refuse.
 */
export function controlPlaneConfig(ctx: CheckContext, component: ControlPlaneComponent): Promise<StaticPodConfig | undefined> {
  const node = ctx.target.node
  if (!node) return Promise.resolve(undefined)
  return ctx.once(`config:${component}`, () => readControlPlaneComponent(node, component))
}

export function apiserverConfig(ctx: CheckContext): Promise<StaticPodConfig | undefined> {
  return controlPlaneConfig(ctx, 'kube-apiserver')
}

export function etcdConfig(ctx: CheckContext): Promise<StaticPodConfig | undefined> {
  return controlPlaneConfig(ctx, 'etcd')
}

/** The kubelet's resolved settings, read once per audit; undefined without node access. */
export function kubeletConfig(ctx: CheckContext): Promise<KubeletConfigView | undefined> {
  const node = ctx.target.node
  if (!node) return Promise.resolve(undefined)
  return ctx.once('config:kubelet', () => readKubeletConfig(node))
}

export async function readControlPlaneComponent(node: NodeAccess, component: ControlPlaneComponent): Promise<StaticPodConfig> {
  const manifest = await readStaticPod(node, KUBEADM_MANIFESTS[component])
  if (manifest.found) return manifest
  const processes = await node.processes()
  const running = processes.find((process) => process.argv[0] !== undefined && path.posix.basename(process.argv[0]) === component)
  return running ? configFromProcess(running) : manifest
}

/** A kube-apiserver flag as given; kube-apiserver reads no environment variables for its flags. */
export function apiserverSetting(config: StaticPodConfig, flag: string): FlagSetting | undefined {
  return config.flags.get(flag)
}

/** "client-cert-auth" → "ETCD_CLIENT_CERT_AUTH" (etcd's pkg/flags FlagToEnv). */
export function etcdEnvName(flag: string): string {
  return `ETCD_${flag.toUpperCase().replace(/-/g, '_')}`
}

/**
 * An etcd setting as etcd resolves it: the flag, else the ETCD_<FLAG> variable from the container's
 * env (etcd's pkg/flags setFlagFromEnv, which ignores empty values). The environment result keeps
 * the variable's name and has source 'environment'.
 */
export function etcdSetting(config: StaticPodConfig, flag: string): FlagSetting | undefined {
  const fromFlag = config.flags.get(flag)
  if (fromFlag) return fromFlag
  const fromEnv = config.env.get(etcdEnvName(flag))
  if (!fromEnv || fromEnv.value === '') return undefined
  return {...fromEnv, source: 'environment'}
}

/**
 * ETCD_* variables that shadow a flag given on the command line. etcd refuses to start on these
 * (pkg/flags verifyEnv: "conflicting environment variable ... is shadowed by corresponding
 * command-line flag (either unset environment variable or disable flag)").
 */
export function etcdEnvConflicts(config: StaticPodConfig): FlagSetting[] {
  const conflicts: FlagSetting[] = []
  for (const name of config.flags.keys()) {
    const variable = config.env.get(etcdEnvName(name))
    // verifyEnv looks at every variable present, even an empty one.
    if (variable) conflicts.push(variable)
  }
  return conflicts
}
