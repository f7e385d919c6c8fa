import net from 'node:net'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {setTimeout as sleep} from 'node:timers/promises'
import {afterAll, beforeAll, describe, expect, it} from '@jest/globals'
import {loadLesson} from '../../src/lesson/load.js'
import {renderMarkdown} from '../../src/lesson/render/markdown.js'
import {labNode} from '../../src/lab/node-files.js'
import {readProgress, stepProgressOf} from '../../src/lab/progress.js'
import {resolveLab} from '../../src/lab/registry.js'
import {applyStepSolution} from '../../src/lab/solution/apply.js'
import {stepConfigDiff} from '../../src/lab/solution/diff.js'
import type {WalkthroughServices} from '../../src/lab/walkthrough/services.js'
import {runWalkthrough, type WalkthroughOptions} from '../../src/lab/walkthrough/walkthrough.js'
import {NODE_FILE_PATHS} from '../../src/runtimes/sim/node-files/types.js'
import type {CompiledKubelab} from '../support/compiled.js'
import {tempLabHome, type TestLabHome} from '../support/lab-home.js'
import {ScriptedPrompter} from '../support/scripted-prompter.js'

/*
 * The `learn` walkthrough on a real all-open sim lab, driven by a scripted prompter: the walkthrough
 * creates the lab, runs the attack, gives a hint, fails verify, the "learner" fixes the API server's
 * manifest, verify passes, the quiz is answered, step 2 starts — then Ctrl-C. A second run resumes
 * at step 2 and takes the reference solution. The lesson is a fixture (test/fixtures/lessons), so that
 * the script does not depend on the wording of the shipped lessons.
 */
const FIXTURE_LESSON = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/lessons/defense-in-depth.md')
let labHome: TestLabHome | undefined
let compiled: CompiledKubelab
let home: string

const services: WalkthroughServices = {
  findLesson: async () => loadLesson(FIXTURE_LESSON),
  renderMarkdown,
  applyStepSolution: (lab, scenario, stepId, options) => applyStepSolution(lab, scenario, stepId, {...options, simDir: compiled.simDir}),
  stepConfigDiff,
}

function options(prompter: ScriptedPrompter, output: string[]): WalkthroughOptions {
  return {
    scenario: 'all-open',
    prompter,
    write: (text) => {
      output.push(text)
    },
    width: 80,
    colour: false,
    services,
    home,
    env: process.env,
    up: {portPolicy: 'any-free', runtimeOptions: {sim: {simDir: compiled.simDir}}, runtime: 'sim'},
  }
}

async function portRefuses(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({host: '127.0.0.1', port})
    socket.once('connect', () => {
      socket.destroy()
      resolve(false)
    })
    socket.once('error', () => resolve(true))
  })
}

beforeAll(async () => {
  labHome = await tempLabHome('kubelab-learn-home-')
  home = labHome.home
  compiled = labHome.compiled
}, 300_000)

afterAll(async () => {
  await labHome?.close()
}, 60_000)

