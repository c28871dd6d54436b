/**
 * `docker run` for an engine command: the official images at the target version, or the Jetson images.
 * Sources: engines.md §1.2 (SGLang docker), §1.7 and §2.8 (Jetson), §2.3 (vLLM images).
 */
import type {Engine} from '../constants.js'
import {R1Error} from '../errors.js'
import type {CommandSpec, NodeCommand} from '../planner/plan.schema.js'
import {shellLine} from './shell.js'
import type {Jetson} from './tuning.js'
import {publishedImage} from './docker-tags.js'
import {resolveRelease} from './versions.js'

export interface DockerInput {
  engine: Engine
  engineVersion: string
  /** Jetson Orin or Thor (jetsonKind(computeCapability)); null for a discrete GPU. */
  jetson: Jetson | null
  /** The host's Hugging Face cache, mounted at /root/.cache/huggingface. */
  hfCachePath: string
  port: number
  /** --shm-size, e.g. "32g" (the SGLang DeepSeek example). */
  shmSize?: string
  /** Secrets to pass by name (-e NAME, never a value); defaults to spec.passEnv. */
  passEnv?: string[]
  /** Which node of a several-node spec (default: the head). */
  node?: number
}

const JETSON_IMAGES: Record<Jetson, Record<Engine, string | null>> = {
  // engines.md §1.7: jetson-containers' SGLang build for JetPack 6 (L4T r36.4); §2.8: NVIDIA AI-IoT vLLM images.
  orin: {sglang: 'dustynv/sglang:r36.4.0', vllm: 'ghcr.io/nvidia-ai-iot/vllm:latest-jetson-orin'},
  // SGLang on Thor is not documented (engines.md §0).
  thor: {sglang: null, vllm: 'ghcr.io/nvidia-ai-iot/vllm:latest-jetson-thor'},
}

/**
 * The image for an engine version: the published tag of the release the command is built for (docker-tags.ts), e.g.
 * `lmsysorg/sglang:v0.5.14`, `lmsysorg/sglang:v0.4.6.post4-cu124`, `vllm/vllm-openai:v0.20.1`. A version r1 does not
 * know gets the release its command is built for (the nearest known below it, the newest for a newer one).
 */
export function dockerImage(engine: Engine, engineVersion: string, jetson: Jetson | null): string {
  if (jetson) {
    const image = JETSON_IMAGES[jetson][engine]
    if (!image) {
      throw new R1Error('R1_USAGE', `no ${engine} container is documented for Jetson ${jetson === 'thor' ? 'Thor' : 'Orin'}`, {
        suggestions: ['use --engine vllm (ghcr.io/nvidia-ai-iot/vllm:latest-jetson-thor)'],
      })
    }

    return image
  }

  const {release} = resolveRelease(engine, engineVersion)
  const image = publishedImage(engine, release)
  if (!image) throw new R1Error('R1_BUG', `no published ${engine} image is known for ${release} (src/core/engines/docker-tags.ts)`)
  return image
}

function pickNode(spec: CommandSpec, index: number | undefined): Pick<NodeCommand, 'argv' | 'before' | 'env'> {
  if (spec.nodes.length === 0) return {argv: spec.argv, before: [], env: spec.env}
  const node = spec.nodes[index ?? 0]
  if (!node) throw new R1Error('R1_USAGE', `the plan has ${spec.nodes.length} nodes; there is no node ${index}`)
  return node
}

/** `docker run …` as argv. Secrets appear as `-e NAME` only; the values come from the caller's environment. */
export function dockerCommand(spec: CommandSpec, input: DockerInput): string[] {
  const node = pickNode(spec, input.node)
  const several = spec.nodes.length > 1
  const image = dockerImage(input.engine, input.engineVersion, input.jetson)
  const argv = ['docker', 'run', '--rm']
  argv.push(...(input.jetson ? ['--runtime', 'nvidia'] : ['--gpus', 'all']))
  argv.push('--ipc=host', '--shm-size', input.shmSize ?? '32g')
  // Several nodes talk NCCL/Gloo/Ray over the host network; one node only publishes the API port.
  if (several || input.jetson) argv.push('--network', 'host')
  else argv.push('-p', `${input.port}:${input.port}`)
  argv.push('-v', `${input.hfCachePath}:/root/.cache/huggingface`)
  for (const name of input.passEnv ?? spec.passEnv) argv.push('-e', name)
  for (const [name, value] of Object.entries(node.env).sort(([a], [b]) => a.localeCompare(b))) argv.push('-e', `${name}=${value}`)

  if (node.before.length > 0) {
    // `ray start --head` must run before `vllm serve` in the same container.
    const script = [...node.before.map((cmd) => shellLine({argv: cmd, env: {}, passEnv: []})), `exec ${shellLine({argv: node.argv, env: {}, passEnv: spec.passEnv})}`].join(' && ')
    argv.push('--entrypoint', '/bin/sh', image, '-c', script)
    return argv
  }

  // The vllm/vllm-openai entrypoint changed over time (api_server, then `vllm serve`): name the binary.
  if (input.engine === 'vllm' && !input.jetson) {
    argv.push('--entrypoint', node.argv[0], image, ...node.argv.slice(1))
    return argv
  }

  argv.push(image, ...node.argv)
  return argv
}
