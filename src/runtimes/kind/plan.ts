import type {Scenario} from '../../scenario/schema.js'
import type {LabPorts} from '../types.js'
import {kindConfigFor, type KindLabConfig} from './config/generate.js'
import {KindPreflightError} from './errors.js'
import {imageKubernetesVersion, KIND_NODE_IMAGES, MODERN_KIND_NODE_IMAGE, pinnedImageFor, type KindNodeImage} from './images.js'
import {kindNamesFor, type KindInsecurePortVariant, type KindNames} from './types.js'

/** The kind-only choices a learner makes on `kubelab up`. */
export interface KindLabChoices {
  /** Host side of the port mappings on every interface (workshops); default 127.0.0.1 only. */
  expose?: boolean
  /** Run an insecure-port scenario on a modern node image with the kubectl proxy stand-in. */
  insecurePortStandIn?: boolean
  /** A node image of the user's own instead of the pinned one (its tag must name the Kubernetes version). */
  nodeImage?: string
}

/** Everything `up` will do for a kind lab, decided before anything runs; `up --dry-run` prints it. */
export interface KindLabPlan {
  names: KindNames
  image: KindNodeImage
  insecurePort?: KindInsecurePortVariant
  exposed: boolean
  config: KindLabConfig
}

/** Whether the scenario opens the API server's insecure port. */
export function opensInsecurePort(scenario: Scenario): boolean {
  return Number(scenario.misconfigurations.apiserver.setFlags['insecure-port'] ?? 0) > 0
}

/**
 * The node image: the user's, else the stand-in's modern image, else the pinned image of the
 * scenario's minor release. The insecure port is real exactly when the image is 1.19.
 */
export function chooseKindImage(scenario: Scenario, choices: KindLabChoices): {image: KindNodeImage; insecurePort?: KindInsecurePortVariant} {
  let image: KindNodeImage | undefined
  if (choices.nodeImage !== undefined) {
    const version = imageKubernetesVersion(choices.nodeImage)
    if (version === undefined) {
      throw new KindPreflightError(`--node-image ${choices.nodeImage} does not name its Kubernetes version in its tag`, 'Name an image tagged like kindest/node:v1.34.0 (add @sha256:<digest> to pin it).')
    }
    image = {kubernetesVersion: version, reference: choices.nodeImage, builtByKind: 'unknown'}
  } else if (choices.insecurePortStandIn) {
    image = MODERN_KIND_NODE_IMAGE
  } else {
    image = pinnedImageFor(scenario.kubernetesVersion)
  }
  if (image === undefined) {
    throw new KindPreflightError(
      `scenario ${scenario.id} is for Kubernetes ${scenario.kubernetesVersion}, and kubelab pins no kind node image of that release (it pins ${KIND_NODE_IMAGES.map((item) => item.kubernetesVersion).join(', ')})`,
      'Pass --node-image kindest/node:v<version>@sha256:<digest> from the kind release notes, or use --runtime sim.',
    )
  }
  if (!opensInsecurePort(scenario)) return {image}
  // 1.19 is the last release whose API server serves the insecure port (1.20 refuses a non-zero --insecure-port).
  const minor = Number(image.kubernetesVersion.split('.')[1])
  return {image, insecurePort: minor <= 19 ? 'real' : 'proxy-stand-in'}
}

export function planKindLab(labName: string, scenario: Scenario, ports: LabPorts, choices: KindLabChoices = {}): KindLabPlan {
  const names = kindNamesFor(labName)
  const {image, insecurePort} = chooseKindImage(scenario, choices)
  const exposed = choices.expose === true
  const config = kindConfigFor(scenario, {names, ports, image, expose: exposed, ...(insecurePort ? {insecurePort} : {})})
  return {names, image, exposed, config, ...(insecurePort ? {insecurePort} : {})}
}
