import {describe, expect, it} from '@jest/globals'
import {createCheckContext} from '../../src/checks/context.js'
import type {CheckOutcome, ConfigEvidence, SideVerdict, WireEvidence} from '../../src/checks/model.js'
import {combineSides} from '../../src/checks/verdict.js'
import {DEFAULT_PORTS} from '../../src/target/types.js'

const config = (verdict: SideVerdict): ConfigEvidence => ({setting: '--anonymous-auth', value: 'true', source: 'flag', verdict})
const wire = (verdict: SideVerdict, error?: string): WireEvidence => ({request: 'GET https://127.0.0.1:10250/pods', verdict, ...(error ? {error} : {})})
const outcome = (c: SideVerdict[], w: SideVerdict[], extra: Partial<CheckOutcome> = {}): CheckOutcome => ({config: c.map(config), wire: w.map((v) => wire(v, v === 'error' ? 'no answer within 300 ms' : undefined)), ...extra})

describe('combineSides', () => {
  it('passes only when nothing fails', () => {
    expect(combineSides(outcome(['pass'], ['pass'])).status).toBe('pass')
    expect(combineSides(outcome(['pass'], ['unknown'])).status).toBe('pass')
    expect(combineSides(outcome(['pass', 'fail'], ['pass'])).status).toBe('fail')
  })

  it('says plainly when the file is fixed but the wire is still open', () => {
    const verdict = combineSides(outcome(['pass'], ['fail']))
    expect(verdict.status).toBe('fail')
    expect(verdict.disagreement).toMatch(/^Fixed in the configuration, still open on the wire: the component has not restarted/)
  })

  it('says plainly when the file is weak but the wire is closed', () => {
    const verdict = combineSides(outcome(['fail'], ['pass']))
    expect(verdict.status).toBe('fail')
    expect(verdict.disagreement).toMatch(/^Weak in the configuration, closed on the wire/)
  })

  it('reports a probe error with its reason unless a side already proves the weakness', () => {
    expect(combineSides(outcome(['unknown'], ['error']))).toEqual({status: 'error', summary: 'Could not evaluate: no answer within 300 ms'})
    expect(combineSides(outcome(['fail'], ['error'])).status).toBe('fail')
  })

  it('skips when neither side can be observed, and honours skipReason and failIsWarn', () => {
    expect(combineSides(outcome(['unknown'], ['unknown'])).status).toBe('skip')
    expect(combineSides(outcome([], [], {skipReason: 'needs a kubeconfig'}))).toEqual({status: 'skip', summary: 'needs a kubeconfig'})
    expect(combineSides(outcome(['fail'], ['fail'], {failIsWarn: true})).status).toBe('warn')
  })

  it('uses the check-specific summary for decided results', () => {
    expect(combineSides(outcome(['fail'], ['fail'], {summary: 'Anyone can list pods.'})).summary).toBe('Anyone can list pods.')
  })
})

describe('CheckContext.once', () => {
  it('runs a shared read once, even for concurrent callers', async () => {
    const ctx = createCheckContext({endpoints: {host: '127.0.0.1', ports: {...DEFAULT_PORTS}}, timeoutMs: 100})
    let calls = 0
    const produce = async (): Promise<number> => {
      calls += 1
      await new Promise((resolve) => setTimeout(resolve, 10))
      return 42
    }
    const values = await Promise.all([ctx.once('k', produce), ctx.once('k', produce), ctx.once('other', produce)])
    expect(values).toEqual([42, 42, 42])
    expect(calls).toBe(2)
  })
})

describe('combineSides disagreement override', () => {
  it('uses the check-specific disagreement only when the sides really disagree', () => {
    const own = 'The data folder is readable by other users, but etcd refuses unauthenticated clients.'
    expect(combineSides(outcome(['fail'], ['pass'], {disagreement: own})).disagreement).toBe(own)
    expect(combineSides(outcome(['fail'], ['fail'], {disagreement: own})).disagreement).toBeUndefined()
  })
})
