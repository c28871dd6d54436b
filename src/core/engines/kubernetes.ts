/**
 * A LeaderWorkerSet (leaderworkerset.x-k8s.io/v1) for a plan: one group of `nodes` pods, the leader serves the API.
 * This is how both engines document multi-node serving on Kubernetes (vLLM docs "LeaderWorkerSet", SGLang
 * docs "Deploy on Kubernetes with LWS"). LWS gives every pod LWS_LEADER_ADDRESS and LWS_WORKER_INDEX.
 * Returns a plain object; the caller turns it into YAML (core does not import `yaml`).
 */
import type {NodeCommand} from '../planner/plan.schema.js'
import {buildEngine} from './build.js'
import type {EngineBuildInput} from './common.js'
import {envRef, shellLine} from './shell.js'

export interface KubernetesInput extends EngineBuildInput {
  /** metadata.name (lower-case DNS label). */
  name: string
  image: string
  /** Size of the memory-backed /dev/shm volume. */
  shmSize?: string
  /** Secret that holds the passEnv values, one key per variable name (HF_TOKEN, the API key). */
  secretName?: string
  /** Host directory with the Hugging Face cache; omitted → the pod downloads into its own filesystem. */
  hfCacheHostPath?: string | null
}

type Json = boolean | number | string | null | Json[] | {[key: string]: Json}
export type LeaderWorkerSet = {[key: string]: Json}

const LEADER = 'LWS_LEADER_ADDRESS'
const INDEX = 'LWS_WORKER_INDEX'
const START_RANK = 'R1_DP_START_RANK'

function valueAfter(argv: string[], flag: string): number {
  const i = argv.indexOf(flag)
  return i === -1 ? -1 : i + 1
}

/** The node-1 command with its rank-dependent values replaced by the pod's own index. */
function workerScript(node: NodeCommand, passEnv: string[]): string {
  const argv = [...node.argv]
  const prefix: string[] = []
  const rankAt = valueAfter(argv, '--node-rank')
  if (rankAt > 0) argv[rankAt] = envRef(INDEX)
  const startAt = valueAfter(argv, '--data-parallel-start-rank')
  if (startAt > 0) {
    prefix.push(`${START_RANK}=$((${INDEX} * ${Number(argv[startAt])}))`)
    argv[startAt] = envRef(START_RANK)
  }

  return script(prefix, node, argv, passEnv)
}

function script(prefix: string[], node: NodeCommand, argv: string[], passEnv: string[]): string {
  const refs = [...passEnv, LEADER, INDEX, START_RANK]
  const before = node.before.map((cmd) => shellLine({argv: cmd, env: {}, passEnv: refs}))
  return [...prefix, ...before, `exec ${shellLine({argv, env: {}, passEnv: refs})}`].join(' && ')
}

export function kubernetesManifest(input: KubernetesInput): LeaderWorkerSet {
  const {plan} = input
  const port = input.options.port
  const {spec} = buildEngine({...input, options: {...input.options, headAddress: envRef(LEADER), host: '0.0.0.0'}})
  const secretName = input.secretName ?? `${input.name}-secrets`
  // Fresh objects for each pod: shared references would come out of a YAML writer as anchors and aliases.
  const env = (): Json[] => [
    ...Object.entries(spec.env).map(([name, value]) => ({name, value})),
    ...spec.passEnv.map((name) => ({name, valueFrom: {secretKeyRef: {key: name, name: secretName}}})),
  ]
  const volumes = (): Json[] => [
    {emptyDir: {medium: 'Memory', sizeLimit: input.shmSize ?? '32Gi'}, name: 'dshm'},
    ...(input.hfCacheHostPath ? [{hostPath: {path: input.hfCacheHostPath, type: 'DirectoryOrCreate'}, name: 'hf-cache'}] : []),
  ]
  const mounts = (): Json[] => [
    {mountPath: '/dev/shm', name: 'dshm'},
    ...(input.hfCacheHostPath ? [{mountPath: '/root/.cache/huggingface', name: 'hf-cache'}] : []),
  ]

  const gpus = String(plan.gpusPerNode)
  const container = (name: string, command: string, leader: boolean): Json => ({
    command: ['/bin/sh', '-c', command],
    env: env(),
    image: input.image,
    name,
    ...(leader
      ? {
          ports: [{containerPort: port, name: 'http'}],
          // Loading hundreds of GB takes a while: probe /health, without killing the pod meanwhile.
          readinessProbe: {failureThreshold: 3, httpGet: {path: '/health', port}, initialDelaySeconds: 60, periodSeconds: 10},
        }
      : {}),
    resources: {limits: {'nvidia.com/gpu': gpus}, requests: {'nvidia.com/gpu': gpus}},
    volumeMounts: mounts(),
  })
  const pod = (name: string, command: string, leader: boolean, role: string): Json => ({
    metadata: {labels: {app: input.name, role}},
    spec: {containers: [container(name, command, leader)], volumes: volumes()},
  })

  const head: NodeCommand = spec.nodes[0] ?? {argv: spec.argv, before: [], env: spec.env, rank: 0, role: 'head'}
  const leaderScript = script([], head, head.argv, spec.passEnv)
  const template: {[key: string]: Json} =
    spec.nodes.length > 1
      ? {
          leaderTemplate: pod('leader', leaderScript, true, 'leader'),
          restartPolicy: 'RecreateGroupOnPodRestart',
          size: plan.nodes,
          workerTemplate: pod('worker', workerScript(spec.nodes[1], spec.passEnv), false, 'worker'),
        }
      : {restartPolicy: 'RecreateGroupOnPodRestart', size: 1, workerTemplate: pod('server', leaderScript, true, 'leader')}

  return {
    apiVersion: 'leaderworkerset.x-k8s.io/v1',
    kind: 'LeaderWorkerSet',
    metadata: {name: input.name},
    spec: {leaderWorkerTemplate: template, replicas: 1, startupPolicy: 'LeaderCreated'},
  }
}
