import {mkdtemp, rm} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {downAllLabs} from '../../src/lab/down.js'
import {compiledKubelab, type CompiledKubelab} from './compiled.js'

/** A temp KUBELAB_HOME that process.env points at, for tests that run kubelab's commands in-process. */
export interface TestLabHome {
  home: string
  compiled: CompiledKubelab
  /** Sets (or, with undefined, unsets) a variable of process.env until `close`. */
  setEnv(name: string, value: string | undefined): void
  /** Stops and removes every lab in the home, removes the home, and gives process.env back its values. */
  close(): Promise<void>
}

/**
 * Makes a temp KUBELAB_HOME and sets KUBELAB_HOME to it, KUBELAB_SIM_DIR to a compiled sim runtime
 * (the sources cannot run the sim's processes themselves), unsets KUBELAB_LAB (a lab the shell may have
 * chosen), and sets `extra` (e.g. NO_COLOR). Call `close` in afterAll.
 */
export async function tempLabHome(prefix: string, extra: Readonly<Record<string, string | undefined>> = {}): Promise<TestLabHome> {
  const compiled = await compiledKubelab()
  const home = await mkdtemp(path.join(os.tmpdir(), prefix))
  const saved = new Map<string, string | undefined>()
  const setEnv = (name: string, value: string | undefined): void => {
    if (!saved.has(name)) saved.set(name, process.env[name])
    if (value === undefined) delete process.env[name]
    else process.env[name] = value
  }
  setEnv('KUBELAB_HOME', home)
  setEnv('KUBELAB_SIM_DIR', compiled.simDir)
  setEnv('KUBELAB_LAB', undefined)
  for (const [name, value] of Object.entries(extra)) setEnv(name, value)
  return {
    home,
    compiled,
    setEnv,
    async close() {
      try {
        await downAllLabs({home, env: {}}).catch(() => undefined)
        await rm(home, {recursive: true, force: true})
      } finally {
        for (const [name, value] of saved) {
          if (value === undefined) delete process.env[name]
          else process.env[name] = value
        }
      }
    },
  }
}
