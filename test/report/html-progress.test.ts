import path from 'node:path'
import {describe, expect, it} from '@jest/globals'
import {XMLParser, XMLValidator} from 'fast-xml-parser'
import type {Progress} from '../../src/lab/progress.js'
import {progressView} from '../../src/lab/progress-text.js'
import {formatProgressHtml, type ProgressReport} from '../../src/report/html/progress.js'
import {formatProgressJunit} from '../../src/report/progress-junit.js'
import {loadScenario} from '../../src/scenario/load.js'
import {textOf} from './html-support.js'

/*
 * Progress reports for instructors: built from the same view `kubelab progress --json` prints, for a
 * learner who passed step 1 with a hint, solved step 2 with the reference solution, started step 3,
 * and has not seen steps 4 and 5.
 */
const PROJECT_ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..')

const PROGRESS: Progress = {
  version: 1,
  lab: 'alice',
  scenario: 'all-open',
  createdAt: '2026-05-01T09:00:00.000Z',
  updatedAt: '2026-05-01T10:00:00.000Z',
  steps: {
    'close-insecure-port': {
      status: 'passed',
      attempts: 2,
      hints: [{index: 0, cost: 20, at: '2026-05-01T09:03:00.000Z'}],
      quizzes: [{index: 0, choice: 2, correct: true, at: '2026-05-01T09:06:00.000Z'}],
      solutionUsed: false,
      startedAt: '2026-05-01T09:00:00.000Z',
      finishedAt: '2026-05-01T09:04:05.000Z',
      lastVerify: {at: '2026-05-01T09:04:05.000Z', passed: true},
    },
    'authorize-api-requests': {
      status: 'solved-with-solution',
      attempts: 1,
      hints: [],
      quizzes: [],
      solutionUsed: true,
      startedAt: '2026-05-01T09:10:00.000Z',
      finishedAt: '2026-05-01T09:12:00.000Z',
    },
    'lock-the-kubelet': {status: 'not-started', attempts: 1, hints: [], quizzes: [], solutionUsed: false, startedAt: '2026-05-01T09:20:00.000Z'},
  },
}

async function view(): Promise<ProgressReport> {
  const scenario = await loadScenario(path.join(PROJECT_ROOT, 'scenarios', 'all-open.yaml'))
  return progressView(scenario, PROGRESS, {'close-insecure-port': {hints: 2, quizzes: 1}})
}

describe('formatProgressHtml', () => {
  it('shows per step whether it is done, the hints used, the verify runs and the time taken', async () => {
    const html = formatProgressHtml(await view(), {kubelabVersion: '0.1.0', generatedAt: '2026-05-01T10:00:05.000Z'})
    expect(html).not.toMatch(/<script\b|<link\b|<img\b/i)
    const rows = [...html.matchAll(/<tr id="step-[^"]+">([\s\S]*?)<\/tr>/g)].map((match) => textOf(match[1] ?? ''))
    expect(rows).toEqual([
      "1. Close the API server's plain-HTTP port close-insecure-port ✔ DONE 2 1 of 2 (−20 points) 1 of 1 right 4 min 05 s 90",
      '2. Make the API server authorize every request authorize-api-requests ! SOLVED WITH SOLUTION 1 0 – 2 min 00 s 0',
      '3. Require authentication and authorization on the kubelet lock-the-kubelet – TO DO → NEXT 1 0 – started, not finished 0',
      '4. Serve etcd over TLS to clients with certificates only encrypt-etcd – TO DO 0 0 – – 0',
      '5. Give the ingress controller only what it needs least-privilege-ingress – TO DO 0 0 – – 0',
    ])
    const text = textOf(html)
    expect(text).toContain('2 of 5 steps done; next: step 3 (lock-the-kubelet) (score 90 of 510).')
    expect(text).toContain('Hints used 1 (−20 points)')
    expect(text).toContain('Time taken 6 min 05 s on the steps done')
    expect(text).toContain('Steps done 2 of 5 (1 with the reference solution)')
  })
})

describe('formatProgressJunit', () => {
  it('has one test case per step; the steps still to do fail', async () => {
    const xml = formatProgressJunit(await view(), {generatedAt: '2026-05-01T10:00:05.000Z'})
    expect(XMLValidator.validate(xml)).toBe(true)
    const parsed = new XMLParser({ignoreAttributes: false, attributeNamePrefix: '@_', parseAttributeValue: true, isArray: (tag) => tag === 'testsuite' || tag === 'testcase'}).parse(xml) as {
      testsuites: {'@_tests': number; '@_failures': number; testsuite: Array<{testcase: Array<{'@_name': string; '@_time': number; failure?: {'@_message': string; '#text': string}; 'system-out'?: string}>}>}
    }
    expect(parsed.testsuites).toMatchObject({'@_tests': 5, '@_failures': 3})
    const cases = parsed.testsuites.testsuite[0]?.testcase ?? []
    expect(cases.map((testcase) => [testcase['@_name'].split(' – ')[0], testcase.failure?.['@_message'] ?? 'ok', testcase['@_time']])).toEqual([
      ['1. close-insecure-port', 'ok', 245],
      ['2. authorize-api-requests', 'ok', 120],
      ['3. lock-the-kubelet', 'not done yet', 0],
      ['4. encrypt-etcd', 'not done yet', 0],
      ['5. least-privilege-ingress', 'not done yet', 0],
    ])
    expect(cases[0]?.['system-out']).toBe('passed\nhints used: 1 of 2 (−20 points)\nverify runs: 2\ntime taken: 4 min 05 s\npoints: 90')
    expect(cases[1]?.['system-out']).toContain('solved with the reference solution (scores 0)')
    expect(cases[2]?.failure?.['#text']).toContain('time taken: started, not finished')
  })
})
