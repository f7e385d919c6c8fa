import type {Scenario} from '../../scenario/schema.js'
import {seedObjects, type SeedSummary} from '../shared/seed.js'
import type {ApiClient} from '../shared/api-client.js'
import {mintLegacyServiceAccountToken} from './apiserver/service-account-tokens.js'

export interface SeedKeys {
  /** PEM of /etc/kubernetes/pki/sa.key: service-account-token secrets are signed with it. */
  serviceAccountKey: string
  /** PEM of /etc/kubernetes/pki/ca.crt: the token controller puts it into each token secret as ca.crt. */
  clusterCa: string
}

/**
 * The scenario's objects (runtimes/shared/seed.ts), with each kubernetes.io/service-account-token
 * Secret filled in as the token controller fills it, which the sim does not run: a legacy token
 * signed with sa.key for the account's uid, the cluster CA and the namespace.
 */
export function seedScenario(client: ApiClient, scenario: Scenario, keys: SeedKeys): Promise<SeedSummary> {
  return seedObjects(client, scenario, async (secret, serviceAccountUid) => {
    const serviceAccountName = secret.serviceAccountName ?? ''
    const token = await mintLegacyServiceAccountToken({
      signingKey: keys.serviceAccountKey,
      namespace: secret.namespace,
      serviceAccountName,
      serviceAccountUid,
      secretName: secret.name,
    })
    return {'ca.crt': keys.clusterCa, namespace: secret.namespace, token}
  })
}
