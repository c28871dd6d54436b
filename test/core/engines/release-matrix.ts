/**
 * The release matrix: every release in the engine data × a dozen fleets (Pascal to Blackwell, 1 GPU to 2×8) ×
 * R1 and each distill × both goals (and FP8 KV asked for), planned by the real search at that release; every candidate `r1 plan` would
 * print (the recommended one and the rest, as plan.ts builds them) goes through buildEngine, and so through the gate.
 * Needs dist/catalog.json (npm run build).
 */
import {readFileSync} from 'node:fs'
import {join, resolve} from 'node:path'

import type {Engine, Goal, KvCacheDtypeRequest} from '../../../src/core/constants.js'
import {buildEngine} from '../../../src/core/engines/build.js'
import {knownReleases} from '../../../src/core/engines/interface.js'
import {hardwareFromFlags} from '../../../src/core/planner/hardware.js'
import {searchCandidates} from '../../../src/core/planner/search.js'
import type {Catalog} from '../../../src/core/profiles/catalog.js'
import {ROOT} from '../../helpers/cli.js'

/** shared/ beside the repository (CI copies it there), or $R1_SHARED_DIR. */
export const SHARED = process.env.R1_SHARED_DIR ? resolve(process.env.R1_SHARED_DIR) : resolve(ROOT, '..', 'shared')

export const FLEETS: Array<{gpu: string; count: number; nodes: number}> = [
  {count: 1, gpu: 'gtx-1080-ti', nodes: 1},
  {count: 4, gpu: 'v100-sxm2-32gb', nodes: 1},
  {count: 1, gpu: 'tesla-t4', nodes: 1},
  {count: 1, gpu: 'rtx-4090', nodes: 1},
  {count: 1, gpu: 'jetson-agx-orin-64gb', nodes: 1},
  {count: 2, gpu: 'l40s', nodes: 1},
  {count: 8, gpu: 'a100-sxm4-80gb', nodes: 1},
  {count: 8, gpu: 'h100-sxm', nodes: 2},
  {count: 8, gpu: 'h200-sxm', nodes: 1},
  {count: 8, gpu: 'b200', nodes: 1},
  {count: 8, gpu: 'b200', nodes: 2},
  {count: 1, gpu: 'rtx-pro-6000-blackwell', nodes: 1},
]

/** Both goals with the engine's KV dtype, and throughput with an FP8 KV cache asked for. */
const CASES: Array<{goal: Goal; kv: KvCacheDtypeRequest}> = [
  {goal: 'throughput', kv: 'auto'},
  {goal: 'latency', kv: 'auto'},
  {goal: 'throughput', kv: 'fp8'},
]
const OPTIONS = {apiKeyEnv: 'R1_API_KEY', headAddress: '10.0.0.1', host: '0.0.0.0', port: 8000}

export interface MatrixCommand {
  engine: Engine
  version: string
  argv: string[]
  env: Record<string, string>
  label: string
}

export interface MatrixResult {
  builds: number
  fitting: number
  /** Distinct engine command lines (per release), every node. */
  commands: MatrixCommand[]
  /** Builds the gate refused: label → message. */
  refused: Array<{label: string; message: string}>
}

export function loadCatalog(): Catalog {
  return JSON.parse(readFileSync(join(ROOT, 'dist', 'catalog.json'), 'utf8')) as Catalog
}

/** Run the matrix for one engine (all its releases, or the ones given). */
export function runMatrix(engine: Engine, releases: readonly string[] = knownReleases(engine), catalog = loadCatalog()): MatrixResult {
  const profile = catalog.engines.filter((e) => e.id === engine)
  const seen = new Set<string>()
  const result: MatrixResult = {builds: 0, commands: [], fitting: 0, refused: []}
  for (const version of releases) {
    for (const fleet of FLEETS) {
      const {hardware} = hardwareFromFlags(catalog.gpus, {count: fleet.count, gpu: fleet.gpu, nodes: fleet.nodes})!
      for (const model of catalog.models) {
        for (const {goal, kv} of CASES) {
          const candidates = searchCandidates({contextLength: 32_768, engineVersion: version, engines: profile, goal, hardware, kvCacheDtype: kv, models: [model]})
          for (const c of candidates) {
            const label = `${engine} ${version} ${fleet.nodes}x${fleet.count} ${fleet.gpu} ${c.checkpoint.id} ${goal} kv-${kv} tp${c.layout.tensorParallel} pp${c.layout.pipelineParallel} dp${c.layout.dataParallel} ep${c.layout.expertParallel}${c.layout.dpAttention ? ' dpa' : ''} ${c.layout.nodes}n`
            result.builds++
            if (c.plan.fits) result.fitting++
            let spec
            try {
              spec = buildEngine({checkpoint: c.checkpoint, model: c.model, options: OPTIONS, plan: c.plan}).spec
            } catch (error) {
              result.refused.push({label, message: (error as Error).message})
              continue
            }

            for (const node of spec.nodes.length > 0 ? spec.nodes : [{argv: spec.argv, env: spec.env}]) {
              if (node.argv[0] === 'ray') continue
              const key = `${version}\u0000${node.argv.join('\u0000')}\u0000${JSON.stringify(node.env)}`
              if (seen.has(key)) continue
              seen.add(key)
              result.commands.push({argv: node.argv, engine, env: node.env, label, version})
            }
          }
        }
      }
    }
  }

  return result
}
