import type {z} from 'zod'
import type {scenarioFieldsSchema} from './schema.js'
import {SERVICE_ACCOUNT_TOKEN_TYPE} from './schema-seed.js'
import {didYouMean} from './suggest.js'

/** Namespaces every cluster has before anything is seeded. */
export const BUILTIN_NAMESPACES: readonly string[] = ['default', 'kube-system', 'kube-public', 'kube-node-lease']

/** ClusterRoles the API server creates at start-up (besides the many system:* roles). */
const BUILTIN_CLUSTER_ROLES: readonly string[] = ['cluster-admin', 'admin', 'edit', 'view']

type Path = Array<string | number>

type ReferenceView = z.output<typeof scenarioFieldsSchema>
type Seed = ReferenceView['misconfigurations']['seed']

/** Checks that names used in one place exist in another, as the API server would insist. */
export function checkReferences(scenario: ReferenceView, ctx: z.RefinementCtx): void {
  const report = (path: Path, message: string): void => ctx.addIssue({code: 'custom', message, path})
  const seed = scenario.misconfigurations.seed
  const seedPath = ['misconfigurations', 'seed']
  const rbacPath = ['misconfigurations', 'rbac']

  const namespaces = new Set(BUILTIN_NAMESPACES)
  seed.namespaces.forEach((name, index) => {
    if (namespaces.has(name)) report([...seedPath, 'namespaces', index], `namespace "${name}" already exists`)
    namespaces.add(name)
  })
  const knownNamespaces = [...namespaces]
  const requireNamespace = (namespace: string, path: Path): void => {
    if (!namespaces.has(namespace)) {
      report(path, `namespace "${namespace}" is neither built in nor in seed.namespaces${didYouMean(namespace, knownNamespaces)}`)
    }
  }

  const accounts = uniqueNames('ServiceAccount', seed.serviceAccounts, [...seedPath, 'serviceAccounts'], report, requireNamespace)
  const secrets = uniqueNames('Secret', seed.secrets, [...seedPath, 'secrets'], report, requireNamespace)
  const configMaps = uniqueNames('ConfigMap', seed.configMaps, [...seedPath, 'configMaps'], report, requireNamespace)
  uniqueNames('Pod', seed.pods, [...seedPath, 'pods'], report, requireNamespace)

  const requireAccount = (namespace: string, name: string, path: Path): void => {
    if (name !== 'default' && !accounts.has(`${namespace}/${name}`)) {
      report(path, `ServiceAccount "${name}" is not in seed.serviceAccounts for namespace "${namespace}"`)
    }
  }

  seed.secrets.forEach((secret, index) => {
    if (secret.type === SERVICE_ACCOUNT_TOKEN_TYPE && secret.serviceAccountName !== undefined) {
      requireAccount(secret.namespace, secret.serviceAccountName, [...seedPath, 'secrets', index, 'serviceAccountName'])
    }
  })

  checkPods(seed.pods, [...seedPath, 'pods'], {secrets, configMaps}, requireAccount, report)
  checkRbacReferences(scenario.misconfigurations.rbac, rbacPath, report, requireNamespace, requireAccount)
  checkStepIds(scenario.steps, report)
  checkApiserverVersion(scenario, report)
}

/** A pod's service account, volumes, mounts and env references must name seeded objects. */
function checkPods(
  pods: Seed['pods'],
  path: Path,
  seeded: {secrets: ReadonlySet<string>; configMaps: ReadonlySet<string>},
  requireAccount: (namespace: string, name: string, path: Path) => void,
  report: (path: Path, message: string) => void,
): void {
  const {secrets, configMaps} = seeded
  pods.forEach((pod, podIndex) => {
    const podPath = [...path, podIndex]
    if (pod.serviceAccountName !== undefined) requireAccount(pod.namespace, pod.serviceAccountName, [...podPath, 'serviceAccountName'])
    const volumeNames = new Set<string>()
    pod.volumes?.forEach((volume, volumeIndex) => {
      volumeNames.add(volume.name)
      if (volume.secret && !secrets.has(`${pod.namespace}/${volume.secret.secretName}`)) {
        report([...podPath, 'volumes', volumeIndex, 'secret', 'secretName'], `Secret "${volume.secret.secretName}" is not seeded in namespace "${pod.namespace}"`)
      }
      if (volume.configMap && !configMaps.has(`${pod.namespace}/${volume.configMap.name}`)) {
        report([...podPath, 'volumes', volumeIndex, 'configMap', 'name'], `ConfigMap "${volume.configMap.name}" is not seeded in namespace "${pod.namespace}"`)
      }
    })
    pod.containers?.forEach((container, containerIndex) => {
      container.volumeMounts?.forEach((mount, mountIndex) => {
        if (!volumeNames.has(mount.name)) {
          report([...podPath, 'containers', containerIndex, 'volumeMounts', mountIndex, 'name'], `no volume named "${mount.name}" in this pod`)
        }
      })
      container.env?.forEach((variable, envIndex) => {
        const secretRef = variable.valueFrom?.secretKeyRef
        if (secretRef && !secrets.has(`${pod.namespace}/${secretRef.name}`)) {
          report([...podPath, 'containers', containerIndex, 'env', envIndex, 'valueFrom', 'secretKeyRef', 'name'], `Secret "${secretRef.name}" is not seeded in namespace "${pod.namespace}"`)
        }
        const configMapRef = variable.valueFrom?.configMapKeyRef
        if (configMapRef && !configMaps.has(`${pod.namespace}/${configMapRef.name}`)) {
          report([...podPath, 'containers', containerIndex, 'env', envIndex, 'valueFrom', 'configMapKeyRef', 'name'], `ConfigMap "${configMapRef.name}" is not seeded in namespace "${pod.namespace}"`)
        }
      })
    })
  })

}

