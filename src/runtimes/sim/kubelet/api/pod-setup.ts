/**
 * What the kubelet does before a pod's containers start, for the sim's simulated containers: mount the volumes
 * (secret, configMap, projected, downwardAPI, emptyDir, hostPath), mount the service-account token where the
 * ServiceAccount admission plugin would have put it, and resolve each container's environment (env, envFrom,
 * secretKeyRef, configMapKeyRef, fieldRef, the `kubernetes` service variables).
 *
 * Secrets, config maps and service accounts are fetched with the kubelet's own credentials, so the Node authorizer
 * decides, as on a real node: a secret no pod on this node references is forbidden. The token is a bound token from
 * the TokenRequest API (serviceaccounts/<name>/token, bound to the pod, 3607 s), as the kubelet fetches it for the
 * projected kube-api-access volume since 1.22.
 *
 * Failures read as the kubelet's events do: a volume that cannot be mounted keeps the pod in ContainerCreating
 * ("MountVolume.SetUp failed for volume …"); a missing secret key for an env variable is CreateContainerConfigError.
 *
 * Differences from a real node: the sim apiserver's ServiceAccount admission adds no kube-api-access volume to the
 * pod object, so the kubelet adds it here (it does not appear in the pod's spec); its ca.crt is the cluster CA from
 * the kubelet's kubeconfig, because no controller-manager publishes the kube-root-ca.crt config map.
 */
import {createHash} from 'node:crypto'
import type {NodeAccess} from '../../../../target/types.js'
import {ApiServerUnreachableError, statusMessage, type ApiServerClient} from './api-client.js'
import {ContainerFilesystem} from './container-fs.js'
import {imageProfile, layImage, type ImageProfile} from './container-image.js'
import {isObject, listAt, objectAt, stringAt, stringRecord, type JsonObject} from './json.js'

export const SERVICE_ACCOUNT_MOUNT = '/var/run/secrets/kubernetes.io/serviceaccount'
/** kube-api-access projected token lifetime: 1 hour plus 7 seconds (pkg/serviceaccount's WarnOnlyBoundTokenExpirationSeconds). */
const PROJECTED_TOKEN_SECONDS = 3607
/** kubeadm's default service CIDR 10.96.0.0/12: the `kubernetes` service's cluster IP and cluster DNS. */
const KUBERNETES_SERVICE_IP = '10.96.0.1'
const CLUSTER_DNS = '10.96.0.10'

export interface PreparedContainer {
  name: string
  image: string
  profile: ImageProfile
  fs: ContainerFilesystem
  env: Array<[string, string]>
  hostname: string
  workingDir: string
  uid: number
  gid: number
}

export type ContainerSetup = {ok: true; container: PreparedContainer} | {ok: false; reason: string; message: string}

export type PodSetup =
  | {ok: true; containers: Map<string, ContainerSetup>; tokenRefreshAt: number | undefined}
  | {ok: false; reason: 'ContainerCreating'; message: string}

export interface PodSetupContext {
  /** Undefined for a kubelet that cannot reach the API (static pods only). */
  api: ApiServerClient | undefined
  node: NodeAccess
  nodeName: string
  clusterCaPem: string | undefined
  podIP: string
  hostIP: string
  now: Date
}

type Fetch = {ok: true; object: JsonObject} | {ok: false; notFound: boolean; message: string}

