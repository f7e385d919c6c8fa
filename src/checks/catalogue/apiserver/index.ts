import type {CheckDefinition} from '../../model.js'
import {anonymousAuthCheck} from './anonymous-auth.js'
import {anonymousRbacCheck} from './anonymous-rbac.js'
import {authorizationModeCheck} from './authorization-mode.js'
import {etcdTlsCheck} from './etcd-tls.js'
import {insecurePortCheck} from './insecure-port.js'
import {kubeletTlsCheck} from './kubelet-tls.js'
import {profilingCheck} from './profiling.js'

export const APISERVER_CHECKS: readonly CheckDefinition[] = [
  insecurePortCheck,
  anonymousAuthCheck,
  authorizationModeCheck,
  anonymousRbacCheck,
  kubeletTlsCheck,
  etcdTlsCheck,
  profilingCheck,
]
