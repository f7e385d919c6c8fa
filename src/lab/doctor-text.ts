import {Chalk} from 'chalk'
import type {DoctorReport, FindingStatus} from './doctor.js'

const LABEL_WIDTH = 7

/** `kubelab doctor`'s text: one line per finding, its fix under it, then whether the chosen runtime can run. */
export function formatDoctor(report: DoctorReport, options: {colour: boolean}): string {
  const style = new Chalk({level: options.colour ? 1 : 0})
  const label = (status: FindingStatus): string => {
    const text = status.toUpperCase().padEnd(LABEL_WIDTH)
    return status === 'ok' ? style.green(text) : status === 'warn' ? style.yellow(text) : style.red.bold(text)
  }
  const lines = [`kubelab doctor (runtime: ${report.runtime})`, '']
  for (const finding of report.findings) {
    const needed = finding.status === 'missing' && finding.neededBy.length > 0 ? ` (needed by ${finding.neededBy.join(', ')})` : ''
    lines.push(`  ${label(finding.status)}  ${finding.title}: ${finding.detail}${needed}`)
    if (finding.fix && finding.status !== 'ok') lines.push(`  ${' '.repeat(LABEL_WIDTH)}  ${style.dim('fix:')} ${finding.fix}`)
  }
  lines.push('')
  for (const readiness of report.runtimes) {
    lines.push(
      readiness.ready ? `${readiness.runtime}: ready` : `${readiness.runtime}: not ready, missing ${readiness.missing.join(', ')}`,
    )
  }
  const verdict = report.ready
    ? `Ready for ${report.runtime === 'auto' ? report.runtimes.filter((item) => item.ready).map((item) => item.runtime).join(' and ') : report.runtime}.`
    : `Not ready for ${report.runtime === 'auto' ? 'any runtime' : report.runtime}.`
  lines.push(report.ready ? style.green(verdict) : style.red.bold(verdict))
  return lines.join('\n') + '\n'
}