function uniqueNames(
  kind: string,
  objects: ReadonlyArray<{name: string; namespace: string}>,
  path: Path,
  report: (path: Path, message: string) => void,
  requireNamespace: (namespace: string, path: Path) => void,
): Set<string> {
  const seen = new Set<string>()
  objects.forEach((object, index) => {
    requireNamespace(object.namespace, [...path, index, 'namespace'])
    const key = `${object.namespace}/${object.name}`
    if (seen.has(key)) report([...path, index, 'name'], `${kind} "${key}" is listed twice`)
    seen.add(key)
  })
  return seen
}

function checkRbacReferences(
  objects: ReferenceView['misconfigurations']['rbac'],
  path: Path,
  report: (path: Path, message: string) => void,
  requireNamespace: (namespace: string, path: Path) => void,
  requireAccount: (namespace: string, name: string, path: Path) => void,
): void {
  const seen = new Set<string>()
  const clusterRoles = new Set(BUILTIN_CLUSTER_ROLES)
  const roles = new Set<string>()
  objects.forEach((object, index) => {
    const namespace = 'namespace' in object.metadata ? object.metadata.namespace : undefined
    if (namespace !== undefined) requireNamespace(namespace, [...path, index, 'metadata', 'namespace'])
    const key = `${object.kind}/${namespace ?? ''}/${object.metadata.name}`
    if (seen.has(key)) report([...path, index, 'metadata', 'name'], `${object.kind} "${object.metadata.name}" is listed twice`)
    seen.add(key)
    if (object.kind === 'ClusterRole') clusterRoles.add(object.metadata.name)
    if (object.kind === 'Role') roles.add(`${object.metadata.namespace}/${object.metadata.name}`)
  })

  objects.forEach((object, index) => {
    if (object.kind !== 'ClusterRoleBinding' && object.kind !== 'RoleBinding') return
    const {roleRef} = object
    const refPath = [...path, index, 'roleRef', 'name']
    if (roleRef.kind === 'ClusterRole' && !clusterRoles.has(roleRef.name) && !roleRef.name.startsWith('system:')) {
      report(refPath, `ClusterRole "${roleRef.name}" is neither built in nor in rbac${didYouMean(roleRef.name, [...clusterRoles])}`)
    }
    if (object.kind === 'RoleBinding' && roleRef.kind === 'Role' && !roles.has(`${object.metadata.namespace}/${roleRef.name}`)) {
      report(refPath, `Role "${roleRef.name}" is not in rbac for namespace "${object.metadata.namespace}"`)
    }
    object.subjects.forEach((subject, subjectIndex) => {
      if (subject.kind === 'ServiceAccount' && subject.namespace !== undefined) {
        const subjectPath = [...path, index, 'subjects', subjectIndex]
        requireNamespace(subject.namespace, [...subjectPath, 'namespace'])
        requireAccount(subject.namespace, subject.name, [...subjectPath, 'name'])
      }
    })
  })
}

function checkStepIds(steps: ReadonlyArray<{id: string}>, report: (path: Path, message: string) => void): void {
  const seen = new Set<string>()
  steps.forEach((step, index) => {
    if (seen.has(step.id)) report(['steps', index, 'id'], `step id "${step.id}" is used twice`)
    seen.add(step.id)
  })
}

/**
 * kube-apiserver 1.20 refuses a non-zero --insecure-port and 1.24 removed the flag (and
 * --insecure-bind-address) altogether, so such a scenario would never start.
 */
function checkApiserverVersion(scenario: ReferenceView, report: (path: Path, message: string) => void): void {
  const minor = Number(scenario.kubernetesVersion.split('.')[1])
  const flags = scenario.misconfigurations.apiserver.setFlags
  const flagsPath = ['misconfigurations', 'apiserver', 'setFlags']
  for (const flag of ['insecure-port', 'insecure-bind-address']) {
    const value = flags[flag]
    if (value === undefined) continue
    if (minor >= 24) {
      report([...flagsPath, flag], `kube-apiserver 1.24 removed --${flag}; use Kubernetes 1.19 for an insecure port`)
    } else if (minor >= 20 && flag === 'insecure-port' && value !== '0') {
      report([...flagsPath, flag], `kube-apiserver ${scenario.kubernetesVersion} only accepts --insecure-port=0; use Kubernetes 1.19`)
    }
  }
}
