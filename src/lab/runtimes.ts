import {createKindRuntime, type KindRuntimeOptions} from '../runtimes/kind/kind-runtime.js'
import {createSimRuntime, type SimRuntimeOptions} from '../runtimes/sim/lab.js'
import type {LabRuntime, RuntimeName} from '../runtimes/types.js'

export interface RuntimeOptions {
  sim?: SimRuntimeOptions
  kind?: KindRuntimeOptions
}

export function runtimeFor(name: RuntimeName, options: RuntimeOptions = {}): LabRuntime {
  return name === 'sim' ? createSimRuntime(options.sim) : createKindRuntime(options.kind)
}
