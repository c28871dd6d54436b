/**
 * The docker form of a disaggregated node or router: the engine's official image at the plan's release, on
 * the host network (NCCL, DeepEP/NVSHMEM, the KV transfer and the bootstrap server talk across nodes), with
 * the RDMA settings of pd-disaggregation.md §3.4: /dev/infiniband, IPC_LOCK, unlimited locked memory
 * (`--ulimit memlock=-1`), `--ipc host` and a large /dev/shm.
 */
import type {Engine} from '../../constants.js'
import {dockerImage} from '../docker.js'
import {shellLine} from '../shell.js'

export interface PdDockerInput {
  engine: Engine
  engineVersion: string
  /** The host's Hugging Face cache, mounted at /root/.cache/huggingface. */
  hfCachePath: string
  /** Secrets passed by name only. */
  passEnv: readonly string[]
  /** Container name, so that a stop can reach it. */
  name: string
  shmSize?: string
}

export function pdDockerCommand(argv: readonly string[], env: Readonly<Record<string, string>>, input: PdDockerInput): string[] {
  const image = dockerImage(input.engine, input.engineVersion, null)
  const out = ['docker', 'run', '--rm', '--name', input.name, '--gpus', 'all', '--network', 'host', '--ipc', 'host', '--shm-size', input.shmSize ?? '32g']
  out.push('--ulimit', 'memlock=-1', '--cap-add', 'IPC_LOCK', '--device', '/dev/infiniband')
  out.push('-v', `${input.hfCachePath}:/root/.cache/huggingface`)
  for (const name of input.passEnv) out.push('-e', name)
  for (const [name, value] of Object.entries(env).sort(([a], [b]) => a.localeCompare(b))) out.push('-e', `${name}=${value}`)
  // The images' entrypoints differ (vllm/vllm-openai runs `vllm serve`): name the program, and run routers through a shell-free entrypoint too.
  out.push('--entrypoint', argv[0], image, ...argv.slice(1))
  return out
}

/** The same as one line, for people. */
export function pdDockerLine(argv: readonly string[], env: Readonly<Record<string, string>>, input: PdDockerInput): string {
  return shellLine({argv: pdDockerCommand(argv, env, input), env: {}, passEnv: [...input.passEnv]})
}
