import {Args, Command, Flags} from '@oclif/core'
import {kubelabHome} from '../lab/home.js'
import {readProgress} from '../lab/progress.js'
import {loadLabScenario, resolveStep} from '../lab/progress-steps.js'
import {resolveLab} from '../lab/registry.js'
import {exitOnLearnerError} from '../lab/progress-errors.js'
import {verifyStep} from '../lab/verify.js'
import {formatVerification} from '../lab/verify-text.js'
import {formatStepDiff, stepDiffOrProblem} from '../lab/verify-diff.js'
import {readableWidth} from '../lesson/render/options.js'
import {colourEnabled} from '../report/colour.js'
import {ExitCode} from '../report/outcome.js'

export default class Verify extends Command {
  static override summary = "Run a step's checks against the lab: pass or fail, configuration and wire, and what is still wrong."

  static override description = `Runs exactly the checks of STEP (an id, or its number; default: the current step, the first one
not done) against the lab, as \`kubelab audit --lab\` does: what the node's files say and what an attacker
sees on the wire. A fix that is in a file but not live yet (the component has not restarted) does not pass,
and the output says which component needs a restart. The run is recorded in the lab's progress; after a
pass, the configuration the step changed is shown as a diff.

Exit status: 0 when every check of the step passes, 1 when one does not, 2 for a usage error.`

  static override examples = ['<%= config.bin %> verify', '<%= config.bin %> verify lock-the-kubelet', '<%= config.bin %> verify 2 --lab second-lab --json']

  static override args = {
    step: Args.string({description: 'Step id or 1-based number (default: the first step not done).'}),
  }

  static override flags = {
    lab: Flags.string({description: 'Lab name (default: $KUBELAB_LAB, else the only lab).', helpValue: 'NAME'}),
    json: Flags.boolean({description: 'Print the result as JSON.'}),
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Verify)
    const lab = await resolveLab(flags.lab, kubelabHome())
    const scenario = await loadLabScenario(lab)
    const {step} = resolveStep(scenario, args.step, await readProgress(lab))
    const verification = await verifyStep(lab, scenario, step.id)
    const diff = verification.passed ? await stepDiffOrProblem(lab, scenario, step.id) : undefined
    const colour = colourEnabled({env: process.env, isTTY: process.stdout.isTTY})
    if (flags.json) {
      this.log(JSON.stringify({...verification, ...(diff ? {changes: diff} : {})}, null, 2))
    } else {
      this.log(formatVerification(verification, {colour, ...(process.stdout.isTTY ? {width: readableWidth(process.stdout.columns)} : {})}).trimEnd())
      if (diff) this.log(`\n${formatStepDiff(diff, {colour}).trimEnd()}`)
    }
    if (!verification.passed) this.exit(ExitCode.checksFailed)
  }

  protected override async catch(error: Error & {exitCode?: number}): Promise<unknown> {
    exitOnLearnerError(error, this)
    return super.catch(error)
  }
}