describe('kubelab learn', () => {
  it('creates the lab, walks a whole step (attack, hint, failed verify, fix, pass, quiz), and keeps progress on Ctrl-C', async () => {
    const output: string[] = []
    /** The learner's fix, made "in another terminal": the insecure port off in the manifest; the kubelet restarts the API server. */
    const fixInsecurePort = async (): Promise<void> => {
      const lab = await resolveLab('all-open', home)
      const node = labNode(lab)
      const manifest = (await node.readFile(NODE_FILE_PATHS.apiserverManifest)) ?? ''
      expect(manifest).toMatch(/--insecure-port=\d+/)
      await node.writeFile(NODE_FILE_PATHS.apiserverManifest, manifest.replace(/--insecure-port=\d+/, '--insecure-port=0'))
      const port = lab.record.ports.apiserverInsecure as number
      const deadline = Date.now() + 60_000
      while (!(await portRefuses(port))) {
        if (Date.now() > deadline) throw new Error('the API server did not restart without its insecure port')
        await sleep(200)
      }
    }
    const prompter = new ScriptedPrompter([
      {question: /^Run it now\?$/, confirm: true},
      {question: /^Step 1 of 5: what next\?$/, select: /^Show a hint \(−10 points, 2 left\)$/},
      {question: /^Step 1 of 5: what next\?$/, select: /^Verify my fix$/},
      {question: /^Step 1 of 5: what next\?$/, select: /^Verify my fix$/, before: fixInsecurePort},
      {question: /^Quiz: What checks a request on the insecure port\?$/, select: /^Nothing at all$/},
      {question: /^Go on to step 2 of 5\?$/, confirm: true},
      {question: /^Run it now\?$/, confirm: false},
      {question: /^Step 2 of 5: what next\?$/, ctrlC: true},
    ])

    const walk = runWalkthrough(options(prompter, output))
    await expect(walk).rejects.toMatchObject({name: 'ExitPromptError'})
    expect(prompter.remaining).toBe(0)
    const text = output.join('')

    expect(text.replace(/\s+/g, ' ')).toMatch(/^Creating lab all-open for scenario all-open \(Every door open\)\. Ctrl-C stops and removes it\. /)
    expect(text).toMatch(/^ {2}\[ +\d+\.\d s\] kube-apiserver answers/m)
    expect(text).toMatch(/^Lab all-open is ready \(\d+\.\d s\)\.$/m)
    expect(text).toContain('A test lesson for the walkthrough: short sections, one attack per step.')
    expect(text).toContain('━━ Step 1 of 5 · Close the plain-HTTP port')
    // The attack ran in bash with the lab's variables, and `kubelab` is this CLI.
    expect(text).toMatch(/│ "name": *"orders-db"/)
    expect(text).toMatch(/│ kubelab\/\d+\.\d+\.\d+ /)
    expect(text).toContain('└ exit 0')
    // The hint costs were in the menu before the hint was taken, and the next one was offered after it.
    const menus = prompter.asked.filter((question) => question.message === 'Step 1 of 5: what next?').map((question) => question.choices)
    expect(menus[0]).toEqual(['Verify my fix', 'Show a hint (−10 points, 2 left)', 'Run the attack again', 'Show the solution (−all points for this step)', 'Save and quit'])
    expect(menus[1]).toContain('Show a hint (−20 points, 1 left)')
    expect(text).toContain('Hint 1 of 2 (−10 points):\nLook at the flags that start with')
    // Verify: first the failure with both sides, then the pass, the diff and the quiz.
    expect(text).toContain('Step 1 does not pass yet: 1 of 1 check still fails (attempt 1).')
    expect(text).toMatch(/FAIL {3}api-insecure-port[^]*configuration: weak[^]*wire: weak/)
    expect(text).toContain('Step 1 passes: its check passes (attempt 2).')
    expect(text).toContain('--- /etc/kubernetes/manifests/kube-apiserver.yaml')
    expect(text).toMatch(/^\+ +- --insecure-port=0$/m)
    expect(text).toContain('Right.')
    expect(text).toContain('Requests on the insecure port skip authentication and authorization.')
    expect(text).toContain('━━ Step 2 of 5 · Authorize every request')
    // Rendered, never raw Markdown.
    expect(text).not.toMatch(/\*\*|```|^#+ /m)

    const lab = await resolveLab('all-open', home)
    const progress = await readProgress(lab)
    expect(stepProgressOf(progress, 'close-insecure-port')).toMatchObject({
      status: 'passed',
      attempts: 2,
      hints: [expect.objectContaining({index: 0, cost: 10})],
      quizzes: [expect.objectContaining({index: 0, choice: 1, correct: true})],
    })
    expect(stepProgressOf(progress, 'authorize-api-requests')).toMatchObject({status: 'not-started', attempts: 0})
    expect(stepProgressOf(progress, 'authorize-api-requests').startedAt).toBeDefined()
  }, 240_000)

  it('resumes at the first step not done, and Show the solution applies the reference solution after a confirmation', async () => {
    const output: string[] = []
    const prompter = new ScriptedPrompter([
      {question: /^Run it now\?$/, confirm: false},
      {question: /^Step 2 of 5: what next\?$/, select: /^Show the solution/},
      {question: /^Apply the reference solution to the lab\? This step then scores 0 points\.$/, confirm: false},
      {question: /^Step 2 of 5: what next\?$/, select: /^Show the solution/},
      {question: /^Apply the reference solution/, confirm: true},
      {question: /^Go on to step 3 of 5\?$/, confirm: false},
    ])
    const outcome = await runWalkthrough(options(prompter, output))
    expect(prompter.remaining).toBe(0)
    expect(outcome.ending).toBe('quit')
    const text = output.join('')
    expect(text).not.toContain('Creating lab')
    expect(text).toContain('Welcome back — step 2 of 5.')
    expect(text).not.toContain('Step 1 of 5')
    expect(text).toContain('Applying the reference solution…')
    expect(text).toContain('Step 2 passes: all 2 checks pass (attempt 1).')
    expect(text).toMatch(/^\+ +- --authorization-mode=Node,RBAC$/m)
    expect(text.replace(/\s+/g, ' ')).toContain('Progress saved — run `kubelab learn all-open` to continue')

    const progress = outcome.progress
    expect(stepProgressOf(progress, 'authorize-api-requests')).toMatchObject({status: 'solved-with-solution', solutionUsed: true, attempts: 1})
    expect(stepProgressOf(progress, 'close-insecure-port').status).toBe('passed')
    expect(stepProgressOf(progress, 'lock-the-kubelet').status).toBe('not-started')
  }, 180_000)
})
