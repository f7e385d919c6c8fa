import type {RbacObject, Scenario, Seed, SeedPod, SeedSecret} from '../../scenario/schema.js'
import {SERVICE_ACCOUNT_TOKEN_TYPE} from '../../scenario/schema-seed.js'
import {apiRequest, statusMessage, type ApiClient} from './api-client.js'

/** The API server refused one of the scenario's objects. */
export class SeedError extends Error {
  constructor(
    /** e.g. "Secret ingress-nginx/ingress-nginx-token" */
    readonly object: string,
    readonly status: number,
    readonly reason: string,
  ) {
    super(`seeding ${object}: the API server answered ${status}: ${reason}`)
    this.name = 'SeedError'
  }
}

/**
 * Fills a kubernetes.io/service-account-token Secret the way the token controller does: the data
 * (token, ca.crt, namespace; plain text, encoded by the caller) for the account with this uid. Undefined: leave the Secret empty for
 * the cluster's own token controller (a real kube-controller-manager fills it within seconds).
 */
export type TokenSecretFiller = (secret: SeedSecret, serviceAccountUid: string) => Promise<Record<string, string>>

/** How many objects of each kind went in. */
export type SeedSummary = Record<'namespaces' | 'serviceAccounts' | 'secrets' | 'configMaps' | 'rbac' | 'pods', number>

interface KubeObject {
  apiVersion: string
  kind: string
  metadata: {name: string; namespace?: string; uid?: string; [key: string]: unknown}
  [key: string]: unknown
}

/**
 * Creates the scenario's objects through the API in three rounds, each all at once, ordered as the
 * API server requires: namespaces (and cluster-wide RBAC); then what lives in them and needs nothing
 * else (service accounts, config maps, plain secrets, namespaced RBAC); then what refers to a service
 * account (token secrets need its uid; the ServiceAccount admission plugin wants a pod's account to
 * exist). A kubernetes.io/service-account-token Secret names its account (and the account's uid) in
 * its annotations; `fillToken` fills in its data, or the cluster's token controller does.
 */
export async function seedObjects(client: ApiClient, scenario: Scenario, fillToken?: TokenSecretFiller): Promise<SeedSummary> {
  const {seed, rbac} = scenario.misconfigurations
  const clusterWide = rbac.filter((object) => object.kind === 'ClusterRole' || object.kind === 'ClusterRoleBinding')
  const namespaced = rbac.filter((object) => object.kind === 'Role' || object.kind === 'RoleBinding')
  const isToken = (secret: SeedSecret): boolean => secret.type === SERVICE_ACCOUNT_TOKEN_TYPE

  await Promise.all([
    ...seed.namespaces.map((name) => create(client, {apiVersion: 'v1', kind: 'Namespace', metadata: {name}})),
    ...clusterWide.map((object) => create(client, rbacObject(object))),
  ])
  const [accounts] = await Promise.all([
    Promise.all(seed.serviceAccounts.map((account) => create(client, serviceAccountObject(account)))),
    Promise.all(seed.configMaps.map((configMap) => create(client, configMapObject(configMap)))),
    Promise.all(seed.secrets.filter((secret) => !isToken(secret)).map(async (secret) => create(client, await secretObject(secret, new Map(), fillToken)))),
    Promise.all(namespaced.map((object) => create(client, rbacObject(object)))),
  ])
  const uids = new Map(accounts.map((account) => [`${account.metadata.namespace ?? ''}/${account.metadata.name}`, account.metadata.uid]))
  await Promise.all([
    ...seed.secrets.filter(isToken).map(async (secret) => create(client, await secretObject(secret, uids, fillToken))),
    ...seed.pods.map((pod) => create(client, podObject(pod))),
  ])
  return {
    namespaces: seed.namespaces.length,
    serviceAccounts: seed.serviceAccounts.length,
    secrets: seed.secrets.length,
    configMaps: seed.configMaps.length,
    rbac: rbac.length,
    pods: seed.pods.length,
  }
}

