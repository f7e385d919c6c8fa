import type {CisReference, ConfigEvidence, WireEvidence} from '../checks/model.js'

const EXCERPT_LIMIT = 120

/** Collapses whitespace (answers are often pretty-printed JSON) and shortens to `limit` characters. */
export function oneLine(text: string, limit = EXCERPT_LIMIT): string {
  const collapsed = text.replace(/\s+/g, ' ').trim()
  return collapsed.length > limit ? `${collapsed.slice(0, limit - 1)}…` : collapsed
}

/**
 * Shows control characters as \xNN. Evidence quotes what a server answered, and a hostile server could
 * otherwise send terminal escape sequences straight to the auditor's screen.
 */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g, (char) => `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`)
}

/** `--anonymous-auth=true (flag, /etc/kubernetes/manifests/kube-apiserver.yaml:17)` */
export function describeConfig(evidence: ConfigEvidence): string {
  const value = evidence.value === undefined ? `${evidence.setting} unset` : `${evidence.setting}=${evidence.value}`
  const where = evidence.file ? `, ${evidence.file}${evidence.line === undefined ? '' : `:${evidence.line}`}` : ''
  const note = evidence.note ? ` — ${evidence.note}` : ''
  return printable(`${value} (${evidence.source}${where})${note}`)
}

/** `GET https://127.0.0.1:10250/pods (no credentials) → 200 {"kind":"PodList"…` or `… → connection refused` */
export function describeWire(evidence: WireEvidence): string {
  const answer: string[] = []
  if (evidence.status !== undefined) answer.push(String(evidence.status))
  if (evidence.error) answer.push(evidence.error)
  if (evidence.bodyExcerpt) answer.push(oneLine(evidence.bodyExcerpt))
  const outcome = answer.length > 0 ? answer.join(' ') : 'no answer recorded'
  const tls = evidence.tls ? ` [${evidence.tls}]` : ''
  const note = evidence.note ? ` — ${evidence.note}` : ''
  return printable(`${evidence.request} → ${outcome}${tls}${note}`)
}

/** `cis-1.12 1.2.1 (Manual)` */
export function describeCis(reference: CisReference): string {
  return `${reference.benchmark} ${reference.id}${reference.manual ? ' (Manual)' : ''}`
}

/** All evidence of a result as plain lines, config first; used in JUnit bodies and SARIF messages. */
export function evidenceLines(result: {config: readonly ConfigEvidence[]; wire: readonly WireEvidence[]}): string[] {
  return [...result.config.map((item) => `config: ${describeConfig(item)}`), ...result.wire.map((item) => `wire: ${describeWire(item)}`)]
}
