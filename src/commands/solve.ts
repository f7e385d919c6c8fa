import {Args, Command, Flags} from '@oclif/core'
import {kubelabHome} from '../lab/home.js'
import {readProgress, recordSolved} from '../lab/progress.js'
import {loadLabScenario, resolveStep} from '../lab/progress-steps.js'
import {resolveLab} from '../lab/registry.js'
import {applyStepSolution} from '../lab/solution/apply.js'
import {stepConfigDiff} from '../lab/solution/diff.js'
import {exitOnUserError} from '../lab/user-errors.js'
import {verifyStep} from '../lab/verify.js'
import {colourEnabled} from '../report/colour.js'
import {formatConfigDiffs} from '../report/config-diff.js'

export default class Solve extends Command {
  static override summary = "Apply a step's reference solution to the lab."

  static override description = `Applies the scenario's reference solution (scenarios/solutions/<scenario>.yaml) for STEP — an id or a number; by default the first step not done — waits until the changed components serve again, then runs the step's checks. The step is recorded as solved with the solution (it scores no points).

Prints each change it made and a before/after diff of the configuration the step concerns. Exit status: 0 when the step's checks pass afterwards, 1 otherwise.`

  static override examples = ['<%= config.bin %> solve', '<%= config.bin %> solve close-insecure-port', '<%= config.bin %> solve 2 --lab second-lab']

  static override args = {step: Args.string({description: 'Step id or number (default: the first step not done).'})}

  static override flags = {
    lab: Flags.string({description: 'Lab name (default: $KUBELAB_LAB, else the only lab).', helpValue: 'NAME'}),
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Solve)
    const lab = await resolveLab(flags.lab, kubelabHome())
    const scenario = await loadLabScenario(lab)
    const {step, number, total} = resolveStep(scenario, args.step, await readProgress(lab))
    this.log(`Step ${number} of ${total}: ${step.title} (${step.id})`)
    const outcome = await applyStepSolution(lab, scenario, step.id, {onProgress: (message) => this.log(`  ${message}`)})
    if (outcome.note) this.log(`\n${outcome.note}`)
    const verification = await verifyStep(lab, scenario, step.id, {record: false})
    const colour = colourEnabled({env: process.env, isTTY: process.stdout.isTTY})
    const diffs = await stepConfigDiff(lab, scenario, step.id)
    if (diffs.length > 0) this.log(`\nWhat changed since \`kubelab up\`:\n${formatConfigDiffs(diffs, {colour})}`)
    for (const check of verification.checks) this.log(`  ${check.result.status === 'pass' ? 'PASS' : check.result.status.toUpperCase()}  ${check.result.id}: ${check.result.summary}`)
    if (!verification.passed) {
      this.log('The solution is in place but the step does not pass yet; run `kubelab verify` again in a moment.')
      this.exit(1)
    }
    await recordSolved(lab, step.id)
    this.log(`Step ${step.id} is solved (with the reference solution).`)
  }

  protected override async catch(error: Error & {exitCode?: number}): Promise<unknown> {
    exitOnUserError(error, this)
    return super.catch(error)
  }
}