/** The REST collection an object is created in. */
function collectionPath(object: Pick<KubeObject, 'apiVersion' | 'kind' | 'metadata'>): string {
  const plural = `${object.kind.toLowerCase()}s`
  const base = object.apiVersion === 'v1' ? '/api/v1' : `/apis/${object.apiVersion}`
  return object.metadata.namespace === undefined ? `${base}/${plural}` : `${base}/namespaces/${object.metadata.namespace}/${plural}`
}

async function create(client: ApiClient, object: KubeObject): Promise<KubeObject> {
  const answer = await apiRequest(client, 'POST', collectionPath(object), object)
  const label = `${object.kind} ${object.metadata.namespace === undefined ? '' : `${object.metadata.namespace}/`}${object.metadata.name}`
  if (answer.status < 200 || answer.status > 299) throw new SeedError(label, answer.status, statusMessage(answer.body))
  return JSON.parse(answer.body) as KubeObject
}

function serviceAccountObject(account: Seed['serviceAccounts'][number]): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: {name: account.name, namespace: account.namespace},
    ...(account.automountServiceAccountToken === undefined ? {} : {automountServiceAccountToken: account.automountServiceAccountToken}),
  }
}

const base64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64')

async function secretObject(secret: SeedSecret, uids: ReadonlyMap<string, string | undefined>, fillToken: TokenSecretFiller | undefined): Promise<KubeObject> {
  const metadata: KubeObject['metadata'] = {name: secret.name, namespace: secret.namespace}
  if (secret.labels) metadata['labels'] = secret.labels
  const annotations: Record<string, string> = {...secret.annotations}
  const data: Record<string, string> = Object.fromEntries(Object.entries(secret.stringData ?? {}).map(([key, value]) => [key, base64(value)]))

  if (secret.type === SERVICE_ACCOUNT_TOKEN_TYPE && secret.serviceAccountName !== undefined) {
    const uid = uids.get(`${secret.namespace}/${secret.serviceAccountName}`)
    if (uid === undefined) throw new SeedError(`Secret ${secret.namespace}/${secret.name}`, 0, `service account ${secret.serviceAccountName} was not created`)
    annotations['kubernetes.io/service-account.name'] = secret.serviceAccountName
    annotations['kubernetes.io/service-account.uid'] = uid
    if (fillToken) {
      for (const [key, value] of Object.entries(await fillToken(secret, uid))) data[key] = base64(value)
    }
  }
  if (Object.keys(annotations).length > 0) metadata['annotations'] = annotations
  return {apiVersion: 'v1', kind: 'Secret', metadata, type: secret.type, data}
}

function configMapObject(configMap: Seed['configMaps'][number]): KubeObject {
  const metadata: KubeObject['metadata'] = {name: configMap.name, namespace: configMap.namespace}
  if (configMap.labels) metadata['labels'] = configMap.labels
  return {apiVersion: 'v1', kind: 'ConfigMap', metadata, data: configMap.data}
}

function rbacObject(object: RbacObject): KubeObject {
  return {...object, metadata: {...object.metadata}}
}

/** `image` is the scenario's shorthand for one container named after the pod. */
function podObject(pod: SeedPod): KubeObject {
  const metadata: KubeObject['metadata'] = {name: pod.name, namespace: pod.namespace}
  if (pod.labels) metadata['labels'] = pod.labels
  const spec: Record<string, unknown> = {
    containers: pod.containers ?? [{name: pod.name, image: pod.image}],
  }
  if (pod.serviceAccountName !== undefined) spec['serviceAccountName'] = pod.serviceAccountName
  if (pod.automountServiceAccountToken !== undefined) spec['automountServiceAccountToken'] = pod.automountServiceAccountToken
  if (pod.volumes) spec['volumes'] = pod.volumes
  return {apiVersion: 'v1', kind: 'Pod', metadata, spec}
}
