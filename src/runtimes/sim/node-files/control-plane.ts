import {argValue, mergeArgs, remapPortValue, remapUrlPorts, toCommand, type Arg, type FlagChanges} from './args.js'
import {POD_SUBNET, SERVICE_SUBNET, imageOf, type EtcdRelease, type RenderContext} from './context.js'
import {CA_CERT_MOUNTS, staticPod, type JsonObject, type ProbeTarget} from './static-pod.js'
import {DEFAULT_NODE_PORTS, NodeFilesError} from './types.js'

const PKI = '/etc/kubernetes/pki'
const NO_CHANGES: FlagChanges = {setFlags: {}, removeFlags: []}
/** Flags whose whole value is a port number. */
const PORT_FLAGS: ReadonlySet<string> = new Set(['secure-port', 'insecure-port'])

/** Applies the scenario's changes, then moves default ports (in URLs and port flags) to this node's. */
function finalArgs(context: RenderContext, component: string, defaults: Arg[], changes: FlagChanges): Arg[] {
  return mergeArgs(context.scenario.id, component, defaults, changes).map(({name, value}) => ({
    name,
    value: PORT_FLAGS.has(name) ? remapPortValue(value, context.portMap) : remapUrlPorts(value, context.portMap),
  }))
}

/** kubeadm's getAPIServerCommand with kind's extra args (runtime-config, a /16 service subnet). */
export function apiserverPod(context: RenderContext): JsonObject {
  const {profile, bindAddress} = context
  const defaults: Arg[] = [
    {name: 'advertise-address', value: bindAddress},
    {name: 'allow-privileged', value: 'true'},
    {name: 'authorization-mode', value: 'Node,RBAC'},
    // Not written by kubeadm, whose API server listens on 0.0.0.0; kubelab listens on loopback only.
    {name: 'bind-address', value: bindAddress},
    {name: 'client-ca-file', value: `${PKI}/ca.crt`},
    {name: 'enable-admission-plugins', value: 'NodeRestriction'},
    {name: 'enable-bootstrap-token-auth', value: 'true'},
    {name: 'etcd-cafile', value: `${PKI}/etcd/ca.crt`},
    {name: 'etcd-certfile', value: `${PKI}/apiserver-etcd-client.crt`},
    {name: 'etcd-keyfile', value: `${PKI}/apiserver-etcd-client.key`},
    {name: 'etcd-servers', value: 'https://127.0.0.1:2379'},
    {name: 'kubelet-client-certificate', value: `${PKI}/apiserver-kubelet-client.crt`},
    {name: 'kubelet-client-key', value: `${PKI}/apiserver-kubelet-client.key`},
    {name: 'kubelet-preferred-address-types', value: 'InternalIP,ExternalIP,Hostname'},
    {name: 'proxy-client-cert-file', value: `${PKI}/front-proxy-client.crt`},
    {name: 'proxy-client-key-file', value: `${PKI}/front-proxy-client.key`},
    {name: 'requestheader-allowed-names', value: 'front-proxy-client'},
    {name: 'requestheader-client-ca-file', value: `${PKI}/front-proxy-ca.crt`},
    {name: 'requestheader-extra-headers-prefix', value: 'X-Remote-Extra-'},
    {name: 'requestheader-group-headers', value: 'X-Remote-Group'},
    {name: 'requestheader-username-headers', value: 'X-Remote-User'},
    {name: 'runtime-config', value: ''},
    {name: 'secure-port', value: '6443'},
    {name: 'service-account-key-file', value: `${PKI}/sa.pub`},
    {name: 'service-cluster-ip-range', value: SERVICE_SUBNET},
    {name: 'tls-cert-file', value: `${PKI}/apiserver.crt`},
    {name: 'tls-private-key-file', value: `${PKI}/apiserver.key`},
  ]
  if (profile.apiserverInsecurePortZero) defaults.push({name: 'insecure-port', value: '0'})
  if (profile.serviceAccountIssuer) {
    defaults.push(
      {name: 'service-account-issuer', value: 'https://kubernetes.default.svc.cluster.local'},
      {name: 'service-account-signing-key-file', value: `${PKI}/sa.key`},
    )
  }
  const args = finalArgs(context, 'kube-apiserver', defaults, context.scenario.misconfigurations.apiserver)
  if (argValue(args, 'bind-address') === undefined) {
    throw new NodeFilesError(context.scenario.id, 'removing --bind-address would make kube-apiserver listen on 0.0.0.0', 'bind-address')
  }
  const securePort = Number(argValue(args, 'secure-port') ?? context.ports.apiserverSecure)
  const advertise = argValue(args, 'advertise-address') ?? bindAddress
  return staticPod(
    {
      component: 'kube-apiserver',
      image: imageOf(context, 'kube-apiserver'),
      command: toCommand('kube-apiserver', args),
      target: {host: advertise, port: securePort, scheme: 'HTTPS'},
      liveness: '/livez',
      readiness: '/readyz',
      startup: '/livez',
      resources: {requests: {cpu: '250m'}},
      mounts: [...CA_CERT_MOUNTS],
      sortMounts: true,
      annotations: {'kubeadm.kubernetes.io/kube-apiserver.advertise-address.endpoint': `${advertise}:${securePort}`},
    },
    profile,
  )
}

