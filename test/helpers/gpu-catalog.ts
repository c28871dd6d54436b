/** The built-in GPU catalog read straight from profiles/gpus/*.json, validated (no dist/ build needed). */
import {readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'

import {GpuProfile} from '../../src/core/profiles/gpu.schema.js'
import {ROOT} from './cli.js'

export const GPU_DIR = join(ROOT, 'profiles', 'gpus')

export function gpuCatalog(): GpuProfile[] {
  return readdirSync(GPU_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => GpuProfile.parse(JSON.parse(readFileSync(join(GPU_DIR, f), 'utf8'))))
}
