import type {KindInsecurePortVariant} from '../types.js'

/** The kubeadm paths kind's node uses. */
export const KIND_NODE_PATHS = {
  manifests: '/etc/kubernetes/manifests',
  kubeletConfig: '/var/lib/kubelet/config.yaml',
  adminKubeconfig: '/etc/kubernetes/admin.conf',
} as const

export type ManifestComponent = 'kube-apiserver' | 'etcd'

export function manifestPath(component: string): string {
  return `${KIND_NODE_PATHS.manifests}/${component}.yaml`
}

/**
 * What kind's config cannot say, done inside the node once `kind create cluster` returns, in order.
 * kubeadm's extraArgs can add or replace a flag but not delete one kubeadm writes; a merge patch on
 * KubeletConfiguration cannot delete what kubeadm defaults in after patching.
 */
export type PostCreateStep =
  | {action: 'remove-manifest-flags'; component: ManifestComponent; nodePath: string; flags: string[]}
  | {action: 'remove-kubelet-settings'; nodePath: string; settings: string[][]}
  | {action: 'restart-kubelet'}
  | {action: 'write-static-pod'; nodePath: string; text: string; purpose: string}
  | {action: 'wait-for-api-server'}
  | {action: 'apply-objects'; counts: Record<string, number>}

/** One line per step, for `up --dry-run` and progress. */
export function describeStep(step: PostCreateStep): string {
  switch (step.action) {
    case 'remove-manifest-flags':
      return `edit ${step.nodePath}: delete ${step.flags.map((flag) => `--${flag}`).join(', ')} (kubeadm writes them; extraArgs cannot remove a flag); the kubelet restarts ${step.component}`
    case 'remove-kubelet-settings':
      return `edit ${step.nodePath}: delete ${step.settings.map((setting) => setting.join('.')).join(', ')} (kubeadm defaults them in after kind's patches)`
    case 'restart-kubelet':
      return 'systemctl restart kubelet, so that it reads its changed configuration'
    case 'write-static-pod':
      return `write ${step.nodePath}: ${step.purpose}`
    case 'wait-for-api-server':
      return 'wait until the API server answers /readyz again through the mapped port'
    case 'apply-objects': {
      const parts = Object.entries(step.counts)
        .filter(([, count]) => count > 0)
        .map(([kind, count]) => `${count} ${kind}`)
      return `create the scenario's objects with the lab's admin kubeconfig: ${parts.length > 0 ? parts.join(', ') : 'none'}`
    }
  }
}

/** What the lesson tells a learner about the insecure port their kind lab has. */
export function describeInsecurePort(variant: KindInsecurePortVariant, inNodePort: number, hostPort: number): string {
  return variant === 'real'
    ? `kube-apiserver's own insecure port (--insecure-port=${inNodePort}), reached on the host at 127.0.0.1:${hostPort}`
    : `a stand-in for the insecure port: a static pod kube-apiserver-insecure-proxy runs \`kubectl proxy\` with the admin kubeconfig on port ${inNodePort} (reached at 127.0.0.1:${hostPort}); it answers as the insecure port did — no authentication, cluster-admin — but it is not kube-apiserver's flag: close it by deleting ${manifestPath('kube-apiserver-insecure-proxy')}`
}
