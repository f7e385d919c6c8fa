import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from '@jest/globals'
import {formatHtmlReport} from '../../src/report/html/audit.js'
import {chromiumBinary, HOSTILE_RESULT, htmlChecks, renderInChromium, textOf, type RenderedPage} from './html-support.js'
import {MIXED_REPORT, report} from './sample-report.js'

/*
 * The HTML report as a browser shows it: Debian's chromium renders it headless, takes a screenshot
 * and dumps the DOM it built. One check carries a <script> (and an <img> with onerror) in its
 * evidence, as a hostile server could answer: it must arrive as text, not as elements.
 */
const REPORT = report([...MIXED_REPORT.results, HOSTILE_RESULT])
const TITLE = 'kubelab audit: lab all-open'
let chromium: string | undefined
let scratch: string
let page: RenderedPage | undefined

beforeAll(async () => {
  chromium = await chromiumBinary()
  if (!chromium) {
    console.warn('SKIPPED: the HTML report is not rendered in a browser: no chromium on PATH (Debian: apt-get install chromium).')
    return
  }
  scratch = await mkdtemp(path.join(os.tmpdir(), 'kubelab-html-'))
  const file = path.join(scratch, 'report.html')
  await writeFile(file, formatHtmlReport(REPORT, {title: TITLE, kubelabVersion: '0.1.0', generatedAt: '2026-05-01T10:00:05.000Z'}))
  page = await renderInChromium(chromium, file, path.join(scratch, 'report.png'))
}, 240_000)

afterAll(async () => {
  if (scratch) await rm(scratch, {recursive: true, force: true})
})

const rendered = (): RenderedPage | undefined => page

describe('the HTML report in headless Chromium', () => {
  it('renders a 1200×2000 screenshot with content on it', () => {
    const shown = rendered()
    if (!shown) return
    expect(shown.png.signatureOk).toBe(true)
    expect([shown.png.width, shown.png.height]).toEqual([1200, 2000])
    // A blank 1200×2000 page compresses to a few kilobytes; text, badges and bars take far more.
    expect(shown.png.bytes).toBeGreaterThan(60_000)
  })

  it('shows every check id with its verdict', () => {
    const shown = rendered()
    if (!shown) return
    const checks = htmlChecks(shown.dom)
    expect(checks.map((check) => [check.id, check.status])).toEqual(
      [...REPORT.results].sort((a, b) => order(a.component) - order(b.component)).map((result) => [result.id, result.status.toUpperCase()]),
    )
    const text = textOf(shown.dom)
    for (const result of REPORT.results) expect(text).toContain(result.id)
    expect(text).toContain('3 of 7 checks fail.')
  })

  it('keeps a <script> from the evidence as text: nothing ran, no element was made', () => {
    const shown = rendered()
    if (!shown) return
    expect(shown.dom).not.toMatch(/<script\b/i)
    expect(shown.dom).not.toMatch(/<img\b/i)
    expect(shown.dom).toContain(`<title>${TITLE}</title>`)
    expect(textOf(shown.dom)).toContain('<script>document.title="pwned"</script><img src="http://example.invalid/x.png" onerror="alert(1)">\\x1b[31mred')
  })
})

function order(component: string): number {
  return ['apiserver', 'kubelet', 'etcd', 'rbac'].indexOf(component)
}