/** kubeadm's getEtcdCommand for a stacked etcd member; the probe follows --listen-metrics-urls. */
export function etcdPod(context: RenderContext): JsonObject {
  const {profile, bindAddress, nodeName} = context
  const clientUrls = bindAddress === '127.0.0.1' ? 'https://127.0.0.1:2379' : `https://127.0.0.1:2379,https://${bindAddress}:2379`
  const defaults: Arg[] = [
    {name: 'advertise-client-urls', value: `https://${bindAddress}:2379`},
    {name: 'cert-file', value: `${PKI}/etcd/server.crt`},
    {name: 'client-cert-auth', value: 'true'},
    {name: 'data-dir', value: '/var/lib/etcd'},
    {name: 'initial-advertise-peer-urls', value: `https://${bindAddress}:2380`},
    {name: 'initial-cluster', value: `${nodeName}=https://${bindAddress}:2380`},
    {name: 'key-file', value: `${PKI}/etcd/server.key`},
    {name: 'listen-client-urls', value: clientUrls},
    {name: 'listen-metrics-urls', value: 'http://127.0.0.1:2381'},
    {name: 'listen-peer-urls', value: `https://${bindAddress}:2380`},
    {name: 'name', value: nodeName},
    {name: 'peer-cert-file', value: `${PKI}/etcd/peer.crt`},
    {name: 'peer-client-cert-auth', value: 'true'},
    {name: 'peer-key-file', value: `${PKI}/etcd/peer.key`},
    {name: 'peer-trusted-ca-file', value: `${PKI}/etcd/ca.crt`},
    {name: 'snapshot-count', value: '10000'},
    {name: 'trusted-ca-file', value: `${PKI}/etcd/ca.crt`},
  ]
  if (profile.etcd36) defaults.push(...corruptCheckArgs(context.etcd))
  const args = finalArgs(context, 'etcd', defaults, context.scenario.misconfigurations.etcd)
  return staticPod(
    {
      component: 'etcd',
      image: `${profile.registry}/etcd:${context.etcd.imageTag}`,
      command: toCommand('etcd', args),
      target: metricsProbeTarget(argValue(args, 'listen-metrics-urls'), context.ports.etcdMetrics),
      ...etcdProbePaths(context.etcd),
      resources: profile.etcd36 ? {requests: {cpu: '100m', memory: '100Mi'}} : {},
      mounts: [
        {name: 'etcd-data', hostPath: '/var/lib/etcd', type: 'DirectoryOrCreate', readOnly: false},
        {name: 'etcd-certs', hostPath: `${PKI}/etcd`, type: 'DirectoryOrCreate', readOnly: false},
      ],
      sortMounts: false,
      annotations: {'kubeadm.kubernetes.io/etcd.advertise-client-urls': `https://${bindAddress}:${context.ports.etcdClient}`},
    },
    profile,
  )
}

/**
 * The initial corruption check and 5 s watch progress notifications kubeadm asks of etcd, spelled
 * for the release that runs: etcd 3.6 moved both off their --experimental-* names (the corruption
 * check into --feature-gates); 3.4 and 3.5 know only the experimental names (kubeadm 1.26–1.32
 * wrote those for etcd 3.5).
 */
function corruptCheckArgs(etcd: EtcdRelease): Arg[] {
  if (etcd.generation === '3.6') {
    return [
      {name: 'feature-gates', value: 'InitialCorruptCheck=true'},
      {name: 'watch-progress-notify-interval', value: '5s'},
    ]
  }
  return [
    {name: 'experimental-initial-corrupt-check', value: 'true'},
    {name: 'experimental-watch-progress-notify-interval', value: '5s'},
  ]
}

/**
 * kubeadm's etcd probes for each release: /livez and /readyz from etcd 3.6 (kubeadm#3039); for 3.5
 * /health with the NOSPACE exclusion and serializable reads (kubeadm 1.2x); plain /health for 3.4,
 * which knows no query parameters there (kubeadm 1.19 with etcd 3.4.13).
 */
function etcdProbePaths(etcd: EtcdRelease): {liveness: string; readiness?: string; startup: string} {
  if (etcd.generation === '3.6') return {liveness: '/livez', readiness: '/readyz', startup: '/readyz'}
  if (etcd.generation === '3.5') return {liveness: '/health?exclude=NOSPACE&serializable=true', startup: '/health?serializable=false'}
  return {liveness: '/health', startup: '/health'}
}

