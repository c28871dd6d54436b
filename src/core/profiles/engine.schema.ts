import {z} from 'zod'

/**
 * vLLM and SGLang facts (profiles/engines/*.json), each with its source.
 * The memory-model owner extends this schema; keep it .strict().
 */
export const EngineProfile = z
  .object({
    id: z.enum(['sglang', 'vllm']),
    displayName: z.string(),
    defaultVersion: z.string().describe('the version r1 targets when none is given (the flag lists in shared/engine-flags)'),
    minComputeCapability: z.string(),
    sources: z.array(z.string()),
  })
  .strict()
export type EngineProfile = z.infer<typeof EngineProfile>
