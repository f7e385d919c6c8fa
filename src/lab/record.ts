import {readFile, rename, writeFile} from 'node:fs/promises'
import path from 'node:path'
import {z} from 'zod'
import {RUNTIME_NAMES} from '../runtimes/types.js'
import {LabRecordError} from './errors.js'

export const LAB_RECORD_FILE = 'lab.json'

const port = z.number().int().min(1).max(65535)

export const labPortsSchema = z.object({
  apiserverSecure: port,
  apiserverInsecure: port.optional(),
  etcdClient: port,
  etcdPeer: port,
  etcdMetrics: port,
  kubelet: port,
  kubeletReadOnly: port.optional(),
  controllerManagerSecure: port,
  schedulerSecure: port,
})

/** What a kind lab is made of, for `down`, the node commands and the lesson. */
export const kindLabSchema = z.object({
  /** `kubelab-<lab name>` */
  cluster: z.string(),
  /** `kubelab-<lab name>-control-plane` */
  nodeContainer: z.string(),
  /** `kindest/node:v…@sha256:…` */
  nodeImage: z.string(),
  /** Only when the scenario opens the insecure port: kube-apiserver's own (1.19) or the kubectl proxy stand-in. */
  insecurePort: z.enum(['real', 'proxy-stand-in']).optional(),
  /** `up --expose`: the host ports listen on every interface, not 127.0.0.1. */
  exposed: z.boolean(),
})

/** labs/<name>/lab.json: what `kubelab up` made, read by every other lab command. */
export const labRecordSchema = z.object({
  name: z.string(),
  /** Scenario id. */
  scenario: z.string(),
  scenarioTitle: z.string().optional(),
  runtime: z.enum(RUNTIME_NAMES as [string, ...string[]]),
  kubernetesVersion: z.string(),
  ports: labPortsSchema,
  binDir: z.string().optional(),
  createdAt: z.string(),
  readyAt: z.string().optional(),
  /** creating: `up` is still at work (or was killed); failed: `up` gave up and is cleaning up. */
  state: z.enum(['creating', 'ready', 'failed']),
  message: z.string().optional(),
  /** The admin kubeconfig on this machine. */
  kubeconfig: z.string(),
  /** The `kubelab up` process that is creating the lab. */
  upPid: z.number().int().optional(),
  timings: z.object({readyMs: z.number(), seededMs: z.number()}).optional(),
  /** kind labs only. */
  kind: kindLabSchema.optional(),
})

export type LabRecord = z.infer<typeof labRecordSchema>
export type KindLabRecord = z.infer<typeof kindLabSchema>

export function labRecordFile(labDir: string): string {
  return path.join(labDir, LAB_RECORD_FILE)
}

export async function readLabRecord(labDir: string): Promise<LabRecord> {
  const file = labRecordFile(labDir)
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    throw new LabRecordError(file, `cannot read it (${(error as NodeJS.ErrnoException).code ?? String(error)})`)
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    throw new LabRecordError(file, 'it is not JSON')
  }
  const result = labRecordSchema.safeParse(parsed)
  if (!result.success) {
    const issue = result.error.issues[0]
    throw new LabRecordError(file, `${issue?.path.join('.') || 'document'}: ${issue?.message ?? 'invalid'}`)
  }
  return result.data
}

/** Written to a temp file and renamed, so a reader never sees half a record. */
export async function writeLabRecord(labDir: string, record: LabRecord): Promise<void> {
  const file = labRecordFile(labDir)
  const temporary = `${file}.${process.pid}.tmp`
  await writeFile(temporary, `${JSON.stringify(labRecordSchema.parse(record), null, 2)}\n`)
  await rename(temporary, file)
}
