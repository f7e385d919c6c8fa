/**
 * What kubeadm (as driven by kind) writes differs by Kubernetes release. Each profile is taken from
 * real files rather than guessed:
 * - 1.19: kubeadm 1.19 manifests on a kind node (kube-apiserver v1.19.1 with --insecure-port=0 and
 *   k8s.gcr.io images, etcd 3.4.13-0 with /health probes and `resources: {}`, controller-manager and
 *   scheduler with --port=0), kind's v1beta2 kubeadm config for < 1.24 (cgroupfs driver).
 * - 1.34: a kind v1.34.0 node's command lines (etcd with --feature-gates=InitialCorruptCheck=true and
 *   --watch-progress-notify-interval=5s, kubelet with --pod-infra-container-image=registry.k8s.io/pause:3.10.1)
 *   and kubeadm 1.34 manifests (named probe-port probes, /livez and /readyz, priority 2000001000,
 *   RuntimeDefault seccomp, no `creationTimestamp: null` since kubernetes#130989).
 * Sources: kubernetes/kubernetes cmd/kubeadm/app/phases/{controlplane/manifests.go,etcd/local.go},
 * cmd/kubeadm/app/util/staticpod/utils.go, kubernetes-sigs/kind pkg/cluster/internal/kubeadm/config.go.
 */
export interface KubeadmProfile {
  minor: number
  registry: string
  etcdImageTag: string
  pauseImageTag: string
  /** kubeadm < 1.20 passes --insecure-port=0 to kube-apiserver. */
  apiserverInsecurePortZero: boolean
  /** kubeadm >= 1.20 sets --service-account-issuer and --service-account-signing-key-file. */
  serviceAccountIssuer: boolean
  /** kubeadm 1.19 passes --port=0 to the controller-manager and scheduler (their insecure ports). */
  componentInsecurePortZero: boolean
  /** kubeadm 1.19 passes --node-cidr-mask-size=24 with a pod subnet. */
  nodeCidrMaskSize: boolean
  /** Probes name a `probe-port` container port instead of a number. */
  namedProbePorts: boolean
  /** kube-scheduler probes: /healthz (liveness only) or /livez + /readyz. */
  schedulerReadyz: boolean
  /** `priority: 2000001000` and a RuntimeDefault seccomp profile on every static pod. */
  priorityAndSeccomp: boolean
  /** Zero ObjectMeta.creationTimestamp serialized as null (before kubernetes#130989). */
  nullCreationTimestamp: boolean
  /**
   * kubeadm pins etcd 3.6 and writes the initial corruption check, 5 s watch progress notifications and
   * cpu/memory requests. Flag spellings and probe paths follow the etcd release that runs (EtcdRelease).
   */
  etcd36: boolean
  /** kind's kubelet cgroup driver: cgroupfs before 1.24, systemd after. */
  cgroupDriver: 'cgroupfs' | 'systemd'
  /** kubeadm >= 1.27 writes the CRI endpoint into config.yaml instead of kubeadm-flags.env. */
  criEndpointInConfig: boolean
  /** kubeadm-flags.env carries --pod-infra-container-image. */
  podInfraImageFlag: boolean
  /**
   * The kubelet's v1beta1 type gained non-omitted fields after 1.19 (containerRuntimeEndpoint,
   * crashLoopBackOff, memorySwap, shutdownGracePeriod*, imageMaximumGCAge, structured logging),
   * so kubeadm writes them out as zero values.
   */
  newerKubeletConfigFields: boolean
}

const PROFILES: ReadonlyMap<number, KubeadmProfile> = new Map([
  [
    19,
    {
      minor: 19,
      registry: 'k8s.gcr.io',
      etcdImageTag: '3.4.13-0',
      pauseImageTag: '3.2',
      apiserverInsecurePortZero: true,
      serviceAccountIssuer: false,
      componentInsecurePortZero: true,
      nodeCidrMaskSize: true,
      namedProbePorts: false,
      schedulerReadyz: false,
      priorityAndSeccomp: false,
      nullCreationTimestamp: true,
      etcd36: false,
      cgroupDriver: 'cgroupfs',
      criEndpointInConfig: false,
      podInfraImageFlag: false,
      newerKubeletConfigFields: false,
    },
  ],
  [
    34,
    {
      minor: 34,
      registry: 'registry.k8s.io',
      etcdImageTag: '3.6.4-0',
      pauseImageTag: '3.10.1',
      apiserverInsecurePortZero: false,
      serviceAccountIssuer: true,
      componentInsecurePortZero: false,
      nodeCidrMaskSize: false,
      namedProbePorts: true,
      schedulerReadyz: true,
      priorityAndSeccomp: true,
      nullCreationTimestamp: false,
      etcd36: true,
      cgroupDriver: 'systemd',
      criEndpointInConfig: true,
      podInfraImageFlag: true,
      newerKubeletConfigFields: true,
    },
  ],
])

export const SUPPORTED_KUBERNETES_MINORS: readonly number[] = [...PROFILES.keys()]

/** The profile for a release such as "1.34.1", or undefined when kubelab has none for its minor. */
export function profileFor(kubernetesVersion: string): KubeadmProfile | undefined {
  const minor = Number(kubernetesVersion.split('.')[1])
  return PROFILES.get(minor)
}
