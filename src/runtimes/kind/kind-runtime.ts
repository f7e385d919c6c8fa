import {writeFile} from 'node:fs/promises'
import {createServer} from 'node:net'
import path from 'node:path'
import {setTimeout as sleep} from 'node:timers/promises'
import {parseDocument} from 'yaml'
import {httpProbe} from '../../probes/http.js'
import {apiClientFromKubeconfig, type ApiClient} from '../shared/api-client.js'
import {seedObjects} from '../shared/seed.js'
import type {LabRuntime, RuntimePreflightRequest, RuntimeUpRequest, RuntimeUpResult} from '../types.js'
import {LOOPBACK} from './config/generate.js'
import {describeInsecurePort, describeStep, type PostCreateStep} from './config/post-create.js'
import {KindNotReadyError, KindPostCreateError, KindPreflightError} from './errors.js'
import {checkImageRunsHere, nodeImageAvailability, probeKindHost, type Environment, type KindHost} from './host.js'
import {createCluster, deleteCluster, getKubeconfig, type KindCliOptions} from './kind-cli.js'
import {dockerKindNode} from './node/docker-node.js'
import {componentCommandLine, PROCESS_LINES_SCRIPT, removeKubeletSettings, removeManifestFlags} from './node-edits.js'
import {opensInsecurePort, planKindLab, type KindLabChoices, type KindLabPlan} from './plan.js'
import {kindNamesFor, type KindNode, type KindNodeFactory} from './types.js'

export interface KindRuntimeOptions extends KindLabChoices {
  /** PATH (for docker and kind) and DOCKER_HOST. Default: this process's environment. */
  env?: Environment
  /** How long the API server gets to answer /readyz through its mapped port, each time. Default 180 s. */
  readyTimeoutMs?: number
  /** How post-create steps reach the node container. Default: `docker exec` (./node/). */
  nodeFor?: KindNodeFactory
}

/** labs/<name>/kubeconfig: the admin kubeconfig `kind get kubeconfig` prints. */
export const KIND_KUBECONFIG = 'kubeconfig'

const DEFAULT_READY_TIMEOUT_MS = 180_000
const POLL_MS = 500

/**
 * The kind runtime: one kind cluster per lab, named kubelab-<lab>, made from the scenario by
 * kindConfigFor, with the post-create steps done inside its node over `docker exec`.
 */
