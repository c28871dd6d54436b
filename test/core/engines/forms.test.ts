import {spawnSync} from 'node:child_process'
import {describe, expect, it} from 'vitest'
import {parse, stringify} from 'yaml'

import {buildEngine, dockerCommand, dockerImage, jetsonKind, kubernetesManifest, shellLine} from '../../../src/core/engines/index.js'
import {R1Error} from '../../../src/core/errors.js'
import {GPUS, loadModels, makePlan} from './plans.js'

const models = loadModels()
const r1 = models.find((m) => m.id === 'deepseek-r1')!
const fp8 = r1.checkpoints.find((c) => c.id === 'r1-fp8')!
const h200 = GPUS.find((g) => g.label === 'H200')!
const gated = {...fp8, gated: true}

describe('dockerImage', () => {
  it.each([
    ['sglang', '0.5.14', null, 'lmsysorg/sglang:v0.5.14'],
    ['sglang', '0.4.6.post1', null, 'lmsysorg/sglang:v0.4.6.post1-cu124'],
    ['sglang', '0.4.10', null, 'lmsysorg/sglang:v0.4.10-cu126'],
    ['sglang', '0.5.0', null, 'lmsysorg/sglang:v0.5.0rc2-cu126'],
    ['vllm', '0.20.1', null, 'vllm/vllm-openai:v0.20.1'],
    ['vllm', 'v0.11.0', null, 'vllm/vllm-openai:v0.11.0'],
    // The image of the release the command is built for: the nearest known below a dev build, the default for an unreadable one.
    ['vllm', '0.9.1.dev705+g01220ce89', null, 'vllm/vllm-openai:v0.9.0.1'],
    ['vllm', 'unknown', null, 'vllm/vllm-openai:v0.20.1'],
    ['vllm', '0.29.0', null, 'vllm/vllm-openai:v0.21.0'],
    ['vllm', '0.20.1', 'orin', 'ghcr.io/nvidia-ai-iot/vllm:latest-jetson-orin'],
    ['vllm', '0.20.1', 'thor', 'ghcr.io/nvidia-ai-iot/vllm:latest-jetson-thor'],
    ['sglang', '0.5.14', 'orin', 'dustynv/sglang:r36.4.0'],
  ] as const)('%s %s %s → %s', (engine, version, jetson, image) => {
    expect(dockerImage(engine, version, jetson)).toBe(image)
  })

  it('refuses SGLang on Thor, where no container is documented', () => {
    expect(() => dockerImage('sglang', '0.5.14', 'thor')).toThrow(R1Error)
  })

  it('knows the Jetsons by compute capability', () => {
    expect([jetsonKind('8.7'), jetsonKind('11.0'), jetsonKind('10.1'), jetsonKind('9.0'), jetsonKind(null)]).toEqual(['orin', 'thor', 'thor', null, null])
  })
})

