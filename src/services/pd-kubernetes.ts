/**
 * The Kubernetes form of a disaggregated plan, built from typed, validated models (never hand-written
 * YAML): one LeaderWorkerSet per role (the model generated from the vendored LWS v0.10.0 CRD, src/gen/lws),
 * a Service per role on the leaders, and the router as a Deployment with its Service (kubernetes-models).
 * The shape is SGLang's "LWS Based PD Deploy" (pd-disaggregation.md §3.1); the RDMA settings are the
 * checklist of §3.4: host networking with /dev/infiniband, privileged and IPC_LOCK (the SGLang example), or
 * the RDMA device-plugin resource with IPC_LOCK and SYS_RAWIO (llm-d); /dev/shm in memory either way.
 * Loaded with `await import()` only when asked for (r1 plan --kubernetes): the models are large.
 */
import type {IDeployment} from 'kubernetes-models/apps/v1/Deployment'
import type {IService} from 'kubernetes-models/v1/Service'

import {dockerImage} from '../core/engines/docker.js'
import {envRef, shellLine} from '../core/engines/shell.js'
import {setFlag} from '../core/engines/pd/build.js'
import type {DisaggregatedPlan, PdNode, PdRoleName} from '../core/planner/pd/pd.schema.js'
import type {ILeaderWorkerSet} from '../gen/lws/leaderworkerset.x-k8s.io/v1/LeaderWorkerSet.js'

export interface PdKubernetesOptions {
  /** Prefix of every object's name (a DNS label). */
  name: string
  /** Engine image; defaults to the official image of the plan's engine version. */
  image?: string
  /** RDMA access: host networking with /dev/infiniband (default), or an RDMA device-plugin resource. */
  rdma?: 'device-plugin' | 'host'
  /** The device-plugin resource name (CoreWeave: rdma/ib). */
  rdmaResource?: string
  hfCacheHostPath?: string | null
  /** Secret holding HF_TOKEN and other passEnv values, one key per name. */
  secretName?: string
  shmSize?: string
  namespace?: string
}

type Json = Record<string, unknown>

export interface KubeObject {
  toJSON(): unknown
  validate(): void
}

const LEADER = 'LWS_LEADER_ADDRESS'
const INDEX = 'LWS_WORKER_INDEX'
const START_RANK = 'R1_DP_START_RANK'

/** The typed objects, each validated against its schema (a failure is a bug in r1). */
export async function pdKubernetesObjects(plan: DisaggregatedPlan, options: PdKubernetesOptions): Promise<KubeObject[]> {
  const [{LeaderWorkerSet}, {Deployment}, {Service}] = await Promise.all([
    import('../gen/lws/leaderworkerset.x-k8s.io/v1/LeaderWorkerSet.js'),
    import('kubernetes-models/apps/v1/Deployment'),
    import('kubernetes-models/v1/Service'),
  ])
  const objects: KubeObject[] = []
  for (const role of ['prefill', 'decode'] as const) {
    objects.push(new LeaderWorkerSet(leaderWorkerSet(plan, role, options)), new Service(roleService(plan, role, options)))
  }

  objects.push(new Deployment(routerDeployment(plan, options)), new Service(routerService(plan, options)))
  for (const o of objects) o.validate()
  return objects
}

/** Multi-document YAML of the objects. */
export async function pdKubernetesYaml(plan: DisaggregatedPlan, options: PdKubernetesOptions): Promise<string> {
  const [objects, {stringify}] = await Promise.all([pdKubernetesObjects(plan, options), import('yaml')])
  return objects.map((o) => stringify(o.toJSON(), {aliasDuplicateObjects: false})).join('---\n')
}

function roleName(options: PdKubernetesOptions, role: PdRoleName | 'router'): string {
  return `${options.name}-${role}`
}

function meta(options: PdKubernetesOptions, name: string, labels: Record<string, string> = {}) {
  return {labels: {app: options.name, ...labels}, name, ...(options.namespace ? {namespace: options.namespace} : {})}
}