export async function preparePod(pod: JsonObject, context: PodSetupContext): Promise<PodSetup> {
  const namespace = stringAt(pod, 'metadata', 'namespace') ?? 'default'
  const podName = stringAt(pod, 'metadata', 'name') ?? ''
  const spec = objectAt(pod, 'spec')
  const cache = new Map<string, Promise<Fetch>>()
  const fetch = (resource: 'secrets' | 'configmaps' | 'serviceaccounts', name: string): Promise<Fetch> => {
    const key = `${resource}/${name}`
    let pending = cache.get(key)
    if (!pending) {
      pending = fetchObject(context.api, `/api/v1/namespaces/${namespace}/${resource}/${name}`)
      cache.set(key, pending)
    }
    return pending
  }

  const volumes = new Map<string, VolumeContent>()
  let tokenRefreshAt: number | undefined
  for (const volume of listAt(spec, 'volumes')) {
    const name = stringAt(volume, 'name') ?? ''
    const mounted = await volumeContent(volume, pod, fetch, context)
    if (!mounted.ok) return {ok: false, reason: 'ContainerCreating', message: `MountVolume.SetUp failed for volume ${JSON.stringify(name)} : ${mounted.message}`}
    volumes.set(name, mounted.content)
    if (mounted.tokenRefreshAt !== undefined) tokenRefreshAt = Math.min(tokenRefreshAt ?? Infinity, mounted.tokenRefreshAt)
  }

  const containers = [...listAt(spec, 'initContainers'), ...listAt(spec, 'containers')]
  const explicitTokenMount = containers.some((container) => listAt(container, 'volumeMounts').some((mount) => stringAt(mount, 'mountPath')?.replace(/\/$/, '') === SERVICE_ACCOUNT_MOUNT))
  const accessVolume = `kube-api-access-${createHash('sha256').update(stringAt(pod, 'metadata', 'uid') ?? podName).digest('hex').slice(0, 5)}`
  let tokenVolume: VolumeContent | undefined
  if (context.api && !explicitTokenMount && (await automounts(pod, fetch))) {
    const projected = await projectedTokenVolume(pod, namespace, context)
    if (!projected.ok) return {ok: false, reason: 'ContainerCreating', message: `MountVolume.SetUp failed for volume ${JSON.stringify(accessVolume)} : ${projected.message}`}
    tokenVolume = projected.content
    tokenRefreshAt = Math.min(tokenRefreshAt ?? Infinity, projected.tokenRefreshAt ?? Infinity)
  }

  const prepared = new Map<string, ContainerSetup>()
  for (const container of listAt(spec, 'containers')) {
    const name = stringAt(container, 'name') ?? ''
    prepared.set(name, await prepareContainer(container, pod, volumes, tokenVolume, fetch, context))
  }
  return {ok: true, containers: prepared, tokenRefreshAt: tokenRefreshAt === Infinity ? undefined : tokenRefreshAt}
}

async function fetchObject(api: ApiServerClient | undefined, path: string): Promise<Fetch> {
  if (!api) return {ok: false, notFound: false, message: 'the kubelet has no API server connection'}
  try {
    const response = await api.request('GET', path)
    if (response.status === 200 && isObject(response.body)) return {ok: true, object: response.body}
    return {ok: false, notFound: response.status === 404, message: statusMessage(response)}
  } catch (error) {
    if (error instanceof ApiServerUnreachableError) return {ok: false, notFound: false, message: error.message}
    throw error
  }
}

/** The ServiceAccount admission plugin's shouldAutomount: the pod's setting wins, then the service account's. */
async function automounts(pod: JsonObject, fetch: (resource: 'serviceaccounts', name: string) => Promise<Fetch>): Promise<boolean> {
  const podSetting = objectAt(pod, 'spec')['automountServiceAccountToken']
  if (typeof podSetting === 'boolean') return podSetting
  const account = await fetch('serviceaccounts', stringAt(pod, 'spec', 'serviceAccountName') ?? 'default')
  return !(account.ok && account.object['automountServiceAccountToken'] === false)
}

/** Files of one volume: name → content (an atomic-writer volume), a host folder, or an empty folder. */
type VolumeContent = {kind: 'files'; files: Map<string, string>; mode: number} | {kind: 'hostPath'; nodePath: string} | {kind: 'empty'}

type Mounted = {ok: true; content: VolumeContent; tokenRefreshAt?: number} | {ok: false; message: string}

