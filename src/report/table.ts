import type {ChalkInstance} from 'chalk'
import type {AuditReport} from '../checks/evaluate.js'
import {COMPONENTS, type CheckResult, type Status} from '../checks/model.js'
import {paint} from './colour.js'
import {describeCis, describeConfig, describeWire, printable} from './evidence.js'

export interface TableOptions {
  /** Decide with `colourEnabled`; false gives plain, deterministic text. */
  colour: boolean
}

const STATUS_ORDER: readonly Status[] = ['fail', 'warn', 'error', 'pass', 'skip']
const LABEL_WIDTH = 5
const INDENT = '  '
const DETAIL_INDENT = INDENT + ' '.repeat(LABEL_WIDTH + 2)
/** Width of "config: ", the longest evidence label. */
const LABEL_COLUMN = 8

/** The human-readable audit: checks grouped by component, each with its evidence, then the totals. */
export function formatTable(report: AuditReport, options: TableOptions): string {
  const style = paint(options.colour)
  const lines: string[] = [...header(report), '']
  for (const component of COMPONENTS) {
    const results = report.results.filter((result) => result.component === component)
    if (results.length === 0) continue
    lines.push(style.bold(component))
    for (const result of results) lines.push(...describeResult(result, style))
    lines.push('')
  }
  if (report.results.length === 0) lines.push('No checks were selected.', '')
  lines.push(totals(report, style))
  return lines.join('\n') + '\n'
}

function header(report: AuditReport): string[] {
  const about = [report.target.host, report.target.node, report.target.kubeconfig && `kubeconfig ${report.target.kubeconfig}`]
  const count = report.results.length
  return [
    `kubelab audit of ${about.filter(Boolean).join(' · ')}`,
    `started ${report.startedAt}, ${count} check${count === 1 ? '' : 's'} in ${report.durationMs} ms`,
  ]
}

function describeResult(result: CheckResult, style: ChalkInstance): string[] {
  const lines = [`${INDENT}${statusLabel(result.status, style)}  ${style.bold(result.id)} (${result.severity}) — ${result.title}`]
  const detail = (text: string): void => {
    lines.push(...text.split('\n').map((line) => DETAIL_INDENT + line))
  }
  const labelled = (label: string, text: string): void => {
    const [first = '', ...rest] = text.split('\n')
    const pad = ' '.repeat(LABEL_COLUMN)
    lines.push(`${DETAIL_INDENT}${style.dim(`${label}:`.padEnd(LABEL_COLUMN))}${first}`, ...rest.map((line) => DETAIL_INDENT + pad + line))
  }

  detail(printable(result.summary))
  if (result.disagreement) detail(style.yellow(`! ${printable(result.disagreement)}`))
  for (const item of result.config) labelled('config', describeConfig(item))
  for (const item of result.wire) labelled('wire', describeWire(item))
  if (result.status === 'fail' || result.status === 'warn') labelled('fix', result.remediation)
  if (result.cis.length > 0) labelled('CIS', result.cis.map(describeCis).join(', '))
  return lines
}

function statusLabel(status: Status, style: ChalkInstance): string {
  const label = status.toUpperCase().padEnd(LABEL_WIDTH)
  switch (status) {
    case 'fail':
      return style.red.bold(label)
    case 'warn':
      return style.yellow.bold(label)
    case 'error':
      return style.magenta.bold(label)
    case 'pass':
      return style.green(label)
    case 'skip':
      return style.dim(label)
  }
}

function totals(report: AuditReport, style: ChalkInstance): string {
  const parts = STATUS_ORDER.map((status) => {
    const text = `${report.counts[status]} ${status}`
    return report.counts[status] > 0 && (status === 'fail' || status === 'error') ? style.bold(text) : text
  })
  const count = report.results.length
  return `Totals: ${parts.join(', ')} (${count} check${count === 1 ? '' : 's'})`
}
