/**
 * meta.k8s.io/v1 Table responses (what `kubectl get` asks for with `Accept: application/json;as=Table;v=v1;
 * g=meta.k8s.io`), with the columns of the real printers in pkg/printers/internalversion/printers.go for the
 * resources the sim serves, and the real age format (apimachinery duration.HumanDuration).
 */
import {field, isRecord, stringField, type KubeObject} from './object.js'
import type {ResourceType} from './resources.js'

interface Column {
  name: string
  type: 'string' | 'integer' | 'date'
  format?: string
  description: string
  priority?: number
  cell: (object: KubeObject, now: number) => string | number
}

const NAME: Column = {
  name: 'Name',
  type: 'string',
  format: 'name',
  description: 'Name must be unique within a namespace.',
  cell: (object) => object.metadata.name ?? '',
}

const AGE: Column = {
  name: 'Age',
  type: 'string',
  description: 'CreationTimestamp is a timestamp representing the server time when this object was created.',
  cell: (object, now) => age(object, now),
}

/** duration.HumanDuration. */
export function humanDuration(milliseconds: number): string {
  const seconds = Math.floor(milliseconds / 1000)
  if (seconds < -1) return '<invalid>'
  if (seconds < 0) return '0s'
  if (seconds < 120) return `${seconds}s`
  const minutes = Math.floor(seconds / 60)
  if (minutes < 10) {
    const rest = seconds % 60
    return rest === 0 ? `${minutes}m` : `${minutes}m${rest}s`
  }
  if (minutes < 180) return `${minutes}m`
  const hours = Math.floor(seconds / 3600)
  if (hours < 8) {
    const rest = minutes % 60
    return rest === 0 ? `${hours}h` : `${hours}h${rest}m`
  }
  if (hours < 48) return `${hours}h`
  if (hours < 24 * 8) {
    const rest = hours % 24
    return rest === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${rest}h`
  }
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`
  if (hours < 24 * 365 * 8) {
    const days = Math.floor(hours / 24) % 365
    const years = Math.floor(hours / 24 / 365)
    return days === 0 ? `${years}y` : `${years}y${days}d`
  }
  return `${Math.floor(hours / 24 / 365)}y`
}

function age(object: KubeObject, now: number): string {
  const created = Date.parse(object.metadata.creationTimestamp ?? '')
  return Number.isNaN(created) ? '<unknown>' : humanDuration(now - created)
}

function count(value: unknown): number {
  return isRecord(value) ? Object.keys(value).length : 0
}

function column(name: string, description: string, cell: Column['cell'], extra: Partial<Column> = {}): Column {
  return {name, type: 'string', description, cell, ...extra}
}

function podReady(object: KubeObject): string {
  const containers = field(object, 'spec', 'containers')
  const statuses = field(object, 'status', 'containerStatuses')
  const total = Array.isArray(containers) ? containers.length : 0
  const ready = Array.isArray(statuses) ? statuses.filter((status) => isRecord(status) && status['ready'] === true).length : 0
  return `${ready}/${total}`
}

function podRestarts(object: KubeObject): number {
  const statuses = field(object, 'status', 'containerStatuses')
  if (!Array.isArray(statuses)) return 0
  return statuses.reduce<number>((sum, status) => sum + (typeof field(status, 'restartCount') === 'number' ? Number(field(status, 'restartCount')) : 0), 0)
}

function servicePorts(object: KubeObject): string {
  const ports = field(object, 'spec', 'ports')
  if (!Array.isArray(ports) || ports.length === 0) return '<none>'
  return ports
    .map((port) => {
      const nodePort = field(port, 'nodePort')
      const protocol = stringField(port, 'protocol') ?? 'TCP'
      return `${String(field(port, 'port'))}${typeof nodePort === 'number' ? `:${nodePort}` : ''}/${protocol}`
    })
    .join(',')
}

function endpointsList(object: KubeObject): string {
  const subsets = field(object, 'subsets')
  if (!Array.isArray(subsets)) return '<none>'
  const endpoints: string[] = []
  for (const subset of subsets) {
    const addresses = field(subset, 'addresses')
    const ports = field(subset, 'ports')
    for (const address of Array.isArray(addresses) ? addresses : []) {
      for (const port of Array.isArray(ports) && ports.length > 0 ? ports : [undefined]) {
        const portNumber = field(port, 'port')
        endpoints.push(`${stringField(address, 'ip') ?? ''}${typeof portNumber === 'number' ? `:${portNumber}` : ''}`)
      }
    }
  }
  if (endpoints.length === 0) return '<none>'
  return endpoints.length > 3 ? `${endpoints.slice(0, 3).join(',')} + ${endpoints.length - 3} more...` : endpoints.join(',')
}

function nodeStatus(object: KubeObject): string {
  const conditions = field(object, 'status', 'conditions')
  const ready = Array.isArray(conditions) ? conditions.find((condition) => stringField(condition, 'type') === 'Ready') : undefined
  const status = ready === undefined ? 'Unknown' : stringField(ready, 'status') === 'True' ? 'Ready' : 'NotReady'
  return field(object, 'spec', 'unschedulable') === true ? `${status},SchedulingDisabled` : status
}

function nodeRoles(object: KubeObject): string {
  const labels = object.metadata.labels ?? {}
  const roles = Object.keys(labels)
    .filter((label) => label.startsWith('node-role.kubernetes.io/'))
    .map((label) => label.slice('node-role.kubernetes.io/'.length))
  return roles.length === 0 ? '<none>' : roles.sort().join(',')
}

function subjectNames(object: KubeObject, kind: string): string {
  const subjects = field(object, 'subjects')
  if (!Array.isArray(subjects)) return ''
  return subjects
    .filter((subject) => stringField(subject, 'kind') === kind)
    .map((subject) => {
      const namespace = stringField(subject, 'namespace')
      const name = stringField(subject, 'name') ?? ''
      return kind === 'ServiceAccount' ? `${namespace ?? ''}/${name}` : name
    })
    .join(', ')
}

const COLUMNS: Record<string, Column[]> = {
  namespaces: [NAME, column('Status', 'The status of the namespace', (object) => stringField(object, 'status', 'phase') ?? ''), AGE],
  secrets: [
    NAME,
    column('Type', 'The type of the secret', (object) => stringField(object, 'type') ?? 'Opaque'),
    {...column('Data', 'The number of data items in the secret', (object) => count(object['data'])), type: 'integer'},
    AGE,
  ],
  configmaps: [NAME, {...column('Data', 'Number of data in the configmap', (object) => count(object['data']) + count(object['binaryData'])), type: 'integer'}, AGE],
  serviceaccounts: [
    NAME,
    {...column('Secrets', 'Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use.', (object) => (Array.isArray(object['secrets']) ? object['secrets'].length : 0)), type: 'integer'},
    AGE,
  ],
  pods: [
    NAME,
    column('Ready', 'The aggregate readiness state of this pod for accepting traffic.', podReady),
    column('Status', 'The aggregate status of the containers in this pod.', (object) => stringField(object, 'status', 'reason') ?? stringField(object, 'status', 'phase') ?? 'Unknown'),
    {...column('Restarts', 'The number of times the containers in this pod have been restarted.', podRestarts), type: 'integer'},
    AGE,
    column('IP', 'IP address allocated to the pod.', (object) => stringField(object, 'status', 'podIP') ?? '<none>', {priority: 1}),
    column('Node', 'Name of the node where the pod is running.', (object) => stringField(object, 'spec', 'nodeName') ?? '<none>', {priority: 1}),
  ],
  services: [
    NAME,
    column('Type', 'The type of service.', (object) => stringField(object, 'spec', 'type') ?? 'ClusterIP'),
    column('Cluster-IP', 'The cluster IP of the service.', (object) => stringField(object, 'spec', 'clusterIP') ?? '<none>'),
    column('External-IP', 'The external IPs of the service.', (object) => {
      const ips = field(object, 'spec', 'externalIPs')
      return Array.isArray(ips) && ips.length > 0 ? ips.join(',') : '<none>'
    }),
    column('Port(s)', 'The ports of the service.', servicePorts),
    AGE,
  ],
  endpoints: [NAME, column('Endpoints', 'Endpoints of the service.', endpointsList), AGE],
  nodes: [
    NAME,
    column('Status', 'The status of the node', nodeStatus),
    column('Roles', 'The roles of the node', nodeRoles),
    AGE,
    column('Version', 'Kubelet Version reported by the node.', (object) => stringField(object, 'status', 'nodeInfo', 'kubeletVersion') ?? ''),
  ],
  roles: [NAME, {...column('Created At', 'CreationTimestamp', (object) => object.metadata.creationTimestamp ?? ''), type: 'date'}],
  clusterroles: [NAME, {...column('Created At', 'CreationTimestamp', (object) => object.metadata.creationTimestamp ?? ''), type: 'date'}],
  rolebindings: [
    NAME,
    column('Role', 'The role the binding refers to', (object) => `${stringField(object, 'roleRef', 'kind') ?? ''}/${stringField(object, 'roleRef', 'name') ?? ''}`),
    AGE,
    column('Users', 'Users in the roleBinding', (object) => subjectNames(object, 'User'), {priority: 1}),
    column('Groups', 'Groups in the roleBinding', (object) => subjectNames(object, 'Group'), {priority: 1}),
    column('ServiceAccounts', 'ServiceAccounts in the roleBinding', (object) => subjectNames(object, 'ServiceAccount'), {priority: 1}),
  ],
  clusterrolebindings: [
    NAME,
    column('Role', 'The role the binding refers to', (object) => `${stringField(object, 'roleRef', 'kind') ?? ''}/${stringField(object, 'roleRef', 'name') ?? ''}`),
    AGE,
    column('Users', 'Users in the roleBinding', (object) => subjectNames(object, 'User'), {priority: 1}),
    column('Groups', 'Groups in the roleBinding', (object) => subjectNames(object, 'Group'), {priority: 1}),
    column('ServiceAccounts', 'ServiceAccounts in the roleBinding', (object) => subjectNames(object, 'ServiceAccount'), {priority: 1}),
  ],
}

export function wantsTable(accept: string | undefined): boolean {
  return accept !== undefined && /as=Table/.test(accept) && /g=meta\.k8s\.io/.test(accept)
}

/** includeObject=None|Metadata|Object; the default, Metadata, embeds PartialObjectMetadata. */
function rowObject(object: KubeObject, include: string): unknown {
  if (include === 'None') return undefined
  if (include === 'Object') return object
  return {kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: object.metadata}
}

export function toTable(
  type: ResourceType,
  objects: KubeObject[],
  resourceVersion: string,
  includeObject: string | null,
  now = Date.now(),
): Record<string, unknown> {
  const columns = COLUMNS[type.resource] ?? [NAME, {...column('Created At', 'CreationTimestamp', (object) => object.metadata.creationTimestamp ?? ''), type: 'date'}]
  const include = includeObject ?? 'Metadata'
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: {resourceVersion},
    columnDefinitions: columns.map((definition) => ({
      name: definition.name,
      type: definition.type,
      format: definition.format ?? '',
      description: definition.description,
      priority: definition.priority ?? 0,
    })),
    rows: objects.map((object) => {
      const row: Record<string, unknown> = {cells: columns.map((definition) => definition.cell(object, now))}
      const embedded = rowObject(object, include)
      if (embedded !== undefined) row['object'] = embedded
      return row
    }),
  }
}