/** A node's argv with its rank-dependent values taken from the pod (LWS injects the leader address and worker index). */
function podScript(plan: DisaggregatedPlan, node: PdNode): string {
  let argv = [...node.argv]
  const prefix: string[] = []
  const at = (flag: string) => argv.indexOf(flag)
  if (at('--dist-init-addr') !== -1) argv = setFlag(argv, '--dist-init-addr', `${envRef(LEADER)}:${argv[at('--dist-init-addr') + 1].split(':').at(-1)}`)
  if (at('--node-rank') !== -1) argv = setFlag(argv, '--node-rank', envRef(INDEX))
  if (at('--data-parallel-address') !== -1) argv = setFlag(argv, '--data-parallel-address', envRef(LEADER))
  if (at('--data-parallel-start-rank') !== -1) {
    const local = Number(argv[at('--data-parallel-size-local') + 1] ?? 8)
    prefix.push(`${START_RANK}=$((${INDEX} * ${local}))`)
    argv = setFlag(argv, '--data-parallel-start-rank', envRef(START_RANK))
  }

  argv = setFlag(argv, '--host', '0.0.0.0')
  const refs = [...plan.passEnv, LEADER, INDEX, START_RANK]
  return [...prefix, `exec ${shellLine({argv, env: {}, passEnv: refs})}`].join(' && ')
}

function podSpec(plan: DisaggregatedPlan, node: PdNode, options: PdKubernetesOptions, leader: boolean): Json {
  const rdma = options.rdma ?? 'host'
  const gpus = String(plan[node.role].gpusPerNode)
  const secret = options.secretName ?? `${options.name}-secrets`
  const env: Json[] = Object.entries(node.env)
    .filter(([name]) => name !== 'VLLM_NIXL_SIDE_CHANNEL_HOST')
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, value]) => ({name, value}))
  // NIXL's side channel listens on the pod's own address (llm-d: status.podIP).
  if ('VLLM_NIXL_SIDE_CHANNEL_HOST' in node.env) env.push({name: 'VLLM_NIXL_SIDE_CHANNEL_HOST', valueFrom: {fieldRef: {fieldPath: 'status.podIP'}}})
  for (const name of plan.passEnv) env.push({name, valueFrom: {secretKeyRef: {key: name, name: secret}}})
  const limits: Record<string, string> = {'nvidia.com/gpu': gpus}
  if (rdma === 'device-plugin') limits[options.rdmaResource ?? 'rdma/ib'] = '1'
  const ports: Json[] = leader && node.httpPort !== null ? [{containerPort: node.httpPort, name: 'http'}] : []
  const bootstrap = node.argv.indexOf('--disaggregation-bootstrap-port')
  if (leader && bootstrap !== -1) ports.push({containerPort: Number(node.argv[bootstrap + 1]), name: 'bootstrap'})
  const volumes: Json[] = [{emptyDir: {medium: 'Memory', ...(options.shmSize ? {sizeLimit: options.shmSize} : {})}, name: 'dshm'}]
  const mounts: Json[] = [{mountPath: '/dev/shm', name: 'dshm'}]
  if (rdma === 'host') {
    volumes.push({hostPath: {path: '/dev/infiniband'}, name: 'infiniband'})
    mounts.push({mountPath: '/dev/infiniband', name: 'infiniband'})
  }

  if (options.hfCacheHostPath) {
    volumes.push({hostPath: {path: options.hfCacheHostPath, type: 'DirectoryOrCreate'}, name: 'hf-cache'})
    mounts.push({mountPath: '/root/.cache/huggingface', name: 'hf-cache'})
  }

  const container: Json = {
    command: ['/bin/sh', '-c', podScript(plan, node)],
    env,
    image: options.image ?? dockerImage(plan.engine, plan.engineVersion, null),
    name: leader ? 'leader' : 'worker',
    ...(ports.length > 0 ? {ports} : {}),
    // Loading R1 takes minutes: probe the HTTP port (the SGLang LWS example probes TCP), without killing the pod meanwhile.
    ...(leader && node.httpPort !== null ? {readinessProbe: {initialDelaySeconds: 60, periodSeconds: 10, tcpSocket: {port: node.httpPort}}} : {}),
    resources: {limits, requests: limits},
    securityContext: rdma === 'host' ? {capabilities: {add: ['IPC_LOCK']}, privileged: true} : {capabilities: {add: ['IPC_LOCK', 'SYS_RAWIO']}},
    volumeMounts: mounts,
  }
  const spec: Json = {containers: [container], volumes}
  if (rdma === 'host') Object.assign(spec, {dnsPolicy: 'ClusterFirstWithHostNet', hostIPC: true, hostNetwork: true})
  return spec
}

