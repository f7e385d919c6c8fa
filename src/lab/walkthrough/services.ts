import type {Lesson} from '../../lesson/model.js'
import type {Scenario} from '../../scenario/schema.js'
import type {Lab} from '../registry.js'
import type {ConfigDiff} from '../solution/diff.js'


/**
 * What the walkthrough uses from the lesson and solution layers. `defaultServices` wires the real
 * ones; the seam exists so each layer's module loads only when the walkthrough needs it.
 */
export interface WalkthroughServices {
  findLesson(id: string): Promise<Lesson>
  renderMarkdown(markdown: string, options: {width: number; colour: boolean}): string
  applyStepSolution(lab: Lab, scenario: Scenario, stepId: string, options: {onProgress: (message: string) => void}): Promise<unknown>
  stepConfigDiff(lab: Lab, scenario: Scenario, stepId: string): Promise<ConfigDiff[]>
}
