import {existsSync, readdirSync, readFileSync} from 'node:fs'
import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from '@jest/globals'
import {Ajv} from 'ajv'
import ajvFormats from 'ajv-formats'
import {execa} from 'execa'
import {XMLParser} from 'fast-xml-parser'
import type {Log} from 'sarif'
import {downAllLabs, downLab} from '../../src/lab/down.js'
import {labDirFor} from '../../src/lab/home.js'
import {PlaybookInterruptedError, PlaybookLabExistsError} from '../../src/lab/playbook/errors.js'
import {PlaybookExit} from '../../src/lab/playbook/exit-codes.js'
import type {PlaybookJson} from '../../src/lab/playbook/json.js'
import {runPlaybook, type PlaybookRunOptions, type PlaybookRunOutcome} from '../../src/lab/playbook/run.js'
import {listLabs} from '../../src/lab/registry.js'
import {chromiumBinary, htmlChecks, renderInChromium, textOf} from '../report/html-support.js'
import {kubelabCli, type KubelabCli} from '../support/kubelab-cli.js'
import {processesMentioning} from '../support/lab-processes.js'

/*
 * `kubelab playbook run` end to end on real sim labs (real etcd, the sim API server and kubelet) in a
 * temp KUBELAB_HOME, every port from the OS. The scripts reach the lab only through the documented
 * environment; the `kubelab` on their PATH is a compiled copy of src/.
 */
const PROJECT_ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..')
const HARDEN_SH = path.join(PROJECT_ROOT, 'examples', 'harden-all-open.sh')

/** What is left on a fresh all-open lab when only the insecure port is closed. api-anonymous-auth passes: AlwaysAllow turns anonymous auth off. */
const LEFT_AFTER_PARTIAL: Record<string, string[]> = {
  'close-insecure-port': [],
  'authorize-api-requests': ['api-authorization-mode'],
  'lock-the-kubelet': ['kubelet-anonymous-auth', 'kubelet-authorization-mode', 'kubelet-exec-unauthenticated', 'kubelet-read-only-port'],
  'encrypt-etcd': ['etcd-client-tls', 'etcd-client-cert-auth', 'api-etcd-tls'],
  'least-privilege-ingress': ['rbac-least-privilege'],
}

/** Several labs start at once on a busy CI machine: more than `up`'s 30 s for etcd and the API server to answer. */
const READY_TIMEOUT_MS = 120_000

let cli: KubelabCli
let home: string
let scratch: string

const env = (): Record<string, string | undefined> => ({...process.env, KUBELAB_LAB: undefined, KUBELAB_HOME: undefined})
const options = (extra: Partial<PlaybookRunOptions> & Pick<PlaybookRunOptions, 'script'>): PlaybookRunOptions => ({
  scenario: 'all-open',
  runtime: 'sim',
  home,
  env: env(),
  portPolicy: 'any-free',
  runtimeOptions: {sim: {simDir: cli.simDir, readyTimeoutMs: READY_TIMEOUT_MS}},
  kubelabCommand: cli.command,
  ...extra,
})

async function script(name: string, body: string): Promise<string> {
  const file = path.join(scratch, name)
  await writeFile(file, `set -euo pipefail\n${body}\n`)
  return file
}

/** Processes whose environment names the lab: the script and anything it started. */
function processesOfLab(labName: string): number[] {
  const found: number[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue
      if (readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0').includes(`KUBELAB_LAB=${labName}`)) found.push(Number(entry))
    } catch {
      // gone, or not readable
    }
  }
  return found
}

/** The lab is gone: not listed, no folder, no process of it or of its script. */
async function expectNoLabLeft(labName: string): Promise<void> {
  const dir = labDirFor(home, labName)
  expect((await listLabs(home)).map((lab) => lab.name)).not.toContain(labName)
  expect(existsSync(dir)).toBe(false)
  expect(processesMentioning(dir)).toEqual([])
  expect(processesOfLab(labName)).toEqual([])
}

