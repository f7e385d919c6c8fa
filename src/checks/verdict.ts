import type {CheckOutcome, ConfigEvidence, SideVerdict, Status, WireEvidence} from './model.js'

export interface Verdict {
  status: Status
  summary: string
  disagreement?: string
}

/** One side's verdict: any fail wins, then error, then pass; unknown only when nothing else was said. */
export function sideVerdict(evidence: ReadonlyArray<ConfigEvidence | WireEvidence>): SideVerdict {
  const verdicts = new Set(evidence.map((item) => item.verdict))
  if (verdicts.has('fail')) return 'fail'
  if (verdicts.has('error')) return 'error'
  if (verdicts.has('pass')) return 'pass'
  return 'unknown'
}

/**
 * Combines the configuration side and the wire side into one status.
 * A weakness on either side fails the check; when the sides disagree the result says which side
 * is behind, because that is what a learner needs to do next (restart, or fix the file).
 */
export function combineSides(outcome: CheckOutcome): Verdict {
  const verdict = genericVerdict(outcome)
  const decided = verdict.status !== 'error' && verdict.status !== 'skip'
  return {
    ...verdict,
    ...(decided && outcome.summary ? {summary: outcome.summary} : {}),
    ...(verdict.disagreement && outcome.disagreement ? {disagreement: outcome.disagreement} : {}),
  }
}

function genericVerdict(outcome: CheckOutcome): Verdict {
  if (outcome.skipReason) return {status: 'skip', summary: outcome.skipReason}
  const config = sideVerdict(outcome.config)
  const wire = sideVerdict(outcome.wire)
  const failStatus: Status = outcome.failIsWarn ? 'warn' : 'fail'

  if (config === 'pass' && wire === 'fail') {
    return {
      status: failStatus,
      summary: 'Still open on the wire.',
      disagreement:
        'Fixed in the configuration, still open on the wire: the component has not restarted with the new settings, or another process answers on its port.',
    }
  }
  if (config === 'fail' && wire === 'pass') {
    return {
      status: failStatus,
      summary: 'Weak in the configuration.',
      disagreement:
        'Weak in the configuration, closed on the wire: the running component does not use these settings yet (not restarted, or not running); it will be open once it does.',
    }
  }
  if (config === 'fail' || wire === 'fail') {
    const sides = config === 'fail' && wire === 'fail' ? 'configuration and wire' : config === 'fail' ? 'configuration' : 'wire'
    return {status: failStatus, summary: `Weak: the ${sides} show${sides === 'wire' || sides === 'configuration' ? 's' : ''} the problem.`}
  }
  if (config === 'error' || wire === 'error') {
    const reasons = [...outcome.config, ...outcome.wire]
      .filter((item) => item.verdict === 'error')
      .map((item) => ('error' in item && item.error) || item.note || ('request' in item ? item.request : item.setting))
    return {status: 'error', summary: `Could not evaluate: ${reasons.join('; ')}`}
  }
  if (config === 'pass' || wire === 'pass') {
    const sides = config === 'pass' && wire === 'pass' ? 'configuration and wire agree' : config === 'pass' ? 'configuration (wire not observable)' : 'wire (configuration not readable)'
    return {status: 'pass', summary: `Hardened: ${sides}.`}
  }
  return {status: 'skip', summary: 'Neither the configuration nor the wire could be observed on this target.'}
}
