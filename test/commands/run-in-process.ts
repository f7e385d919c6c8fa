import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {jest} from '@jest/globals'

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

export interface CommandRun {
  /** What the process would exit with: 0, or the oclif exit code carried by the error the command threw. */
  exitCode: number
  stdout: string
  /** What the command wrote to stderr itself (this.logToStderr). */
  stderr: string
  /** The message of the error the command ended with, which oclif's handler prints unless it is an exit. */
  errorMessage?: string
}

interface CommandClass {
  run(argv: string[], root: string): Promise<unknown>
}

/**
 * Runs an oclif command class from the TypeScript source, without a build: oclif's own Command.run with the
 * project's package.json as config. Output written through this.log / this.logToStderr (console.log / console.error)
 * is captured.
 * Command.catch sets process.exitCode as a side effect; it is restored so the test process is not marked failed.
 */
export async function runInProcess(command: CommandClass, argv: string[]): Promise<CommandRun> {
  const stdout: string[] = []
  const stderr: string[] = []
  const log = jest.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    stdout.push(args.map(String).join(' '))
  })
  const logError = jest.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
    stderr.push(args.map(String).join(' '))
  })
  const savedExitCode = process.exitCode
  try {
    await command.run(argv, PROJECT_ROOT)
    return {exitCode: 0, stdout: stdout.join('\n'), stderr: stderr.join('\n')}
  } catch (error) {
    const oclif = (error as {oclif?: {exit?: number}}).oclif
    return {exitCode: oclif?.exit ?? 1, stdout: stdout.join('\n'), stderr: stderr.join('\n'), errorMessage: (error as Error).message}
  } finally {
    log.mockRestore()
    logError.mockRestore()
    process.exitCode = savedExitCode
  }
}