function leftByStep(steps: PlaybookRunOutcome['steps']): Record<string, string[]> {
  return Object.fromEntries(steps.map((step) => [step.id, step.left.map((check) => check.id)]))
}

function sarifValidator() {
  // See test/report/sarif.test.ts for why the draft-04 schema is compiled this way.
  const raw = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8')) as {id: string; $schema: string}
  const {$schema: _draft04, id, ...rest} = raw
  const ajv = new Ajv({allErrors: true, strict: false, unicodeRegExp: false})
  ajvFormats.default(ajv)
  return ajv.compile({$id: id, ...rest})
}

beforeAll(async () => {
  cli = await kubelabCli(['commands/playbook/run.js', 'commands/node/exec.js', 'commands/restart.js'])
  home = await mkdtemp(path.join(os.tmpdir(), 'kubelab-playbook-home-'))
  scratch = await mkdtemp(path.join(os.tmpdir(), 'kubelab-playbook-'))
}, 300_000)

afterAll(async () => {
  if (home) {
    await downAllLabs({home, env: env()}).catch(() => undefined)
    await rm(home, {recursive: true, force: true})
  }
  if (scratch) await rm(scratch, {recursive: true, force: true})
}, 120_000)

describe('a correct playbook', () => {
  it('hardens all-open: every check of every step passes, exit 0, and the lab is removed', async () => {
    const lines: string[] = []
    const outcome = await runPlaybook(options({script: HARDEN_SH, onScriptLine: (line) => lines.push(line)}))
    expect(outcome.scriptRun).toMatchObject({exitCode: 0, timedOut: false})
    expect(outcome.settle).toMatchObject({settled: true})
    expect(leftByStep(outcome.steps)).toEqual(Object.fromEntries(Object.keys(LEFT_AFTER_PARTIAL).map((id) => [id, []])))
    expect(outcome.report.results.map((result) => [result.id, result.status])).toEqual(outcome.report.results.map((result) => [result.id, 'pass']))
    expect(outcome.report.results).toHaveLength(11)
    expect(outcome.exitCode).toBe(PlaybookExit.passed)
    expect(outcome.lab.name).toMatch(/^pb-all-open-[0-9a-f]{6}$/)
    expect(outcome.kept).toBe(false)
    expect(lines).toContain('== done')
    expect(lines.some((line) => /^Restarted kubelet in lab pb-all-open-/.test(line))).toBe(true)
    await expectNoLabLeft(outcome.lab.name)
  }, 600_000)
})