/** kubeadm's GetEtcdProbeEndpoint: the first --listen-metrics-urls entry, else http://127.0.0.1:2381. */
function metricsProbeTarget(metricsUrls: string | undefined, defaultPort: number): ProbeTarget {
  const first = metricsUrls?.split(',')[0]
  try {
    if (first !== undefined) {
      const url = new URL(first)
      return {
        host: url.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1',
        port: url.port === '' ? defaultPort : Number(url.port),
        scheme: url.protocol === 'https:' ? 'HTTPS' : 'HTTP',
      }
    }
  } catch {
    // an unparsable URL falls back to kubeadm's default, as kubeadm does
  }
  return {host: '127.0.0.1', port: defaultPort, scheme: 'HTTP'}
}

/** kubeadm's getControllerManagerCommand with kind's enable-hostpath-provisioner. */
export function controllerManagerPod(context: RenderContext): JsonObject {
  const {profile} = context
  const kubeconfig = '/etc/kubernetes/controller-manager.conf'
  const defaults: Arg[] = [
    {name: 'allocate-node-cidrs', value: 'true'},
    {name: 'authentication-kubeconfig', value: kubeconfig},
    {name: 'authorization-kubeconfig', value: kubeconfig},
    {name: 'bind-address', value: '127.0.0.1'},
    {name: 'client-ca-file', value: `${PKI}/ca.crt`},
    {name: 'cluster-cidr', value: POD_SUBNET},
    {name: 'cluster-name', value: context.clusterName},
    {name: 'cluster-signing-cert-file', value: `${PKI}/ca.crt`},
    {name: 'cluster-signing-key-file', value: `${PKI}/ca.key`},
    {name: 'controllers', value: '*,bootstrapsigner,tokencleaner'},
    {name: 'enable-hostpath-provisioner', value: 'true'},
    {name: 'kubeconfig', value: kubeconfig},
    {name: 'leader-elect', value: 'true'},
    {name: 'requestheader-client-ca-file', value: `${PKI}/front-proxy-ca.crt`},
    {name: 'root-ca-file', value: `${PKI}/ca.crt`},
    {name: 'service-account-private-key-file', value: `${PKI}/sa.key`},
    {name: 'service-cluster-ip-range', value: SERVICE_SUBNET},
    {name: 'use-service-account-credentials', value: 'true'},
  ]
  if (profile.nodeCidrMaskSize) defaults.push({name: 'node-cidr-mask-size', value: '24'})
  if (profile.componentInsecurePortZero) defaults.push({name: 'port', value: '0'})
  const securePort = context.ports.controllerManagerSecure
  if (securePort !== DEFAULT_NODE_PORTS.controllerManagerSecure) defaults.push({name: 'secure-port', value: String(securePort)})
  return staticPod(
    {
      component: 'kube-controller-manager',
      image: imageOf(context, 'kube-controller-manager'),
      command: toCommand('kube-controller-manager', mergeArgs(context.scenario.id, 'kube-controller-manager', defaults, NO_CHANGES)),
      target: {host: '127.0.0.1', port: securePort, scheme: 'HTTPS'},
      liveness: '/healthz',
      startup: '/healthz',
      resources: {requests: {cpu: '200m'}},
      mounts: [
        ...CA_CERT_MOUNTS,
        {name: 'flexvolume-dir', hostPath: '/usr/libexec/kubernetes/kubelet-plugins/volume/exec', type: 'DirectoryOrCreate', readOnly: false},
        {name: 'kubeconfig', hostPath: kubeconfig, type: 'FileOrCreate', readOnly: true},
      ],
      sortMounts: true,
    },
    profile,
  )
}

/** kubeadm's getSchedulerCommand. */
export function schedulerPod(context: RenderContext): JsonObject {
  const {profile} = context
  const kubeconfig = '/etc/kubernetes/scheduler.conf'
  const defaults: Arg[] = [
    {name: 'authentication-kubeconfig', value: kubeconfig},
    {name: 'authorization-kubeconfig', value: kubeconfig},
    {name: 'bind-address', value: '127.0.0.1'},
    {name: 'kubeconfig', value: kubeconfig},
    {name: 'leader-elect', value: 'true'},
  ]
  if (profile.componentInsecurePortZero) defaults.push({name: 'port', value: '0'})
  const securePort = context.ports.schedulerSecure
  if (securePort !== DEFAULT_NODE_PORTS.schedulerSecure) defaults.push({name: 'secure-port', value: String(securePort)})
  return staticPod(
    {
      component: 'kube-scheduler',
      image: imageOf(context, 'kube-scheduler'),
      command: toCommand('kube-scheduler', mergeArgs(context.scenario.id, 'kube-scheduler', defaults, NO_CHANGES)),
      target: {host: '127.0.0.1', port: securePort, scheme: 'HTTPS'},
      liveness: profile.schedulerReadyz ? '/livez' : '/healthz',
      ...(profile.schedulerReadyz ? {readiness: '/readyz'} : {}),
      startup: profile.schedulerReadyz ? '/livez' : '/healthz',
      resources: {requests: {cpu: '100m'}},
      mounts: [{name: 'kubeconfig', hostPath: kubeconfig, type: 'FileOrCreate', readOnly: true}],
      sortMounts: true,
    },
    profile,
  )
}
