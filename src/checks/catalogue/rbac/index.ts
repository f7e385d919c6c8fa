import type {CheckDefinition} from '../../model.js'

export const RBAC_CHECKS: readonly CheckDefinition[] = []
