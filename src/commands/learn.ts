import {Args, Command, Flags} from '@oclif/core'
import {readableWidth} from '../lesson/render/options.js'
import {onInterrupt} from '../lab/interrupt.js'
import {exitOnLearnerError} from '../lab/progress-errors.js'
import {UP_RUNTIME_CHOICES} from '../lab/runtime-choice.js'
import {defaultServices} from '../lab/walkthrough/default-services.js'
import {RESUME_MESSAGE, WalkthroughInterruptedError} from '../lab/walkthrough/errors.js'
import {inquirerPrompter, isPromptInterruption} from '../lab/walkthrough/prompter.js'
import {runWalkthrough} from '../lab/walkthrough/walkthrough.js'
import {colourEnabled} from '../report/colour.js'

export default class Learn extends Command {
  static override summary = 'Learn by doing: attack a misconfigured lab, harden it step by step, and verify each step.'

  static override description = `Walks you through a scenario's lesson in the terminal. Pick a scenario (or name it); its lab is
created if there is none, and an existing one resumes at the first step not done. Each step: read
what is wrong, run the attack against the lab, make the fix (in another terminal), then verify — both
sides of every check, configuration and wire, pass or fail, and what is still wrong. Hints cost points
(the cost is shown before you take one); quizzes follow each step.

Progress is saved after every action; Ctrl-C at any point keeps it, and \`kubelab learn\` continues.

Exit status: 0 when the walkthrough ends (finished, or Save and quit), 1 on an error, 2 for a usage
error, 130 when interrupted.`

  static override examples = ['<%= config.bin %> learn', '<%= config.bin %> learn all-open', '<%= config.bin %> learn kubelet-anonymous --random-ports']

  static override args = {
    scenario: Args.string({description: 'Scenario id (default: choose from a list).'}),
  }

  static override flags = {
    runtime: Flags.option({options: UP_RUNTIME_CHOICES, default: 'sim' as const, description: 'Runtime for a lab that has to be created: sim, kind, or auto.'})(),
    'random-ports': Flags.boolean({description: 'When creating the lab, take every port from the OS and leave the real ones alone.'}),
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Learn)
    const interrupt = onInterrupt()
    try {
      await runWalkthrough({
        ...(args.scenario === undefined ? {} : {scenario: args.scenario}),
        prompter: inquirerPrompter({signal: interrupt.signal}),
        write: (text) => process.stdout.write(text),
        width: readableWidth(process.stdout.columns),
        colour: colourEnabled({env: process.env, isTTY: process.stdout.isTTY}),
        services: defaultServices(),
        signal: interrupt.signal,
        interruptedBy: interrupt.received,
        up: {runtime: flags.runtime, portPolicy: flags['random-ports'] ? 'any-free' : 'real-when-free'},
      })
    } catch (error) {
      if (isPromptInterruption(error)) throw new WalkthroughInterruptedError(interrupt.received() ?? 'SIGINT')
      throw error
    } finally {
      interrupt.dispose()
    }
  }

  protected override async catch(error: Error & {exitCode?: number}): Promise<unknown> {
    if (error instanceof WalkthroughInterruptedError) {
      this.logToStderr(`\n${RESUME_MESSAGE}`)
      this.exit(error.exitCode)
    }
    exitOnLearnerError(error, this)
    return super.catch(error)
  }
}
