import type {Location, Log, ReportingDescriptor, Result} from 'sarif'
import type {AuditReport} from '../checks/evaluate.js'
import type {CheckResult, Severity} from '../checks/model.js'
import {describeCis, evidenceLines} from './evidence.js'

export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json'

export interface SarifOptions {
  /** kubelab's own version, shown as the tool's version. */
  toolVersion?: string
}

/**
 * GitHub code scanning ranks alerts by `security-severity` (a number as a string):
 * 9.0+ critical, 7.0–8.9 high, 4.0–6.9 medium, below 4.0 low.
 */
const SECURITY_SEVERITY: Record<Severity, string> = {critical: '9.5', high: '8.0', medium: '5.5', low: '3.0'}

/** SARIF 2.1.0: every audited check is a rule; failed, warned and errored checks are results. */
export function toSarif(report: AuditReport, options: SarifOptions = {}): Log {
  const rules = report.results.map(rule)
  const results = report.results
    .map((result, ruleIndex) => ({result, ruleIndex}))
    .filter(({result}) => result.status === 'fail' || result.status === 'warn' || result.status === 'error')
    .map(({result, ruleIndex}) => finding(result, ruleIndex))
  return {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {name: 'kubelab', ...(options.toolVersion ? {version: options.toolVersion} : {}), rules},
        },
        invocations: [
          {
            executionSuccessful: true,
            startTimeUtc: report.startedAt,
            endTimeUtc: new Date(Date.parse(report.startedAt) + report.durationMs).toISOString(),
          },
        ],
        properties: {target: report.target},
        results,
      },
    ],
  }
}

export function formatSarif(report: AuditReport, options: SarifOptions = {}): string {
  return JSON.stringify(toSarif(report, options), null, 2) + '\n'
}

function rule(result: CheckResult): ReportingDescriptor {
  return {
    id: result.id,
    shortDescription: {text: result.title},
    help: {text: result.remediation},
    properties: {
      tags: ['security', 'kubernetes', result.component],
      component: result.component,
      severity: result.severity,
      'security-severity': SECURITY_SEVERITY[result.severity],
      cis: result.cis.map(describeCis),
      kubeHunter: result.kubeHunter,
      kubescape: result.kubescape,
    },
  }
}

function finding(result: CheckResult, ruleIndex: number): Result {
  const text = [result.summary, ...(result.disagreement ? [result.disagreement] : []), ...evidenceLines(result)].join('\n')
  return {
    ruleId: result.id,
    ruleIndex,
    level: result.status === 'fail' ? 'error' : result.status === 'warn' ? 'warning' : 'note',
    kind: result.status === 'error' ? 'review' : 'fail',
    message: {text},
    locations: locations(result),
    properties: {status: result.status},
  }
}

/** The configuration files that showed the problem (file and line), else the component as a logical location. */
function locations(result: CheckResult): Location[] {
  const withFile = result.config.filter((item) => item.file !== undefined)
  const failing = withFile.filter((item) => item.verdict === 'fail')
  const chosen = failing.length > 0 ? failing : withFile
  const physical = chosen.map(
    (item): Location => ({
      physicalLocation: {
        artifactLocation: {uri: encodeURI(item.file ?? '')},
        ...(item.line !== undefined && item.line >= 1 ? {region: {startLine: item.line}} : {}),
      },
    }),
  )
  if (physical.length > 0) return dedupe(physical)
  return [{logicalLocations: [{name: result.component, kind: 'module'}]}]
}

function dedupe(found: Location[]): Location[] {
  const seen = new Set<string>()
  return found.filter((location) => {
    const key = JSON.stringify(location)
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}