async function volumeContent(
  volume: JsonObject,
  pod: JsonObject,
  fetch: (resource: 'secrets' | 'configmaps' | 'serviceaccounts', name: string) => Promise<Fetch>,
  context: PodSetupContext,
): Promise<Mounted> {
  if (isObject(volume['hostPath'])) return {ok: true, content: {kind: 'hostPath', nodePath: stringAt(volume, 'hostPath', 'path') ?? '/'}}
  if (isObject(volume['secret'])) {
    const source = objectAt(volume, 'secret')
    return dataVolume(await fetch('secrets', stringAt(source, 'secretName') ?? ''), 'secret', stringAt(source, 'secretName') ?? '', source, true)
  }
  if (isObject(volume['configMap'])) {
    const source = objectAt(volume, 'configMap')
    return dataVolume(await fetch('configmaps', stringAt(source, 'name') ?? ''), 'configmap', stringAt(source, 'name') ?? '', source, false)
  }
  if (isObject(volume['downwardAPI'])) return {ok: true, content: {kind: 'files', files: downwardFiles(listAt(volume, 'downwardAPI', 'items'), pod, context), mode: 0o644}}
  if (isObject(volume['projected'])) {
    const files = new Map<string, string>()
    let tokenRefreshAt: number | undefined
    for (const source of listAt(volume, 'projected', 'sources')) {
      if (isObject(source['serviceAccountToken'])) {
        const request = objectAt(source, 'serviceAccountToken')
        const token = await requestToken(pod, context, stringAt(request, 'audience'), numberAt(request, 'expirationSeconds') ?? PROJECTED_TOKEN_SECONDS)
        if (!token.ok) return {ok: false, message: `failed to fetch token: ${token.message}`}
        files.set(stringAt(request, 'path') ?? 'token', token.token)
        tokenRefreshAt = token.refreshAt
      } else if (isObject(source['secret']) || isObject(source['configMap'])) {
        const isSecret = isObject(source['secret'])
        const reference = objectAt(source, isSecret ? 'secret' : 'configMap')
        const name = stringAt(reference, 'name') ?? ''
        const mounted = dataVolume(await fetch(isSecret ? 'secrets' : 'configmaps', name), isSecret ? 'secret' : 'configmap', name, reference, isSecret)
        if (!mounted.ok) return mounted
        if (mounted.content.kind === 'files') for (const [file, content] of mounted.content.files) files.set(file, content)
      } else if (isObject(source['downwardAPI'])) {
        for (const [file, content] of downwardFiles(listAt(source, 'downwardAPI', 'items'), pod, context)) files.set(file, content)
      }
    }
    return {ok: true, content: {kind: 'files', files, mode: 0o644}, ...(tokenRefreshAt === undefined ? {} : {tokenRefreshAt})}
  }
  return {ok: true, content: {kind: 'empty'}}
}

function dataVolume(fetched: Fetch, kind: 'secret' | 'configmap', name: string, source: JsonObject, base64: boolean): Mounted {
  const optional = source['optional'] === true
  if (!fetched.ok) {
    if (fetched.notFound && optional) return {ok: true, content: {kind: 'files', files: new Map(), mode: 0o644}}
    return {ok: false, message: fetched.notFound ? `${kind} ${JSON.stringify(name)} not found` : fetched.message}
  }
  const data = new Map(Object.entries(stringRecord(fetched.object['data'])).map(([key, value]) => [key, base64 ? Buffer.from(value, 'base64').toString('utf8') : value]))
  if (!base64) for (const [key, value] of Object.entries(stringRecord(fetched.object['binaryData']))) data.set(key, Buffer.from(value, 'base64').toString('utf8'))
  const items = listAt(source, 'items')
  const files = new Map<string, string>()
  if (items.length === 0) {
    for (const [key, value] of data) files.set(key, value)
  } else {
    for (const item of items) {
      const key = stringAt(item, 'key') ?? ''
      const value = data.get(key)
      if (value === undefined) {
        if (optional) continue
        return {ok: false, message: kind === 'secret' ? `references non-existent secret key: ${key}` : `configmap references non-existent config key: ${key}`}
      }
      files.set(stringAt(item, 'path') ?? key, value)
    }
  }
  const mode = numberAt(source, 'defaultMode') ?? 0o644
  return {ok: true, content: {kind: 'files', files, mode}}
}

function numberAt(value: JsonObject, key: string): number | undefined {
  const found = value[key]
  return typeof found === 'number' ? found : undefined
}

type Token = {ok: true; token: string; refreshAt: number} | {ok: false; message: string}

