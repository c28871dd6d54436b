import {z} from 'zod'

import {PHASES} from './log.js'
import {CHECK_IDS} from './preflight.js'
import {DIAGNOSIS_IDS} from './diagnose.js'

export const ServeCheck = z
  .object({
    id: z.enum(CHECK_IDS),
    ok: z.boolean(),
    detail: z.string(),
    suggestions: z.array(z.string()),
  })
  .strict()

export const ServeNodeCommand = z
  .object({
    rank: z.number().int().nonnegative(),
    role: z.enum(['head', 'worker']),
    before: z.array(z.array(z.string())).describe('commands run first on this node (ray start ...)'),
    argv: z.array(z.string()),
    env: z.record(z.string(), z.string()).describe('secrets appear as "<from NAME>", never by value'),
    label: z.string().optional().describe('what the node is (disaggregated plans: role, instance, rank)'),
  })
  .strict()

export const KvCapacity = z
  .object({
    observedTokens: z.number().int(),
    predictedTokens: z.number().int(),
    differencePct: z.number(),
    warn: z.boolean().describe('more than 10% apart'),
  })
  .strict()

export const ServeDiagnosis = z
  .object({
    id: z.enum(DIAGNOSIS_IDS),
    summary: z.string(),
    line: z.string(),
    suggestions: z.array(z.string()),
  })
  .strict()

/** `r1 serve --json`: with --dry-run, what would run; otherwise (in the error envelope's result on exit 5/130) what happened. */
export const ServeResult = z
  .object({
    mode: z.enum(['dry-run', 'serve']),
    model: z.string().describe('model profile id'),
    checkpoint: z.string(),
    servedModelName: z.string().describe('the name /v1/models lists and requests use'),
    engine: z.enum(['sglang', 'vllm']),
    engineVersion: z.string().describe('the version the command was built for'),
    installedVersion: z.string().nullable(),
    docker: z.boolean(),
    host: z.string(),
    port: z.number().int(),
    nodes: z.number().int(),
    nodeRank: z.number().int().nullable().describe('the node this run starts, for several-node plans'),
    commands: z.array(ServeNodeCommand),
    passEnv: z.array(z.string()).describe('variables passed from the caller by name (HF_TOKEN, the API key)'),
    checks: z.array(ServeCheck),
    endpoint: z.string().describe('OpenAI-compatible base URL'),
    curl: z.string(),
    phase: z.enum(PHASES).describe('the last phase reached'),
    kvCache: KvCapacity.nullable(),
    diagnosis: ServeDiagnosis.nullable(),
    logTail: z.array(z.string()).describe('the last lines of the engine log when it failed'),
  })
  .strict()
export type ServeResult = z.infer<typeof ServeResult>

/** `r1 serve --stop --json`: the engines r1 had started on this machine, and whether each is gone now. */
export const StopResult = z
  .object({
    stopped: z.array(
      z
        .object({
          engine: z.string(),
          host: z.string(),
          port: z.number().int(),
          pid: z.number().int().describe('the engine process r1 started'),
          orphan: z.boolean().describe('no r1 supervised it any more (the one that started it was killed)'),
          stopped: z.boolean().describe('nothing of its process tree is left'),
        })
        .strict(),
    ),
  })
  .strict()
export type StopResult = z.infer<typeof StopResult>

/** What `r1 serve --json` returns: a serve (or dry run), or with --stop what was stopped. */
export const ServeCommandResult = z.union([ServeResult, StopResult])
export type ServeCommandResult = z.infer<typeof ServeCommandResult>
