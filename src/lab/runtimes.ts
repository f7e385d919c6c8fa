import {createSimRuntime, type SimRuntimeOptions} from '../runtimes/sim/lab.js'
import type {LabRuntime, RuntimeName} from '../runtimes/types.js'
import {RuntimeUnavailableError} from './errors.js'

export interface RuntimeOptions {
  sim?: SimRuntimeOptions
}

export function runtimeFor(name: RuntimeName, options: RuntimeOptions = {}): LabRuntime {
  if (name === 'sim') return createSimRuntime(options.sim)
  throw new RuntimeUnavailableError('the kind runtime is not part of this kubelab yet (it arrives in a later release). Use --runtime sim.')
}
