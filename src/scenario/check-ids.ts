/** The audit catalogue's user-facing check ids; scenario steps name the checks that must pass. */
export const CHECK_IDS = [
  'api-insecure-port',
  'api-anonymous-auth',
  'api-authorization-mode',
  'api-anonymous-rbac',
  'api-kubelet-tls',
  'api-etcd-tls',
  'api-profiling',
  'kubelet-anonymous-auth',
  'kubelet-authorization-mode',
  'kubelet-client-ca',
  'kubelet-read-only-port',
  'kubelet-exec-unauthenticated',
  'etcd-client-tls',
  'etcd-client-cert-auth',
  'etcd-auto-tls',
  'etcd-peer-tls',
  'etcd-peer-client-cert-auth',
  'etcd-peer-auto-tls',
  'etcd-unique-ca',
  'etcd-data-exposed',
  'rbac-least-privilege',
] as const

export type CheckId = (typeof CHECK_IDS)[number]

const KNOWN: ReadonlySet<string> = new Set(CHECK_IDS)

export function isCheckId(value: string): value is CheckId {
  return KNOWN.has(value)
}
