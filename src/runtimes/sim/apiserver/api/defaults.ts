/**
 * What the real apiserver fills in on create: uid, creationTimestamp, generateName suffixes, and the type defaults
 * the sim's printers and clients rely on (namespace phase and finalizer, secret type and stringData, pod and
 * service defaults). Only a subset of the real defaulting functions.
 */
import {randomInt, randomUUID} from 'node:crypto'
import {atLeast, type KubeVersion} from '../version.js'
import {field, isRecord, stringField, type KubeObject} from './object.js'
import {apiVersionOf, type ResourceType} from './resources.js'

/** The alphabet of names.SimpleNameGenerator (no vowels, no confusable digits). */
const NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789'

export function generateNameSuffix(): string {
  let suffix = ''
  for (let index = 0; index < 5; index += 1) suffix += NAME_ALPHABET.charAt(randomInt(NAME_ALPHABET.length))
  return suffix
}

/** RFC 3339 in seconds, as metav1.Time serialises. */
export function timestampNow(date = new Date()): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z')
}

export function prepareForCreate(type: ResourceType, object: KubeObject, namespace: string, version: KubeVersion): KubeObject {
  const metadata = {...object.metadata}
  delete metadata.resourceVersion
  delete metadata.deletionTimestamp
  if ((metadata.name === undefined || metadata.name === '') && metadata.generateName) {
    metadata.name = `${metadata.generateName}${generateNameSuffix()}`
  }
  if (type.namespaced) metadata.namespace = namespace
  else delete metadata.namespace
  metadata.uid = randomUUID()
  metadata.creationTimestamp = timestampNow()
  const prepared: KubeObject = {...object, apiVersion: apiVersionOf(type), kind: type.kind, metadata}
  applyTypeDefaults(type, prepared, version)
  return prepared
}

function applyTypeDefaults(type: ResourceType, object: KubeObject, version: KubeVersion): void {
  if (type.group !== '') return
  switch (type.resource) {
    case 'namespaces': {
      const name = object.metadata.name ?? ''
      if (atLeast(version, 1, 21)) {
        object.metadata.labels = {...object.metadata.labels, 'kubernetes.io/metadata.name': name}
      }
      const spec = isRecord(object['spec']) ? object['spec'] : {}
      object['spec'] = {finalizers: ['kubernetes'], ...spec}
      object['status'] = {phase: 'Active'}
      break
    }
    case 'secrets': {
      if (stringField(object, 'type') === undefined) object['type'] = 'Opaque'
      const stringData = object['stringData']
      if (isRecord(stringData)) {
        const data: Record<string, unknown> = isRecord(object['data']) ? {...object['data']} : {}
        for (const [key, value] of Object.entries(stringData)) {
          data[key] = Buffer.from(String(value), 'utf8').toString('base64')
        }
        object['data'] = data
        delete object['stringData']
      }
      break
    }
    case 'pods': {
      const spec = isRecord(object['spec']) ? {...object['spec']} : {}
      spec['restartPolicy'] ??= 'Always'
      spec['dnsPolicy'] ??= 'ClusterFirst'
      spec['schedulerName'] ??= 'default-scheduler'
      spec['terminationGracePeriodSeconds'] ??= 30
      spec['serviceAccountName'] ??= 'default'
      spec['serviceAccount'] = spec['serviceAccountName']
      spec['enableServiceLinks'] ??= true
      spec['securityContext'] ??= {}
      const containers = spec['containers']
      if (Array.isArray(containers)) {
        spec['containers'] = containers.map((container) => {
          if (!isRecord(container)) return container
          const image = stringField(container, 'image') ?? ''
          const tag = image.includes('@') ? 'digest' : (image.split('/').pop() ?? '').split(':')[1]
          return {
            terminationMessagePath: '/dev/termination-log',
            terminationMessagePolicy: 'File',
            imagePullPolicy: tag === undefined || tag === 'latest' ? 'Always' : 'IfNotPresent',
            resources: {},
            ...container,
          }
        })
      }
      object['spec'] = spec
      object['status'] = {phase: 'Pending', qosClass: 'BestEffort'}
      break
    }
    case 'services': {
      const spec = isRecord(object['spec']) ? {...object['spec']} : {}
      spec['type'] ??= 'ClusterIP'
      spec['sessionAffinity'] ??= 'None'
      const ports = spec['ports']
      if (Array.isArray(ports)) {
        spec['ports'] = ports.map((port) =>
          isRecord(port) ? {protocol: 'TCP', targetPort: field(port, 'port'), ...port} : port,
        )
      }
      object['spec'] = spec
      object['status'] = {loadBalancer: {}}
      break
    }
  }
}

/** Picks the lowest free address of an IPv4 --service-cluster-ip-range, skipping the network address. */
export function allocateServiceIp(range: string, used: ReadonlySet<string>): string | undefined {
  const match = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(range.split(',')[0]?.trim() ?? '')
  if (!match) return undefined
  const base = match.slice(1, 5).reduce((value, octet) => value * 256 + Number(octet), 0)
  const bits = Number(match[5])
  const size = 2 ** (32 - bits)
  const network = base - (base % size)
  for (let offset = 1; offset < size - 1 && offset < 65536; offset += 1) {
    const value = network + offset
    const ip = [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.')
    if (!used.has(ip)) return ip
  }
  return undefined
}