describe('a partial playbook, through the command line', () => {
  it('fails (exit 1), names exactly the checks left per step, and writes JUnit, SARIF, JSON and HTML', async () => {
    const partial = await script('close-insecure-port-only.sh', [
      'echo "closing the insecure port only"',
      `$KUBELAB_NODE_EXEC sed -i 's#--insecure-port=[0-9]*#--insecure-port=0#' /etc/kubernetes/manifests/kube-apiserver.yaml`,
    ].join('\n'))
    const reports = path.join(scratch, 'reports')
    const name = 'partial-kept'
    const result = await execa(
      cli.command[0] as string,
      [cli.bin, 'playbook', 'run', partial, '--scenario', 'all-open', '--runtime', 'sim', '--random-ports', '--name', name, '--keep', '--json',
        '--junit', path.join(reports, 'run.xml'), '--sarif', path.join(reports, 'run.sarif'), '--html', path.join(reports, 'run.html')],
      {env: {...env(), KUBELAB_HOME: home, NO_COLOR: '1'}, reject: false, timeout: 420_000},
    )
    expect({exitCode: result.exitCode, stderr: result.exitCode === 1 ? '' : result.stderr}).toEqual({exitCode: 1, stderr: ''})

    // --json: the run on stdout; the script's output, prefixed, and the summary on stderr.
    const json = JSON.parse(result.stdout) as PlaybookJson
    expect(json).toMatchObject({exitCode: 1, passed: false, scenario: {id: 'all-open'}, lab: {name, kept: true}, script: {kind: 'shell', succeeded: true, exitCode: 0}})
    expect(Object.fromEntries(json.steps.map((step) => [step.id, step.left.map((check) => check.id)]))).toEqual(LEFT_AFTER_PARTIAL)
    expect(json.steps.map((step) => step.passed)).toEqual([true, false, false, false, false])
    expect(result.stderr).toContain('  │ closing the insecure port only')
    const left = Object.values(LEFT_AFTER_PARTIAL).flat()
    expect(result.stderr).toContain(`FAILED: ${left.length} check(s) left in 4 of 5 steps: ${left.join(', ')}. (exit 1)`)

    // JUnit: one failing test case per open hole, each with both sides' evidence.
    const junit = new XMLParser({ignoreAttributes: false, attributeNamePrefix: '@_', isArray: (tag) => tag === 'testsuite' || tag === 'testcase'}).parse(
      await readFile(path.join(reports, 'run.xml'), 'utf8'),
    ) as {testsuites: {testsuite: Array<{testcase: Array<{'@_name': string; failure?: {'#text': string}}>}>}}
    const cases = junit.testsuites.testsuite.flatMap((suite) => suite.testcase)
    expect(cases).toHaveLength(11)
    const failing = cases.filter((testcase) => testcase.failure)
    expect(failing.map((testcase) => testcase['@_name'].split(' – ')[0]).sort()).toEqual([...left].sort())
    for (const testcase of failing) {
      expect(testcase.failure?.['#text']).toMatch(/^config: /m)
      expect(testcase.failure?.['#text']).toMatch(/^wire: /m)
    }

    // SARIF 2.1.0, valid against the schema, one error per open hole.
    const sarif = JSON.parse(await readFile(path.join(reports, 'run.sarif'), 'utf8')) as Log
    const validate = sarifValidator()
    expect(validate(sarif)).toBe(true)
    expect(validate.errors ?? []).toEqual([])
    expect((sarif.runs[0]?.results ?? []).filter((finding) => finding.level === 'error').map((finding) => finding.ruleId).sort()).toEqual([...left].sort())

    // HTML: the steps, and every check with its verdict, as Chromium shows them.
    const htmlFile = path.join(reports, 'run.html')
    const html = await readFile(htmlFile, 'utf8')
    expect(textOf(html)).toContain(`FAILED: ${left.length} check(s) left in 4 of 5 steps.`)
    const chromium = await chromiumBinary()
    const page = chromium ? await renderInChromium(chromium, htmlFile, path.join(reports, 'run.png')) : undefined
    if (!page) console.warn('SKIPPED: the playbook HTML report is not rendered in a browser: no chromium on PATH.')
    const checks = htmlChecks(page?.dom ?? html)
    expect(new Map(checks.map((check) => [check.id, check.status]))).toEqual(new Map(json.audit.results.map((check) => [check.id, check.status.toUpperCase()])))
    if (page) expect([page.png.width, page.png.height, page.png.bytes > 60_000]).toEqual([1200, 2000, true])

    // --keep left the lab running: `kubelab audit --html` of the same checks on it gives the same verdicts.
    expect((await listLabs(home)).map((lab) => lab.name)).toContain(name)
    const auditHtml = path.join(reports, 'audit.html')
    const ids = json.audit.results.map((check) => check.id).join(',')
    const audit = await execa(cli.command[0] as string, [cli.bin, 'audit', '--lab', name, '--check', ids, '--html', auditHtml], {env: {...env(), KUBELAB_HOME: home, NO_COLOR: '1'}, reject: false, timeout: 120_000})
    expect(audit.exitCode).toBe(1)
    const audited = htmlChecks(await readFile(auditHtml, 'utf8'))
    expect(audited).toHaveLength(11)
    expect(audited.filter((check) => check.status === 'FAIL').map((check) => check.id).sort()).toEqual([...left].sort())
    expect(textOf(await readFile(auditHtml, 'utf8'))).toContain(`kubelab audit: lab ${name}`)

    // A second run with the same --name is refused before anything starts.
    await expect(runPlaybook(options({script: partial, name}))).rejects.toThrow(PlaybookLabExistsError)
    await downLab(name, {home, env: env()})
    await expectNoLabLeft(name)
  }, 600_000)
})