describe('dockerCommand', () => {
  it('vLLM on one node: GPUs, IPC, shm, port, HF cache, secrets by name, the official image at the version', () => {
    const plan = makePlan({checkpoint: gated, engine: 'vllm', goal: 'latency', gpu: h200, model: r1, nodes: 1})
    const {spec} = buildEngine({checkpoint: gated, model: r1, options: {apiKeyEnv: 'VLLM_API_KEY', host: '0.0.0.0', port: 8000}, plan})
    const argv = dockerCommand(spec, {engine: 'vllm', engineVersion: '0.20.1', hfCachePath: '/home/me/.cache/huggingface', jetson: null, port: 8000})
    const image = argv.indexOf('vllm/vllm-openai:v0.20.1')
    expect(argv.slice(0, image + 1)).toEqual([
      'docker', 'run', '--rm', '--gpus', 'all', '--ipc=host', '--shm-size', '32g', '-p', '8000:8000',
      '-v', '/home/me/.cache/huggingface:/root/.cache/huggingface',
      '-e', 'HF_TOKEN', '-e', 'VLLM_API_KEY', '-e', 'VLLM_USE_FLASHINFER_MOE_FP8=1',
      '--entrypoint', 'vllm', 'vllm/vllm-openai:v0.20.1',
    ])
    expect(argv.slice(image + 1)).toEqual(spec.argv.slice(1))
  })

  it('SGLang head of two nodes: host network, the full argv after the image', () => {
    const plan = makePlan({checkpoint: fp8, engine: 'sglang', goal: 'throughput', gpu: h200, model: r1, nodes: 2})
    const {spec} = buildEngine({checkpoint: fp8, model: r1, options: {headAddress: '10.0.0.1', host: '0.0.0.0', port: 30_000}, plan})
    const worker = dockerCommand(spec, {engine: 'sglang', engineVersion: '0.5.14', hfCachePath: '/hf', jetson: null, node: 1, port: 30_000, shmSize: '64g'})
    expect(worker.slice(0, 12)).toEqual(['docker', 'run', '--rm', '--gpus', 'all', '--ipc=host', '--shm-size', '64g', '--network', 'host', '-v', '/hf:/root/.cache/huggingface'])
    expect(worker.slice(worker.indexOf('lmsysorg/sglang:v0.5.14') + 1)).toEqual(spec.nodes[1].argv)
    expect(() => dockerCommand(spec, {engine: 'sglang', engineVersion: '0.5.14', hfCachePath: '/hf', jetson: null, node: 2, port: 1})).toThrow('there is no node 2')
  })

  it('Ray head: ray start, then exec vllm serve, in one shell', () => {
    const plan = makePlan({checkpoint: fp8, engine: 'vllm', goal: 'latency', gpu: h200, model: r1, nodes: 2})
    const {spec} = buildEngine({checkpoint: fp8, model: r1, options: {headAddress: '10.0.0.1', host: '0.0.0.0', port: 8000}, plan})
    const argv = dockerCommand(spec, {engine: 'vllm', engineVersion: '0.20.1', hfCachePath: '/hf', jetson: null, port: 8000})
    const at = argv.indexOf('--entrypoint')
    expect(argv.slice(at, at + 4)).toEqual(['--entrypoint', '/bin/sh', 'vllm/vllm-openai:v0.20.1', '-c'])
    expect(argv[at + 4]).toBe(`ray start --head --port 6379 && exec ${shellLine({argv: spec.argv, env: {}, passEnv: []})}`)
  })

  it('Jetson: the NVIDIA runtime and the Jetson image', () => {
    const qwen = models.find((m) => m.id === 'r1-distill-qwen-7b')!
    const checkpoint = qwen.checkpoints[0]
    const orin = GPUS.find((g) => g.label === 'Jetson AGX Orin')!
    const {spec} = buildEngine({checkpoint, model: qwen, options: {host: '0.0.0.0', port: 8000}, plan: makePlan({checkpoint, engine: 'vllm', goal: 'latency', gpu: orin, model: qwen, nodes: 1})})
    const argv = dockerCommand(spec, {engine: 'vllm', engineVersion: '0.20.1', hfCachePath: '/hf', jetson: 'orin', port: 8000})
    expect(argv.slice(0, 5)).toEqual(['docker', 'run', '--rm', '--runtime', 'nvidia'])
    expect(argv).toContain('ghcr.io/nvidia-ai-iot/vllm:latest-jetson-orin')
    expect(argv.slice(argv.indexOf('ghcr.io/nvidia-ai-iot/vllm:latest-jetson-orin') + 1)).toEqual(spec.argv)
  })
})

type Obj = Record<string, any>

