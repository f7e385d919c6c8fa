import path from 'node:path'
import {describe, expect, it} from '@jest/globals'
import {loadLesson} from '../../src/lesson/load.js'
import {parseLesson} from '../../src/lesson/parse.js'
import {renderLesson, renderStep} from '../../src/lesson/render/lesson.js'
import {renderMarkdown} from '../../src/lesson/render/markdown.js'
import {readableWidth} from '../../src/lesson/render/options.js'
import {stripAnsi, visibleWidth} from '../../src/lesson/render/text.js'
import {PROJECT_ROOT} from '../commands/run-in-process.js'
import {expectNoMarkup, lessonCodeLines, overlongLines} from './markup.js'

const FIXTURES = path.join(PROJECT_ROOT, 'test/fixtures/lessons')
const ESC = '\u001b['

const plain = (markdown: string, width = 80): string => renderMarkdown(markdown, {width, colour: false})
const coloured = (markdown: string, width = 80): string => renderMarkdown(markdown, {width, colour: true})

/** Every construct the renderer knows, in one document. */
const EVERYTHING = `# Securing the **API server**

Requests reach \`kube-apiserver\` on *two* ports. Read [the access docs](https://kubernetes.io/docs/concepts/security/controlling-access/)
or <https://kubernetes.io/docs/reference/>, and see [the section below](#below) and [the ref][ref].

## Ports

### Secure port

#### Details

- first **bold** item
- second item with a long text that has to wrap around at some point because it is long
  - nested \`code\` item
  - another nested item
- third

9. ninth
10. tenth, which is long enough to wrap onto a second line at a narrow width like forty

> A quote with _emphasis_ and a [link](https://example.com).
> Second line of the quote.

\`\`\`yaml
apiVersion: v1
kind: Pod
\`\`\`

    indented code block

| Flag | Default | Meaning |
|------|:-------:|--------:|
| \`--insecure-port\` | 8080 | plain HTTP, **no** authentication |
| \`--anonymous-auth\` | true | requests without credentials become system:anonymous |

---

<!-- a comment for GitHub readers only -->
<details>
<summary>Show the answer</summary>
</details>

Press <kbd>Ctrl</kbd>-C to stop.<br>Then ~~panic~~ relax. Escaped \\*stars\\* stay.

![diagram](images/ports.png)

[ref]: https://kubernetes.io/ "Kubernetes"
`

describe('renderMarkdown without colour', () => {
  const text = plain(EVERYTHING)
  const lines = text.split('\n')

  it('leaves no Markdown markup and no escape codes', () => {
    expectNoMarkup(text)
    expect(text).not.toContain(ESC)
  })

  it('draws a heavy rule under level 1, a light rule under level 2, marks level 3, and shows level 4 as text', () => {
    const h1 = lines.indexOf('Securing the API server')
    expect(lines[h1 + 1]).toBe('═'.repeat('Securing the API server'.length))
    const h2 = lines.indexOf('Ports')
    expect(lines[h2 + 1]).toBe('─────')
    expect(lines).toContain('▸ Secure port')
    expect(lines).toContain('Details')
  })

  it('keeps emphasis text, shows links as "text (url)", just the url when it is the text, and just the text for anchors', () => {
    const paragraph = text.replace(/\n/g, ' ')
    expect(paragraph).toContain('Requests reach kube-apiserver on two ports.')
    expect(paragraph).toContain('the access docs (https://kubernetes.io/docs/concepts/security/controlling-access/)')
    expect(paragraph).toContain('or https://kubernetes.io/docs/reference/,')
    expect(paragraph).not.toContain('https://kubernetes.io/docs/reference/ (https://')
    expect(paragraph).toContain('see the section below and the ref (https://kubernetes.io/).')
  })

  it('renders bullets, nested bullets and numbered items with hanging indents', () => {
    expect(lines).toContain('• first bold item')
    expect(lines).toContain('  ◦ nested code item')
    expect(lines).toContain('• third')
    const ninth = lines.indexOf(' 9. ninth')
    expect(ninth).toBeGreaterThan(-1)
    expect(lines[ninth + 1]).toMatch(/^10\. tenth/)
  })

  it('prefixes quotes with a bar', () => {
    expect(lines).toContain('│ A quote with emphasis and a link (https://example.com). Second line of the')
  })

  it('indents code blocks by four spaces without the fence or its language', () => {
    expect(lines).toContain('    apiVersion: v1')
    expect(lines).toContain('    kind: Pod')
    expect(lines).toContain('    indented code block')
    expect(text).not.toContain('yaml')
  })

  it('draws tables with their cells and no Markdown table syntax', () => {
    const row = lines.find((line) => line.includes('--insecure-port'))
    expect(row).toMatch(/^│ --insecure-port\s+│\s+8080\s+│\s+plain HTTP, no authentication │$/)
    expect(lines.some((line) => /^│ Flag\s+│ Default\s+│\s+Meaning │$/.test(line))).toBe(true)
  })

  it('draws a horizontal rule across the width', () => {
    expect(lines).toContain('─'.repeat(80))
  })

  it('drops HTML tags and comments but keeps the text inside them; <br> breaks the line', () => {
    expect(text).toContain('Show the answer')
    expect(text).not.toContain('a comment for GitHub')
    expect(lines).toContain('Press Ctrl-C to stop.')
    expect(lines).toContain('Then panic relax. Escaped *stars* stay.')
    expect(text).toContain('diagram (images/ports.png)')
  })

  it('ends without a trailing newline and never puts two blank lines in a row', () => {
    expect(text.endsWith('\n')).toBe(false)
    expect(text).not.toMatch(/\n\n\n/)
  })
})

