import {confirm, select} from '@inquirer/prompts'

export interface Choice<T> {
  value: T
  /** The label shown in the menu. */
  name: string
  description?: string
  /** A reason shown instead of letting the choice be picked. */
  disabled?: string
}

/**
 * The questions the walkthrough asks. The terminal implementation uses @inquirer/prompts; tests
 * script the answers. Ctrl-C rejects with an error named "ExitPromptError" (inquirer's own).
 */
export interface Prompter {
  select<T>(message: string, choices: ReadonlyArray<Choice<T>>, options?: {default?: T}): Promise<T>
  confirm(message: string, options?: {default?: boolean}): Promise<boolean>
}

export interface PromptStreams {
  input?: NodeJS.ReadableStream
  output?: NodeJS.WritableStream
  /** Aborting (SIGTERM) rejects the open question with inquirer's AbortPromptError. */
  signal?: AbortSignal
}

export function inquirerPrompter(streams: PromptStreams = {}): Prompter {
  const context = {
    ...(streams.input ? {input: streams.input} : {}),
    ...(streams.output ? {output: streams.output} : {}),
    ...(streams.signal ? {signal: streams.signal} : {}),
  }
  return {
    select: <T>(message: string, choices: ReadonlyArray<Choice<T>>, options: {default?: T} = {}) =>
      select<T>(
        {
          message,
          choices: choices.map((choice) => ({
            value: choice.value,
            name: choice.name,
            ...(choice.description === undefined ? {} : {description: choice.description}),
            ...(choice.disabled === undefined ? {} : {disabled: choice.disabled}),
          })),
          pageSize: 12,
          ...(options.default === undefined ? {} : {default: options.default}),
        },
        context,
      ),
    confirm: (message: string, options: {default?: boolean} = {}) => confirm({message, default: options.default ?? true}, context),
  }
}

/** Ctrl-C in a question (inquirer's ExitPromptError) or an abort while one was open (AbortPromptError). */
export function isPromptInterruption(error: unknown): boolean {
  return error instanceof Error && (error.name === 'ExitPromptError' || error.name === 'AbortPromptError')
}
