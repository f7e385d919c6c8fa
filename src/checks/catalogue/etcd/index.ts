import type {CheckDefinition} from '../../model.js'

export const ETCD_CHECKS: readonly CheckDefinition[] = []
