/**
 * `r1 plan --kubernetes FILE`: the Kubernetes objects of the recommendation, from typed models validated
 * against their schemas. Loaded only when asked for.
 */
import type {PlanResult} from '../../core/planner/plan-result.schema.js'
import type {Candidate} from '../../core/planner/search.js'
import {DEFAULT_PORT} from './flags.js'

/**
 * The disaggregated plan's LWS per role, Services and router; or the aggregated plan's one LeaderWorkerSet.
 */
export async function kubernetesYaml(result: PlanResult, name: string, chosen: Candidate): Promise<string> {
  if (result.disaggregated?.recommended) {
    const {pdKubernetesYaml} = await import('../pd-kubernetes.js')
    return pdKubernetesYaml(result.disaggregated, {name})
  }

  const [{kubernetesManifest, dockerImage}, {LeaderWorkerSet}, {stringify}] = await Promise.all([
    import('../../core/engines/index.js'),
    import('../../gen/lws/leaderworkerset.x-k8s.io/v1/LeaderWorkerSet.js'),
    import('yaml'),
  ])
  const p = result.plan
  const lws = new LeaderWorkerSet(
    kubernetesManifest({checkpoint: chosen.checkpoint, image: dockerImage(p.engine, p.engineVersion, null), model: chosen.model, name, options: {host: '0.0.0.0', port: DEFAULT_PORT}, plan: chosen.plan}) as never,
  )
  lws.validate()
  return stringify(lws.toJSON(), {aliasDuplicateObjects: false})
}