describe('scripts that fail', () => {
  it('a non-zero exit fails (exit 3) after the checks ran, and leaves no lab behind; the script saw the documented environment', async () => {
    const failing = await script('env-then-fail.sh', [
      'echo "runtime=$KUBELAB_RUNTIME scenario=$KUBELAB_SCENARIO lab=$KUBELAB_LAB"',
      'echo "kubeconfig=$KUBECONFIG"',
      'echo "node-root=$KUBELAB_NODE_ROOT container=${KUBELAB_NODE_CONTAINER:-unset}"',
      'echo "kubelab=$(command -v kubelab)"',
      '$KUBELAB_NODE_EXEC head -n 2 /etc/kubernetes/manifests/etcd.yaml',
      'kubectl get namespace ingress-nginx -o name',
      'echo "giving up" >&2',
      'exit 3',
    ].join('\n'))
    const lines: string[] = []
    const failed = await runPlaybook(options({script: failing, name: 'fails', onScriptLine: (line) => lines.push(line)}))

    const labDir = labDirFor(home, 'fails')
    expect(failed.scriptRun).toMatchObject({exitCode: 3, timedOut: false})
    expect(failed.exitCode).toBe(PlaybookExit.scriptFailed)
    expect(lines).toEqual([
      'runtime=sim scenario=all-open lab=fails',
      `kubeconfig=${path.join(labDir, 'node/etc/kubernetes/admin.conf')}`,
      `node-root=${path.join(labDir, 'node')} container=unset`,
      `kubelab=${path.join(labDir, 'playbook-bin/kubelab')}`,
      'apiVersion: v1',
      'kind: Pod',
      'namespace/ingress-nginx',
      'giving up',
    ])
    // The checks still ran, on the untouched lab.
    expect(leftByStep(failed.steps)['close-insecure-port']).toEqual(['api-insecure-port'])
    expect(failed.report.results).toHaveLength(11)
    await expectNoLabLeft('fails')
  }, 300_000)

  it('a script that hangs is killed at --timeout with its whole process group, and leaves no lab behind', async () => {
    // SIGTERM is ignored (and the ignoring is inherited by sleep): only the SIGKILL after the grace period ends it.
    const hanging = await script('hang.sh', "trap '' TERM\necho started\nsleep 600")
    const timedOut = await runPlaybook(options({script: hanging, name: 'hangs', timeoutMs: 5000}))
    expect(timedOut.scriptRun).toMatchObject({timedOut: true, signal: 'SIGKILL'})
    expect(timedOut.scriptRun.durationMs).toBeGreaterThanOrEqual(5000)
    expect(timedOut.scriptRun.durationMs).toBeLessThan(5000 + 3000 + 10_000)
    expect(timedOut.exitCode).toBe(PlaybookExit.scriptFailed)
    await expectNoLabLeft('hangs')
  }, 300_000)

  it('Ctrl-C while the script runs kills its process group, removes the lab and rejects with status 130', async () => {
    const waiting = await script('wait.sh', 'echo waiting\nsleep 600')
    const controller = new AbortController()
    const interrupted = await runPlaybook(
      options({script: waiting, name: 'interrupted', signal: controller.signal, interruptedBy: () => 'SIGINT', onScriptLine: () => controller.abort()}),
    ).then(
      () => new Error('resolved'),
      (error: unknown) => error as Error,
    )
    expect({error: interrupted.name, message: interrupted.message}).toEqual({
      error: 'PlaybookInterruptedError',
      message: 'interrupted (SIGINT): the script was stopped and lab interrupted removed.',
    })
    expect(interrupted).toBeInstanceOf(PlaybookInterruptedError)
    expect((interrupted as PlaybookInterruptedError).exitCode).toBe(130)
    await expectNoLabLeft('interrupted')
  }, 300_000)
})
