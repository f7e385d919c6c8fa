import type {CheckDefinition} from '../../model.js'
import {leastPrivilegeCheck} from './least-privilege.js'

export const RBAC_CHECKS: readonly CheckDefinition[] = [leastPrivilegeCheck]
