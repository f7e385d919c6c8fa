import type {AuditReport} from '../checks/evaluate.js'
import type {CheckResult, CisReference, ConfigEvidence, Status, WireEvidence} from '../checks/model.js'

/** Bumped when a field is removed or changes meaning; adding a field keeps the version. */
export const JSON_SCHEMA_VERSION = 1

/**
 * The document `kubelab audit --json` prints. Keys always come in this order; optional keys are left out when unset.
 *
 * {
 *   "schemaVersion": 1,
 *   "target": {"host": "127.0.0.1", "node"?: "node root /tmp/lab/node", "kubeconfig"?: "/path/admin.conf"},
 *   "startedAt": "2026-05-01T10:00:00.000Z",          // ISO 8601, UTC
 *   "durationMs": 412,
 *   "counts": {"pass": 3, "fail": 1, "warn": 0, "skip": 1, "error": 0},
 *   "results": [{                                      // in catalogue order
 *     "id", "title", "component", "severity", "status", "summary", "disagreement"?,
 *     "config": [{"setting", "value"?, "source", "file"?, "line"?, "verdict", "note"?}],
 *     "wire": [{"request", "status"?, "bodyExcerpt"?, "tls"?, "error"?, "verdict", "note"?}],
 *     "remediation", "cis": [{"benchmark", "id", "title", "manual"?}], "kubeHunter": [], "kubescape": [], "durationMs"
 *   }]
 * }
 */
export interface AuditJson {
  schemaVersion: typeof JSON_SCHEMA_VERSION
  target: AuditReport['target']
  startedAt: string
  durationMs: number
  counts: Record<Status, number>
  results: CheckResult[]
}

export function toAuditJson(report: AuditReport): AuditJson {
  return {
    schemaVersion: JSON_SCHEMA_VERSION,
    target: withoutUndefined({host: report.target.host, node: report.target.node, kubeconfig: report.target.kubeconfig}),
    startedAt: report.startedAt,
    durationMs: report.durationMs,
    counts: {
      pass: report.counts.pass,
      fail: report.counts.fail,
      warn: report.counts.warn,
      skip: report.counts.skip,
      error: report.counts.error,
    },
    results: report.results.map(orderResult),
  }
}

export function formatJson(report: AuditReport): string {
  return JSON.stringify(toAuditJson(report), null, 2) + '\n'
}

function orderResult(result: CheckResult): CheckResult {
  return withoutUndefined({
    id: result.id,
    title: result.title,
    component: result.component,
    severity: result.severity,
    status: result.status,
    summary: result.summary,
    disagreement: result.disagreement,
    config: result.config.map(orderConfig),
    wire: result.wire.map(orderWire),
    remediation: result.remediation,
    cis: result.cis.map(orderCis),
    kubeHunter: [...result.kubeHunter],
    kubescape: [...result.kubescape],
    durationMs: result.durationMs,
  })
}

function orderConfig(evidence: ConfigEvidence): ConfigEvidence {
  return withoutUndefined({
    setting: evidence.setting,
    value: evidence.value,
    source: evidence.source,
    file: evidence.file,
    line: evidence.line,
    verdict: evidence.verdict,
    note: evidence.note,
  })
}

function orderWire(evidence: WireEvidence): WireEvidence {
  return withoutUndefined({
    request: evidence.request,
    status: evidence.status,
    bodyExcerpt: evidence.bodyExcerpt,
    tls: evidence.tls,
    error: evidence.error,
    verdict: evidence.verdict,
    note: evidence.note,
  })
}

function orderCis(reference: CisReference): CisReference {
  return withoutUndefined({benchmark: reference.benchmark, id: reference.id, title: reference.title, manual: reference.manual})
}

/** Drops keys whose value is undefined, so the printed document and the object compare equal. */
function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as T
}