describe('renderMarkdown wrapping', () => {
  it('keeps every line within 40 columns except code and words longer than the line', () => {
    const text = plain(EVERYTHING, 40)
    expect(overlongLines(text, 40)).toEqual([])
    // The URL is longer than 40 columns: it stands alone on its line rather than being cut.
    expect(text.split('\n')).toContain('(https://kubernetes.io/docs/concepts/security/controlling-access/)')
  })

  it('gives list items a hanging indent when they wrap', () => {
    const lines = plain('- second item with a long text that has to wrap around at some point', 30).split('\n')
    expect(lines).toEqual(['• second item with a long text', '  that has to wrap around at', '  some point'])
  })

  it('wraps quotes inside their bar', () => {
    const lines = plain('> one two three four five six seven eight nine ten', 20).split('\n')
    expect(lines.every((line) => line.startsWith('│ ') && line.length <= 20)).toBe(true)
  })

  it('fits a wide table into the width by wrapping its cells', () => {
    const text = plain('| Flag | Meaning |\n|---|---|\n| `--anonymous-auth` | requests without credentials become the user system:anonymous |', 40)
    expect(text.split('\n').every((line) => visibleWidth(line) <= 40)).toBe(true)
    expect(text).toContain('system:anonymous')
  })

  it('cuts a word wider than its column rather than truncating it, and separates rows that wrap', () => {
    const text = plain('| Setting | Safe value |\n|---|---|\n| authentication.anonymous.enabled | false |\n| readOnlyPort | 0 |', 30)
    expect(text).not.toContain('…')
    expect(text.split('\n').every((line) => visibleWidth(line) <= 30)).toBe(true)
    const cells = text.split('\n').map((line) => line.split('│')[1]?.trim() ?? '')
    expect(cells.join('')).toContain('authentication.anonymous.enabled')
    expect(text.split('\n').filter((line) => line.startsWith('├'))).toHaveLength(2)
  })

  it('never wraps code blocks', () => {
    const code = 'curl -s "$KUBELAB_APISERVER_INSECURE/api/v1/namespaces/default/secrets" | head -20'
    expect(plain('```sh\n' + code + '\n```', 40)).toBe(`    ${code}`)
  })
})

