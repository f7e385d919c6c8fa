import type {ChalkInstance} from 'chalk'
import type {SideVerdict, Status} from '../checks/model.js'
import {paint} from '../report/colour.js'
import {describeConfig, describeWire, printable} from '../report/evidence.js'
import type {CheckVerification, StepVerification} from './verify.js'
import {wrapLine} from './walkthrough/wrap.js'

export interface VerifyTextOptions {
  colour: boolean
  /** Wrap long lines to this many columns (a terminal); undefined leaves each line whole (scripts, grep). */
  width?: number
}

const INDENT = '  '
const DETAIL = INDENT + ' '.repeat(7)

/** `kubelab verify`: each check of the step, pass or fail, both sides, and what is still wrong. */
export function formatVerification(verification: StepVerification, options: VerifyTextOptions): string {
  const style = paint(options.colour)
  const {step} = verification
  const lines = [style.bold(`Step ${step.number} of ${step.total} · ${step.id} — ${step.title}`), '']
  for (const check of verification.checks) lines.push(...describeCheck(check, style, options.width), '')
  lines.push(...wrapLine(outcomeLine(verification, style), options.width))
  return `${lines.join('\n')}\n`
}

function describeCheck(check: CheckVerification, style: ChalkInstance, width: number | undefined): string[] {
  const {result} = check
  const lines = [...wrapLine(`${INDENT}${statusLabel(result.status, style)}  ${style.bold(result.id)} — ${result.title}`, width, DETAIL)]
  /** A detail line; `hang` more columns for its continuation lines. */
  const detail = (text: string, hang = 0): void => {
    for (const line of text.split('\n')) lines.push(...wrapLine(DETAIL + line, width, DETAIL + ' '.repeat(hang)))
  }
  detail(printable(result.summary))
  if (result.disagreement) detail(style.yellow(`! ${printable(result.disagreement)}`), 2)
  detail(`${style.dim('configuration:')} ${sideLabel(check.configSide, style)}`)
  for (const item of result.config) detail(`  ${itemMark(item.verdict, style)} ${describeConfig(item)}`, 7)
  if (result.config.length === 0) detail('  (nothing to read on this target)')
  detail(`${style.dim('wire:')} ${sideLabel(check.wireSide, style)}`)
  for (const item of result.wire) detail(`  ${itemMark(item.verdict, style)} ${describeWire(item)}`, 7)
  if (result.wire.length === 0) detail('  (nothing to probe on this target)')
  if (check.stillWrong.length > 0) {
    detail(style.bold('still wrong:'))
    for (const line of check.stillWrong) detail(`  - ${printable(line)}`, 4)
    detail(`${style.dim('fix:')} ${result.remediation}`, 5)
  }
  return lines
}

function outcomeLine(verification: StepVerification, style: ChalkInstance): string {
  const total = verification.checks.length
  const failing = verification.checks.filter((check) => check.result.status !== 'pass').length
  const attempt = verification.attempts > 0 ? ` (attempt ${verification.attempts})` : ''
  const {number} = verification.step
  if (verification.passed) return style.green.bold(`Step ${number} passes: ${total === 1 ? 'its check passes' : `all ${total} checks pass`}${attempt}.`)
  return style.red.bold(`Step ${number} does not pass yet: ${failing} of ${total} check${total === 1 ? '' : 's'} still fail${failing === 1 ? 's' : ''}${attempt}.`)
}

function statusLabel(status: Status, style: ChalkInstance): string {
  const label = status.toUpperCase().padEnd(5)
  if (status === 'pass') return style.green(label)
  if (status === 'skip') return style.dim(label)
  if (status === 'warn') return style.yellow.bold(label)
  return style.red.bold(label)
}

/** How a verdict reads: the word for a whole side, the mark before each item, and their colour. */
const VERDICT_TEXT: Readonly<Record<SideVerdict, {side: string; mark: string; colour: 'green' | 'red' | 'magenta' | 'dim'}>> = {
  pass: {side: 'hardened', mark: 'ok  ', colour: 'green'},
  fail: {side: 'weak', mark: 'WEAK', colour: 'red'},
  error: {side: 'could not be evaluated', mark: 'ERR ', colour: 'magenta'},
  unknown: {side: 'cannot tell', mark: '?   ', colour: 'dim'},
}

function sideLabel(side: SideVerdict, style: ChalkInstance): string {
  const text = VERDICT_TEXT[side]
  return style[text.colour](text.side)
}

function itemMark(verdict: SideVerdict, style: ChalkInstance): string {
  const text = VERDICT_TEXT[verdict]
  return style[text.colour](text.mark)
}