/** POST serviceaccounts/<name>/token bound to the pod, with the kubelet's credentials. */
async function requestToken(pod: JsonObject, context: PodSetupContext, audience: string | undefined, expirationSeconds: number): Promise<Token> {
  if (!context.api) return {ok: false, message: 'the kubelet has no API server connection'}
  const namespace = stringAt(pod, 'metadata', 'namespace') ?? 'default'
  const account = stringAt(pod, 'spec', 'serviceAccountName') ?? 'default'
  let response
  try {
    response = await context.api.request('POST', `/api/v1/namespaces/${namespace}/serviceaccounts/${account}/token`, {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      spec: {
        ...(audience ? {audiences: [audience]} : {}),
        expirationSeconds,
        boundObjectRef: {apiVersion: 'v1', kind: 'Pod', name: stringAt(pod, 'metadata', 'name') ?? '', uid: stringAt(pod, 'metadata', 'uid') ?? ''},
      },
    })
  } catch (error) {
    if (error instanceof ApiServerUnreachableError) return {ok: false, message: error.message}
    throw error
  }
  const token = stringAt(response.body, 'status', 'token')
  if (response.status !== 201 || token === undefined) return {ok: false, message: statusMessage(response)}
  const expires = Date.parse(stringAt(response.body, 'status', 'expirationTimestamp') ?? '')
  const issued = context.now.getTime()
  // The kubelet's token manager refreshes a token once 80% of its lifetime has passed.
  const refreshAt = Number.isNaN(expires) ? issued + expirationSeconds * 800 : issued + (expires - issued) * 0.8
  return {ok: true, token, refreshAt}
}

/** kube-api-access-xxxxx: token, ca.crt, namespace. */
async function projectedTokenVolume(pod: JsonObject, namespace: string, context: PodSetupContext): Promise<Mounted> {
  const token = await requestToken(pod, context, undefined, PROJECTED_TOKEN_SECONDS)
  if (!token.ok) return {ok: false, message: `failed to fetch token: ${token.message}`}
  const files = new Map([
    ['ca.crt', context.clusterCaPem ?? ''],
    ['namespace', namespace],
    ['token', token.token],
  ])
  return {ok: true, content: {kind: 'files', files, mode: 0o644}, tokenRefreshAt: token.refreshAt}
}

function downwardFiles(items: JsonObject[], pod: JsonObject, context: PodSetupContext): Map<string, string> {
  const files = new Map<string, string>()
  for (const item of items) {
    const fieldPath = stringAt(item, 'fieldRef', 'fieldPath')
    if (fieldPath === undefined) continue
    const value = fieldValue(fieldPath, pod, context)
    if (value !== undefined) files.set(stringAt(item, 'path') ?? fieldPath, value)
  }
  return files
}

/** The downward API's fieldRef paths (pkg/fieldpath). */
function fieldValue(fieldPath: string, pod: JsonObject, context: PodSetupContext): string | undefined {
  const labels = stringRecord(objectAt(pod, 'metadata')['labels'])
  const annotations = stringRecord(objectAt(pod, 'metadata')['annotations'])
  const subscript = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(fieldPath)
  if (subscript) return (subscript[1] === 'labels' ? labels : annotations)[subscript[2] ?? '']
  const formatMap = (map: Record<string, string>): string =>
    Object.keys(map)
      .sort()
      .map((key) => `${key}=${JSON.stringify(map[key])}`)
      .join('\n')
  switch (fieldPath) {
    case 'metadata.name':
      return stringAt(pod, 'metadata', 'name')
    case 'metadata.namespace':
      return stringAt(pod, 'metadata', 'namespace') ?? 'default'
    case 'metadata.uid':
      return stringAt(pod, 'metadata', 'uid')
    case 'metadata.labels':
      return formatMap(labels)
    case 'metadata.annotations':
      return formatMap(annotations)
    case 'spec.nodeName':
      return context.nodeName
    case 'spec.serviceAccountName':
      return stringAt(pod, 'spec', 'serviceAccountName') ?? 'default'
    case 'status.hostIP':
    case 'status.hostIPs':
      return context.hostIP
    case 'status.podIP':
    case 'status.podIPs':
      return context.podIP
    default:
      return undefined
  }
}