export function createKindRuntime(options: KindRuntimeOptions = {}): LabRuntime {
  const env = (): Environment => options.env ?? process.env
  const nodeFor = options.nodeFor ?? dockerKindNode
  const readyTimeoutMs = options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS
  const cli = (host: Pick<KindHost, 'kind'>): KindCliOptions => ({kind: host.kind, env: env()})

  const hostFacts = async (binDir: string | undefined): Promise<KindHost> => probeKindHost({env: env(), ...(binDir ? {binDir} : {})})

  return {
    name: 'kind',

    async preflight(request: RuntimePreflightRequest) {
      const host = await hostFacts(request.binDir)
      const plan = planKindLab('preflight', request.scenario, {apiserverSecure: 1, etcdClient: 1, etcdPeer: 1, etcdMetrics: 1, kubelet: 1, controllerManagerSecure: 1, schedulerSecure: 1}, options)
      const warnings = checkImageRunsHere(plan.image, host, opensInsecurePort(request.scenario) && plan.insecurePort === 'real')
      const availability = await nodeImageAvailability(host, plan.image.reference, {env: env()})
      const image =
        availability === 'present'
          ? `node image ${plan.image.reference} is in Docker already`
          : availability === 'pullable'
            ? `node image ${plan.image.reference} is not in Docker yet: kind pulls it (several hundred MB) from the registry`
            : `node image ${plan.image.reference} is not in Docker; kind will try to pull it`
      const cgroup = host.cgroupVersion === undefined ? 'cgroup version unknown' : `cgroup v${host.cgroupVersion}`
      return {
        notes: [
          `kind v${host.kindVersion} at ${host.kind}; Docker ${host.dockerServerVersion} (${cgroup})`,
          image,
          ...(plan.insecurePort ? [`insecure port: ${plan.insecurePort === 'real' ? 'the real one (Kubernetes 1.19)' : 'the kubectl proxy stand-in'}`] : []),
          ...warnings,
        ],
      }
    },

    async up(request: RuntimeUpRequest): Promise<RuntimeUpResult> {
      const started = Date.now()
      const progress = request.onProgress ?? (() => undefined)
      const elapsed = (): string => `${((Date.now() - started) / 1000).toFixed(1)} s`
      const host = await hostFacts(request.binDir)
      const plan = planKindLab(request.name, request.scenario, request.ports, options)
      const kubeconfig = path.join(request.labDir, KIND_KUBECONFIG)
      const listenAddress = plan.config.cluster.networking?.apiServerAddress ?? LOOPBACK
      await requirePortsFree([request.ports.apiserverSecure, ...plan.config.forwards.map((item) => item.hostPort)], listenAddress)
      request.signal?.throwIfAborted()

      await writeFile(path.join(request.labDir, 'kind-config.yaml'), plan.config.yaml)
      progress(`kind create cluster --name ${plan.names.cluster} (${plan.image.reference})`)
      try {
        await createCluster(cli(host), {
          cluster: plan.names.cluster,
          image: plan.image.reference,
          config: plan.config.yaml,
          kubeconfig,
          ...(request.signal ? {signal: request.signal} : {}),
          onStage: (stage) => {
            if (stage.state !== 'started') progress(`kind: ${stage.state === 'done' ? '✓' : '✗'} ${stage.stage} (${elapsed()})`)
          },
        })
        await writeFile(kubeconfig, loopbackKubeconfig(await getKubeconfig(cli(host), plan.names.cluster, request.signal)), {mode: 0o600})
        const admin = await apiClientFromKubeconfig(kubeconfig)
        await waitForReadyz(admin, readyTimeoutMs, request.signal)
        const readyMs = Date.now() - started
        progress(`kube-apiserver answers /readyz at ${admin.server} (${elapsed()})`)

        const node = nodeFor(plan.names.nodeContainer, {docker: host.docker, env: env()})
        for (const step of plan.config.postCreate) {
          request.signal?.throwIfAborted()
          await runStep(step, {node, admin, request, readyTimeoutMs})
          progress(`${describeStep(step).split(' (')[0]} (${elapsed()})`)
        }
        return {
          kubeconfig,
          notes: [
            `kind cluster ${plan.names.cluster}, node container ${plan.names.nodeContainer}, image ${plan.image.reference}`,
            ...(plan.image.kubernetesVersion !== request.scenario.kubernetesVersion
              ? [`Kubernetes ${plan.image.kubernetesVersion} (the scenario names ${request.scenario.kubernetesVersion}; kubelab pins kind's image of that line)`]
              : []),
            ...(plan.insecurePort && request.ports.apiserverInsecure !== undefined
              ? [`insecure port: ${describeInsecurePort(plan.insecurePort, plan.config.forwards.find((item) => item.name === 'apiserverInsecure')?.containerPort ?? 8080, request.ports.apiserverInsecure)}`]
              : []),
            ...plan.config.adjustments,
          ],
          timings: {readyMs, seededMs: Date.now() - started},
        }
      } catch (error) {
        progress(`deleting the half-made cluster ${plan.names.cluster}`)
        await deleteCluster(cli(host), plan.names.cluster, kubeconfig).catch(() => undefined)
        throw error
      }
    },

    async stop(labDir: string): Promise<void> {
      const names = kindNamesFor(path.basename(labDir))
      const host = await probeKindHost({env: env()}).catch((error: unknown) => {
        throw new KindPreflightError(`cannot delete kind cluster ${names.cluster}: ${error instanceof Error ? error.message : String(error)}`, 'Fix the above, then run `kubelab down` again.')
      })
      await deleteCluster(cli(host), names.cluster, path.join(labDir, KIND_KUBECONFIG))
    },

    kubeconfigPath(labDir: string): string {
      return path.join(labDir, KIND_KUBECONFIG)
    },
  }
}

