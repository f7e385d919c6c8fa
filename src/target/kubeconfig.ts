import {readFile} from 'node:fs/promises'
import path from 'node:path'
import {execa} from 'execa'
import {parse} from 'yaml'
import {z} from 'zod'
import type {TlsClientOptions} from '../probes/types.js'
import type {ClusterCredentials} from './types.js'

/** What a probe needs to talk to the API server as the kubeconfig's user. */
export interface ApiCredentials {
  server: string
  tls: TlsClientOptions
  headers: Record<string, string>
  /** For evidence, e.g. "kubeconfig admin.conf, user kubernetes-admin". */
  label: string
}

export class KubeconfigError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`kubeconfig ${file}: ${reason}`)
    this.name = 'KubeconfigError'
  }
}


const execConfig = z
  .object({command: z.string(), args: z.array(z.string()).nullish(), env: z.array(z.object({name: z.string(), value: z.string()})).nullish(), apiVersion: z.string().optional()})
  .loose()

const kubeconfigSchema = z
  .object({
    'current-context': z.string().optional(),
    clusters: z.array(z.object({name: z.string(), cluster: z.object({server: z.string(), 'certificate-authority': z.string().optional(), 'certificate-authority-data': z.string().optional(), 'insecure-skip-tls-verify': z.boolean().optional(), 'tls-server-name': z.string().optional()}).loose()})),
    users: z
      .array(
        z.object({
          name: z.string(),
          user: z.object({
          'client-certificate': z.string().optional(),
          'client-certificate-data': z.string().optional(),
          'client-key': z.string().optional(),
          'client-key-data': z.string().optional(),
          token: z.string().optional(),
          tokenFile: z.string().optional(),
          username: z.string().optional(),
          password: z.string().optional(),
          exec: execConfig.optional(),
          }),
        }),
      )
      .default([]),
    contexts: z.array(z.object({name: z.string(), context: z.object({cluster: z.string(), user: z.string().optional()}).loose()})),
  })
  .loose()

const execCredentialStatus = z.object({
  status: z.object({token: z.string().optional(), clientCertificateData: z.string().optional(), clientKeyData: z.string().optional()}),
})

/**
 * Reads a kubeconfig the way kubectl does for the parts an auditor needs: server, CA, client
 * certificate, bearer token (inline, file or exec plugin) and basic auth. Relative paths are
 * relative to the kubeconfig's folder.
 */
export async function loadApiCredentials(credentials: ClusterCredentials): Promise<ApiCredentials> {
  const file = credentials.kubeconfigPath
  const folder = path.dirname(file)
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    throw new KubeconfigError(file, `cannot read it (${(error as NodeJS.ErrnoException).code ?? String(error)})`)
  }
  let document: unknown
  try {
    document = parse(text)
  } catch (error) {
    throw new KubeconfigError(file, `not valid YAML: ${(error as Error).message.split('\n')[0]}`)
  }
  const parsed = kubeconfigSchema.safeParse(document)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new KubeconfigError(file, `${issue?.path.join('.') || 'document'}: ${issue?.message ?? 'invalid'}`)
  }
  const config = parsed.data
  const contextName = credentials.context ?? config['current-context']
  if (!contextName) throw new KubeconfigError(file, 'no current-context set; pass --context')
  const context = config.contexts.find((item) => item.name === contextName)?.context
  if (!context) throw new KubeconfigError(file, `context "${contextName}" not found (have: ${config.contexts.map((item) => item.name).join(', ') || 'none'})`)
  const cluster = config.clusters.find((item) => item.name === context.cluster)?.cluster
  if (!cluster) throw new KubeconfigError(file, `cluster "${context.cluster}" of context "${contextName}" not found`)
  const user = context.user ? config.users.find((item) => item.name === context.user)?.user : undefined
  if (context.user && !user) throw new KubeconfigError(file, `user "${context.user}" of context "${contextName}" not found`)

  const readRelative = async (target: string): Promise<string> => {
    const resolved = path.resolve(folder, target)
    try {
      return await readFile(resolved, 'utf8')
    } catch {
      throw new KubeconfigError(file, `cannot read ${resolved}`)
    }
  }
  const pick = async (data: string | undefined, fileRef: string | undefined): Promise<string | undefined> =>
    data ? Buffer.from(data, 'base64').toString('utf8') : fileRef ? readRelative(fileRef) : undefined

  const tls: TlsClientOptions = {verify: cluster['insecure-skip-tls-verify'] !== true}
  const ca = await pick(cluster['certificate-authority-data'], cluster['certificate-authority'])
  if (ca) tls.ca = ca
  if (!ca) tls.verify = false
  if (cluster['tls-server-name']) tls.servername = cluster['tls-server-name']
  const headers: Record<string, string> = {}
  const cert = await pick(user?.['client-certificate-data'], user?.['client-certificate'])
  const key = await pick(user?.['client-key-data'], user?.['client-key'])
  if (cert && key) Object.assign(tls, {cert, key})
  const token = user?.token ?? (user?.tokenFile ? (await readRelative(user.tokenFile)).trim() : undefined)
  if (token) headers.authorization = `Bearer ${token}`
  else if (user?.username !== undefined) headers.authorization = `Basic ${Buffer.from(`${user.username}:${user.password ?? ''}`).toString('base64')}`
  if (user?.exec) Object.assign(headers, await runExecPlugin(file, user.exec, tls))

  return {server: cluster.server.replace(/\/$/, ''), tls, headers, label: `kubeconfig ${path.basename(file)}, user ${context.user ?? 'none'}`}
}

async function runExecPlugin(file: string, exec: z.infer<typeof execConfig>, tls: TlsClientOptions): Promise<Record<string, string>> {
  const env = Object.fromEntries((exec.env ?? []).map((item) => [item.name, item.value]))
  const result = await execa(exec.command, exec.args ?? [], {env, reject: false, timeout: 10_000, input: ''})
  if (result.exitCode !== 0) throw new KubeconfigError(file, `exec plugin ${exec.command} failed: ${String(result.stderr).trim() || `exit ${result.exitCode}`}`)
  const parsed = execCredentialStatus.safeParse(JSON.parse(String(result.stdout)))
  if (!parsed.success) throw new KubeconfigError(file, `exec plugin ${exec.command} did not print an ExecCredential`)
  const status = parsed.data.status
  if (status.clientCertificateData && status.clientKeyData) Object.assign(tls, {cert: status.clientCertificateData, key: status.clientKeyData})
  return status.token ? {authorization: `Bearer ${status.token}`} : {}
}
