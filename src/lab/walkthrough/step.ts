import type {Lesson, LessonStep} from '../../lesson/model.js'
import type {Scenario} from '../../scenario/schema.js'
import {hintStatuses, takeNextHint} from '../progress-hints.js'
import {readProgress, recordQuizAnswer, recordSolutionUsed, recordStepStarted, stepProgressOf, type Clock} from '../progress.js'
import type {NumberedStep} from '../progress-steps.js'
import type {Lab} from '../registry.js'
import {verifyStep, type StepVerification, type VerifyOptions} from '../verify.js'
import {formatStepDiff, stepDiffOrProblem} from '../verify-diff.js'
import {formatVerification} from '../verify-text.js'
import type {Prompter} from './prompter.js'
import type {CommandRunner} from './run-command.js'
import type {Screen} from './screen.js'
import type {WalkthroughServices} from './services.js'

export interface StepContext {
  lab: Lab
  scenario: Scenario
  lesson: Lesson
  prompter: Prompter
  screen: Screen
  services: WalkthroughServices
  runner: CommandRunner
  commandTimeoutMs: number
  verify: VerifyOptions
  clock: Clock
  /** Throws WalkthroughInterruptedError once Ctrl-C has arrived outside a question. */
  checkInterrupt(): void
}

type MenuAction = 'verify' | 'hint' | 'attack' | 'solution' | 'quit'

/**
 * One step: its prose with the attack commands offered to run, then the menu until the step's
 * checks pass ('done') or the learner saves and quits ('quit'). Every action is in progress.json
 * before the next question is asked.
 */
export async function walkStep(context: StepContext, numberedStep: NumberedStep, lessonStep: LessonStep): Promise<'done' | 'quit'> {
  const {screen, prompter, lab} = context
  const {step, number, total} = numberedStep
  await recordStepStarted(lab, step.id, context.clock)
  screen.heading(`Step ${number} of ${total} · ${lessonStep.heading}`)
  for (const block of lessonStep.blocks) {
    if (block.kind === 'markdown') screen.markdown(block.text)
    else if (block.kind === 'fix') {
      screen.command(block.command.script, 'fix (changes the lab: run it yourself, in another terminal)')
      screen.line()
    } else {
      screen.command(block.command.script, 'try')
      if (await prompter.confirm('Run it now?', {default: true})) await runCommand(context, block.command.script)
      screen.line()
    }
  }
  screen.line()
  screen.line(
    screen.style.dim(
      `Make the fix in another terminal (\`eval "$(kubelab env ${lab.name})"\` gives it this lab's variables; \`kubelab edit\` opens a component's file), then choose Verify.`,
    ),
  )

  for (;;) {
    const action = await prompter.select<MenuAction>(`Step ${number} of ${total}: what next?`, await menu(context, step.id, lessonStep))
    context.checkInterrupt()
    switch (action) {
      case 'verify': {
        const verification = await verify(context, step.id)
        if (verification.passed) {
          await afterPass(context, step.id, lessonStep)
          return 'done'
        }
        screen.line('Fix what is still wrong above, then verify again.')
        break
      }
      case 'hint':
        await showHint(context, step.id, lessonStep)
        break
      case 'attack':
        for (const command of lessonStep.tries) {
          screen.command(command.script, 'try')
          await runCommand(context, command.script)
        }
        break
      case 'solution':
        if (await showSolution(context, step.id, lessonStep)) return 'done'
        break
      case 'quit':
        return 'quit'
    }
  }
}

async function menu(context: StepContext, stepId: string, lessonStep: LessonStep): Promise<{value: MenuAction; name: string; disabled?: string}[]> {
  const hints = await hintStatuses(context.lab, stepId, lessonStep.hints)
  const left = hints.filter((hint) => !hint.taken)
  const hint =
    left[0] === undefined
      ? {value: 'hint' as const, name: 'Show a hint', disabled: hints.length === 0 ? '(this step has no hints)' : '(no hints left)'}
      : {value: 'hint' as const, name: `Show a hint (−${left[0].cost} points, ${left.length} left)`}
  return [
    {value: 'verify', name: 'Verify my fix'},
    hint,
    ...(lessonStep.tries.length > 0 ? [{value: 'attack' as const, name: 'Run the attack again'}] : []),
    {value: 'solution', name: 'Show the solution (−all points for this step)'},
    {value: 'quit', name: 'Save and quit'},
  ]
}

async function runCommand(context: StepContext, script: string): Promise<void> {
  const run = await context.runner.run(script)
  context.checkInterrupt()
  context.screen.commandOutput(run, context.commandTimeoutMs)
}

async function verify(context: StepContext, stepId: string): Promise<StepVerification> {
  context.screen.line('Running the step’s checks against the lab…')
  const verification = await verifyStep(context.lab, context.scenario, stepId, {...context.verify, ...context.clock})
  context.checkInterrupt()
  context.screen.line()
  context.screen.text(formatVerification(verification, {colour: context.screen.colour, width: context.screen.width}))
  return verification
}

async function showHint(context: StepContext, stepId: string, lessonStep: LessonStep): Promise<void> {
  const hint = await takeNextHint(context.lab, stepId, lessonStep.hints, context.clock)
  if (!hint) return
  context.screen.line(context.screen.style.bold(`Hint ${hint.number} of ${hint.total} (−${hint.cost} points):`))
  context.screen.markdown(hint.text)
}

/** Applies the reference solution after a confirmation; the step is done only if its checks then pass. */
async function showSolution(context: StepContext, stepId: string, lessonStep: LessonStep): Promise<boolean> {
  const {screen} = context
  const sure = await context.prompter.confirm('Apply the reference solution to the lab? This step then scores 0 points.', {default: false})
  if (!sure) return false
  await recordSolutionUsed(context.lab, stepId, context.clock)
  screen.line('Applying the reference solution…')
  await context.services.applyStepSolution(context.lab, context.scenario, stepId, {onProgress: (message) => screen.line(`  ${message}`)})
  context.checkInterrupt()
  const verification = await verify(context, stepId)
  if (!verification.passed) {
    screen.line('The reference solution is in place but the checks above do not pass yet (a component may still be restarting). Verify again in a moment.')
    return false
  }
  await afterPass(context, stepId, lessonStep)
  return true
}

/** The configuration the step changed, then the step's quizzes. */
async function afterPass(context: StepContext, stepId: string, lessonStep: LessonStep): Promise<void> {
  const {screen} = context
  const diff = await stepDiffOrProblem(context.lab, context.scenario, stepId, context.services.stepConfigDiff)
  screen.line()
  screen.text(formatStepDiff(diff, {colour: screen.colour}))
  const answered = new Set(stepProgressOf(await readProgress(context.lab), stepId).quizzes.map((answer) => answer.index))
  for (const [index, quiz] of lessonStep.quizzes.entries()) {
    if (answered.has(index)) continue
    const choice = await context.prompter.select(
      `Quiz: ${quiz.question}`,
      quiz.choices.map((text, choiceIndex) => ({value: choiceIndex + 1, name: text})),
    )
    const correct = choice === quiz.answer
    await recordQuizAnswer(context.lab, stepId, index, choice, correct, context.clock)
    screen.line(correct ? screen.style.green('Right.') : screen.style.yellow(`Not quite: the answer is “${quiz.choices[quiz.answer - 1] ?? ''}”.`))
    if (quiz.explain) screen.markdown(quiz.explain)
  }
  screen.line(screen.style.green(`Step done. Progress saved.`))
}