describe('kubernetesManifest', () => {
  const manifest = (engine: 'sglang' | 'vllm', goal: 'latency' | 'throughput', nodes: number) =>
    kubernetesManifest({
      checkpoint: gated,
      hfCacheHostPath: '/data/hf',
      image: engine === 'sglang' ? 'lmsysorg/sglang:v0.5.14' : 'vllm/vllm-openai:v0.20.1',
      model: r1,
      name: 'deepseek-r1',
      options: {apiKeyEnv: 'R1_API_KEY', host: '127.0.0.1', port: 8000},
      plan: makePlan({checkpoint: gated, engine, goal, gpu: h200, model: r1, nodes}),
    })

  it('has what a LeaderWorkerSet needs, written with the yaml package and read back', () => {
    const text = stringify(manifest('sglang', 'throughput', 2))
    expect(text).not.toMatch(/[&*]a\d/) // no anchors or aliases
    const doc = parse(text) as Obj
    expect(doc.apiVersion).toBe('leaderworkerset.x-k8s.io/v1')
    expect(doc.kind).toBe('LeaderWorkerSet')
    expect(doc.metadata.name).toBe('deepseek-r1')
    expect(doc.spec.replicas).toBe(1)
    const lwt = doc.spec.leaderWorkerTemplate
    expect(lwt.size).toBe(2)
    for (const template of [lwt.leaderTemplate, lwt.workerTemplate]) {
      const [container] = template.spec.containers
      expect(container.image).toBe('lmsysorg/sglang:v0.5.14')
      expect(container.resources.limits['nvidia.com/gpu']).toBe('8')
      expect(container.volumeMounts).toEqual([{mountPath: '/dev/shm', name: 'dshm'}, {mountPath: '/root/.cache/huggingface', name: 'hf-cache'}])
      expect(template.spec.volumes[0]).toEqual({emptyDir: {medium: 'Memory', sizeLimit: '32Gi'}, name: 'dshm'})
      expect(container.env).toEqual([
        {name: 'HF_TOKEN', valueFrom: {secretKeyRef: {key: 'HF_TOKEN', name: 'deepseek-r1-secrets'}}},
        {name: 'R1_API_KEY', valueFrom: {secretKeyRef: {key: 'R1_API_KEY', name: 'deepseek-r1-secrets'}}},
      ])
    }

    const leader = lwt.leaderTemplate.spec.containers[0]
    expect(leader.readinessProbe.httpGet).toEqual({path: '/health', port: 8000})
    expect(leader.ports).toEqual([{containerPort: 8000, name: 'http'}])
    expect(lwt.workerTemplate.spec.containers[0].readinessProbe).toBeUndefined()
    expect(leader.command.slice(0, 2)).toEqual(['/bin/sh', '-c'])
    expect(leader.command[2]).toContain('--host 0.0.0.0 --port 8000')
    expect(leader.command[2]).toContain('--dist-init-addr "${LWS_LEADER_ADDRESS}":5000')
  })

  /** Run a pod's command with the engine replaced by printf, as LWS would set the variables. */
  function argvOf(command: string[], env: Record<string, string>): string[] {
    const script = command[2].replace(/exec (\S+)/, `printf '%s\\0' $1`)
    const result = spawnSync('/bin/sh', ['-c', script], {encoding: 'utf8', env: {PATH: '/usr/bin:/bin', ...env}})
    expect(result.status).toBe(0)
    return result.stdout.split('\0').slice(0, -1)
  }

  it('the SGLang worker takes its node rank from LWS_WORKER_INDEX', () => {
    const doc = manifest('sglang', 'throughput', 2) as Obj
    const argv = argvOf(doc.spec.leaderWorkerTemplate.workerTemplate.spec.containers[0].command, {LWS_LEADER_ADDRESS: 'lws-0.svc', LWS_WORKER_INDEX: '1', R1_API_KEY: 'k'})
    const at = (flag: string) => argv[argv.indexOf(flag) + 1]
    expect([at('--node-rank'), at('--dist-init-addr'), at('--nnodes'), at('--api-key')]).toEqual(['1', 'lws-0.svc:5000', '2', 'k'])
  })

  it('the vLLM DP worker computes its start rank; the Ray worker joins the leader', () => {
    const dp = manifest('vllm', 'throughput', 2) as Obj
    const argv = argvOf(dp.spec.leaderWorkerTemplate.workerTemplate.spec.containers[0].command, {LWS_LEADER_ADDRESS: 'lws-0.svc', LWS_WORKER_INDEX: '1'})
    expect(argv.slice(-7)).toEqual(['--data-parallel-address', 'lws-0.svc', '--data-parallel-rpc-port', '13345', '--data-parallel-start-rank', '8', '--headless'])
    const ray = manifest('vllm', 'latency', 2) as Obj
    expect(ray.spec.leaderWorkerTemplate.workerTemplate.spec.containers[0].command[2]).toBe('exec ray start --address "${LWS_LEADER_ADDRESS}":6379 --block')
    expect(ray.spec.leaderWorkerTemplate.leaderTemplate.spec.containers[0].command[2]).toMatch(/^ray start --head --port 6379 && exec vllm serve /)
  })

  it('one node: a group of one pod that serves and is probed', () => {
    const doc = manifest('vllm', 'latency', 1) as Obj
    const lwt = doc.spec.leaderWorkerTemplate
    expect(lwt.size).toBe(1)
    expect(lwt.leaderTemplate).toBeUndefined()
    expect(lwt.workerTemplate.spec.containers[0].readinessProbe.httpGet.path).toBe('/health')
  })
})
