/** The Kubernetes form of a disaggregated plan: typed objects, each validated against its schema. */
import {beforeAll, describe, expect, test} from 'vitest'
import {parseAllDocuments} from 'yaml'

import type {DisaggregatedPlan} from '../../src/core/planner/pd/pd.schema.js'
import {LeaderWorkerSet} from '../../src/gen/lws/leaderworkerset.x-k8s.io/v1/LeaderWorkerSet.js'
import {planDisaggregated} from '../../src/services/plan-pd.js'
import {pdKubernetesObjects, pdKubernetesYaml} from '../../src/services/pd-kubernetes.js'
import {gpuSpecFromProfile} from '../../src/core/profiles/gpus.js'
import {loadTestCatalog} from '../core/planner/fixtures.js'

async function donePlan(engine: 'sglang' | 'vllm' = 'sglang'): Promise<DisaggregatedPlan> {
  const catalog = await loadTestCatalog()
  const model = catalog.models.find((m) => m.id === 'deepseek-r1')!
  const gpu = gpuSpecFromProfile(catalog.gpus.find((g) => g.id === 'h100-sxm')!)
  const out = planDisaggregated({
    addresses: [],
    catalog,
    checkpoint: model.checkpoints.find((c) => c.id === 'r1-0528-fp8')!,
    contextLength: 32_768,
    engine: catalog.engines.find((e) => e.id === engine)!,
    engineVersion: engine === 'sglang' ? '0.5.14' : '0.20.1',
    hardware: {gpu, gpusPerNode: 8, nodes: 13},
    kvCacheDtype: 'auto',
    mode: 'on',
    model,
    routerPort: 8000,
    workload: {given: true, inputTokens: 2000, itlMs: null, outputTokens: 2000, ttftMs: null},
  })
  return out.plan!
}

let plan: DisaggregatedPlan
beforeAll(async () => {
  plan = await donePlan()
})

describe('Kubernetes objects of the Done-when plan', () => {
  test('one LeaderWorkerSet per role, a Service per role, the router Deployment and Service: all valid against their schemas', async () => {
    const objects = await pdKubernetesObjects(plan, {name: 'r1'})
    const json = objects.map((o) => o.toJSON() as {kind: string; metadata: {name: string}})
    expect(json.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'LeaderWorkerSet/r1-prefill',
      'Service/r1-prefill',
      'LeaderWorkerSet/r1-decode',
      'Service/r1-decode',
      'Deployment/r1-router',
      'Service/r1-router',
    ])
    for (const o of objects) expect(() => o.validate()).not.toThrow()
  })

  test('each LWS has the role\'s instances and nodes; pods carry the RDMA settings (host network, /dev/infiniband, IPC_LOCK, shm)', async () => {
    const [prefill, , decode] = (await pdKubernetesObjects(plan, {name: 'r1'})).map((o) => o.toJSON() as any)
    expect(prefill.spec.replicas).toBe(plan.prefill.instances)
    expect(prefill.spec.leaderWorkerTemplate.size).toBe(plan.prefill.nodesPerInstance)
    expect(decode.spec.leaderWorkerTemplate.size).toBe(plan.decode.nodesPerInstance)
    const pod = decode.spec.leaderWorkerTemplate.workerTemplate.spec
    expect(pod.hostNetwork).toBe(true)
    expect(pod.volumes).toEqual(expect.arrayContaining([{hostPath: {path: '/dev/infiniband'}, name: 'infiniband'}, {emptyDir: {medium: 'Memory'}, name: 'dshm'}]))
    expect(pod.containers[0].securityContext.capabilities.add).toContain('IPC_LOCK')
    expect(pod.containers[0].resources.limits['nvidia.com/gpu']).toBe('8')
    // The worker's rank and rendezvous come from the pod (LWS env), not from the bare-metal addresses.
    const script = pod.containers[0].command[2] as string
    expect(script).toContain('--node-rank "${LWS_WORKER_INDEX}"')
    expect(script).toContain('--dist-init-addr "${LWS_LEADER_ADDRESS}":21000')
    expect(script).toContain('--disaggregation-mode decode')
  })

  test('device-plugin RDMA: the rdma/ib resource and no host network', async () => {
    const [prefill] = (await pdKubernetesObjects(plan, {name: 'r1', rdma: 'device-plugin'})).map((o) => o.toJSON() as any)
    const pod = prefill.spec.leaderWorkerTemplate.leaderTemplate.spec
    expect(pod.hostNetwork).toBeUndefined()
    expect(pod.containers[0].resources.limits['rdma/ib']).toBe('1')
    expect(pod.containers[0].securityContext.capabilities.add).toEqual(['IPC_LOCK', 'SYS_RAWIO'])
  })

  test('the router points at the role Services, with the prefill bootstrap port', async () => {
    const objects = (await pdKubernetesObjects(plan, {name: 'r1'})).map((o) => o.toJSON() as any)
    const router = objects[4].spec.template.spec.containers[0].command as string[]
    expect(router).toEqual(['python3', '-m', 'sglang_router.launch_router', '--pd-disaggregation', '--prefill', 'http://r1-prefill:30000', '8998', '--decode', 'http://r1-decode:31000', '--host', '0.0.0.0', '--port', '8000'])
  })

  test('vLLM: NIXL side channel on the pod IP, start rank from the worker index', async () => {
    const vplan = await donePlan('vllm')
    const [, , decode] = (await pdKubernetesObjects(vplan, {name: 'v'})).map((o) => o.toJSON() as any)
    const c = decode.spec.leaderWorkerTemplate.workerTemplate.spec.containers[0]
    expect(c.env).toContainEqual({name: 'VLLM_NIXL_SIDE_CHANNEL_HOST', valueFrom: {fieldRef: {fieldPath: 'status.podIP'}}})
    expect(c.command[2]).toMatch(/^R1_DP_START_RANK=\$\(\(LWS_WORKER_INDEX \* 8\)\) && exec vllm serve /)
    expect(c.command[2]).toContain('--data-parallel-address "${LWS_LEADER_ADDRESS}"')
  })

  test('the schema refuses what the CRD does not allow (the validation can fail)', () => {
    const bad = new LeaderWorkerSet({metadata: {name: 'x'}, spec: {leaderWorkerTemplate: {restartPolicy: 'Sometimes' as never, workerTemplate: {}}}})
    expect(() => bad.validate()).toThrow(/restartPolicy/)
  })

  test('YAML: six documents that parse back to the same objects', async () => {
    const text = await pdKubernetesYaml(plan, {name: 'r1'})
    const docs = parseAllDocuments(text).map((d) => d.toJS())
    expect(docs).toHaveLength(6)
    expect(docs[0].apiVersion).toBe('leaderworkerset.x-k8s.io/v1')
    expect(text).not.toMatch(/[&*]a\d/)
  })
})
