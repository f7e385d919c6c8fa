import {afterAll, beforeAll, describe, expect, it} from '@jest/globals'
import Reset from '../../src/commands/reset.js'
import Solve from '../../src/commands/solve.js'
import {readProgress, stepProgressOf} from '../../src/lab/progress.js'
import {resolveLab} from '../../src/lab/registry.js'
import {upLab} from '../../src/lab/up.js'
import {tempLabHome, type TestLabHome} from '../support/lab-home.js'
import {runInProcess} from './run-in-process.js'

/*
 * `kubelab solve` and `kubelab reset` from their sources, in-process, against one real attack-surface
 * lab (two steps: a kubelet setting, an API server flag) in a temp KUBELAB_HOME, on ports from the OS.
 */
let labHome: TestLabHome | undefined
let home: string

beforeAll(async () => {
  labHome = await tempLabHome('kubelab-solve-home-', {NO_COLOR: '1'})
  const {compiled} = labHome
  home = labHome.home
  await upLab({scenario: 'attack-surface', name: 'solve-lab', home, env: process.env, portPolicy: 'any-free', runtimeOptions: {sim: {simDir: compiled.simDir}}})
}, 300_000)

afterAll(async () => {
  await labHome?.close()
}, 60_000)

describe('kubelab solve and reset', () => {
  it('solve without a step takes the first step not done, prints the change and its diff, and records it', async () => {
    const lab = await resolveLab('solve-lab', home)
    const run = await runInProcess(Solve, [])
    if (run.exitCode !== 0) throw new Error(`solve exited ${run.exitCode}:\n${run.stdout}\n${run.stderr}`)
    expect(run.errorMessage).toBeUndefined()
    expect(run.exitCode).toBe(0)
    expect(run.stdout).toContain('Step 1 of 2: Turn the kubelet\'s read-only port off (close-read-only-port)')
    expect(run.stdout).toContain(`/var/lib/kubelet/config.yaml: readOnlyPort: 0 (was ${lab.record.ports.kubeletReadOnly})`)
    expect(run.stdout).toMatch(/restarted kubelet \(pid \d+ → pid \d+\)/)
    expect(run.stdout).toContain(`-readOnlyPort: ${lab.record.ports.kubeletReadOnly}\n+readOnlyPort: 0`)
    expect(run.stdout).toContain('PASS  kubelet-read-only-port')
    expect(stepProgressOf(await readProgress(lab), 'close-read-only-port')).toMatchObject({status: 'solved-with-solution', solutionUsed: true})
  }, 120_000)

  it('solve 2, then reset --step 2 opens that step again and keeps step 1 hardened', async () => {
    expect((await runInProcess(Solve, ['2'])).exitCode).toBe(0)
    const reset = await runInProcess(Reset, ['--step', 'disable-profiling'])
    expect(reset.errorMessage).toBeUndefined()
    expect(reset.stdout).toContain('/etc/kubernetes/manifests/kube-apiserver.yaml: --profiling=true (was false)')
    expect(reset.stdout).toContain('Step disable-profiling is open again (1 change(s)).')
    const lab = await resolveLab('solve-lab', home)
    expect(stepProgressOf(await readProgress(lab), 'disable-profiling').status).toBe('not-started')
    // solve with no step now picks step 2 again: step 1 is still done.
    const again = await runInProcess(Solve, [])
    expect(again.stdout).toContain('Step 2 of 2')
  }, 120_000)

  it('reset without --step puts every step back and says what changed', async () => {
    const run = await runInProcess(Reset, [])
    expect(run.exitCode).toBe(0)
    expect(run.stdout).toContain('/var/lib/kubelet/config.yaml: restored as `kubelab up` wrote it')
    expect(run.stdout).toContain('/etc/kubernetes/manifests/kube-apiserver.yaml: restored as `kubelab up` wrote it')
    expect(run.stdout).toMatch(/restarted kubelet/)
    const second = await runInProcess(Reset, [])
    expect(second.stdout).toContain('was already as `kubelab up` made it')
  }, 120_000)

  it('names an unknown step and exits 2', async () => {
    const run = await runInProcess(Solve, ['no-such-step'])
    expect(run.exitCode).toBe(2)
    expect(run.stderr).toContain('no step "no-such-step" in scenario attack-surface')
  }, 60_000)
})