async function prepareContainer(
  container: JsonObject,
  pod: JsonObject,
  volumes: ReadonlyMap<string, VolumeContent>,
  tokenVolume: VolumeContent | undefined,
  fetch: (resource: 'secrets' | 'configmaps', name: string) => Promise<Fetch>,
  context: PodSetupContext,
): Promise<ContainerSetup> {
  const name = stringAt(container, 'name') ?? ''
  const image = stringAt(container, 'image') ?? ''
  const profile = imageProfile(image)
  const hostNetwork = objectAt(pod, 'spec')['hostNetwork'] === true
  const podName = stringAt(pod, 'metadata', 'name') ?? ''
  const hostname = hostNetwork ? context.nodeName : (stringAt(pod, 'spec', 'hostname') ?? podName).slice(0, 63)

  const env = await containerEnv(container, pod, profile, hostname, fetch, context)
  if (!env.ok) return env

  const fs = new ContainerFilesystem(context.node)
  const created = context.now
  layImage(fs, profile, created)
  fs.addFile('/etc/hostname', `${hostname}\n`, created)
  fs.addFile('/etc/hosts', hostsFile(hostNetwork ? context.hostIP : context.podIP, hostname, hostNetwork), created)
  fs.addFile('/etc/resolv.conf', resolvConf(stringAt(pod, 'metadata', 'namespace') ?? 'default', hostNetwork), created)
  fs.addFile(stringAt(container, 'terminationMessagePath') ?? '/dev/termination-log', '', created, 0o666)
  for (const mount of listAt(container, 'volumeMounts')) {
    const mountPath = stringAt(mount, 'mountPath')
    const content = volumes.get(stringAt(mount, 'name') ?? '')
    if (mountPath === undefined || content === undefined) continue
    mountVolume(fs, mountPath, content, stringAt(mount, 'subPath'), created)
  }
  if (tokenVolume) mountVolume(fs, SERVICE_ACCOUNT_MOUNT, tokenVolume, undefined, created)

  const securityContext = {...objectAt(pod, 'spec', 'securityContext'), ...objectAt(container, 'securityContext')}
  const uid = typeof securityContext['runAsUser'] === 'number' ? securityContext['runAsUser'] : 0
  const gid = typeof securityContext['runAsGroup'] === 'number' ? securityContext['runAsGroup'] : uid === 0 ? 0 : uid
  return {
    ok: true,
    container: {name, image, profile, fs, env: env.env, hostname, workingDir: stringAt(container, 'workingDir') ?? '/', uid, gid},
  }
}

function mountVolume(fs: ContainerFilesystem, mountPath: string, content: VolumeContent, subPath: string | undefined, created: Date): void {
  if (content.kind === 'hostPath') fs.mountHostPath(mountPath, subPath ? `${content.nodePath}/${subPath}` : content.nodePath)
  else if (content.kind === 'empty') fs.addDir(mountPath, created)
  else if (subPath) {
    const file = content.files.get(subPath)
    if (file !== undefined) fs.addFile(mountPath, file, created, content.mode)
  } else fs.addAtomicVolume(mountPath, content.files, created, content.mode)
}

type EnvResult = {ok: true; env: Array<[string, string]>} | {ok: false; reason: string; message: string}

