/**
 * Engine command builders: a plan (without its command) → the argv and env that start SGLang or vLLM, and the
 * other forms of the same command (docker run, a LeaderWorkerSet manifest, a shell line to copy).
 * Pure: no process, no file system; secrets are named (passEnv), never carried as values.
 */
export {buildEngine, buildEngineCommand, type EngineBuild} from './build.js'
export {DEEPSEEK_SAMPLING, type EngineBuildInput, HEAD_ADDRESS_PLACEHOLDER} from './common.js'
export {dockerCommand, dockerImage, type DockerInput} from './docker.js'
export {kubernetesManifest, type KubernetesInput, type LeaderWorkerSet} from './kubernetes.js'
export {envRef, shellLine, shellQuote, shellWord, substituteEnvRefs} from './shell.js'
export {batchSizes, type Jetson, jetsonKind} from './tuning.js'
export {compareVersions, parseVersion} from './version.js'
export {assertGate, checkEngineArgv, type GateInput, type GateProblem, gateProblems} from './gate.js'
export {type CliOption, type EngineInterface, engineInterface, knownReleases, matchRelease} from './interface.js'
export {MLA_BACKENDS, REASONING_PARSER, SEMANTIC_RULES, type SemanticRule} from './semantics.js'
export {DEFAULT_ENGINE_VERSIONS, type EngineFlags, engineFlagsFor, resolveRelease} from './versions.js'
export {VLLM_API_KEY_ENV} from './vllm.js'