/** kind writes the server as https://<apiServerAddress>:<port>; with --expose that is 0.0.0.0, which is no address to dial. kind's certificate names 127.0.0.1. */
export function loopbackKubeconfig(text: string): string {
  const document = parseDocument(text)
  const clusters = document.get('clusters')
  if (clusters && typeof clusters === 'object' && 'items' in clusters) {
    for (let index = 0; index < (clusters.items as unknown[]).length; index++) {
      const server = document.getIn(['clusters', index, 'cluster', 'server'])
      if (typeof server === 'string') document.setIn(['clusters', index, 'cluster', 'server'], server.replace(/^(https?:\/\/)0\.0\.0\.0:/, `$1${LOOPBACK}:`))
    }
  }
  return document.toString()
}

async function requirePortsFree(ports: readonly number[], host: string): Promise<void> {
  for (const port of ports) {
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer()
      server.once('error', () => resolve(false))
      server.listen({port, host, exclusive: true}, () => server.close(() => resolve(true)))
    })
    if (!free) throw new KindPreflightError(`port ${port} on ${host} is in use, and the lab's kind node needs it`, `Stop what listens there (\`ss -ltnp 'sport = :${port}'\`), or start the lab with --random-ports.`)
  }
}

async function waitForReadyz(admin: ApiClient, timeoutMs: number, signal: AbortSignal | undefined): Promise<void> {
  const deadline = Date.now() + timeoutMs
  let last = 'no answer yet'
  for (;;) {
    signal?.throwIfAborted()
    const answer = await httpProbe({url: `${admin.server}/readyz`, tls: admin.tls, headers: admin.headers, timeoutMs: 3000})
    if (answer.ok && answer.status === 200) return
    last = answer.ok ? `HTTP ${answer.status}` : answer.message
    if (Date.now() >= deadline) throw new KindNotReadyError(`${admin.server}/readyz`, timeoutMs, last)
    await sleep(POLL_MS, undefined, signal ? {signal} : {})
  }
}

interface StepContext {
  node: KindNode
  admin: ApiClient
  request: RuntimeUpRequest
  readyTimeoutMs: number
}

async function runStep(step: PostCreateStep, context: StepContext): Promise<void> {
  const {node, request} = context
  const fail = (reason: string): never => {
    throw new KindPostCreateError(describeStep(step), reason)
  }
  switch (step.action) {
    case 'remove-manifest-flags': {
      const text = (await node.readFile(step.nodePath)) ?? fail(`${step.nodePath} is not in the node`)
      const edited = removeManifestFlags(text, step.flags)
      if (edited.removed.length > 0) await node.writeFile(step.nodePath, edited.text)
      await waitForCommandLine(node, step.component, (line) => step.flags.every((flag) => !new RegExp(`(^| )--${flag}(=| |$)`).test(line)), context.readyTimeoutMs, request.signal)
      return
    }
    case 'remove-kubelet-settings': {
      const text = (await node.readFile(step.nodePath)) ?? fail(`${step.nodePath} is not in the node`)
      const edited = removeKubeletSettings(text, step.settings)
      if (edited.removed.length > 0) await node.writeFile(step.nodePath, edited.text)
      return
    }
    case 'restart-kubelet':
      await node.restartKubelet(request.signal ? {signal: request.signal} : {})
      return
    case 'write-static-pod':
      await node.writeFile(step.nodePath, step.text, {mode: 0o600})
      return
    case 'wait-for-api-server':
      await waitForReadyz(context.admin, context.readyTimeoutMs, request.signal)
      return
    case 'apply-objects':
      await seedObjects(context.admin, request.scenario)
      return
  }
}

/** Polls the node's processes until `component` runs with a command line that passes `accept`: the kubelet has restarted it from the edited manifest. */
async function waitForCommandLine(node: KindNode, component: string, accept: (line: string) => boolean, timeoutMs: number, signal: AbortSignal | undefined): Promise<void> {
  const deadline = Date.now() + timeoutMs
  let last = 'not running'
  for (;;) {
    signal?.throwIfAborted()
    const listing = await node.exec(['sh', '-c', PROCESS_LINES_SCRIPT], signal ? {signal} : {})
    const line = componentCommandLine(listing.stdout, component)
    if (line !== undefined && accept(line)) return
    last = line === undefined ? 'not running' : `still running as ${line.slice(0, 200)}`
    if (Date.now() >= deadline) throw new KindPostCreateError(`restart ${component} from its edited manifest`, `after ${timeoutMs} ms it is ${last}`)
    await sleep(POLL_MS, undefined, signal ? {signal} : {})
  }
}

export type {KindLabPlan}
