import type {Lesson, LessonStep} from '../../lesson/model.js'
import type {Scenario} from '../../scenario/schema.js'
import {kubelabHome, type Environment} from '../home.js'
import {currentStep, isDone, readProgress, stepProgressOf, type Clock, type Progress} from '../progress.js'
import {SCORE_RULES_TEXT} from '../progress-score.js'
import {numbered} from '../progress-steps.js'
import {formatDuration, formatProgress, progressView} from '../progress-text.js'
import type {Lab} from '../registry.js'
import {WalkthroughInterruptedError} from './errors.js'
import {lessonFacts, lessonStepsOf} from './lesson-steps.js'
import {chooseScenario, labForScenario, type LearnUpOptions} from './lab-choice.js'
import type {Prompter} from './prompter.js'
import {commandRunner, DEFAULT_COMMAND_TIMEOUT_MS, type CommandRunnerOptions} from './run-command.js'
import {Screen} from './screen.js'
import type {WalkthroughServices} from './services.js'
import {walkStep, type StepContext} from './step.js'

export interface WalkthroughOptions extends Clock {
  /** SCENARIO from the command line; without it the learner picks one. */
  scenario?: string
  prompter: Prompter
  write: (text: string) => void
  width: number
  colour: boolean
  services: WalkthroughServices
  /** Default: kubelabHome(env). */
  home?: string
  env?: Environment
  /** Aborted by Ctrl-C outside a question (see onInterrupt): what runs stops, and the walkthrough ends with progress saved. */
  signal?: AbortSignal
  interruptedBy?: () => NodeJS.Signals | undefined
  up?: LearnUpOptions
  commands?: Pick<CommandRunnerOptions, 'kubelabCommand' | 'timeoutMs' | 'maxLines'>
  /** Per probe, when verifying. */
  probeTimeoutMs?: number
}

export interface WalkthroughOutcome {
  lab: Lab
  scenario: Scenario
  /** finished: every step is done; quit: the learner chose Save and quit. */
  ending: 'finished' | 'quit'
  progress: Progress
}

/**
 * `kubelab learn`: the scenario's lab (created if needed), its lesson's introduction, then each step
 * not done yet — read, attack, harden, verify, quiz — and a summary at the end. It resumes at the
 * first step not done. Verdicts come only from the step's checks.
 */
export async function runWalkthrough(options: WalkthroughOptions): Promise<WalkthroughOutcome> {
  const env = options.env ?? process.env
  const home = options.home ?? kubelabHome(env)
  const clock: Clock = options.now ? {now: options.now} : {}
  const screen = new Screen({write: options.write, width: options.width, colour: options.colour, renderMarkdown: options.services.renderMarkdown})
  const checkInterrupt = (): void => {
    if (options.signal?.aborted) throw new WalkthroughInterruptedError(options.interruptedBy?.() ?? 'SIGINT')
  }

  const scenario = await chooseScenario(options.scenario, options.prompter, home, options.up?.scenariosDir)
  const lesson = await options.services.findLesson(scenario.lesson)
  const lessonSteps = lessonStepsOf(lesson, scenario)
  const {lab, created} = await labForScenario(scenario, {
    home,
    env,
    screen,
    ...(options.signal ? {signal: options.signal} : {}),
    ...(options.interruptedBy ? {interruptedBy: options.interruptedBy} : {}),
    ...(options.up ? {up: options.up} : {}),
  })
  checkInterrupt()

  let progress = await readProgress(lab, clock)
  const started = Object.keys(progress.steps).length > 0
  const current = currentStepNumber(scenario, progress)
  screen.heading(lesson.title)
  if (started && current !== undefined) {
    screen.line(screen.style.bold(`Welcome back — step ${current} of ${scenario.steps.length}.`))
  } else if (!started) {
    if (lesson.kubernetes) {
      screen.line(screen.style.dim(`Facts checked for Kubernetes ${lesson.kubernetes}. This lab runs Kubernetes ${lab.record.kubernetesVersion}.`))
      screen.line()
    }
    screen.markdown(lesson.intro)
    screen.line()
    screen.line(screen.style.dim(SCORE_RULES_TEXT))
    if (!created) screen.line(screen.style.dim(`Working on the existing lab ${lab.name}.`))
  }

  const runner = await commandRunner(lab, {env, ...options.commands, ...(options.signal ? {signal: options.signal} : {})})
  try {
    const context: StepContext = {
      lab,
      scenario,
      lesson,
      prompter: options.prompter,
      screen,
      services: options.services,
      runner,
      commandTimeoutMs: options.commands?.timeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS,
      verify: {env, ...(options.probeTimeoutMs === undefined ? {} : {timeoutMs: options.probeTimeoutMs})},
      clock,
      checkInterrupt,
    }
    for (const step of scenario.steps) {
      if (isDone(stepProgressOf(await readProgress(lab, clock), step.id).status)) continue
      const lessonStep = lessonSteps.get(step.id) as LessonStep
      const result = await walkStep(context, numbered(scenario, step), lessonStep)
      checkInterrupt()
      if (result === 'quit') return await quit(screen, lab, scenario, clock)
      const next = currentStepNumber(scenario, await readProgress(lab, clock))
      if (next !== undefined && !(await options.prompter.confirm(`Go on to step ${next} of ${scenario.steps.length}?`, {default: true}))) {
        return await quit(screen, lab, scenario, clock)
      }
    }
  } finally {
    await runner.close()
  }

  progress = await readProgress(lab, clock)
  screen.heading('Done: every step passes')
  screen.text(summary(scenario, progress, lesson, options.colour))
  screen.markdown(lesson.closing)
  return {lab, scenario, ending: 'finished', progress}
}

async function quit(screen: Screen, lab: Lab, scenario: Scenario, clock: Clock): Promise<WalkthroughOutcome> {
  screen.line()
  screen.line(`Progress saved — run \`kubelab learn ${scenario.id}\` to continue (the lab keeps running; \`kubelab down ${lab.name}\` removes it).`)
  return {lab, scenario, ending: 'quit', progress: await readProgress(lab, clock)}
}

/** 1-based number of the first step not done, or undefined when every step is. */
function currentStepNumber(scenario: Scenario, progress: Progress): number | undefined {
  const step = currentStep(scenario, progress)
  return step ? scenario.steps.indexOf(step) + 1 : undefined
}

/** Score, hints and time for the whole lab, then the per-step table of `kubelab progress`. */
export function summary(scenario: Scenario, progress: Progress, lesson: Lesson, colour: boolean): string {
  const view = progressView(scenario, progress, lessonFacts(lesson))
  const hints = view.steps.reduce((sum, step) => sum + step.hintsTaken, 0)
  const hintPoints = view.steps.reduce((sum, step) => sum + step.hintPoints, 0)
  const time = view.steps.reduce((sum, step) => sum + (step.durationMs ?? 0), 0)
  return [
    `Score: ${view.score.points} of ${view.score.max} points · hints taken: ${hints}${hintPoints > 0 ? ` (−${hintPoints} points)` : ''} · time on the steps: ${formatDuration(time)}`,
    '',
    formatProgress(view, {colour}).trimEnd(),
    '',
  ].join('\n')
}