function leaderWorkerSet(plan: DisaggregatedPlan, role: PdRoleName, options: PdKubernetesOptions): ILeaderWorkerSet {
  const r = plan[role]
  const nodes = plan.nodes.filter((n) => n.role === role && n.instance === 0)
  const leader = nodes.find((n) => n.rank === 0)!
  const worker = nodes.find((n) => n.rank === 1)
  const labels = (kind: string) => ({app: options.name, component: role, role: kind})
  return {
    apiVersion: 'leaderworkerset.x-k8s.io/v1',
    kind: 'LeaderWorkerSet',
    metadata: meta(options, roleName(options, role), {component: role}),
    spec: {
      leaderWorkerTemplate: {
        ...(worker ? {leaderTemplate: {metadata: {labels: labels('leader')}, spec: podSpec(plan, leader, options, true) as never}} : {}),
        restartPolicy: 'RecreateGroupOnPodRestart',
        size: r.nodesPerInstance,
        workerTemplate: worker
          ? {metadata: {labels: labels('worker')}, spec: podSpec(plan, worker, options, false) as never}
          : {metadata: {labels: labels('leader')}, spec: podSpec(plan, leader, options, true) as never},
      },
      networkConfig: {subdomainPolicy: 'Shared'},
      replicas: r.instances,
      rolloutStrategy: {rollingUpdateConfiguration: {maxSurge: 0, maxUnavailable: 1}, type: 'RollingUpdate'},
      startupPolicy: 'LeaderCreated',
    },
  }
}

function roleService(plan: DisaggregatedPlan, role: PdRoleName, options: PdKubernetesOptions): IService {
  const leader = plan.nodes.find((n) => n.role === role && n.rank === 0)!
  const ports = [{name: 'http', port: leader.httpPort!, targetPort: leader.httpPort!}]
  const bootstrap = leader.argv.indexOf('--disaggregation-bootstrap-port')
  if (bootstrap !== -1) ports.push({name: 'bootstrap', port: Number(leader.argv[bootstrap + 1]), targetPort: Number(leader.argv[bootstrap + 1])})
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta(options, roleName(options, role), {component: role}),
    spec: {ports, selector: {'leaderworkerset.sigs.k8s.io/name': roleName(options, role), role: 'leader'}},
  }
}

/** The router's argv with the role Services in place of the node addresses. */
function routerArgv(plan: DisaggregatedPlan, options: PdKubernetesOptions): string[] {
  const url = (role: PdRoleName) => {
    const leader = plan.nodes.find((n) => n.role === role && n.rank === 0)!
    return `http://${roleName(options, role)}:${leader.httpPort}`
  }

  const prefill = new Set(plan.router.prefill.map((p) => p.url))
  const decode = new Set(plan.router.decode)
  const out: string[] = []
  let seenPrefill = false
  let seenDecode = false
  for (let i = 0; i < plan.router.argv.length; i++) {
    const word = plan.router.argv[i]
    // Every instance of a role sits behind its Service: one URL per role (same ports and bootstrap port per replica).
    if (prefill.has(word)) {
      if (seenPrefill) {
        out.pop()
        if (/^\d+$/.test(plan.router.argv[i + 1] ?? '')) i++
        continue
      }

      seenPrefill = true
      out.push(url('prefill'))
    } else if (decode.has(word)) {
      if (seenDecode) {
        out.pop()
        continue
      }

      seenDecode = true
      out.push(url('decode'))
    } else {
      out.push(word)
    }
  }

  return out
}

function routerDeployment(plan: DisaggregatedPlan, options: PdKubernetesOptions): IDeployment {
  const labels = {app: options.name, component: 'router'}
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: meta(options, roleName(options, 'router'), {component: 'router'}),
    spec: {
      replicas: 1,
      selector: {matchLabels: labels},
      template: {
        metadata: {labels},
        spec: {
          containers: [
            {
              command: routerArgv(plan, options),
              image: options.image ?? dockerImage(plan.engine, plan.engineVersion, null),
              name: 'router',
              ports: [{containerPort: plan.router.port, name: 'http'}],
              readinessProbe: {periodSeconds: 10, tcpSocket: {port: plan.router.port}},
            },
          ],
        },
      },
    },
  }
}

function routerService(plan: DisaggregatedPlan, options: PdKubernetesOptions): IService {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta(options, roleName(options, 'router'), {component: 'router'}),
    spec: {ports: [{name: 'http', port: plan.router.port, targetPort: plan.router.port}], selector: {app: options.name, component: 'router'}},
  }
}
