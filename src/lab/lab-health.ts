import {createHash} from 'node:crypto'
import {httpProbe} from '../probes/http.js'
import type {HttpProbeResult, TlsClientOptions} from '../probes/types.js'
import {apiClientFromKubeconfig, type ApiClient} from '../runtimes/shared/api-client.js'
import {ETCD_CLIENT_FILES, readSimEndpoints} from '../runtimes/sim/lab-endpoints.js'
import {simNodeLayout} from '../runtimes/sim/node/layout.js'
import {labNode} from './node-files.js'
import type {Lab} from './registry.js'

const HEALTH_TIMEOUT_MS = 1000

/** What the sim kubelet records of the manifest it runs a pod from (status.json's manifestHash). */
export function manifestHash(text: string): string {
  return createHash('sha256').update(text).digest('hex')
}

/** etcd's /health at the client URL the manifest gives now, with kubeadm's healthcheck client when etcd speaks TLS — as `up` asks it. */
export async function probeEtcdHealth(lab: Lab): Promise<HttpProbeResult & {url: string}> {
  const endpoints = await readSimEndpoints(simNodeLayout(lab.dir), lab.record.ports)
  const url = `${endpoints.etcd}/health`
  const tls = endpoints.etcd.startsWith('https:') ? await etcdClientTls(lab) : undefined
  return {...(await httpProbe({url, timeoutMs: HEALTH_TIMEOUT_MS, ...(tls ? {tls} : {})})), url}
}

/** The API server's /readyz asked with the lab's admin kubeconfig (given, or read now). */
export async function probeApiserverReadyz(lab: Lab, client?: ApiClient): Promise<HttpProbeResult & {url: string}> {
  const admin = client ?? (await apiClientFromKubeconfig(lab.record.kubeconfig))
  const url = `${admin.server}/readyz`
  return {...(await httpProbe({url, tls: admin.tls, headers: admin.headers, timeoutMs: HEALTH_TIMEOUT_MS})), url}
}

/** kubeadm's etcd healthcheck client certificate, read from the lab's node. */
async function etcdClientTls(lab: Lab): Promise<TlsClientOptions> {
  const node = labNode(lab)
  const [ca, cert, key] = await Promise.all([node.readFile(ETCD_CLIENT_FILES.ca), node.readFile(ETCD_CLIENT_FILES.cert), node.readFile(ETCD_CLIENT_FILES.key)])
  return {...(ca ? {ca} : {}), ...(cert ? {cert} : {}), ...(key ? {key} : {}), verify: true}
}