async function containerEnv(
  container: JsonObject,
  pod: JsonObject,
  profile: ImageProfile,
  hostname: string,
  fetch: (resource: 'secrets' | 'configmaps', name: string) => Promise<Fetch>,
  context: PodSetupContext,
): Promise<EnvResult> {
  const namespace = stringAt(pod, 'metadata', 'namespace') ?? 'default'
  const values = new Map<string, string>()
  const configError = (message: string): EnvResult => ({ok: false, reason: 'CreateContainerConfigError', message})

  for (const source of listAt(container, 'envFrom')) {
    const isSecret = isObject(source['secretRef'])
    const reference = objectAt(source, isSecret ? 'secretRef' : 'configMapRef')
    const name = stringAt(reference, 'name') ?? ''
    const fetched = await fetch(isSecret ? 'secrets' : 'configmaps', name)
    if (!fetched.ok) {
      if (fetched.notFound && reference['optional'] === true) continue
      return configError(fetched.notFound ? `${isSecret ? 'secret' : 'configmap'} ${JSON.stringify(name)} not found` : fetched.message)
    }
    const prefix = stringAt(source, 'prefix') ?? ''
    for (const [key, value] of Object.entries(stringRecord(fetched.object['data']))) values.set(`${prefix}${key}`, isSecret ? Buffer.from(value, 'base64').toString('utf8') : value)
  }
  for (const variable of listAt(container, 'env')) {
    const name = stringAt(variable, 'name') ?? ''
    const literal = stringAt(variable, 'value')
    if (literal !== undefined || !isObject(variable['valueFrom'])) {
      values.set(name, expand(literal ?? '', values))
      continue
    }
    const from = objectAt(variable, 'valueFrom')
    const keyRef = isObject(from['secretKeyRef']) ? {kind: 'Secret' as const, ref: objectAt(from, 'secretKeyRef')} : isObject(from['configMapKeyRef']) ? {kind: 'ConfigMap' as const, ref: objectAt(from, 'configMapKeyRef')} : undefined
    if (keyRef) {
      const objectName = stringAt(keyRef.ref, 'name') ?? ''
      const key = stringAt(keyRef.ref, 'key') ?? ''
      const optional = keyRef.ref['optional'] === true
      const fetched = await fetch(keyRef.kind === 'Secret' ? 'secrets' : 'configmaps', objectName)
      if (!fetched.ok) {
        if (fetched.notFound && optional) continue
        return configError(fetched.notFound ? `${keyRef.kind === 'Secret' ? 'secret' : 'configmap'} ${JSON.stringify(objectName)} not found` : fetched.message)
      }
      const raw = stringRecord(fetched.object['data'])[key]
      if (raw === undefined) {
        if (optional) continue
        return configError(`couldn't find key ${key} in ${keyRef.kind} ${namespace}/${objectName}`)
      }
      values.set(name, keyRef.kind === 'Secret' ? Buffer.from(raw, 'base64').toString('utf8') : raw)
      continue
    }
    const fieldPath = stringAt(from, 'fieldRef', 'fieldPath')
    if (fieldPath !== undefined) values.set(name, fieldValue(fieldPath, pod, context) ?? '')
  }

  const env: Array<[string, string]> = [...profile.env.filter(([key]) => !values.has(key)), ['HOSTNAME', hostname]]
  for (const [key, value] of values) env.push([key, value])
  // The `kubernetes` service's variables are set whatever enableServiceLinks says (only other services' depend on it).
  env.push(...kubernetesServiceEnv())
  if (!values.has('HOME')) env.push(['HOME', '/root'])
  return {ok: true, env}
}

/** $(VAR) references to variables defined earlier in the list; $$ escapes. */
function expand(value: string, defined: ReadonlyMap<string, string>): string {
  return value.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (match, name: string | undefined) => (match === '$$' ? '$' : (defined.get(name ?? '') ?? match)))
}

/** The variables the kubelet sets for the `kubernetes` service in every container (master services are always added). */
function kubernetesServiceEnv(): Array<[string, string]> {
  const ip = KUBERNETES_SERVICE_IP
  return [
    ['KUBERNETES_SERVICE_HOST', ip],
    ['KUBERNETES_SERVICE_PORT', '443'],
    ['KUBERNETES_SERVICE_PORT_HTTPS', '443'],
    ['KUBERNETES_PORT', `tcp://${ip}:443`],
    ['KUBERNETES_PORT_443_TCP', `tcp://${ip}:443`],
    ['KUBERNETES_PORT_443_TCP_PROTO', 'tcp'],
    ['KUBERNETES_PORT_443_TCP_PORT', '443'],
    ['KUBERNETES_PORT_443_TCP_ADDR', ip],
  ]
}

/** The kubelet-managed /etc/hosts (pkg/kubelet/kubelet_pods.go managedHostsFileContent). */
function hostsFile(ip: string, hostname: string, hostNetwork: boolean): string {
  if (hostNetwork) return `127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n${ip}\t${hostname}\n`
  return [
    '# Kubernetes-managed hosts file.',
    '127.0.0.1\tlocalhost',
    '::1\tlocalhost ip6-localhost ip6-loopback',
    'fe00::0\tip6-localnet',
    'fe00::0\tip6-mcastprefix',
    'fe00::1\tip6-allnodes',
    'fe00::2\tip6-allrouters',
    `${ip}\t${hostname}`,
    '',
  ].join('\n')
}

function resolvConf(namespace: string, hostNetwork: boolean): string {
  if (hostNetwork) return 'nameserver 127.0.0.53\noptions edns0 trust-ad\n'
  return `search ${namespace}.svc.cluster.local svc.cluster.local cluster.local\nnameserver ${CLUSTER_DNS}\noptions ndots:5\n`
}
