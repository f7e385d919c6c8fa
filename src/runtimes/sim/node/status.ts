import {z} from 'zod'

/** One static pod as the sim kubelet last saw it; written to run/status.json on every change. */
export const componentStatusSchema = z.object({
  /** The static pod's name without the node suffix: etcd, kube-apiserver, ... */
  name: z.string(),
  /** Node path of its manifest. */
  manifest: z.string(),
  /** starting: launched, not yet serving; running; crashloop: exited and waiting for the back-off; failed-manifest: the manifest does not parse (the last good process, if any, keeps running). */
  state: z.enum(['starting', 'running', 'crashloop', 'failed-manifest', 'stopped']),
  pid: z.number().int().optional(),
  /** The exact command line started (after node paths were translated). */
  argv: z.array(z.string()).optional(),
  restarts: z.number().int(),
  startedAt: z.string().optional(),
  /** e.g. "exit code 1", "killed by SIGKILL", "manifest changed" */
  lastExit: z.string().optional(),
  /** Human-readable problem, with file and line for manifest errors. */
  message: z.string().optional(),
  /** sha256 of the manifest text the running process was started from. */
  manifestHash: z.string().optional(),
})

export const kubeletStatusSchema = z.object({
  state: z.enum(['starting', 'running', 'failed', 'stopped']),
  pid: z.number().int().optional(),
  message: z.string().optional(),
})

export const nodeStatusSchema = z.object({
  updatedAt: z.string(),
  kubelet: kubeletStatusSchema,
  components: z.array(componentStatusSchema),
})

export type ComponentStatus = z.infer<typeof componentStatusSchema>
export type KubeletStatus = z.infer<typeof kubeletStatusSchema>
export type NodeStatus = z.infer<typeof nodeStatusSchema>
