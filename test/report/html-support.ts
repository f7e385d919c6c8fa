import {mkdtemp, readFile, rm, stat} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {pathToFileURL} from 'node:url'
import {execa} from 'execa'
import {findExecutable} from '../../src/runtimes/shared/find-executable.js'
import type {AuditReport} from '../../src/checks/evaluate.js'
import type {CheckResult} from '../../src/checks/model.js'
import {APISERVER_ANONYMOUS, report, result} from './sample-report.js'

/** What the page shows as text: tags dropped, the entities the report uses decoded, whitespace collapsed. */
export function textOf(html: string): string {
  return html
    .replace(/<style>[\s\S]*?<\/style>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim()
}

export interface HtmlCheck {
  id: string
  /** The word on the check's badge: PASS, FAIL, WARN, ERROR, SKIP. */
  status: string
  /** The check's whole text. */
  text: string
}

/** Each check article of a report page (as written, or as Chromium serialises its DOM), in page order. */
export function htmlChecks(html: string): HtmlCheck[] {
  return [...html.matchAll(/<article class="check c-\w+" id="check-[^"]+">([\s\S]*?)<\/article>/g)].map((match) => {
    const body = match[1] ?? ''
    const id = /<code class="check-id">([^<]*)<\/code>/.exec(body)?.[1] ?? ''
    const badge = /<span class="badge st-\w+">([^<]*)<\/span>/.exec(body)?.[1] ?? ''
    return {id, status: badge.replace(/^\W+\s*/, ''), text: textOf(body)}
  })
}

/**
 * A report whose evidence carries what a hostile server could answer: markup that would run a script
 * or load an image if it were not escaped, and a terminal escape sequence.
 */
export const HOSTILE_RESULT: CheckResult = {
  ...APISERVER_ANONYMOUS,
  id: 'api-profiling',
  summary: 'Weak: <b>bold</b> claims & more.',
  wire: [
    {
      request: 'GET https://127.0.0.1:6443/api (no credentials)',
      status: 200,
      bodyExcerpt: '<script>document.title="pwned"</script><img src="http://example.invalid/x.png" onerror="alert(1)">\u001b[31mred',
      verdict: 'fail',
    },
  ],
}

export const HOSTILE_REPORT: AuditReport = report([
  HOSTILE_RESULT,
  result({id: 'kubelet-read-only-port', component: 'kubelet', status: 'pass', title: 'The kubelet read-only port is off </article><p>'}),
])

/** Debian's `chromium`, else Google's names for it; undefined when none is installed. */
export async function chromiumBinary(): Promise<string | undefined> {
  for (const name of ['chromium', 'chromium-browser', 'google-chrome']) {
    const found = await findExecutable(name, process.env['PATH'])
    if (found) return found
  }
  return undefined
}

export interface RenderedPage {
  /** The DOM after Chromium parsed the page (--dump-dom). */
  dom: string
  /** The screenshot's size in bytes, and its width and height from the PNG header. */
  png: {bytes: number; width: number; height: number; signatureOk: boolean}
}

const CHROMIUM_TIMEOUT_MS = 180_000

/**
 * Renders an HTML file in headless Chromium as the issue asks (`--headless=new --no-sandbox
 * --disable-gpu`), once for a screenshot at 1200×2000 and once for the DOM. Each run gets its own
 * profile folder so the two can run at once.
 */
export async function renderInChromium(chromium: string, htmlFile: string, screenshot: string): Promise<RenderedPage> {
  const profiles = await mkdtemp(path.join(os.tmpdir(), 'kubelab-chromium-'))
  const common = ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-extensions']
  const url = pathToFileURL(htmlFile).href
  try {
    const [dump] = await Promise.all([
      execa(chromium, [...common, `--user-data-dir=${path.join(profiles, 'dom')}`, '--dump-dom', url], {timeout: CHROMIUM_TIMEOUT_MS}),
      execa(chromium, [...common, `--user-data-dir=${path.join(profiles, 'shot')}`, `--screenshot=${screenshot}`, '--window-size=1200,2000', url], {timeout: CHROMIUM_TIMEOUT_MS}),
    ])
    const png = await readFile(screenshot)
    return {
      dom: dump.stdout,
      png: {
        bytes: (await stat(screenshot)).size,
        signatureOk: png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
        width: png.readUInt32BE(16),
        height: png.readUInt32BE(20),
      },
    }
  } finally {
    await rm(profiles, {recursive: true, force: true})
  }
}
