import {Command, Flags} from '@oclif/core'
import {kubelabHome} from '../lab/home.js'
import {readProgress, recordStepReset} from '../lab/progress.js'
import {loadLabScenario, resolveStep} from '../lab/progress-steps.js'
import {resolveLab} from '../lab/registry.js'
import {resetLab, resetStep} from '../lab/solution/reset.js'
import {exitOnUserError} from '../lab/user-errors.js'

export default class Reset extends Command {
  static override summary = "Put a step's misconfiguration back (or the whole lab's)."

  static override description = `--step STEP: every flag, kubelet setting and RBAC object that STEP's reference solution touches gets back the value it had right after \`kubelab up\` (or is removed when it had none); everything else stays as you have it. Components restart as needed.

Without --step: every configuration file back as \`kubelab up\` wrote it, and the scenario's RBAC objects as the scenario has them. Nothing is asked; what changed is printed.`

  static override examples = ['<%= config.bin %> reset --step close-insecure-port', '<%= config.bin %> reset --step 2 --lab second-lab', '<%= config.bin %> reset']

  static override flags = {
    step: Flags.string({description: 'Step id or number to reset (default: all of them).', helpValue: 'STEP'}),
    lab: Flags.string({description: 'Lab name (default: $KUBELAB_LAB, else the only lab).', helpValue: 'NAME'}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Reset)
    const lab = await resolveLab(flags.lab, kubelabHome())
    const scenario = await loadLabScenario(lab)
    const onProgress = (message: string): void => this.log(`  ${message}`)
    if (flags.step === undefined) {
      const outcome = await resetLab(lab, scenario, {onProgress})
      for (const stepId of outcome.stepIds) await recordStepReset(lab, stepId)
      this.log(outcome.changes.length === 0 ? `Lab ${lab.name} was already as \`kubelab up\` made it.` : `Lab ${lab.name} is back to its misconfiguration (${outcome.changes.length} change(s)).`)
      return
    }
    const {step} = resolveStep(scenario, flags.step, await readProgress(lab))
    const outcome = await resetStep(lab, scenario, step.id, {onProgress})
    await recordStepReset(lab, step.id)
    this.log(outcome.changes.length === 0 ? `Step ${step.id} was already misconfigured as the scenario has it.` : `Step ${step.id} is open again (${outcome.changes.length} change(s)).`)
  }

  protected override async catch(error: Error & {exitCode?: number}): Promise<unknown> {
    exitOnUserError(error, this)
    return super.catch(error)
  }
}
