import type {CheckContext} from './context.js'

export type Component = 'apiserver' | 'kubelet' | 'etcd' | 'rbac'
export const COMPONENTS: readonly Component[] = ['apiserver', 'kubelet', 'etcd', 'rbac']

export type Status = 'pass' | 'fail' | 'warn' | 'skip' | 'error'
export type Severity = 'critical' | 'high' | 'medium' | 'low'

/** A CIS Kubernetes Benchmark control, as kube-bench's cfg/<benchmark>/*.yaml names it. */
export interface CisReference {
  benchmark: 'cis-1.12' | 'cis-1.20'
  id: string
  title: string
  /** Manual controls only ever WARN in kube-bench. */
  manual?: boolean
}

import type {SettingSource} from '../node-config/types.js'

export type {SettingSource}

/** What the configuration says about one setting. */
export interface ConfigEvidence {
  /** e.g. "--anonymous-auth" or "authentication.anonymous.enabled" */
  setting: string
  /** Effective value as the component would use it; undefined when unset with no default. */
  value: string | undefined
  source: SettingSource
  /** Node path of the file that said it, e.g. /etc/kubernetes/manifests/kube-apiserver.yaml */
  file?: string
  line?: number
  /** What this setting means for the check. */
  verdict: SideVerdict
  note?: string
}

/** What an attacker sees: one request and its answer. */
export interface WireEvidence {
  /** e.g. "GET https://127.0.0.1:10250/pods (no credentials)" */
  request: string
  status?: number
  /** At most ~200 characters of the answer body. */
  bodyExcerpt?: string
  /** e.g. "TLSv1.3, server certificate self-signed" or "rejected: certificate required" */
  tls?: string
  /** Transport-level outcome when there was no HTTP answer: refused, timeout, reset, garbage... */
  error?: string
  verdict: SideVerdict
  note?: string
}

/**
 * pass: this side shows the hardened state; fail: it shows the weakness;
 * unknown: this side cannot tell (not observable, not reachable with what we have);
 * error: the side could not be evaluated (probe timed out, server answered garbage, unreadable file).
 */
export type SideVerdict = 'pass' | 'fail' | 'unknown' | 'error'

/** What a check's evaluate() returns; the evaluator turns it into a CheckResult. */
export interface CheckOutcome {
  config: ConfigEvidence[]
  wire: WireEvidence[]
  /** Set when the check has no way to evaluate on this target at all. */
  skipReason?: string
  /** Downgrades a fail to warn (kube-bench's Manual controls, or documented-acceptable states). */
  failIsWarn?: boolean
  /** A check-specific sentence that replaces the generic summary, e.g. "Anonymous users can list pods on the kubelet." */
  summary?: string
  /** Replaces the generic "not restarted" sentence when the sides disagree for another reason (e.g. file permissions). */
  disagreement?: string
}

export interface CheckDefinition {
  /** Stable, user-facing id, e.g. "kubelet-anonymous-auth". */
  id: string
  title: string
  component: Component
  severity: Severity
  cis: CisReference[]
  kubeHunter: string[]
  kubescape: string[]
  /** What to change, in kubelab's words. */
  remediation: string
  evaluate(ctx: CheckContext): Promise<CheckOutcome>
}

export interface CheckResult {
  id: string
  title: string
  component: Component
  severity: Severity
  status: Status
  /** One plain sentence saying why the status is what it is. */
  summary: string
  /** Present when the configuration and the wire disagree, said plainly. */
  disagreement?: string
  config: ConfigEvidence[]
  wire: WireEvidence[]
  remediation: string
  cis: CisReference[]
  kubeHunter: string[]
  kubescape: string[]
  durationMs: number
}