describe('renderMarkdown with colour', () => {
  it('styles headings, emphasis, code and links with escape codes, a different style per heading level', () => {
    const text = coloured(EVERYTHING)
    expect(text).toContain(`${ESC}1m`)
    expect(text).toContain(`${ESC}3m`)
    expect(text).toContain(`${ESC}36mkube-apiserver`)
    const styleOf = (heading: string): string => (text.split('\n').find((line) => stripAnsi(line).endsWith(heading)) ?? '').replace(heading, '').replace(/[^\u001b[\d;m]/g, '')
    const styles = ['Securing the API server', 'Ports', 'Secure port', 'Details'].map((heading) => styleOf(heading))
    expect(new Set(styles).size).toBe(4)
  })

  it('lays out exactly as without colour, and closes every style on the line that opened it', () => {
    for (const width of [40, 80]) {
      const colour = coloured(EVERYTHING, width)
      expect(stripAnsi(colour)).toBe(plain(EVERYTHING, width))
      for (const line of colour.split('\n')) {
        const codes = line.match(/\u001b\[\d+m/g) ?? []
        const last = codes.at(-1)
        if (last !== undefined) expect(['22', '23', '24', '29', '39']).toContain(/\d+/.exec(last)?.[0])
      }
    }
  })
})

describe('renderMarkdown in ASCII', () => {
  it('uses only ASCII glyphs for bullets, rules, quotes and tables', () => {
    const text = renderMarkdown(EVERYTHING.replace(/\*\*/g, ''), {width: 60, colour: false, ascii: true})
    const nonAscii = [...text].filter((character) => character.charCodeAt(0) > 126)
    expect(nonAscii).toEqual([])
    expect(text).toContain('- first bold item')
  })
})

describe('readableWidth', () => {
  it('is 80 without a terminal, the terminal width up to 100, and never below 20', () => {
    expect(readableWidth(undefined)).toBe(80)
    expect(readableWidth(72)).toBe(72)
    expect(readableWidth(240)).toBe(100)
    expect(readableWidth(8)).toBe(20)
  })
})

describe('renderStep and renderLesson', () => {
  it('shows a step with its try and fix commands where they stood, the verify command, and no hint text or quiz', async () => {
    const lesson = await loadLesson(path.join(FIXTURES, 'api-server.md'))
    const step = lesson.steps[0]
    if (!step) throw new Error('fixture has no steps')
    const text = renderStep(step, {width: 80, colour: false, position: {number: 1, total: 3}})
    const lines = text.split('\n')
    expect(lines[0]).toBe('Step 1 of 3: Close the plain-HTTP port')
    expect(lines[1]).toMatch(/^─+$/)
    const at = (line: string): number => lines.indexOf(line)
    expect(at('Try it:')).toBeGreaterThan(at('certificate:'))
    expect(lines[at('Try it:') + 1]).toBe('    curl -s "$KUBELAB_APISERVER_INSECURE/api/v1/namespaces/default/secrets" | head -20')
    expect(at('Fix:')).toBeGreaterThan(at('Try it:'))
    expect(lines[at('Fix:') + 1]).toBe('    kubelab edit kube-apiserver')
    expect(lines[at('Verify:') + 1]).toBe('    kubelab verify close-insecure-port')
    for (const hint of step.hints) expect(text).not.toContain(hint.text)
    expect(text).not.toContain(step.quizzes[0]?.question ?? 'no quiz')
    expect(text).toContain('Stuck? kubelab hint close-insecure-port gives up to 2 hints (10 to 20 points')
    expectNoMarkup(text)
  })

  it('shows a whole lesson: its title once, the lab and versions, every step numbered, the closing sections', async () => {
    for (const file of ['api-server.md', 'kubelet.md']) {
      const lesson = await loadLesson(path.join(FIXTURES, file))
      const text = renderLesson(lesson, {width: 80, colour: false})
      const lines = text.split('\n')
      expect(lines.filter((line) => line === lesson.title)).toHaveLength(1)
      expect(lines[0]).toBe(lesson.title)
      expect(text).toContain(`Lab: kubelab up ${lesson.scenario} · Kubernetes 1.19–1.34 · 3 steps`)
      lesson.steps.forEach((step, index) => expect(lines).toContain(`Step ${index + 1} of 3: ${step.heading}`))
      expect(lines.at(-1)).toMatch(/kubernetes\.io/)
      expectNoMarkup(text)
      expect(overlongLines(renderLesson(lesson, {width: 40, colour: false}), 40, lessonCodeLines(lesson))).toEqual([])
    }
  })

  it('uses the front matter title when the introduction has no level-1 heading', () => {
    const lesson = parseLesson('---\nid: bare\ntitle: A *bare* lesson\nscenario: all-open\nsteps: []\n---\nJust prose.\n', 'bare.md')
    expect(renderLesson(lesson, {width: 80, colour: false}).split('\n').slice(0, 4)).toEqual(['A *bare* lesson', '═══════════════', '', 'Lab: kubelab up all-open'])
  })
})
