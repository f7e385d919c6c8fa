import type {CheckDefinition} from '../../model.js'

export const APISERVER_CHECKS: readonly CheckDefinition[] = []
