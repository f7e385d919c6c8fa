import type {CheckDefinition} from '../../model.js'

export const KUBELET_CHECKS: readonly CheckDefinition[] = []
