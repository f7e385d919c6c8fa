import {z} from 'zod'

/*
 * kind's cluster configuration, kind.x-k8s.io/v1alpha4, field for field from kind's
 * pkg/apis/config/v1alpha4/types.go. Every object is strict, so a typo ("rolle", "listenAdress")
 * fails here instead of being dropped by kind's YAML decoder.
 */

export const KIND_API_VERSION = 'kind.x-k8s.io/v1alpha4'

const port = z.number().int().min(-1).max(65535)

/** RFC 6902 patch with its target (group, version, kind); name and namespace are no longer read by kind. */
export const patchJson6902Schema = z.strictObject({
  group: z.string(),
  version: z.string(),
  kind: z.string(),
  patch: z.string(),
})

export const portMappingSchema = z.strictObject({
  containerPort: port.optional(),
  /** -1: let Docker pick. */
  hostPort: port.optional(),
  /** Where the host side listens; Docker's (and kind's) default is every interface. */
  listenAddress: z.string().optional(),
  protocol: z.enum(['TCP', 'UDP', 'SCTP']).optional(),
})

export const mountSchema = z.strictObject({
  containerPath: z.string().optional(),
  hostPath: z.string().optional(),
  readOnly: z.boolean().optional(),
  selinuxRelabel: z.boolean().optional(),
  propagation: z.enum(['None', 'HostToContainer', 'Bidirectional']).optional(),
})

export const nodeSchema = z.strictObject({
  role: z.enum(['control-plane', 'worker']).optional(),
  image: z.string().optional(),
  labels: z.record(z.string(), z.string()).optional(),
  extraMounts: z.array(mountSchema).optional(),
  extraPortMappings: z.array(portMappingSchema).optional(),
  gpus: z.string().optional(),
  kubeadmConfigPatches: z.array(z.string()).optional(),
  kubeadmConfigPatchesJSON6902: z.array(patchJson6902Schema).optional(),
})

export const networkingSchema = z.strictObject({
  ipFamily: z.enum(['ipv4', 'ipv6', 'dual']).optional(),
  apiServerPort: port.optional(),
  apiServerAddress: z.string().optional(),
  podSubnet: z.string().optional(),
  serviceSubnet: z.string().optional(),
  disableDefaultCNI: z.boolean().optional(),
  kubeProxyMode: z.enum(['iptables', 'ipvs', 'nftables', 'none']).optional(),
  dnsSearch: z.array(z.string()).optional(),
})

export const kindClusterSchema = z.strictObject({
  kind: z.literal('Cluster'),
  apiVersion: z.literal(KIND_API_VERSION),
  name: z.string().optional(),
  nodes: z.array(nodeSchema).optional(),
  networking: networkingSchema.optional(),
  featureGates: z.record(z.string(), z.boolean()).optional(),
  runtimeConfig: z.record(z.string(), z.string()).optional(),
  /** RFC 7386 merge patches as YAML strings; `kind` must match the target, `apiVersion` (when set) filters. */
  kubeadmConfigPatches: z.array(z.string()).optional(),
  kubeadmConfigPatchesJSON6902: z.array(patchJson6902Schema).optional(),
  containerdConfigPatches: z.array(z.string()).optional(),
  containerdConfigPatchesJSON6902: z.array(z.string()).optional(),
})

export type KindCluster = z.infer<typeof kindClusterSchema>
export type KindNodeConfig = z.infer<typeof nodeSchema>
export type KindPortMapping = z.infer<typeof portMappingSchema>
