import type {ProfileKind} from '../constants.js'
import type {EngineProfile} from './engine.schema.js'
import type {GpuProfile} from './gpu.schema.js'
import type {ModelProfile} from './model.schema.js'

export type {EngineProfile} from './engine.schema.js'
export type {GpuProfile} from './gpu.schema.js'
export type {Checkpoint, ModelArchitecture, ModelProfile, QuantScheme} from './model.schema.js'

/** The validated profiles: built-in (prebuilt at build time) plus the user's. */
export interface Catalog {
  models: ModelProfile[]
  gpus: GpuProfile[]
  engines: EngineProfile[]
}

export interface RawProfileFile {
  kind: ProfileKind
  path: string
  data: unknown
}
